@testable import WhichtokImport

/// What a reading of an input through `InputReader` gave: every entry (name, bytes) and the
/// archives found inside, the digest, or the error. For tests that compare two ways of reading.
struct InputReading: Equatable, CustomStringConvertible {
    var entries: [String] = []
    var contents: [[UInt8]] = []
    var sha256: [UInt8] = []
    var error: String?

    var description: String {
        error.map { "error: \($0)" } ?? "\(entries.count) entries: \(entries.prefix(8))"
    }

    /// Reads `source` with `reader`.
    init(_ source: InputSource, reader: InputReader) {
        do {
            let digest = try reader.forEachEntry(of: source) { name, bytes in
                entries.append(name)
                contents.append(bytes.array)
            }
            sha256 = digest.sha256
            entries += digest.nested.map(\.displayName)
        } catch {
            self.error = "\(error)"
        }
    }
}
