/// The calls a writer makes to produce elements: the libxml2 writer (`XMLTextWriter`) and the
/// pre-formatter (`RawMarkup`) both take them, so node and edge content is written by one generic
/// function whichever path is used.
protocol MarkupSink: ~Copyable {
    mutating func startElement(_ name: StaticString)
    mutating func attribute(_ name: StaticString, _ value: inout ValueBuffer)
    mutating func attribute(_ name: StaticString, _ value: StaticString)
    /// A null-terminated name or value (`AttributeColumn.nameBytes`).
    mutating func attribute(_ name: StaticString, _ value: [UInt8])
    mutating func text(_ value: inout ValueBuffer)
    mutating func endElement()
}

extension XMLTextWriter: MarkupSink {}

/// Formats elements whose names and values need no escaping into bytes identical to what libxml2's
/// `xmlTextWriter` writes for the same calls (two-space indentation, `/>` for empty elements, a line
/// break after each element), so that a block of them can be handed to the writer in one
/// `xmlTextWriterWriteRawLen` call instead of four to six calls per element.
///
/// It is used only for markup it can prove safe: every value is checked as it is added, and a value
/// holding a byte that XML escapes (`< > & "`, TAB, LF, CR or another control character) sets
/// `needsEscaping`, after which the caller discards the block and writes those elements through
/// libxml2 instead. Ids, numbers, dates and the fixed category names never do; labels and other
/// free text always go through libxml2. The tests check that both paths give the same bytes.
struct RawMarkup: MarkupSink, ~Copyable {
    private(set) var buffer = ValueBuffer()
    private(set) var needsEscaping = false
    private var names: [StaticString] = []
    private var depth = 0
    private var startTagOpen = false
    private var indentBeforeEnd = true

    /// Starts a block of children at `depth` (the root element is depth 0). `parentStartTagOpen`: the
    /// enclosing element was opened through libxml2 and has no content yet (libxml2 then writes `>`
    /// itself before the block, and the block begins with the line break it would have written).
    mutating func begin(depth: Int, parentStartTagOpen: Bool) {
        buffer.reset()
        needsEscaping = false
        names.removeAll(keepingCapacity: true)
        self.depth = depth
        startTagOpen = false
        indentBeforeEnd = true
        if parentStartTagOpen { buffer.append(byte: 0x0A) }
    }

    /// Drops everything after the first `count` bytes (a rejected element) and clears `needsEscaping`.
    mutating func truncate(to count: Int) {
        buffer.truncate(to: count)
        needsEscaping = false
        names.removeAll(keepingCapacity: true)
        startTagOpen = false
        indentBeforeEnd = true
    }

    /// Ends the block before libxml2 writes the closing tag of the element at `parentDepth`.
    mutating func finish(parentDepth: Int) {
        indent(parentDepth)
    }

    private mutating func indent(_ level: Int) {
        for _ in 0..<level { buffer.append("  ") }
    }

    private mutating func closeStartTag() {
        if startTagOpen {
            buffer.append(">\n")
            startTagOpen = false
        }
    }

    mutating func startElement(_ name: StaticString) {
        closeStartTag()
        indent(depth + names.count)
        buffer.append(byte: UInt8(ascii: "<"))
        buffer.append(name)
        names.append(name)
        startTagOpen = true
    }

    mutating func attribute(_ name: StaticString, _ value: inout ValueBuffer) {
        value.withBytes { attribute(name, $0) }
    }

    mutating func attribute(_ name: StaticString, _ value: StaticString) {
        value.withUTF8Buffer { attribute(name, $0) }
    }

    private mutating func attribute(_ name: StaticString, _ content: UnsafeBufferPointer<UInt8>) {
        check(content)
        buffer.append(byte: 0x20)
        buffer.append(name)
        buffer.append("=\"")
        buffer.append(buffer: content)
        buffer.append(byte: UInt8(ascii: "\""))
    }

    mutating func attribute(_ name: StaticString, _ value: [UInt8]) {
        value.withUnsafeBufferPointer { all in
            attribute(name, UnsafeBufferPointer(rebasing: all[..<(all.last == 0 ? all.count - 1 : all.count)]))
        }
    }

    mutating func text(_ value: inout ValueBuffer) {
        value.withBytes { content in
            check(content)
            if startTagOpen {
                buffer.append(byte: UInt8(ascii: ">"))
                startTagOpen = false
            }
            buffer.append(buffer: content)
        }
        indentBeforeEnd = false
    }

    mutating func endElement() {
        guard let name = names.popLast() else { return }
        if startTagOpen {
            buffer.append("/>")
            startTagOpen = false
        } else {
            if indentBeforeEnd { indent(depth + names.count) }
            buffer.append("</")
            buffer.append(name)
            buffer.append(byte: UInt8(ascii: ">"))
        }
        indentBeforeEnd = true
        buffer.append(byte: 0x0A)
    }

    /// Marks the block unusable if `bytes` hold anything XML would escape.
    @inline(__always)
    private mutating func check(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes
        where byte < 0x20 || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "\"")
        {
            needsEscaping = true
            return
        }
    }
}

/// Where `RawBlocks` hands its finished blocks: the libxml2 writer, or a `RawRecorder` that keeps
/// them to be written later.
protocol RawOutput: AnyObject {
    func raw(_ markup: borrowing RawMarkup)
}

extension XMLTextWriter: RawOutput {}

/// Keeps copies of the blocks handed to it, in order (markup formatted on another thread, written
/// through `XMLTextWriter.raw(bytes:)` later).
final class RawRecorder: RawOutput {
    private(set) var blocks: [[UInt8]] = []

    func raw(_ markup: borrowing RawMarkup) {
        guard !markup.buffer.isEmpty else { return }
        blocks.append(markup.buffer.bytes)
    }
}

/// Writes a run of sibling elements (a graph's edges) in raw blocks of up to 64 KiB. Each element is
/// first formatted into the block; one that turns out to need escaping is cut from it, the block so
/// far is written, and the caller writes that element through libxml2 (`write` returns false).
struct RawBlocks {
    /// The depth of the elements, and of their parent.
    let depth: Int
    let parentDepth: Int
    /// Whether the parent's start tag may still be open when the first element comes (the parent
    /// was opened through libxml2 with attributes and no content yet).
    let parentMayBeOpen: Bool
    private var pending = false
    private var nothingWrittenYet = true
    private var lastWasRaw = false

    init(depth: Int, parentDepth: Int, parentMayBeOpen: Bool) {
        self.depth = depth
        self.parentDepth = parentDepth
        self.parentMayBeOpen = parentMayBeOpen
    }

    /// Formats one element with `element` into the block. Returns false when it needs escaping:
    /// the caller then writes it through libxml2 and calls `wroteThroughWriter()`.
    mutating func write(
        _ xml: some RawOutput, _ raw: inout RawMarkup, _ element: (inout RawMarkup) -> Void
    ) -> Bool {
        if !pending {
            raw.begin(depth: depth, parentStartTagOpen: parentMayBeOpen && nothingWrittenYet)
            pending = true
        }
        let mark = raw.buffer.count
        element(&raw)
        if !raw.needsEscaping {
            nothingWrittenYet = false
            lastWasRaw = true
            if raw.buffer.count >= 1 << 16 {
                xml.raw(raw)
                pending = false
            }
            return true
        }
        raw.truncate(to: mark)
        xml.raw(raw)
        pending = false
        return false
    }

    /// `<edge id="e<index>" source="n<u>" target="n<v>"`: the start of an edge in both GEXF and
    /// GraphML, which name nodes `n<row>` and edges `e<index>`.
    static func startEdge<Sink: MarkupSink & ~Copyable>(
        _ index: Int, _ u: Int, _ v: Int, _ out: inout Sink, _ buffer: inout ValueBuffer
    ) {
        out.startElement("edge")
        buffer.reset()
        buffer.append("e")
        buffer.append(integer: index)
        out.attribute("id", &buffer)
        buffer.reset()
        buffer.append("n")
        buffer.append(integer: u)
        out.attribute("source", &buffer)
        buffer.reset()
        buffer.append("n")
        buffer.append(integer: v)
        out.attribute("target", &buffer)
    }

    /// An element was written through libxml2.
    mutating func wroteThroughWriter() {
        nothingWrittenYet = false
        lastWasRaw = false
    }

    /// Writes what is pending, ending the block as libxml2 expects before the parent's end tag.
    mutating func finish(_ xml: some RawOutput, _ raw: inout RawMarkup) {
        guard lastWasRaw else { return }
        if !pending { raw.begin(depth: depth, parentStartTagOpen: false) }
        raw.finish(parentDepth: parentDepth)
        xml.raw(raw)
        pending = false
    }
}
