import ArgumentParser
import WhichtokGraph
import WhichtokPlot
import WhichtokStore

/// `whichtok plot`: the map of the niches as PNG, SVG or PDF.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw the map of the niches as PNG, SVG or PDF.",
        discussion: """
            Builds and analyses the graph as 'analyze' does (same options), lays it out with ForceAtlas2 \
            (the seed and parameters 'export' uses) and draws it with cairo: nodes as discs coloured by \
            niche (the colours 'export' writes) and sized by PageRank, edges below them with opacity \
            following weight (above 100,000 edges each node's heaviest edges first), the accounts with the \
            highest PageRank labelled without overlap, a legend naming each large niche by its top \
            hashtags and a caption with the graph, its counts, modularity and parameters. The format \
            follows the extension of -o. Text is laid out with Pango, so emoji and non-Latin names render. \
            The same store and options always give byte-identical files.
            Exit status: 0 ok, 1 failure, 64 usage (also: an output that is the store or the edge list), \
            65 malformed edge list, 66 store or file missing, 73 cannot write the output.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var graphOptions: GraphOptions

    @Option(
        name: [.customShort("o"), .long],
        help: ArgumentHelp("The file to write: .png, .svg or .pdf.", valueName: "file"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("Width in pixels (PDF: at 300 per inch).", valueName: "px"))
    var width: Int = Int(MapScene.Options().width)

    @Option(name: .long, help: ArgumentHelp("Height in pixels.", valueName: "px"))
    var height: Int = Int(MapScene.Options().height)

    @Option(name: .long, help: ArgumentHelp("Accounts labelled (highest PageRank first).", valueName: "n"))
    var labels: Int = MapScene.Options().labels

    @Option(name: .long, help: ArgumentHelp("ForceAtlas2 iterations.", valueName: "n"))
    var layoutIterations: Int = ForceAtlas2.Parameters().iterations

    @Option(name: .long, help: ArgumentHelp("The title (default: Niches of the <kind> graph).", valueName: "text"))
    var title: String?

    @Flag(name: .long, help: "Print the time of each phase to stderr.")
    var timings = false

    @Flag(name: .long, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        guard PlotFormat(path: output) != nil else {
            throw ValidationError("-o must name a .png, .svg or .pdf file, found '\(output)'")
        }
        guard (64...20_000).contains(width), (64...20_000).contains(height) else {
            throw ValidationError("--width and --height must be between 64 and 20000 pixels")
        }
        guard labels >= 0 else { throw ValidationError("--labels must not be negative") }
        guard layoutIterations >= 0 else { throw ValidationError("--layout-iterations must not be negative") }
    }

    func run() throws {
        try StoreAccess.refuseOverwriting(
            outputs: [("-o", output)],
            protected: [("the store", storeOptions.path)]
                + (graphOptions.edgelist.map { [("the edge list", $0)] } ?? []))
        var clock = Clock()
        let (graph, store, analysis) = try graphOptions.analysedGraph(storePath: storeOptions.path, clock: &clock)
        var parameters = ForceAtlas2.Parameters()
        parameters.iterations = layoutIterations
        parameters.seed = graphOptions.seed
        let showProgress = !quiet && Console.stderrIsTerminal
        let layoutProgress = Progress(enabled: showProgress, label: "layout", unit: "iterations")
        let layout = clock.time("layout") {
            ForceAtlas2(graph, parameters: parameters, communities: analysis.leiden.membership) { done in
                layoutProgress.update(done: done, total: layoutIterations)
            }
        }
        layoutProgress.finish()
        var options = MapScene.Options()
        options.width = Double(width)
        options.height = Double(height)
        options.labels = labels
        options.title = title
        let text = PangoText()
        let scene = clock.time("scene") {
            MapScene(analysis: analysis, store: store, layout: layout, options: options) {
                text.measure($0, fontSize: $1)
            }
        }
        let drawProgress = Progress(enabled: showProgress, label: "drawing", unit: "shapes")
        let result: RenderResult
        do {
            result = try clock.time("draw") { () throws(PlotError) -> RenderResult in
                try PlotRenderer.write(scene, to: output, text: text) { done, total in
                    drawProgress.update(done: done, total: total)
                }
            }
        } catch let error as PlotError {
            drawProgress.finish()
            Console.error("whichtok: error: \(Console.printable(error.description))")
            throw ExitCode(Exit.cannotCreate)
        }
        drawProgress.finish()
        if timings {
            clock.report(
                inner: analysis.timings,
                summary: "nodes \(graph.nodeCount) edges \(graph.edgeCount) layout_iterations \(layout.iterationsDone) "
                    + "edges_drawn \(scene.edgeSelection.drawn)")
        }
        if result.unknownGlyphs > 0 {
            Console.error(
                "whichtok: warning: \(result.unknownGlyphs) character(s) of labels have no font and show as boxes")
        }
        if !quiet {
            var line = "wrote \(Console.printable(output)): \(grouped(graph.nodeCount)) nodes, "
            line += "\(grouped(scene.edgeSelection.drawn)) of \(grouped(scene.edgeSelection.total)) edges, "
            line += "\(grouped(scene.labels.count)) label\(scene.labels.count == 1 ? "" : "s"), "
            line += "\(grouped(scene.legend.count)) niche\(scene.legend.count == 1 ? "" : "s") in the legend"
            Console.error(line)
        }
    }
}
