import Foundation
import Testing
import WhichtokSupport

@Suite("Base64")
struct Base64Tests {
    func decode(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: Base64.maximumDecodedCount(encodedCount: bytes.count))
        let result = bytes.withUnsafeBytes { text in
            output.withUnsafeMutableBytes { Base64.decode(text, into: $0) }
        }
        return result.valid ? Array(output[..<result.count]) : nil
    }

    @Test("decoding: whole groups, padding, line breaks, both alphabets, and garbage refused")
    func decoding() {
        #expect(decode("") == [])
        #expect(decode("TWFu") == Array("Man".utf8))
        #expect(decode("TWE=") == Array("Ma".utf8))
        #expect(decode("TQ==") == Array("M".utf8))
        #expect(decode("eyJhIjoxfQ==") == Array("{\"a\":1}".utf8))
        #expect(decode("eyJh\r\nIjox fQ==") == Array("{\"a\":1}".utf8))
        #expect(decode("-_-_") == [0xFB, 0xFF, 0xBF])
        #expect(decode("+/+/") == [0xFB, 0xFF, 0xBF])
        #expect(decode("TWF!") == nil)
        #expect(decode("T") == nil)
        let long = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        #expect(decode(Data(long).base64EncodedString()) == long)
    }

    @Test("a target smaller than the maximum decoded count is refused, not overrun")
    func smallTarget() {
        let text = Array("TWFuTWFu".utf8)
        var output = [UInt8](repeating: 0, count: 6)
        let result = text.withUnsafeBytes { text in output.withUnsafeMutableBytes { Base64.decode(text, into: $0) } }
        #expect(!result.valid && result.count == 0)
    }

    @Test("encoding matches Foundation's for every length remainder")
    func encoding() {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(String(decoding: Base64.encode(bytes), as: UTF8.self) == Data(bytes).base64EncodedString())
        }
    }
}
