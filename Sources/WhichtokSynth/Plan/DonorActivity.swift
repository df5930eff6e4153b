/// One donor's own records (everything except what `SocialPlan` shares between donors), drawn
/// from the donor's own random stream so donors can be planned on several threads at once.
///
/// Lists are newest first with strictly decreasing times, and every event time is after the
/// creation time of the video it refers to and before the export.
struct DonorActivity: Sendable {
    struct Item: Sendable {
        var time: Int64
        /// A video, sound, hashtag, effect or creator index, depending on the list.
        var object: Int32
        /// List-specific: share method and link style, comment text seed, search-term style.
        var extra: UInt32 = 0
    }

    struct Post: Sendable {
        var time: Int64
        var likes: Int
        /// A sound index, or nil for "original sound - <owner>".
        var sound: Int?
        var hashtags: [Int]
        var seed: UInt64
    }

    var watches: [Item] = []
    var likes: [Item] = []
    var favoriteVideos: [Item] = []
    var favoriteSounds: [Item] = []
    var favoriteHashtags: [Item] = []
    var favoriteEffects: [Item] = []
    var shares: [Item] = []
    /// Extra share records with the `1969-12-31 23:59:59` / `https://www.tiktok.com/` placeholder:
    /// written, never counted as events.
    var placeholderShares = 0
    var comments: [Item] = []
    var followedCreators: [Item] = []
    var searches: [Item] = []
    var posts: [Post] = []

    /// Shares of a full donor's budget per list; direct messages take `SocialPlan.messageShare`.
    /// Watch history dominates, as in real exports (and it compresses best: views repeat videos).
    enum Mix {
        static let watched = 0.565
        static let liked = 0.13
        static let favoriteVideos = 0.035
        static let favoriteSoundsOrHashtags = 0.004
        static let favoriteEffects = 0.002
        static let followed = 0.03
        static let shared = 0.03
        static let commented = 0.03
        static let searched = 0.06
        static let posted = 0.01
    }

    static let shareMethods = ["chat_head", "copy", "whatsapp", "more", "repost", "chat", "instagram_story", "sms"]

    /// Search-term styles, in `Item.extra & 3`.
    enum SearchStyle: UInt32 {
        case hashtag = 0
        case hashtagPhrase, creator, noun
    }

    init(world: SynthWorld, social: SocialPlan, donorIndex: Int) {
        let donor = world.donors[donorIndex]
        var random = SynthRandom(seed: world.options.seed, stream: 3, index: UInt64(donorIndex))
        let noise = SynthOptions.noise
        let home = donor.community
        let latest = donor.exportTime - 600
        // Videos the donor can have seen: created at least two days before the export.
        let available = world.communities.map {
            world.videosCreated(in: $0.index, before: donor.exportTime - 2 * 86_400)
        }
        let budget = Double(donor.budget)

        /// The community a video at `time` comes from: the planted feed (`SynthExposure`). A steady
        /// donor's draw is the same as for any other event, so planting leaves steady donors alone.
        func feedCommunity(at time: Int64, _ random: inout SynthRandom) -> Int {
            switch donor.exposure {
            case .steady:
                return world.drawCommunity(home: home, noise: noise, &random)
            case .diverse:
                return random.below(world.communities.count)
            case .drifting:
                let drifted = donor.driftTime.map { time >= $0 } ?? false
                let current = drifted ? donor.driftCommunity ?? home : home
                return world.drawCommunity(home: current, noise: noise, &random)
            }
        }
        /// Activity comes in sessions: a burst of events seconds to minutes apart, at random
        /// moments of the donor's active period. Ascending.
        func sessionTimes(_ count: Int, meanLength: Int, gap: ClosedRange<Int>, _ random: inout SynthRandom) -> [Int64]
        {
            var times: [Int64] = []
            times.reserveCapacity(count)
            while times.count < count {
                var time = random.between(donor.activeSince, upTo: latest)
                for _ in 0..<random.between(1, 2 * meanLength - 1) where times.count < count && time < latest {
                    times.append(time)
                    time += Int64(random.between(gap.lowerBound, gap.upperBound))
                }
            }
            times.sort()
            return times
        }
        /// Videos at the given times, created an hour before, from the planted feed (the home
        /// community mostly, see `SynthExposure`: what the app showed is also what the donor could
        /// like, keep, share or comment on); with `distinct`, each video at most once (likes,
        /// favourites). The community is drawn again only when it has no video yet: a video seen
        /// before is replaced by another of the same community, so a long list of distinct likes keeps
        /// the donor's mix instead of drifting to the communities with unseen videos.
        func videosAt(_ times: [Int64], seen: inout Set<Int32>, distinct: Bool, _ random: inout SynthRandom) -> [Item] {
            var items: [Item] = []
            items.reserveCapacity(times.count)
            for time in times {
                var community: Int?
                for _ in 0..<(distinct ? 12 : 3) {
                    let chosen = community ?? feedCommunity(at: time, &random)
                    let count = min(available[chosen], world.videosCreated(in: chosen, before: time - 3600))
                    guard let video = world.drawVideo(in: chosen, available: count, &random) else {
                        community = nil
                        continue
                    }
                    community = chosen
                    if distinct && !seen.insert(Int32(video)).inserted { continue }
                    items.append(Item(time: time, object: Int32(video)))
                    break
                }
            }
            return items
        }
        /// Items on videos the donor watched, seconds after the view (a like, a favourite, a share
        /// follows watching); with `distinct`, each video once.
        func fromWatches(_ count: Int, seen: inout Set<Int32>, distinct: Bool, _ random: inout SynthRandom) -> [Item] {
            guard !watches.isEmpty else { return [] }
            var items: [Item] = []
            var attempts = 0
            while items.count < count && attempts < count * 4 {
                attempts += 1
                let watch = watches[random.below(watches.count)]
                if distinct && !seen.insert(watch.object).inserted { continue }
                items.append(Item(time: min(latest, watch.time + Int64(random.between(2, 40))), object: watch.object))
            }
            return items
        }
        /// Distinct members of per-community pools (sounds, hashtags, effects, creators).
        func distinctPicks(_ wanted: Int, pool: (Int) -> Range<Int>, _ random: inout SynthRandom) -> [Item] {
            var seen = Set<Int32>()
            var items: [Item] = []
            var attempts = 0
            let times = sessionTimes(wanted, meanLength: 2, gap: 5...300, &random)
            while items.count < wanted && attempts < wanted * 20 + 50 {
                attempts += 1
                let range = pool(world.drawCommunity(home: home, noise: noise, &random))
                guard !range.isEmpty else { continue }
                // Favour the front of each pool (the theme's main tags, sounds and top creators).
                let offset = random.chance(0.5) ? random.below(min(range.count, 8)) : random.below(range.count)
                let pick = Int32(range.lowerBound + offset)
                guard seen.insert(pick).inserted else { continue }
                items.append(Item(time: times[items.count], object: pick))
            }
            return items
        }
        func share(_ fraction: Double) -> Int { Int((budget * fraction).rounded()) }
        func commentItems(_ items: [Item], _ random: inout SynthRandom) -> [Item] {
            items.map { Item(time: $0.time, object: $0.object, extra: UInt32(truncatingIfNeeded: random.next())) }
        }

        var leftover = 0
        if donor.layout == .jsonPartial {
            // A category export has no watch history: likes and favourites come in their own sessions.
            var liked = Set<Int32>()
            likes = videosAt(
                sessionTimes(share(0.60), meanLength: 6, gap: 10...120, &random), seen: &liked, distinct: true, &random)
            leftover += share(0.60) - likes.count
            var favourited = Set<Int32>()
            favoriteVideos = videosAt(
                sessionTimes(share(0.20), meanLength: 3, gap: 10...300, &random), seen: &favourited, distinct: true,
                &random)
            leftover += share(0.20) - favoriteVideos.count
            favoriteSounds = distinctPicks(share(0.02), pool: { world.communities[$0].sounds }, &random)
            favoriteHashtags = distinctPicks(share(0.02), pool: { world.communities[$0].hashtags }, &random)
            favoriteEffects = distinctPicks(share(0.01), pool: { world.communities[$0].effects }, &random)
            leftover +=
                share(0.02) * 2 + share(0.01) - favoriteSounds.count - favoriteHashtags.count - favoriteEffects.count
            var unused = Set<Int32>()
            let commentTimes = sessionTimes(share(0.15) + leftover, meanLength: 2, gap: 20...600, &random)
            comments = commentItems(videosAt(commentTimes, seen: &unused, distinct: false, &random), &random)
            Self.finish(&self)
            return
        }

        // Watch history: sessions of views; some videos are watched again seconds or minutes later.
        var unused = Set<Int32>()
        let watchCount = share(Mix.watched)
        for item in videosAt(
            sessionTimes(watchCount * 12 / 13, meanLength: 14, gap: 6...150, &random), seen: &unused, distinct: false,
            &random)
        {
            watches.append(item)
            if random.chance(1.0 / 12) {
                watches.append(Item(time: min(latest, item.time + Int64(random.between(4, 900))), object: item.object))
            }
        }
        leftover += watchCount - watches.count

        // Likes and favourites: mostly videos just watched, the rest at other times; each video once.
        var liked = Set<Int32>()
        likes = fromWatches(share(Mix.liked) * 6 / 10, seen: &liked, distinct: true, &random)
        likes += videosAt(
            sessionTimes(share(Mix.liked) - likes.count, meanLength: 4, gap: 10...200, &random), seen: &liked,
            distinct: true, &random)
        leftover += share(Mix.liked) - likes.count
        var favourited = Set<Int32>()
        favoriteVideos = fromWatches(share(Mix.favoriteVideos) / 2, seen: &favourited, distinct: true, &random)
        favoriteVideos += videosAt(
            sessionTimes(share(Mix.favoriteVideos) - favoriteVideos.count, meanLength: 2, gap: 10...300, &random),
            seen: &favourited, distinct: true, &random)
        leftover += share(Mix.favoriteVideos) - favoriteVideos.count
        favoriteSounds = distinctPicks(
            share(Mix.favoriteSoundsOrHashtags), pool: { world.communities[$0].sounds }, &random)
        favoriteHashtags = distinctPicks(
            share(Mix.favoriteSoundsOrHashtags), pool: { world.communities[$0].hashtags }, &random)
        favoriteEffects = distinctPicks(share(Mix.favoriteEffects), pool: { world.communities[$0].effects }, &random)
        leftover +=
            share(Mix.favoriteSoundsOrHashtags) * 2 + share(Mix.favoriteEffects) - favoriteSounds.count
            - favoriteHashtags.count - favoriteEffects.count

        let creatorFollows = max(0, share(Mix.followed) - social.followingOf[donorIndex].count)
        followedCreators = distinctPicks(creatorFollows, pool: { world.communities[$0].creators }, &random)
        leftover += creatorFollows - followedCreators.count

        // Shares: mostly right after watching.
        var shared = fromWatches(share(Mix.shared) * 7 / 10, seen: &unused, distinct: false, &random)
        shared += videosAt(
            sessionTimes(share(Mix.shared) - shared.count, meanLength: 2, gap: 10...300, &random), seen: &unused,
            distinct: false, &random)
        leftover += share(Mix.shared) - shared.count
        shares = shared.map { item in
            let method = UInt32(random.below(Self.shareMethods.count))
            let webLink: UInt32 = random.chance(0.15) ? 1 : 0
            let sharedContent: UInt32 = random.chance(0.2) ? 1 : 0
            return Item(time: item.time, object: item.object, extra: method | webLink << 8 | sharedContent << 9)
        }
        switch donor.layout {
        case .jsonG3, .jsonG4, .txt2024, .txtDutch: placeholderShares = max(1, shares.count / 12)
        default: placeholderShares = 0
        }

        var commented = fromWatches(share(Mix.commented) / 2, seen: &unused, distinct: false, &random)
        commented += videosAt(
            sessionTimes(share(Mix.commented) - commented.count, meanLength: 2, gap: 20...600, &random), seen: &unused,
            distinct: false, &random)
        leftover += share(Mix.commented) - commented.count
        comments = commentItems(commented, &random)

        // Searches start sessions: a little before a view.
        for _ in 0..<share(Mix.searched) {
            let community = world.drawCommunity(home: home, noise: noise, &random)
            let style = SearchStyle(rawValue: UInt32(random.below(4))) ?? .hashtag
            let object: Int
            switch style {
            case .hashtag, .hashtagPhrase:
                let tags = world.communities[community].hashtags
                object =
                    tags.lowerBound + (random.chance(0.6) ? random.below(min(8, tags.count)) : random.below(tags.count))
            case .creator:
                object = world.drawCreator(in: community, &random)
            case .noun:
                object = community
            }
            let time =
                watches.isEmpty
                ? random.between(donor.activeSince, upTo: latest)
                : max(donor.activeSince, watches[random.below(watches.count)].time - Int64(random.between(5, 120)))
            searches.append(
                Item(time: time, object: Int32(object), extra: style.rawValue | UInt32(random.below(1 << 16)) << 2))
        }

        let postTimes = sessionTimes(max(1, share(Mix.posted)), meanLength: 1, gap: 60...600, &random)
        for time in postTimes {
            let tags = world.communities[home].hashtags
            var postTags: [Int] = []
            for _ in 0..<random.between(1, 3) {
                let tag = tags.lowerBound + random.below(min(10, tags.count))
                if !postTags.contains(tag) { postTags.append(tag) }
            }
            let sounds = world.communities[home].sounds
            posts.append(
                Post(
                    time: time,
                    likes: random.chance(0.1) ? 0 : Int(random.unit() * random.unit() * 4000),
                    sound: random.chance(0.5) ? sounds.lowerBound + random.below(sounds.count) : nil,
                    hashtags: postTags,
                    seed: random.next()))
        }

        // What the distinct lists could not take goes to the watch history (views repeat anyway).
        if leftover > 0 {
            watches += videosAt(
                sessionTimes(leftover, meanLength: 14, gap: 6...150, &random), seen: &unused, distinct: false,
                &random)
        }
        Self.finish(&self)
    }

    /// Sorts every list newest first and makes its times strictly decreasing.
    private static func finish(_ activity: inout DonorActivity) {
        func order(_ items: inout [Item]) {
            items.sort { $0.time != $1.time ? $0.time > $1.time : $0.object < $1.object }
            guard items.count > 1 else { return }
            for index in stride(from: items.count - 2, through: 0, by: -1)
            where items[index].time <= items[index + 1].time {
                items[index].time = items[index + 1].time + 1
            }
        }
        order(&activity.watches)
        order(&activity.likes)
        order(&activity.favoriteVideos)
        order(&activity.favoriteSounds)
        order(&activity.favoriteHashtags)
        order(&activity.favoriteEffects)
        order(&activity.shares)
        order(&activity.comments)
        order(&activity.followedCreators)
        order(&activity.searches)
        activity.posts.sort { $0.time > $1.time }
        if activity.posts.count > 1 {
            for index in stride(from: activity.posts.count - 2, through: 0, by: -1)
            where activity.posts[index].time <= activity.posts[index + 1].time {
                activity.posts[index].time = activity.posts[index + 1].time + 1
            }
        }
    }

    /// Events this donor's own lists contribute, by kind (messages and donor follows are counted
    /// from `SocialPlan`, once per event).
    func tally(into counts: inout EventTally) {
        counts.watched += watches.count
        counts.liked += likes.count
        counts.favorited += favoriteVideos.count + favoriteSounds.count + favoriteHashtags.count + favoriteEffects.count
        counts.shared += shares.count
        counts.commented += comments.count
        counts.followed += followedCreators.count
        counts.searched += searches.count
        counts.posted += posts.count
    }
}

/// Planned events per kind.
struct EventTally: Sendable {
    var watched = 0
    var liked = 0
    var favorited = 0
    var shared = 0
    var commented = 0
    var followed = 0
    var messaged = 0
    var searched = 0
    var posted = 0

    var byName: [String: Int] {
        [
            "watched": watched, "liked": liked, "favorited": favorited, "shared": shared,
            "commented": commented, "followed": followed, "messaged": messaged, "searched": searched,
            "posted": posted,
        ]
    }

    static func + (a: EventTally, b: EventTally) -> EventTally {
        var sum = a
        sum.watched += b.watched
        sum.liked += b.liked
        sum.favorited += b.favorited
        sum.shared += b.shared
        sum.commented += b.commented
        sum.followed += b.followed
        sum.messaged += b.messaged
        sum.searched += b.searched
        sum.posted += b.posted
        return sum
    }
}
