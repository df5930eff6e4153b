import WhichtokGraph
import WhichtokStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes `whichtok exposure --csv DIR`: `donors.csv` (one row per donor) and `donor_periods.csv`
/// (long format: one row per donor, period and niche), for R and pandas.
///
/// The same CSV dialect as `CSVWriter` (RFC 4180, UTF-8 without a byte-order mark, CRLF line ends,
/// fields quoted when they hold a comma, a quote, CR or LF; missing values are empty fields) and
/// the same number formatting (shortest round-trip decimals).
///
/// `donors.csv`: `donor`, `niche`, `events`, `assigned`, `coverage`, `dominant`, `dominant_share`,
/// `own_share`, `entropy`, `effective_niches`, `shift_count`, `shifts` (`YYYY-MM-DD:from>to`, `;`
/// between shifts), then `events_<kind>` and `assigned_<kind>` for every measured kind.
///
/// `donor_periods.csv`: `donor`, `period` (its first day, `YYYY-MM-DD`), `niche`, `share` (of the
/// period's assigned events), `events` (in that niche), `period_assigned`, `period_events`; a period
/// without assigned events has one row with an empty niche and share.
enum ExposureCSVWriter {
    static func writeDonors(_ exposure: Exposure, store: Store, to sink: inout ByteSink, buffer: inout ValueBuffer) {
        let period = exposure.options.period
        sink.write(
            "donor,niche,events,assigned,coverage,dominant,dominant_share,own_share,entropy,effective_niches,shift_count,shifts"
        )
        for kind in exposure.kinds { sink.write(Array(",events_\(kind.name),assigned_\(kind.name)".utf8)) }
        sink.write("\r\n")
        for donor in exposure.donors {
            if sink.failed { return }
            buffer.reset()
            buffer.append(text: store.label(ofAccount: donor.account))
            CSVWriter.field(&buffer, &sink)
            buffer.reset()
            buffer.append(",")
            if let niche = donor.niche { buffer.append(integer: Int(niche)) }
            buffer.append(",")
            buffer.append(integer: donor.events)
            buffer.append(",")
            buffer.append(integer: donor.assigned)
            buffer.append(",")
            if donor.events > 0 { buffer.append(double: Double(donor.assigned) / Double(donor.events)) }
            buffer.append(",")
            if let dominant = donor.dominant {
                buffer.append(integer: Int(dominant))
                buffer.append(",")
                buffer.append(double: ExposureMeasures.share(of: dominant, in: donor.counts) ?? 0)
            } else {
                buffer.append(",")
            }
            for value in [donor.ownShare, donor.entropy, donor.effectiveNiches] {
                buffer.append(",")
                if let value { buffer.append(double: value) }
            }
            buffer.append(",")
            buffer.append(integer: donor.shifts.count)
            buffer.append(",")
            for (index, shift) in donor.shifts.enumerated() {
                if index > 0 { buffer.append(";") }
                buffer.append(text: ExposureCalendar.startDate(of: shift.period, period))
                buffer.append(":")
                buffer.append(integer: Int(shift.from))
                buffer.append(">")
                buffer.append(integer: Int(shift.to))
            }
            for position in exposure.kinds.indices {
                buffer.append(",")
                buffer.append(integer: donor.eventsByKind[position])
                buffer.append(",")
                buffer.append(integer: donor.assignedByKind[position])
            }
            buffer.append("\r\n")
            buffer.withBytes { sink.write($0) }
        }
    }

    static func writePeriods(_ exposure: Exposure, store: Store, to sink: inout ByteSink, buffer: inout ValueBuffer) {
        let period = exposure.options.period
        sink.write("donor,period,niche,share,events,period_assigned,period_events\r\n")
        var label = ValueBuffer()
        for donor in exposure.donors {
            if sink.failed { return }
            label.reset()
            label.append(text: store.label(ofAccount: donor.account))
            for measure in donor.periods {
                let start = ExposureCalendar.startDate(of: measure.period, period)
                let rows: [NicheCount?] = measure.counts.isEmpty ? [nil] : measure.counts
                for count in rows {
                    CSVWriter.field(&label, &sink)
                    buffer.reset()
                    buffer.append(",")
                    buffer.append(text: start)
                    buffer.append(",")
                    if let count {
                        buffer.append(integer: Int(count.niche))
                        buffer.append(",")
                        buffer.append(double: Double(count.events) / Double(measure.assigned))
                        buffer.append(",")
                        buffer.append(integer: count.events)
                    } else {
                        buffer.append(",,0")
                    }
                    buffer.append(",")
                    buffer.append(integer: measure.assigned)
                    buffer.append(",")
                    buffer.append(integer: measure.events)
                    buffer.append("\r\n")
                    buffer.withBytes { sink.write($0) }
                }
            }
        }
    }
}

extension Exporter {
    /// Writes `donors.csv` and `donor_periods.csv` of an exposure analysis into the folder `path`
    /// (created when missing), and their `data-dictionary.csv`. Both data files are complete before
    /// either replaces an old one.
    @discardableResult
    package static func writeExposureCSV(_ exposure: Exposure, store: Store, toFolder path: String) throws(ExportError)
        -> [String]
    {
        var buffer = ValueBuffer()
        let files = try writeFilePair(
            inFolder: path, names: ("donors.csv", "donor_periods.csv"), buffer: &buffer,
            { ExposureCSVWriter.writeDonors(exposure, store: store, to: &$0, buffer: &$1) },
            { ExposureCSVWriter.writePeriods(exposure, store: store, to: &$0, buffer: &$1) })
        let dictionary = try writeDictionary(
            DataDictionary.csvExport.tables(["donors.csv", "donor_periods.csv"]), inFolder: path)
        return files + [dictionary]
    }
}
