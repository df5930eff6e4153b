import CSimdJSON
import FuzzSupport
import WhichtokImport
import WhichtokStore

// The HAR walk: the bytes as a browser's `.har` through `WebCaptureReader`, which walks it with
// the On-Demand scan of the C shim (`wtj_har_scan`), unescapes each response body with
// `wtj_unescape`, decodes it (base64 or plain) and reads the TikTok API responses in it. Then the
// count of structurals that sizes the walk's memory lease (`wtj_har_structural_count`, each of its
// ways) must be the count simdjson's stage 1 finds, wherever stage 1 succeeds: a lower count would
// let the walk touch memory it never asked the budget for.

nonisolated(unsafe) let parser = JSONParser()
nonisolated(unsafe) let bodyParser = JSONParser()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = FuzzInput.padded(data, size)
    var reader = WebCaptureReader(parser: parser, bodyParser: bodyParser)
    var batch = fuzzBatch()
    reader.read(entryPath: "captures/www.tiktok.com.har", bytes: bytes, into: &batch)
    _ = reader.finish(into: &batch)
    _ = consume(batch)
    // Stage 1 reads past the end: the padded copy, as the importer's buffers are.
    bytes.withUnsafeBytes { raw in
        guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count > 0 else { return }
        let truth = wtj_har_stage1_count(base, raw.count)
        guard truth != -1 else { return }  // SIZE_MAX: stage 1 failed, so it counted nothing
        for widest: Int32 in [-1, 0, 1] where wtj_har_structural_count_with(base, raw.count, widest) != truth {
            preconditionFailure("structural count (way \(widest)) differs from stage 1's \(truth)")
        }
    }
    return 0
}
