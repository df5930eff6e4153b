// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "whichtok",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "whichtok", targets: ["whichtok"]),
        .library(name: "WhichtokStore", targets: ["WhichtokStore"]),
        .library(name: "WhichtokImport", targets: ["WhichtokImport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries from Debian, wrapped as system-library targets.
        .systemLibrary(
            name: "CArchive", pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        // SHA-256 and HMAC-SHA-256 (OpenSSL 3 uses the CPU's SHA instructions itself).
        .systemLibrary(
            name: "CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        // zstd for the pages of Parquet exports.
        .systemLibrary(
            name: "CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),
        // libdeflate inflates zip entries whole, straight into the entry's buffer, and checks their CRC-32.
        .systemLibrary(
            name: "CDeflate", pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]),
        // cairo draws the plots (PNG, SVG, PDF); Pango lays out their text (emoji, Cyrillic, Arabic, CJK).
        .systemLibrary(
            name: "CCairo", pkgConfig: "pangocairo",
            providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]),
        // A software prefetch hint and the few atomic loads and stores of Leiden's pipelined local moving
        // (a header only, nothing to link).
        .systemLibrary(name: "CPrefetch"),
        // Handing freed memory back to the system between the steps of a store build (a header only).
        .systemLibrary(name: "CMalloc"),
        // Unnamed temporary files and early writeback for saving a store (a header only).
        .systemLibrary(name: "CFiles"),
        // Input files mapped into memory, guarded against another program shrinking them (a SIGBUS
        // inside a registered range lays a zeroed page over it and is noted, instead of ending the process).
        .target(name: "CMappedFile"),
        // HTTP requests through the system's libcurl, loaded with dlopen at the first request (only
        // curl.h from libcurl4-openssl-dev at build time): the commands that never go on the network
        // do not load libcurl and the TLS, LDAP and Kerberos libraries behind it at their start.
        .target(name: "CHTTP"),
        // A small C++ shim over Debian's libsimdjson-dev with a plain C API.
        .target(
            name: "CSimdJSON",
            cxxSettings: [.unsafeFlags(["-O2", "-std=c++17"])],
            linkerSettings: [.linkedLibrary("simdjson"), .linkedLibrary("stdc++")]),

        // Small utilities every module may use: JSON writer, civil dates, terminal-safe text, seeded
        // generator, base64, background job, archive writer, HMAC-SHA-256. Depends on no other whichtok module.
        .target(name: "WhichtokSupport", dependencies: ["CArchive", "CCrypto"]),
        .target(name: "WhichtokStore", dependencies: ["CMalloc", "CFiles"]),
        .target(
            name: "WhichtokImport",
            dependencies: [
                "WhichtokSupport", "WhichtokStore", "CArchive", "CDeflate", "CSimdJSON", "CLibXML2", "CCrypto",
                "CMappedFile", "CMalloc",
            ]),
        .target(name: "WhichtokGraph", dependencies: ["WhichtokSupport", "WhichtokStore", "CPrefetch"]),
        .target(
            name: "WhichtokExport",
            dependencies: ["WhichtokSupport", "WhichtokGraph", "WhichtokStore", "CLibXML2", "CZstd"]),
        // The map of the niches: a drawing-library-free scene, painted by cairo.
        .target(
            name: "WhichtokPlot",
            dependencies: ["WhichtokSupport", "WhichtokStore", "WhichtokGraph", "WhichtokExport", "CCairo"]),
        // One self-contained HTML report of a store's analysis (`whichtok report`).
        .target(
            name: "WhichtokReport",
            dependencies: ["WhichtokSupport", "WhichtokStore", "WhichtokGraph", "WhichtokExport", "WhichtokPlot"]),
        // Import for JSONParser (reading responses).
        .target(name: "WhichtokScrape", dependencies: ["WhichtokSupport", "WhichtokImport", "CHTTP"]),
        // Import for SHA256 (the digests in the ground truth).
        .target(name: "WhichtokSynth", dependencies: ["WhichtokSupport", "WhichtokImport"]),
        .target(
            name: "WhichtokCLI",
            dependencies: [
                "WhichtokSupport", "WhichtokStore", "WhichtokImport", "WhichtokSynth", "WhichtokGraph",
                "WhichtokExport", "WhichtokScrape", "WhichtokPlot", "WhichtokReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "whichtok", dependencies: ["WhichtokCLI"]),

        // What every test target shares: temporary folders, the runner for the built binary, the
        // external tools, fixture building blocks.
        .target(name: "WhichtokTestSupport", dependencies: ["WhichtokStore"], path: "Tests/WhichtokTestSupport"),
        .testTarget(name: "WhichtokSupportTests", dependencies: ["WhichtokSupport", "WhichtokTestSupport"]),
        .testTarget(name: "WhichtokStoreTests", dependencies: ["WhichtokStore", "WhichtokTestSupport"]),
        .testTarget(
            name: "WhichtokImportTests",
            dependencies: ["WhichtokImport", "WhichtokStore", "WhichtokSynth", "WhichtokSupport", "WhichtokTestSupport"]),
        .testTarget(
            name: "WhichtokSynthTests",
            dependencies: ["WhichtokSynth", "WhichtokImport", "WhichtokStore", "WhichtokSupport", "WhichtokTestSupport"]),
        .testTarget(
            name: "WhichtokGraphTests",
            dependencies: ["WhichtokGraph", "WhichtokStore", "WhichtokSupport", "WhichtokTestSupport"]),
        .testTarget(
            name: "WhichtokExportTests",
            dependencies: ["WhichtokExport", "WhichtokGraph", "WhichtokStore", "WhichtokSupport", "WhichtokTestSupport"]),
        .testTarget(
            name: "WhichtokPlotTests",
            dependencies: [
                "WhichtokPlot", "WhichtokExport", "WhichtokGraph", "WhichtokStore", "WhichtokSupport",
                "WhichtokTestSupport", "CCairo",
            ]),
        .testTarget(
            name: "WhichtokReportTests",
            dependencies: [
                "WhichtokReport", "WhichtokPlot", "WhichtokGraph", "WhichtokStore", "WhichtokSupport",
                "WhichtokTestSupport",
            ]),
        .testTarget(
            name: "WhichtokScrapeTests",
            dependencies: ["WhichtokScrape", "WhichtokImport", "WhichtokStore", "WhichtokSupport", "WhichtokTestSupport"]),
        .testTarget(
            name: "WhichtokCLITests",
            dependencies: [
                "WhichtokCLI", "WhichtokStore", "WhichtokTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["HelpTexts"]),
    ],
    cxxLanguageStandard: .cxx17
)

// libFuzzer targets, only when `make fuzz` asks for them (WHICHTOK_FUZZ=1): `swift build`, the
// tests and CI never see them. Each is built with `--sanitize=fuzzer --sanitize=address`, which
// gives it libFuzzer's `main`; see Fuzz/README.md.
if Context.environment["WHICHTOK_FUZZ"] == "1" {
    package.targets += [
        .target(
            name: "FuzzSupport", dependencies: ["WhichtokImport", "WhichtokStore"], path: "Fuzz/Sources/FuzzSupport")
    ]
    for name in ["fuzz-json", "fuzz-txt", "fuzz-har", "fuzz-html", "fuzz-store", "fuzz-zip"] {
        // fuzz-har also checks the shim's structural count against simdjson's stage 1 directly.
        let shim: [Target.Dependency] = name == "fuzz-har" ? ["CSimdJSON"] : []
        package.targets.append(
            .executableTarget(
                name: name, dependencies: ["FuzzSupport", "WhichtokImport", "WhichtokStore"] + shim,
                path: "Fuzz/Sources/\(name)"))
    }
}
