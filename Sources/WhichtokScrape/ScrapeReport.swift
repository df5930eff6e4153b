/// What happened to one target.
package struct TargetReport: Sendable, Equatable {
    package enum Outcome: String, Sendable, Equatable {
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

    package var target: ScrapeTarget
    package var outcome: Outcome
    /// Why, for every outcome but `complete`; one line each, never a response body.
    package var messages: [String] = []
    package var posts = 0
    package var comments = 0
    package var replies = 0
    package var followers = 0
    package var following = 0

    package init(target: ScrapeTarget, outcome: Outcome) {
        self.target = target
        self.outcome = outcome
    }

    /// "12 posts, 40 comments" — the non-zero counts.
    package var countsText: String {
        let parts: [(Int, String)] = [
            (posts, "posts"), (comments, "comments"), (replies, "replies"), (followers, "followers"),
            (following, "following"),
        ]
        let text = parts.filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        return text.isEmpty ? "no records listed" : text
    }
}

package struct ScrapeReport: Sendable {
    package var targets: [TargetReport] = []
    /// HAR entries written (one per request, retries and redirects included).
    package var entries = 0
    /// Stopped by `Cancellation` (SIGINT).
    package var interrupted = false
    /// Why the remaining targets were not tried, if the run stopped early for another reason.
    package var stoppedEarly: String?

    /// Whether every target was collected in full.
    package var allComplete: Bool { !interrupted && targets.allSatisfy { $0.outcome == .complete } }
}
