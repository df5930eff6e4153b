import WhichtokSupport

/// The archive layouts the generator writes, one per donor (see `docs/tiktok-archive-format.md`).
package enum SynthLayout: String, CaseIterable, Sendable, Comparable {
    /// 2021-era JSON: `user_data.json`, `Activity`/`Video`/`Direct Messages`, `VideoLink` keys.
    case jsonG1 = "json-g1"
    /// 2023–Jan 2025 JSON: `user_data_tiktok.json`, `Activity`, `Direct Messages → Chat History`.
    case jsonG2 = "json-g2"
    /// Mar–Nov 2025 JSON: `Your Activity`, lowercase `date`/`link` likes, `Direct Message → Direct Messages`, `Post → Posts`.
    case jsonG3 = "json-g3"
    /// Dec 2025+ JSON: `Likes and Favorites`, `Profile And Settings`, comment dates with ` UTC`.
    case jsonG4 = "json-g4"
    /// A category export without a profile: `{"Activity": {Comments, Favorite …, Like List, …}}`.
    case jsonPartial = "json-partial"
    /// 2020–2021 TXT: `Activity/Video Browsing History.txt`, `Video Link:`.
    case txt2020 = "txt-2020"
    /// 2024 TXT: `TikTok_Data_<epoch>/Tiktok/Activity/Like List.txt`, `Link:`, dates with ` UTC`.
    case txt2024 = "txt-2024"
    /// 2026 Dutch TXT: `Kijkgeschiedenis.txt`, `Likelijst.txt`, `Volgend.txt`, `Datum:`.
    case txtDutch = "txt-nl"

    package var isJSON: Bool {
        switch self {
        case .jsonG1, .jsonG2, .jsonG3, .jsonG4, .jsonPartial: true
        case .txt2020, .txt2024, .txtDutch: false
        }
    }

    /// Whether the archive names its owner (a profile section). Partial exports do not.
    package var hasProfile: Bool { self != .jsonPartial }

    /// The UTC range (`start..<end`, Unix seconds) of export dates for this layout's era.
    var exportEra: Range<Int64> {
        switch self {
        case .txt2020:
            CivilTime.unixTime(year: 2021, month: 6, day: 1)..<CivilTime.unixTime(year: 2022, month: 1, day: 1)
        case .jsonG1:
            CivilTime.unixTime(year: 2021, month: 9, day: 1)..<CivilTime.unixTime(year: 2022, month: 10, day: 1)
        case .jsonG2:
            CivilTime.unixTime(year: 2023, month: 6, day: 1)..<CivilTime.unixTime(year: 2025, month: 2, day: 1)
        case .jsonPartial:
            CivilTime.unixTime(year: 2024, month: 6, day: 1)..<CivilTime.unixTime(year: 2025, month: 2, day: 1)
        case .txt2024:
            CivilTime.unixTime(year: 2024, month: 6, day: 1)..<CivilTime.unixTime(year: 2025, month: 6, day: 1)
        case .jsonG3:
            CivilTime.unixTime(year: 2025, month: 3, day: 1)..<CivilTime.unixTime(year: 2025, month: 12, day: 1)
        case .jsonG4:
            CivilTime.unixTime(year: 2025, month: 12, day: 1)..<CivilTime.unixTime(year: 2026, month: 6, day: 15)
        case .txtDutch:
            CivilTime.unixTime(year: 2026, month: 1, day: 1)..<CivilTime.unixTime(year: 2026, month: 6, day: 15)
        }
    }

    package static func < (a: SynthLayout, b: SynthLayout) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}

/// How one donor's archive is packaged on disk.
package enum SynthContainer: String, Sendable, CaseIterable {
    /// `donor-007-TikTok_Data_<epoch>.zip`
    case zip
    /// `donor-007-TikTok_Data_<epoch>.tar.gz`
    case tarGzip = "tar.gz"
    /// `donor-007-TikTok_Data_<epoch>/…`: an extracted export (TXT layouts only).
    case directory
}
