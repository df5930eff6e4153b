import Testing
import WhichtokSupport

@Suite("Terminal-safe text")
struct TerminalTextTests {
    @Test("a username holding U+202E (right-to-left override) is shown with the override escaped")
    func rightToLeftOverride() {
        #expect(TerminalText.escaped("@evil\u{202E}gnp.exe") == "@evil\\u{202e}gnp.exe")
    }

    @Test("C0, DEL, C1, line separators and every bidi control are escaped; other text is kept")
    func unsafeCharacters() throws {
        let unsafe: [UInt32] = [
            0x00, 0x07, 0x0A, 0x1B, 0x1F, 0x7F, 0x80, 0x9B, 0x9F, 0x2028, 0x2029, 0x061C, 0x200E, 0x200F,
            0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
        ]
        for value in unsafe {
            let scalar = try #require(Unicode.Scalar(value))
            #expect(TerminalText.isUnsafe(scalar), "U+\(String(value, radix: 16))")
            #expect(TerminalText.escaped("a" + String(Character(scalar)) + "b") == "a\\u{\(String(value, radix: 16))}b")
        }
        for text in ["", "plain", "café", "日本語", "👩‍👩‍👧", "a\u{200D}b", "\u{A0}", "emoji 😀 ok", "tab-free"] {
            #expect(TerminalText.escaped(text) == text)
        }
        #expect(TerminalText.escaped("\u{1B}[31mred\u{1B}[0m") == "\\u{1b}[31mred\\u{1b}[0m")
    }

    @Test("terminal columns: wide CJK and emoji take two, combining marks and emoji sequences one cluster")
    func columns() {
        #expect(TerminalText.columns("d01_noor") == 8)
        #expect(TerminalText.columns("d13_женя") == 8)
        #expect(TerminalText.columns("d00_kiki🌸") == 10)
        #expect(TerminalText.columns("用户") == 4)
        #expect(TerminalText.columns("e\u{301}") == 1)
        #expect(TerminalText.columns("👩‍👩‍👧") == 2)
        #expect(TerminalText.columns("❤️") == 2)
        #expect(TerminalText.columns("مرحبا") == 5)
    }
}
