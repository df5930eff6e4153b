import ArgumentParser
import Synchronization
import WhichtokStore
import WhichtokSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Exit codes shared by all commands (sysexits.h).
enum Exit {
    static let ok: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let cannotCreate: Int32 = 73
    /// EX_TEMPFAIL: the store is locked by another whichtok and `--no-wait` was given.
    static let temporaryFailure: Int32 = 75
}

/// `--store PATH`, shared by every command that reads or writes the store.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The store file (default: $WHICHTOK_STORE, else ./whichtok.store).", valueName: "path"))
    var store: String?

    var path: String {
        if let store { return store }
        if let value = getenv("WHICHTOK_STORE"), let text = String(validatingCString: value), !text.isEmpty {
            return text
        }
        return "whichtok.store"
    }
}

/// `--no-wait`, for the commands that write the store.
struct LockOptions: ParsableArguments {
    @Flag(
        name: .long,
        help: "When another whichtok is writing the store, exit 75 at once instead of waiting for it.")
    var noWait = false
}

/// Taking the store's lock on behalf of a command: the message while waiting, and the exit status
/// when the lock cannot be had.
enum StoreAccess {
    /// Locks the store for writing. Prints `waiting for another whichtok using STORE…` to stderr
    /// before waiting; exits 75 when the lock is busy and `noWait` is set, 73 when the lock file
    /// cannot be created or locked.
    static func lock(_ path: String, noWait: Bool) throws -> StoreLock {
        do {
            return try StoreLock(storePath: path, wait: !noWait) {
                Console.error("waiting for another whichtok using \(Console.printable(path))…")
            }
        } catch {
            Console.error("whichtok: error: \(Console.printable(error.description))")
            if error.code == .busy {
                Console.error("whichtok: not waiting (--no-wait); nothing was changed")
                throw ExitCode(Exit.temporaryFailure)
            }
            throw ExitCode(Exit.cannotCreate)
        }
    }

    /// Exits 64 when an output path names the store or an input of the command (compared as files:
    /// device and inode, else canonical paths), before anything is written.
    ///
    /// - Parameters:
    ///   - outputs: what the command would write, with the option that names it (for the message).
    ///   - protected: files that must not be overwritten: the store, the inputs being read.
    static func refuseOverwriting(
        outputs: [(option: String, path: String)], protected: [(what: String, path: String)]
    ) throws {
        for output in outputs {
            for file in protected where StoreFile.isSameFile(output.path, file.path) {
                Console.error(
                    "whichtok: error: \(output.option) \(Console.printable(output.path)) is \(file.what) "
                        + "\(Console.printable(file.path)); refusing to overwrite it (nothing was written)")
                throw ExitCode(Exit.usage)
            }
        }
    }
}

/// SIGINT and SIGTERM during a save: recorded instead of ending the process, so the save can stop
/// before its rename and remove its temporary file (or finish, when the signal comes too late to
/// stop it). A plain `signal(2)` handler storing into an atomic is async-signal-safe and needs no
/// thread; the previous handlers are put back afterwards.
enum SaveInterrupts {
    /// The signal caught during the current save, 0 for none.
    private static let caught = Atomic<Int32>(0)

    /// Runs `body` with SIGINT and SIGTERM recorded; `body` gets a `shouldStop` test for
    /// `Store.save(to:shouldStop:)`. Returns the signal caught (0 for none) with `body`'s result.
    static func catching<T>(_ body: (_ shouldStop: () -> Bool) throws -> T) rethrows -> (result: T, signal: Int32) {
        // Touched here first, so the handler never runs the lazy initialisation of the static.
        caught.store(0, ordering: .relaxed)
        let handler: @convention(c) (Int32) -> Void = { number in
            SaveInterrupts.caught.store(number, ordering: .relaxed)
        }
        let previousInterrupt = signal(SIGINT, handler)
        let previousTerminate = signal(SIGTERM, handler)
        // A signal the process was started ignoring (SIGINT of a background job) stays ignored.
        if isIgnore(previousInterrupt) { signal(SIGINT, previousInterrupt) }
        if isIgnore(previousTerminate) { signal(SIGTERM, previousTerminate) }
        defer {
            signal(SIGINT, previousInterrupt)
            signal(SIGTERM, previousTerminate)
        }
        let result = try body { caught.load(ordering: .relaxed) != 0 }
        return (result, caught.load(ordering: .relaxed))
    }

    /// The signal caught during the last save (0 for none); kept after `catching` returns or throws.
    static var lastSignal: Int32 { caught.load(ordering: .relaxed) }

    private static func isIgnore(_ handler: __sighandler_t?) -> Bool {
        unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }
}

/// Writes to stderr without buffering surprises.
enum Console {
    static func error(_ text: String) {
        write(2, text + "\n")
    }

    static func out(_ text: String) {
        write(1, text + "\n")
    }

    static func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.write(fd, base + done, raw.count - done)
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            done += n
        }
    }

    /// Whether stderr is an interactive terminal that can redraw a line.
    static var stderrIsTerminal: Bool {
        guard isatty(2) != 0 else { return false }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
        return true
    }

    /// Makes text from input files safe to print (`TerminalText.escaped`): control characters,
    /// bidirectional controls and line separators become `\u{..}` escapes.
    static func printable(_ text: String) -> String {
        TerminalText.escaped(text)
    }
}

/// Thousands separators for counts in reports.
func grouped(_ value: Int) -> String {
    DecimalText.grouped(value)
}
