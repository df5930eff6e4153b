import WhichtokSupport

/// The JSON layouts (G1–G4 and the partial/category export): section paths, key spellings and
/// empty encodings per generation, as in Docs/archive-format.md ('JSON generations', 'Section paths',
/// 'Records', 'Empty values and placeholders').
extension DonorRender {
    /// The archive's entries: one JSON file, at the root (zip) or under `TikTok_Data_<epoch>/` (tar.gz,
    /// as a user re-packing the extracted folder would have it).
    func jsonEntries() -> [(path: String, bytes: [UInt8])] {
        let fileName = donor.layout == .jsonG1 ? "user_data.json" : "user_data_tiktok.json"
        let path = donor.container == .tarGzip ? dataName + "/" + fileName : fileName
        let document: JSONNode
        switch donor.layout {
        case .jsonG1: document = documentG1()
        case .jsonG2: document = documentG2()
        case .jsonG3: document = documentG3()
        case .jsonG4: document = documentG4()
        default: document = documentPartial()
        }
        var writer = JSONWriter(capacity: 256 + donor.budget * 150)
        writer.write(document)
        return [(path, writer.finish())]
    }

    // MARK: - Generations

    private func documentG1() -> JSONNode {
        var random = self.random
        let empty: JSONNode = random.chance(0.5) ? .null : .emptyArray
        return .sortedObject([
            (
                "Activity",
                .sortedObject([
                    ("Favorite Effects", .object([("FavoriteEffectsList", favoriteEffects(empty))])),
                    ("Favorite Hashtags", .object([("FavoriteHashtagList", favoriteHashtags(empty))])),
                    ("Favorite Sounds", .object([("FavoriteSoundList", favoriteSounds(empty))])),
                    (
                        "Favorite Videos",
                        .object([
                            (
                                "FavoriteVideoList",
                                videoRecords(activity.favoriteVideos, date: "Date", link: "Link", empty: empty)
                            )
                        ])
                    ),
                    ("Follower List", .object([("FansList", people(followers, empty))])),
                    ("Following List", .object([("Following", people(following, empty))])),
                    ("Hashtag", .object([("HashtagList", hashtagList(empty))])),
                    (
                        "Like List",
                        .object([
                            (
                                "ItemFavoriteList",
                                videoRecords(activity.likes, date: "Date", link: "VideoLink", empty: empty)
                            )
                        ])
                    ),
                    ("Login History", .object([("LoginHistoryList", loginList(empty))])),
                    ("Search History", .object([("SearchList", searchList(empty))])),
                    ("Share History", .object([("ShareHistoryList", shareList(placeholders: false, empty))])),
                    ("Status", .object([("Status List", statusList(.g1))])),
                    (
                        "Video Browsing History",
                        .object([
                            ("VideoList", videoRecords(activity.watches, date: "Date", link: "VideoLink", empty: empty))
                        ])
                    ),
                ])
            ),
            (
                "App Settings",
                .sortedObject([
                    ("Block", .object([("BlockList", people(blocked, empty))])),
                    ("Settings", .object([("SettingsMap", settingsMap(modern: false))])),
                ])
            ),
            ("Comment", .object([("Comments", .object([("CommentsList", commentList(.dateAndComment, empty))]))])),
            (
                "Direct Messages",
                .object([("Chat History", .object([("ChatHistory", chatMap(chats, empty: .emptyObject))]))])
            ),
            ("Profile", .object([("Profile Information", .object([("ProfileMap", profileMap(.g1))]))])),
            (
                "Tiktok Live",
                .sortedObject([
                    ("Go Live History", .object([("GoLiveMap", .null)])),
                    ("Watch Live History", .object([("WatchLiveMap", .null)])),
                ])
            ),
            ("Video", .object([("Videos", .object([("VideoList", postList(.g1, empty))]))])),
        ])
    }

    private func documentG2() -> JSONNode {
        var random = self.random
        let empty: JSONNode = random.chance(0.5) ? .null : .emptyArray
        return .sortedObject([
            (
                "Activity",
                .sortedObject([
                    ("Favorite Effects", .object([("FavoriteEffectsList", favoriteEffects(empty))])),
                    ("Favorite Hashtags", .object([("FavoriteHashtagList", favoriteHashtags(empty))])),
                    ("Favorite Sounds", .object([("FavoriteSoundList", favoriteSounds(empty))])),
                    (
                        "Favorite Videos",
                        .object([
                            (
                                "FavoriteVideoList",
                                videoRecords(activity.favoriteVideos, date: "Date", link: "Link", empty: empty)
                            )
                        ])
                    ),
                    ("Follower List", .object([("FansList", people(followers, empty))])),
                    (
                        "Following List",
                        .sortedObject([("Following", people(following, empty)), ("IsFastLane", .bool(false))])
                    ),
                    ("Hashtag", .object([("HashtagList", hashtagList(empty))])),
                    (
                        "Like List",
                        .object([
                            ("ItemFavoriteList", videoRecords(activity.likes, date: "Date", link: "Link", empty: empty))
                        ])
                    ),
                    ("Login History", .object([("LoginHistoryList", loginList(empty))])),
                    ("Purchase History", purchases),
                    ("Search History", .object([("SearchList", searchList(empty))])),
                    ("Share History", .object([("ShareHistoryList", shareList(placeholders: false, empty))])),
                    ("Status", .object([("Status List", statusList(.g2))])),
                    (
                        "Video Browsing History",
                        .object([
                            ("VideoList", videoRecords(activity.watches, date: "Date", link: "Link", empty: empty))
                        ])
                    ),
                ])
            ),
            ("Ads and data", adsAndData(empty)),
            (
                "App Settings",
                .sortedObject([
                    ("Block", .object([("BlockList", people(blocked, empty))])),
                    ("Settings", .object([("SettingsMap", settingsMap(modern: false))])),
                ])
            ),
            ("Comment", .object([("Comments", .object([("CommentsList", commentList(.lowercase, empty))]))])),
            (
                "Direct Messages",
                .object([("Chat History", .object([("ChatHistory", chatMap(chats, empty: .emptyObject))]))])
            ),
            (
                "Income Plus Wallet Transactions",
                .object([("Income Plus Wallet Transaction", .object([("TransactionsList", .null)]))])
            ),
            ("Poi Review", .object([("POI Review", .object([("ReviewsList", .null)]))])),
            (
                "Profile",
                .sortedObject([
                    ("Auto Fill", autofill),
                    ("Profile Information", .object([("ProfileMap", profileMap(.g2))])),
                ])
            ),
            ("Tiktok Live", live(watchLiveEmpty: .null, extraComment: false)),
            (
                "Tiktok Shopping",
                .sortedObject([
                    ("Communication History", .object([("CommunicationHistories", .null)])),
                    ("Current Payment Information", .object([("PayCard", .null)])),
                    ("Customer Support History", .object([("CustomerSupportHistories", .null)])),
                    ("Order Dispute History", .object([("OrderDisputeHistories", .null)])),
                    ("Order History", .object([("OrderHistories", .null)])),
                    ("Product Browsing History", .object([("ProductBrowsingHistories", .null)])),
                    ("Product Review History", .object([("ProductReviewHistories", .null)])),
                    ("Return and Refund History", .object([("ReturnAndRefundHistories", .null)])),
                    ("Saved Address Information", .object([("SavedAddress", .null)])),
                    ("Shopping Cart List", .object([("ShoppingCart", .null)])),
                ])
            ),
            (
                "Video",
                .sortedObject([
                    ("RecentlyDeletedPosts", .object([("PostList", .null)])),
                    ("Videos", .object([("VideoList", postList(.g2, empty))])),
                ])
            ),
        ])
    }

    private func documentG3() -> JSONNode {
        let empty = JSONNode.null
        let app = ("App", JSONNode.int(1))
        return .sortedObject([
            ("Ads and data", adsAndData(empty)),
            (
                "App Settings",
                .sortedObject([
                    ("Block List", .sortedObject([app, ("BlockList", people(blocked, empty))])),
                    ("Settings", .sortedObject([app, ("SettingsMap", settingsMap(modern: true))])),
                    ("UserThirdPlatformInformation", .emptyObject),
                ])
            ),
            (
                "Comment",
                .object([("Comments", .sortedObject([app, ("CommentsList", commentList(.lowercase, empty))]))])
            ),
            (
                "Direct Message",
                .object([("Direct Messages", .object([("ChatHistory", chatMap(chats, empty: .emptyObject))]))])
            ),
            (
                "Income Plus Wallet Transactions",
                .object([("Transaction History", .object([("TransactionsList", .null)]))])
            ),
            ("Location Review", .object([("Location Reviews", .object([("ReviewsList", .null)]))])),
            (
                "Post",
                .sortedObject([
                    ("Posts", .object([("VideoList", postList(.g3, empty))])),
                    ("Recently Deleted Posts", .object([("PostList", .null)])),
                ])
            ),
            (
                "Profile",
                .sortedObject([
                    ("AI-Moji", .object([("AIMojiList", .null)])),
                    ("Autofill", autofill),
                    ("Profile Info", .sortedObject([app, ("ProfileMap", profileMap(.g3))])),
                ])
            ),
            ("TikTok Shop", shop(empty)),
            ("Tiktok Live", live(watchLiveEmpty: .emptyObject, extraComment: true)),
            (
                "Your Activity",
                .sortedObject([
                    ("Activity Summary", activitySummary),
                    ("Favorite Effects", .object([("FavoriteEffectsList", favoriteEffects(empty))])),
                    ("Favorite Hashtags", .object([("FavoriteHashtagList", favoriteHashtags(empty))])),
                    ("Favorite Sounds", .object([("FavoriteSoundList", favoriteSounds(empty))])),
                    (
                        "Favorite Videos",
                        .sortedObject([
                            app,
                            (
                                "FavoriteVideoList",
                                videoRecords(activity.favoriteVideos, date: "Date", link: "Link", empty: empty)
                            ),
                        ])
                    ),
                    (
                        "Follower",
                        .sortedObject([app, ("FansList", people(followers, empty)), ("IsFastLane", .bool(false))])
                    ),
                    (
                        "Following",
                        .sortedObject([app, ("Following", people(following, empty)), ("IsFastLane", .bool(false))])
                    ),
                    ("Hashtag", .object([("HashtagList", hashtagList(empty))])),
                    (
                        "Like List",
                        .sortedObject([
                            app,
                            (
                                "ItemFavoriteList",
                                videoRecords(activity.likes, date: "date", link: "link", empty: empty)
                            ),
                        ])
                    ),
                    ("Login History", .object([("LoginHistoryList", loginList(empty))])),
                    ("Most Recent Location Data", locationData),
                    ("Purchases", purchases),
                    ("Searches", .object([("SearchList", searchList(empty))])),
                    ("Share History", .object([("ShareHistoryList", shareList(placeholders: true, empty))])),
                    ("Status", .object([("Status List", statusList(.g2))])),
                    (
                        "Watch History",
                        .object([
                            ("VideoList", videoRecords(activity.watches, date: "Date", link: "Link", empty: empty))
                        ])
                    ),
                ])
            ),
        ])
    }

    private func documentG4() -> JSONNode {
        let empty = JSONNode.emptyArray
        let app = ("App", JSONNode.int(1233))
        let oneToOne = chats.filter { !$0.conversation.isGroup }
        let groups = chats.filter { $0.conversation.isGroup }
        return .sortedObject([
            ("Comment", .object([("Comments", .sortedObject([app, ("CommentsList", commentList(.g4, empty))]))])),
            (
                "Direct Message",
                .sortedObject([
                    ("Direct Messages", .object([("ChatHistory", chatMap(oneToOne, empty: .emptyObject))])),
                    ("Group Chat", .object([("GroupChat", chatMap(groups, empty: .emptyObject))])),
                    ("Tako Chat History", .object([("TakoChatHistoryList", .emptyArray)])),
                ])
            ),
            (
                "Income+ Wallet",
                .sortedObject([
                    ("Coin Purchase History", .object([("CoinPurchaseHistoryList", .emptyArray)])),
                    ("Transaction History", .object([("TransactionsList", .emptyArray)])),
                ])
            ),
            (
                "Likes and Favorites",
                .sortedObject([
                    ("Collection", .emptyObject),
                    ("Favorite Collection", .object([("FavoriteCollectionList", .emptyArray)])),
                    ("Favorite Comment", .object([("FavoriteCommentList", .emptyArray)])),
                    ("Favorite Drama", .emptyObject),
                    ("Favorite Effects", .object([("FavoriteEffectsList", favoriteEffects(empty))])),
                    ("Favorite Hashtags", .object([("FavoriteHashtagList", favoriteHashtags(empty))])),
                    ("Favorite Location", .object([("FavoriteLocationList", .emptyArray)])),
                    ("Favorite Movies and TV", .object([("FavoriteMoviesAndTVList", .emptyArray)])),
                    ("Favorite Playlists", .object([("FavoritePlaylistList", .emptyArray)])),
                    ("Favorite Sounds", .object([("FavoriteSoundList", favoriteSounds(empty))])),
                    (
                        "Favorite Videos",
                        .sortedObject([
                            app,
                            (
                                "FavoriteVideoList",
                                videoRecords(activity.favoriteVideos, date: "Date", link: "Link", empty: empty)
                            ),
                        ])
                    ),
                    (
                        "Like List",
                        .sortedObject([
                            app,
                            (
                                "ItemFavoriteList",
                                videoRecords(activity.likes, date: "date", link: "link", empty: empty)
                            ),
                        ])
                    ),
                ])
            ),
            ("Location Review", .object([("Location Reviews", .object([("ReviewsList", .emptyArray)]))])),
            (
                "Post",
                .sortedObject([
                    ("Posts", .object([("VideoList", postList(.g4, empty))])),
                    ("Recently Deleted Posts", .object([("PostList", .emptyArray)])),
                    ("Story", .emptyObject),
                ])
            ),
            (
                "Profile And Settings",
                .sortedObject([
                    ("AI-Moji", .emptyObject),
                    ("AISelfImage", .emptyObject),
                    ("Autofill", autofill),
                    ("Block List", .sortedObject([app, ("BlockList", people(blocked, empty))])),
                    (
                        "Follower",
                        .sortedObject([app, ("FansList", people(followers, empty)), ("IsFastLane", .bool(true))])
                    ),
                    (
                        "Following",
                        .sortedObject([app, ("Following", people(following, empty)), ("IsFastLane", .bool(true))])
                    ),
                    ("Off TikTok Activity", .object([("OffTikTokActivityDataList", offTikTokList(empty))])),
                    ("Profile Info", .sortedObject([app, ("ProfileMap", profileMap(.g4))])),
                    ("ProfileViews", .object([("ProfileViewList", .emptyArray)])),
                    ("Settings", .sortedObject([app, ("SettingsMap", settingsMap(modern: true))])),
                ])
            ),
            ("TikTok Live", live(watchLiveEmpty: .emptyObject, extraComment: true)),
            ("TikTok Shop", shop(empty)),
            (
                "Your Activity",
                .sortedObject([
                    ("Activity Summary", activitySummary),
                    ("Ad Interests", .object([("AdInterestCategories", .string(adInterests))])),
                    ("Ads Visit History", .object([("AdsVisitHistoryList", .emptyArray)])),
                    ("Donation", .object([("DonationList", .emptyArray)])),
                    ("Fundraiser", .object([("FundraiserList", .emptyArray)])),
                    ("Hashtag", .object([("HashtagList", hashtagList(empty))])),
                    ("Instant Form Ads Responses", .object([("ResponsesList", .emptyArray)])),
                    ("Login History", .object([("LoginHistoryList", loginList(empty))])),
                    ("Mini Drama Watch History", .emptyObject),
                    ("Off TikTok Activity", .object([("OffTikTokActivityDataList", offTikTokList(empty))])),
                    ("Purchases", purchases),
                    ("Reposts", .object([("RepostList", .emptyArray)])),
                    ("Searches", .object([("SearchList", searchList(empty))])),
                    ("Share History", .object([("ShareHistoryList", shareList(placeholders: true, empty))])),
                    ("Status", .object([("Status List", statusList(.g4))])),
                    ("Stickers", .object([("StickerList", .emptyArray)])),
                    (
                        "Watch History",
                        .object([
                            (
                                "VideoList",
                                videoRecords(activity.watches, date: "Date", link: "Link", title: true, empty: empty)
                            )
                        ])
                    ),
                ])
            ),
        ])
    }

    /// A category export (`{"Activity": …}` only): no profile, so the importer knows the owner only
    /// by the archive's hash.
    private func documentPartial() -> JSONNode {
        let empty = JSONNode.null
        return .object([
            (
                "Activity",
                .sortedObject([
                    ("Comments", .object([("CommentsList", commentList(.capitalized, empty))])),
                    ("Favorite Effects", .object([("FavoriteEffectsList", favoriteEffects(empty))])),
                    ("Favorite Hashtags", .object([("FavoriteHashtagList", favoriteHashtags(empty))])),
                    ("Favorite Sounds", .object([("FavoriteSoundList", favoriteSounds(empty))])),
                    (
                        "Favorite Videos",
                        .object([
                            (
                                "FavoriteVideoList",
                                videoRecords(activity.favoriteVideos, date: "Date", link: "Link", empty: empty)
                            )
                        ])
                    ),
                    (
                        "Like List",
                        .object([
                            ("ItemFavoriteList", videoRecords(activity.likes, date: "Date", link: "Link", empty: empty))
                        ])
                    ),
                    ("Most Recent Location Data", locationData),
                    ("POI Review", .object([("ReviewsList", .null)])),
                ])
            )
        ])
    }

    // MARK: - Record lists

    private func list(_ count: Int, _ empty: JSONNode, _ body: @escaping (inout JSONWriter) -> Void) -> JSONNode {
        guard count > 0 else { return empty }
        return .custom { writer in
            writer.beginArray()
            body(&writer)
            writer.endArray()
        }
    }

    private func videoRecords(
        _ items: [DonorActivity.Item], date: StaticString, link: StaticString, title: Bool = false, empty: JSONNode
    ) -> JSONNode {
        let world = self.world
        return list(items.count, empty) { writer in
            for item in items {
                let id = world.videos[Int(item.object)].id
                writer.beginObject()
                writer.dateField(date, item.time)
                writer.key(link)
                writer.rawString { Links.appendVideoShare(id, to: &$0) }
                if title {
                    writer.key("Title")
                    // Mostly empty, as in real G4 files; sometimes the caption.
                    if item.time % 8 == 0 {
                        writer.string(world.caption(ofVideo: Int(item.object)))
                    } else {
                        writer.string("")
                    }
                }
                writer.endObject()
            }
        }
    }

    private func favoriteSounds(_ empty: JSONNode) -> JSONNode {
        let sounds = world.sounds
        return dated(activity.favoriteSounds, empty, key: "Link") { Links.sound(sounds[$0].id) }
    }

    private func favoriteHashtags(_ empty: JSONNode) -> JSONNode {
        let hashtags = world.hashtags
        return dated(activity.favoriteHashtags, empty, key: "Link") { Links.favoriteHashtag(hashtags[$0].id) }
    }

    private func favoriteEffects(_ empty: JSONNode) -> JSONNode {
        let effects = world.effects
        return dated(activity.favoriteEffects, empty, key: "EffectLink") { Links.effect(effects[$0].id) }
    }

    /// `[{"Date": …, key: link(object)}]`, one record per item.
    private func dated(
        _ items: [DonorActivity.Item], _ empty: JSONNode, key: StaticString, link: @escaping (Int) -> String
    ) -> JSONNode {
        list(items.count, empty) { writer in
            for item in items {
                writer.beginObject()
                writer.dateField("Date", item.time)
                writer.field(key, link(Int(item.object)))
                writer.endObject()
            }
        }
    }

    private func people(_ records: [PersonRecord], _ empty: JSONNode) -> JSONNode {
        list(records.count, empty) { writer in
            for record in records {
                writer.beginObject()
                writer.dateField("Date", record.time)
                writer.field("UserName", record.username)
                writer.endObject()
            }
        }
    }

    private func hashtagList(_ empty: JSONNode) -> JSONNode {
        let tags = usedHashtags
        let world = self.world
        return list(tags.count, empty) { writer in
            for tag in tags {
                writer.beginObject()
                writer.field("HashtagName", world.hashtags[tag].name)
                writer.field("HashtagLink", Links.challenge(world.hashtags[tag].id))
                writer.endObject()
            }
        }
    }

    private func searchList(_ empty: JSONNode) -> JSONNode {
        let items = activity.searches
        let render = self
        return list(items.count, empty) { writer in
            for item in items {
                writer.beginObject()
                writer.dateField("Date", item.time)
                writer.field("SearchTerm", render.searchTerm(item))
                writer.endObject()
            }
        }
    }

    private func shareList(placeholders: Bool, _ empty: JSONNode) -> JSONNode {
        let items = activity.shares
        let extra = placeholders ? activity.placeholderShares : 0
        let render = self
        return list(items.count + extra, empty) { writer in
            for item in items {
                writer.beginObject()
                writer.dateField("Date", item.time)
                writer.field("SharedContent", render.sharedContent(item))
                writer.field("Link", render.shareLink(item))
                writer.field("Method", render.shareMethod(item))
                writer.endObject()
            }
            for index in 0..<extra {
                writer.beginObject()
                writer.field("Date", "1969-12-31 23:59:59")
                writer.field("SharedContent", "video")
                writer.field("Link", "https://www.tiktok.com/")
                writer.field("Method", DonorActivity.shareMethods[index % 3])
                writer.endObject()
            }
        }
    }

    enum CommentStyle { case dateAndComment, capitalized, lowercase, g4 }

    private func commentList(_ style: CommentStyle, _ empty: JSONNode) -> JSONNode {
        let items = activity.comments
        let render = self
        return list(items.count, empty) { writer in
            for (position, item) in items.enumerated() {
                let text = render.commentText(item, multiline: true)
                let link = Links.videoShare(render.videoID(item))
                writer.beginObject()
                switch style {
                case .dateAndComment:
                    writer.dateField("Date", item.time)
                    writer.field("Comment", text)
                case .capitalized:
                    writer.dateField("Date", item.time)
                    writer.field("Comment", text)
                    writer.field("Photo", "N/A")
                    writer.field("Url", link)
                case .lowercase:
                    writer.dateField("date", item.time)
                    writer.field("comment", text)
                    writer.field("photo", "N/A")
                    writer.field("url", position % 10 == 9 ? "" : link)
                case .g4:
                    writer.dateField("date", item.time, utc: true)
                    writer.field("comment", text)
                    writer.field("photo", "N/A")
                    writer.field("video", "")
                    writer.field("sticker", "")
                    writer.field("originalPostUrl", link)
                    writer.field("original post link", link)
                }
                writer.endObject()
            }
        }
    }

    private func chatMap(_ chats: [Chat], empty: JSONNode) -> JSONNode {
        guard !chats.isEmpty else { return empty }
        let render = self
        return .custom { writer in
            writer.beginObject()
            for chat in chats {
                writer.key("Chat History with " + chat.name + ":")
                writer.beginArray()
                for message in render.messageOrder(chat.conversation) {
                    writer.beginObject()
                    writer.dateField("Date", chat.conversation.times[message])
                    writer.field("From", render.sender(chat.conversation, message))
                    writer.field("Content", render.messageText(chat.conversation, message))
                    writer.endObject()
                }
                writer.endArray()
            }
            writer.endObject()
        }
    }

    enum Generation { case g1, g2, g3, g4 }

    private func postList(_ generation: Generation, _ empty: JSONNode) -> JSONNode {
        let posts = activity.posts
        let render = self
        return list(posts.count, empty) { writer in
            for post in posts {
                writer.beginObject()
                writer.dateField("Date", post.time)
                if generation == .g1 {
                    writer.field("VideoLink", render.postMediaLink(post))
                    writer.field("Likes", String(post.likes))
                    writer.endObject()
                    continue
                }
                writer.field("Link", render.postMediaLink(post))
                writer.field("Likes", String(post.likes))
                writer.field("WhoCanView", post.seed % 7 == 0 ? "Friends" : "Everyone")
                writer.field("AllowComments", "Yes")
                writer.field("AllowStitches", post.seed % 3 == 0 ? "No" : "Yes")
                writer.field("AllowDuets", "Yes")
                writer.field("AllowStickers", "Yes")
                writer.field("AllowSharingToStory", "Yes")
                writer.field("ContentDisclosure", "")
                writer.field("AIGeneratedContent", post.seed % 11 == 0 ? "Yes" : "No")
                writer.field("Sound", render.postSound(post))
                writer.field("Location", post.seed % 5 == 0 ? "Amsterdam" : "")
                writer.field("Title", render.postTitle(post))
                writer.field("AddYoursText", "")
                if generation == .g3 || generation == .g4 {
                    writer.field("AlternateText", "")
                    writer.field(
                        "CoverImage",
                        "https://p16-sign-va.tiktokcdn.com/obj/tos-maliva-p-0068/cover\(post.seed % 1_000_000)~tplv-photomode.jpeg"
                    )
                }
                if generation == .g4 { writer.field("NumberOfCollections", String(post.likes / 20)) }
                writer.endObject()
            }
        }
    }

    private func loginList(_ empty: JSONNode) -> JSONNode {
        let logins = self.logins
        return list(logins.count, empty) { writer in
            for login in logins {
                writer.beginObject()
                writer.dateField("Date", login.time)
                writer.field("IP", login.ip)
                writer.field("DeviceModel", login.model)
                writer.field("DeviceSystem", login.system)
                writer.field("NetworkType", login.network)
                writer.field("Carrier", login.carrier)
                writer.endObject()
            }
        }
    }

    private func offTikTokList(_ empty: JSONNode) -> JSONNode {
        let records = offTikTok
        return list(records.count, empty) { writer in
            for record in records {
                writer.beginObject()
                writer.dateField("TimeStamp", record.time)
                writer.field("Source", record.source)
                writer.field("Event", record.event)
                writer.endObject()
            }
        }
    }

    private func statusList(_ generation: Generation) -> JSONNode {
        let fakeUUID = "00000000-0000-0000-0000-000000000000"
        let fields: [(String, JSONNode)]
        switch generation {
        case .g1:
            fields = [
                ("Resolution", .string("828*1792")), ("App Version", .string("19.3.4")), ("Idfa", .string(fakeUUID)),
                ("GAid", .string("")), ("OpenUdid", .string("")), ("Clientudid", .string("")),
            ]
        case .g2, .g3:
            fields = [
                ("Resolution", .string("1439x720")), ("App Version", .string("33.8.4")), ("IDFA", .string("")),
                ("GAID", .string(fakeUUID)), ("Android ID", .string("N/A")), ("IDFV", .string("")),
                ("Web ID", .string("")),
            ]
        case .g4:
            fields = [
                ("Resolution", .string("1179*2556")), ("App Version", .string("42.1.0")), ("IDFA", .string(fakeUUID)),
                ("GAID", .string("")), ("Android ID", .string("")), ("IDFV", .string(fakeUUID)),
                ("Web ID", .string("")),
                ("UID", .custom { [id = donor.numericID] in $0.uint(id) }),
                ("DID", .string(String(donor.numericID / 3))),
            ]
        }
        return .array([.object(fields)])
    }

    // MARK: - Profile and settings

    private func profileMap(_ generation: Generation) -> JSONNode {
        var fields: [(String, JSONNode)] = [
            ("userName", .string(username)),
            ("bioDescription", .string(bio)),
            ("birthDate", .string(birthDate)),
            ("emailAddress", .string(email)),
            ("telephoneNumber", .string("")),
            ("likesReceived", .string(likesReceived)),
            ("profilePhoto", .string(profilePhoto)),
            ("profileVideo", .string("None")),
        ]
        if generation == .g3 || generation == .g4 {
            fields += [
                ("displayName", .string(Themes.firstNames[donor.index % Themes.firstNames.count])),
                ("followerCount", .int(social.followersOf[donor.index].count)),
                ("followingCount", .int(following.count)),
                ("inferredGender", .string("None")),
                ("instagramLink", .string("")),
                ("youtubeLink", .string("")),
                ("lemon8Link", .string("")),
                ("aiSelf", .string("")),
            ]
        }
        if generation == .g4 {
            fields += [("accountRegion", .string(donor.index % 2 == 0 ? "NL" : "GB")), ("fundraiser", .string(""))]
        }
        if generation != .g1 {
            fields.append(
                (
                    "PlatformInfo",
                    .array([
                        .object([
                            ("Description", .string("")), ("Name", .string(username)), ("Platform", .string("TikTok")),
                            ("Profile Photo", .string(profilePhoto)),
                        ])
                    ])
                ))
        }
        return .object(fields)
    }

    private var autofill: JSONNode {
        .object([
            ("PhoneNumber", .string("N/A")), ("Email", .string(email)), ("FirstName", .string("N/A")),
            ("LastName", .string("N/A")), ("Address", .string("N/A")), ("ZipCode", .string("N/A")),
            ("Unit", .string("N/A")), ("City", .string("N/A")), ("State", .string("N/A")), ("Country", .string("N/A")),
        ])
    }

    private func settingsMap(modern: Bool) -> JSONNode {
        var fields: [(String, JSONNode)] = [
            ("Allow DownLoad", .string("On")),
            ("Allow Others to Find Me", .string("Enabled")),
            (
                "Content Preferences",
                .object([
                    ("Keyword filters for videos in Following feed", .emptyArray),
                    ("Keyword filters for videos in For You feed", .array([.string("spoilers"), .string("diet")])),
                ])
            ),
            ("Family Content Preferences", .emptyObject),
            ("Interests", .string(world.communities[donor.community].name + "|Travel|Comedy")),
            ("Private Account", .string(donor.index % 4 == 0 ? "Enabled" : "Disabled")),
            (
                "Push Notification",
                .object([("Likes", .string("On")), ("Comments", .string("On")), ("New followers", .string("Off"))])
            ),
            ("Who Can Post Comments", .string("Everyone")),
            ("Who Can Send Messages", .string("Friends")),
        ]
        if modern {
            fields += [
                ("FamilyPairing", .emptyArray),
                ("ScreenTime", .emptyArray),
                ("Who can see your following list::", .string("Only me")),
            ]
        }
        return .sortedObject(fields)
    }

    // MARK: - Skipped sections

    private var adInterests: String { donor.index % 3 == 0 ? "" : "Food & Beverage|Travel|Games" }

    private func adsAndData(_ empty: JSONNode) -> JSONNode {
        .sortedObject([
            ("Ad Interests", .object([("AdInterestCategories", .string(adInterests))])),
            ("Instant Form Ads Responses", .object([("ResponsesList", .null)])),
            ("Off TikTok Activity", .object([("OffTikTokActivityDataList", offTikTokList(empty))])),
        ])
    }

    private var purchases: JSONNode {
        .sortedObject([
            ("BuyGifts", .object([("BuyGifts", .null)])),
            ("SendGifts", .object([("SendGifts", .null)])),
        ])
    }

    private var locationData: JSONNode {
        .object([
            (
                "LocationData",
                .object([
                    ("Date", .string("N/A")), ("GpsData", .string("N/A")), ("LastRegion", .string("N/A")),
                ])
            )
        ])
    }

    private var activitySummary: JSONNode {
        .object([
            (
                "ActivitySummaryMap",
                .object([
                    ("note", .string("This data may have delays of up to several days.")),
                    ("videosCommentedOnSinceAccountRegistration", .int(activity.comments.count)),
                    ("videosSharedSinceAccountRegistration", .int(activity.shares.count)),
                    ("videosWatchedToTheEndSinceAccountRegistration", .int(activity.watches.count / 3)),
                ])
            )
        ])
    }

    private func live(watchLiveEmpty: JSONNode, extraComment: Bool) -> JSONNode {
        var sections: [(String, JSONNode)] = [
            ("Go Live History", .object([("GoLiveList", .null)])),
            (
                "Go Live Settings",
                .object([
                    (
                        "SettingsMap",
                        .object([
                            ("Allow Comments", .string("Enabled")), ("Allow Gifts", .string("Disabled")),
                        ])
                    )
                ])
            ),
            ("Watch Live History", .object([("WatchLiveMap", watchLiveEmpty)])),
            (
                "Watch Live Settings",
                .object([
                    ("MostRecentModificationTimeInApp", .string(String(donor.exportTime * 1000 - 86_400_000))),
                    ("MostRecentModificationTimeInWeb", .string("0")),
                    ("WatchLiveSettingsMap", .object([("app", .string("Default")), ("web", .string("N/A"))])),
                ])
            ),
        ]
        if extraComment { sections.append(("Watch Live Comment", .emptyObject)) }
        return .sortedObject(sections)
    }

    private func shop(_ empty: JSONNode) -> JSONNode {
        .sortedObject([
            ("Communication With Shops", .object([("CommunicationHistories", empty)])),
            ("Current Payment Information", .object([("PayCard", empty)])),
            ("Customer Support History", .object([("CustomerSupportHistories", empty)])),
            ("Order Dispute History", .object([("OrderDisputeHistories", empty)])),
            ("Order History", .object([("OrderHistories", empty)])),
            ("Product Browsing History", .object([("ProductBrowsingHistories", empty)])),
            ("Product Reviews", .object([("ProductReviewHistories", empty)])),
            ("Returns and Refunds History", .object([("ReturnAndRefundHistories", empty)])),
            ("Saved Address Information", .object([("SavedAddress", empty)])),
            ("Shopping Cart List", .object([("ShoppingCart", empty)])),
            ("Vouchers", .object([("Vouchers", empty)])),
        ])
    }
}
