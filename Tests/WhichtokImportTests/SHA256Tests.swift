import Testing

@testable import WhichtokImport

@Suite struct SHA256Tests {
    @Test func fipsVectors() {
        #expect(
            SHA256.hex(SHA256.hash([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256.hex(SHA256.hash(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(
            SHA256.hex(SHA256.hash(Array(long.utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func oneMillionA() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 {
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        #expect(SHA256.hex(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func chunkingDoesNotChangeTheDigest() {
        var state: UInt32 = 12345
        let data = (0..<1000).map { _ -> UInt8 in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        let whole = SHA256.hash(data)
        for chunkSize in [1, 3, 55, 56, 63, 64, 65, 127, 128, 129, 999] {
            var hasher = SHA256()
            var start = 0
            while start < data.count {
                let end = min(start + chunkSize, data.count)
                data[start..<end].withUnsafeBytes { hasher.update($0) }
                start = end
            }
            #expect(hasher.finalize() == whole, "chunk size \(chunkSize)")
        }
        // Lengths around the padding boundary (55/56/64 bytes) against the one-shot hash of a prefix.
        for length in [55, 56, 57, 63, 64, 65, 119, 120] {
            var hasher = SHA256()
            data[0..<length].withUnsafeBytes { hasher.update($0) }
            #expect(hasher.finalize() == SHA256.hash(Array(data[0..<length])))
        }
    }

    @Test("a copy of a hasher continues on its own")
    func copiesAreIndependent() {
        var first = SHA256()
        first.update(Array("ab".utf8))
        var second = first
        first.update(Array("c".utf8))
        second.update(Array("x".utf8))
        #expect(first.finalize() == SHA256.hash(Array("abc".utf8)))
        #expect(second.finalize() == SHA256.hash(Array("abx".utf8)))
    }

    @Test func finalizeResets() {
        var hasher = SHA256()
        Array("abc".utf8).withUnsafeBytes { hasher.update($0) }
        _ = hasher.finalize()
        #expect(SHA256.hex(hasher.finalize()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func hexIsLowercaseTwoDigitsPerByte() {
        #expect(SHA256.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
    }
}
