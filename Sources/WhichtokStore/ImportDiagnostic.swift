/// A warning or error about one input, naming the entry inside it and the position.
///
/// A batch carries the diagnostics of its input (`ImportBatch.diagnostics`), so the type lives
/// with the batch; the line the command line prints for one is the importer's (WhichtokImport).
public struct ImportDiagnostic: Sendable, Hashable {
    public enum Severity: String, Sendable { case warning, error }
    public var severity: Severity
    /// The input's display name.
    public var input: String
    /// The entry inside the input (a path in an archive, a HAR entry), if any.
    public var entry: String?
    /// Where in the entry (`offset 1234`, `line 4`, a section), if known.
    public var position: String?
    public var message: String

    public init(severity: Severity, input: String, entry: String?, position: String?, message: String) {
        self.severity = severity
        self.input = input
        self.entry = entry
        self.position = position
        self.message = message
    }
}
