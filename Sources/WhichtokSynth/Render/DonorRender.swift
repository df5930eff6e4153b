import WhichtokSupport

/// Everything needed to write one donor's archive, and the text of its records. Layout writers
/// (`JSONLayouts`, `TextLayouts`) only decide where records go and how they are spelled.
struct DonorRender {
    let world: SynthWorld
    let social: SocialPlan
    let donor: SynthWorld.Donor
    let activity: DonorActivity
    /// Cosmetic draws (placeholders, empty encodings, device names): a stream separate from the
    /// event plan, so changing how a layout looks never changes which events are planned.
    let random: SynthRandom

    init(world: SynthWorld, social: SocialPlan, donorIndex: Int, activity: DonorActivity) {
        self.world = world
        self.social = social
        self.donor = world.donors[donorIndex]
        self.activity = activity
        self.random = SynthRandom(seed: world.options.seed, stream: 4, index: UInt64(donorIndex))
    }

    var username: String { donor.username }

    /// The archive's base name, `TikTok_Data_<export epoch>`.
    var dataName: String { "TikTok_Data_\(donor.exportTime)" }

    // MARK: - People

    struct PersonRecord {
        var time: Int64
        var username: String
    }

    /// Accounts the donor follows (creators and donors), newest first.
    var following: [PersonRecord] {
        var records = activity.followedCreators.map {
            PersonRecord(time: $0.time, username: world.creators[Int($0.object)].username)
        }
        for index in social.followingOf[donor.index] {
            let follow = social.follows[index]
            records.append(PersonRecord(time: follow.time, username: world.donors[Int(follow.followee)].username))
        }
        records.sort { $0.time != $1.time ? $0.time > $1.time : utf8Less($0.username, $1.username) }
        return records
    }

    /// Donors following this donor, newest first.
    var followers: [PersonRecord] {
        var records = social.followersOf[donor.index].map { index in
            let follow = social.follows[index]
            return PersonRecord(time: follow.time, username: world.donors[Int(follow.follower)].username)
        }
        records.sort { $0.time != $1.time ? $0.time > $1.time : utf8Less($0.username, $1.username) }
        return records
    }

    /// A few blocked spam accounts (not part of the world); deterministic per donor.
    var blocked: [PersonRecord] {
        var random = SynthRandom(seed: world.options.seed, stream: 5, index: UInt64(donor.index))
        let count = random.below(3)
        return (0..<count).map { _ in
            PersonRecord(
                time: random.between(donor.activeSince, upTo: donor.exportTime),
                username: "spam.bot_\(random.between(1000, 99_999))")
        }.sorted { $0.time > $1.time }
    }

    // MARK: - Chats

    struct Chat {
        /// The other party's username, or `Group_Chat_<id>`.
        var name: String
        var conversation: SocialPlan.Conversation
    }

    /// The donor's conversations, sorted by name (the order of the `ChatHistory` object's keys).
    var chats: [Chat] {
        social.conversationsOf[donor.index].map { index in
            let conversation = social.conversations[index]
            let name: String
            if conversation.isGroup {
                name = "Group_Chat_\(conversation.groupID)"
            } else {
                let other = conversation.members.first { Int($0) != donor.index } ?? conversation.members[0]
                name = world.donors[Int(other)].username
            }
            return Chat(name: name, conversation: conversation)
        }.sorted { utf8Less($0.name, $1.name) }
    }

    func sender(_ conversation: SocialPlan.Conversation, _ message: Int) -> String {
        world.donors[Int(conversation.members[Int(conversation.senders[message])])].username
    }

    func messageText(_ conversation: SocialPlan.Conversation, _ message: Int) -> String {
        MessageContent.text(conversation.contents[message], world: world)
    }

    /// Message order as written: newest first, except group chats, which come oldest first.
    func messageOrder(_ conversation: SocialPlan.Conversation) -> [Int] {
        let indices = Array(conversation.times.indices)
        return conversation.isGroup ? indices.reversed() : indices
    }

    // MARK: - Record text

    func videoID(_ item: DonorActivity.Item) -> UInt64 { world.videos[Int(item.object)].id }

    /// A comment's text. With `multiline`, a few comments hold a line break, a tab or quotes, as
    /// typed in the app; TXT layouts get them on one line.
    func commentText(_ item: DonorActivity.Item, multiline: Bool) -> String {
        var random = SynthRandom(seed: UInt64(item.extra), stream: 9, index: UInt64(donor.index))
        var text = random.pick(Themes.commentOpeners)
        let video = world.videos[Int(item.object)]
        if random.chance(0.3) {
            text += " " + SynthWorld.sentence(noun: random.pick(Themes.theme(for: video.community).nouns), &random)
        }
        if random.chance(0.1) {
            text = "@" + world.creators[video.creator].username + " " + text
        }
        if random.chance(0.05) {
            text += multiline ? "\nPS: part 2 when?" : " PS: part 2 when?"
        } else if random.chance(0.02) {
            text += multiline ? "\t👀" : " 👀"
        } else if random.chance(0.02) {
            text += " \\o/"
        }
        return text
    }

    func searchTerm(_ item: DonorActivity.Item) -> String {
        let style = DonorActivity.SearchStyle(rawValue: item.extra & 3) ?? .hashtag
        var random = SynthRandom(seed: UInt64(item.extra >> 2), stream: 10, index: UInt64(item.object))
        switch style {
        case .hashtag:
            return world.hashtags[Int(item.object)].name
        case .hashtagPhrase:
            return world.hashtags[Int(item.object)].name + " "
                + random.pick(["ideas", "tutorial", "2025", "for beginners", "trend", "compilation"])
        case .creator:
            let name = world.creators[Int(item.object)].username
            return random.chance(0.5) ? "@" + name : name
        case .noun:
            return random.pick(Themes.theme(for: Int(item.object)).nouns)
        }
    }

    func shareMethod(_ item: DonorActivity.Item) -> String {
        DonorActivity.shareMethods[Int(item.extra & 0xFF) % DonorActivity.shareMethods.count]
    }

    func sharedContent(_ item: DonorActivity.Item) -> String { item.extra >> 9 & 1 == 1 ? "share_video" : "video" }

    func shareLink(_ item: DonorActivity.Item) -> String {
        let video = world.videos[Int(item.object)]
        return item.extra >> 8 & 1 == 1
            ? Links.webVideo(world.creators[video.creator].username, video.id) : Links.videoShare(video.id)
    }

    func postTitle(_ post: DonorActivity.Post) -> String {
        var random = SynthRandom(seed: post.seed, stream: 12)
        var text = SynthWorld.sentence(noun: random.pick(Themes.theme(for: donor.community).nouns), &random)
        for tag in post.hashtags { text += " #" + world.hashtags[tag].name }
        return text
    }

    func postSound(_ post: DonorActivity.Post) -> String {
        post.sound.map { world.sounds[$0].title } ?? "original sound - " + username
    }

    /// A signed media URL like the ones own posts carry (no video id in it).
    func postMediaLink(_ post: DonorActivity.Post) -> String {
        var bytes: [UInt8] = []
        bytes.append("https://v16m-default.tiktokcdn-us.com/")
        bytes.appendHex(post.seed, width: 16)
        bytes.append("/video/tos/useast5/tos-useast5-ve-0068c001-tx/o")
        bytes.appendHex(post.seed >> 24, width: 10)
        bytes.append(
            "/?a=1233&bti=NEBzNTY6QGo6OjZALnAjNDQuYCMxNDNg&ch=0&cr=0&dr=0&er=0&lr=all&cd=0%7C0%7C0%7C0&br=2400&bt=1200&ft=Ht&mime_type=video_mp4&qs=0&rc=ZGk0OzM4NDk1aTU3ZTVoZ0BpM2s&x-expires="
        )
        bytes.appendDecimal(UInt64(donor.exportTime + 4 * 86_400))
        bytes.append("&x-signature=")
        bytes.appendHex(post.seed >> 40, width: 6)
        bytes.append("synth%3D")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Hashtags used in own posts, first use order: `HashtagList` / `Hashtag.txt`.
    var usedHashtags: [Int] {
        var seen = Set<Int>()
        var list: [Int] = []
        for post in activity.posts {
            for tag in post.hashtags where seen.insert(tag).inserted { list.append(tag) }
        }
        return list
    }

    // MARK: - Skipped sections (logins, device, ads, profile)

    struct Login {
        var time: Int64
        var ip: String
        var model: String
        var system: String
        var network: String
        var carrier: String
    }

    /// Login history, oldest first, with documentation IPs (192.0.2.0/24).
    var logins: [Login] {
        var random = SynthRandom(seed: world.options.seed, stream: 6, index: UInt64(donor.index))
        let iPhone = random.chance(0.5)
        let model =
            iPhone
            ? random.pick(["iPhone14,5", "iPhone15,2", "iPhone13,2"])
            : random.pick(["SM-G991B", "Pixel 7", "M2101K6G"])
        let system =
            iPhone
            ? random.pick(["iOS 17.5.1", "iOS 16.6", "iOS 18.1"])
            : random.pick(["Android 12", "Android 14", "Android ", " "])
        var list = (0..<random.between(2, 8)).map { _ in
            Login(
                time: random.between(donor.activeSince, upTo: donor.exportTime),
                ip: "192.0.2.\(random.between(1, 254))", model: model, system: system,
                network: random.pick(["Wi-Fi", "4G", "Wi-Fi", "mobile", ""]),
                carrier: random.chance(0.7) ? "" : random.pick(["Vodafone", "KPN", "T-Mobile"]))
        }
        list.sort { $0.time < $1.time }
        return list
    }

    var birthDate: String {
        var random = SynthRandom(seed: world.options.seed, stream: 8, index: UInt64(donor.index))
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let day = random.between(1, 28)
        return (day < 10 ? "0" : "") + "\(day)-\(random.pick(months))-\(random.between(1975, 2007))"
    }

    var email: String { "donor\(donor.index)@example.com" }

    var bio: String { "\(world.communities[donor.community].name) | synthetic donor \(donor.index) ✨" }

    var profilePhoto: String {
        "https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/\(String(donor.numericID, radix: 16))~c5_720x720.jpeg?x-expires=\(donor.exportTime + 86_400)&x-signature=synthetic%3D"
    }

    /// `"387"`, or the `"None"` placeholder for a few donors.
    var likesReceived: String {
        donor.index % 5 == 1 ? "None" : String(activity.posts.reduce(0) { $0 + $1.likes })
    }

    var offTikTok: [(time: Int64, source: String, event: String)] {
        var random = SynthRandom(seed: world.options.seed, stream: 13, index: UInt64(donor.index))
        return (0..<random.below(4)).map { _ in
            (
                random.between(donor.activeSince, upTo: donor.exportTime),
                random.pick(["Shop Example", "Games Inc.", "News App"]),
                random.pick(["LaunchAPP", "ViewContent", "Login", "Pageview", "Search", "AddToCart"])
            )
        }.sorted { $0.time < $1.time }
    }
}
