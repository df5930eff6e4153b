/// A problem that stops the scrape or one of its inputs: a short message, never a response body.
public struct ScrapeError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// Bad arguments (exit status 64).
        case usage
        /// An input file (cookies) is missing or unreadable (66).
        case input
        /// The HAR cannot be written (73).
        case cannotWrite
        /// The signer command failed.
        case signer
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
