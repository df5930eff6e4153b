import WhichtokStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension DataDictionary {
    /// Every column the CSV outputs can hold: `export --csv` (`nodes.csv`, `edges.csv`) and
    /// `exposure --csv` (`donors.csv`, `donor_periods.csv`). Columns that depend on the data are
    /// listed once with a pattern (`events_<kind>`, `<kind>`) and say when they appear. The README's
    /// "Data dictionary" section is this table's `markdown` (a test keeps them equal).
    package static let csvExport = DataDictionary(nodes + edges + donors + donorPeriods)

    /// The dictionary's columns of the named tables only, in order.
    package func tables(_ names: [String]) -> DataDictionary {
        DataDictionary(columns.filter { names.contains($0.table) })
    }

    private static let kinds = EventKind.allCases.map(\.name).joined(separator: ", ")

    private static func node(_ name: String, _ type: String, _ meaning: String, _ personal: Personal) -> Column {
        Column(table: "nodes.csv", name: name, type: type, meaning: meaning, personal: personal)
    }

    private static func edge(_ name: String, _ type: String, _ meaning: String, _ personal: Personal) -> Column {
        Column(table: "edges.csv", name: name, type: type, meaning: meaning, personal: personal)
    }

    private static func donor(_ name: String, _ type: String, _ meaning: String, _ personal: Personal) -> Column {
        Column(table: "donors.csv", name: name, type: type, meaning: meaning, personal: personal)
    }

    private static func period(_ name: String, _ type: String, _ meaning: String, _ personal: Personal) -> Column {
        Column(table: "donor_periods.csv", name: name, type: type, meaning: meaning, personal: personal)
    }

    /// A node's measures describe a person when the node is an account: personal even under pseudonyms.
    private static let nodes: [Column] = [
        node(
            "Id", "text", "Node id `n0` … `n(N−1)`, in graph order; `Source` and `Target` of edges.csv refer to it.",
            .no),
        node(
            "Label", "text",
            "An account's username (its pseudonym `u_…` with --pseudonymise; a donor's study code with --participants), `#hashtag`, a sound's title, or the edge-list name.",
            .pseudonymised),
        node("node_type", "text", "account, author, hashtag, sound or external (edge-list node).", .no),
        node("community", "integer", "Leiden community (0 = the largest).", .yes),
        node("pagerank", "float", "PageRank (sums to 1 over the nodes).", .yes),
        node("degree", "integer", "Number of neighbours.", .yes),
        node("in_degree", "integer", "Directed graphs only: incoming neighbours.", .yes),
        node("out_degree", "integer", "Directed graphs only: outgoing neighbours.", .yes),
        node("strength", "float", "Sum of the node's edge weights.", .yes),
        node(
            "participation", "float", "Participation coefficient: how evenly its links spread over communities (0–1).",
            .yes),
        node("within_module_z", "float", "Within-community degree z-score.", .yes),
        node(
            "role", "text",
            "Role from participation and z-score (Guimerà–Amaral: hub or non-hub, peripheral, connector, …).", .yes),
        node("core", "integer", "k-core number.", .yes),
        node("clustering", "float", "Local clustering coefficient.", .yes),
        node("betweenness", "float", "With --betweenness only: betweenness centrality (exact or sampled).", .yes),
        node("donor", "boolean", "With a store: whether the account donated an archive (a study participant).", .yes),
        node(
            "events_<kind>", "integer",
            "With a store: the account's events of this kind in the time window; one column per kind that occurs (\(kinds)).",
            .yes),
        node("exposure_events", "integer", "With exposure measures, donors only: feed events measured.", .yes),
        node("exposure_assigned", "integer", "Donors only: feed events placed in a niche.", .yes),
        node("exposure_dominant", "integer", "Donors only: the niche most of the feed came from.", .yes),
        node("exposure_own_share", "float", "Donors only: share of the feed from the donor's own niche.", .yes),
        node("exposure_entropy", "float", "Donors only: Shannon entropy of the feed's niches (nats).", .yes),
        node("exposure_effective_niches", "float", "Donors only: exp(entropy), the effective number of niches.", .yes),
        node("exposure_shifts", "integer", "Donors only: shifts of the dominant niche.", .yes),
        node("x", "float", "With a layout: ForceAtlas2 position (from the graph's structure).", .yes),
        node("y", "float", "With a layout: ForceAtlas2 position.", .yes),
        node("size", "float", "Drawing size from PageRank (4–40).", .yes),
        node("color", "text", "Drawing colour of the node's community (`#rrggbb`).", .yes),
    ]

    /// Edges are who is linked to whom: the structure that can re-identify people.
    private static let edges: [Column] = [
        edge("Source", "text", "Node id (`n…`) of one end: the actor in directed graphs.", .yes),
        edge("Target", "text", "Node id of the other end.", .yes),
        edge("Type", "text", "Directed or Undirected (for Gephi).", .no),
        edge("Id", "text", "Edge id `e0` … `e(M−1)`.", .no),
        edge("Weight", "float", "The edge's weight in this graph.", .yes),
        edge(
            "<kind>", "integer",
            "Interaction graphs: events of this kind between the two (one column per kind that occurs: \(kinds)).",
            .yes),
        edge("interaction_weight", "float", "Shared-space graphs: the interaction part of the weight.", .yes),
        edge(
            "co_engagement", "float",
            "Co-engagement and shared-space graphs: cosine similarity of what both engaged with.", .yes),
        edge("first_interaction", "timestamp (ISO 8601 UTC)", "When known: the first event between the two.", .yes),
        edge("last_interaction", "timestamp (ISO 8601 UTC)", "When known: the last event between the two.", .yes),
    ]

    /// One row per donor: measures of a person's feed.
    private static let donors: [Column] = [
        donor(
            "donor", "text",
            "The donor's username (pseudonym with --pseudonymise; study code with --participants).",
            .pseudonymised),
        donor("niche", "integer", "The donor's own niche (community), empty when not in the graph.", .yes),
        donor("events", "integer", "Feed events measured (the --kinds).", .yes),
        donor("assigned", "integer", "Events placed in a niche.", .yes),
        donor("coverage", "float", "assigned / events.", .yes),
        donor("dominant", "integer", "The niche most assigned events came from.", .yes),
        donor("dominant_share", "float", "Its share of the assigned events.", .yes),
        donor("own_share", "float", "Share of assigned events from the donor's own niche.", .yes),
        donor("entropy", "float", "Shannon entropy of the niche shares (nats).", .yes),
        donor("effective_niches", "float", "exp(entropy).", .yes),
        donor("shift_count", "integer", "Shifts of the dominant niche.", .yes),
        donor("shifts", "text", "The shifts, `YYYY-MM-DD:from>to` separated by `;`.", .yes),
        donor("events_<kind>", "integer", "Events of this measured kind (one column per kind).", .yes),
        donor("assigned_<kind>", "integer", "Assigned events of this measured kind.", .yes),
    ]

    /// One row per donor, period and niche (long format).
    private static let donorPeriods: [Column] = [
        period("donor", "text", "As in donors.csv.", .pseudonymised),
        period("period", "date (YYYY-MM-DD)", "First day of the calendar period (UTC week, month or quarter).", .yes),
        period("niche", "integer", "The niche; empty for a period without assigned events.", .yes),
        period("share", "float", "The niche's share of the period's assigned events.", .yes),
        period("events", "integer", "Assigned events from that niche in the period.", .yes),
        period("period_assigned", "integer", "Assigned events in the period.", .yes),
        period("period_events", "integer", "Measured events in the period.", .yes),
    ]

    /// Whether `header` (a CSV header cell) is one of this dictionary's columns of `table`, patterns
    /// included (`<kind>` stands for any event kind's name).
    package func describes(_ header: String, in table: String) -> Bool {
        columns.contains { column in
            guard column.table == table else { return false }
            guard let hole = column.name.ranges(of: "<kind>").first else { return column.name == header }
            let prefix = String(column.name[..<hole.lowerBound])
            let suffix = String(column.name[hole.upperBound...])
            guard header.hasPrefix(prefix), header.hasSuffix(suffix), header.count > prefix.count + suffix.count else {
                return false
            }
            let kind = header.dropFirst(prefix.count).dropLast(suffix.count)
            return EventKind.allCases.contains { $0.name == kind }
        }
    }
}

extension Exporter {
    /// The name of the dictionary written beside CSV files.
    package static let dictionaryName = "data-dictionary.csv"

    /// Writes `dictionary` as `data-dictionary.csv` into `folder` (which exists), atomically.
    static func writeDictionary(_ dictionary: DataDictionary, inFolder folder: String) throws(ExportError) -> String {
        let path = (folder.hasSuffix("/") ? folder : folder + "/") + dictionaryName
        let file = try OutputFile(path: path)
        var sink = ByteSink(descriptor: file.descriptor)
        sink.write(dictionary.csv)
        sink.flush()
        guard !sink.failed else {
            file.discard()
            throw ExportError(.writeFailed, path: path, message: "write failed (\(sink.errorText))")
        }
        try file.commit()
        return path
    }
}
