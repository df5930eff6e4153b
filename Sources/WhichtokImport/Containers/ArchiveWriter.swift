import Foundation

public enum ArchiveWriteFormat: Sendable {
    case zip, tar, tarGzip
    /// A single compressed file: exactly one entry, whose path is not stored.
    case gzip
}

/// Writes archives deterministically, for fixtures and the synthetic-data generator: every entry
/// gets mtime 2024-01-01T00:00:00Z, mode 0644, owner 0:0, in the order given, so the same entries
/// always give byte-identical output (with the same libarchive and zlib).
public enum ArchiveWriter {
    /// Writes the archive to `path`, creating its parent folders. The archive is written to a
    /// temporary file beside `path` and renamed over it at the end, so readers never see half a file.
    public static func write(_ entries: [(path: String, bytes: [UInt8])], format: ArchiveWriteFormat, to path: String)
        throws
    {
        try check(entries, format: format, output: path)
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ArchiveWriteError(output: path, message: "cannot create folder \(folder.path)")
        }
        let temporary = folder.appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(UInt64.random(in: 0...UInt64.max))"
        ).path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ArchiveWriteError(
                output: path, message: "cannot create temporary file: " + String(cString: strerror(errno)))
        }
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            defer { close(descriptor) }
            if format == .zip {
                // Zip time stamps need fixing up after the fact (see `fixZipTimes`): build in memory.
                let bytes = try data(entries, format: .zip)
                let sink = ArchiveSink(descriptor: descriptor)
                let written = bytes.withUnsafeBytes { sink.writeAll($0) }
                guard written else {
                    throw ArchiveWriteError(output: path, message: sink.ioError ?? "write error")
                }
            } else {
                try emit(entries, format: format, sink: ArchiveSink(descriptor: descriptor), output: path)
            }
        }
        guard rename(temporary, path) == 0 else {
            throw ArchiveWriteError(
                output: path, message: "cannot rename temporary file: " + String(cString: strerror(errno)))
        }
        renamed = true
    }

    /// Same, into memory (for tests and nested archives).
    public static func data(_ entries: [(path: String, bytes: [UInt8])], format: ArchiveWriteFormat) throws -> [UInt8] {
        try check(entries, format: format, output: "memory")
        let sink = ArchiveSink()
        try emit(entries, format: format, sink: sink, output: "memory")
        guard format == .zip else { return sink.bytes }
        var zip = sink.bytes
        guard fixZipTimes(&zip) else {
            throw ArchiveWriteError(output: "memory", message: "internal error: unexpected zip layout")
        }
        return zip
    }

    /// libarchive writes a zip entry's MS-DOS time and date in the machine's local time zone, which
    /// would make the bytes depend on where they were written. This sets them, in every local and
    /// central header, to the fixed mtime in UTC (2024-01-01 00:00:00). The UTC "UT" extra field
    /// already holds the fixed mtime. False if the layout is not the simple one libarchive writes.
    static func fixZipTimes(_ zip: inout [UInt8]) -> Bool {
        let dosTime: UInt16 = 0
        let dosDate: UInt16 = UInt16((2024 - 1980) << 9 | 1 << 5 | 1)
        func u16(_ at: Int) -> Int { Int(zip[at]) | Int(zip[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        func put16(_ value: UInt16, _ at: Int) {
            zip[at] = UInt8(truncatingIfNeeded: value)
            zip[at + 1] = UInt8(truncatingIfNeeded: value >> 8)
        }
        func isSignature(_ at: Int, _ third: UInt8, _ fourth: UInt8) -> Bool {
            at >= 0 && at + 4 <= zip.count && zip[at] == 0x50 && zip[at + 1] == 0x4B && zip[at + 2] == third
                && zip[at + 3] == fourth
        }
        // No archive comment is written, so the end record is the last 22 bytes.
        let end = zip.count - 22
        guard isSignature(end, 5, 6) else { return false }
        let count = u16(end + 10)
        var at = u32(end + 16)
        for _ in 0..<count {
            guard isSignature(at, 1, 2), at + 46 <= zip.count else { return false }
            put16(dosTime, at + 12)
            put16(dosDate, at + 14)
            let local = u32(at + 42)
            guard isSignature(local, 3, 4), local + 30 <= zip.count else { return false }
            put16(dosTime, local + 10)
            put16(dosDate, local + 12)
            at += 46 + u16(at + 28) + u16(at + 30) + u16(at + 32)
        }
        return true
    }

    private static func check(_ entries: [(path: String, bytes: [UInt8])], format: ArchiveWriteFormat, output: String)
        throws
    {
        if format == .gzip && entries.count != 1 {
            throw ArchiveWriteError(output: output, message: "gzip holds exactly one entry, not \(entries.count)")
        }
        for entry in entries where entry.path.isEmpty || entry.path.utf8.contains(0) {
            throw ArchiveWriteError(output: output, entry: Names.display(entry.path), message: "invalid entry path")
        }
    }

    private static func emit(
        _ entries: [(path: String, bytes: [UInt8])], format: ArchiveWriteFormat, sink: ArchiveSink, output: String
    ) throws {
        let kind: ArchiveWriteKind
        switch format {
        case .zip: kind = .zip
        case .tar: kind = .tar
        case .tarGzip: kind = .tarGzip
        case .gzip: kind = .gzip
        }
        let archive: ArchiveWriteHandle
        do {
            archive = try ArchiveWriteHandle(kind: kind, sink: sink)
        } catch {
            throw ArchiveWriteError(output: output, message: error.message)
        }
        for entry in entries {
            do {
                try archive.add(path: entry.path, bytes: entry.bytes)
            } catch {
                throw ArchiveWriteError(output: output, entry: Names.display(entry.path), message: error.message)
            }
        }
        do {
            try archive.finish()
        } catch {
            throw ArchiveWriteError(output: output, message: error.message)
        }
    }
}
