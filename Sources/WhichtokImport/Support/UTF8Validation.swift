/// The RFC 3629 table of well-formed UTF-8, shared by the JSON error scanner and the archive text check.
///
/// One table rather than one per reader, so both reject the same overlong forms, surrogates and code
/// points past U+10FFFF. It only maps a lead byte to what must follow; each caller keeps its own loop
/// over its own byte view (a `Span` or a raw buffer), so the hot ASCII paths stay as they are.
enum UTF8Validation {
    /// The length of the sequence a non-ASCII `lead` byte starts and the range its second byte must
    /// fall in (later bytes are always 0x80...0xBF), or nil when no well-formed sequence starts so.
    @inline(__always)
    static func sequence(lead: UInt8) -> (length: Int, low: UInt8, high: UInt8)? {
        switch lead {
        case 0xC2...0xDF: (2, 0x80, 0xBF)
        case 0xE0: (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80, 0xBF)
        case 0xED: (3, 0x80, 0x9F)
        case 0xF0: (4, 0x90, 0xBF)
        case 0xF1...0xF3: (4, 0x80, 0xBF)
        case 0xF4: (4, 0x80, 0x8F)
        default: nil
        }
    }
}
