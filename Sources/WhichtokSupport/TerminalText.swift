/// Text from input files made safe to print on a terminal.
///
/// Names of files, entries and accounts come from archives anyone can make. Printed as they are, a
/// control character can move the cursor or change colours (ESC sequences, C1 controls), and a
/// bidirectional control can make `evil\u{202E}txt.exe` read as `evilexe.txt`. Each such character
/// becomes a visible `\u{..}` escape (lowercase hexadecimal, as Swift writes them); everything else
/// is kept as it is. Only for display: callers match and store the raw text.
package enum TerminalText {
    /// `text` with every unsafe character (see `isUnsafe`) written as `\u{..}`; the same string
    /// when there is none.
    package static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// C0 controls, DEL and C1 controls; the line and paragraph separators (a line break in some
    /// terminals); and every Unicode `Bidi_Control` character: the marks U+061C, U+200E, U+200F,
    /// the embeddings and overrides U+202A–U+202E and the isolates U+2066–U+2069. The marks are
    /// invisible and reorder the neutral characters around them, so they are escaped too.
    package static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1f, 0x7f...0x9f: return true
        case 0x2028, 0x2029: return true
        case 0x061c, 0x200e, 0x200f, 0x202a...0x202e, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// The columns `text` takes on a terminal: 2 for each wide character (East Asian wide and
    /// fullwidth forms, emoji shown as pictures), 1 for any other character (a grapheme cluster, so
    /// combining marks and emoji sequences count once), for lining up tables.
    package static func columns(_ text: String) -> Int {
        var total = 0
        for character in text {
            guard let first = character.unicodeScalars.first else { continue }
            let wide =
                isWide(first.value) || first.properties.isEmojiPresentation
                || character.unicodeScalars.contains { $0.value == 0xfe0f }
            total += wide ? 2 : 1
        }
        return total
    }

    /// East Asian Wide and Fullwidth ranges (Unicode's EastAsianWidth W and F, in blocks).
    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115f, 0x2e80...0x303e, 0x3041...0x33ff, 0x3400...0x4dbf, 0x4e00...0x9fff,
            0xa000...0xa4cf, 0xac00...0xd7a3, 0xf900...0xfaff, 0xfe30...0xfe4f, 0xff00...0xff60,
            0xffe0...0xffe6, 0x20000...0x3fffd:
            return true
        default: return false
        }
    }
}
