#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Expands command-line paths into inputs, deterministically (sorted by display name, byte-wise).
///
/// - a regular file → one input (`.file`), whatever its name;
/// - a directory → walked recursively (hidden files and folders skipped; symbolic links followed,
///   each real folder visited once, so link loops end): every archive file inside (`.zip`, `.tar`,
///   `.tgz`, `.tar.gz`, `.gz`, `.har.gz`...) is its own input; loose `.json`, `.har`, `.ndjson` files
///   are one input each (a Research API response and its `NAME.request.json` beside it are one
///   input together; a `.csv` only when its header is that of Research API data); loose `.txt`
///   files are grouped into one `.files` input per export root,
///   the nearest folder (at or below the given one) whose name starts with `TikTok_Data_`
///   (case-insensitive), else the folder given on the command line. Other files are ignored, and
///   so are broken symbolic links.
///
/// Throws `.notFound` for a path that does not exist, `.rejected` for one that cannot be read
/// (a folder without permission, a device or FIFO).
public func discoverInputs(_ paths: [String]) throws(InputError) -> [InputSource] {
    var walker = DirectoryWalker()
    for path in paths {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            throw InputError(
                kind: code == ENOENT || code == ENOTDIR ? .notFound : .rejected,
                input: Names.display(path),
                message: code == ENOENT || code == ENOTDIR ? "no such file or directory" : systemMessage(code))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            walker.add(InputSource(displayName: path, location: .file(path)))
        case S_IFDIR:
            try walker.walk(top: DirectoryWalker.trimmed(path))
        default:
            throw InputError(kind: .rejected, input: Names.display(path), message: "not a regular file or directory")
        }
    }
    return walker.finish()
}

private func systemMessage(_ code: Int32) -> String {
    if let text = strerror(code) { return String(cString: text) }
    return "error \(code)"
}

private struct DirectoryWalker {
    private struct FolderID: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    private var inputs: [InputSource] = []
    /// Export root → `.txt` paths relative to it.
    private var textGroups: [String: [String]] = [:]
    private var visited: Set<FolderID> = []

    mutating func add(_ source: InputSource) {
        inputs.append(source)
    }

    /// "dir///" → "dir"; "/" stays.
    static func trimmed(_ path: String) -> String {
        var result = Substring(path)
        while result.count > 1 && result.hasSuffix("/") { result = result.dropLast() }
        return String(result)
    }

    private static func join(_ folder: String, _ name: String) -> String {
        if folder == "." { return name }
        if folder.hasSuffix("/") { return folder + name }
        return folder + "/" + name
    }

    private static func relative(_ path: String, to root: String) -> String {
        if root == "." { return path }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    private static func isExportRoot(_ name: String) -> Bool {
        name.lowercased().hasPrefix("tiktok_data_")
    }

    mutating func walk(top: String) throws(InputError) {
        let root = Self.isExportRoot(Names.baseName(top)) ? top : nil
        try walk(folder: top, top: top, exportRoot: root)
    }

    private mutating func walk(folder: String, top: String, exportRoot: String?) throws(InputError) {
        var info = stat()
        guard stat(folder, &info) == 0 else { return }
        guard visited.insert(FolderID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))).inserted else { return }

        for entry in try Self.list(folder) {
            guard !entry.name.hasPrefix(".") else { continue }
            let path = Self.join(folder, entry.name)
            var child = stat()
            // Follows symbolic links; a broken one is skipped.
            guard stat(path, &child) == 0 else { continue }
            switch child.st_mode & S_IFMT {
            case S_IFDIR:
                let root = Self.isExportRoot(entry.name) ? path : exportRoot
                try walk(folder: path, top: top, exportRoot: root)
            case S_IFREG:
                let lower = entry.name.lowercased()
                let wanted =
                    Names.isArchive(entry.name) || lower.hasSuffix(".json") || lower.hasSuffix(".har")
                    || lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") || lower.hasSuffix(".txt")
                    || (lower.hasSuffix(".csv") && Self.isResearchCSV(path))
                guard wanted else { continue }
                guard entry.isValidUTF8 else {
                    throw InputError(
                        kind: .rejected, input: Names.display(path), message: "file name is not valid UTF-8")
                }
                if lower.hasSuffix(".txt") {
                    let root = exportRoot ?? top
                    textGroups[root, default: []].append(Self.relative(path, to: root))
                } else {
                    inputs.append(InputSource(displayName: path, location: .file(path)))
                }
            default:
                continue
            }
        }
    }

    /// Whether a CSV file's header is that of Research API videos or comments (its first 64 KiB).
    private static func isResearchCSV(_ path: String) -> Bool {
        guard let file = fopen(path, "rb") else { return false }
        defer { fclose(file) }
        var head = [UInt8](repeating: 0, count: 64 << 10)
        let count = fread(&head, 1, head.count, file)
        return head.withUnsafeBytes {
            ResearchCSV.looksLikeResearch(UnsafeRawBufferPointer(rebasing: $0.prefix(count)))
        }
    }

    /// A saved Research API response and its sibling request file (`NAME.request.json` beside
    /// `NAME.json` or `NAME.response.json`) as one input, so that the request can name the
    /// response's subject.
    private static func pairRequests(_ inputs: [InputSource]) -> [InputSource] {
        var byPath: [String: Int] = [:]
        for (index, input) in inputs.enumerated() {
            if case .file(let path) = input.location { byPath[path] = index }
        }
        var paired: Set<Int> = []
        var pairs: [InputSource] = []
        for (path, index) in byPath.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
        where ResearchReader.isRequestFile(path) {
            let stem = String(path.utf8.dropLast(".request.json".utf8.count)) ?? path
            guard
                let response = [stem + ".json", stem + ".response.json", stem + ".JSON"].compactMap({ byPath[$0] })
                    .first(where: { !paired.contains($0) })
            else { continue }
            guard case .file(let responsePath) = inputs[response].location else { continue }
            // The two share their folder: the response's path is the request's without its suffix.
            func split(_ path: String) -> (folder: String, name: String) {
                guard let slash = path.lastIndex(of: "/") else { return (".", path) }
                return (String(path[..<slash]), String(path[path.index(after: slash)...]))
            }
            let folder = split(responsePath).folder
            let names = [split(responsePath).name, split(path).name].sorted {
                $0.utf8.lexicographicallyPrecedes($1.utf8)
            }
            paired.insert(index)
            paired.insert(response)
            pairs.append(
                InputSource(
                    displayName: inputs[response].displayName, location: .files(root: folder, paths: names)))
        }
        return inputs.enumerated().filter { !paired.contains($0.offset) }.map(\.element) + pairs
    }

    private struct ListedName {
        var name: String
        var isValidUTF8: Bool
    }

    private static func list(_ folder: String) throws(InputError) -> [ListedName] {
        guard let stream = opendir(folder) else {
            throw InputError(
                kind: .rejected, input: Names.display(folder), message: "cannot list folder: " + systemMessage(errno))
        }
        defer { closedir(stream) }
        var names: [ListedName] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 {
                    throw InputError(
                        kind: .rejected, input: Names.display(folder),
                        message: "cannot list folder: " + systemMessage(errno))
                }
                break
            }
            let listed: ListedName? = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let bytes = raw.prefix { $0 != 0 }
                guard !bytes.isEmpty else { return nil }
                let strict = String(validating: bytes, as: UTF8.self)
                return ListedName(name: strict ?? String(decoding: bytes, as: UTF8.self), isValidUTF8: strict != nil)
            }
            guard let listed, listed.name != ".", listed.name != ".." else { continue }
            names.append(listed)
        }
        return names.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    func finish() -> [InputSource] {
        var all = Self.pairRequests(inputs)
        for (root, relatives) in textGroups {
            let sorted = relatives.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            all.append(InputSource(displayName: root, location: .files(root: root, paths: sorted)))
        }
        var seen = Set<InputSource>()
        return
            all
            .filter { seen.insert($0).inserted }
            .sorted { $0.displayName.utf8.lexicographicallyPrecedes($1.displayName.utf8) }
    }
}
