import Foundation

/// Paths inside this package's checkout, found from this file's own path so that tests work from
/// any working directory and on any clone.
public enum PackageFolder {
    /// The package root: `Tests/WhichtokTestSupport/PackageFolder.swift` → up three levels.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The absolute path of `relative` inside the package.
    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The committed sample archives (`SampleArchives/`).
    public static var sampleArchives: String { path("SampleArchives") }

    /// The validators' schemas committed with the tests (`Tests/Schemas/`, see its SOURCES.md).
    public static var schemas: String { path("Tests/Schemas") }
}
