import Foundation
import Testing
import WhichtokTestSupport

/// Headless Chromium (Debian's `chromium`), run without a network: in a new network namespace when
/// `unshare -rn` works here, and in any case through a proxy that does not exist with every host name
/// unresolvable, so a page that tried to fetch something could not.
enum Browser {
    static let chromium: String? =
        ExternalTool.onPath("chromium") ?? ExternalTool.onPath("chromium-browser")
        ?? ExternalTool.onPath("google-chrome")

    /// `unshare -rn` (a user and network namespace) when it works on this machine.
    static let isolation: [String] = {
        guard let unshare = ExternalTool.onPath("unshare"),
            (try? ChildProcess.run(unshare, ["-rn", "true"], timeout: 30).status) == 0
        else { return [] }
        return [unshare, "-rn"]
    }()

    /// Runs Chromium headless on `page` with `arguments` (`--dump-dom`, `--screenshot=…`), logging the
    /// page's console messages to stderr.
    static func run(_ arguments: [String], page: String) throws -> ProcessOutput {
        let chromium = try #require(chromium)
        let flags = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
        ]
        let command = isolation + [chromium] + flags + arguments + ["file://" + page]
        return try ChildProcess.run(
            command[0], Array(command.dropFirst()), environment: ["HOME": NSTemporaryDirectory()], timeout: 120)
    }

    /// The console messages Chromium logged for the page (errors, uncaught exceptions, logs): those whose
    /// source is a local file. Chromium's own pages (`chrome://…`) log now and then under load.
    static func consoleMessages(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") && $0.contains("source: file://") }
            .map(String.init)
    }
}

/// The report of the committed sample archives, made once with the built binary.
enum SampleReport {
    static let folder = try? TemporaryFolder("report-sample")
    static let made: (report: String, store: String)? = {
        guard let folder,
            let imported = try? Whichtok.run([
                "import", "--quiet", "--store", folder.file("s.store"), PackageFolder.sampleArchives,
            ]), imported.status == 0,
            let report = try? Whichtok.run([
                "report", "--quiet", "--store", folder.file("s.store"), "-o", folder.file("report.html"),
            ]), report.status == 0
        else { return nil }
        return (folder.file("report.html"), folder.file("s.store"))
    }()

    static func path() throws -> String { try #require(made, "import or report of SampleArchives failed").report }
}

/// Pixels of a PNG, decoded by Python's standard library (zlib; no imaging package needed).
enum PNGPixels {
    static let script = """
        import sys, zlib, struct
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'not a PNG'
        pos, idat = 8, b''
        while pos < len(data):
            n, = struct.unpack('>I', data[pos:pos + 4]); kind = data[pos + 4:pos + 8]; body = data[pos + 8:pos + 8 + n]
            pos += 12 + n
            if kind == b'IHDR':
                w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
                assert depth == 8 and ctype in (2, 6), 'unexpected PNG format'
                bpp = 3 if ctype == 2 else 4
            elif kind == b'IDAT':
                idat += body
        raw = zlib.decompress(idat); stride = w * bpp; prev = bytearray(stride); i = 0
        colours = {}; white = 0
        for y in range(h):
            f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                if f == 1: line[x] = (line[x] + a) & 255
                elif f == 2: line[x] = (line[x] + b) & 255
                elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                elif f == 4:
                    c = prev[x - bpp] if x >= bpp else 0
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            for x in range(0, stride, bpp):
                key = bytes(line[x:x + 3])
                colours[key] = colours.get(key, 0) + 1
            prev = line
        print(w, h)
        for key, count in colours.items():
            print(key.hex(), count)
        """

    /// Width, height and the pixel count of each colour (`rrggbb`).
    static func colours(of path: String, in folder: TemporaryFolder) throws -> (Int, Int, [String: Int]) {
        let python = try #require(ExternalTool.python3)
        let script = try folder.write("png.py", script)
        let result = try ChildProcess.run(python, [script, path], timeout: 300)
        try #require(result.status == 0, "\(result.stderr)")
        var lines = result.stdout.split(separator: "\n")
        let size = lines.removeFirst().split(separator: " ").compactMap { Int($0) }
        var colours: [String: Int] = [:]
        for line in lines {
            let parts = line.split(separator: " ")
            if parts.count == 2, let count = Int(parts[1]) { colours[String(parts[0])] = count }
        }
        return (size.first ?? 0, size.last ?? 0, colours)
    }
}

@Suite(
    "Report in a browser", .serialized,
    .enabled(if: Browser.chromium != nil, "skipped: chromium is missing (make test-deps installs it)"))
struct BrowserTests {
    @Test("the console check sees a page's console error and an uncaught exception")
    func consoleCheckWorks() throws {
        let folder = try TemporaryFolder("report-console")
        let page = try folder.write(
            "bad.html", "<!DOCTYPE html><p>x</p><script>console.error('planted');null.f();</script>")
        let result = try Browser.run(["--dump-dom"], page: page)
        let messages = Browser.consoleMessages(result.stderr)
        #expect(messages.contains { $0.contains("planted") })
        #expect(messages.contains { $0.contains("Uncaught") })
    }

    @Test("the sample report: every niche's label is in the rendered DOM, and the console stays silent")
    func dom() throws {
        let page = try SampleReport.path()
        let result = try Browser.run(["--dump-dom"], page: page)
        try #require(result.status == 0, "\(result.stderr.suffix(2000))")
        #expect(Browser.consoleMessages(result.stderr).isEmpty, "\(Browser.consoleMessages(result.stderr))")
        let dom = result.stdout
        #expect(dom.contains("<h2 id=\"niches-h\">Niches</h2>"))
        // The script ran: the search box is shown and the table headers became sort buttons.
        #expect(dom.contains("<p class=\"search\">"))
        #expect(dom.contains("<th scope=\"col\"><button type=\"button\">"))
        // The niche labels, as `exposure --json` names them.
        let store = try #require(SampleReport.made).store
        let exposure = try Whichtok.run(["exposure", "--store", store, "--json"])
        try #require(exposure.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(exposure.stdout.utf8)) as? [String: Any])
        let niches = try #require(json["niches"] as? [[String: Any]])
        try #require(niches.count >= 2)
        for niche in niches {
            let label = try #require(niche["label"] as? String)
            let id = try #require(niche["id"] as? Int)
            let escaped = label.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\u{A0}", with: "&nbsp;")
            #expect(dom.contains("Niche \(id): <bdi>\(escaped)</bdi>"), "niche \(id): \(label)")
        }
    }

    @Test("a screenshot of the sample report is not blank: text, bars and every niche's colour")
    func screenshot() throws {
        let page = try SampleReport.path()
        let folder = try TemporaryFolder("report-shot")
        let shot = folder.file("shot.png")
        let result = try Browser.run(
            ["--window-size=1200,3200", "--hide-scrollbars", "--screenshot=" + shot], page: page)
        try #require(result.status == 0, "\(result.stderr.suffix(2000))")
        #expect(Browser.consoleMessages(result.stderr).isEmpty, "\(Browser.consoleMessages(result.stderr))")
        let (width, height, colours) = try PNGPixels.colours(of: shot, in: folder)
        #expect(width == 1200 && height == 3200)
        let total = colours.values.reduce(0, +)
        let white = colours["ffffff"] ?? 0
        #expect(total == width * height)
        #expect(Double(total - white) / Double(total) > 0.03, "almost all white")
        #expect(colours.count > 50, "only \(colours.count) colours")
        // Each coloured niche's swatch is drawn in its colour (the page's `.nN` rules).
        let html = try String(contentsOfFile: page, encoding: .utf8)
        var nicheColours: [String] = []
        var rest = Substring(html)
        while let range = rest.range(of: "{fill:#") {
            // `.n3{fill:#…}`: a niche's own colour (not the grey of the small niches).
            if range.lowerBound > rest.startIndex, rest[rest.index(before: range.lowerBound)].isNumber {
                nicheColours.append(String(rest[range.upperBound...].prefix(6)))
            }
            rest = rest[range.upperBound...]
        }
        try #require(nicheColours.count >= 2)
        for colour in nicheColours { #expect((colours[colour] ?? 0) > 20, "niche colour #\(colour) not on screen") }
    }

    @Test("the page's script: sorting, search, map highlight and zoom work without a console error")
    func script() throws {
        let page = try SampleReport.path()
        let folder = try TemporaryFolder("report-script")
        // The report with a test script that uses each feature once, then writes what it saw.
        let probe = """
            <script>
            window.addEventListener("load", function () {
              var button = document.querySelector("#central-table thead th:nth-child(4) button");
              button.click(); button.click();
              var q = document.getElementById("q");
              q.value = "no-such-niche-or-account"; q.dispatchEvent(new Event("input"));
              var hidden = document.querySelectorAll(".card.hidden").length;
              var svg = document.getElementById("mapsvg");
              svg.querySelector("circle").dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
              var before = svg.getAttribute("viewBox");
              svg.dispatchEvent(new WheelEvent("wheel", {deltaY: -100, clientX: 50, clientY: 50, bubbles: true, cancelable: true}));
              var p = document.createElement("p");
              p.id = "probe";
              p.textContent = "sort=" + button.parentNode.getAttribute("aria-sort") + " hidden=" + hidden +
                " highlight=" + svg.classList.contains("hl") + " zoomed=" + (svg.getAttribute("viewBox") !== before);
              document.body.appendChild(p);
            });
            </script>
            """
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let probed = try folder.write("probed.html", html.replacingOccurrences(of: "</body>", with: probe + "</body>"))
        let result = try Browser.run(["--dump-dom"], page: probed)
        try #require(result.status == 0, "\(result.stderr.suffix(2000))")
        #expect(Browser.consoleMessages(result.stderr).isEmpty, "\(Browser.consoleMessages(result.stderr))")
        let cards = html.components(separatedBy: "<article class=\"card\"").count - 1
        #expect(
            result.stdout.contains("<p id=\"probe\">sort=descending hidden=\(cards) highlight=true zoomed=true</p>"))
    }

    @Test("the sample report asks for nothing from the network")
    func offline() throws {
        let html = try String(contentsOfFile: try SampleReport.path(), encoding: .utf8)
        #expect(networkReferences(html).isEmpty, "\(networkReferences(html))")
    }
}
