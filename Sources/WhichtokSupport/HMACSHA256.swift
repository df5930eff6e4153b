internal import CCrypto

/// HMAC-SHA-256 (RFC 2104) by libcrypto, with a key set once: the pseudonyms of accounts are
/// `HMAC(study key, account key)`, so that nobody without the key can recompute them from guessed
/// usernames. Each `mac` works on a copy of the keyed context, so the key is processed only once.
package final class HMACSHA256 {
    private let context: OpaquePointer

    /// Nil when the key is empty or libcrypto cannot set it up.
    package init?(key: [UInt8]) {
        guard !key.isEmpty else { return nil }
        let made = key.withUnsafeBufferPointer { whichtok_hmac_sha256_new($0.baseAddress, $0.count) }
        guard let made else { return nil }
        context = made
    }

    deinit { EVP_MAC_CTX_free(context) }

    /// The 32-byte MAC of `message`.
    package func mac(_ message: some Collection<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        guard let copy = EVP_MAC_CTX_dup(context) else {
            preconditionFailure("libcrypto cannot copy an HMAC context (out of memory)")
        }
        defer { EVP_MAC_CTX_free(copy) }
        let bytes = Array(message)
        _ = bytes.withUnsafeBufferPointer { EVP_MAC_update(copy, $0.baseAddress, $0.count) }
        var length = 0
        _ = digest.withUnsafeMutableBufferPointer { EVP_MAC_final(copy, $0.baseAddress, &length, 32) }
        return digest
    }

    /// `mac` of a string's UTF-8 bytes, as lowercase hex (64 digits).
    package func hex(_ message: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in mac(Array(message.utf8)) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
