import ArgumentParser
import Foundation
import WhichtokScrape
import WhichtokStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `whichtok scrape`: the web scraper (`ScrapeCommand`, the default, so `scrape user NAME…` works as
/// it always did) and the Research API client (`scrape research …`).
struct ScrapeGroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scrape",
        abstract: "Collect TikTok data politely into a HAR file: from the web, or from the Research API.",
        usage: """
            whichtok scrape user NAME... [--posts N] [--comments N] [--replies] [--followers N] [--following N] --har OUT.har
              whichtok scrape video URL... [--comments N] [--replies] --har OUT.har
              whichtok scrape hashtag NAME... [--posts N] [--comments N] [--replies] --har OUT.har
              whichtok scrape sound ID... [--posts N] [--comments N] [--replies] --har OUT.har
              whichtok scrape research videos --hashtag NAME --since DATE --until DATE [--max N] --har OUT.har
              whichtok scrape research user NAME... [--followers N] [--following N] [--liked N] [--pinned] [--reposted N] --har OUT.har
              whichtok scrape research comments VIDEO_ID... [--max N] --har OUT.har
            """,
        discussion: """
            `whichtok scrape KIND NAME...` (the `web` subcommand, the default) fetches TikTok's public \
            pages and web API; see `whichtok scrape web --help`. `whichtok scrape research ...` calls \
            TikTok's Research API with the client key and secret of an approved research project; see \
            `whichtok scrape research --help`. Both record every request and response in a HAR file \
            that `whichtok import` reads.
            """,
        subcommands: [ScrapeCommand.self, ResearchCommand.self],
        defaultSubcommand: ScrapeCommand.self)
}

/// `whichtok scrape research`: TikTok's Research API, recorded as HAR.
struct ResearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "research",
        abstract: "Collect videos, accounts and comments from TikTok's Research API into a HAR file.",
        discussion: """
            For approved research projects only (academic researchers, and DSA article 40 researchers in \
            the EU): the client key and secret come from the project's page on developers.tiktok.com. \
            Give the key with --client-key or $TIKTOK_CLIENT_KEY, the secret in a file (--client-secret-file) \
            or $TIKTOK_CLIENT_SECRET; an access token is fetched, renewed before it expires, and renewed \
            once more when the API calls it invalid. The key, the secret and the tokens are never written \
            to the HAR (they appear there as [redacted]).

            Every request and response is written to the HAR as it happens, so an interrupted run keeps \
            everything fetched. When the API's daily quota runs out (HTTP 429 rate_limit_exceeded) the \
            run stops, says what was collected and exits 75; run the same command again later with \
            --resume OLD.har and a new --har: lists and searches continue from the cursor and search_id \
            recorded in OLD.har, and what OLD.har holds is not asked again. Import both files.

            Exit status: 0 when every target was collected in full; 65 when some target failed or the \
            token was refused; 64 for bad arguments (missing credentials included); 66 when the secret \
            file or a --resume file cannot be read; 73 when the HAR cannot be written; 75 when the quota \
            stopped the run (or --import found the store locked with --no-wait); 130 when interrupted. \
            The HAR is complete in every case.
            """,
        subcommands: [ResearchVideosCommand.self, ResearchUserCommand.self, ResearchCommentsCommand.self])
}

/// What every `scrape research` command shares: credentials, the HAR, resuming, politeness.
struct ResearchOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("The project's client key (default: $TIKTOK_CLIENT_KEY).", valueName: "key"))
    var clientKey: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A file whose first line is the client secret (default: $TIKTOK_CLIENT_SECRET).", valueName: "file"))
    var clientSecretFile: String?

    @Option(name: .long, help: ArgumentHelp("The HAR file to write.", valueName: "out.har"))
    var har: String

    @Flag(name: .long, help: "Replace the HAR file if it exists.")
    var overwrite = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A HAR of an earlier run of the same command: continue where it stopped (repeatable, oldest first).",
            valueName: "old.har"))
    var resume: [String] = []

    @Flag(name: .customLong("import"), help: "Import the HAR into the store at the end.")
    var importAfter = false

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var lockOptions: LockOptions

    @Option(
        name: .long,
        help: ArgumentHelp("Requests per second at most; each gap gets random jitter (at most 5).", valueName: "r"))
    var rate = 1.0

    @Option(name: .long, help: ArgumentHelp("The API to talk to.", valueName: "url"))
    var baseURL = ResearchConfiguration.defaultBaseURL

    @Option(name: .long, help: ArgumentHelp("Seconds without progress before a request fails.", valueName: "s"))
    var timeout = 30.0

    @Flag(name: .long, help: "Print only problems and the totals line.")
    var quiet = false

    func validate() throws {
        guard rate.isFinite, rate > 0, rate <= ScrapeCommand.maxRate else {
            throw ValidationError(
                "--rate must be above 0 and at most \(Int(ScrapeCommand.maxRate)) requests per second")
        }
        guard timeout.isFinite, timeout > 0, timeout <= 600 else {
            throw ValidationError("--timeout must be between 0 and 600 seconds")
        }
        guard BaseURL(baseURL) != nil else {
            throw ValidationError("--base-url must look like https://host[:port][/prefix], got '\(baseURL)'")
        }
        guard !har.isEmpty else { throw ValidationError("--har needs a file name") }
        if clientKey == nil && Self.environment("TIKTOK_CLIENT_KEY") == nil {
            throw ValidationError("no client key: give --client-key KEY or set TIKTOK_CLIENT_KEY")
        }
        if clientSecretFile == nil && Self.environment("TIKTOK_CLIENT_SECRET") == nil {
            throw ValidationError("no client secret: give --client-secret-file FILE or set TIKTOK_CLIENT_SECRET")
        }
    }

    static func environment(_ name: String) -> String? {
        guard let value = getenv(name), let text = String(validatingCString: value), !text.isEmpty else { return nil }
        return text
    }

    /// The key and secret; exits 66 when the secret file cannot be read, 64 when it is empty.
    func credentials() throws -> ResearchCredentials {
        let key = (clientKey ?? Self.environment("TIKTOK_CLIENT_KEY") ?? "").trimmingCharacters(in: .whitespaces)
        var secret = ""
        if let clientSecretFile {
            guard let data = FileManager.default.contents(atPath: clientSecretFile),
                let text = String(data: data, encoding: .utf8)
            else {
                Console.error(
                    "whichtok: error: cannot read the client secret file \(Console.printable(clientSecretFile))")
                throw ExitCode(Exit.noInput)
            }
            secret = String(text.split(whereSeparator: \.isNewline).first ?? "")
        } else {
            secret = Self.environment("TIKTOK_CLIENT_SECRET") ?? ""
        }
        secret = secret.trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, !secret.isEmpty else {
            Console.error(
                "whichtok: error: " + (key.isEmpty ? "the client key is empty" : "the client secret is empty")
                    + (clientSecretFile.map { " (\(Console.printable($0)))" } ?? ""))
            throw ExitCode(Exit.usage)
        }
        return ResearchCredentials(clientKey: key, clientSecret: secret)
    }

    /// Runs the client on `targets` and reports; `configure` sets what the subcommand decides.
    func run(
        _ targets: [ResearchTarget], command: String, configure: (inout ResearchConfiguration) -> Void
    ) throws {
        try StoreAccess.refuseOverwriting(
            outputs: [("--har", har)],
            protected: [("the store", storeOptions.path)]
                + (clientSecretFile.map { [("the client secret file", $0)] } ?? [])
                + resume.map { ("a --resume file", $0) })
        guard let base = BaseURL(baseURL) else { throw ExitCode(Exit.usage) }
        var configuration = ResearchConfiguration(baseURL: base, credentials: try credentials())
        configuration.requestsPerSecond = rate
        configuration.timeout = timeout
        configuration.userAgent = "whichtok/\(whichtokVersion)"
        configure(&configuration)
        if !resume.isEmpty {
            do {
                configuration.progress = try ResearchProgress.read(resume)
            } catch {
                Console.error("whichtok: error: \(Console.printable(error.description))")
                throw ExitCode(Exit.noInput)
            }
            if !quiet {
                Console.error(
                    "read \(plural(configuration.progress.answers, "earlier answer")) from "
                        + resume.map(Console.printable).joined(separator: ", "))
            }
        }
        if importAfter {
            do {
                _ = try Store.loadOrEmpty(from: storeOptions.path)
            } catch {
                Console.error("whichtok: error: \(Console.printable(error.description))")
                Console.error("whichtok: nothing was collected")
                throw ExitCode(Exit.failure)
            }
        } else if storeOptions.store != nil || lockOptions.noWait {
            Console.error("whichtok: warning: --store and --no-wait are used only with --import")
        }

        let writer: HARWriter
        do {
            writer = try HARWriter(
                path: har, overwrite: overwrite, creatorVersion: whichtokVersion,
                comment: "whichtok scrape research \(command); base \(base); rate \(rate)/s"
                    + (resume.isEmpty ? "" : "; resuming \(plural(resume.count, "earlier file"))"))
        } catch {
            Console.error("whichtok: error: \(Console.printable(error.description))")
            throw ExitCode(Exit.cannotCreate)
        }
        let report: ResearchReport
        do {
            let cancellation = Cancellation()
            let interrupts = ScrapeCommand.catchInterrupts(cancellation)
            defer {
                for source in interrupts { source.cancel() }
                signal(SIGINT, SIG_DFL)
                signal(SIGTERM, SIG_DFL)
            }
            let quiet = self.quiet
            let client = ResearchClient(configuration: configuration, har: writer, cancellation: cancellation) {
                line in
                if !quiet { Console.error(Console.printable(line)) }
            }
            report = try client.run(targets)
        } catch {
            throw ScrapeCommand.stopped(by: error, har: har, writer: writer)
        }
        writer.close()

        ScrapeCommand.printTargets(
            report.targets.map {
                ($0.outcome.rawValue, "\($0.target)", $0.countsText, $0.messages, $0.outcome == .complete)
            },
            quiet: quiet)
        let complete = report.targets.filter { $0.outcome == .complete }.count
        Console.out(
            "total: \(plural(report.targets.count, "target")) (\(complete) complete), "
                + "\(plural(report.entries, "request")) recorded in \(Console.printable(har))"
                + (report.stoppedEarly ? " (stopped early; the file is complete)" : ""))
        let resumeHint =
            "to continue, run the same command with "
            + (resume + [har]).map { "--resume \(Console.printable($0))" }.joined(separator: " ")
            + " and a new --har file; import every file"
        if let quota = report.quotaStop {
            Console.error(
                "whichtok: stopped: the Research API's quota is used up (\(Console.printable(quota))) after "
                    + "\(plural(report.entries, "request")); the records received are in \(Console.printable(har))")
            Console.error("whichtok: \(resumeHint) (the daily quota renews after a day)")
        }
        if let reason = report.authenticationStop {
            Console.error("whichtok: stopped: \(Console.printable(reason))")
        }
        if report.interrupted {
            Console.error("whichtok: interrupted; \(resumeHint)")
            if importAfter { ScrapeCommand.sayNotImported(har, store: storeOptions.path) }
            throw ExitCode(130)
        }
        if importAfter && report.entries > 0 {
            try ScrapeCommand.importHAR(
                har, store: storeOptions.path, quiet: quiet, noWait: lockOptions.noWait, toleratingUnread: true)
        }
        if report.quotaStop != nil { throw ExitCode(Exit.temporaryFailure) }
        if !report.allComplete { throw ExitCode(Exit.dataError) }
    }
}

/// A comma-separated or repeated option, as one list.
private func commaList(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

/// `--fields a,b,c` checked: names of lowercase letters, digits and `_`.
private func fieldList(_ values: [String], option: String, defaults: [String]) throws -> [String] {
    let fields = commaList(values)
    for field in fields where !field.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }) {
        throw ValidationError("\(option): '\(field)' is not a field name (lowercase letters, digits and _)")
    }
    return fields.isEmpty ? defaults : fields
}

/// A username as the API wants it: no `@`, letters, digits, `_` and `.`.
private func researchUsername(_ text: String) throws -> String {
    var name = Substring(text.trimmingCharacters(in: .whitespaces))
    if name.hasPrefix("@") { name = name.dropFirst() }
    guard !name.isEmpty, name.count <= 64,
        name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") })
    else { throw ValidationError("expected a username like 'someone' or '@someone', got '\(text)'") }
    return String(name)
}

struct ResearchVideosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "videos",
        abstract: "Search videos (video/query) by hashtag, keyword, creator, region or sound within a date range.",
        discussion: """
            Values of one option are alternatives (any of them matches: the API's IN), and the options \
            given must all match (the API's and): `--hashtag cats --hashtag dogs --region DE` finds videos \
            tagged #cats or #dogs by creators registered in Germany. Options take several values separated \
            by commas, except --keyword. The range --since..--until (UTC days, both included) is cut into \
            windows of at most 30 days, searched oldest first; each is paged by cursor and search_id, 100 \
            videos a request, until --max videos in all.
            """)

    @OptionGroup var options: ResearchOptions

    @Option(name: .long, help: ArgumentHelp("A hashtag, without # (repeatable).", valueName: "name"))
    var hashtag: [String] = []

    @Option(name: .long, help: ArgumentHelp("A keyword of the description (repeatable).", valueName: "text"))
    var keyword: [String] = []

    @Option(name: .long, help: ArgumentHelp("A creator's username (repeatable).", valueName: "name"))
    var username: [String] = []

    @Option(
        name: .long, help: ArgumentHelp("A creator's registration country, e.g. DE (repeatable).", valueName: "code"))
    var region: [String] = []

    @Option(name: .long, help: ArgumentHelp("A sound's id (repeatable).", valueName: "id"))
    var musicID: [String] = []

    @Option(name: .long, help: ArgumentHelp("The first day searched (YYYY-MM-DD, UTC).", valueName: "date"))
    var since: String

    @Option(name: .long, help: ArgumentHelp("The last day searched, included (YYYY-MM-DD, UTC).", valueName: "date"))
    var until: String

    @Option(name: .long, help: ArgumentHelp("Videos at most, over all windows.", valueName: "n"))
    var max = 1000

    @Option(
        name: .long, help: ArgumentHelp("Video fields to ask for, comma-separated (default: all).", valueName: "list"))
    var fields: [String] = []

    func query() throws -> VideoQuery {
        let first = Int(try GraphOptions.parseTime(since, option: "--since")) / 86_400
        let last = Int(try GraphOptions.parseTime(until, option: "--until")) / 86_400
        guard first <= last else { throw ValidationError("--since must not be after --until") }
        var query = VideoQuery(firstDay: first, lastDay: last)
        query.hashtags = commaList(hashtag).map { $0.hasPrefix("#") ? String($0.dropFirst()) : $0 }
        query.keywords = keyword.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        query.usernames = try commaList(username).map(researchUsername)
        query.regions = commaList(region).map { $0.uppercased() }
        query.musicIDs = commaList(musicID)
        for id in query.musicIDs where !id.allSatisfy(\.isNumber) || UInt64(id) == nil {
            throw ValidationError("--music-id: expected a numeric sound id, got '\(id)'")
        }
        for code in query.regions where code.count != 2 || !code.allSatisfy({ $0.isASCII && $0.isLetter }) {
            throw ValidationError("--region: expected a two-letter country code, got '\(code)'")
        }
        guard !query.conditions.isEmpty else {
            throw ValidationError("give at least one of --hashtag, --keyword, --username, --region, --music-id")
        }
        return query
    }

    func validate() throws {
        guard max > 0 else { throw ValidationError("--max must be 1 or more") }
        _ = try query()
        _ = try fieldList(fields, option: "--fields", defaults: [])
    }

    func run() throws {
        let query = try query()
        let fields = try fieldList(fields, option: "--fields", defaults: ResearchFields.video)
        try options.run([.videos(query)], command: "videos \(query); max \(max)") { configuration in
            configuration.maxVideos = max
            configuration.videoFields = fields
        }
    }
}

struct ResearchUserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Fetch accounts' profiles (user/info) and, if asked, their follower, following and video lists.",
        discussion: """
            Followers, following and liked videos are paged by a time cursor (newest first), reposted \
            videos by an offset; pinned videos come in one answer.
            """)

    @OptionGroup var options: ResearchOptions

    @Argument(help: ArgumentHelp("Usernames (with or without @).", valueName: "name"))
    var names: [String] = []

    @Option(name: .long, help: ArgumentHelp("Followers per account.", valueName: "n"))
    var followers = 0

    @Option(name: .long, help: ArgumentHelp("Followed accounts per account.", valueName: "n"))
    var following = 0

    @Option(name: .long, help: ArgumentHelp("Liked videos per account.", valueName: "n"))
    var liked = 0

    @Flag(name: .long, help: "Also fetch each account's pinned videos.")
    var pinned = false

    @Option(name: .long, help: ArgumentHelp("Reposted videos per account.", valueName: "n"))
    var reposted = 0

    @Option(
        name: .long,
        help: ArgumentHelp("Profile fields to ask for, comma-separated (default: all).", valueName: "list"))
    var fields: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Fields of liked, pinned and reposted videos, comma-separated (default: all).", valueName: "list"))
    var videoFields: [String] = []

    func validate() throws {
        guard !names.isEmpty else { throw ValidationError("name at least one user") }
        for (name, value) in [
            ("--followers", followers), ("--following", following), ("--liked", liked), ("--reposted", reposted),
        ]
        where value < 0 {
            throw ValidationError("\(name) must be 0 or more")
        }
        _ = try names.map(researchUsername)
        _ = try fieldList(fields, option: "--fields", defaults: [])
        _ = try fieldList(videoFields, option: "--video-fields", defaults: [])
    }

    func run() throws {
        let users = try names.map(researchUsername)
        let profileFields = try fieldList(fields, option: "--fields", defaults: ResearchFields.userInfo)
        let listFields = try fieldList(videoFields, option: "--video-fields", defaults: ResearchFields.userVideo)
        var asked: [String] = []
        if followers > 0 { asked.append("followers \(followers)") }
        if following > 0 { asked.append("following \(following)") }
        if liked > 0 { asked.append("liked \(liked)") }
        if pinned { asked.append("pinned") }
        if reposted > 0 { asked.append("reposted \(reposted)") }
        let command =
            "user " + users.joined(separator: " ") + (asked.isEmpty ? "" : "; " + asked.joined(separator: ", "))
        try options.run(users.map { .user($0) }, command: command) { configuration in
            configuration.lists = ResearchUserLists(
                followers: followers, following: following, liked: liked, pinned: pinned, reposted: reposted)
            configuration.userInfoFields = profileFields
            configuration.userVideoFields = listFields
        }
    }
}

struct ResearchCommentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comments",
        abstract: "Fetch the comments under videos (video/comment/list), up to the API's 1,000 per video.",
        discussion: """
            Paged by offset, 100 a request; the API serves only the first 1,000 comments of a video. \
            Comments come without their authors.
            """)

    @OptionGroup var options: ResearchOptions

    @Argument(help: ArgumentHelp("Video ids (the digits at the end of a video URL).", valueName: "video-id"))
    var ids: [String] = []

    @Option(name: .long, help: ArgumentHelp("Comments per video, at most 1000.", valueName: "n"))
    var max = ResearchConfiguration.maxComments

    @Option(
        name: .long,
        help: ArgumentHelp("Comment fields to ask for, comma-separated (default: all).", valueName: "list"))
    var fields: [String] = []

    func videoIDs() throws -> [UInt64] {
        try ids.map { text in
            let digits = text.split(separator: "/").last.map(String.init) ?? text
            guard let id = UInt64(digits.prefix { $0 != "?" }) else {
                throw ValidationError("expected a video id (digits) or a video URL, got '\(text)'")
            }
            return id
        }
    }

    func validate() throws {
        guard !ids.isEmpty else { throw ValidationError("name at least one video id") }
        guard (1...ResearchConfiguration.maxComments).contains(max) else {
            throw ValidationError("--max must be between 1 and \(ResearchConfiguration.maxComments)")
        }
        _ = try videoIDs()
        _ = try fieldList(fields, option: "--fields", defaults: [])
    }

    func run() throws {
        let videos = try videoIDs()
        let commentFields = try fieldList(fields, option: "--fields", defaults: ResearchFields.comment)
        try options.run(
            videos.map { .comments($0) }, command: "comments " + videos.map(String.init).joined(separator: " ")
        ) { configuration in
            configuration.maxComments = max
            configuration.commentFields = commentFields
        }
    }
}
