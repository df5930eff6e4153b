import Testing
import WhichtokTestSupport

@testable import WhichtokStore

@Suite("Event observations: the builder's event columns, and their layout in a spill file")
struct EventObservationsTests {
    /// `count` events whose fields all differ from each other and from event to event (`seed`
    /// makes two sets differ), so that a column read from the wrong place shows.
    static func events(_ count: Int, seed: UInt32) -> EventObservations {
        var events = EventObservations()
        events.grow(by: count)
        events.withColumns { columns in
            for i in 0..<count {
                let n = UInt32(i) &+ seed &* 1_000
                columns[i] = EventColumns.Event(
                    actor: 1_000_000 &+ n, kind: UInt8(truncatingIfNeeded: 3 &+ n),
                    objectType: UInt8(truncatingIfNeeded: 101 &+ 7 &* n), object: 2_000_000 &+ 3 &* n,
                    time: 1_700_000_000 &+ 11 &* n, source: 3_000_000 &+ 5 &* n, detail: 4_000_000 &+ 13 &* n)
            }
        }
        return events
    }

    /// The events of `columns` from 0 to `count`.
    static func read(_ columns: EventColumns, count: Int) -> [EventColumns.Event] {
        (0..<count).map { columns[$0] }
    }

    @Test("each column holds its field's size in bytes per event, in the order of the fields")
    func columnSizes() {
        var events = Self.events(5, seed: 1)
        // The spill file's layout: five words and two bytes an event.
        #expect(EventField.bytesPerEvent == 5 * 4 + 2)
        for field in EventField.allCases {
            #expect(events.withBytes(of: field) { $0.count } == 5 * field.size, "\(field)")
        }
        var fields: [EventField] = []
        events.forEachColumn(
            { column, field in
                #expect(column.count == 5)
                #expect(field.size == MemoryLayout<UInt32>.size)
                fields.append(field)
            },
            { column, field in
                #expect(column.count == 5)
                #expect(field.size == MemoryLayout<UInt8>.size)
                fields.append(field)
            })
        #expect(fields == EventField.allCases)
        // The raw view of a column is the column.
        events.withColumns { columns in
            #expect(columns.bytes(of: .time).load(fromByteOffset: 8, as: UInt32.self) == columns.time[2])
            #expect(columns.bytes(of: .objectType).load(fromByteOffset: 3, as: UInt8.self) == columns.objectType[3])
        }
        events.removeAllKeepingCapacity()
        for field in EventField.allCases { #expect(events.withBytes(of: field) { $0.count } == 0, "\(field)") }
    }

    @Test("chunks of a spill file read back as written: every column, or those that decide the actor")
    func spillChunks() throws {
        let folder = try TemporaryFolder("event-spill")
        let spill = try #require(EventSpill(storePath: folder.file("s.store")))
        let first = Self.events(7, seed: 1)
        let second = Self.events(300, seed: 2)
        spill.write(first)
        spill.write(second)
        #expect(spill.count == 307)
        let chunks = try #require(spill.chunks())
        #expect(chunks.map(\.count) == [7, 300])
        for (chunk, var written) in zip(chunks, [first, second]) {
            var expected: [EventColumns.Event] = []
            written.withColumns { expected = Self.read($0, count: chunk.count) }
            var full = EventObservations(uninitialized: chunk.count)
            full.withColumns { columns in
                #expect(spill.read(chunk, into: columns, full: true))
                #expect(Self.read(columns, count: chunk.count) == expected)
            }
            var actorOnly = EventObservations()
            actorOnly.grow(by: chunk.count)
            actorOnly.withColumns { columns in
                #expect(spill.read(chunk, into: columns, full: false))
                let read = Self.read(columns, count: chunk.count)
                #expect(read.map(\.actor) == expected.map(\.actor))
                #expect(read.map(\.object) == expected.map(\.object))
                #expect(read.map(\.objectType) == expected.map(\.objectType))
                #expect(read.allSatisfy { $0.kind == 0 && $0.time == 0 && $0.source == 0 && $0.detail == 0 })
            }
        }
        #expect(spill.failure == nil)
    }

    @Test("the table takes every column but the detail, cut to the events kept")
    func table() {
        var events = Self.events(10, seed: 3)
        var expected: [EventColumns.Event] = []
        events.withColumns { columns in
            // The last four events moved over the first four, for actor 9.
            columns.moveTableColumns(from: 6, to: 0, count: 4, actor: 9)
            expected = Self.read(columns, count: 4)
        }
        var details = EventTable()
        details.detailIndex = [1]
        details.detailValue = [77]
        let table = events.takeTable(count: 4, details: details)
        #expect(events.isEmpty)
        #expect(table.actor == [9, 9, 9, 9])
        #expect(table.kind == expected.map(\.kind))
        #expect(table.objectType == expected.map(\.objectType))
        #expect(table.object == expected.map(\.object))
        #expect(table.time == expected.map(\.time))
        #expect(table.source == expected.map(\.source))
        #expect(table.detailIndex == [1] && table.detailValue == [77])
        #expect(expected.map(\.time) == Array(Self.events(10, seed: 3).time.suffix(4)))
    }

    @Test("events grouped by actor keep no actor column: the table's actors are written where the details were")
    func groupedByActor() {
        let source = Self.events(10, seed: 4)
        var grouped = EventObservations(groupedByActor: 10)
        #expect(grouped.count == 10 && grouped.actorsGrouped)
        // One value for the actor, whatever is written.
        #expect(grouped.actor.count == 1)
        var sourceColumns = source
        var expected: [EventColumns.Event] = []
        sourceColumns.withColumns { from in
            grouped.withColumns { columns in
                #expect(columns.actorStride == 0)
                for i in 0..<10 { columns[i] = from[i] }
                // Every field but the actor reads back; the actor reads as the one value, 0.
                for i in 0..<10 {
                    var event = from[i]
                    event.actor = 0
                    #expect(columns[i] == event)
                    #expect(columns.advanced(by: i)[0] == event)
                }
                // Actor 5 keeps events 2 and 3, actor 8 events 6 to 9: the details are read first.
                #expect([2, 3, 6, 7, 8, 9].map { columns.detail[$0] } == [2, 3, 6, 7, 8, 9].map { from[$0].detail })
                columns.moveTableColumns(from: 2, to: 0, count: 2, actor: 5)
                columns.moveTableColumns(from: 6, to: 2, count: 4, actor: 8)
                expected = [2, 3, 6, 7, 8, 9].map { from[$0] }
            }
        }
        #expect(grouped.actor == [0])
        let table = grouped.takeTable(count: 6, details: EventTable())
        #expect(table.actor == [5, 5, 8, 8, 8, 8])
        #expect(table.kind == expected.map(\.kind))
        #expect(table.objectType == expected.map(\.objectType))
        #expect(table.object == expected.map(\.object))
        #expect(table.time == expected.map(\.time))
        #expect(table.source == expected.map(\.source))
        #expect(grouped.isEmpty && !grouped.actorsGrouped)
    }
}

@Suite("Event observations: huge pages for a build's columns")
struct EventColumnHugePageTests {
    @Test(
        "a build's event columns and tables of 4 MiB or more ask for huge pages",
        .enabled(if: HugePages.available, "this system has no transparent huge pages (or no /proc/self/smaps)"))
    func columnsAdvised() {
        let large = EventObservations(uninitialized: 2 << 20)
        #expect(large.time.withUnsafeBytes { HugePages.advised($0) } == true)
        let grouped = EventObservations(groupedByActor: 2 << 20)
        #expect(grouped.object.withUnsafeBytes { HugePages.advised($0) } == true)
        // A builder's table given room for its rows (here 3 Mi of them, filled after).
        var table: [UInt32] = []
        StoreBuilder.makeRoom(&table, more: 3 << 20, projecting: nil)
        table.append(contentsOf: repeatElement(7, count: 3 << 20))
        #expect(table.withUnsafeBytes { HugePages.advised($0) } == true)
    }
}
