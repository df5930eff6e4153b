import WhichtokImport
import WhichtokSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

#if canImport(Glibc)
    private let systemWrite = Glibc.write
#elseif canImport(Musl)
    private let systemWrite = Musl.write
#elseif canImport(Darwin)
    private let systemWrite = Darwin.write
#endif

/// File-system output: plain POSIX calls, so donors can be written from several threads.
enum OutputFiles {
    struct Written: Sendable {
        /// The archive file or export folder, relative to the output directory.
        var path: String
        /// Every file written, relative to the output directory.
        var files: [String]
        /// SHA-256 (hex) of the archive as the importer digests it (it names an owner without a
        /// profile after it): the file's bytes, or for a folder its framed files.
        var sha256Hex: String
        var container: SynthContainer
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Creates `path` and its missing parents.
    static func makeDirectory(_ path: String) throws(SynthError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw SynthError(path: prefix, message: "cannot create directory: " + String(cString: strerror(errno)))
            }
            var info = stat()
            guard stat(prefix, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                throw SynthError(path: prefix, message: "not a directory")
            }
            prefix += "/"
        }
    }

    static func write(_ bytes: [UInt8], to path: String) throws(SynthError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SynthError(path: path, message: "cannot create file: " + String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                systemWrite(descriptor, raw.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw SynthError(path: path, message: "cannot write: " + String(cString: strerror(errno)))
            }
            offset += count
        }
    }

    /// Packages one donor's entries. Archives are named `<stem>-<dataName>.zip` / `.tar.gz`;
    /// a folder export is `<stem>/<dataName>/…` (the inner `TikTok_Data_<epoch>` folder is the
    /// export root the importer groups loose TXT files by).
    static func writeArchive(
        _ entries: [(path: String, bytes: [UInt8])], container: SynthContainer, stem: String, dataName: String,
        directory: String
    ) throws(SynthError) -> Written {
        let format: ArchiveWriter.Format
        switch container {
        case .zip: format = .zip
        case .tarGzip: format = .tarGzip
        case .directory:
            return try writeFolder(entries, stem: stem, dataName: dataName, directory: directory)
        }
        let path = stem + "-" + dataName + "." + container.rawValue
        let bytes: [UInt8]
        do {
            bytes = try ArchiveWriter.data(entries, format: format)
        } catch {
            throw SynthError(path: join(directory, path), message: "\(error)")
        }
        try write(bytes, to: join(directory, path))
        return Written(path: path, files: [path], sha256Hex: SHA256.hex(SHA256.hash(bytes)), container: container)
    }

    private static func writeFolder(
        _ entries: [(path: String, bytes: [UInt8])], stem: String, dataName: String, directory: String
    ) throws(SynthError) -> Written {
        let root = stem + "/" + dataName
        var files: [String] = []
        // The importer's digest of a folder export: over its files sorted by path relative to the
        // export root, each framed as `path · 0x00 · length (8 bytes, big-endian) · content`.
        var hasher = SHA256()
        let relativeEntries = entries.map { entry -> (path: String, bytes: [UInt8]) in
            var relative = Substring(entry.path)
            if relative.hasPrefix(dataName + "/") { relative = relative.dropFirst(dataName.count + 1) }
            return (String(relative), entry.bytes)
        }.sorted { utf8Less($0.path, $1.path) }
        for entry in relativeEntries {
            let path = root + "/" + entry.path
            let full = join(directory, path)
            if let slash = full.lastIndex(of: "/") { try makeDirectory(String(full[..<slash])) }
            try write(entry.bytes, to: full)
            hasher.update(Array(entry.path.utf8) + [0])
            hasher.update((0..<8).map { UInt8(truncatingIfNeeded: UInt64(entry.bytes.count) >> (56 - 8 * $0)) })
            hasher.update(entry.bytes)
            files.append(path)
        }
        return Written(path: stem, files: files, sha256Hex: SHA256.hex(hasher.finalize()), container: .directory)
    }
}
