import WhichtokGraph
import WhichtokStore
import WhichtokSupport

/// "The data": the inputs and donors, events by kind and over time, and how much of the videos' web
/// metadata is known.
enum DataSection {
    /// Inputs listed by name; the rest are counted.
    static let inputLimit = 40

    static func write(_ context: ReportContext, to w: inout HTMLWriter) {
        guard let store = context.store else { return }
        w.raw("<section id=\"data\" aria-labelledby=\"data-h\">\n<h2 id=\"data-h\">The data</h2>\n")
        var donors = 0
        var anonymous = 0
        for row in 0..<store.accounts.count {
            let flags = store.accounts.flags(RowID(row))
            if flags.contains(.donor) { donors += 1 }
            if flags.contains(.anonymousDonor) { anonymous += 1 }
        }
        w.raw("<div class=\"facts\">")
        for (name, value) in [
            ("inputs", store.inputs.count), ("donors", donors), ("accounts", store.accounts.count),
            ("videos", store.videos.count), ("hashtags", store.hashtags.count), ("sounds", store.sounds.count),
            ("comments", store.comments.count), ("events", store.events.count),
        ] {
            w.raw("<p><span class=\"big\">")
            w.text(Numbers.count(value))
            w.raw("</span> ")
            w.text(name)
            w.raw("</p>")
        }
        w.raw("</div>\n")
        if anonymous > 0 {
            w.element("p", [], "\(Numbers.count(anonymous)) of the donors are anonymous (known only by their export).")
            w.newline()
        }
        writeInputs(store, to: &w)
        writeKinds(store, to: &w)
        writeTimeline(store, to: &w)
        writeCoverage(store, to: &w)
        w.raw("</section>\n")
    }

    private static func writeInputs(_ store: Store, to w: inout HTMLWriter) {
        w.raw("<h3>Inputs</h3>\n")
        guard store.inputs.count > 0 else {
            w.element("p", [], "The store lists no inputs.")
            return
        }
        w.raw(
            "<div class=\"scroll\"><table class=\"sortable\"><caption>Files imported, with the events each contributed (before duplicates across files were merged)</caption>\n"
        )
        w.raw(
            "<thead><tr><th scope=\"col\">Input</th><th scope=\"col\">Layout</th><th scope=\"col\" class=\"num\">Bytes</th><th scope=\"col\" class=\"num\">Events</th></tr></thead>\n<tbody>\n"
        )
        let inputs = store.inputs
        for row in 0..<min(inputs.count, inputLimit) {
            w.raw("<tr><td>")
            // The file's name only: the folders say where the researcher keeps the data, not what it is.
            let name = store.strings[inputs.name[row]] ?? "input \(row)"
            w.label(name.split(separator: "/").last.map(String.init) ?? name)
            w.raw("</td><td>")
            w.text(store.strings[inputs.layout[row]] ?? "")
            w.raw("</td><td class=\"num\">")
            w.text(Numbers.count(Int(clamping: inputs.byteCount[row])))
            w.raw("</td><td class=\"num\">")
            w.text(Numbers.count(Int(clamping: inputs.eventCount[row])))
            w.raw("</td></tr>\n")
        }
        w.raw("</tbody></table></div>\n")
        if inputs.count > inputLimit {
            w.element("p", [("class", "note")], "… and \(Numbers.count(inputs.count - inputLimit)) more inputs.")
            w.newline()
        }
    }

    private static func writeKinds(_ store: Store, to w: inout HTMLWriter) {
        let counts = store.eventCounts()
        let total = store.events.count
        let largest = counts.values.max() ?? 0
        w.raw("<h3>Events by kind</h3>\n")
        w.raw("<table class=\"sortable\"><caption>Events in the store, by what the account did</caption>\n")
        w.raw(
            "<thead><tr><th scope=\"col\">Kind</th><th scope=\"col\" class=\"num\">Events</th><th scope=\"col\" class=\"num\">Share</th><th scope=\"col\"><span class=\"sr\">Bar</span></th></tr></thead>\n<tbody>\n"
        )
        for kind in EventKind.allCases {
            let count = counts[kind] ?? 0
            guard count > 0 else { continue }
            w.raw("<tr><th scope=\"row\">")
            w.text(kind.name)
            w.raw("</th><td class=\"num\">")
            w.text(Numbers.count(count))
            w.raw("</td><td class=\"num\">")
            w.text(Numbers.percent(count, of: total))
            let width = largest > 0 ? Double(count) / Double(largest) * 100 : 0
            w.raw(
                "</td><td class=\"barcell\"><span class=\"bar\" style=\"width:\(Numbers.fixed(width, 1))%\"></span></td></tr>\n"
            )
        }
        w.raw("</tbody></table>\n")
    }

    /// Events per month (per quarter or year when the months are too many for one small chart), as
    /// bars; events of unknown time are counted beside it.
    private static func writeTimeline(_ store: Store, to w: inout HTMLWriter) {
        w.raw("<h3>Events over time</h3>\n")
        var low = UInt32.max
        var high: UInt32 = 0
        var unknown = 0
        for time in store.events.time {
            if time == 0 {
                unknown += 1
            } else {
                low = min(low, time)
                high = max(high, time)
            }
        }
        guard low <= high else {
            w.element("p", [], "No event has a known time.")
            w.newline()
            return
        }
        let first = ExposureCalendar.period(of: low, .month)
        let last = ExposureCalendar.period(of: high, .month)
        var months = [Int](repeating: 0, count: Int(last - first) + 1)
        for time in store.events.time where time != 0 {
            months[Int(ExposureCalendar.period(of: time, .month) - first)] += 1
        }
        // Buckets: months, else quarters, else years, so that at most 120 bars are drawn.
        let span = months.count
        let step = span <= 120 ? 1 : span <= 360 ? 3 : 12
        let unit = step == 1 ? "month" : step == 3 ? "quarter" : "year"
        func bucket(_ month: Int32) -> Int32 {
            let m = Int32(step)
            return month >= 0 ? month / m : (month - m + 1) / m
        }
        let firstBucket = bucket(first)
        let bucketCount = Int(bucket(last) - firstBucket) + 1
        var counts = [Int](repeating: 0, count: bucketCount)
        for (offset, count) in months.enumerated() { counts[Int(bucket(first + Int32(offset)) - firstBucket)] += count }
        func name(_ index: Int) -> String {
            let month = (firstBucket + Int32(index)) * Int32(step)
            switch step {
            case 1: return ExposureCalendar.shortName(of: month, .month)
            case 3: return ExposureCalendar.shortName(of: month / 3, .quarter)
            default: return String(ExposureCalendar.shortName(of: month, .month).prefix(4))
            }
        }
        let peak = counts.max() ?? 1
        let width = 720.0
        let height = 160.0
        let left = 48.0
        let bottom = 24.0
        let plotWidth = width - left - 8
        let plotHeight = height - bottom - 8
        let barWidth = plotWidth / Double(bucketCount)
        let summary =
            "Events per \(unit) from \(name(0)) to \(name(bucketCount - 1)); the busiest \(unit) has \(Numbers.count(peak)) events."
        w.raw(
            "<figure><svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"tl-t\"><title id=\"tl-t\">"
        )
        w.text(summary)
        w.raw("</title>\n")
        w.raw(
            "<line class=\"axis\" x1=\"\(Int(left))\" y1=\"\(Int(height - bottom))\" x2=\"\(Int(width - 8))\" y2=\"\(Int(height - bottom))\"/>"
        )
        w.raw("<text class=\"tick\" x=\"\(Int(left - 4))\" y=\"14\" text-anchor=\"end\">\(Numbers.count(peak))</text>")
        w.raw(
            "<text class=\"tick\" x=\"\(Int(left - 4))\" y=\"\(Int(height - bottom))\" text-anchor=\"end\">0</text>\n")
        for (index, count) in counts.enumerated() where count > 0 {
            let h = Double(count) / Double(peak) * plotHeight
            let x = left + Double(index) * barWidth
            w.raw(
                "<rect class=\"tbar\" x=\"\(Numbers.coordinate(x))\" y=\"\(Numbers.coordinate(height - bottom - h))\" width=\"\(Numbers.coordinate(max(0.5, barWidth * 0.85)))\" height=\"\(Numbers.coordinate(h))\"><title>"
            )
            w.text("\(name(index)): \(Numbers.count(count)) events")
            w.raw("</title></rect>")
        }
        w.newline()
        // First and last bucket names under the axis.
        w.raw("<text class=\"tick\" x=\"\(Int(left))\" y=\"\(Int(height - 6))\">")
        w.text(name(0))
        w.raw("</text><text class=\"tick\" x=\"\(Int(width - 8))\" y=\"\(Int(height - 6))\" text-anchor=\"end\">")
        w.text(name(bucketCount - 1))
        w.raw("</text></svg>\n<figcaption>")
        w.text(summary)
        if unknown > 0 {
            w.text(
                " \(Numbers.count(unknown)) events (\(Numbers.percent(unknown, of: store.events.count))) have no known time."
            )
        }
        w.raw("</figcaption></figure>\n")
    }

    /// What share of the videos have their author, hashtags, sound and creation time known: a
    /// video seen only in a watch history is an id until a web capture or a post describes it.
    private static func writeCoverage(_ store: Store, to w: inout HTMLWriter) {
        let videos = store.videos
        var author = 0
        var hashtags = 0
        var sound = 0
        var created = 0
        var counted = 0
        for row in 0..<videos.count {
            counted += 1
            if videos.author[row] != .none { author += 1 }
            if videos.hashtagOffsets[row + 1] > videos.hashtagOffsets[row] { hashtags += 1 }
            if videos.sound[row] != .none { sound += 1 }
            if videos.created[row] != 0 { created += 1 }
        }
        w.raw("<h3>Coverage of web metadata</h3>\n")
        guard counted > 0 else {
            w.element("p", [], "The store has no videos.")
            w.newline()
            return
        }
        w.raw(
            "<table><caption>Share of the \(Numbers.count(counted)) videos whose metadata is known (from web captures, posts and scraped pages)</caption>\n"
        )
        w.raw(
            "<thead><tr><th scope=\"col\">Known</th><th scope=\"col\" class=\"num\">Videos</th><th scope=\"col\" class=\"num\">Share</th><th scope=\"col\"><span class=\"sr\">Bar</span></th></tr></thead>\n<tbody>\n"
        )
        for (name, value) in [
            ("author", author), ("at least one hashtag", hashtags), ("sound", sound), ("time posted", created),
        ] {
            w.raw("<tr><th scope=\"row\">")
            w.text(name)
            w.raw("</th><td class=\"num\">")
            w.text(Numbers.count(value))
            w.raw("</td><td class=\"num\">")
            w.text(Numbers.percent(value, of: counted))
            let width = Double(value) / Double(counted) * 100
            w.raw(
                "</td><td class=\"barcell\"><span class=\"bar\" style=\"width:\(Numbers.fixed(width, 1))%\"></span></td></tr>\n"
            )
        }
        w.raw("</tbody></table>\n")
    }
}
