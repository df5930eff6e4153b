import WhichtokSupport

/// The TXT layouts: 2020 English (`Video Link:`), 2024 English (`TikTok_Data_<epoch>/Tiktok/…`,
/// ` UTC` dates, CRLF for some donors) and 2026 Dutch (`Kijkgeschiedenis.txt`, `Datum:`).
extension DonorRender {
    enum TextSection: CaseIterable {
        case watches, likes, favoriteVideos, favoriteSounds, favoriteHashtags, favoriteEffects
        case followers, following, searches, shares, comments, usedHashtags, logins, posts
        case profile, directMessages, groupChats, blockList, settings, status, offTikTok, adInterests, activitySummary
    }

    /// Labels and names that differ between TXT generations and languages.
    struct TextDialect {
        var date = "Date"
        var videoLink = "Link"
        var username = "Username"
        var searchTerm = "Search Term"
        var sharedContent = "Shared Content"
        var link = "Link"
        var method = "Method"
        var comment = "Comment"
        var photo = "Photo"
        var url = "Url"
        var soundLink = "Sound Link"
        var hashtagLink = "HashTag Link"
        var effectLink = "Effect Link"
        var hashtagName = "Hashtag Name"
        var usedHashtagLink = "Hashtag Link"
        var likes = "Like(s)"
        var sound = "Sound"
        var title = "Title"
        var placeholder = "N/A"
        var sentinel = "You have no data in this section"
        var commentHasVideo = true
        /// Where each section goes (relative to the archive root); sections not listed are not written.
        var paths: [TextSection: String] = [:]
        /// Files that exist but hold nothing but the sentinel.
        var emptyFiles: [String] = []
        /// Group chats in their own file (2026), or with the other chats.
        var separateGroupChats = false
    }

    func textEntries() -> [(path: String, bytes: [UInt8])] {
        let dialect: TextDialect
        let prefix: String
        let crlf: Bool
        let utc: Bool
        switch donor.layout {
        case .txt2020:
            dialect = Self.dialect2020
            prefix = ""
            crlf = false
            utc = false
        case .txtDutch:
            dialect = Self.dialectDutch
            prefix = ""
            crlf = false
            utc = true
        default:
            dialect = Self.dialect2024
            // Inside the zip the export sits in `TikTok_Data_<epoch>/Tiktok/`.
            prefix = dataName + "/Tiktok/"
            // Every other 2024 donor has Windows line ends.
            let rank = world.donors.prefix(donor.index).filter { $0.layout == .txt2024 }.count
            crlf = rank % 2 == 1
            utc = true
        }
        var entries: [(path: String, bytes: [UInt8])] = []
        for section in TextSection.allCases {
            guard let path = dialect.paths[section] else { continue }
            var writer = TextWriter(crlf: crlf, utc: utc, capacity: 256)
            write(section, dialect, &writer)
            entries.append((prefix + path, writer.finish(sentinel: dialect.sentinel)))
        }
        for path in dialect.emptyFiles {
            var writer = TextWriter(crlf: crlf, utc: utc)
            entries.append((prefix + path, writer.finish(sentinel: dialect.sentinel)))
        }
        entries.sort { utf8Less($0.path, $1.path) }
        return entries
    }

    private func write(_ section: TextSection, _ dialect: TextDialect, _ writer: inout TextWriter) {
        switch section {
        case .watches: videoRecords(activity.watches, dialect, &writer)
        case .likes: videoRecords(activity.likes, dialect, &writer)
        case .favoriteVideos: videoRecords(activity.favoriteVideos, dialect, &writer)
        case .favoriteSounds:
            for item in activity.favoriteSounds {
                writer.beginRecord()
                writer.dateLine(dialect.date, item.time)
                writer.line(dialect.soundLink, Links.sound(world.sounds[Int(item.object)].id))
            }
        case .favoriteHashtags:
            for item in activity.favoriteHashtags {
                writer.beginRecord()
                writer.dateLine(dialect.date, item.time)
                writer.line(dialect.hashtagLink, Links.favoriteHashtag(world.hashtags[Int(item.object)].id))
            }
        case .favoriteEffects:
            for item in activity.favoriteEffects {
                writer.beginRecord()
                writer.dateLine(dialect.date, item.time)
                writer.line(dialect.effectLink, Links.effect(world.effects[Int(item.object)].id))
            }
        case .followers: people(followers, dialect, &writer)
        case .following: people(following, dialect, &writer)
        case .blockList: people(blocked, dialect, &writer)
        case .searches:
            for item in activity.searches {
                writer.beginRecord()
                writer.dateLine(dialect.date, item.time)
                writer.line(dialect.searchTerm, searchTerm(item))
            }
        case .shares:
            for item in activity.shares {
                writer.beginRecord()
                writer.dateLine(dialect.date, item.time)
                writer.line(dialect.sharedContent, sharedContent(item))
                writer.line(dialect.link, shareLink(item))
                writer.line(dialect.method, shareMethod(item))
            }
            for index in 0..<activity.placeholderShares {
                writer.beginRecord()
                writer.dateLine(dialect.date, -1)
                writer.line(dialect.sharedContent, "video")
                writer.line(dialect.link, "https://www.tiktok.com/")
                writer.line(dialect.method, DonorActivity.shareMethods[index % 3])
            }
        case .comments:
            for item in activity.comments {
                writer.beginRecord()
                writer.dateLine(dialect.date, item.time)
                writer.line(dialect.comment, commentText(item, multiline: false))
                if dialect.commentHasVideo {
                    writer.line(dialect.photo, dialect.placeholder)
                    writer.line(dialect.url, Links.videoShare(videoID(item)))
                }
            }
        case .usedHashtags:
            for tag in usedHashtags {
                writer.beginRecord()
                writer.line(dialect.hashtagName, world.hashtags[tag].name)
                writer.line(dialect.usedHashtagLink, Links.challenge(world.hashtags[tag].id))
            }
        case .logins:
            let dutch = donor.layout == .txtDutch
            for login in logins {
                writer.beginRecord()
                writer.dateLine(dialect.date, login.time)
                writer.line("IP", login.ip)
                writer.line(dutch ? "Apparaatmodel" : "Device Model", login.model)
                writer.line(dutch ? "Apparaatsysteem" : "Device System", login.system)
                writer.line(
                    dutch ? "Netwerktype" : "Network Type", login.network.isEmpty ? dialect.placeholder : login.network)
                writer.line(dutch ? "Provider" : "Carrier", login.carrier.isEmpty ? dialect.placeholder : login.carrier)
            }
        case .posts:
            for post in activity.posts {
                writer.beginRecord()
                writer.dateLine(dialect.date, post.time)
                writer.line(dialect.videoLink, postMediaLink(post))
                writer.line(dialect.likes, String(post.likes))
                if donor.layout != .txt2020 {
                    writer.line(dialect.sound, postSound(post))
                    writer.line(dialect.title, postTitle(post))
                    if post.seed % 11 == 0 { writer.line("AI-generated content", "Yes") }
                }
            }
        case .profile:
            writer.beginRecord()
            let dutch = donor.layout == .txtDutch
            writer.line(dialect.username, username)
            writer.line(dutch ? "Geboortedatum" : "Birthdate", birthDate)
            writer.line(dutch ? "E-mailadres" : "Email Address", email)
            writer.line(dutch ? "Telefoonnummer" : "Telephone Number", dialect.placeholder)
            writer.line(dutch ? "Biografie" : "Bio Description", bio)
            writer.line(dutch ? "Ontvangen likes" : "Likes Received", likesReceived)
            writer.line(dutch ? "Profielfoto" : "Profile Photo", profilePhoto)
        case .directMessages:
            chatBlocks(chats.filter { !dialect.separateGroupChats || !$0.conversation.isGroup }, &writer)
        case .groupChats:
            chatBlocks(chats.filter { $0.conversation.isGroup }, &writer)
        case .settings:
            writer.beginRecord()
            if donor.layout == .txtDutch {
                writer.line("Privéaccount", donor.index % 4 == 0 ? "Ingeschakeld" : "Uitgeschakeld")
                writer.line("Wie kan reacties plaatsen", "Iedereen")
                writer.raw("Contentvoorkeuren:")
                writer.line("Trefwoordfilters voor video's in de 'Volgend'-feed", "[]")
                writer.line("Trefwoordfilters voor video's in de 'Voor jou'-feed", "[spoilers, dieet]")
            } else {
                writer.line("Allow DownLoad", "On")
                writer.line("Private Account", donor.index % 4 == 0 ? "Enabled" : "Disabled")
                writer.line("Who Can Post Comments", "Everyone")
                writer.line("Interests", world.communities[donor.community].name + "|Travel|Comedy")
                writer.raw("Content Preferences:")
                writer.line("Keyword filters for videos in Following feed", "[]")
                writer.line("Keyword filters for videos in For You feed", "[spoilers, diet]")
            }
        case .status:
            writer.beginRecord()
            writer.line("Resolution", "1170*2532")
            writer.line("App Version", "36.5.4")
            writer.line("IDFA", "00000000-0000-0000-0000-000000000000")
            writer.line("GAID", dialect.placeholder)
            writer.line("Web ID", dialect.placeholder)
        case .offTikTok:
            let dutch = donor.layout == .txtDutch
            for record in offTikTok {
                writer.beginRecord()
                writer.dateLine(dialect.date, record.time)
                writer.line(dutch ? "Bron" : "Source", record.source)
                writer.line(dutch ? "Evenement" : "Event", record.event)
            }
        case .adInterests:
            if donor.index % 3 != 0 {
                writer.beginRecord()
                writer.line(
                    donor.layout == .txtDutch ? "Advertentie-interesses" : "Ad Interests",
                    "Food & Beverage|Travel|Games")
            }
        case .activitySummary:
            writer.beginRecord()
            if donor.layout == .txtDutch {
                writer.line(
                    "Video's tot het einde bekeken sinds accountregistratie", String(activity.watches.count / 3))
                writer.line("Video's waarop is gereageerd sinds accountregistratie", String(activity.comments.count))
                writer.line("Video's gedeeld sinds accountregistratie", String(activity.shares.count))
            } else {
                writer.line("Videos watched to the end since account registration", String(activity.watches.count / 3))
                writer.line("Videos commented on since account registration", String(activity.comments.count))
                writer.line("Videos shared since account registration", String(activity.shares.count))
            }
        }
    }

    private func videoRecords(_ items: [DonorActivity.Item], _ dialect: TextDialect, _ writer: inout TextWriter) {
        for item in items {
            writer.beginRecord()
            writer.dateLine(dialect.date, item.time)
            writer.videoLine(dialect.videoLink, world.videos[Int(item.object)].id)
        }
    }

    private func people(_ records: [PersonRecord], _ dialect: TextDialect, _ writer: inout TextWriter) {
        for record in records {
            writer.beginRecord()
            writer.dateLine(dialect.date, record.time)
            writer.line(dialect.username, record.username)
        }
    }

    /// `>>> Chat History with <name>::`, a blank line, then `<date> <sender>: <text>` per message.
    private func chatBlocks(_ chats: [Chat], _ writer: inout TextWriter) {
        for (position, chat) in chats.enumerated() {
            if position > 0 { writer.newline() }
            writer.raw(">>> Chat History with " + chat.name + "::")
            writer.newline()
            for message in messageOrder(chat.conversation) {
                var line: [UInt8] = []
                line.appendDate(chat.conversation.times[message])
                if writer.utc { line.append(" UTC") }
                line.append(UInt8(ascii: " "))
                line.append(sender(chat.conversation, message))
                line.append(": ")
                line.append(messageText(chat.conversation, message))
                writer.raw(String(decoding: line, as: UTF8.self))
            }
        }
    }

    // MARK: - Dialects

    static let dialect2020: TextDialect = {
        var dialect = TextDialect()
        dialect.videoLink = "Video Link"
        dialect.commentHasVideo = false
        dialect.paths = [
            .watches: "Activity/Video Browsing History.txt",
            .likes: "Activity/Like List.txt",
            .favoriteVideos: "Activity/Favorite Videos.txt",
            .favoriteSounds: "Activity/Favorite Sounds.txt",
            .favoriteHashtags: "Activity/Favorite HashTags.txt",
            .favoriteEffects: "Activity/Favorite Effects.txt",
            .followers: "Activity/Follower.txt",
            .following: "Activity/Following.txt",
            .searches: "Activity/Searches.txt",
            .shares: "Activity/Share History.txt",
            .usedHashtags: "Activity/Hashtag.txt",
            .logins: "Activity/Login History.txt",
            .comments: "Comments/Comments.txt",
            .posts: "Videos/Videos.txt",
            .profile: "Profile/Profile Info.txt",
            .directMessages: "Direct Messages/Direct Messages.txt",
            .blockList: "App Settings/Block List.txt",
            .settings: "App Settings/Settings.txt",
        ]
        return dialect
    }()

    static let dialect2024: TextDialect = {
        var dialect = TextDialect()
        dialect.paths = [
            .watches: "Activity/Browsing History.txt",
            .likes: "Activity/Like List.txt",
            .favoriteVideos: "Activity/Favorite Videos.txt",
            .favoriteSounds: "Activity/Favorite Sounds.txt",
            .favoriteHashtags: "Activity/Favorite HashTags.txt",
            .favoriteEffects: "Activity/Favorite Effects.txt",
            .followers: "Activity/Follower.txt",
            .following: "Activity/Following.txt",
            .searches: "Activity/Searches.txt",
            .shares: "Activity/Share History.txt",
            .comments: "Activity/Comments.txt",
            .usedHashtags: "Activity/Hashtag.txt",
            .logins: "Activity/Login History.txt",
            .status: "Activity/Status.txt",
            .posts: "Posts/Post.txt",
            .profile: "Profile/Profile Info.txt",
            .directMessages: "Direct Messages/Direct Messages.txt",
            .blockList: "App Settings/Block List.txt",
            .settings: "App Settings/Settings.txt",
            .offTikTok: "Ads and data/Off TikTok Activity.txt",
            .adInterests: "Ads and data/Ad Interests.txt",
        ]
        dialect.emptyFiles = [
            "Activity/Purchases.txt",
            "Ads and data/Instant Form Ads Responses.txt",
            "Posts/Recently Deleted Posts.txt",
            "TikTok Live/Watch Live History.txt",
            "TikTok Shopping/Order History.txt",
        ]
        return dialect
    }()

    static let dialectDutch: TextDialect = {
        var dialect = TextDialect()
        dialect.date = "Datum"
        dialect.username = "Gebruikersnaam"
        dialect.searchTerm = "Zoekterm"
        dialect.sharedContent = "Gedeelde inhoud"
        dialect.method = "Methode"
        dialect.comment = "Reactie"
        dialect.photo = "Foto"
        dialect.soundLink = "Link"
        dialect.hashtagLink = "Link"
        dialect.effectLink = "Link"
        dialect.hashtagName = "Hashtag naam"
        dialect.likes = "Likes"
        dialect.sound = "Geluid"
        dialect.title = "Titel"
        dialect.placeholder = "N.v.t."
        dialect.sentinel = "Dit gedeelte bevat geen gegevens"
        dialect.separateGroupChats = true
        dialect.paths = [
            .watches: "Kijkgeschiedenis.txt",
            .likes: "Likelijst.txt",
            .favoriteVideos: "Favoriete video's.txt",
            .favoriteSounds: "Favoriete geluiden.txt",
            .favoriteHashtags: "Favoriete hashtags.txt",
            .favoriteEffects: "Favoriete effecten.txt",
            .followers: "Volger.txt",
            .following: "Volgend.txt",
            .searches: "Zoekopdrachten.txt",
            .shares: "Geschiedenis delen.txt",
            .comments: "Reacties.txt",
            .usedHashtags: "Hashtag.txt",
            .logins: "Inloggeschiedenis.txt",
            .posts: "Berichten.txt",
            .profile: "Profielinformatie.txt",
            .directMessages: "Directe berichten.txt",
            .groupChats: "Groepschat.txt",
            .blockList: "Blokkeringslijst.txt",
            .settings: "Instellingen.txt",
            .offTikTok: "Activiteit buiten TikTok.txt",
            .adInterests: "Advertentie-interesses.txt",
            .activitySummary: "Samenvatting van activiteit.txt",
        ]
        dialect.emptyFiles = [
            "Aankopen.txt", "Donatie.txt", "Herplaatsingen.txt", "Onlangs verwijderde berichten.txt",
            "Profielweergaven.txt",
        ]
        return dialect
    }()
}
