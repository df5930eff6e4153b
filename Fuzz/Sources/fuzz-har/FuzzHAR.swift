import FuzzSupport
import WhichtokImport
import WhichtokStore

// The HAR walk: the bytes as a browser's `.har` through `WebCaptureReader`, which walks it with
// the On-Demand scan of the C shim (`wtj_har_scan`), unescapes each response body with
// `wtj_unescape`, decodes it (base64 or plain) and reads the TikTok API responses in it.

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
    return 0
}
