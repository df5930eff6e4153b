import Testing
import WhichtokStore
import WhichtokSupport
import WhichtokTestSupport

@testable import WhichtokCLI

@Suite("Pseudonyms and the store's identities")
struct PseudonymTests {
    static func naming(digits: Int = 12) throws -> Pseudonyms {
        var naming = Pseudonyms(mac: try #require(HMACSHA256(key: Array("a study key of thirty-two bytes!".utf8))))
        naming.digits = digits
        return naming
    }

    @Test("colliding pseudonyms are lengthened until they differ, whatever the order of the keys")
    func collisions() throws {
        let naming = try Self.naming(digits: 1)
        let keys = (0..<200).map { "name:user\($0)" }
        let names = naming.names(of: keys, prefix: "u_")
        #expect(Set(names).count == keys.count)
        #expect(names.contains { $0.count == 3 } || names.allSatisfy { $0.count > 3 })
        #expect(names.allSatisfy { $0.count >= 3 && ($0.count - 3) % 4 == 0 })
        let shuffled = Array(keys.reversed())
        #expect(naming.names(of: shuffled, prefix: "u_") == Array(names.reversed()))
        // Equal keys, equal names; 12 digits without collisions.
        let plain = try Self.naming()
        #expect(plain.names(of: ["id:1", "id:2", "id:1"], prefix: "u_").map(\.count) == [14, 14, 14])
        let twice = plain.names(of: ["id:1", "id:2", "id:1"], prefix: "u_")
        #expect(twice[0] == twice[2] && twice[0] != twice[1])
    }

    @Test("the store keeps its rows but no old name: not in any column, not in the string table")
    func storeKeepsNoName() throws {
        let folder = try TemporaryFolder("pseudonym-store")
        let imported = try Whichtok.run([
            "import", "--quiet", "--store", folder.file("s.store"), PackageFolder.sampleArchives + "/archives",
        ])
        try #require(imported.status == 0)
        let original = try Store.load(from: folder.file("s.store"))
        var store = original
        let privacy = StorePrivacy(pseudonyms: try Self.naming(), content: false, codes: nil, codesFile: "")
        try privacy.apply(to: &store)
        #expect(store.consistencyProblem() == nil)
        #expect(store.accounts.count == original.accounts.count && store.events.actor == original.events.actor)
        #expect(store.events.kind == original.events.kind && store.events.time == original.events.time)
        #expect(store.events.detailValue == original.events.detailValue)
        // Only the objects that are search terms and collection names changed (to q_…).
        for i in 0..<store.events.count where store.events.object[i] != original.events.object[i] {
            #expect(store.events.objectType[i] == ObjectType.searchTerm.rawValue)
            #expect(store.strings[store.events.object[i]]?.hasPrefix("q_") == true)
        }
        #expect(store.videos.author == original.videos.author && store.hashtags == original.hashtags)
        var names = Set<String>()
        for row in 0..<original.accounts.count {
            for column in [original.accounts.username, original.accounts.nickname, original.accounts.secUID] {
                if let name = original.strings[column[row]], name.count >= 3 { names.insert(name) }
            }
        }
        #expect(names.count > 40)
        let strings = store.strings.all
        let left = names.filter { name in strings.contains { $0.contains(name) } }
        #expect(left.isEmpty, "\(left.prefix(5))")
        #expect(store.accounts.aliases.isEmpty && store.accounts.numericID.allSatisfy { $0 == 0 })
        #expect((0..<store.accounts.count).allSatisfy { store.label(ofAccount: RowID($0)).hasPrefix("u_") })
    }
}
