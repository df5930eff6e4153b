#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Bytes of memory that all inputs read at once may hold together (`--max-memory`).
///
/// Every buffer that grows with what an input decompresses takes its bytes from here before it is
/// allocated and gives them back when it is freed: the buffer an entry is read into, and the copy
/// of an archive found inside another, kept until it is read in its turn. One budget is shared by
/// all reading threads, so the memory an import can be made to use depends on the budget alone,
/// never on `--jobs`.
///
/// A reader that asks for more than is free waits for the others to give bytes back; one that asks
/// for more than it could ever hold, were it alone, is refused at once (`MemoryShortage.never`).
/// When every reader at work is waiting, none would ever go on: the one that notices gives up
/// (`MemoryShortage.busy`) and its input is read again later, alone. A reader that may not wait
/// (a single reader, or one already running alone) is refused whenever its bytes are not free.
///
/// The work space of a JSON document's parse is taken too, before the document is parsed
/// (`InputReader.parseWorkspace`): simdjson's DOM can take about 12 bytes per byte of it, far more
/// than the document. So is a HAR's parse (`WebCaptureReader.readHAR`): its On-Demand walk asks
/// for what it touches before it touches it (`HARScanner.scan`: the structural index, for the
/// structurals simdjson's stage 1 will find, counted in one pass before it runs, then the
/// string buffer and the entry list as they grow), the list of bodies to read is taken before it
/// is made, and each run of bodies holds its largest body's parse (`InputReader.documentWorkspace`)
/// while it reads. Left out: fixed per-thread buffers (libarchive's, the 1 MiB read chunk, a zip
/// under 1 MiB read whole, the walk's nesting stack), and files mapped from disk, whose pages the
/// kernel can drop and read again (their parse is counted).
final class MemoryBudget: @unchecked Sendable {
    /// The most all holders may have at once, in bytes.
    let limit: Int
    private var used = 0
    /// The most that was ever held at once (for tests and measurements).
    private var highWater = 0
    /// Readers between `begin()` and `end()`, and how many of them are waiting for bytes.
    private var active = 0
    private var waiting = 0
    private var mutex = pthread_mutex_t()
    private var freed = pthread_cond_t()

    init(limit: Int) {
        self.limit = max(limit, 0)
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&freed, nil)
    }

    deinit {
        pthread_cond_destroy(&freed)
        pthread_mutex_destroy(&mutex)
    }

    /// The most that was held at once so far.
    var peak: Int { locked { highWater } }

    /// Bytes held now.
    var inUse: Int { locked { used } }

    /// Readers waiting for bytes now.
    var waitingReaders: Int { locked { waiting } }

    private func locked<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }

    fileprivate func begin() {
        locked { active += 1 }
    }

    fileprivate func end() {
        locked {
            active -= 1
            // A reader fewer: the ones left may all be waiting now, and one of them must see it.
            pthread_cond_broadcast(&freed)
        }
    }

    /// Takes `count` bytes for a reader that holds `held` bytes already (plus `kept` it cannot give
    /// back while it reads), waiting for them when `mayWait` and others could give them back.
    fileprivate func take(_ count: Int, held: Int, kept: Int, mayWait: Bool) throws(MemoryShortage) {
        let (alone, overflow) = count.addingReportingOverflow(held + kept)
        guard !overflow, alone <= limit else { throw .never }
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while used > limit - count {
            guard mayWait else { throw .never }
            // Every other reader is waiting too: nobody would ever give bytes back.
            guard waiting + 1 < active else { throw .busy }
            waiting += 1
            pthread_cond_wait(&freed, &mutex)
            waiting -= 1
        }
        used += count
        highWater = max(highWater, used)
    }

    /// Gives back `count` bytes taken before.
    fileprivate func give(_ count: Int) {
        guard count > 0 else { return }
        locked {
            used -= count
            pthread_cond_broadcast(&freed)
        }
    }
}

/// Why a reader did not get the memory it asked for.
enum MemoryShortage: Error {
    /// More than the whole budget could give this reader, even with no other reader at work.
    case never
    /// Every reader at work waits for memory the others hold: this one gives up its input, which
    /// is read again once the others are done.
    case busy
}

/// The share of a `MemoryBudget` that one reading of one input holds, all given back by `end()`.
final class MemoryLease {
    let budget: MemoryBudget
    /// Whether a shortage may be waited out (false: a shortage refuses the input at once).
    let mayWait: Bool
    /// Bytes taken and not given back or handed on.
    private(set) var held = 0
    /// Bytes handed on to pins made during this reading (archives found inside, kept for later):
    /// this reading cannot give them back, so they count against what it could hold alone.
    private(set) var pinned = 0
    private var isOpen = true

    init(budget: MemoryBudget, mayWait: Bool) {
        self.budget = budget
        self.mayWait = mayWait
        budget.begin()
    }

    deinit { end() }

    /// The most this reading could ever hold, were it alone.
    var mostItCouldHold: Int { budget.limit - pinned }

    func take(_ count: Int) throws(MemoryShortage) {
        guard count > 0 else { return }
        try budget.take(count, held: held, kept: pinned, mayWait: mayWait)
        held += count
    }

    /// `take(_:)` when the bytes are free now, without waiting; false (nothing taken) otherwise.
    func takeIfFree(_ count: Int) -> Bool {
        guard count > 0 else { return true }
        do throws(MemoryShortage) {
            try budget.take(count, held: held, kept: pinned, mayWait: false)
        } catch {
            return false
        }
        held += count
        return true
    }

    func give(_ count: Int) {
        let amount = min(max(count, 0), held)
        held -= amount
        budget.give(amount)
    }

    /// Hands `count` bytes of what this reading holds to a pin that outlives it.
    func pin(_ count: Int) -> MemoryPin {
        let amount = min(max(count, 0), held)
        held -= amount
        pinned += amount
        return MemoryPin(budget: budget, count: amount)
    }

    /// Gives back everything still held and leaves the budget's readers.
    func end() {
        guard isOpen else { return }
        isOpen = false
        give(held)
        budget.end()
    }
}

/// Bytes of a `MemoryBudget` held for as long as this object lives: the copy of an archive found
/// inside another, which goes with the nested input until it has been read and dropped.
final class MemoryPin: @unchecked Sendable {
    private let budget: MemoryBudget
    let count: Int

    fileprivate init(budget: MemoryBudget, count: Int) {
        self.budget = budget
        self.count = count
    }

    deinit { budget.give(count) }
}

extension ImportLimits {
    /// The smallest `maxMemoryBytes` accepted on the command line: 16 MiB.
    public static let minimumMemoryBytes = 16 << 20

    /// The largest default for `maxMemoryBytes`: 4 GiB (a JSON document's parse counts about 13
    /// times its size, so that a 300 MB `user_data.json` still fits).
    public static let maximumDefaultMemoryBytes = 4 << 30

    /// A quarter of the memory this process may use (physical memory, or the cgroup's limit when
    /// that is lower, as in a container), and at most 4 GiB, whatever the machine's size. A real
    /// export needing more is rejected with a message naming `--max-memory`. Never below
    /// `minimumMemoryBytes`.
    public static let defaultMaxMemoryBytes: Int = {
        var total: Int?
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0, pageSize > 0 {
            let (bytes, overflow) = Int(pages).multipliedReportingOverflow(by: Int(pageSize))
            total = overflow ? Int.max : bytes
        }
        if let cgroup = cgroupMemoryLimit(), cgroup < total ?? Int.max { total = cgroup }
        guard let total else { return maximumDefaultMemoryBytes }
        return max(min(total / 4, maximumDefaultMemoryBytes), minimumMemoryBytes)
    }()

    /// The memory limit of this process's cgroup (v2 `memory.max`, else v1), when one is set.
    private static func cgroupMemoryLimit() -> Int? {
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            guard let file = fopen(path, "r") else { continue }
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 64)
            guard fgets(&line, Int32(line.count), file) != nil else { continue }
            let digits = line.prefix { $0 >= 0x30 && $0 <= 0x39 }.map { UInt8(bitPattern: $0) }
            // "max" (v2) means no limit; v1 writes a huge number instead.
            if let value = Int(String(decoding: digits, as: UTF8.self)), value > 0, value < Int.max / 2 {
                return value
            }
        }
        return nil
    }
}
