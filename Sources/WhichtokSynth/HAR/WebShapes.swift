import WhichtokSupport

/// The synthetic world as TikTok's web API shows it (Docs/web-captures.md, 'Items' to 'Hashtag and
/// sound details'): items with authors, hashtags (`challenges` and `textExtra`), sounds, rounded
/// `stats` and exact `statsV2`; users; comments. Everything is derived from the world and the
/// entity's id, so every capture shows an entity the same way (counters aside, which grow with the
/// observation time).
struct WebShapes {
    let world: SynthWorld

    // MARK: - Derived values

    /// An original sound's id: created with the video, so its high bits are near the video's time.
    func originalSoundID(ofVideo index: Int) -> UInt64 {
        let video = world.videos[index]
        return UInt64(video.created) << 32 | (SynthRandom.mix(video.id, 41) & 0xFFFF_FFFF)
    }

    /// A donor's secUid (the world keeps one only for creators), stable across captures.
    func secUID(ofDonor index: Int) -> String {
        var random = SynthRandom(seed: world.donors[index].numericID, stream: 42)
        return SynthWorld.secUID(&random)
    }

    struct Counters {
        var plays: UInt64
        var likes: UInt64
        var comments: UInt64
        var shares: UInt64
        var saves: UInt64
    }

    /// A video's counters at `time`: they grow with the days since the video was made.
    func counters(ofVideo index: Int, at time: Int64) -> Counters {
        let video = world.videos[index]
        var random = SynthRandom(seed: video.id, stream: 43)
        let popularity = world.creators[video.creator].popularity
        let base = UInt64(200 + random.unit() * random.unit() * 3_000_000 * popularity)
        let days = UInt64(max(1, min(2000, (time - video.created) / 86_400)))
        let plays = base + base * days / 400
        return Counters(
            plays: plays, likes: plays / UInt64(8 + random.below(20)),
            comments: plays / UInt64(300 + random.below(900)),
            shares: plays / UInt64(200 + random.below(2000)), saves: plays / UInt64(150 + random.below(1500)))
    }

    func followers(ofCreator index: Int) -> UInt64 {
        var random = SynthRandom(seed: world.creators[index].numericID, stream: 44)
        return UInt64(500 + world.creators[index].popularity * 2_000_000 * (0.5 + random.unit()))
    }

    /// What the app displays, and `stats`/`authorStats` send: 38884 → 38900, 1585253 → 1600000.
    static func rounded(_ value: UInt64) -> UInt64 {
        if value >= 1_000_000 { return (value + 50_000) / 100_000 * 100_000 }
        if value >= 10_000 { return (value + 50) / 100 * 100 }
        return value
    }

    /// A signed, expiring media URL like the web app's (never an identifier).
    static func mediaURL(_ host: String, _ seed: UInt64, expires: Int64) -> String {
        var text = "https://" + host + "/obj/tos-maliva-p-0068/"
        var bytes: [UInt8] = []
        bytes.appendHex(SynthRandom.mix(seed, 1), width: 16)
        bytes.appendHex(SynthRandom.mix(seed, 2), width: 16)
        text += String(decoding: bytes, as: UTF8.self)
        text +=
            "?lk3s=81f88b70&x-expires=\(expires)&x-signature=" + String(decoding: bytes.prefix(20), as: UTF8.self)
            + "%3D"
        return text
    }

    // MARK: - Users

    /// A creator as an item's `author` (camelCase; Docs/web-captures.md, 'Users').
    func writeCreator(_ w: inout BodyWriter, _ index: Int, uniqueID: String? = nil) {
        let creator = world.creators[index]
        w.object { w in
            w.field("id", id: creator.numericID)
            w.field("uniqueId", uniqueID ?? creator.username)
            w.field("nickname", creator.nickname)
            w.field(
                "avatarThumb", Self.mediaURL("p16-sign-va.tiktokcdn.com", creator.numericID, expires: 1_790_000_000))
            w.field(
                "avatarMedium",
                Self.mediaURL("p16-sign-va.tiktokcdn.com", creator.numericID &+ 1, expires: 1_790_000_000))
            w.field("signature", "\(world.communities[creator.community].name) creator")
            w.field("verified", creator.popularity > 0.9)
            w.field("secUid", creator.secUID)
            w.field("secret", false)
            w.field("ftc", false)
            w.field("relation", 0)
            w.field("openFavorite", false)
            w.field("commentSetting", 0)
            w.field("duetSetting", 0)
            w.field("stitchSetting", 0)
            w.field("privateAccount", false)
            w.field("downloadSetting", 0)
        }
    }

    /// `authorStats` / `stats` of a creator; `exact` writes the `statsV2` string form.
    func writeCreatorStats(_ w: inout BodyWriter, _ index: Int, exact: Bool) {
        let creator = world.creators[index]
        let followers = followers(ofCreator: index)
        let hearts = followers * 9
        let videos = UInt64(creator.videos.count)
        func value(_ w: inout BodyWriter, _ number: UInt64) {
            if exact { w.string(String(number)) } else { w.uint(Self.rounded(number)) }
        }
        w.object { w in
            w.key("followerCount")
            value(&w, followers)
            w.key("followingCount")
            value(&w, UInt64(creator.videos.count * 3))
            w.key("heart")
            value(&w, hearts)
            w.key("heartCount")
            value(&w, hearts)
            w.key("videoCount")
            value(&w, videos)
            w.key("diggCount")
            value(&w, UInt64(creator.videos.count * 40))
            w.key("friendCount")
            value(&w, 0)
        }
    }

    /// A donor as a comment's `user` (snake_case; Docs/web-captures.md, 'Comments').
    func writeDonorUser(_ w: inout BodyWriter, _ index: Int) {
        let donor = world.donors[index]
        w.object { w in
            w.field("uid", id: donor.numericID)
            w.field("unique_id", donor.username.lowercased())
            w.field("nickname", donor.username)
            w.field("sec_uid", secUID(ofDonor: index))
            w.key("avatar_thumb")
            w.object { w in
                w.field("uri", "100x100/tos-maliva-avt-0068/\(donor.numericID)")
                w.key("url_list")
                w.array {
                    $0.string(Self.mediaURL("p16-sign-va.tiktokcdn.com", donor.numericID, expires: 1_790_000_000))
                }
            }
            w.field("custom_verify", "")
        }
    }

    /// A creator as a comment's `user` (snake_case).
    func writeCreatorUser(_ w: inout BodyWriter, _ index: Int) {
        let creator = world.creators[index]
        w.object { w in
            w.field("uid", id: creator.numericID)
            w.field("unique_id", creator.username)
            w.field("nickname", creator.nickname)
            w.field("sec_uid", creator.secUID)
            w.field("custom_verify", "")
        }
    }

    // MARK: - Items

    /// The caption: the world's caption, with an `@mention` of another creator when `mention` is set.
    func caption(ofVideo index: Int, mention: Int?) -> String {
        var text = world.caption(ofVideo: index)
        if let mention { text += " @" + world.creators[mention].username }
        return text
    }

    /// One item (`itemStruct`; Docs/web-captures.md, 'Items'), observed at `time`.
    func writeItem(_ w: inout BodyWriter, video index: Int, time: Int64, mention: Int?, duetOf: Int?) {
        let video = world.videos[index]
        let creator = world.creators[video.creator]
        let desc = caption(ofVideo: index, mention: mention)
        let counters = counters(ofVideo: index, at: time)
        let expires = time + 86_400 * 3
        w.object { w in
            w.field("id", id: video.id)
            w.field("desc", desc)
            w.key("createTime")
            w.int(Int(video.created))
            w.field("scheduleTime", 0)
            w.key("video")
            w.object { w in
                w.field("id", id: video.id)
                w.field("height", 1024)
                w.field("width", 576)
                w.field("duration", 8 + Int(video.id % 50))
                w.field("ratio", "540p")
                w.field("cover", Self.mediaURL("p16-sign-va.tiktokcdn.com", video.id, expires: expires))
                w.field("originCover", Self.mediaURL("p16-sign-va.tiktokcdn.com", video.id &+ 1, expires: expires))
                w.field("dynamicCover", Self.mediaURL("p16-sign-va.tiktokcdn.com", video.id &+ 2, expires: expires))
                w.field("playAddr", Self.mediaURL("v16-webapp-prime.tiktok.com", video.id &+ 3, expires: expires))
                w.field("downloadAddr", Self.mediaURL("v16-webapp-prime.tiktok.com", video.id &+ 4, expires: expires))
                w.key("shareCover")
                w.array { $0.string("") }
                w.field("bitrate", 600_000 + Int(video.id % 400_000))
                w.field("format", "mp4")
                w.field("codecType", "h264")
                w.field("definition", "540p")
                w.key("bitrateInfo")
                w.array { w in
                    w.object { w in
                        w.field("Bitrate", 600_000 + Int(video.id % 400_000))
                        w.field("CodecType", "h264")
                        w.field("GearName", "normal_540_0")
                        w.field("QualityType", 20)
                        w.key("PlayAddr")
                        w.object { w in
                            w.field("DataSize", 1_000_000 + Int(video.id % 3_000_000))
                            w.field("Height", 1024)
                            w.field("Width", 576)
                            w.field("Uri", "v12044gd0000\(video.id)")
                            w.key("UrlList")
                            w.array { w in
                                w.string(Self.mediaURL("v16-webapp-prime.tiktok.com", video.id &+ 5, expires: expires))
                                w.string(Self.mediaURL("v19-webapp-prime.tiktok.com", video.id &+ 6, expires: expires))
                            }
                        }
                    }
                }
                w.key("subtitleInfos")
                w.array { _ in }
                w.field("VQScore", "71.5")
            }
            w.key("author")
            writeCreator(&w, video.creator)
            w.key("music")
            writeMusic(&w, video: index)
            w.key("challenges")
            w.array { w in
                for tag in video.hashtags {
                    let hashtag = world.hashtags[tag]
                    w.object { w in
                        w.field("id", id: hashtag.id)
                        w.field("title", hashtag.name)
                        w.field("desc", "")
                        w.field("profileLarger", "")
                        w.field("profileMedium", "")
                        w.field("profileThumb", "")
                        w.field("coverLarger", "")
                        w.field("coverMedium", "")
                        w.field("coverThumb", "")
                        w.field("isCommerce", false)
                    }
                }
            }
            w.key("stats")
            w.object { w in
                w.key("diggCount")
                w.uint(Self.rounded(counters.likes))
                w.key("shareCount")
                w.uint(Self.rounded(counters.shares))
                w.key("commentCount")
                w.uint(Self.rounded(counters.comments))
                w.key("playCount")
                w.uint(Self.rounded(counters.plays))
                w.key("collectCount")
                w.uint(Self.rounded(counters.saves))
            }
            w.key("statsV2")
            w.object { w in
                w.field("diggCount", String(counters.likes))
                w.field("shareCount", String(counters.shares))
                w.field("commentCount", String(counters.comments))
                w.field("playCount", String(counters.plays))
                w.field("collectCount", String(counters.saves))
                w.field("repostCount", "0")
            }
            w.key("duetInfo")
            w.object { w in
                if let duetOf { w.field("duetFromId", id: world.videos[duetOf].id) } else { w.field("duetFromId", "0") }
            }
            w.key("warnInfo")
            w.array { _ in }
            w.field("originalItem", false)
            w.field("officalItem", false)
            w.key("textExtra")
            writeTextExtra(&w, caption: desc, video: index, mention: mention)
            w.field("secret", false)
            w.field("forFriend", false)
            w.field("digged", false)
            w.field("itemCommentStatus", 0)
            w.key("authorStats")
            writeCreatorStats(&w, video.creator, exact: false)
            w.field("privateItem", false)
            w.field("duetEnabled", true)
            w.field("stitchEnabled", true)
            w.field("shareEnabled", true)
            w.field("isAd", false)
            w.field("collected", false)
            w.key("diversificationLabels")
            w.array { $0.string(world.communities[creator.community].name) }
            w.field("locationCreated", "US")
            w.field("textLanguage", "en")
        }
    }

    /// `textExtra`: each `#tag` and the `@mention`, with UTF-16 offsets into the caption
    /// (Docs/web-captures.md, 'Caption hashtags and mentions').
    private func writeTextExtra(_ w: inout BodyWriter, caption: String, video index: Int, mention: Int?) {
        let video = world.videos[index]
        let utf16 = Array(caption.utf16)
        func offset(of needle: String, from start: Int) -> Int? {
            let target = Array(needle.utf16)
            guard !target.isEmpty, utf16.count >= target.count else { return nil }
            var i = start
            while i + target.count <= utf16.count {
                if Array(utf16[i..<i + target.count]) == target { return i }
                i += 1
            }
            return nil
        }
        w.array { w in
            var cursor = 0
            for tag in video.hashtags {
                let hashtag = world.hashtags[tag]
                guard let start = offset(of: "#" + hashtag.name, from: cursor) else { continue }
                let end = start + ("#" + hashtag.name).utf16.count
                cursor = end
                w.object { w in
                    w.field("awemeId", "")
                    w.field("start", start)
                    w.field("end", end)
                    w.field("hashtagId", id: hashtag.id)
                    w.field("hashtagName", hashtag.name.lowercased())
                    w.field("isCommerce", false)
                    w.field("secUid", "")
                    w.field("subType", 0)
                    w.field("type", 1)
                    w.field("userId", "")
                    w.field("userUniqueId", "")
                }
            }
            if let mention, let start = offset(of: "@" + world.creators[mention].username, from: 0) {
                let creator = world.creators[mention]
                w.object { w in
                    w.field("awemeId", "")
                    w.field("start", start)
                    w.field("end", start + creator.username.utf16.count + 1)
                    w.field("hashtagName", "")
                    w.field("isCommerce", false)
                    w.field("secUid", creator.secUID)
                    w.field("subType", 0)
                    w.field("type", 0)
                    w.field("userId", id: creator.numericID)
                    w.field("userUniqueId", creator.username)
                }
            }
        }
    }

    /// `music`: the world's sound, or the creator's original sound.
    func writeMusic(_ w: inout BodyWriter, video index: Int) {
        let video = world.videos[index]
        w.object { w in
            if let sound = video.sound {
                w.field("id", id: world.sounds[sound].id)
                w.field("title", world.sounds[sound].title)
                w.field(
                    "authorName",
                    String(world.sounds[sound].title.split(separator: "-").last ?? "").trimmingCharacters())
                w.field("original", false)
            } else {
                w.field("id", id: originalSoundID(ofVideo: index))
                w.field("title", "original sound - " + world.creators[video.creator].username)
                w.field("authorName", world.creators[video.creator].nickname)
                w.field("original", true)
            }
            w.field("playUrl", "")
            w.field("duration", 8 + Int(video.id % 50))
            w.field("album", "")
        }
    }
}

extension String {
    /// Without leading and trailing spaces.
    fileprivate func trimmingCharacters() -> String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
