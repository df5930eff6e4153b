// TEMPORARY stub until the archive readers land; deleted at merge.
import WhichtokStore
public struct TikTokArchiveReader {
    var seen = false
    public init(parser: JSONParser) {}
    public static func wants(entryPath: String) -> Bool { entryPath.hasSuffix(".json") }
    public mutating func read(entryPath: String, bytes: PaddedBytes, into batch: inout ImportBatch) { seen = true }
    public mutating func finish(into batch: inout ImportBatch) -> Bool { seen }
}
