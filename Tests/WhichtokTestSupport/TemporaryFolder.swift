import Foundation

/// A folder of its own under the system's temporary directory, removed with everything in it when
/// the value is released.
///
/// A class rather than a struct so that "released" is one moment: a test keeps the folder in a
/// local constant and it goes at the end of the test, even when the test fails or throws. Data made
/// once per run is kept in a static, which lives until the test process ends.
public final class TemporaryFolder: Sendable {
    /// The folder's absolute path.
    public let path: String

    /// Creates a new, empty folder named `whichtok-LABEL-UUID`.
    public init(_ label: String = "test") throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "whichtok-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The folder as a file URL.
    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// The absolute path of `relative` inside the folder (which need not exist).
    public func file(_ relative: String) -> String { path + "/" + relative }

    /// Writes `bytes` to `relative`, creating the folders on the way; returns the absolute path.
    @discardableResult
    public func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
        try write(relative, Data(bytes))
    }

    /// Writes `text` as UTF-8 to `relative`, creating the folders on the way; returns the absolute path.
    @discardableResult
    public func write(_ relative: String, _ text: String) throws -> String {
        try write(relative, Data(text.utf8))
    }

    /// Writes `data` to `relative`, creating the folders on the way; returns the absolute path.
    @discardableResult
    public func write(_ relative: String, _ data: Data) throws -> String {
        let full = file(relative)
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: full).deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: full))
        return full
    }

    /// The content of `relative`, or nil when it cannot be read (for comparisons that expect a file).
    public func bytes(_ relative: String) -> Data? { FileManager.default.contents(atPath: file(relative)) }

    /// The content of `relative`; throws when it cannot be read.
    public func read(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: file(relative))))
    }
}
