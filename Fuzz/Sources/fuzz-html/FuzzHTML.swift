import FuzzSupport
import WhichtokImport
import WhichtokStore

// The HTML page reader: the bytes as a saved TikTok page (`.html`) through `WebCaptureReader`,
// which finds the data scripts with libxml2's HTML parser (`HTMLPage`) and reads their JSON.

nonisolated(unsafe) let parser = JSONParser()
nonisolated(unsafe) let bodyParser = JSONParser()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = FuzzInput.padded(data, size)
    var reader = WebCaptureReader(parser: parser, bodyParser: bodyParser)
    var batch = fuzzBatch()
    reader.read(entryPath: "pages/@someone.html", bytes: bytes, into: &batch)
    _ = reader.finish(into: &batch)
    _ = consume(batch)
    return 0
}
