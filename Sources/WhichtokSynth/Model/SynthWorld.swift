import WhichtokSupport

/// What a donor's feed is planted to show, so that `whichtok exposure` can be checked against it
/// (`ground-truth.tsv`, column `exposure`). The feed decides the videos of the watch history and of
/// the likes, favourites, shares and comments (what the app showed is what the donor could engage
/// with); follows, searches, posts and messages stay with the donor's own community.
package enum SynthExposure: String, Sendable, CaseIterable {
    /// Videos come from the donor's own community, with the usual noise.
    case steady
    /// Videos come from every community alike.
    case diverse
    /// Videos come from the own community until the drift date, then from another one.
    case drifting
}

/// The synthetic world archives are drawn from: K communities, each with creators, their videos,
/// and the hashtags, sounds and effects characteristic of it; and the donors, each belonging to
/// one community.
///
/// Everything is derived from `SynthOptions` alone (seeded), so other generators (HAR captures,
/// web pages) can rebuild the same world and refer to the same accounts and videos.
/// Entities are held in flat arrays and refer to each other by index.
package struct SynthWorld: Sendable {
    package struct Community: Sendable {
        package var index: Int
        /// The theme, e.g. `foodtok`; the community's creators are named after it.
        package var name: String
        package var creators: Range<Int>
        package var hashtags: Range<Int>
        package var sounds: Range<Int>
        package var effects: Range<Int>
        /// Donors of this community, ascending.
        package var donors: [Int]
    }

    package struct Creator: Sendable {
        /// E.g. `c2_foodtok_07` (always lowercase ASCII).
        package var username: String
        package var nickname: String
        package var community: Int
        /// TikTok's numeric user id (19 digits).
        package var numericID: UInt64
        package var secUID: String
        /// Indices into `videos`, oldest first.
        package var videos: Range<Int>
        /// Relative popularity (1 for the most popular creator of a community).
        package var popularity: Double
    }

    package struct Video: Sendable {
        /// TikTok's 64-bit id: creation time in the high 32 bits, random low 32 bits.
        package var id: UInt64
        package var creator: Int
        package var community: Int
        /// An index into `sounds`, or nil for the creator's "original sound".
        package var sound: Int?
        /// Indices into `hashtags`.
        package var hashtags: [Int]
        /// Creation time (Unix seconds, UTC) = `id >> 32`.
        package var created: Int64 { Int64(id >> 32) }
    }

    package struct Hashtag: Sendable {
        package var name: String
        /// The id in `…/share/tag/<id>.html` and `…/share/challenge/<id>/` links.
        package var id: UInt64
        package var community: Int
    }

    package struct Sound: Sendable {
        package var title: String
        /// The id in `https://m.tiktok.com/h5/share/music/<id>.html`.
        package var id: UInt64
        package var community: Int
    }

    package struct Effect: Sendable {
        package var name: String
        /// The id in `https://m.tiktok.com/share/stickers/detail/<id>.html`.
        package var id: UInt64
        package var community: Int
    }

    package struct Donor: Sendable {
        package var index: Int
        /// The username as the archive and other donors' archives spell it (may hold capitals,
        /// Cyrillic letters, an emoji, `_` and `.`). The importer lowercases it.
        package var username: String
        package var community: Int
        package var layout: SynthLayout
        package var container: SynthContainer
        package var numericID: UInt64
        /// When the export was requested (Unix seconds); the archive is named `TikTok_Data_<export>`.
        package var exportTime: Int64
        /// Start of the donor's recorded activity.
        package var activeSince: Int64
        /// Planned number of events for this donor (before the per-layout split).
        package var budget: Int
        /// What the donor's feed is planted to show.
        package var exposure: SynthExposure = .steady
        /// For a drifting donor: from this UTC midnight on, the feed comes from `driftCommunity`
        /// instead of `community`; nil for the others.
        package var driftTime: Int64?
        package var driftCommunity: Int?
        /// Whether other donors may follow or message this donor (false for anonymous partial exports,
        /// whose username the importer never learns).
        package var isSocial: Bool { layout.hasProfile }
    }

    package let options: SynthOptions
    package private(set) var communities: [Community] = []
    package private(set) var creators: [Creator] = []
    package private(set) var videos: [Video] = []
    package private(set) var hashtags: [Hashtag] = []
    package private(set) var sounds: [Sound] = []
    package private(set) var effects: [Effect] = []
    package private(set) var donors: [Donor] = []

    /// Per community: video indices sorted by creation time, their creation times, and cumulative
    /// popularity, so a "video created before t" draw is a prefix search plus a weighted pick.
    struct VideoIndex: Sendable {
        var order: [Int32] = []
        var created: [Int64] = []
        var cumulative: [Double] = []
    }
    private(set) var videoIndex: [VideoIndex] = []
    /// Per community: creator indices and cumulative popularity.
    private(set) var creatorCumulative: [[Double]] = []

    /// Videos are created in `[firstVideoTime, lastVideoTime)`: 2021-01-01 to 2026-06-01 UTC.
    static let firstVideoTime = CivilTime.unixTime(year: 2021, month: 1, day: 1)
    static let lastVideoTime = CivilTime.unixTime(year: 2026, month: 6, day: 1)

    /// Builds the world for `options` (cheap next to writing archives: linear in the number of videos).
    package init(_ options: SynthOptions) {
        self.options = options
        let communityCount = max(1, options.communities)
        let donorCount = max(1, options.donors)
        let events = max(0, options.events)
        var random = SynthRandom(seed: options.seed, stream: 1)

        // Pools grow with the events per community so the benchmark's worlds are not saturated.
        let creatorsPerCommunity = min(5000, max(8, events / (communityCount * 500)))
        let hashtagsPerCommunity = min(200, max(10, creatorsPerCommunity / 2))
        let soundsPerCommunity = min(400, max(6, creatorsPerCommunity / 3))
        let effectsPerCommunity = 4
        var usedVideoIDs = Set<UInt64>()
        var usedIDs = Set<UInt64>()
        var usedSoundTitles = Set<String>()
        /// Draws until the id is new, so no two entities share an id.
        func freshID(_ draw: (inout SynthRandom) -> UInt64) -> UInt64 {
            var id: UInt64
            repeat { id = draw(&random) } while !usedIDs.insert(id).inserted
            return id
        }

        for communityIndex in 0..<communityCount {
            let theme = Themes.theme(for: communityIndex)
            let creatorStart = creators.count
            let hashtagStart = hashtags.count
            let soundStart = sounds.count
            let effectStart = effects.count

            for tagIndex in 0..<hashtagsPerCommunity {
                let name: String
                if tagIndex < theme.hashtags.count {
                    name = theme.hashtags[tagIndex]
                } else {
                    let base = theme.hashtags[tagIndex % theme.hashtags.count]
                    let extra = Themes.hashtagExtras[(tagIndex / theme.hashtags.count - 1) % Themes.hashtagExtras.count]
                    let round = (tagIndex / theme.hashtags.count - 1) / Themes.hashtagExtras.count
                    name = base + extra + (round > 0 ? String(round + 1) : "")
                }
                hashtags.append(Hashtag(name: name, id: freshID(Self.tagID), community: communityIndex))
            }
            for _ in 0..<soundsPerCommunity {
                var title: String
                var attempt = 0
                repeat {
                    title =
                        random.pick(Themes.soundWords) + " " + random.pick(Themes.soundNouns)
                        + (attempt >= 5 ? " " + String(attempt / 5 + 1) : "") + " - " + random.pick(Themes.artists)
                    attempt += 1
                } while !usedSoundTitles.insert(title).inserted
                sounds.append(
                    Sound(title: title, id: freshID { Self.longID(&$0, high: 68...72) }, community: communityIndex))
            }
            for effectIndex in 0..<effectsPerCommunity {
                let name = Themes.effectNames[(communityIndex + effectIndex) % Themes.effectNames.count]
                effects.append(
                    Effect(
                        name: name, id: freshID { UInt64($0.between(100_000, 3_999_999)) }, community: communityIndex))
            }

            let width = max(2, String(creatorsPerCommunity - 1).count)
            for creatorIndex in 0..<creatorsPerCommunity {
                var username = "c\(communityIndex)_\(theme.name)_"
                let number = String(creatorIndex)
                username += String(repeating: "0", count: width - number.count) + number
                let videoStart = videos.count
                let videoCount = random.between(5, 24)
                var created: [Int64] = []
                created.reserveCapacity(videoCount)
                for _ in 0..<videoCount {
                    created.append(random.between(Self.firstVideoTime, upTo: Self.lastVideoTime))
                }
                created.sort()
                for time in created {
                    var id: UInt64
                    repeat {
                        id = UInt64(time) << 32 | (random.next() & 0xFFFF_FFFF)
                    } while !usedVideoIDs.insert(id).inserted
                    let sound: Int? = random.chance(0.7) ? soundStart + random.below(soundsPerCommunity) : nil
                    var tags: [Int] = []
                    for _ in 0..<random.between(1, 4) {
                        // Popular tags (the theme's own) are drawn more often than the long tail.
                        let pick =
                            random.chance(0.6)
                            ? random.below(min(theme.hashtags.count, hashtagsPerCommunity))
                            : random.below(hashtagsPerCommunity)
                        if !tags.contains(hashtagStart + pick) { tags.append(hashtagStart + pick) }
                    }
                    videos.append(
                        Video(id: id, creator: creators.count, community: communityIndex, sound: sound, hashtags: tags))
                }
                let popularity = 1 / Double(creatorIndex + 1).squareRoot() * (0.6 + random.unit() * 0.8)
                creators.append(
                    Creator(
                        username: username,
                        nickname: Themes.firstNames[random.below(Themes.firstNames.count)] + " · " + theme.name,
                        community: communityIndex,
                        numericID: Self.longID(&random, high: 66...74),
                        secUID: Self.secUID(&random),
                        videos: videoStart..<videos.count,
                        popularity: popularity))
            }
            communities.append(
                Community(
                    index: communityIndex, name: theme.name,
                    creators: creatorStart..<creators.count,
                    hashtags: hashtagStart..<hashtags.count,
                    sounds: soundStart..<sounds.count,
                    effects: effectStart..<effects.count,
                    donors: []))
        }

        buildIndexes(&random)
        makeDonors(count: donorCount, events: events, &random)
        plantExposure()
    }

    private mutating func buildIndexes(_ random: inout SynthRandom) {
        videoIndex = []
        creatorCumulative = []
        for community in communities {
            var entries: [(created: Int64, video: Int32, weight: Double)] = []
            var creatorWeights: [Double] = []
            var total = 0.0
            for creatorIndex in community.creators {
                let creator = creators[creatorIndex]
                total += creator.popularity
                creatorWeights.append(total)
                for videoIndex in creator.videos {
                    // Heavy-tailed: a few videos of each creator take most of the views.
                    let weight = creator.popularity * min(50, 0.2 / (0.02 + random.unit()))
                    entries.append((videos[videoIndex].created, Int32(videoIndex), weight))
                }
            }
            entries.sort { $0.created != $1.created ? $0.created < $1.created : $0.video < $1.video }
            var index = VideoIndex()
            index.order.reserveCapacity(entries.count)
            var running = 0.0
            for entry in entries {
                running += entry.weight
                index.order.append(entry.video)
                index.created.append(entry.created)
                index.cumulative.append(running)
            }
            videoIndex.append(index)
            creatorCumulative.append(creatorWeights)
        }
    }

    private mutating func makeDonors(count: Int, events: Int, _ random: inout SynthRandom) {
        // Layouts: cycle through all of them, then shuffle, so every layout appears once there are
        // at least 8 donors and the assignment still depends on the seed.
        var layouts = (0..<count).map { SynthLayout.allCases[$0 % SynthLayout.allCases.count] }
        random.shuffle(&layouts)
        var memberships = (0..<count).map { $0 % communities.count }
        random.shuffle(&memberships)
        var containers: [SynthContainer] = []
        var jsonSeen = 0
        var textSeen = 0
        for layout in layouts {
            if layout.isJSON {
                containers.append(jsonSeen % 3 == 2 ? .tarGzip : .zip)
                jsonSeen += 1
            } else {
                // Mostly zipped, some tar.gz; one TXT donor in twelve (the fourth first) is an
                // extracted folder, with a small export since folders are stored uncompressed.
                switch textSeen % 12 {
                case 1, 5, 9: containers.append(.tarGzip)
                case 3: containers.append(.directory)
                default: containers.append(.zip)
                }
                textSeen += 1
            }
        }
        // Budgets: uneven (0.4×–1.6× the mean), normalised to `events`; folders get a sixth or so.
        let weights = containers.map { container in
            (0.4 + random.unit() * 1.2) * (container == .directory ? 0.15 : 1)
        }
        let weightSum = weights.reduce(0, +)
        var budgets = weights.map { Int(Double(events) * $0 / weightSum) }
        var shortfall = events - budgets.reduce(0, +)
        var cursor = 0
        while shortfall > 0 {
            budgets[cursor % count] += 1
            shortfall -= 1
            cursor += 1
        }

        // Name stems in a seeded order, cycled: every kind of name (emoji, Cyrillic, `.`, `_`,
        // capitals) appears once there are as many donors as stems.
        var stems = Themes.donorStems
        random.shuffle(&stems)
        let width = max(2, String(count - 1).count)
        for donorIndex in 0..<count {
            let layout = layouts[donorIndex]
            let number = String(donorIndex)
            let stem = stems[donorIndex % stems.count]
            let username = "d" + String(repeating: "0", count: width - number.count) + number + "_" + stem
            let era = layout.exportEra
            let exportTime = random.between(era.lowerBound, upTo: era.upperBound)
            let activeSince = max(
                Self.firstVideoTime + 20 * 86_400, exportTime - Int64(random.between(200, 1000)) * 86_400)
            donors.append(
                Donor(
                    index: donorIndex, username: username, community: memberships[donorIndex], layout: layout,
                    container: containers[donorIndex], numericID: Self.longID(&random, high: 66...74),
                    exportTime: exportTime, activeSince: activeSince, budget: budgets[donorIndex]))
            communities[memberships[donorIndex]].donors.append(donorIndex)
        }
    }

    /// Chooses the diverse and drifting donors (about one in eight each; the rest are steady), and
    /// each drifting donor's new community and drift date: a UTC midnight 40–60 % of the way through
    /// the donor's active period, so the history holds months on both sides. Only donors with a
    /// watch history are chosen (a partial export has none), taken from the communities in turn so
    /// that every community keeps steady donors to recognise its videos by. Drawn from a stream of
    /// its own, so the steady donors' archives are the same as without planting.
    private mutating func plantExposure() {
        guard communities.count > 1 else { return }
        var random = SynthRandom(seed: options.seed, stream: 14)
        var pools = communities.map { community in community.donors.filter { donors[$0].layout != .jsonPartial } }
        for index in pools.indices { random.shuffle(&pools[index]) }
        var order = Array(communities.indices)
        random.shuffle(&order)
        var eligible: [Int] = []
        for round in 0..<(pools.map(\.count).max() ?? 0) {
            for community in order where round < pools[community].count { eligible.append(pools[community][round]) }
        }
        let each = (donors.count + 4) / 8
        for (position, donorIndex) in eligible.prefix(2 * each).enumerated() {
            guard position < each else {
                donors[donorIndex].exposure = .diverse
                continue
            }
            let donor = donors[donorIndex]
            let end = donor.exportTime - 600
            let span = Double(max(0, end - donor.activeSince))
            let moment = donor.activeSince + Int64(span * (0.4 + 0.2 * random.unit()))
            let other = random.below(communities.count - 1)
            donors[donorIndex].exposure = .drifting
            donors[donorIndex].driftTime = moment - moment % 86_400
            donors[donorIndex].driftCommunity = other >= donor.community ? other + 1 : other
        }
    }

    // MARK: - Ids

    /// A 19-digit id whose first two digits are in `high` (e.g. 68…72 → `68xxxxxxxxxxxxxxxxx`).
    static func longID(_ random: inout SynthRandom, high: ClosedRange<Int>) -> UInt64 {
        UInt64(random.between(high.lowerBound, high.upperBound)) * 100_000_000_000_000_000
            + UInt64(random.below(100_000_000_000_000_000))
    }

    /// A hashtag id: TikTok's are 3 to 19 digits; older tags have short ids.
    static func tagID(_ random: inout SynthRandom) -> UInt64 {
        random.chance(0.5) ? UInt64(random.between(1000, 99_999_999)) : longID(&random, high: 16...74)
    }

    static func secUID(_ random: inout SynthRandom) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var text = "MS4wLjABAAAA"
        for _ in 0..<52 { text.append(alphabet[random.below(alphabet.count)]) }
        return text
    }

    // MARK: - Draws used by the planner

    /// How many of `community`'s videos were created before `time`.
    func videosCreated(in community: Int, before time: Int64) -> Int {
        videoIndex[community].created.firstIndex(notBelow: time)
    }

    /// A video of `community` among its first `available` (by creation time), drawn by popularity.
    func drawVideo(in community: Int, available: Int, _ random: inout SynthRandom) -> Int? {
        guard available > 0 else { return nil }
        let index = videoIndex[community]
        let target = random.unit() * index.cumulative[available - 1]
        var low = 0
        var high = available - 1
        while low < high {
            let middle = (low + high) / 2
            if index.cumulative[middle] <= target { low = middle + 1 } else { high = middle }
        }
        return Int(index.order[low])
    }

    /// A creator of `community`, drawn by popularity.
    func drawCreator(in community: Int, _ random: inout SynthRandom) -> Int {
        let cumulative = creatorCumulative[community]
        let target = random.unit() * (cumulative.last ?? 0)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] <= target { low = middle + 1 } else { high = middle }
        }
        return communities[community].creators.lowerBound + low
    }

    /// The community an interaction goes to: the home community with probability 1 − `noise`,
    /// otherwise another one at random.
    func drawCommunity(home: Int, noise: Double, _ random: inout SynthRandom) -> Int {
        guard communities.count > 1, random.chance(noise) else { return home }
        let other = random.below(communities.count - 1)
        return other >= home ? other + 1 : other
    }

    // MARK: - Text

    /// A video's caption: a sentence and its hashtags (`#ramen #foodtok`), derived from the id.
    package func caption(ofVideo index: Int) -> String {
        let video = videos[index]
        var random = SynthRandom(seed: video.id, stream: 7)
        let theme = Themes.theme(for: video.community)
        var text = Self.sentence(noun: random.pick(theme.nouns), &random)
        for tag in video.hashtags { text += " #" + hashtags[tag].name }
        return text
    }

    static func sentence(noun: String, _ random: inout SynthRandom) -> String {
        let patterns = [
            "trying the viral %", "day 12 of my % journey", "% but make it aesthetic", "rating every % I've had",
            "POV: your first %", "the % nobody talks about", "% update 🙌", "you asked for the % so here it is",
            "honest review: %", "% in 60 seconds",
        ]
        let pattern = random.pick(patterns)
        var result = ""
        for character in pattern {
            if character == "%" { result += noun } else { result.append(character) }
        }
        return result
    }
}
