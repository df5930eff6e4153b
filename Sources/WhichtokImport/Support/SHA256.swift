internal import CCrypto
import WhichtokSupport

/// SHA-256 (FIPS 180-4), computed by libcrypto (OpenSSL 3, which uses the CPU's SHA instructions
/// when it has them): every byte of every input is hashed, so on a large HAR or export the speed
/// matters.
///
/// Feed bytes with `update` as they arrive, in any chunking; `finalize` returns the 32-byte digest.
/// A value type: a copy of a hasher continues independently (the libcrypto context is copied on
/// the first change after a copy).
public struct SHA256: Sendable {
    private var context: DigestContext

    public init() {
        context = DigestContext()
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let start = bytes.baseAddress, bytes.count > 0 else { return }
        unique()
        _ = EVP_DigestUpdate(context.pointer, start, bytes.count)
    }

    /// Convenience for arrays and other contiguous collections.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    /// Pads the message, returns the digest and resets the hasher to its initial state.
    public mutating func finalize() -> [UInt8] {
        unique()
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = digest.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context.pointer, $0.baseAddress, &length) }
        context.restart()
        return digest
    }

    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    public static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(digest.count * 2)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Copies the context when another hasher shares it (copy on write).
    private mutating func unique() {
        if !isKnownUniquelyReferenced(&context) { context = context.copy() }
    }
}

/// One libcrypto digest context (`EVP_MD_CTX`) set up for SHA-256, freed with its owner. Only ever
/// changed by the one `SHA256` that holds it uniquely.
private final class DigestContext: @unchecked Sendable {
    let pointer: OpaquePointer

    init() {
        guard let context = EVP_MD_CTX_new() else {
            preconditionFailure("libcrypto cannot allocate a digest context (out of memory)")
        }
        pointer = context
        restart()
    }

    private init(copying other: DigestContext) {
        guard let context = EVP_MD_CTX_new() else {
            preconditionFailure("libcrypto cannot allocate a digest context (out of memory)")
        }
        pointer = context
        _ = EVP_MD_CTX_copy_ex(pointer, other.pointer)
    }

    func copy() -> DigestContext { DigestContext(copying: self) }

    /// Back to the empty message.
    func restart() {
        guard EVP_DigestInit_ex(pointer, EVP_sha256(), nil) == 1 else {
            preconditionFailure("libcrypto has no SHA-256")
        }
    }

    deinit { EVP_MD_CTX_free(pointer) }
}

extension SHA256 {
    /// Hashes `bytes` after what this hasher has seen, on a thread of its own: for an input large
    /// enough that hashing should overlap with parsing it. The job's result is the digest. The
    /// bytes must stay valid and unchanged until the job is joined.
    func finishingInBackground(_ bytes: SendableBytes) -> BackgroundJob<[UInt8]> {
        let start = self
        return BackgroundJob {
            var hasher = start
            hasher.update(bytes.raw)
            return hasher.finalize()
        }
    }
}
