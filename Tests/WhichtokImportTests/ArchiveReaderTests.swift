import Testing
import WhichtokStore

@testable import WhichtokImport

// Fixtures follow Docs/archive-format.md ('JSON generations', 'Section paths', 'Records', 'TXT exports').

private let bigID: UInt64 = 7_454_292_647_186_056_224  // > 2^53
private let idA: UInt64 = 6_934_000_000_000_000_001
private let idB: UInt64 = 7_300_000_000_000_000_002
private let idC: UInt64 = 7_400_000_000_000_000_003
private let groupID: UInt64 = 7_012_345_678_901_234_567

@Suite("Archive reader: JSON generations")
struct ArchiveReaderJSONTests {
    static let g1 = """
        {
          "Activity": {
            "Follower List": {"FansList": [{"Date": "2021-01-02 03:04:05", "UserName": "carol"}]},
            "Following List": {"Following": [{"Date": "2021-01-03 03:04:05", "UserName": "Bob"}]},
            "Hashtag": {"HashtagList": [{"HashtagName": "dance", "HashtagLink": "https://www.tiktok.com/share/challenge/1234/"}]},
            "Like List": {"ItemFavoriteList": [{"Date": "2021-03-02 10:00:00", "VideoLink": "\(shareLink(idA))"}]},
            "Login History": {"LoginHistoryList": [{"Date": "2021-01-01 00:00:00", "IP": "192.0.2.1"}, {"Date": "2021-01-02 00:00:00", "IP": "192.0.2.1"}]},
            "Search History": {"SearchList": [{"Date": "2021-03-03 10:00:00", "SearchTerm": "cats"}]},
            "Video Browsing History": {"VideoList": [
              {"Date": "2021-03-01 10:00:00", "VideoLink": "\(shareLink(idA))"},
              {"Date": "2021-03-01 10:05:00", "VideoLink": "\(shareLink(bigID))"}
            ]}
          },
          "App Settings": {"Block": {"BlockList": [{"Date": "2021-01-01 00:00:00", "UserName": "troll"}]}},
          "Comment": {"Comments": {"CommentsList": [{"Date": "2021-03-04 10:00:00", "Comment": "nice video"}]}},
          "Direct Messages": {"Chat History": {"ChatHistory": {
            "Chat History with bob:": [
              {"Date": "2021-03-05 10:00:01", "From": "bob", "Content": "\(shareLink(idA))"},
              {"Date": "2021-03-05 10:00:00", "From": "alice", "Content": "hello bob, this is private"}
            ]
          }}},
          "Profile": {"Profile Information": {"ProfileMap": {
            "userName": "Alice", "emailAddress": "alice@example.com", "birthDate": "01-Jan-2000",
            "bioDescription": "my secret bio"
          }}},
          "Tiktok Live": {"Watch Live History": {"WatchLiveMap": {"7000000000000000001": {"WatchTime": "2021-01-01 00:00:00", "Link": ""}}}},
          "Video": {"Videos": {"VideoList": [{"Date": "2021-02-01 12:00:00", "VideoLink": "https://v16-web.tiktokcdn.com/abc/def.mp4", "Likes": "5"}]}}
        }
        """

    @Test func g1() throws {
        let (batch, recognised) = readArchive([("TikTok_Data_1620000000/user_data.json", Self.g1)])
        #expect(recognised)
        #expect(batch.layout == "json-g1")
        #expect(batch.errors.isEmpty)
        #expect(
            batch.kindCounts == [
                "watched": 2, "liked": 1, "followed": 2, "searched": 1, "commented": 1, "messaged": 2, "posted": 1,
            ])
        let owner = try #require(batch.ownerRow)
        #expect(batch.ownerName == "alice")
        let bob = try #require(batch.accountRow("bob"))
        let carol = try #require(batch.accountRow("carol"))
        // Follow directions.
        let follows = batch.events(.followed)
        #expect(follows.contains { $0.actor == owner && $0.object == bob && $0.objectType == .account })
        #expect(follows.contains { $0.actor == carol && $0.object == owner })
        // DMs: alice (the owner, named by the profile that comes later in the document) → bob,
        // bob → owner with a video.
        let messages = batch.events(.messaged)
        let videoA = try #require(batch.videoRow(id: idA))
        #expect(messages.contains { $0.actor == owner && $0.object == bob && $0.detail & (1 << 31) != 0 })
        #expect(messages.contains { $0.actor == bob && $0.object == owner && $0.detail == videoA })
        #expect(batch.accounts.filter { $0.username == "alice" }.count == 1)
        // Ids beyond 2^53 are exact; creation time from the id.
        let big = try #require(batch.videoRow(id: bigID))
        #expect(batch.videos[Int(big)].created == UInt32(bigID >> 32))
        #expect(batch.events(.watched).first?.time == utc(2021, 3, 1, 10, 0, 0))
        // The own post: no id in the media link, known by author and date.
        let post = try #require(batch.events(.posted).first)
        #expect(batch.videos[Int(post.object)].tiktokID == 0)
        #expect(batch.videos[Int(post.object)].author == owner)
        #expect(batch.videos[Int(post.object)].created == utc(2021, 2, 1, 12, 0, 0))
        // Hashtag name ↔ id, no event.
        #expect(batch.hashtags.contains { $0.name == "dance" && $0.tiktokID == 1234 })
        // Block list counted, no account made.
        #expect(batch.sectionCounts["Block List"] == 1)
        #expect(batch.accountRow("troll") == nil)
        #expect(batch.skippedSections["LIVE"] == 1)
        #expect(batch.skippedSections["Login History"] == 2)
        #expect(batch.sectionCounts["Watch History"] == 2)
        #expect(batch.sectionCounts["Profile"] == 1)
        // Nothing personal kept.
        #expect(!batch.storesText("private"))
        #expect(!batch.storesText("alice@example.com"))
        #expect(!batch.storesText("secret bio"))
        #expect(batch.strings.contains("cats"))
        #expect(batch.unknownSections.isEmpty)
    }

    static let g2 = """
        {
          "Activity": {
            "Favorite Effects": {"FavoriteEffectsList": [{"Date": "2024-01-01 00:00:00", "EffectLink": "https://m.tiktok.com/share/stickers/detail/555.html"}]},
            "Favorite Hashtags": {"FavoriteHashtagList": [{"Date": "2024-01-01 00:00:00", "Link": "https://m.tiktok.com/h5/share/tag/666.html"}]},
            "Favorite Sounds": {"FavoriteSoundList": [{"Date": "2024-01-01 00:00:00", "Link": "https://m.tiktok.com/h5/share/music/777.html"}]},
            "Favorite Videos": {"FavoriteVideoList": [{"Date": "2024-01-02 00:00:00", "Link": "\(shareLink(idB))"}]},
            "Follower List": {"FansList": null, "App": 1, "IsFastLane": false},
            "Like List": {"ItemFavoriteList": [
              {"Date": "2024-12-01 08:00:00", "Link": "\(shareLink(idA))"},
              {"Date": "2024-12-01 09:00:00", "Link": "\(shareLink(idB))"}
            ], "App": 1},
            "Shiny New Section": {"ShinyList": [1, 2]},
            "Share History": {"ShareHistoryList": [
              {"Date": "2024-12-02 10:00:00", "SharedContent": "share_video", "Link": "\(shareLink(idA))", "Method": "chat_head"},
              {"Date": "1969-12-31 23:59:59", "SharedContent": "video", "Link": "https://www.tiktok.com/", "Method": "copy"},
              {"Date": "2024-12-02 11:00:00", "SharedContent": "video", "Link": "https://www.tiktok.com/@dave.creator/video/\(idC)?lang=en", "Method": "WhatsApp"}
            ]}
          },
          "Ads and data": {"Ad Interests": {"AdInterestCategories": ""}, "Off TikTok Activity": {"OffTikTokActivityDataList": [{"TimeStamp": "2024-01-01 00:00:00", "Source": "x", "Event": "Login"}]}},
          "App Settings": {"Block": {"BlockList": []}, "Settings": {"SettingsMap": {"Private Account": "Disabled"}, "App": 1}},
          "Brand New Root": {"Anything": {}},
          "Comment": {"Comments": {"CommentsList": [{"date": "2024-12-03 10:00:00", "comment": "lol", "photo": "N/A", "url": ""}]}},
          "Direct Messages": {"Chat History": {"ChatHistory": {
            "Chat History with Group_Chat_\(groupID):": [
              {"Date": "2024-12-04 10:00:00", "From": "dave.creator", "Content": "meet me at 5"},
              {"Date": "2024-12-04 10:01:00", "From": "gina", "Content": "ok"},
              {"Date": "2024-12-04 10:02:00", "From": "gina", "Content": "ok"}
            ],
            "Chat History with :": [
              {"Date": "2024-12-05 10:00:00", "From": "ghost", "Content": "hi"}
            ],
            "Chat History with gina::": [
              {"Date": "2024-12-06 10:00:00", "From": "gina", "Content": "hey"}
            ]
          }}},
          "Income Plus Wallet Transactions": {"Income Plus Wallet Transaction": {"TransactionsList": null}},
          "Poi Review": {"POI Review": {"ReviewsList": null}},
          "Profile": {"Profile Information": {"ProfileMap": {"userName": "gabe"}}},
          "Tiktok Live": {"Go Live History": {"GoLiveList": null}},
          "Tiktok Shopping": {"Order History": {"OrderHistories": {}}},
          "Video": {"Videos": {"VideoList": null}, "RecentlyDeletedPosts": {"PostList": null}}
        }
        """

    @Test func g2() throws {
        let (batch, recognised) = readArchive([("user_data_tiktok.json", Self.g2)])
        #expect(recognised)
        #expect(batch.layout == "json-g2")
        #expect(
            batch.kindCounts == [
                "liked": 2, "favorited": 4, "shared": 2, "commented": 1, "messaged": 5,
            ])
        let owner = try #require(batch.ownerRow)
        #expect(batch.ownerName == "gabe")
        // Favourites by object type.
        let favorites = batch.events(.favorited)
        #expect(Set(favorites.map(\.objectType)) == [.video, .sound, .effect, .hashtag])
        #expect(batch.sounds.contains { $0.tiktokID == 777 })
        #expect(batch.effects == [555])
        #expect(batch.hashtags.contains { $0.tiktokID == 666 })
        // Shares: the method label, lowercased; the 1969/no-id share skipped; the web link gives the author.
        let shares = batch.events(.shared)
        #expect(shares.count == 2)
        let methods = shares.compactMap { $0.detail == 0 ? nil : batch.strings[Int($0.detail - 1)] }
        #expect(Set(methods) == ["chat_head", "whatsapp"])
        let videoC = try #require(batch.videoRow(id: idC))
        let dave = try #require(batch.accountRow("dave.creator"))
        #expect(batch.videos[Int(videoC)].author == dave)
        // The 1969/no-id share is normal in real exports: counted, not warned about.
        #expect(batch.recordsSetAside == ["share without a video id": 1])
        #expect(!batch.warnings.contains { ($0.position ?? "").contains("Share History") })
        #expect(!batch.events(.shared).contains { $0.time == 0 })
        // Group chat → conversation; empty-name chat → message to the owner; gina → owner.
        let conversation = try #require(batch.conversations.firstIndex(of: groupID))
        let messages = batch.events(.messaged)
        #expect(messages.filter { $0.objectType == .conversation && $0.object == RowID(conversation) }.count == 3)
        let ghost = try #require(batch.accountRow("ghost"))
        let gina = try #require(batch.accountRow("gina"))
        #expect(messages.contains { $0.actor == ghost && $0.object == owner && $0.objectType == .account })
        #expect(messages.contains { $0.actor == gina && $0.object == owner && $0.objectType == .account })
        // Same text, same fingerprint; the text itself is nowhere.
        let okDetails = messages.filter { $0.actor == gina && $0.objectType == .conversation }.map(\.detail)
        #expect(okDetails.count == 2 && okDetails[0] == okDetails[1])
        #expect(!batch.storesText("meet me at 5"))
        // Empty encodings are recognised with 0 records.
        #expect(batch.sectionCounts["Followers"] == 0)
        #expect(batch.sectionCounts["Block List"] == 0)
        #expect(batch.sectionCounts["Posts"] == 0)
        #expect(batch.skippedSections["Recently Deleted Posts"] == 0)
        #expect(batch.skippedSections["Off TikTok Activity"] == 1)
        #expect(batch.skippedSections["Ad Interests"] == 0)
        #expect(batch.skippedSections["Settings"] == 1)
        #expect(batch.skippedSections["Wallet"] == 0)
        #expect(batch.skippedSections["Shop"] == 0)
        #expect(batch.skippedSections["Location Reviews"] == 0)
        // Unknown sections are named.
        #expect(batch.unknownSections.contains("Brand New Root"))
        #expect(batch.unknownSections.contains("Activity → Shiny New Section"))
        #expect(batch.sectionCounts["Comments"] == 1)
    }

    static let g3 = """
        {
          "Ads and data": {"Ad Interests": {"AdInterestCategories": ""}},
          "App Settings": {"Block List": {"BlockList": [{"Date": "2025-01-01 00:00:00", "UserName": "troll"}]}},
          "Comment": {"Comments": {"CommentsList": [{"date": "2025-03-03 10:00:00", "comment": "so true", "photo": "N/A", "url": "\(shareLink(idB))"}]}},
          "Direct Message": {"Direct Messages": {"ChatHistory": {
            "Chat History with hank:": [
              {"Date": "2025-03-05 10:00:00", "From": "ivy", "Content": "  \(shareLink(idC))  "},
              {"Date": "2025-03-05 10:01:00", "From": "hank", "Content": "look https://www.tiktokv.com/share/video/\(idA)/ lol"}
            ]
          }}},
          "Income Plus Wallet Transactions": {"Transaction History": {"TransactionsList": null}},
          "Location Review": {"Location Reviews": {"ReviewsList": null}},
          "Post": {"Posts": {"VideoList": [
            {"Date": "2025-02-01 12:00:00", "Link": "https://video-useast5.tiktokv.us/storage/v1/abc", "Likes": "12",
             "Sound": "original sound - ivy", "Title": "#fyp #Dance fun with #dance", "WhoCanView": "Everyone"},
            {"Date": "", "Link": "https://p16-sign.ibyteimg.com/photomode/x", "Title": "None", "Sound": "None"}
          ]}, "Recently Deleted Posts": {"PostList": null}},
          "Profile": {"Profile Info": {"ProfileMap": {"userName": "ivy", "likesReceived": "None"}}, "Autofill": {"PhoneNumber": "N/A"}},
          "TikTok Shop": {"Order History": {"OrderHistories": {}}},
          "Tiktok Live": {"Watch Live History": {"WatchLiveMap": {}}},
          "Your Activity": {
            "Follower": {"FansList": [
              {"Date": "2025-01-01 00:00:00", "UserName": "None"},
              {"Date": "2025-01-01 00:00:00", "UserName": "N/A"},
              {"Date": "2025-01-01 00:00:00", "UserName": ""},
              {"Date": "2025-01-01 00:00:00", "UserName": "jay"}
            ], "App": 1, "IsFastLane": false},
            "Following": {"Following": [{"Date": "2025-01-02 00:00:00", "UserName": "kim"}]},
            "Like List": {"ItemFavoriteList": [
              {"date": "2025-03-01 08:00:00", "link": "\(shareLink(idA))"},
              {"date": "1969-12-31 23:59:59", "link": "\(shareLink(idB))"},
              {"date": "2025-03-01 09:00:00", "link": 12345},
              {"date": "yesterday-ish", "link": "\(shareLink(idC))"}
            ]},
            "Searches": {"SearchList": [{"Date": "2025-03-02 10:00:00", "SearchTerm": "N/A"}, {"Date": "2025-03-02 10:00:00", "SearchTerm": " dogs "}]},
            "Share History": {"ShareHistoryList": []},
            "Watch History": {"VideoList": [
              {"Date": "2025-03-01 07:00:00", "Link": "\(shareLink(bigID))"},
              {"Date": "2025-03-01 07:00:01", "Link": "N/A"},
              {"Date": "2025-03-01 07:00:02", "Link": "https://www.tiktokv.com/share/video/99999999999999999999999/"}
            ]}
          }
        }
        """

    @Test func g3() throws {
        let (batch, recognised) = readArchive([("TikTok_Data_1741000000/user_data_tiktok.json", Self.g3)])
        #expect(recognised)
        #expect(batch.layout == "json-g3")
        #expect(
            batch.kindCounts == [
                "watched": 1, "liked": 3, "followed": 2, "searched": 1, "commented": 1, "messaged": 2, "posted": 1,
            ])
        let owner = try #require(batch.ownerRow)
        #expect(batch.ownerName == "ivy")
        // Placeholders never become accounts.
        #expect(batch.accounts.allSatisfy { $0.username != "none" && $0.username != "n/a" && $0.username != "" })
        #expect(batch.accounts.count == 4)  // ivy, jay, kim, hank
        // 1969 → time 0, event kept; lowercase keys read.
        let likes = batch.events(.liked)
        #expect(likes.filter { $0.time == 0 }.count == 2)  // the 1969 placeholder and "yesterday-ish"
        let dateWarning = try #require(batch.warnings.first { $0.message.contains("unparsable date") })
        #expect(dateWarning.message.hasPrefix("1 unparsable date"))
        #expect(dateWarning.position == "Your Activity → Like List → ItemFavoriteList[3].date")
        // The wrong-typed record is skipped with a warning naming its path; the rest imports.
        let wrong = try #require(batch.warnings.first { $0.message.contains("wrong type") })
        #expect(wrong.position == "Your Activity → Like List → ItemFavoriteList[2].link")
        #expect(wrong.entry == "TikTok_Data_1741000000/user_data_tiktok.json")
        #expect(wrong.message.hasPrefix("1 record of Likes"))
        #expect(batch.sectionCounts["Likes"] == 4)
        // Watch history: placeholder link and overflowing id are not videos, counted once.
        #expect(
            batch.warnings.contains {
                ($0.position ?? "").hasSuffix("Watch History") && $0.message == "2 links without a video id skipped"
            })
        // Comment on a video.
        let comment = try #require(batch.comments.first)
        #expect(comment.video == batch.videoRow(id: idB))
        #expect(comment.author == owner)
        // DMs: a bare video link (trimmed) is a message video; a link inside text is a fingerprint.
        let hank = try #require(batch.accountRow("hank"))
        let messages = batch.events(.messaged)
        let videoC = try #require(batch.videoRow(id: idC))
        #expect(messages.contains { $0.actor == owner && $0.object == hank && $0.detail == videoC })
        #expect(messages.contains { $0.actor == hank && $0.object == owner && $0.detail & (1 << 31) != 0 })
        // Own posts: caption, sound, hashtags; the one without date or id is skipped and counted.
        let post = try #require(batch.events(.posted).first)
        let video = batch.videos[Int(post.object)]
        #expect(video.caption == "#fyp #Dance fun with #dance")
        #expect(video.hashtags.compactMap { batch.hashtags[Int($0)].name } == ["fyp", "dance"])
        try #require(video.sound != RowID.none)
        #expect(batch.sounds[Int(video.sound)].title == "original sound - ivy")
        #expect(
            batch.warnings.contains {
                ($0.position ?? "").hasSuffix("Posts") && $0.message == "1 record without a date or video id skipped"
            })
        #expect(batch.strings == ["dogs"])
        #expect(batch.skippedSections["Autofill"] == 1)
        #expect(batch.skippedSections["LIVE"] == 0)
        #expect(batch.unknownSections.isEmpty)
    }

    static let g4 = """
        {
          "Comment": {"Comments": {"CommentsList": [
            {"date": "2026-01-05 10:00:00 UTC", "comment": "first", "photo": "N/A", "video": "N/A", "sticker": "N/A",
             "originalPostUrl": "\(shareLink(idA))", "original post link": ""},
            {"date": "2026-01-05 11:00:00 UTC", "comment": "second", "photo": "N/A", "video": "", "sticker": "",
             "originalPostUrl": "", "original post link": "\(shareLink(idB))"},
            {"date": "2026-01-05 12:00:00 UTC", "comment": "third"}
          ]}},
          "Direct Message": {
            "Direct Messages": {"ChatHistory": {"Chat History with lou:": [{"Date": "2026-01-06 10:00:00", "From": "max", "Content": "yo"}]}},
            "Group Chat": {"GroupChat": {"Group_Chat_\(groupID)": [
              {"Date": "2026-01-06 11:00:00", "From": "max", "Content": "all"},
              {"Date": "2026-01-06 11:00:01", "From": "lou", "Content": "hi all"}
            ]}},
            "Tako Chat History": {"TakoChatHistoryList": [{"Chat Title": "t", "Messages": [{"Date": "2026-01-06 10:00:00 UTC", "Content": {}}]}]}
          },
          "Income+ Wallet": {"Transaction History": {"TransactionsList": []}, "Coin Purchase History": {"CoinPurchaseHistoryList": []}},
          "Likes and Favorites": {
            "Favorite Collection": {"FavoriteCollectionList": [{"Date": "2026-01-01 00:00:00", "FavoriteCollection": "Recipes"}]},
            "Favorite Comment": {"FavoriteCommentList": [{"Date": "2026-01-01 00:00:00"}]},
            "Favorite Drama": {},
            "Favorite Videos": {"FavoriteVideoList": [{"Date": "2026-01-02 00:00:00", "Link": "\(shareLink(idC))"}]},
            "Like List": {"ItemFavoriteList": [{"date": "2026-01-03 00:00:00", "link": "\(shareLink(bigID))"}]}
          },
          "Location Review": {"Location Reviews": {"ReviewsList": []}},
          "Post": {"Posts": {"VideoList": []}, "Recently Deleted Posts": {"PostList": []}, "Story": {}},
          "Profile And Settings": {
            "Block List": {"BlockList": []},
            "Follower": {"FansList": [{"Date": "2026-01-01 00:00:00", "UserName": "nia"}]},
            "Following": {"Following": [{"Date": "2026-01-01 00:00:00", "UserName": "ola"}]},
            "Off TikTok Activity": {"OffTikTokActivityDataList": [{"TimeStamp": "1", "Source": "s", "Event": "e"}]},
            "Profile Info": {"ProfileMap": {"userName": "max", "accountRegion": "NL"}},
            "Settings": {"SettingsMap": {"Who can see your following list::": "Only me"}}
          },
          "TikTok Live": {"Watch Live History": {"WatchLiveMap": {}}},
          "TikTok Shop": {"TikTokFavoriteItem": {"TikTokFavoriteItemResult": {"TikTokFavoriteItemList": []}}},
          "Your Activity": {
            "Activity Summary": {"ActivitySummaryMap": {"note": "n", "videosSharedSinceAccountRegistration": 3}},
            "Off TikTok Activity": {"OffTikTokActivityDataList": [{"TimeStamp": "2", "Source": "s", "Event": "e"}]},
            "Reposts": {"RepostList": [{"Date": "2026-01-04 00:00:00", "Link": "\(shareLink(idA))"}]},
            "Watch History": {"VideoList": {"Date": "2026-01-04 01:00:00", "Link": "\(shareLink(idB))", "Title": ""}}
          }
        }
        """

    @Test func g4() throws {
        let (batch, recognised) = readArchive([("user_data_tiktok.json", Self.g4)])
        #expect(recognised)
        #expect(batch.layout == "json-g4")
        #expect(
            batch.kindCounts == [
                "watched": 1, "liked": 1, "favorited": 2, "shared": 1, "followed": 2, "commented": 3, "messaged": 3,
            ])
        let owner = try #require(batch.ownerRow)
        #expect(batch.ownerName == "max")
        let nia = try #require(batch.accountRow("nia"))
        let ola = try #require(batch.accountRow("ola"))
        let lou = try #require(batch.accountRow("lou"))
        let follows = batch.events(.followed)
        #expect(follows.contains { $0.actor == nia && $0.object == owner })
        #expect(follows.contains { $0.actor == owner && $0.object == ola })
        // Comments: ` UTC` dates, the video from originalPostUrl / original post link, or none.
        #expect(batch.comments.map(\.time) == [utc(2026, 1, 5, 10), utc(2026, 1, 5, 11), utc(2026, 1, 5, 12)])
        #expect(
            batch.comments.map { Optional($0.video) } == [batch.videoRow(id: idA), batch.videoRow(id: idB), RowID.none])
        #expect(batch.comments[0].textFingerprint == FNV1a64.hash("first"))
        // Reposts are shares labelled "repost"; a single-object list is one record.
        let repost = try #require(batch.events(.shared).first)
        #expect(repost.detail != 0 && batch.strings[Int(repost.detail - 1)] == "repost")
        #expect(batch.sectionCounts["Watch History"] == 1)
        // The collection is a string.
        let collection = try #require(batch.events(.favorited).first { $0.objectType == .collection })
        #expect(batch.strings[Int(collection.object)] == "Recipes")
        // Group chat section → conversation; the owner's messages resolve to the owner.
        let messages = batch.events(.messaged)
        #expect(messages.contains { $0.actor == owner && $0.object == lou && $0.objectType == .account })
        #expect(messages.filter { $0.objectType == .conversation }.map(\.actor) == [owner, lou])
        #expect(batch.sectionCounts["Group Chats"] == 2)
        #expect(batch.skippedSections["Tako Chat History"] == 1)
        #expect(batch.skippedSections["Off TikTok Activity"] == 2)
        #expect(batch.skippedSections["Favorite Comments"] == 1)
        #expect(batch.skippedSections["Favorite Movies and TV"] == 0)
        #expect(batch.skippedSections["Stories"] == 0)
        #expect(batch.skippedSections["Activity Summary"] == 1)
        #expect(batch.unknownSections.isEmpty)
        #expect(!batch.storesText("hi all"))
        #expect(batch.accounts.allSatisfy { $0.username != "nl" })
    }

    @Test func partialExportWithoutProfile() throws {
        let json = """
            {"Activity": {
              "Comments": {"CommentsList": [{"Date": "2024-06-01 10:00:00", "Comment": "hey", "Photo": "N/A", "Url": ""}]},
              "Favorite Videos": {"FavoriteVideoList": [{"Date": "2024-06-02 10:00:00", "Link": "\(shareLink(idA))"}]},
              "Like List": {"ItemFavoriteList": [{"Date": "2024-06-01 00:00:00", "Link": "\(shareLink(idB))"}]},
              "Most Recent Location Data": {"LocationData": {"Date": "N/A", "GpsData": "N/A", "LastRegion": "N/A"}},
              "POI Review": {"ReviewsList": null}
            }}
            """
        let (batch, recognised) = readArchive([("export/user_data_tiktok.json", json)])
        #expect(recognised)
        #expect(batch.layout == "json-partial")
        #expect(batch.kindCounts == ["commented": 1, "favorited": 1, "liked": 1])
        let owner = try #require(batch.ownerRow)
        #expect(batch.accounts[Int(owner)].username == nil)
        #expect(batch.accounts.count == 1)
        #expect(batch.allEvents.allSatisfy { $0.actor == owner })
        #expect(batch.skippedSections["Most Recent Location"] == 1)
        #expect(batch.skippedSections["Location Reviews"] == 0)
    }

    @Test func partialProfileAndVideo() throws {
        let json = """
            {"Profile": {"Follower List": {"FansList": [{"Date": "2024-12-01 00:00:00", "UserName": "pat"}]},
                         "Following List": {"Following": [], "IsFastLane": true},
                         "Auto Fill": {"PhoneNumber": "N/A"}},
             "Video": {"RecentlyDeletedPosts": {"PostList": null}, "Videos": {"VideoList": [
                {"Date": "2024-11-01 00:00:00", "Link": "https://www.tiktok.com/@pat/video/\(idA)"}]}}}
            """
        let (batch, _) = readArchive([("user_data_tiktok.json", json)])
        #expect(batch.layout == "json-partial")
        #expect(batch.kindCounts == ["followed": 1, "posted": 1])
        // A post link with an id is the video by id, its author from the link.
        let video = try #require(batch.videoRow(id: idA))
        let pat = try #require(batch.accountRow("pat"))
        #expect(batch.videos[Int(video)].author == pat)
        #expect(batch.sectionCounts["Following"] == 0)
    }

    @Test func unnamedOwnerIsRecognisedInChats() throws {
        // A direct-message-only export: no profile; the owner's messages are still the owner's.
        let json = """
            {"Direct Message": {"Direct Messages": {"ChatHistory": {
              "Chat History with quin:": [{"Date": "2025-01-01 00:00:00", "From": "rae", "Content": "a"},
                                          {"Date": "2025-01-01 00:00:01", "From": "quin", "Content": "b"}],
              "Chat History with sol:": [{"Date": "2025-01-01 00:00:02", "From": "rae", "Content": "c"}],
              "Chat History with Group_Chat_\(groupID):": [{"Date": "2025-01-01 00:00:03", "From": "rae", "Content": "d"}]
            }}}}
            """
        let (batch, _) = readArchive([("user_data_tiktok.json", json)])
        let owner = try #require(batch.ownerRow)
        #expect(batch.accounts[Int(owner)].username == nil)
        #expect(batch.accountRow("rae") == nil)
        let messages = batch.events(.messaged)
        #expect(messages.count == 4)
        #expect(messages.filter { $0.actor == owner }.count == 3)
    }

    @Test func invalidJSONIsAnErrorWithItsOffset() throws {
        let (batch, recognised) = readArchive([("user_data_tiktok.json", "{\"Activity\": {\"Like List\": [1, 2,]}}")])
        #expect(!recognised)
        let error = try #require(batch.errors.first)
        #expect(error.entry == "user_data_tiktok.json")
        #expect(error.position == "offset 33")  // the ']' after the trailing comma
        #expect(batch.errors.contains { $0.message == "not a TikTok data export" })
    }

    @Test func emptyButRecognisedExportWarns() throws {
        let json = """
            {"Likes and Favorites": {"Like List": {"ItemFavoriteList": []}, "Favorite Videos": {"FavoriteVideoList": null}},
             "Your Activity": {"Watch History": {"VideoList": {}}}}
            """
        let (batch, recognised) = readArchive([("user_data_tiktok.json", json)])
        #expect(recognised)
        #expect(batch.eventCount == 0)
        #expect(batch.warnings.contains { $0.message == "the export yielded no events" })
        #expect(batch.sectionCounts == ["Likes": 0, "Favorite Videos": 0, "Watch History": 0])
        #expect(batch.errors.isEmpty)
    }

    @Test func otherJSONIsNotAnExport() throws {
        let (batch, recognised) = readArchive([("notes/config.json", "{\"Video\": 3, \"name\": \"x\"}")])
        #expect(!recognised)
        #expect(batch.errors.map(\.message) == ["not a TikTok data export"])
        #expect(batch.unknownSections.isEmpty)
    }

    @Test func renamedJSONWithExportRootsIsRead() throws {
        let json =
            "{\"Your Activity\": {\"Searches\": {\"SearchList\": [{\"Date\": \"2025-01-01 00:00:00\", \"SearchTerm\": \"x\"}]}}}"
        let (batch, recognised) = readArchive([("my export (1).json", json)])
        #expect(recognised)
        #expect(batch.count(.searched) == 1)
    }

    @Test func regroupedSectionIsReadAsPartial() throws {
        let json = """
            {"Your Activity": {"Comments": {"CommentsList": [{"date": "2025-05-01 00:00:00", "comment": "x"}]},
                               "Video Browsing History": {"VideoList": [{"Date": "2025-05-01 00:00:00", "Link": "\(shareLink(idA))"}]}}}
            """
        let (batch, _) = readArchive([("user_data_tiktok.json", json)])
        #expect(batch.kindCounts == ["commented": 1, "watched": 1])
        #expect(batch.layout == "json-partial")
        #expect(batch.unknownSections.isEmpty)
    }

    @Test func largeWatchHistory() throws {
        let count = 20_000
        var items: [String] = []
        items.reserveCapacity(count)
        for index in 0..<count {
            let id = idB + UInt64(index % 5_000)
            items.append("{\"Date\": \"2025-03-01 07:\(10 + index % 50):00\", \"Link\": \"\(shareLink(id))\"}")
        }
        let json = "{\"Your Activity\": {\"Watch History\": {\"VideoList\": [" + items.joined(separator: ",") + "]}}}"
        let clock = ContinuousClock()
        var result: (batch: ImportBatch, recognised: Bool)?
        let elapsed = clock.measure { result = readArchive([("user_data_tiktok.json", json)]) }
        let batch = try #require(result?.batch)
        #expect(batch.count(.watched) == count)
        #expect(batch.videos.count == 5_000)
        #expect(batch.sectionCounts["Watch History"] == count)
        #expect(elapsed < .seconds(10))  // debug build; generous
    }

    @Test func oddShapesNeverCrash() throws {
        let json = """
            {"Activity": "nope", "Your Activity": {"Like List": "x", "Watch History": {"VideoList": [1, "a", null, [], {"Date": 5}]},
             "Following": {"Following": [{"Date": "2025-01-01 00:00:00", "UserName": "\\u0007bell 😀"}]}},
             "Direct Message": {"Direct Messages": {"ChatHistory": {"Chat History with x:": "oops", "Chat History with y:": [7]}}},
             "Profile": {"Profile Info": {"ProfileMap": {"userName": 42}}}}
            """
        let (batch, recognised) = readArchive([("user_data_tiktok.json", json)])
        #expect(recognised)
        #expect(batch.count(.followed) == 1)
        #expect(batch.accounts.contains { $0.username == "\u{7}bell 😀" })
        #expect(batch.warnings.contains { $0.position == "Your Activity → Watch History → VideoList[0]" })
        #expect(batch.warnings.contains { $0.position == "Profile → Profile Info → ProfileMap.userName" })
        #expect(batch.accountRow("x") == nil && batch.accountRow("y") == nil)  // chats without usable messages
    }
}

@Suite("Archive reader: TXT exports")
struct ArchiveReaderTXTTests {
    @Test func txt2020() throws {
        let entries: [(path: String, text: String)] = [
            (
                "Activity/Video Browsing History.txt",
                """
                Date: 2020-08-13 14:43:52
                Video Link: \(shareLink(idA))

                Date: 2020-08-13 14:40:00
                Video Link: \(shareLink(bigID))

                """
            ),
            ("Activity/Like List.txt", "Date: 2020-08-10 19:48:52\nVideo Link: \(shareLink(idA))\n"),
            ("Activity/Favorite Videos.txt", "You have no data in this section\n"),
            (
                "Videos/Videos.txt",
                "Date: 2020-07-01 10:00:00\nVideo Link: https://v16m.tiktokcdn.com/x/y.mp4\nLike(s): 3\n"
            ),
            ("Profile/Profile Info.txt", "Username: OldTimer\nBirthdate: 01-Jan-2000\nEmail Address: x@example.com\n"),
            ("README.txt", "not ours"),
        ]
        let (batch, recognised) = readArchive(entries)
        #expect(recognised)
        #expect(batch.layout == "txt-2020")
        #expect(batch.kindCounts == ["watched": 2, "liked": 1, "posted": 1])
        #expect(batch.ownerName == "oldtimer")
        #expect(batch.events(.watched).first?.time == utc(2020, 8, 13, 14, 43, 52))
        #expect(batch.videoRow(id: bigID) != nil)
        #expect(batch.sectionCounts["Favorite Videos"] == 0)
        #expect(!batch.storesText("x@example.com"))
        #expect(batch.unknownSections.isEmpty)
    }

    @Test func txt2024() throws {
        let crlf = { (text: String) in text.replacingNewlines() }
        let entries: [(path: String, text: String)] = [
            (
                "TikTok_Data_1735588272/Tiktok/Direct Messages/Direct Messages.txt",
                crlf(
                    """
                    >>> Chat History with uma::

                    2024-12-01 10:00:00 UTC uma: hi there: how are you
                    2024-12-01 10:01:00 UTC vic: \(shareLink(idA))
                    2024-12-01 10:02:00 UTC vic: a message
                    that goes on: over lines

                    >>> Chat History with Group_Chat_\(groupID)::

                    2024-12-02 10:00:00 UTC uma: group hello
                    2024-12-02 10:01:00 UTC vic: group reply
                    2024-12-02 10:02:00 UTC wes: me too

                    """)
            ),
            (
                "TikTok_Data_1735588272/Tiktok/Activity/Browsing History.txt",
                "\u{FEFF}"
                    + crlf(
                        """
                        Date: 2024-12-01 09:00:00 UTC
                        Link: \(shareLink(idA))

                        Date: 2024-12-01 09:01:00 UTC
                        Link: \(shareLink(bigID))

                        """)
            ),
            (
                "TikTok_Data_1735588272/Tiktok/Activity/Following_1.txt",
                crlf("Date: 2024-01-01 00:00:00 UTC\nUsername: uma\n\n")
            ),
            (
                "TikTok_Data_1735588272/Tiktok/Activity/Following_2.txt",
                crlf("Date: 2024-01-02 00:00:00 UTC\nUsername: xen\n")
            ),
            (
                "TikTok_Data_1735588272/Tiktok/Activity/Follower.txt",
                crlf("Date: 2024-01-03 00:00:00 UTC\nUserName: yan\n")
            ),
            ("TikTok_Data_1735588272/Tiktok/Activity/Searches.txt", crlf("You have no data in this section\n")),
            (
                "TikTok_Data_1735588272/Tiktok/Activity/Share History.txt",
                crlf(
                    """
                    Date: 2024-12-03 10:00:00 UTC
                    Shared Content: video
                    Link: \(shareLink(idB))
                    Method: chat_head

                    Date: 1969-12-31 23:59:59 UTC
                    Shared Content: video
                    Link: https://www.tiktok.com/
                    Method: copy
                    """)
            ),
            (
                "TikTok_Data_1735588272/Tiktok/Activity/Comments.txt",
                crlf("Date: 2024-12-04 10:00:00 UTC\nComment: first line\nstill: the comment\n")
            ),
            ("TikTok_Data_1735588272/Tiktok/Activity/Login History.txt", crlf("Date: x\nIP: 1\n\nDate: y\nIP: 2\n")),
            ("TikTok_Data_1735588272/Tiktok/Activity/Brand New Thing.txt", "Date: 2024-01-01 00:00:00 UTC\n"),
            (
                "TikTok_Data_1735588272/Tiktok/Posts/Post.txt",
                crlf(
                    """
                    Date: 2024-11-01 10:00:00 UTC
                    Link: https://video-useast5.tiktokv.us/storage/v1/x
                    Like(s): 3
                    Title: hello #World
                    Sound: original sound - vic
                    """)
            ),
            // The profile comes after the DM file: the owner's messages must still be the owner's.
            ("TikTok_Data_1735588272/Tiktok/Profile/Profile Info.txt", crlf("Username: vic\nEmail: v@example.com\n")),
        ]
        let (batch, recognised) = readArchive(entries)
        #expect(recognised)
        #expect(batch.layout == "txt-2024")
        #expect(
            batch.kindCounts == [
                "watched": 2, "followed": 3, "shared": 1, "commented": 1, "messaged": 6, "posted": 1,
            ])
        let owner = try #require(batch.ownerRow)
        #expect(batch.ownerName == "vic")
        #expect(batch.accounts.filter { $0.username == "vic" }.count == 1)
        let uma = try #require(batch.accountRow("uma"))
        let wes = try #require(batch.accountRow("wes"))
        let messages = batch.events(.messaged)
        let direct = messages.filter { $0.objectType == .account }
        #expect(direct.filter { $0.actor == uma && $0.object == owner }.count == 1)
        #expect(direct.filter { $0.actor == owner && $0.object == uma }.count == 2)
        let videoA = try #require(batch.videoRow(id: idA))
        #expect(direct.contains { $0.actor == owner && $0.detail == videoA })
        let conversation = try #require(batch.conversations.firstIndex(of: groupID))
        let group = messages.filter { $0.objectType == .conversation }
        #expect(group.map(\.object) == Array(repeating: RowID(conversation), count: 3))
        #expect(group.map(\.actor) == [uma, owner, wes])
        #expect(messages.first?.time == utc(2024, 12, 1, 10, 0, 0))
        // The multi-line comment's fingerprint covers both lines.
        #expect(batch.comments.first?.textFingerprint == FNV1a64.hash("first line\nstill: the comment"))
        #expect(batch.sectionCounts["Following"] == 2)
        #expect(batch.sectionCounts["Searches"] == 0)
        #expect(batch.sectionCounts["Direct Messages"] == 6)
        #expect(batch.skippedSections["Login History"] == 2)
        #expect(batch.unknownSections == ["TikTok_Data_1735588272/Tiktok/Activity/Brand New Thing.txt"])
        #expect(batch.recordsSetAside == ["share without a video id": 1])
        #expect(!batch.warnings.contains { ($0.entry ?? "").hasSuffix("Share History.txt") })
        let post = try #require(batch.events(.posted).first)
        #expect(batch.videos[Int(post.object)].hashtags.compactMap { batch.hashtags[Int($0)].name } == ["world"])
        for text in ["hi there", "how are you", "group hello", "a message", "over lines", "first line"] {
            #expect(!batch.storesText(text))
        }
    }

    @Test func dutch() throws {
        let entries: [(path: String, text: String)] = [
            ("TikTok/Kijkgeschiedenis.txt", "Datum: 2026-01-02 10:00:00 UTC\nLink: \(shareLink(idA))\n"),
            ("TikTok/Likelijst.txt", "Datum: 2026-01-02 11:00:00 UTC\nLink: \(shareLink(idB))\n"),
            ("TikTok/Favoriete video\u{2019}s.txt", "Datum: 2026-01-02 12:00:00 UTC\nLink: \(shareLink(idC))\n"),
            (
                "TikTok/Volger.txt",
                "Datum: 2026-01-01 00:00:00 UTC\nGebruikersnaam: zoe\n\nDatum: 2026-01-01 00:00:00 UTC\nGebruikersnaam: N.v.t.\n"
            ),
            ("TikTok/Volgend.txt", "Datum: 2026-01-01 00:00:00 UTC\nGebruikersnaam: abe\n"),
            ("TikTok/Zoekopdrachten.txt", "Datum: 2026-01-03 00:00:00 UTC\nZoekterm: katten\n"),
            (
                "TikTok/Geschiedenis delen.txt",
                "Datum: 2026-01-03 00:00:00 UTC\nGedeelde inhoud: video\nLink: \(shareLink(idA))\nMethode: WhatsApp\n"
            ),
            ("TikTok/Reacties.txt", "Datum: 2026-01-04 00:00:00 UTC\nReactie: leuk\nFoto: N.v.t.\n"),
            ("TikTok/Herplaatsingen.txt", "Datum: 2026-01-05 00:00:00 UTC\nLink: \(shareLink(idB))\n"),
            ("TikTok/Inloggeschiedenis.txt", "Dit gedeelte bevat geen gegevens\n"),
            ("TikTok/Profielinformatie.txt", "Gebruikersnaam: bea\nE-mailadres: b@example.com\n"),
        ]
        let (batch, recognised) = readArchive(entries)
        #expect(recognised)
        #expect(batch.layout == "txt-2026+nl")
        #expect(
            batch.kindCounts == [
                "watched": 1, "liked": 1, "favorited": 1, "followed": 2, "searched": 1, "shared": 2, "commented": 1,
            ])
        let owner = try #require(batch.ownerRow)
        #expect(batch.ownerName == "bea")
        let zoe = try #require(batch.accountRow("zoe"))
        #expect(batch.events(.followed).contains { $0.actor == zoe && $0.object == owner })
        #expect(batch.accounts.allSatisfy { $0.username != "n.v.t." })
        #expect(batch.strings.contains("katten"))
        #expect(batch.strings.contains("whatsapp"))
        #expect(batch.strings.contains("repost"))
        #expect(batch.skippedSections["Login History"] == 0)
        #expect(batch.unknownSections.isEmpty)
    }

    @Test func wantsEntries() {
        #expect(TikTokArchiveReader.wants(entryPath: "TikTok_Data_1/USER_DATA_TIKTOK.JSON"))
        #expect(TikTokArchiveReader.wants(entryPath: "a/b/user_data.json"))
        #expect(TikTokArchiveReader.wants(entryPath: "other.json"))
        #expect(TikTokArchiveReader.wants(entryPath: "x/Activity/Like List.txt"))
        #expect(TikTokArchiveReader.wants(entryPath: "Following_2.txt"))
        #expect(TikTokArchiveReader.wants(entryPath: "Favoriete video's.txt"))
        #expect(TikTokArchiveReader.wants(entryPath: "TikTok_Data_1\\Tiktok\\Activity\\Browsing History.txt"))
        #expect(TikTokArchiveReader.wants(entryPath: "Activity/Something New.txt"))
        #expect(!TikTokArchiveReader.wants(entryPath: "notes/readme.txt"))
        #expect(!TikTokArchiveReader.wants(entryPath: "__MACOSX/Activity/._Like List.txt"))
        #expect(!TikTokArchiveReader.wants(entryPath: "photo.jpg"))
    }

    @Test func mixedLayout() {
        let (batch, _) = readArchive([
            ("user_data_tiktok.json", "{\"Your Activity\": {\"Searches\": {\"SearchList\": []}}}"),
            ("Activity/Searches.txt", "Date: 2024-01-01 00:00:00 UTC\nSearch Term: y\n"),
        ])
        #expect(batch.layout == "mixed")
    }
}

@Suite("Archive values")
struct ArchiveReaderValueTests {
    @Test(arguments: [
        ("2024-12-30 19:51:12", ArchiveDate.Parsed.time(1_735_588_272)),
        ("2024-12-30 19:51:12 UTC", .time(1_735_588_272)),
        ("  2024-12-30 19:51:12 utc ", .time(1_735_588_272)),
        ("2025-03-12 04:49:19 +0000 UTC", .time(utc(2025, 3, 12, 4, 49, 19))),
        ("2024-02-29 00:00:00", .time(utc(2024, 2, 29))),
        ("1970-01-01 00:00:01", .time(1)),
        ("1735588272", .time(1_735_588_272)),
        ("1733588884798", .time(1_733_588_884)),
        ("1969-12-31 23:59:59", .placeholder),
        ("", .placeholder),
        ("N/A", .placeholder),
        ("None", .placeholder),
        ("N.v.t.", .placeholder),
        ("0", .placeholder),
        ("2023-02-29 00:00:00", .invalid),
        ("2024-13-01 00:00:00", .invalid),
        ("2024-12-30 25:00:00", .invalid),
        ("17-Dec-2004", .invalid),
        ("2024-12-30 19:51:12 CET", .invalid),
        ("2106-02-07 06:28:16", .invalid),
    ])
    func dates(_ text: String, _ expected: ArchiveDate.Parsed) {
        #expect(ArchiveDate.parse(text) == expected)
    }

    @Test func links() {
        let share = ArchiveLink.parse(shareLink(bigID))
        #expect(share.videoID == bigID)
        #expect(ArchiveLink.author(of: shareLink(bigID)) == nil)
        let web = ArchiveLink.parse("https://www.tiktok.com/@some.user/video/\(idA)?lang=en")
        #expect(web.videoID == idA)
        #expect(ArchiveLink.author(of: "https://www.tiktok.com/@some.user/video/\(idA)?lang=en") == "some.user")
        #expect(
            ArchiveLink.parse("https://m.tiktok.com/h5/share/music/6800000000000000001.html").soundID
                == 6_800_000_000_000_000_001)
        #expect(ArchiveLink.parse("https://www.tiktok.com/music/original-sound-123").soundID == 123)
        #expect(ArchiveLink.parse("https://m.tiktok.com/share/stickers/detail/555.html").effectID == 555)
        #expect(ArchiveLink.parse("https://m.tiktok.com/h5/share/tag/666.html").hashtagID == 666)
        #expect(ArchiveLink.parse("https://www.tiktok.com/share/challenge/1234/").hashtagID == 1234)
        #expect(
            ArchiveLink.parse("https://m.tiktok.com/h5/share/usr/6700000000000000001.html").userID
                == 6_700_000_000_000_000_001)
        for noID in [
            "https://www.tiktok.com/", "https://www.tiktok.com/foryou?lang=en-GB", "", "N/A",
            "https://www.tiktokv.com/share/video/0/", "https://www.tiktokv.com/share/video/18446744073709551616/",
            "https://www.tiktokv.com/share/video/12ab/", "https://v16.tiktokcdn.com/video/tos/x",
        ] {
            #expect(ArchiveLink.parse(noID).videoID == 0, "\(noID)")
        }
        #expect(ArchiveLink.parse("https://www.tiktokv.com/share/video/18446744073709551615/").videoID == .max)
        let bare = ArchiveLink.parse("  \(shareLink(idA))\n")
        #expect(bare.isBareURL && bare.isTikTokHost)
        #expect(!ArchiveLink.parse("see \(shareLink(idA))").isBareURL)
        #expect(!ArchiveLink.parse("https://example.com/video/123").isTikTokHost)
    }

    @Test func captionHashtags() {
        #expect(CaptionHashtags.names(in: "#fyp #Dance, fun #día_1 #") == ["fyp", "Dance", "día_1"])
        #expect(CaptionHashtags.names(in: "no tags here") == [])
    }

    @Test func chatNames() {
        #expect(ChatName.parse("Chat History with bob:", inGroupSection: false).name == "bob")
        #expect(ChatName.parse("Chat History with bob:::", inGroupSection: false).name == "bob")
        #expect(ChatName.parse("Chat History with :", inGroupSection: false).name == nil)
        #expect(ChatName.parse("Chat History with Group_Chat_\(groupID):", inGroupSection: false).groupID == groupID)
        #expect(ChatName.parse("\(groupID)", inGroupSection: true).groupID == groupID)
        #expect(ChatName.parse(" Chat History with uma::", inGroupSection: false).name == "uma")
    }

    @Test func fnv() {
        #expect(FNV1a64.hash("") == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a64.hash("a") == 0xaf63_dc4c_8601_ec8c)
    }
}

extension String {
    /// The text with LF line ends turned into CRLF.
    fileprivate func replacingNewlines() -> String {
        var out = ""
        for character in self {
            if character == "\n" { out += "\r\n" } else { out.append(character) }
        }
        return out
    }
}
