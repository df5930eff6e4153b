/// A problem that stops the scrape or one of its inputs: a short message, never a response body.
package struct ScrapeError: Error, Sendable, CustomStringConvertible {
    package enum Code: Sendable, Equatable {
        /// Bad arguments (exit status 64).
        case usage
        /// An input file (cookies) is missing or unreadable (66).
        case input
        /// The HAR cannot be written (73).
        case cannotWrite
        /// The signer command failed.
        case signer
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
