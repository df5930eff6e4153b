extension StoreBuilder {
    /// Counter snapshots on canonical video rows, sorted by (video, time); one row per (video,
    /// time): an exact snapshot before a rounded one, then the larger values.
    func buildVideoStats(videoRank: [RowID], videoGroup: [Int]) -> VideoStatsTable {
        struct Row: Comparable {
            var video: RowID
            var observed: UInt32
            var rounded: UInt8
            // Inline, not an array: an array per snapshot was an allocation (and a release) each.
            var values: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
            static func < (a: Row, b: Row) -> Bool {
                if a.video != b.video { return a.video < b.video }
                if a.observed != b.observed { return a.observed < b.observed }
                if a.rounded != b.rounded { return a.rounded < b.rounded }
                // The larger values first.
                return b.values < a.values
            }
            static func == (a: Row, b: Row) -> Bool {
                a.video == b.video && a.observed == b.observed && a.rounded == b.rounded && a.values == b.values
            }
        }
        var rows: [Row] = []
        rows.reserveCapacity(counterObservations.count)
        for counters in counterObservations where counters.video >= 0 && Int(counters.video) < videoGroup.count {
            let v = counters.values
            rows.append(
                Row(
                    video: videoRank[videoGroup[Int(counters.video)]], observed: counters.observed,
                    rounded: counters.exact ? 0 : 1, values: v))
        }
        rows.sort()
        var table = VideoStatsTable()
        var previous: (RowID, UInt32)?
        for row in rows {
            if let previous, previous == (row.video, row.observed) { continue }
            previous = (row.video, row.observed)
            table.video.append(row.video)
            table.observed.append(row.observed)
            table.plays.append(row.values.0)
            table.likes.append(row.values.1)
            table.comments.append(row.values.2)
            table.shares.append(row.values.3)
            table.saves.append(row.values.4)
            table.reposts.append(row.values.5)
            table.flags.append(row.rounded == 0 ? VideoStatsTable.exactFlag : 0)
        }
        return table
    }
}
