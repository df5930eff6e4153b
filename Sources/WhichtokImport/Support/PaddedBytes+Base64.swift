import WhichtokSupport

extension Base64 {
    /// Appends the decoded bytes of `text` to `output` (see `Base64.decode(_:into:)` for what is
    /// accepted). Returns false for invalid text; `output` then holds garbage.
    static func decode(_ text: UnsafeRawBufferPointer, into output: PaddedBytes) -> Bool {
        var valid = true
        output.appendInPlace(minimum: maximumDecodedCount(encodedCount: text.count)) { free in
            let result = decode(text, into: free)
            valid = result.valid
            return result.count
        }
        return valid
    }
}
