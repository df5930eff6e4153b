import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Whether the system was asked for huge pages for a piece of memory: the `hg` flag of the
/// mapping that holds it (`madvise(MADV_HUGEPAGE)`), as `/proc/self/smaps` shows it. Linux only.
public enum HugePages {
    /// Whether this system has transparent huge pages to ask for (not when they are off, `never`).
    public static var available: Bool {
        guard let mode = try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8)
        else { return false }
        return !mode.contains("[never]") && FileManager.default.isReadableFile(atPath: "/proc/self/smaps")
    }

    /// Whether the huge-page advice covers `buffer`'s first 2 MiB-aligned address (the advice is
    /// for the aligned part of a buffer only); nil when the buffer holds no such address or no
    /// mapping of `/proc/self/smaps` holds it.
    public static func advised(_ buffer: UnsafeRawBufferPointer) -> Bool? {
        guard let base = buffer.baseAddress else { return nil }
        let huge = UInt(2 << 20)
        let start = UInt(bitPattern: base)
        let aligned = (start + huge - 1) & ~(huge - 1)
        guard aligned < start + UInt(buffer.count) else { return nil }
        return advised(address: aligned)
    }

    private static func advised(address target: UInt) -> Bool? {
        // Read line by line: a /proc file states no size, and Foundation reads such a file as empty.
        guard let smaps = lines(of: "/proc/self/smaps") else { return nil }
        var inside = false
        for line in smaps {
            // A mapping's first line: `start-end perms offset device inode [path]`.
            if let dash = line.firstIndex(of: "-"), let space = line.firstIndex(of: " "), dash < space,
                let start = UInt(line[..<dash], radix: 16),
                let end = UInt(line[line.index(after: dash)..<space], radix: 16)
            {
                inside = start <= target && target < end
            } else if inside, line.hasPrefix("VmFlags:") {
                return line.split(separator: " ").contains("hg")
            }
        }
        return nil
    }

    private static func lines(of path: String) -> [Substring]? {
        #if canImport(Glibc)
            guard let file = fopen(path, "r") else { return nil }
            defer { fclose(file) }
            var lines: [Substring] = []
            var line: UnsafeMutablePointer<CChar>?
            var capacity = 0
            defer { free(line) }
            while getline(&line, &capacity, file) > 0, let line {
                lines.append(Substring(String(cString: line).dropLast()))
            }
            return lines
        #else
            return nil
        #endif
    }
}
