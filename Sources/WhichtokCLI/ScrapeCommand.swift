import ArgumentParser
import Dispatch
import WhichtokScrape
import WhichtokStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `whichtok scrape [web]`: collect pages and API answers politely into a HAR file, then optionally import it
/// (the default subcommand of `ScrapeGroupCommand`, so `whichtok scrape user NAME…` works as before).
struct ScrapeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Collect TikTok profiles, posts, comments and follow lists politely into a HAR file.",
        usage: """
            whichtok scrape user NAME... [--posts N] [--comments N] [--replies] [--followers N] [--following N] --har OUT.har
              whichtok scrape video URL... [--comments N] [--replies] --har OUT.har
              whichtok scrape hashtag NAME... [--posts N] [--comments N] [--replies] --har OUT.har
              whichtok scrape sound ID... [--posts N] [--comments N] [--replies] --har OUT.har
            """,
        discussion: """
            Every request and response is written to the HAR file as it happens (HAR 1.2, the format \
            `whichtok import` reads), so a collection can be re-imported and re-analysed offline, and an \
            interrupted run (Ctrl-C) keeps everything fetched so far in a complete file.

            Pages need no signature: the user page (/@NAME) and the video page are fetched as they are. \
            TikTok's web app signs its API requests (X-Bogus; X-Gnarly on item lists since 2025). whichtok \
            does not compute these signatures: --signer CMD runs CMD with /bin/sh, writes one URL to its \
            stdin and reads the signed URL from its stdout. Endpoints that need a signer: \
            \(Endpoint.signedList). Without one they are sent unsigned, and TikTok usually answers with an \
            empty body: the target is then stopped with a message saying so.

            Polite by default: one request per second with random jitter (--rate), a desktop browser's \
            User-Agent, bounded retries with exponential backoff on 429, 5xx and timeouts, and a target is \
            stopped (not retried) when TikTok takes the requests for a bot's. Private and missing accounts are \
            reported and skipped. The HAR holds personal data: keep it private. Cookie values, msToken, \
            X-Bogus, X-Gnarly and other session secrets are written as [redacted] (the import does not need \
            them); --keep-secrets keeps them, and the HAR then holds your login.

            Exit status: 0 when every target was collected in full; 65 when some target was skipped, \
            stopped or failed (the HAR is complete); 64 for bad arguments; 66 when the cookie file cannot \
            be read; 73 when the HAR cannot be written; 130 when interrupted (the HAR is complete); 1 when \
            the store for --import cannot be read; 64 when --har names the store or the cookie file; 75 \
            when --import finds the store locked by another whichtok and --no-wait was given (the HAR \
            is complete).
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case user, video, hashtag, sound

        var targetKind: TargetKind {
            switch self {
            case .user: .user
            case .video: .video
            case .hashtag: .hashtag
            case .sound: .sound
            }
        }
    }

    @Argument(help: ArgumentHelp("What the names are: user, video, hashtag or sound.", valueName: "kind"))
    var kind: Kind

    @Argument(
        help: ArgumentHelp(
            "Usernames, video URLs, hashtags or sound ids (or sound URLs).", valueName: "name"))
    var names: [String] = []

    @Option(name: .long, help: ArgumentHelp("Videos per user, hashtag or sound (needs a signer).", valueName: "n"))
    var posts = 0

    @Option(name: .long, help: ArgumentHelp("Top-level comments per video (needs a signer).", valueName: "n"))
    var comments = 0

    @Flag(name: .long, help: "Also fetch replies, up to --comments per comment.")
    var replies = false

    @Option(name: .long, help: ArgumentHelp("Followers per user (needs a signer; often a login).", valueName: "n"))
    var followers = 0

    @Option(
        name: .long, help: ArgumentHelp("Followed accounts per user (needs a signer; often a login).", valueName: "n"))
    var following = 0

    @Option(name: .long, help: ArgumentHelp("The HAR file to write.", valueName: "out.har"))
    var har: String

    @Flag(name: .long, help: "Replace the HAR file if it exists.")
    var overwrite = false

    @Flag(
        name: .long,
        help: "Write cookie values, msToken, X-Bogus and other session secrets into the HAR (default: [redacted]).")
    var keepSecrets = false

    @Flag(name: .customLong("import"), help: "Import the HAR into the store at the end.")
    var importAfter = false

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var lockOptions: LockOptions

    @Option(
        name: .long,
        help: ArgumentHelp("Requests per second at most; each gap gets random jitter (at most 5).", valueName: "r"))
    var rate = 1.0

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Cookies to send, in the Netscape cookies.txt format (your own session: msToken, ttwid…).",
            valueName: "file"))
    var cookies: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A command that reads a URL on stdin and prints it signed; run with /bin/sh for each API request.",
            valueName: "cmd"))
    var signer: String?

    @Option(name: .long, help: ArgumentHelp("The site to talk to.", valueName: "url"))
    var baseURL = ScrapeConfiguration.defaultBaseURL

    @Option(name: .long, help: ArgumentHelp("Seconds without progress before a request fails.", valueName: "s"))
    var timeout = 30.0

    @Option(
        name: .long, help: ArgumentHelp("The User-Agent header (default: a current desktop Chrome).", valueName: "text")
    )
    var userAgent: String?

    @Flag(name: .long, help: "Print only problems and the totals line.")
    var quiet = false

    static let maxRate = 5.0

    func validate() throws {
        guard !names.isEmpty else { throw ValidationError("name at least one \(kind.rawValue)") }
        for (name, value) in [
            ("--posts", posts), ("--comments", comments), ("--followers", followers), ("--following", following),
        ]
        where value < 0 {
            throw ValidationError("\(name) must be 0 or more")
        }
        if kind != .user && (followers > 0 || following > 0) {
            throw ValidationError("--followers and --following apply to user targets")
        }
        if kind == .video && posts > 0 { throw ValidationError("--posts does not apply to video targets") }
        if replies && comments == 0 { throw ValidationError("--replies needs --comments N (replies per comment)") }
        guard rate.isFinite, rate > 0, rate <= Self.maxRate else {
            throw ValidationError("--rate must be above 0 and at most \(Int(Self.maxRate)) requests per second")
        }
        guard timeout.isFinite, timeout > 0, timeout <= 600 else {
            throw ValidationError("--timeout must be between 0 and 600 seconds")
        }
        guard BaseURL(baseURL) != nil else {
            throw ValidationError("--base-url must look like https://host[:port][/prefix], got '\(baseURL)'")
        }
        if let signer, signer.allSatisfy({ $0 == " " || $0 == "\t" }) { throw ValidationError("--signer is empty") }
        guard !har.isEmpty else { throw ValidationError("--har needs a file name") }
        _ = try targets()
    }

    private func targets() throws -> [ScrapeTarget] {
        do {
            return try names.map { (name: String) throws(ScrapeError) -> ScrapeTarget in
                try ScrapeTarget.parse(kind: kind.targetKind, name)
            }
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let targets = try targets()
        try StoreAccess.refuseOverwriting(
            outputs: [("--har", har)],
            protected: [("the store", storeOptions.path)] + (cookies.map { [("the cookie file", $0)] } ?? []))
        guard let base = BaseURL(baseURL) else { throw ExitCode(Exit.usage) }
        var configuration = ScrapeConfiguration(baseURL: base)
        configuration.limits = ScrapeLimits(
            posts: posts, comments: comments, replies: replies, followers: followers, following: following)
        configuration.requestsPerSecond = rate
        configuration.timeout = timeout
        configuration.userAgent = userAgent ?? ScrapeConfiguration.defaultUserAgent
        configuration.signer = signer.map { Signer(command: $0) }

        if let cookies {
            do {
                let file = try CookieJar.readNetscapeFile(cookies)
                for problem in file.problems {
                    Console.error("whichtok: warning: \(Console.printable(cookies)): \(problem) (line skipped)")
                }
                configuration.cookies = file.cookies
                let now = Int(time(nil))
                let usable = CookieJar(file.cookies).cookies(
                    host: base.host, path: "/", secure: base.isSecure, now: now)
                if usable.isEmpty {
                    Console.error(
                        "whichtok: warning: \(Console.printable(cookies)): no unexpired cookie for \(base.host)")
                } else if !quiet {
                    Console.error(
                        "read \(file.cookies.count) cookies from \(Console.printable(cookies)), \(usable.count) for \(base.host)"
                    )
                }
            } catch {
                Console.error("whichtok: error: \(Console.printable(error.description))")
                throw ExitCode(Exit.noInput)
            }
        }
        if importAfter {
            // A damaged store is reported before any request is made.
            do {
                _ = try Store.loadOrEmpty(from: storeOptions.path)
            } catch {
                Console.error("whichtok: error: \(Console.printable(error.description))")
                Console.error("whichtok: nothing was scraped")
                throw ExitCode(Exit.failure)
            }
        } else if storeOptions.store != nil || lockOptions.noWait {
            Console.error("whichtok: warning: --store and --no-wait are used only with --import")
        }
        let needsAPI = posts > 0 || comments > 0 || followers > 0 || following > 0 || kind == .hashtag || kind == .sound
        if needsAPI && signer == nil {
            Console.error(
                "whichtok: warning: no --signer: API requests (\(Endpoint.signedList)) go out unsigned, "
                    + "and TikTok usually answers them with an empty body")
        }

        let writer: HARWriter
        do {
            writer = try HARWriter(
                path: har, overwrite: overwrite, creatorVersion: whichtokVersion,
                comment: harComment(targets, base: base))
        } catch {
            Console.error("whichtok: error: \(Console.printable(error.description))")
            throw ExitCode(Exit.cannotCreate)
        }
        if keepSecrets {
            writer.keepSecrets = true
            Console.error(
                "whichtok: warning: --keep-secrets: \(Console.printable(har)) will hold your cookies and session "
                    + "tokens (a login): do not share it; 'whichtok redact' removes them")
        }

        let report: ScrapeReport
        do {
            report = try Self.scrapeCatchingInterrupts(configuration, targets, writer: writer, quiet: quiet)
        } catch {
            throw Self.stopped(by: error, har: har, writer: writer)
        }
        writer.close()

        Self.printTargets(
            report.targets.map {
                ($0.outcome.rawValue, "\($0.target)", $0.countsText, $0.messages, $0.outcome == .complete)
            },
            quiet: quiet)
        if let reason = report.stoppedEarly { Console.error("whichtok: stopped: \(reason)") }
        let complete = report.targets.filter { $0.outcome == .complete }.count
        Console.out(
            "total: \(plural(report.targets.count, "target")) (\(complete) complete), \(plural(report.entries, "request")) recorded in "
                + "\(Console.printable(har))" + (report.interrupted ? " (interrupted; the file is complete)" : ""))

        if report.interrupted {
            if importAfter { Self.sayNotImported(har, store: storeOptions.path) }
            throw ExitCode(130)
        }
        if importAfter && report.entries > 0 {
            try Self.importHAR(har, store: storeOptions.path, quiet: quiet, noWait: lockOptions.noWait)
        }
        if !report.allComplete { throw ExitCode(Exit.dataError) }
    }

    /// `log.comment`: what was asked for, without the signer command or the cookie file (they may
    /// hold secrets).
    private func harComment(_ targets: [ScrapeTarget], base: BaseURL) -> String {
        var parts = ["whichtok scrape " + targets.map(\.description).joined(separator: " ")]
        var limits: [String] = []
        if posts > 0 { limits.append("posts \(posts)") }
        if comments > 0 { limits.append("comments \(comments)" + (replies ? " with replies" : "")) }
        if followers > 0 { limits.append("followers \(followers)") }
        if following > 0 { limits.append("following \(following)") }
        if !limits.isEmpty { parts.append(limits.joined(separator: ", ")) }
        parts.append("base \(base)")
        parts.append("rate \(rate)/s")
        parts.append(signer == nil ? "unsigned" : "signed by --signer")
        return parts.joined(separator: "; ")
    }

    /// Runs the scraper with SIGINT and SIGTERM turned into a cancellation; afterwards they act as
    /// usual again (during `--import`, for one).
    private static func scrapeCatchingInterrupts(
        _ configuration: ScrapeConfiguration, _ targets: [ScrapeTarget], writer: HARWriter, quiet: Bool
    ) throws(ScrapeError) -> ScrapeReport {
        let cancellation = Cancellation()
        let interrupts = catchInterrupts(cancellation)
        defer {
            for source in interrupts { source.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        let scraper = Scraper(configuration: configuration, har: writer, cancellation: cancellation) { line in
            if !quiet { Console.error(Console.printable(line)) }
        }
        return try scraper.run(targets)
    }

    /// SIGINT and SIGTERM cancel the run (the HAR stays complete); a second one ends the process.
    /// A run the HAR writer stopped (the disk is full, the file went away): closes the HAR, says how
    /// many entries it holds, and gives the exit code to throw.
    static func stopped(by error: ScrapeError, har: String, writer: HARWriter) -> ExitCode {
        writer.close()
        Console.error("whichtok: error: \(Console.printable(error.description))")
        Console.error("whichtok: \(Console.printable(har)) holds the \(writer.entryCount) entries written before")
        return ExitCode(Exit.cannotCreate)
    }

    /// One line per target (`outcome  target (counts): messages`) on standard output; with `--quiet`
    /// only the incomplete ones, on standard error.
    static func printTargets(
        _ targets: [(outcome: String, target: String, counts: String, messages: [String], complete: Bool)], quiet: Bool
    ) {
        for target in targets {
            let line =
                "\(target.outcome)  \(target.target) (\(target.counts))"
                + (target.messages.isEmpty ? "" : ": " + target.messages.joined(separator: "; "))
            if !quiet {
                Console.out(Console.printable(line))
            } else if !target.complete {
                Console.error(Console.printable(line))
            }
        }
    }

    /// `--import`: imports the finished HAR into the store as `whichtok import` would. When the
    /// store is locked (exit 75), says how to import the HAR later. With `toleratingUnread`, entries
    /// the importer does not read (exit 65) leave the run successful: the importer has said which.
    static func importHAR(_ har: String, store: String, quiet: Bool, noWait: Bool, toleratingUnread: Bool = false)
        throws
    {
        let importer = try ImportCommand.parse(
            ["--store=" + store] + (quiet ? ["--quiet"] : []) + (noWait ? ["--no-wait"] : []) + ["--", har])
        do {
            try importer.run()
        } catch let exit as ExitCode where exit.rawValue == Exit.temporaryFailure {
            Console.error(
                "whichtok: \(Console.printable(har)) is complete; to import it later: whichtok import --store "
                    + "\(Console.printable(store)) \(Console.printable(har))")
            throw exit
        } catch let exit as ExitCode where toleratingUnread && exit.rawValue == Exit.dataError {
            Console.error("whichtok: some entries of \(Console.printable(har)) were not imported (see above)")
        }
    }

    /// After an interruption with `--import`: the HAR is complete but was not imported.
    static func sayNotImported(_ har: String, store: String) {
        Console.error(
            "whichtok: not imported (interrupted); to import: whichtok import --store \(Console.printable(store)) "
                + Console.printable(har))
    }

    static func catchInterrupts(_ cancellation: Cancellation) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Console.error(
                    "\nwhichtok: interrupted: closing the HAR after the request in flight (again to quit at once)")
                cancellation.cancel()
                signal(SIGINT, SIG_DFL)
                signal(SIGTERM, SIG_DFL)
            }
            source.resume()
            return source
        }
    }
}

func plural(_ count: Int, _ noun: String) -> String {
    "\(grouped(count)) \(noun)" + (count == 1 ? "" : "s")
}

/// The version written into HAR files (`log.creator.version`).
let whichtokVersion = "0.1"
