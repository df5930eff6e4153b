import WhichtokStore

/// The `whichtok analyze --json` document: one object, keys in a fixed order, numbers in shortest
/// round-trip form, so the same analysis always gives the same bytes.
///
/// ```
/// {"graph": {"kind", "directed", "nodes", "edges", "total_weight", "components", "largest_component",
///            "parameters": {"since", "until", "kinds", "min_weight", "min_degree", "largest_component_only", <settings>}},
///  "algorithm": {"name": "leiden", "objective", "resolution", "seed", "iterations", "iterations_done", "levels", "quality"},
///  "pagerank": {"damping", "tolerance", "iterations"},
///  "betweenness": {"exact", "sources", "error_bound", "confidence", "distance", "seed"} (with --betweenness),
///  "modularity", "community_count",
///  "communities": [{"id", "size", "internal_edges", "internal_weight", "volume", "density",
///                   "internal_weight_share", "conductance", "ei_index",
///                   "top_hashtags": [{"label", "count"}], "top_sounds": [...], "top_authors": [...],
///                   "central_members": [{"label", "pagerank"}]}],
///  "mixing_communities", "mixing": [[...]],
///  "nodes": [{"id", "label", "type", "community", "pagerank", "degree", "in_degree", "out_degree",
///             "strength", "participation", "within_module_z", "role", "core", "clustering", ("betweenness")}]}
/// ```
public enum AnalysisJSON {
    public static func render(_ analysis: Analysis, store: Store?) -> String {
        let graph = analysis.graph
        var out = ""
        out.reserveCapacity(256 + graph.nodeCount * 260)
        let p = graph.parameters
        out += "{\"graph\":{\"kind\":\(string(graph.kind.rawValue)),\"directed\":\(graph.isDirected)"
        out +=
            ",\"nodes\":\(graph.nodeCount),\"edges\":\(graph.edgeCount),\"total_weight\":\(number(graph.totalWeight))"
        out +=
            ",\"components\":\(analysis.components.count),\"largest_component\":\(analysis.components.sizes.first ?? 0)"
        out +=
            ",\"parameters\":{\"since\":\(p.since.map { String($0) } ?? "null"),\"until\":\(p.until.map { String($0) } ?? "null")"
        out += ",\"kinds\":" + (p.kinds.map { "[" + $0.map { string($0.name) }.joined(separator: ",") + "]" } ?? "null")
        out += ",\"min_weight\":\(number(Double(p.minWeight))),\"min_degree\":\(p.minDegree)"
        out += ",\"largest_component_only\":\(p.largestComponentOnly)"
        for (name, value) in p.settings { out += ",\(string(name)):\(string(value))" }
        out += "}}"
        let l = analysis.leiden
        out += ",\"algorithm\":{\"name\":\"leiden\",\"objective\":\(string(l.parameters.objective.rawValue))"
        out += ",\"resolution\":\(number(l.parameters.resolution)),\"seed\":\(l.parameters.seed)"
        out +=
            ",\"iterations\":\(l.parameters.iterations),\"iterations_done\":\(l.iterationsDone),\"levels\":\(l.levels)"
        out += ",\"quality\":\(number(l.quality))}"
        let pr = analysis.pageRank
        out +=
            ",\"pagerank\":{\"damping\":\(number(pr.parameters.damping)),\"tolerance\":\(number(pr.parameters.tolerance)),\"iterations\":\(pr.iterations)}"
        if let b = analysis.betweenness {
            out +=
                ",\"betweenness\":{\"exact\":\(b.isExact),\"sources\":\(b.sources),\"error_bound\":\(number(b.errorBound))"
            out +=
                ",\"confidence\":0.95,\"distance\":\(string(b.parameters.distance.rawValue)),\"seed\":\(b.parameters.seed)}"
        }
        out += ",\"modularity\":\(number(analysis.modularity)),\"community_count\":\(l.communityCount)"
        out += ",\"communities\":["
        let c = analysis.communities
        for id in 0..<c.count {
            if id > 0 { out += "," }
            out += "{\"id\":\(id),\"size\":\(c.size[id]),\"internal_edges\":\(c.internalEdges[id])"
            out += ",\"internal_weight\":\(number(c.internalWeight[id])),\"volume\":\(number(c.volume[id]))"
            out +=
                ",\"density\":\(number(c.density[id])),\"internal_weight_share\":\(number(c.internalWeightShare[id]))"
            out += ",\"conductance\":\(number(c.conductance[id])),\"ei_index\":\(number(c.eiIndex[id]))"
            let profile = id < analysis.profiles.count ? analysis.profiles[id] : CommunityProfile()
            out += ",\"top_hashtags\":" + items(profile.topHashtags, store)
            out += ",\"top_sounds\":" + items(profile.topSounds, store)
            out += ",\"top_authors\":" + items(profile.topAuthors, store)
            out +=
                ",\"central_members\":["
                + profile.centralMembers.map {
                    "{\"label\":\(string(graph.label(of: $0, in: store))),\"pagerank\":\(number(analysis.pageRank.rank[$0]))}"
                }.joined(separator: ",") + "]}"
        }
        out += "],\"mixing_communities\":\(c.mixing.count),\"mixing\":["
        out += c.mixing.map { row in "[" + row.map(number).joined(separator: ",") + "]" }.joined(separator: ",")
        out += "],\"nodes\":["
        let d = analysis.degrees
        for u in 0..<graph.nodeCount {
            if u > 0 { out += "," }
            out +=
                "{\"id\":\(u),\"label\":\(string(graph.label(of: u, in: store))),\"type\":\(string(graph.nodeTypes[u].name))"
            out += ",\"community\":\(l.membership[u]),\"pagerank\":\(number(analysis.pageRank.rank[u]))"
            out += ",\"degree\":\(d.degree[u]),\"in_degree\":\(d.inDegree[u]),\"out_degree\":\(d.outDegree[u])"
            out += ",\"strength\":\(number(d.strength[u])),\"participation\":\(number(analysis.roles.participation[u]))"
            out +=
                ",\"within_module_z\":\(number(analysis.roles.withinModuleZ[u])),\"role\":\(string(analysis.roles.role[u].rawValue))"
            out += ",\"core\":\(analysis.cores.core[u]),\"clustering\":\(number(analysis.clustering.coefficient[u]))"
            if let b = analysis.betweenness { out += ",\"betweenness\":\(number(b.centrality[u]))" }
            out += "}"
        }
        out += "]}"
        return out
    }

    static func items(_ list: [RankedItem], _ store: Store?) -> String {
        "["
            + list.map { "{\"label\":\(string($0.label(in: store))),\"count\":\(number($0.count))}" }.joined(
                separator: ",") + "]"
    }

    /// Shortest round-trip decimal; integers without a fraction; non-finite values as null.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A JSON string literal (RFC 8259 escaping).
    public static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
