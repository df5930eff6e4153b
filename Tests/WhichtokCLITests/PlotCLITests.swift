import Foundation
import Testing
import WhichtokTestSupport

/// `whichtok plot` on the sample archives (issue 14).
@Suite("whichtok plot")
struct PlotCLITests {
    @Test(
        "plots the sample archives as PNG, SVG and PDF, the same bytes twice",
        .enabled(if: Whichtok.binary != nil, "skipped: the whichtok binary was not built"))
    func samples() throws {
        let folder = try TemporaryFolder("plot")
        let imported = try Whichtok.run(
            ["import", "--store", "s.store", PackageFolder.sampleArchives], in: folder.path)
        try #require(imported.status == 0, "\(imported.stderr)")
        for name in ["map.png", "map.svg", "map.pdf"] {
            let arguments = ["plot", "--store", "s.store", "--width", "900", "--height", "600", "-o", name]
            let first = try Whichtok.run(arguments, in: folder.path)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stderr.contains("wrote \(name): "), "\(first.stderr)")
            #expect(!first.stderr.contains("boxes"), "\(first.stderr)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: folder.file(name)))
            let second = try Whichtok.run(arguments, in: folder.path)
            #expect(second.status == 0, "\(second.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file(name))) == bytes, "\(name) changed")
            switch name {
            case "map.png":
                #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
                // IHDR: width and height, big-endian, at bytes 16–23.
                let size = bytes.subdata(in: 16..<24).reduce(into: [UInt32]()) { $0.append(UInt32($1)) }
                #expect(size[0] << 24 | size[1] << 16 | size[2] << 8 | size[3] == 900)
                #expect(size[4] << 24 | size[5] << 16 | size[6] << 8 | size[7] == 600)
            case "map.svg":
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(text.contains("<svg"))
                #expect(text.contains("width=\"900px\" height=\"600px\""))
            default:
                #expect(bytes.starts(with: Array("%PDF-".utf8)))
            }
        }
    }

    @Test(
        "refuses the store as output, unknown formats and bad sizes, writing nothing",
        .enabled(if: Whichtok.binary != nil, "skipped: the whichtok binary was not built"))
    func refusals() throws {
        let folder = try TemporaryFolder("plot")
        let imported = try Whichtok.run(["import", "--store", "s.png", PackageFolder.sampleArchives], in: folder.path)
        try #require(imported.status == 0, "\(imported.stderr)")
        let before = try Data(contentsOf: URL(fileURLWithPath: folder.file("s.png")))
        let overwrite = try Whichtok.run(["plot", "--store", "s.png", "-o", "s.png"], in: folder.path)
        #expect(overwrite.status == 64)
        #expect(overwrite.stderr.contains("is the store"), "\(overwrite.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("s.png"))) == before)
        for arguments in [
            ["-o", "map.jpg"], ["-o", "map.png", "--width", "10"], ["-o", "map.png", "--labels", "-1"],
        ] {
            let result = try Whichtok.run(["plot", "--store", "s.png"] + arguments, in: folder.path)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("map.png")))
        let missing = try Whichtok.run(["plot", "--store", "none.store", "-o", "map.png"], in: folder.path)
        #expect(missing.status == 66)
    }
}
