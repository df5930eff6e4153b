import ArgumentParser
import Foundation
import Testing
import WhichtokCLI
import WhichtokTestSupport

/// The `--help` text of every command, compared byte for byte with `HelpTexts/NAME.txt`.
///
/// Help texts are a contract like exit codes and `--json` keys: scripts and documentation quote
/// them, so a change must be seen in review. The commands are read from `WhichtokCommand`, so a new
/// command fails here until its text is recorded. After an intended change, regenerate every file
/// with `make help-texts` (`WHICHTOK_UPDATE_HELP=1` makes this suite write the files instead of
/// comparing). The width is fixed at 80 columns (`COLUMNS`), so the texts do not depend on the
/// terminal the tests run in.
@Suite("whichtok --help texts")
struct HelpTextTests {
    /// Every command as the words that name it: `[]` for `whichtok` itself, `["import"]`, … and
    /// nested subcommands, if any, as `["scrape", "user"]`.
    static let commands: [[String]] = {
        func walk(_ command: any ParsableCommand.Type, _ path: [String]) -> [[String]] {
            [path]
                + command.configuration.subcommands.flatMap { sub in
                    walk(sub, path + [sub.configuration.commandName ?? "\(sub)"])
                }
        }
        return walk(WhichtokCommand.self, [])
    }()

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("HelpTexts")
    static let updating = ProcessInfo.processInfo.environment["WHICHTOK_UPDATE_HELP"] == "1"

    /// `whichtok.txt` for the top command, `import.txt`, and `scrape-user.txt` for a nested one.
    static func fileName(_ command: [String]) -> String {
        (command.isEmpty ? "whichtok" : command.joined(separator: "-")) + ".txt"
    }

    @Test(
        "each command's --help is the recorded text",
        .enabled(if: Whichtok.binary != nil, "skipped: the whichtok binary was not built"),
        arguments: commands)
    func helpText(command: [String]) throws {
        let result = try Whichtok.run(command + ["--help"], environment: ["COLUMNS": "80", "LINES": "25"])
        #expect(result.status == 0, "\(result.stderr)")
        let file = Self.folder.appendingPathComponent(Self.fileName(command))
        if Self.updating {
            try Data(result.stdout.utf8).write(to: file)
        } else {
            let recorded = try? String(contentsOf: file, encoding: .utf8)
            #expect(
                result.stdout == recorded,
                """
                whichtok \(command.joined(separator: " ")) --help differs from HelpTexts/\(Self.fileName(command)); \
                if the change is intended, run `make help-texts` and review the diff
                """)
        }
    }

    @Test(
        "HelpTexts/ holds one file per command and no other",
        .disabled(if: updating, "skipped: the texts are being rewritten"))
    func noStrayTexts() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter {
            $0.hasSuffix(".txt")
        }
        #expect(
            Set(names) == Set(Self.commands.map(Self.fileName)),
            "run `make help-texts` after adding or removing a command")
    }
}
