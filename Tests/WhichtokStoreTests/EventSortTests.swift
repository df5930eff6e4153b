import Testing
import WhichtokTestSupport

@testable import WhichtokStore

/// The builder's radix sort of event keys against Swift's `sort()`, and the events'
/// sort-and-deduplicate against the rule written out plainly: random events full of ties, ranges
/// of every size around the sort's thresholds, events that differ only in low or only in high
/// bits, in few or in every field (past the 128 bits of a key), already sorted or in a few runs.
@Suite("Event sort: the radix sort and the deduplication agree with sort() and the dedup rule")
struct EventSortTests {
    typealias Random = BuilderGroupingTests.Random

    /// Sizes around the edges: empty, one, two, the insertion-sort limit and past it, large.
    static let sizes = [0, 1, 2, 3, 47, 192, 193, 255, 256, 257, 1000, 4096, 20_000]

    /// Random event keys whose fields take few values (many ties and shared bytes), or any value
    /// (`wide`), or differ only in one field.
    static func keys(_ random: inout Random, count: Int, shape: Int) -> [EventSortKey] {
        (0..<count).map { _ in
            switch shape {
            case 0:
                return EventSortKey(
                    head: UInt64(random.below(3)) << 8 | UInt64(random.below(2)),
                    object: UInt64(random.below(5)) << 32 | UInt64(random.below(2)),
                    tail: UInt64(random.below(4)) << 32 | UInt64(random.below(3)))
            case 1:
                return EventSortKey(head: random.next() & 0xFFFF, object: random.next(), tail: random.next())
            case 2:
                // Only the lowest bytes differ.
                return EventSortKey(head: 0x0301, object: 7 << 32, tail: UInt64(random.below(300)))
            case 3:
                // Only the highest byte differs, with long equal runs below.
                return EventSortKey(head: UInt64(random.below(256)) << 8, object: 1, tail: 2)
            default:
                // Fields spread over a few bytes each, as rows and times are.
                return EventSortKey(
                    head: UInt64(random.below(20)) << 8 | UInt64(random.below(9)),
                    object: UInt64(random.below(70_000)) << 32 | UInt64(random.below(2) * random.below(1000)),
                    tail: UInt64(1_600_000_000 + random.below(50_000_000)) << 32 | UInt64(random.below(1000)))
            }
        }
    }

    @Test("radix sort of keys gives what sort() gives, on every size and number of bytes")
    func radixSortMatchesSort() {
        var random = Random(state: 21)
        for (lowBytes, highBytes) in [(1, 0), (2, 0), (8, 0), (8, 1), (3, 5), (8, 8)] {
            for size in Self.sizes where size > 0 {
                func word(_ bytes: Int) -> UInt64 {
                    let mask: UInt64 = bytes == 8 ? .max : (1 << UInt64(8 * bytes)) - 1
                    return (random.below(2) == 0 ? random.next() : UInt64(random.below(3)) << 60) & mask
                }
                var keys = (0..<size).map { _ in PackedEventKey(high: word(highBytes), low: word(lowBytes)) }
                let expected = keys.sorted()
                keys.append(contentsOf: keys)
                let result = keys.withUnsafeMutableBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return [PackedEventKey]() }
                    let sorted = StoreBuilder.radixSort(
                        base, scratch: base + size, count: size, lowBytes: lowBytes, highBytes: highBytes)
                    return Array(UnsafeBufferPointer(start: sorted, count: size))
                }
                #expect(result == expected, "\(lowBytes) + \(highBytes) bytes, \(size) keys")
            }
        }
    }

    /// The deduplication rule, written out: events equal on (kind, object type, object, detail), and
    /// on time for repeatable kinds, are one; it keeps the earliest known time with the smallest
    /// input among those with that time, or, when no time is known, the largest input.
    static func reference(_ keys: [EventSortKey]) -> [EventSortKey] {
        var groups: [[UInt64]: [EventSortKey]] = [:]
        for key in keys {
            let kind = Int(key.head >> 8)
            let identity =
                StoreBuilder.repeatableKinds[kind] ? [key.head, key.object, key.tail >> 32] : [key.head, key.object]
            groups[identity, default: []].append(key)
        }
        var kept: [EventSortKey] = []
        for (_, events) in groups {
            let known = events.filter { $0.tail >> 32 != 0 }
            let time = known.map { $0.tail >> 32 }.min() ?? 0
            let source =
                known.isEmpty
                ? events.map { $0.tail & 0xFFFF_FFFF }.max() ?? 0
                : known.filter { $0.tail >> 32 == time }.map { $0.tail & 0xFFFF_FFFF }.min() ?? 0
            kept.append(EventSortKey(head: events[0].head, object: events[0].object, tail: time << 32 | source))
        }
        return kept.sorted()
    }

    /// Sorts and deduplicates `keys` as the events of one actor, through `EventColumns`; with
    /// `groupedAt`, as a range that starts there in events grouped by actor (no actor column).
    static func sortAndDeduplicate(
        _ keys: [EventSortKey], actor: UInt32, buffer: inout [EventSortKey], groupedAt start: Int? = nil
    ) -> [EventSortKey] {
        // Columns of their own (one spare place, so that no range is without storage).
        var storage =
            start.map { EventObservations(groupedByActor: $0 + keys.count + 1) }
            ?? EventObservations(uninitialized: keys.count + 1)
        let start = start ?? 0
        var sorted: [EventSortKey] = []
        storage.withColumns { columns in
            let columns = columns.advanced(by: start)
            for (i, key) in keys.enumerated() {
                columns[i] = EventColumns.Event(
                    actor: actor, kind: UInt8(truncatingIfNeeded: key.head >> 8),
                    objectType: UInt8(truncatingIfNeeded: key.head),
                    object: UInt32(truncatingIfNeeded: key.object >> 32),
                    time: UInt32(truncatingIfNeeded: key.tail >> 32), source: UInt32(truncatingIfNeeded: key.tail),
                    detail: UInt32(truncatingIfNeeded: key.object))
            }
            let kept = StoreBuilder.sortAndDeduplicate(columns, range: 0..<keys.count, keys: &buffer)
            // Grouped events keep no actor: the one value they share stays 0.
            #expect((0..<kept).allSatisfy { columns.actor($0) == (columns.actorStride == 0 ? 0 : actor) })
            sorted = (0..<kept).map { i in
                EventSortKey(
                    head: UInt64(columns.kind[i]) << 8 | UInt64(columns.objectType[i]),
                    object: UInt64(columns.object[i]) << 32 | UInt64(columns.detail[i]),
                    tail: UInt64(columns.time[i]) << 32 | UInt64(columns.source[i]))
            }
        }
        return sorted
    }

    @Test("sort and deduplicate: every kind, the same event from several inputs with and without time")
    func deduplicationMatchesRule() {
        var random = Random(state: 23)
        let kinds = EventKind.allCases.map(\.rawValue)
        #expect(kinds.contains { StoreBuilder.repeatableKinds[Int($0)] })
        #expect(kinds.contains { !StoreBuilder.repeatableKinds[Int($0)] })
        var buffer: [EventSortKey] = []
        for size in Self.sizes {
            for spread in [1, 2, 5, 1000, 1 << 32] {
                // Few objects, times (0 = unknown) and inputs: the same event seen many times; with
                // the widest spread every field differs in every bit (sorted as whole events).
                func value() -> UInt64 { UInt64(random.next() % UInt64(spread)) }
                var keys = (0..<size).map { _ in
                    EventSortKey(
                        head: UInt64(kinds[random.below(kinds.count)]) << 8 | UInt64(random.below(2)),
                        object: value() << 32 | UInt64(random.below(2)) * value(),
                        tail: (random.below(3) == 0 ? 0 : (spread > 1000 ? value() : 1_700_000_000 + value())) << 32
                            | UInt64(random.below(spread > 1000 ? Int(UInt32.max) : 4)))
                }
                let expected = Self.reference(keys)
                #expect(Self.sortAndDeduplicate(keys, actor: 5, buffer: &buffer) == expected, "\(size), \(spread)")
                // Already sorted, and a few sorted runs (a store's events on a larger store's rows).
                keys.sort()
                #expect(
                    Self.sortAndDeduplicate(keys, actor: 5, buffer: &buffer) == expected, "\(size), \(spread) sorted")
                let cut = keys.count / 3
                keys = Array(keys[cut...] + keys[..<cut])
                #expect(Self.sortAndDeduplicate(keys, actor: 5, buffer: &buffer) == expected, "\(size), \(spread) runs")
            }
        }
        for shape in 0..<5 {
            for size in Self.sizes {
                let keys = Self.keys(&random, count: size, shape: shape)
                #expect(
                    Self.sortAndDeduplicate(keys, actor: 7, buffer: &buffer) == Self.reference(keys),
                    "shape \(shape), \(size) events")
                #expect(
                    Self.sortAndDeduplicate(keys, actor: 7, buffer: &buffer, groupedAt: 1 << 16)
                        == Self.reference(keys), "shape \(shape), \(size) events, grouped by actor")
            }
        }
    }

    @Test("canonical order by packed keys: the order a stable sort of (key, group) gives")
    func packedOrderMatchesStableSort() {
        var random = Random(state: 29)
        let small: [UInt64] = [0, 1, 255, 256, 1 << 32, .max]
        for size in Self.sizes {
            for shape in 0..<4 {
                let keys = (0..<size).map { _ -> PackedKey in
                    switch shape {
                    case 0:
                        return PackedKey(
                            small[random.below(small.count)], small[random.below(small.count)],
                            small[random.below(small.count)], small[random.below(small.count)])
                    case 1: return PackedKey(random.next(), random.next(), random.next(), random.next())
                    case 2: return PackedKey(UInt64(random.below(size + 1)), UInt64(random.below(3)))
                    // Differing bits that cross from one word of a radix key into the other.
                    default: return PackedKey(random.next() >> 3, 0, UInt64(random.below(5)) << 40, 7)
                    }
                }
                let expected = Array(keys.indices).sorted { a, b in
                    (keys[a].w0, keys[a].w1, keys[a].w2, keys[a].w3, a)
                        < (keys[b].w0, keys[b].w1, keys[b].w2, keys[b].w3, b)
                }
                #expect(StoreBuilder.order(count: size) { keys[$0] } == expected, "\(size) keys, shape \(shape)")
                // In order already: the same order.
                let sortedKeys = expected.map { keys[$0] }
                #expect(StoreBuilder.order(count: size) { sortedKeys[$0] } == Array(0..<size))
            }
        }
    }

    @Test("actors with many events are sorted first, largest first; the others in their order")
    func largestFirst() {
        // Ranges of 5, 300, 2, 0, 400 and 300 events (1,007 in all: more than 1/64 is 16 or more).
        let sizes = [5, 300, 2, 0, 400, 300]
        var bounds = [0]
        for size in sizes { bounds.append(bounds[bounds.count - 1] + size) }
        bounds.append(bounds[bounds.count - 1])
        #expect(StoreBuilder.largestFirst(bounds: bounds, accounts: 6, events: 1_007) == [4, 1, 5, 0, 2, 3])
        // No range that large: the actors' own order (given as none).
        #expect(StoreBuilder.largestFirst(bounds: bounds, accounts: 6, events: 1_000_000).isEmpty)
    }
}
