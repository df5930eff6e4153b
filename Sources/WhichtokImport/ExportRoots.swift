import WhichtokStore

/// The entries of one input, routed to the export they belong to, and finished into one outcome
/// per export root.
///
/// Collections of donations are often zipped together (`alice/user_data_tiktok.json`,
/// `bob/Tiktok/Activity/…`): each export root (`TikTokArchiveReader.exportRoot(of:)`) gets its
/// own archive reader and batch, so every donor has their own owner. Web captures and the first
/// export root share the first batch, as a capture beside one export always did.
///
/// When at most one root holds an export, the result is exactly what one reader over all entries
/// gave: one input named and hashed as the container, the other roots' warnings and unknown names
/// folded into it. When several do, each becomes an input of its own: named
/// `container!root/` (`folder/root` for loose files), identified by the SHA-256 of the
/// container's SHA-256 followed by the root's path, so the identity is the same whatever else
/// is imported with it and importing the container again adds nothing. Roots without an export
/// (a stray JSON file) are folded into the nearest export root above them, else the first.
struct ExportRoots {
    /// One export root: its readers, its batch, and what it read.
    final class Root {
        /// The root's folder path inside the input; nil until an archive entry claims the first root.
        var key: String?
        var batch: ImportBatch
        var archive: TikTokArchiveReader
        /// Only the first root reads web captures.
        var web: WebCaptureReader?
        var archiveEntries = 0
        var bytes = 0
        /// Data files (`.json`, `.txt`) no reader takes, named in the summary when the root is
        /// recognised.
        var otherFiles = OtherFiles()

        init(key: String?, batch: ImportBatch, archive: TikTokArchiveReader, web: WebCaptureReader?) {
            self.key = key
            self.batch = batch
            self.archive = archive
            self.web = web
        }

        /// Whether the root holds an export or a web capture (checked before the readers finish).
        var holdsExport: Bool { archive.hasExport || web?.recognised == true }

        /// Takes over what an unrecognised root read: its report, entries and bytes.
        func fold(_ other: Root) {
            batch.addReport(of: other.batch)
            archiveEntries += other.archiveEntries
            bytes += other.bytes
            otherFiles.add(other.otherFiles)
        }
    }

    /// Entries no reader takes: the first data files' paths (as many as a summary names), how
    /// many more there were, and the bytes of all. Bounded, whatever an archive holds.
    struct OtherFiles {
        var paths: [String] = []
        var omitted = 0
        var bytes = 0

        mutating func add(path: String, bytes count: Int) {
            bytes += count
            guard Importer.looksLikeData(path) else { return }
            if paths.count < ImportBatch.unknownSectionsKept {
                paths.append(path)
            } else {
                omitted += 1
            }
        }

        mutating func add(_ other: OtherFiles) {
            for path in other.paths {
                if paths.count < ImportBatch.unknownSectionsKept {
                    paths.append(path)
                } else {
                    omitted += 1
                }
            }
            omitted += other.omitted
            bytes += other.bytes
        }
    }

    private let parser: JSONParser
    private var roots: [Root]
    private var rootByKey: [String: Int] = [:]
    /// Entries neither reader takes, by the export root of their folder.
    private var otherFiles: [String: OtherFiles] = [:]
    /// The folders of the last entry read and their export root.
    private var lastExportRoot: (folders: [Substring], root: String)?

    init(inputName: String, parser: JSONParser, bodyParser: JSONParser, bodyThreads: Int) {
        self.parser = parser
        roots = [
            Root(
                key: nil, batch: ImportBatch(inputName: inputName, sha256: []),
                archive: TikTokArchiveReader(parser: parser),
                web: WebCaptureReader(parser: parser, bodyParser: bodyParser, bodyThreads: bodyThreads))
        ]
    }

    /// Reads one entry into the root it belongs to. `memory`: the reading's share of the memory
    /// budget, which a HAR's walk and bodies take from (nil: not counted); its shortages are thrown.
    mutating func read(entryPath: String, bytes: PaddedBytes, memory: MemoryLease? = nil) throws(MemoryShortage) {
        // A `.txt` is never a web capture: most entries of a TXT export skip the capture's checks.
        if !Self.hasTXTSuffix(entryPath),
            let kind = WebCaptureReader.kind(entryPath: entryPath, bytes: bytes, parser: parser)
        {
            let first = roots[0]
            first.bytes += bytes.count
            try first.web?.read(entryPath: entryPath, bytes: bytes, kind: kind, memory: memory, into: &first.batch)
            return
        }
        let name = TikTokArchiveReader.EntryName(entryPath)
        let exportRoot = exportRoot(of: name)
        if name.wanted {
            let root = root(forKey: exportRoot)
            root.bytes += bytes.count
            root.archiveEntries += 1
            root.archive.read(name, bytes: bytes, into: &root.batch)
        } else {
            otherFiles[exportRoot, default: OtherFiles()].add(path: entryPath, bytes: bytes.count)
        }
    }

    /// `name.exportRoot`, kept for the folders of the last entry: the entries of a folder come
    /// one after another, and the export root depends on the folders alone.
    private mutating func exportRoot(of name: TikTokArchiveReader.EntryName) -> String {
        let folders = name.components.dropLast()
        // Compared by their bytes: the root is made of them.
        if let last = lastExportRoot, last.folders.elementsEqual(folders, by: { $0.utf8.elementsEqual($1.utf8) }) {
            return last.root
        }
        let root = name.exportRoot
        lastExportRoot = (Array(folders), root)
        return root
    }

    /// Whether the path ends in `.txt`, in any case (then no suffix of a web capture's, `.json`,
    /// `.har`, …, can end its lowercased form either).
    static func hasTXTSuffix(_ path: String) -> Bool {
        let tail = path.utf8.suffix(4)
        // Letters in either case (`| 0x20`), the dot as it is.
        return tail.count == 4
            && zip(tail, ".txt".utf8).allSatisfy { byte, want in
                want == UInt8(ascii: ".") ? byte == want : byte | 0x20 == want
            }
    }

    private mutating func root(forKey key: String) -> Root {
        if let index = rootByKey[key] { return roots[index] }
        if roots[0].key == nil {
            roots[0].key = key
            rootByKey[key] = 0
            return roots[0]
        }
        let root = Root(
            key: key, batch: ImportBatch(inputName: roots[0].batch.inputName, sha256: []),
            archive: TikTokArchiveReader(parser: parser), web: nil)
        rootByKey[key] = roots.count
        roots.append(root)
        return root
    }

    /// The outcomes of the input, one per export root (see the type's description). `digest` is
    /// the whole input's; its nested archives go with the first outcome.
    func finish(source: InputSource, digest: InputDigest) -> [Importer.Outcome] {
        let exports = roots.filter(\.holdsExport)
        guard exports.count > 1 else {
            let only = exports.first ?? roots[0]
            for root in roots where root !== only { only.fold(root) }
            for key in otherFiles.keys.sorted() { only.otherFiles.add(otherFiles[key] ?? OtherFiles()) }
            return [
                Self.finish(only, sha256: digest.sha256, bytesRead: digest.bytesRead, nested: digest.nested)
            ]
        }
        func home(of key: String) -> Root {
            exports.filter { Self.contains($0.key ?? "", key) }.max { ($0.key ?? "").count < ($1.key ?? "").count }
                ?? exports[0]
        }
        for root in roots where !root.holdsExport { home(of: root.key ?? "").fold(root) }
        for key in otherFiles.keys.sorted() { home(of: key).otherFiles.add(otherFiles[key] ?? OtherFiles()) }
        return exports.enumerated().map { index, root in
            let key = root.key ?? ""
            root.batch.inputName = Self.name(of: source, root: key)
            var hasher = SHA256()
            hasher.update(digest.sha256)
            hasher.update(key.utf8)
            return Self.finish(
                root, sha256: hasher.finalize(), bytesRead: root.bytes + root.otherFiles.bytes,
                nested: index == 0 ? digest.nested : [])
        }
    }

    /// Whether the root at `ancestor` contains the folder `key` (or is it).
    private static func contains(_ ancestor: String, _ key: String) -> Bool {
        ancestor.isEmpty || key == ancestor || key.hasPrefix(ancestor + "/")
    }

    /// `outer.zip!alice/`, `outer.zip!/` for the top; `folder/alice` for loose files.
    static func name(of source: InputSource, root: String) -> String {
        if case .files = source.location {
            return root.isEmpty ? source.displayName : source.displayName + "/" + root
        }
        return source.displayName + "!" + root + "/"
    }

    /// Finishes one root's readers into its batch and summary.
    private static func finish(_ root: Root, sha256: [UInt8], bytesRead: Int, nested: [InputSource])
        -> Importer.Outcome
    {
        let holdsExport = root.holdsExport
        // Moved out, so that adding events below does not copy the columns.
        var batch = root.batch
        root.batch = ImportBatch(inputName: batch.inputName, sha256: [])
        batch.sha256 = sha256
        batch.bytesRead = bytesRead
        let webLayout = root.web?.layout ?? ""
        let webRecognised = root.web?.finish(into: &batch) ?? false
        var recognised = webRecognised
        if root.archiveEntries > 0 || !webRecognised {
            let before = batch.diagnostics.count
            let archiveRecognised = root.archive.finish(into: &batch)
            if archiveRecognised {
                recognised = true
                if webRecognised { batch.layout += "+" + webLayout }
            } else if webRecognised {
                // JSON files beside a capture that are not an export: named below, not an error.
                batch.diagnostics.removeSubrange(before...)
            }
        }
        if webRecognised, root.archiveEntries == 0 || batch.layout.isEmpty {
            batch.layout = webLayout
        }
        if webRecognised, root.archiveEntries == 0,
            ([batch] + batch.parts).allSatisfy({ $0.videos.isEmpty && $0.accounts.isEmpty && $0.comments.isEmpty })
        {
            batch.warn(entry: nil, position: nil, "the capture yielded no TikTok records")
        }
        batch.finishOwner()
        if recognised {
            // Files of a known kind the reader did not understand are named, never dropped silently.
            for path in root.otherFiles.paths { batch.addUnknownSection(path) }
            batch.countUnknownSections(root.otherFiles.omitted)
        }
        let rejected = !recognised || batch.diagnostics.contains { $0.severity == .error }
        // An archive that only wraps other archives is a container, not a failed export.
        if !recognised, !holdsExport, !nested.isEmpty {
            return Importer.Outcome(
                summary: Importer.summary(of: batch, status: .imported, containerOnly: true), batch: nil,
                nested: nested)
        }
        let summary = Importer.summary(of: batch, status: rejected ? .rejected : .imported, containerOnly: false)
        return Importer.Outcome(summary: summary, batch: rejected ? nil : batch, nested: nested)
    }
}
