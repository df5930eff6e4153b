import WhichtokSupport

/// What two donors' archives must agree on: follows between donors (in one's Following and the
/// other's Followers, same date) and direct-message conversations (every message, with the same
/// time, sender and text, in each participant's archive). Planned once, before donors are rendered.
struct SocialPlan: Sendable {
    struct Follow: Sendable {
        var follower: Int32
        var followee: Int32
        var time: Int64
    }

    struct Conversation: Sendable {
        /// The `Group_Chat_<id>` id, or 0 for a one-to-one chat.
        var groupID: UInt64
        /// Donor indices, ascending.
        var members: [Int32]
        /// Newest first, strictly decreasing.
        var times: [Int64] = []
        /// Index into `members`.
        var senders: [UInt8] = []
        /// What was sent: see `MessageContent`.
        var contents: [UInt64] = []
        var isGroup: Bool { groupID != 0 }
    }

    var follows: [Follow] = []
    var conversations: [Conversation] = []
    /// Per donor: indices into `follows` where the donor follows / is followed.
    var followingOf: [[Int]]
    var followersOf: [[Int]]
    /// Per donor: indices into `conversations`.
    var conversationsOf: [[Int]]

    var messageCount: Int { conversations.reduce(0) { $0 + $1.times.count } }

    /// Share of a social donor's budget spent on direct messages.
    static let messageShare = 0.10

    init(world: SynthWorld) {
        let donorCount = world.donors.count
        followingOf = Array(repeating: [], count: donorCount)
        followersOf = Array(repeating: [], count: donorCount)
        conversationsOf = Array(repeating: [], count: donorCount)
        var random = SynthRandom(seed: world.options.seed, stream: 2)
        let noise = SynthOptions.noise
        let social = world.communities.map { community in community.donors.filter { world.donors[$0].isSocial } }
        let allSocial = world.donors.filter(\.isSocial).map(\.index)

        func partner(of donor: Int, _ random: inout SynthRandom) -> Int? {
            let home = world.donors[donor].community
            let community = world.drawCommunity(home: home, noise: noise, &random)
            let pool = social[community].isEmpty ? allSocial : social[community]
            guard pool.count > 1 || (pool.first.map { $0 != donor } ?? false) else { return nil }
            for _ in 0..<8 {
                let other = random.pick(pool)
                if other != donor { return other }
            }
            return nil
        }

        /// A time both donors' archives cover: after both started, before both exported.
        func sharedTime(_ donors: [Int], _ random: inout SynthRandom) -> (Int64, Int64) {
            let end = donors.map { world.donors[$0].exportTime }.min() ?? 0
            let start = donors.map { world.donors[$0].activeSince }.max() ?? 0
            let upper = end - 3600
            let lower = min(start, upper - 30 * 86_400)
            return (lower, upper)
        }

        // Follows between donors.
        var followPairs = Set<UInt64>()
        for donor in allSocial {
            let wanted = random.between(2, 5)
            for _ in 0..<wanted {
                guard let other = partner(of: donor, &random) else { continue }
                let key = UInt64(donor) << 32 | UInt64(other)
                guard followPairs.insert(key).inserted else { continue }
                let (lower, upper) = sharedTime([donor, other], &random)
                let index = follows.count
                follows.append(
                    Follow(follower: Int32(donor), followee: Int32(other), time: random.between(lower, upTo: upper)))
                followingOf[donor].append(index)
                followersOf[other].append(index)
            }
        }

        // One-to-one chats.
        var chatPairs = Set<UInt64>()
        var weights: [Double] = []
        for donor in allSocial {
            for _ in 0..<random.between(1, 4) {
                guard let other = partner(of: donor, &random) else { continue }
                let key = UInt64(min(donor, other)) << 32 | UInt64(max(donor, other))
                guard chatPairs.insert(key).inserted else { continue }
                conversations.append(
                    Conversation(groupID: 0, members: [Int32(min(donor, other)), Int32(max(donor, other))]))
                weights.append(0.5 + random.unit() * 1.5)
            }
        }
        // Group chats: about one per six donors of a community, three to six members.
        for community in social where community.count >= 3 {
            for _ in 0..<max(1, community.count / 6) {
                var members = community
                random.shuffle(&members)
                members = Array(members.prefix(random.between(3, min(6, community.count)))).sorted()
                let groupID = SynthWorld.longID(&random, high: 70...74)
                conversations.append(Conversation(groupID: groupID, members: members.map { Int32($0) }))
                weights.append(1 + random.unit() * 2)
            }
        }

        // Messages: the social donors' message share, spread over conversations by weight.
        let totalMessages = allSocial.reduce(0.0) { $0 + Double(world.donors[$1].budget) * Self.messageShare }
        let weightSum = weights.reduce(0, +)
        for index in conversations.indices {
            let members = conversations[index].members.map { Int($0) }
            let count = max(1, Int((totalMessages * weights[index] / max(weightSum, 1)).rounded()))
            let (lower, upper) = sharedTime(members, &random)
            var times = (0..<count).map { _ in random.between(lower, upTo: upper) }
            times.sort(by: >)
            Self.makeStrictlyDecreasing(&times)
            var senders: [UInt8] = []
            var contents: [UInt64] = []
            senders.reserveCapacity(count)
            contents.reserveCapacity(count)
            var last = random.below(members.count)
            let home = world.donors[members[0]].community
            for time in times {
                // Replies alternate more often than not.
                if random.chance(0.6) { last = (last + 1 + random.below(max(1, members.count - 1))) % members.count }
                senders.append(UInt8(last))
                contents.append(MessageContent.draw(world: world, home: home, before: time, &random))
            }
            conversations[index].times = times
            conversations[index].senders = senders
            conversations[index].contents = contents
            for member in members { conversationsOf[member].append(index) }
        }
    }

    /// Makes newest-first times strictly decreasing by moving the newer of two equal times up a
    /// second (never down, so a time stays after the video it refers to). No two records of one
    /// list then share a time, and the importer's deduplication never merges two planned events.
    static func makeStrictlyDecreasing(_ times: inout [Int64]) {
        guard times.count > 1 else { return }
        for index in stride(from: times.count - 2, through: 0, by: -1) where times[index] <= times[index + 1] {
            times[index] = times[index + 1] + 1
        }
    }
}

/// A direct message's content, packed in 64 bits: the low 2 bits say what it is.
/// - 0: text, the rest a seed for the sentence;
/// - 1: a video link as the whole message, the rest the video index;
/// - 2: a shared profile (`…/share/usr/<id>.html`), the rest the creator index.
enum MessageContent {
    static func draw(world: SynthWorld, home: Int, before time: Int64, _ random: inout SynthRandom) -> UInt64 {
        let roll = random.unit()
        if roll < 0.22 {
            let community = world.drawCommunity(home: home, noise: SynthOptions.noise, &random)
            let available = world.videosCreated(in: community, before: time - 3600)
            if let video = world.drawVideo(in: community, available: available, &random) {
                return UInt64(video) << 2 | 1
            }
        } else if roll < 0.25 {
            return UInt64(world.drawCreator(in: home, &random)) << 2 | 2
        }
        return (random.next() >> 2) << 2
    }

    static func text(_ code: UInt64, world: SynthWorld) -> String {
        switch code & 3 {
        case 1:
            return Links.videoShare(world.videos[Int(code >> 2)].id)
        case 2:
            return "https://m.tiktok.com/h5/share/usr/\(world.creators[Int(code >> 2)].numericID).html"
        default:
            var random = SynthRandom(seed: code, stream: 11)
            var text = random.pick(Themes.messageOpeners)
            if random.chance(0.3) {
                let theme = Themes.theme(for: random.below(max(1, world.communities.count)))
                text += " " + SynthWorld.sentence(noun: random.pick(theme.nouns), &random)
            }
            return text
        }
    }
}

/// The link forms of Docs/archive-format.md, 'Ids and links'.
enum Links {
    static func videoShare(_ id: UInt64) -> String { "https://www.tiktokv.com/share/video/\(id)/" }

    static func appendVideoShare(_ id: UInt64, to buffer: inout [UInt8]) {
        buffer.append("https://www.tiktokv.com/share/video/")
        buffer.appendDecimal(id)
        buffer.append(UInt8(ascii: "/"))
    }

    static func webVideo(_ username: String, _ id: UInt64) -> String {
        "https://www.tiktok.com/@\(username)/video/\(id)"
    }
    static func sound(_ id: UInt64) -> String { "https://m.tiktok.com/h5/share/music/\(id).html" }
    static func effect(_ id: UInt64) -> String { "https://m.tiktok.com/share/stickers/detail/\(id).html" }
    static func favoriteHashtag(_ id: UInt64) -> String { "https://m.tiktok.com/h5/share/tag/\(id).html" }
    static func challenge(_ id: UInt64) -> String { "https://www.tiktok.com/share/challenge/\(id)/" }
}
