import Foundation

/// The programs some tests call (validators, Python readers), found once per run.
///
/// A test that needs one is marked `.enabled(if: ExternalTool.jing != nil, "skipped: …")`, so a
/// machine without it reports the test as skipped rather than passing it silently; `make test-deps`
/// installs them all.
public enum ExternalTool {
    /// The first executable named `name` on `PATH`.
    public static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// jing, the RELAX NG validator the GEXF project uses.
    public static let jing = onPath("jing")
    /// xmllint, for XML Schema validation.
    public static let xmllint = onPath("xmllint")
    /// bsdtar, libarchive's own reader and writer.
    public static let bsdtar = onPath("bsdtar")
    /// `python3` on `PATH`.
    public static let python3 = onPath("python3")

    /// The first Python for which the script `probe` exits 0: the test virtual environment's
    /// (`.venv-test`, made by `make test-deps`), then `python3` on `PATH`.
    public static func python(passing probe: String) -> String? {
        var candidates: [String] = []
        let venv = PackageFolder.path(".venv-test/bin/python")
        if FileManager.default.isExecutableFile(atPath: venv) { candidates.append(venv) }
        if let python3 { candidates.append(python3) }
        return candidates.first { (try? ChildProcess.run($0, ["-c", probe], timeout: 120).status) == 0 }
    }
}
