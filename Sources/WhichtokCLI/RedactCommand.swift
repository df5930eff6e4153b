import ArgumentParser
import WhichtokExport
import WhichtokScrape

/// `whichtok redact IN.har -o OUT.har`: a HAR without the session secrets, to share or archive.
struct RedactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redact",
        abstract: "Copy a HAR file with cookies, tokens and request signatures replaced by [redacted].",
        discussion: """
            For a HAR saved by a browser (Chrome, Firefox) before it is shared or archived; 'scrape' already \
            writes its HAR this way unless --keep-secrets. Replaced: the values of all cookies (Cookie and \
            Set-Cookie headers, the cookies lists), the Authorization, X-Bogus, X-Gnarly, CSRF and token \
            headers, and the parameters msToken, X-Bogus, X-Gnarly, _signature, verifyFp, fp, device_id, \
            odinId, access_token, refresh_token, client_key, client_secret (and a few more, see the README) \
            in URLs, query strings, posted forms and text bodies. Everything else is copied byte for byte, \
            so 'whichtok import' reads the redacted HAR as it reads the original. The output is written to a \
            temporary file and renamed (mode 0600); IN is never overwritten.
            Exit status: 0 ok, 64 usage (also: OUT is IN), 65 IN is not valid JSON, 66 IN missing, 73 cannot \
            write OUT.
            """)

    @Argument(help: ArgumentHelp("The HAR file to read.", valueName: "in.har"))
    var input: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The redacted HAR to write.", valueName: "out.har"))
    var output: String

    func validate() throws {
        if input.isEmpty || output.isEmpty { throw ValidationError("name the input HAR and -o OUT.har") }
    }

    func run() throws {
        try StoreAccess.refuseOverwriting(outputs: [("-o", output)], protected: [("the input", input)])
        let bytes = try GraphOptions.readFile(input)
        let result: (bytes: [UInt8], replaced: Int)
        do {
            result = try HARFileRedaction.redact(bytes)
        } catch {
            let place = HARFileRedaction.lineAndColumn(of: error.offset, in: bytes)
            Console.error(
                "whichtok: error: \(Console.printable(input)): line \(place.line), column \(place.column): "
                    + "\(error.message) (nothing was written)")
            throw ExitCode(Exit.dataError)
        }
        do {
            // Mode 0600: a HAR without secrets still holds what a person saw and did.
            try Exporter.writeFile(result.bytes, to: output, mode: 0o600)
        } catch {
            Console.error("whichtok: error: \(Console.printable(error.description)) (nothing was written)")
            throw ExitCode(Exit.cannotCreate)
        }
        Console.error("redacted \(grouped(result.replaced)) values; wrote \(Console.printable(output))")
    }
}
