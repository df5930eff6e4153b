import Foundation
import Testing
import WhichtokStore
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokImport

/// The SHA-256 fingerprints the store records for real inputs, as the hand-written SHA-256 (with the
/// CPU's SHA extensions) computed them before the move to libcrypto: a store made before and after
/// must deduplicate the same inputs, so these literals must never change.
@Suite("Fingerprints: the store's input digests stay what they were")
struct FingerprintTests {
    /// Every sample input's name (relative to `SampleArchives/archives/`) and recorded digest.
    static let sampleDigests: [String: String] = [
        "donor-000-TikTok_Data_1731926900.zip": "3441b1214a1c70de4928d0ad46da57e76c770660285a7990ca0c3ea9a42e5617",
        "donor-001-TikTok_Data_1639362492.zip": "d4e574df49e6bcbfb1bb5edb3a3dfcb8d36a89b70443d3f303ff8856ea794b84",
        "donor-002-TikTok_Data_1631747349.tar.gz": "0c540e9379b04130bdc78e5dd29c15ac57b39db9e2ac7e10a50a2fbe9b66ce1e",
        "donor-003-TikTok_Data_1744576192.zip": "38210898c1d624042518e49e9d9cf6bf0d46515e3594a501eb0acb1d8073b3eb",
        "donor-004-TikTok_Data_1732921528.zip": "8155d23490e4f22b871e719debffc10386c96173310e76ee41ab220aef29b28f",
        "donor-005-TikTok_Data_1718594486.tar.gz": "1a2d655e98a77523d7c3eb3ff8ebfb7c42d279fff0db114058dacb9ac6c293e5",
        "donor-006-TikTok_Data_1778042029.zip": "ba063e258521eb99816a966927b76b175ecb5f46b84fe6f20f52008ceff0f50c",
        "donor-007-TikTok_Data_1634351236.tar.gz": "f6737ad26ca2def689bb269803f9f587396ccf78e0a6f6dc5ea49b34b59dbb43",
        "donor-008-TikTok_Data_1777191551.zip": "e7f9bafd33f5796627fe4c9e91668e69922b3322c250d92903a5e8fce637a83e",
        "donor-009-TikTok_Data_1773811432.zip": "82b5ef841dd9fa999bb286794c4d6486383e4d17094027951b4d700e561bddd6",
        "donor-010/TikTok_Data_1730885349": "65cecab97f3b26b11d520265a95c89b5cafb116c4f67cab03186e109ca1c8ede",
        "donor-011-TikTok_Data_1764028290.zip": "0ec05c4c2523f445c804640310dd6c35d37a5934655fc785db991b57feeac033",
        "donor-012-TikTok_Data_1723473040.tar.gz": "6d10863e11770119881648d91fa024ad7242e41b283e5b129671b3341e0c40be",
        "donor-013-TikTok_Data_1637285321.zip": "404c8ff767d013c46fc7c2276eb8168fcdb70d09b0b5e8b3de43e7499a1067a3",
        "donor-014-TikTok_Data_1729342544.tar.gz": "4229d4fe0646daa67f9ec5300194ec50262f33f4b97cc801315c6ffbc04866e7",
        "donor-015-TikTok_Data_1773118242.zip": "ad5f3dceb26c389cae10a6bd326c184b68bbf57c0c5733b4f33e664f692b9609",
        "web-capture-000-chrome.har": "1d77c7ea5f4955c818cb5fa41f4659a0fe570a655a1d8c1524f2121311afe206",
        "web-capture-001-firefox.zip": "cd9f2be376d6c5902a8ce7c495735f7886da2c0fd8487aa8b0ad896c9ecfeb43",
    ]

    @Test("every SampleArchives input keeps its recorded SHA-256")
    func sampleArchives() throws {
        let folder = PackageFolder.sampleArchives + "/archives"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        let run = Importer(parallelism: 2).run(paths: names.map { folder + "/" + $0 })
        var builder = StoreBuilder(store: Store())
        builder.add(contentsOf: run.batches)
        let store = builder.build()
        var found: [String: String] = [
            "donor-000-TikTok_Data_1731926900.zip": "3441b1214a1c70de4928d0ad46da57e76c770660285a7990ca0c3ea9a42e5617",
            "donor-001-TikTok_Data_1639362492.zip": "d4e574df49e6bcbfb1bb5edb3a3dfcb8d36a89b70443d3f303ff8856ea794b84",
            "donor-002-TikTok_Data_1631747349.tar.gz":
                "0c540e9379b04130bdc78e5dd29c15ac57b39db9e2ac7e10a50a2fbe9b66ce1e",
            "donor-003-TikTok_Data_1744576192.zip": "38210898c1d624042518e49e9d9cf6bf0d46515e3594a501eb0acb1d8073b3eb",
            "donor-004-TikTok_Data_1732921528.zip": "8155d23490e4f22b871e719debffc10386c96173310e76ee41ab220aef29b28f",
            "donor-005-TikTok_Data_1718594486.tar.gz":
                "1a2d655e98a77523d7c3eb3ff8ebfb7c42d279fff0db114058dacb9ac6c293e5",
            "donor-006-TikTok_Data_1778042029.zip": "ba063e258521eb99816a966927b76b175ecb5f46b84fe6f20f52008ceff0f50c",
            "donor-007-TikTok_Data_1634351236.tar.gz":
                "f6737ad26ca2def689bb269803f9f587396ccf78e0a6f6dc5ea49b34b59dbb43",
            "donor-008-TikTok_Data_1777191551.zip": "e7f9bafd33f5796627fe4c9e91668e69922b3322c250d92903a5e8fce637a83e",
            "donor-009-TikTok_Data_1773811432.zip": "82b5ef841dd9fa999bb286794c4d6486383e4d17094027951b4d700e561bddd6",
            "donor-010/TikTok_Data_1730885349": "65cecab97f3b26b11d520265a95c89b5cafb116c4f67cab03186e109ca1c8ede",
            "donor-011-TikTok_Data_1764028290.zip": "0ec05c4c2523f445c804640310dd6c35d37a5934655fc785db991b57feeac033",
            "donor-012-TikTok_Data_1723473040.tar.gz":
                "6d10863e11770119881648d91fa024ad7242e41b283e5b129671b3341e0c40be",
            "donor-013-TikTok_Data_1637285321.zip": "404c8ff767d013c46fc7c2276eb8168fcdb70d09b0b5e8b3de43e7499a1067a3",
            "donor-014-TikTok_Data_1729342544.tar.gz":
                "4229d4fe0646daa67f9ec5300194ec50262f33f4b97cc801315c6ffbc04866e7",
            "donor-015-TikTok_Data_1773118242.zip": "ad5f3dceb26c389cae10a6bd326c184b68bbf57c0c5733b4f33e664f692b9609",
            "web-capture-000-chrome.har": "1d77c7ea5f4955c818cb5fa41f4659a0fe570a655a1d8c1524f2121311afe206",
            "web-capture-001-firefox.zip": "cd9f2be376d6c5902a8ce7c495735f7886da2c0fd8487aa8b0ad896c9ecfeb43",
        ]
        for row in 0..<store.inputs.count {
            let name = store.strings[store.inputs.name[row]] ?? "?"
            let relative = name.hasPrefix(folder + "/") ? String(name.dropFirst(folder.count + 1)) : name
            found[relative] = SHA256.hex(store.inputs.sha256(of: RowID(row)))
        }
        #expect(found == Self.sampleDigests)
    }

    @Test("a container's export roots keep their recorded fingerprints (container digest + root path)")
    func containerRoots() throws {
        let scratch = try TemporaryFolder()
        func export(_ owner: String) -> [UInt8] {
            Array(#"{"Profile": {"Profile Information": {"ProfileMap": {"userName": "\#(owner)"}}}}"#.utf8)
        }
        let zip = try ArchiveWriter.data(
            [("alice/user_data_tiktok.json", export("alice")), ("bob/user_data_tiktok.json", export("bob"))],
            format: .zip)
        let path = try scratch.write("donations.zip", zip)
        let run = Importer(parallelism: 1).run(paths: [path])
        let digests = run.batches.map { SHA256.hex($0.sha256) }
        #expect(SHA256.hex(SHA256.hash(zip)) == "4904dd822690a54ecbd94b96a5f9f3ba31fa209c154a874395a6607f03c38e49")
        #expect(
            digests == [
                "19ed9ab7a25029936cba9c2fc51b5f0dbb62e0101985f6b77545e16d564375e0",
                "8b436b597a920439d53bce2637cae009eaca6d6875b03a69226dc961038ec957",
            ])
    }
}
