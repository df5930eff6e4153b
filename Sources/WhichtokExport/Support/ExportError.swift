/// Why an export failed.
package struct ExportError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. New codes may be added.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case cannotCreate, writeFailed, invalidRequest }
        private let value: Value

        /// The output (or its temporary file or folder) could not be created or renamed into place.
        package static let cannotCreate = Code(value: .cannotCreate)
        /// Writing the output failed part-way (disk full, I/O error); nothing was left behind.
        package static let writeFailed = Code(value: .writeFailed)
        /// The request itself is impossible (for example CSV to standard output).
        package static let invalidRequest = Code(value: .invalidRequest)

        package var description: String {
            switch value {
            case .cannotCreate: "cannot create output"
            case .writeFailed: "write failed"
            case .invalidRequest: "invalid request"
            }
        }
    }

    package var code: Code
    /// The path concerned, if any.
    package var path: String?
    /// What happened, for people.
    package var message: String

    package init(_ code: Code, path: String? = nil, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    package var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}
