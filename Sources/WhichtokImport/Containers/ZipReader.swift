/// The layout of a zip archive held whole in memory (a file read whole or mapped, or an archive found inside
/// another), read from its central directory so that its entries can be inflated by libdeflate
/// straight into the entry buffer (see `InputReader.readZip`).
///
/// Only zips this reader can trust are taken: one disk, the central directory ending exactly where
/// the end record (or the zip64 end record) begins, every central record matched by a local header
/// with the same name and method, stored or deflated entries, no encryption, names in plain UTF-8
/// (no Info-ZIP Unicode path field, no backslash), regular files and folders only. Anything else is `.unsupported` and left to
/// libarchive, which read every zip before and still reads those, so that no zip reads differently
/// for having met this reader. What no valid zip has (an entry whose data runs into the central
/// directory, entries that share bytes: the "overlapping" zip bomb) is `.rejected`.
///
/// Entries come in the order of their local headers in the file, as libarchive's seekable zip
/// reader gives them (its entries are kept in a tree ordered by that offset).
enum ZipDirectory {
    struct Entry {
        /// The name as stored (valid UTF-8).
        var name: String
        /// 0 (stored) or 8 (deflated).
        var method: UInt16
        var crc32: UInt32
        var compressedSize: Int
        /// As the central directory states it: checked against the inflated bytes, never trusted.
        var uncompressedSize: UInt64
        var headerOffset: Int
        var dataOffset: Int
        var isDirectory: Bool

        var dataEnd: Int { dataOffset + compressedSize }
    }

    enum Layout {
        case entries([Entry])
        /// Not for this reader (libarchive reads it); the reason is for tests and debugging.
        case unsupported(String)
        /// Not a valid zip in a way that matters: the reading is refused.
        case rejected(message: String, entry: String?, offset: Int)
    }

    /// Little-endian fields at checked offsets: nil past the end, never a trap.
    struct Fields {
        let bytes: UnsafeRawBufferPointer

        func u16(_ at: Int) -> Int? {
            guard at >= 0, at <= bytes.count - 2 else { return nil }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8
        }

        func u32(_ at: Int) -> UInt32? {
            guard at >= 0, at <= bytes.count - 4 else { return nil }
            return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16
                | UInt32(bytes[at + 3]) << 24
        }

        func u64(_ at: Int) -> UInt64? {
            guard let low = u32(at), let high = u32(at + 4) else { return nil }
            return UInt64(low) | UInt64(high) << 32
        }

        func slice(_ at: Int, _ count: Int) -> UnsafeRawBufferPointer? {
            guard at >= 0, count >= 0, at <= bytes.count, count <= bytes.count - at else { return nil }
            return UnsafeRawBufferPointer(rebasing: bytes[at..<(at + count)])
        }
    }

    static let localSignature: UInt32 = 0x0403_4B50
    static let centralSignature: UInt32 = 0x0201_4B50
    static let endSignature: UInt32 = 0x0605_4B50
    static let zip64EndSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50

    /// True when `bytes` start like a zip (a local header): the only zips this reader takes.
    static func looksLikeZip(_ bytes: UnsafeRawBufferPointer) -> Bool {
        Fields(bytes: bytes).u32(0) == localSignature
    }

    /// Where the central directory is, from the end record (and the zip64 one when there is one).
    private struct Directory {
        var start: Int
        var end: Int
        var count: Int
    }

    private static func findDirectory(_ fields: Fields) -> Directory? {
        let size = fields.bytes.count
        guard size >= 22 else { return nil }
        // The last end-record signature in the tail: the one a reader scanning backwards meets
        // first. If it is not a sound end record, this reader does not guess further.
        var at = size - 22
        let lowest = max(0, size - 22 - 65_535)
        while at >= lowest, fields.u32(at) != endSignature { at -= 1 }
        guard at >= lowest, let disk = fields.u16(at + 4), let directoryDisk = fields.u16(at + 6),
            let onDisk = fields.u16(at + 8), let total = fields.u16(at + 10), let size32 = fields.u32(at + 12),
            let offset32 = fields.u32(at + 16), let commentLength = fields.u16(at + 20),
            at + 22 + commentLength == size
        else { return nil }
        guard disk == 0, directoryDisk == 0, onDisk == total else { return nil }

        // zip64: a locator right before the end record points at the zip64 end record.
        let locator = at - 20
        if locator >= 0, fields.u32(locator) == zip64LocatorSignature {
            guard fields.u32(locator + 4) == 0, let recordOffset = fields.u64(locator + 8),
                let disks = fields.u32(locator + 16), disks <= 1, locator >= 56, recordOffset <= UInt64(locator - 56)
            else { return nil }
            // At least 56 bytes (the record's fixed part) between the record and the locator.
            let record = Int(recordOffset)
            guard fields.u32(record) == zip64EndSignature, let recordSize = fields.u64(record + 4),
                recordSize >= 44, recordSize <= UInt64(locator - record - 12),
                record + 12 + Int(recordSize) == locator,
                fields.u32(record + 16) == 0, fields.u32(record + 20) == 0,
                let onDisk64 = fields.u64(record + 24), let total64 = fields.u64(record + 32), onDisk64 == total64,
                let size64 = fields.u64(record + 40), let offset64 = fields.u64(record + 48),
                size64 <= UInt64(record), offset64 <= UInt64(record), offset64 + size64 == UInt64(record),
                total64 <= size64 / 46
            else { return nil }
            return Directory(start: Int(offset64), end: record, count: Int(total64))
        }
        guard total != 0xFFFF, size32 != 0xFFFF_FFFF, offset32 != 0xFFFF_FFFF,
            UInt64(offset32) + UInt64(size32) == UInt64(at)
        else { return nil }
        return Directory(start: Int(offset32), end: at, count: total)
    }

    /// Reads the layout of `bytes`, a whole zip (see the type's comment for what is taken).
    static func read(_ bytes: UnsafeRawBufferPointer) -> Layout {
        let fields = Fields(bytes: bytes)
        guard looksLikeZip(bytes) else { return .unsupported("no local header at the start") }
        guard let directory = findDirectory(fields) else {
            return .unsupported("no sound end of central directory record")
        }
        guard directory.count > 0 else { return .unsupported("no entries") }

        var entries: [Entry] = []
        entries.reserveCapacity(directory.count)
        var at = directory.start
        var disagreement: String?
        for _ in 0..<directory.count {
            guard fields.u32(at) == centralSignature, let madeBy = fields.u16(at + 4),
                let flags = fields.u16(at + 8), let method = fields.u16(at + 10), let crc = fields.u32(at + 16),
                let compressed32 = fields.u32(at + 20), let uncompressed32 = fields.u32(at + 24),
                let nameLength = fields.u16(at + 28), let extraLength = fields.u16(at + 30),
                let commentLength = fields.u16(at + 32), let startDisk = fields.u16(at + 34),
                let external = fields.u32(at + 38), let offset32 = fields.u32(at + 42),
                let name = fields.slice(at + 46, nameLength),
                let extra = fields.slice(at + 46 + nameLength, extraLength)
            else { return .unsupported("central directory record \(entries.count + 1) is cut short or missing") }
            let next = at + 46 + nameLength + extraLength + commentLength
            guard next <= directory.end else { return .unsupported("central directory runs past its end") }
            at = next

            // Encrypted (traditional or strong) entries and encrypted directories: libarchive's.
            guard flags & 0x2041 == 0 else { return .unsupported("encryption") }
            guard method == 0 || method == 8 else { return .unsupported("compression method \(method)") }
            guard nameLength > 0, !name.contains(0) else { return .unsupported("empty name or NUL in a name") }
            // Names libarchive might spell otherwise: invalid UTF-8 (which it may drop or convert by
            // the locale) and backslashes (Windows tools' separators).
            guard !name.contains(UInt8(ascii: "\\")), decode(name).utf8.elementsEqual(name) else {
                return .unsupported("a name that is not plain UTF-8")
            }

            // zip64: the fields that say 0xFFFFFFFF (0xFFFF for the disk) are in the extra field, in order.
            var uncompressed = UInt64(uncompressed32)
            var compressed = UInt64(compressed32)
            var offset = UInt64(offset32)
            var disk = UInt64(startDisk)
            let wide =
                uncompressed32 == 0xFFFF_FFFF || compressed32 == 0xFFFF_FFFF || offset32 == 0xFFFF_FFFF
                || startDisk == 0xFFFF
            var sawZip64 = false
            var unsupported: String?
            walkExtra(extra) { id, data in
                if id == 0x7075 { unsupported = "Info-ZIP Unicode path field" }
                guard id == 0x0001, wide, !sawZip64 else { return }
                sawZip64 = true
                let values = Fields(bytes: data)
                var cursor = 0
                func take(_ value: inout UInt64, _ replace: Bool, width: Int = 8) {
                    guard replace else { return }
                    let read = width == 8 ? values.u64(cursor) : values.u32(cursor).map(UInt64.init)
                    if let read { value = read } else { unsupported = "zip64 field cut short" }
                    cursor += width
                }
                take(&uncompressed, uncompressed32 == 0xFFFF_FFFF)
                take(&compressed, compressed32 == 0xFFFF_FFFF)
                take(&offset, offset32 == 0xFFFF_FFFF)
                take(&disk, startDisk == 0xFFFF, width: 4)
            }
            if let unsupported { return .unsupported(unsupported) }
            guard !wide || sawZip64 else { return .unsupported("zip64 sizes without a zip64 field") }
            guard disk == 0 else { return .unsupported("multi-disk") }

            // The entry's kind, as libarchive works it out: the mode from a Unix "made by", the
            // MS-DOS folder bit, and a trailing '/' making any entry a folder.
            var type: UInt32 = 0
            switch madeBy >> 8 {
            case 3: type = (external >> 16) & 0o170000
            case 0: type = external & 0x10 != 0 ? 0o040000 : 0o100000
            default: type = 0
            }
            let isDirectory = name.last == UInt8(ascii: "/") || type == 0o040000
            guard isDirectory || type == 0 || type == 0o100000 else { return .unsupported("symlink or special file") }

            // The data must lie in the file, before the central directory.
            guard offset <= UInt64(directory.start), compressed <= UInt64(directory.start) else {
                return .rejected(
                    message: "corrupt archive: the entry's data lies outside the archive", entry: decode(name),
                    offset: Int(min(offset, UInt64(Int.max))))
            }
            let headerOffset = Int(offset)
            guard fields.u32(headerOffset) == localSignature, let localFlags = fields.u16(headerOffset + 6),
                let localMethod = fields.u16(headerOffset + 8), let localNameLength = fields.u16(headerOffset + 26),
                let localExtraLength = fields.u16(headerOffset + 28),
                let localName = fields.slice(headerOffset + 30, localNameLength),
                let localExtra = fields.slice(headerOffset + 30 + localNameLength, localExtraLength)
            else { return .unsupported("local header of \(decode(name)) missing or cut short") }
            // Checked once the layout is known not to overlap: a bomb's central records name
            // entries its local headers do not.
            if disagreement == nil, localMethod != method || localFlags & 0x2041 != 0 || !localName.elementsEqual(name)
            {
                disagreement = "local header disagrees with the central directory"
            }
            walkExtra(localExtra) { id, _ in
                if id == 0x7075 { disagreement = "Info-ZIP Unicode path field" }
            }
            let dataOffset = headerOffset + 30 + localNameLength + localExtraLength
            let (dataEnd, overflow) = dataOffset.addingReportingOverflow(Int(compressed))
            guard !overflow, dataEnd <= directory.start else {
                return .rejected(
                    message: "corrupt archive: the entry's data runs into the central directory",
                    entry: decode(name), offset: headerOffset)
            }
            entries.append(
                Entry(
                    name: decode(name), method: UInt16(method), crc32: crc, compressedSize: Int(compressed),
                    uncompressedSize: uncompressed, headerOffset: headerOffset, dataOffset: dataOffset,
                    isDirectory: isDirectory))
        }
        guard at == directory.end else { return .unsupported("central directory longer than its records") }

        // In file order; no two entries may share a byte (many central records pointing at one
        // local entry, or entries nested in each other's data: zip bombs by overlap).
        entries.sort { ($0.headerOffset, $0.dataEnd) < ($1.headerOffset, $1.dataEnd) }
        for index in entries.indices.dropFirst() where entries[index].headerOffset < entries[index - 1].dataEnd {
            let entry = entries[index]
            return .rejected(
                message:
                    "corrupt archive: entries overlap (their data shares bytes with \"\(Names.display(entries[index - 1].name))\"): a zip bomb?",
                entry: entry.name, offset: entry.headerOffset)
        }
        if let disagreement { return .unsupported(disagreement) }
        return .entries(entries)
    }

    private static func walkExtra(_ extra: UnsafeRawBufferPointer, _ visit: (Int, UnsafeRawBufferPointer) -> Void) {
        let fields = Fields(bytes: extra)
        var at = 0
        while let id = fields.u16(at), let length = fields.u16(at + 2), let data = fields.slice(at + 4, length) {
            visit(id, data)
            at += 4 + length
        }
    }

    private static func decode(_ name: UnsafeRawBufferPointer) -> String {
        String(decoding: name, as: UTF8.self)
    }
}
