import Foundation
import Testing
import WhichtokImport
import WhichtokTestSupport

@testable import WhichtokScrape
@testable import WhichtokStore

@Suite("HAR redaction")
struct RedactionTests {
    @Test("an exchange keeps cookie and parameter names; their values become [redacted]")
    func exchange() {
        let exchange = HTTPExchange(
            startedSeconds: 0, startedNanoseconds: 0,
            url: "https://www.tiktok.com/api/post/item_list/?aid=1988&secUid=MS4w&msToken=tok1&X-Bogus=sig2&cursor=0",
            requestHeaders: [
                HTTPField("Cookie", "sessionid=abc123; ttwid=1%7Cxyz"), HTTPField("Authorization", "Bearer key4"),
                HTTPField("Referer", "https://www.tiktok.com/@bob?msToken=tok1"), HTTPField("User-Agent", "UA"),
            ],
            requestCookies: [HTTPField("sessionid", "abc123"), HTTPField("ttwid", "1%7Cxyz")], status: 200,
            responseHeaders: [
                HTTPField(
                    "Set-Cookie", "msToken=tok5; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT, ttwid=t6; Path=/"),
                HTTPField("X-Ms-Token", "tok7"),
            ],
            body: Array(#"{"access_token":"act8","open_id":"o","expires_in":86400}"#.utf8), waitMilliseconds: 1,
            receiveMilliseconds: 1, error: nil, resourceType: "fetch", target: "user:bob", attempt: 1)
        var posted = exchange
        posted.requestBody = Array("client_key=k9&client_secret=s10&grant_type=client_credentials".utf8)
        #expect(HARRedaction.parameters(in: "a=1&client_key=[redacted]&b=2") == "a=1&client_key=[redacted]&b=2")
        let redacted = HARRedaction.redact(posted)
        #expect(
            redacted.url
                == "https://www.tiktok.com/api/post/item_list/?aid=1988&secUid=MS4w&msToken=[redacted]&X-Bogus=[redacted]&cursor=0"
        )
        #expect(
            redacted.requestHeaders.map(\.value) == [
                "sessionid=[redacted]; ttwid=[redacted]", "Bearer [redacted]",
                "https://www.tiktok.com/@bob?msToken=[redacted]", "UA",
            ])
        #expect(redacted.requestCookies.map(\.value) == ["[redacted]", "[redacted]"])
        #expect(
            redacted.responseHeaders[0].value
                == "msToken=[redacted]; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT, ttwid=[redacted]; Path=/")
        #expect(redacted.responseHeaders[1].value == "[redacted]")
        #expect(
            String(decoding: redacted.body, as: UTF8.self)
                == #"{"access_token":"[redacted]","open_id":"o","expires_in":86400}"#)
        let entry = String(decoding: HARWriter.entry(redacted), as: UTF8.self)
        #expect(
            redacted.requestBody.map { String(decoding: $0, as: UTF8.self) }
                == "client_key=[redacted]&client_secret=[redacted]&grant_type=client_credentials")
        for secret in ["tok1", "sig2", "abc123", "xyz", "key4", "tok5", "t6", "tok7", "act8", "k9", "s10"] {
            #expect(!entry.contains(secret), "\(secret)")
        }
    }

    @Test("parameters in forms, query strings and JSON; names inside other words are left alone")
    func parameters() {
        #expect(
            HARRedaction.parameters(in: "client_key=k1&client_secret=s2&grant_type=client_credentials")
                == "client_key=[redacted]&client_secret=[redacted]&grant_type=client_credentials")
        #expect(
            HARRedaction.parameters(in: #"{"fp": 12, "x": {"refresh_token" : "r\"q"}}"#)
                == #"{"fp": "[redacted]", "x": {"refresh_token" : "[redacted]"}}"#)
        #expect(HARRedaction.parameters(in: "notmsToken=1&amsToken=2") == "notmsToken=1&amsToken=2")
        // Every listed name is found, whatever letter it starts with.
        for name in HARRedaction.secretParameters {
            #expect(HARRedaction.parameters(in: "a=1&\(name)=v9&b=2") == "a=1&\(name)=[redacted]&b=2", "\(name)")
            #expect(HARRedaction.parameters(in: #"{"\#(name)":"v9"}"#) == #"{"\#(name)":"[redacted]"}"#, "\(name)")
        }
        #expect(HARRedaction.parameters(in: "/video/123?is_from_webapp=1") == "/video/123?is_from_webapp=1")
    }

    /// The sample captures' HAR bytes: Chrome's file and the HAR inside Firefox's zip.
    static func sampleHARs() throws -> [(name: String, bytes: [UInt8])] {
        let folder = PackageFolder.sampleArchives + "/archives/"
        let chrome = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "web-capture-000-chrome.har")))
        var hars = [("chrome.har", chrome)]
        if let bsdtar = ExternalTool.bsdtar {
            let firefox = try ChildProcess.run(bsdtar, ["-xOf", folder + "web-capture-001-firefox.zip"])
            if firefox.status == 0 { hars.append(("firefox.har", [UInt8](firefox.stdoutData))) }
        }
        return hars
    }

    /// A Firefox-shaped entry with every kind of secret, inserted into a sample HAR.
    static let planted = #"""
        {"startedDateTime": "2026-06-03T11:00:02.000+02:00", "time": 1,
         "request": {"method": "POST", "url": "https://www.tiktok.com/passport/x/?verifyFp=verify_p1&aid=1988",
          "httpVersion": "http/2.0",
          "headers": [{"name": "Cookie", "value": "sessionid=p2; sid_tt=p3"}, {"name": "X-Gnarly", "value": "p4"},
                      {"value": "p5", "name": "x-secsdk-csrf-token"}],
          "cookies": [{"name": "sessionid", "value": "p2"}, {"name": "sid_tt", "value": "p3"}],
          "queryString": [{"name": "verifyFp", "value": "verify_p1"}, {"name": "aid", "value": "1988"}],
          "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "client_secret=p6&x=1",
                       "params": [{"name": "client_secret", "value": "p6"}, {"name": "x", "value": "1"}]},
          "headersSize": -1, "bodySize": 20},
         "response": {"status": 200, "statusText": "OK", "httpVersion": "http/2.0",
          "headers": [{"name": "set-cookie", "value": "sessionid=p7; path=/\nsid_guard=p8; path=/"}],
          "cookies": [{"name": "sessionid", "value": "p7", "path": "/"}],
          "content": {"size": 30, "mimeType": "application/json", "text": "{\"access_token\": \"p9\u00e9\"}"},
          "redirectURL": "", "headersSize": -1, "bodySize": 30},
         "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}},
        """#

    static func importStore(_ path: String) -> Store {
        let run = Importer(parallelism: 1).run(paths: [path])
        var builder = StoreBuilder(store: Store())
        builder.add(contentsOf: run.batches)
        return builder.build()
    }

    @Test("a redacted browser HAR holds none of the secrets and imports to the same store")
    func fileRedaction() throws {
        let scratch = try TemporaryFolder()
        for (name, original) in try Self.sampleHARs() {
            var text = String(decoding: original, as: UTF8.self)
            let entries = try #require(text.range(of: "\"entries\": ["))
            text.insert(contentsOf: "\n" + Self.planted, at: entries.upperBound)
            let input = Array(text.utf8)
            var secrets = ["verify_p1", "p2", "p3", "p4", "p5", "p6", "p7", "p9"].map { "\"" + $0 }
            secrets += ["=verify_p1", "=p2", "=p3", "=p6", "=p7", "=p8"]
            // The sample captures' own request signatures and tokens.
            for key in ["msToken=", "X-Bogus="] {
                var rest = Substring(text)
                while let range = rest.range(of: key) {
                    let value = rest[range.upperBound...].prefix {
                        $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_"
                    }
                    if value.count >= 8 { secrets.append(key + value) }
                    rest = rest[range.upperBound...]
                }
            }
            #expect(secrets.count > 20 || name == "firefox.har")
            for secret in secrets { #expect(text.contains(secret), "\(name): \(secret) is not in the input") }

            let (bytes, replaced) = try HARFileRedaction.redact(input)
            let output = String(decoding: bytes, as: UTF8.self)
            #expect(replaced >= 14)
            for secret in secrets { #expect(!output.contains(secret), "\(name): \(secret) is still there") }
            #expect(output.contains(#""aid", "value": "1988""#) || output.contains(#""aid","value":"1988""#))

            // The same store file, but for the input's fingerprint and size (its bytes differ): the
            // two HARs are imported under the same path, one after the other.
            let path = scratch.file(name)
            try Data(input).write(to: URL(fileURLWithPath: path))
            let a = Self.importStore(path)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            var b = Self.importStore(path)
            #expect(a.videos.count > 10 && a.accounts.count > 10, "\(name): nothing imported")
            #expect(a.inputs.sha256 != b.inputs.sha256)
            b.inputs.sha256 = a.inputs.sha256
            b.inputs.byteCount = a.inputs.byteCount
            #expect(a == b, "\(name): the redacted HAR imports to another store")
            try a.save(to: scratch.file(name + ".a.store"))
            try b.save(to: scratch.file(name + ".b.store"))
            #expect(try scratch.read(name + ".a.store") == scratch.read(name + ".b.store"))
        }
    }

    @Test("malformed HAR: an error with the place")
    func malformed() throws {
        #expect(throws: HARFileRedactionError.self) {
            try HARFileRedaction.redact(Array(#"{"log": {"entries": [}"#.utf8))
        }
        do {
            _ = try HARFileRedaction.redact(Array("{\"log\":\n  {\"x\": tru e}}".utf8))
            Issue.record("no error")
        } catch {
            let place = HARFileRedaction.lineAndColumn(of: error.offset, in: Array("{\"log\":\n  {\"x\": tru e}}".utf8))
            #expect(place.line == 2)
        }
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        #expect(throws: HARFileRedactionError.self) { try HARFileRedaction.redact(deep) }
    }
}
