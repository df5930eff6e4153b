import FuzzSupport
import WhichtokImport
import WhichtokStore

// The archive TXT reader: the first byte picks the file's name (and so its section, era and
// language), the rest is the file, read through `TikTokArchiveReader` as one entry of a TXT-era
// export; `finish` reads it when it is a chat file.

/// English and Dutch names of TXT files of every kind of section the reader handles.
let names = [
    "Browsing History", "Video Browsing History", "Watch History", "Kijkgeschiedenis", "Like List", "Likes",
    "Likelijst", "Favorite Videos", "Reposts", "Share History", "Favorite Sounds", "Favorite Effects",
    "Favorite HashTags", "Favorite Collections", "Searches", "Search History", "Hashtag", "Comments", "Reacties",
    "Following", "Volgend", "Follower", "Followers", "Block List", "Profile Info", "Profile Information",
    "Profielinformatie", "Videos", "Post", "Posts", "Direct Messages", "Directe berichten", "Group Chat",
    "Groepschat", "Login History", "Status", "Off TikTok Activity", "Watch Live History", "Order History",
    "Favorite Comments", "Following_2", "Comments (3)",
]

nonisolated(unsafe) let parser = JSONParser()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let (choice, bytes) = FuzzInput.split(data, size)
    let name = names[Int(choice) % names.count]
    var reader = TikTokArchiveReader(parser: parser)
    var batch = fuzzBatch()
    reader.read(entryPath: "TikTok_Data_1/Tiktok/Activity/\(name).txt", bytes: bytes, into: &batch)
    _ = reader.finish(into: &batch)
    _ = consume(batch)
    return 0
}
