/// What happened to one target.
public struct TargetReport: Sendable, Equatable {
    public enum Outcome: String, Sendable, Equatable {
        /// Everything asked for was fetched (lists may hold fewer records than the limits).
        case complete
        /// Some lists failed (after retries) or were hidden; the rest was fetched.
        case partial
        /// Private, missing or banned: reported and skipped.
        case skipped
        /// A bot check (empty answer, captcha, challenge page): stopped instead of looping.
        case stopped
        /// Nothing could be fetched (the page failed after retries, or its layout is unknown).
        case failed
        /// Not tried: the run was interrupted or stopped before this target.
        case notTried = "not tried"
    }

    public var target: ScrapeTarget
    public var outcome: Outcome
    /// Why, for every outcome but `complete`; one line each, never a response body.
    public var messages: [String] = []
    public var posts = 0
    public var comments = 0
    public var replies = 0
    public var followers = 0
    public var following = 0

    public init(target: ScrapeTarget, outcome: Outcome) {
        self.target = target
        self.outcome = outcome
    }

    /// "12 posts, 40 comments" — the non-zero counts.
    public var countsText: String {
        let parts: [(Int, String)] = [
            (posts, "posts"), (comments, "comments"), (replies, "replies"), (followers, "followers"),
            (following, "following"),
        ]
        let text = parts.filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        return text.isEmpty ? "no records listed" : text
    }
}

public struct ScrapeReport: Sendable {
    public var targets: [TargetReport] = []
    /// HAR entries written (one per request, retries and redirects included).
    public var entries = 0
    /// Stopped by `Cancellation` (SIGINT).
    public var interrupted = false
    /// Why the remaining targets were not tried, if the run stopped early for another reason.
    public var stoppedEarly: String?

    /// Whether every target was collected in full.
    public var allComplete: Bool { !interrupted && targets.allSatisfy { $0.outcome == .complete } }
}
