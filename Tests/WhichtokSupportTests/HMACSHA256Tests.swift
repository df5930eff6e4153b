import Testing
import WhichtokSupport

@Suite struct HMACSHA256Tests {
    func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
    }

    @Test("RFC 4231 test cases 1, 2 and 6")
    func rfc4231() throws {
        let one = try #require(HMACSHA256(key: [UInt8](repeating: 0x0b, count: 20)))
        #expect(
            hex(one.mac(Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        let two = try #require(HMACSHA256(key: Array("Jefe".utf8)))
        #expect(
            two.hex("what do ya want for nothing?")
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // A key longer than the block size is hashed first.
        let six = try #require(HMACSHA256(key: [UInt8](repeating: 0xaa, count: 131)))
        #expect(
            six.hex("Test Using Larger Than Block-Size Key - Hash Key First")
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test("the keyed context is reused: the same message twice gives the same MAC; an empty key is refused")
    func reuse() throws {
        let mac = try #require(HMACSHA256(key: Array("Jefe".utf8)))
        #expect(mac.hex("a") == mac.hex("a"))
        #expect(mac.hex("a") != mac.hex("b"))
        #expect(mac.mac([UInt8]()).count == 32)
        #expect(HMACSHA256(key: []) == nil)
    }
}
