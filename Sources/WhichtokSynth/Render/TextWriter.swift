import WhichtokSupport

/// Writes one TXT export file: records of `Label: value` lines separated by one blank line
/// (Docs/archive-format.md, 'TXT record grammar'), with LF or CRLF line ends and optional ` UTC` dates.
struct TextWriter {
    private(set) var bytes: [UInt8] = []
    let crlf: Bool
    let utc: Bool
    private var records = 0

    init(crlf: Bool, utc: Bool, capacity: Int = 1024) {
        self.crlf = crlf
        self.utc = utc
        bytes.reserveCapacity(capacity)
    }

    var isEmpty: Bool { bytes.isEmpty }

    @inline(__always)
    mutating func newline() {
        if crlf { bytes.append(UInt8(ascii: "\r")) }
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Starts a record: a blank line after the previous one.
    mutating func beginRecord() {
        if records > 0 { newline() }
        records += 1
    }

    /// `label: value`. Line breaks inside the value become spaces (TXT records are one line per field).
    mutating func line(_ label: String, _ value: String) {
        bytes.append(label)
        bytes.append(": ")
        for byte in value.utf8 {
            bytes.append(byte == 0x0A || byte == 0x0D ? UInt8(ascii: " ") : byte)
        }
        newline()
    }

    mutating func dateLine(_ label: String, _ time: Int64) {
        bytes.append(label)
        bytes.append(": ")
        appendDate(time)
        newline()
    }

    mutating func videoLine(_ label: String, _ id: UInt64) {
        bytes.append(label)
        bytes.append(": ")
        Links.appendVideoShare(id, to: &bytes)
        newline()
    }

    /// A date as this file spells it: `YYYY-MM-DD HH:MM:SS`, plus ` UTC` in newer exports.
    mutating func appendDate(_ time: Int64) {
        bytes.appendDate(time)
        if utc { bytes.append(" UTC") }
    }

    /// A line written as is (chat headers and messages).
    mutating func raw(_ text: String) {
        bytes.append(text)
        newline()
    }

    /// The file's bytes; a file without records holds the language's "no data" sentinel line.
    mutating func finish(sentinel: String) -> [UInt8] {
        if bytes.isEmpty {
            bytes.append(sentinel)
            newline()
        }
        return bytes
    }
}
