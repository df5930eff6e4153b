import WhichtokStore
import WhichtokSupport

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
///
/// Written compact through the shared `JSONWriter`, with `\b` and `\f` as `\u0008` and `\u000c`
/// (the document's escaping from the start, kept so its bytes do not change).
package enum AnalysisJSON {
    /// How the document's strings are escaped.
    static let escaping: JSONWriter.Escaping = []

    package static func render(_ analysis: Analysis, store: Store?) -> String {
        let graph = analysis.graph
        var w = JSONWriter(capacity: 256 + graph.nodeCount * 260, layout: .compact, escaping: escaping)
        w.beginObject()
        writeGraph(analysis, to: &w)
        let l = analysis.leiden
        w.key("algorithm")
        w.beginObject()
        w.field("name", "leiden")
        w.field("objective", l.parameters.objective.rawValue)
        w.field("resolution", l.parameters.resolution)
        w.key("seed")
        w.uint(l.parameters.seed)
        w.field("iterations", l.parameters.iterations)
        w.field("iterations_done", l.iterationsDone)
        w.field("levels", l.levels)
        w.field("quality", l.quality)
        w.endObject()
        let pr = analysis.pageRank
        w.key("pagerank")
        w.beginObject()
        w.field("damping", pr.parameters.damping)
        w.field("tolerance", pr.parameters.tolerance)
        w.field("iterations", pr.iterations)
        w.endObject()
        if let b = analysis.betweenness {
            w.key("betweenness")
            w.beginObject()
            w.field("exact", b.isExact)
            w.field("sources", b.sources)
            w.field("error_bound", b.errorBound)
            w.field("confidence", 0.95)
            w.field("distance", b.parameters.distance.rawValue)
            w.key("seed")
            w.uint(b.parameters.seed)
            w.endObject()
        }
        w.field("modularity", analysis.modularity)
        w.field("community_count", l.communityCount)
        writeCommunities(analysis, store: store, to: &w)
        writeNodes(analysis, store: store, to: &w)
        w.endObject()
        return w.text
    }

    private static func writeGraph(_ analysis: Analysis, to w: inout JSONWriter) {
        let graph = analysis.graph
        let p = graph.parameters
        w.key("graph")
        w.beginObject()
        w.field("kind", graph.kind.rawValue)
        w.field("directed", graph.isDirected)
        w.field("nodes", graph.nodeCount)
        w.field("edges", graph.edgeCount)
        w.field("total_weight", graph.totalWeight)
        w.field("components", analysis.components.count)
        w.field("largest_component", analysis.components.sizes.first ?? 0)
        w.key("parameters")
        w.beginObject()
        p.writeFields(to: &w)
        w.endObject()
        w.endObject()
    }

    private static func writeCommunities(_ analysis: Analysis, store: Store?, to w: inout JSONWriter) {
        let graph = analysis.graph
        let c = analysis.communities
        w.key("communities")
        w.beginArray()
        for id in 0..<c.count {
            w.beginObject()
            w.field("id", id)
            w.field("size", c.size[id])
            w.field("internal_edges", c.internalEdges[id])
            w.field("internal_weight", c.internalWeight[id])
            w.field("volume", c.volume[id])
            w.field("density", c.density[id])
            w.field("internal_weight_share", c.internalWeightShare[id])
            w.field("conductance", c.conductance[id])
            w.field("ei_index", c.eiIndex[id])
            let profile = id < analysis.profiles.count ? analysis.profiles[id] : CommunityProfile()
            w.key("top_hashtags")
            items(profile.topHashtags, store, to: &w)
            w.key("top_sounds")
            items(profile.topSounds, store, to: &w)
            w.key("top_authors")
            items(profile.topAuthors, store, to: &w)
            w.key("central_members")
            w.beginArray()
            for member in profile.centralMembers {
                w.beginObject()
                w.field("label", graph.label(of: member, in: store))
                w.field("pagerank", analysis.pageRank.rank[member])
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.field("mixing_communities", c.mixing.count)
        w.key("mixing")
        w.beginArray()
        for row in c.mixing {
            w.beginArray()
            for value in row { w.double(value) }
            w.endArray()
        }
        w.endArray()
    }

    private static func writeNodes(_ analysis: Analysis, store: Store?, to w: inout JSONWriter) {
        let graph = analysis.graph
        let l = analysis.leiden
        let d = analysis.degrees
        w.key("nodes")
        w.beginArray()
        for u in 0..<graph.nodeCount {
            w.beginObject()
            w.field("id", u)
            w.field("label", graph.label(of: u, in: store))
            w.field("type", graph.nodeTypes[u].name)
            w.field("community", Int(l.membership[u]))
            w.field("pagerank", analysis.pageRank.rank[u])
            w.field("degree", d.degree[u])
            w.field("in_degree", d.inDegree[u])
            w.field("out_degree", d.outDegree[u])
            w.field("strength", d.strength[u])
            w.field("participation", analysis.roles.participation[u])
            w.field("within_module_z", analysis.roles.withinModuleZ[u])
            w.field("role", analysis.roles.role[u].rawValue)
            w.field("core", analysis.cores.core[u])
            w.field("clustering", analysis.clustering.coefficient[u])
            if let b = analysis.betweenness { w.field("betweenness", b.centrality[u]) }
            w.endObject()
        }
        w.endArray()
    }

    private static func items(_ list: [RankedItem], _ store: Store?, to w: inout JSONWriter) {
        w.beginArray()
        for item in list {
            w.beginObject()
            w.field("label", item.label(in: store))
            w.field("count", item.count)
            w.endObject()
        }
        w.endArray()
    }
}

extension GraphParameters {
    /// Writes the options a graph was built with as fields of the open JSON object: `since`, `until`,
    /// `kinds`, `min_weight`, `min_degree`, `largest_component_only`, then the builder's own settings.
    ///
    /// `analyze --json` nests them under `"parameters"` and `exposure --json` puts them beside the
    /// graph's size; one writer keeps the two documents' keys and number forms the same.
    func writeFields(to w: inout JSONWriter) {
        w.key("since")
        if let since { w.uint(UInt64(since)) } else { w.null() }
        w.key("until")
        if let until { w.uint(UInt64(until)) } else { w.null() }
        w.key("kinds")
        if let kinds {
            w.beginArray()
            for kind in kinds { w.string(kind.name) }
            w.endArray()
        } else {
            w.null()
        }
        w.field("min_weight", Double(minWeight))
        w.field("min_degree", minDegree)
        w.field("largest_component_only", largestComponentOnly)
        for (name, value) in settings {
            w.key(name)
            w.string(value)
        }
    }
}
