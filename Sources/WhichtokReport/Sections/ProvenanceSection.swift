import WhichtokGraph
import WhichtokStore
import WhichtokSupport

/// "How this was made": the whichtok version, the store's checksum, every parameter of the graph,
/// the analysis and the exposure, every option, and the command line that makes the same report.
enum ProvenanceSection {
    static func write(_ context: ReportContext, to w: inout HTMLWriter) {
        let provenance = context.input.provenance
        let analysis = context.analysis
        let graph = context.graph
        w.raw(
            "<section id=\"made\" aria-labelledby=\"made-h\" class=\"made\">\n<h2 id=\"made-h\">How this was made</h2>\n"
        )
        w.element(
            "p", [],
            "The same store and options give a byte-identical report. To make it again, run the command below on a store with the same checksum."
        )
        w.newline()
        w.raw("<pre><code>")
        w.text(provenance.commandLine)
        w.raw("</code></pre>\n")
        var rows: [(String, String)] = [("whichtok version", provenance.version)]
        if let name = provenance.storeName { rows.append(("Store file", name)) }
        if let bytes = provenance.storeBytes { rows.append(("Store size", Numbers.count(bytes) + " bytes")) }
        if let digest = provenance.storeSHA256 { rows.append(("Store SHA-256", digest)) }
        let p = graph.parameters
        rows.append(("Graph", "\(graph.kind.rawValue), \(graph.isDirected ? "directed" : "undirected")"))
        rows.append(("Since", p.since.map { time(UInt64($0)) } ?? "no limit"))
        rows.append(("Until", p.until.map { time(UInt64($0)) } ?? "no limit"))
        rows.append(("Event kinds", p.kinds.map { $0.map(\.name).joined(separator: ", ") } ?? "the builder's defaults"))
        rows.append(("Minimum edge weight", Numbers.fixed(Double(p.minWeight), 3)))
        rows.append(("Minimum degree", String(p.minDegree)))
        rows.append(("Largest component only", p.largestComponentOnly ? "yes" : "no"))
        for (name, value) in p.settings { rows.append((name.replacingUnderscores(), value)) }
        let l = analysis.leiden
        rows.append(
            (
                "Leiden",
                "\(l.parameters.objective.rawValue), resolution \(l.parameters.resolution), seed \(l.parameters.seed), \(l.parameters.iterations) iterations (\(l.iterationsDone) done, \(l.levels) levels), quality \(Numbers.fixed(l.quality, 6))"
            ))
        rows.append(("Modularity (γ = 1)", Numbers.fixed(analysis.modularity, 6)))
        let pr = analysis.pageRank
        rows.append(
            (
                "PageRank",
                "damping \(pr.parameters.damping), tolerance \(pr.parameters.tolerance), \(pr.iterations) iterations"
            ))
        if let b = analysis.betweenness {
            rows.append(
                (
                    "Betweenness",
                    b.isExact
                        ? "exact (\(b.parameters.distance.rawValue))"
                        : "sampled from \(b.sources) sources, seed \(b.parameters.seed), error ≤ \(Numbers.fixed(b.errorBound, 4)) at 95 %"
                ))
        }
        if let exposure = context.input.exposure {
            let o = exposure.options
            let weights = EventKind.allCases.filter { o.voteWeights[$0] > 0 }.map {
                "\($0.name)=\(o.voteWeights[$0])"
            }
            rows.append(
                (
                    "Exposure",
                    "kinds \(exposure.kinds.map(\.name).joined(separator: ", ")); per \(o.period.rawValue); \(o.minPeriodEvents) assigned events make a period count; shifts last \(o.shiftPersistence) periods; vote weights \(weights.joined(separator: ", "))"
                ))
        }
        if let map = context.input.map {
            for (name, value) in map.parameters { rows.append((name, value)) }
        }
        w.raw("<table class=\"kv\"><caption>Inputs and parameters</caption><tbody>\n")
        for (name, value) in rows {
            w.raw("<tr><th scope=\"row\">")
            w.text(name)
            w.raw("</th><td>")
            w.text(value)
            w.raw("</td></tr>\n")
        }
        w.raw("</tbody></table>\n")
        if !provenance.options.isEmpty {
            w.raw(
                "<details><summary>Every option of the command</summary>\n<table class=\"kv\"><caption>Options in effect, defaults included</caption><tbody>\n"
            )
            for (name, value) in provenance.options {
                w.raw("<tr><th scope=\"row\"><code>")
                w.text(name)
                w.raw("</code></th><td>")
                w.text(value)
                w.raw("</td></tr>\n")
            }
            w.raw("</tbody></table></details>\n")
        }
        w.raw("</section>\n")
    }

    /// `2024-03-01T00:00:00Z`.
    private static func time(_ seconds: UInt64) -> String {
        CivilTime(unixTime: Int64(seconds)).text(.iso8601)
    }
}

extension String {
    /// `top_k` → `top k`.
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? " " : $0 })
    }
}
