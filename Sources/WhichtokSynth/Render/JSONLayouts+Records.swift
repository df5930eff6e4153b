import WhichtokSupport

/// The record lists of the JSON layouts: one JSON array per section, or the generation's empty
/// encoding when the donor has no records there.
extension DonorRender {
    private func list(_ count: Int, _ empty: JSONNode, _ body: @escaping (inout JSONWriter) -> Void) -> JSONNode {
        guard count > 0 else { return empty }
        return .custom { writer in
            writer.beginArray()
            body(&writer)
            writer.endArray()
        }
    }

    func videoRecords(
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

    func favoriteSounds(_ empty: JSONNode) -> JSONNode {
        let sounds = world.sounds
        return dated(activity.favoriteSounds, empty, key: "Link") { Links.sound(sounds[$0].id) }
    }

    func favoriteHashtags(_ empty: JSONNode) -> JSONNode {
        let hashtags = world.hashtags
        return dated(activity.favoriteHashtags, empty, key: "Link") { Links.favoriteHashtag(hashtags[$0].id) }
    }

    func favoriteEffects(_ empty: JSONNode) -> JSONNode {
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

    func people(_ records: [PersonRecord], _ empty: JSONNode) -> JSONNode {
        list(records.count, empty) { writer in
            for record in records {
                writer.beginObject()
                writer.dateField("Date", record.time)
                writer.field("UserName", record.username)
                writer.endObject()
            }
        }
    }

    func hashtagList(_ empty: JSONNode) -> JSONNode {
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

    func searchList(_ empty: JSONNode) -> JSONNode {
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

    func shareList(placeholders: Bool, _ empty: JSONNode) -> JSONNode {
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

    func commentList(_ style: CommentStyle, _ empty: JSONNode) -> JSONNode {
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

    func chatMap(_ chats: [Chat], empty: JSONNode) -> JSONNode {
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

    func postList(_ generation: Generation, _ empty: JSONNode) -> JSONNode {
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

    func loginList(_ empty: JSONNode) -> JSONNode {
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

    func offTikTokList(_ empty: JSONNode) -> JSONNode {
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

    func statusList(_ generation: Generation) -> JSONNode {
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
}
