import WhichtokImport
import WhichtokStore

/// What every fuzz target needs: the fuzzer's bytes as the `PaddedBytes` the readers take.
public enum FuzzInput {
    /// A copy of the fuzzer's input with simdjson's padding after it (as the importer's own
    /// buffers have), so a read past the end of the input is caught only when it passes the padding.
    public static func padded(_ data: UnsafePointer<UInt8>?, _ size: Int) -> PaddedBytes {
        let bytes = PaddedBytes(capacity: size)
        if let data, size > 0 { bytes.append(UnsafeRawBufferPointer(start: data, count: size)) }
        return bytes
    }

    /// The first byte (a choice the target makes, e.g. which file name the bytes get) and the rest.
    public static func split(_ data: UnsafePointer<UInt8>?, _ size: Int) -> (choice: UInt8, rest: PaddedBytes) {
        guard let data, size > 0 else { return (0, PaddedBytes()) }
        return (data[0], padded(data + 1, size - 1))
    }
}

/// A batch for one fuzz input; its diagnostics are read so that building them is not optimised out.
public func fuzzBatch() -> ImportBatch {
    ImportBatch(inputName: "fuzz-input", sha256: [UInt8](repeating: 0, count: 32))
}

/// Touches what a reader left in `batch`, as the importer's summary would.
public func consume(_ batch: ImportBatch) -> Int {
    var total = batch.eventCount
    for diagnostic in batch.diagnostics { total &+= diagnostic.message.utf8.count }
    return total
}
