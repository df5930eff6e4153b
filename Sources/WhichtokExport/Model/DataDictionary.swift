/// What an export contains, column by column: the data dictionary written beside CSV and Parquet
/// outputs (`data-dictionary.csv`) and printed in the README.
///
/// Each output format lists its own columns (see the `DataDictionary` extensions next to the
/// writers); this type only holds and writes them, so every dictionary has the same shape.
package struct DataDictionary: Sendable, Equatable {
    /// Whether a column can identify a person.
    package enum Personal: String, Sendable, Equatable {
        /// Public content or aggregate numbers: hashtags, sounds, counts, measures.
        case no
        /// Names or ids of people; replaced by pseudonyms (or participant codes) under `--pseudonymise`.
        case pseudonymised
        /// Personal even under `--pseudonymise` (times of a person's activity, structure that can
        /// re-identify): share only aggregated.
        case yes
    }

    package struct Column: Sendable, Equatable {
        /// The file or table, e.g. `nodes.csv` or `events`.
        package var table: String
        package var name: String
        /// The type as the reader sees it, e.g. `integer`, `text`, `float`, `timestamp (UTC)`.
        package var type: String
        package var meaning: String
        package var personal: Personal

        package init(table: String, name: String, type: String, meaning: String, personal: Personal) {
            self.table = table
            self.name = name
            self.type = type
            self.meaning = meaning
            self.personal = personal
        }
    }

    package var columns: [Column]

    package init(_ columns: [Column]) { self.columns = columns }

    /// `data-dictionary.csv`: `table,column,type,meaning,personal`, RFC 4180 with CRLF line ends.
    package var csv: [UInt8] {
        var out = Array("table,column,type,meaning,personal\r\n".utf8)
        for column in columns {
            let fields = [column.table, column.name, column.type, column.meaning, column.personal.rawValue]
            for (index, field) in fields.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendCSVField(field, to: &out)
            }
            out.append(contentsOf: [13, 10])
        }
        return out
    }

    /// A Markdown table per table, for the README.
    package var markdown: String {
        var text = ""
        var current: String?
        for column in columns {
            if column.table != current {
                if current != nil { text += "\n" }
                current = column.table
                text += "`\(column.table)`\n\n| column | type | meaning | personal |\n|---|---|---|---|\n"
            }
            let meaning = column.meaning.replacingPipes()
            text += "| `\(column.name)` | \(column.type) | \(meaning) | \(column.personal.rawValue) |\n"
        }
        return text
    }

    private static func appendCSVField(_ field: String, to out: inout [UInt8]) {
        let bytes = Array(field.utf8)
        let needsQuotes = bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard needsQuotes else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension String {
    fileprivate func replacingPipes() -> String {
        var result = ""
        for character in self { result += character == "|" ? "\\|" : String(character) }
        return result
    }
}
