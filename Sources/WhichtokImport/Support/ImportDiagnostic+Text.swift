import WhichtokStore

extension ImportDiagnostic: CustomStringConvertible {
    /// The line the command line prints:
    /// `whichtok: error: a.zip:user_data.json: offset 1234: expected ',' or '}'`
    public var description: String {
        var place = input
        // A plain file is its own only entry: `a.json`, not `a.json:a.json`.
        if let entry, !entry.isEmpty, entry != input, !input.hasSuffix("/" + entry) { place += ":" + entry }
        if let position, !position.isEmpty { place += ": " + position }
        return "whichtok: \(severity.rawValue): \(place): \(message)"
    }
}
