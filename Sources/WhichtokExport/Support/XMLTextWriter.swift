internal import CLibXML2

/// The only file that calls libxml2: a streaming `xmlTextWriter` on a file descriptor.
///
/// libxml2 buffers the output (4 KB chunks) and writes it to the descriptor as it goes, so memory
/// does not grow with the document. Element and attribute names are static, null-terminated literals;
/// values come from a caller's null-terminated byte buffer. The writer escapes `< > & "` and, inside
/// attribute values, CR, LF and TAB as character references, and writes everything else as UTF-8 (the
/// document is declared UTF-8). `raw(_:)` passes blocks that `RawMarkup` proved need no escaping
/// through `xmlTextWriterWriteRawLen`. The first failing call marks the writer as failed; later calls are
/// skipped. (The variadic `…Format…` functions are not importable into Swift; values are formatted
/// by `ValueBuffer` instead. `xmlCleanupParser` is never called: other code shares libxml2's state.)
final class XMLTextWriter {
    private let writer: xmlTextWriterPtr
    private(set) var failed = false

    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    /// A writer on `fileDescriptor` (not closed by the writer), or nil when libxml2 cannot allocate one.
    init?(fileDescriptor: Int32) {
        guard XMLTextWriter.initialised, let output = xmlOutputBufferCreateFd(fileDescriptor, nil) else { return nil }
        guard let writer = xmlNewTextWriter(output) else {
            xmlOutputBufferClose(output)
            return nil
        }
        self.writer = writer
        check(xmlTextWriterSetIndent(writer, 1))
        check(xmlTextWriterSetIndentString(writer, "  "))
    }

    deinit {
        xmlFreeTextWriter(writer)
    }

    @inline(__always)
    private func check(_ result: Int32) {
        if result < 0 { failed = true }
    }

    /// `<?xml version="1.0" encoding="UTF-8"?>`.
    func startDocument() {
        guard !failed else { return }
        check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil))
    }

    /// Closes every open element and flushes.
    func endDocument() {
        guard !failed else { return }
        check(xmlTextWriterEndDocument(writer))
        check(xmlTextWriterFlush(writer))
    }

    @inline(__always)
    func startElement(_ name: StaticString) {
        guard !failed else { return }
        check(xmlTextWriterStartElement(writer, name.utf8Start))
    }

    @inline(__always)
    func endElement() {
        guard !failed else { return }
        check(xmlTextWriterEndElement(writer))
    }

    /// An attribute with a static value.
    @inline(__always)
    func attribute(_ name: StaticString, _ value: StaticString) {
        guard !failed else { return }
        check(xmlTextWriterWriteAttribute(writer, name.utf8Start, value.utf8Start))
    }

    /// An attribute whose value is the null-terminated bytes of `value` (see `ValueBuffer`).
    @inline(__always)
    func attribute(_ name: StaticString, _ value: inout ValueBuffer) {
        guard !failed else { return }
        value.withCString { check(xmlTextWriterWriteAttribute(writer, name.utf8Start, $0)) }
    }

    /// An attribute with a null-terminated byte name and value (dynamic names: attribute ids).
    @inline(__always)
    func attribute(_ name: StaticString, _ value: [UInt8]) {
        guard !failed else { return }
        value.withUnsafeBufferPointer { check(xmlTextWriterWriteAttribute(writer, name.utf8Start, $0.baseAddress)) }
    }

    /// Text content (escaped), from the null-terminated bytes of `value`.
    @inline(__always)
    func text(_ value: inout ValueBuffer) {
        guard !failed else { return }
        value.withCString { check(xmlTextWriterWriteString(writer, $0)) }
    }

    /// Pre-formatted markup, written as it is (see `RawMarkup`).
    func raw(_ markup: borrowing RawMarkup) {
        guard !failed, !markup.buffer.isEmpty else { return }
        markup.buffer.withBytes { bytes in
            check(xmlTextWriterWriteRawLen(writer, bytes.baseAddress, Int32(bytes.count)))
        }
    }

    /// Markup recorded earlier (`RawRecorder`, `GEXFWriter.RecordedNodes`), written as it is.
    func raw(bytes: some Collection<UInt8>) {
        guard !failed, !bytes.isEmpty else { return }
        let done: Void? = bytes.withContiguousStorageIfAvailable {
            check(xmlTextWriterWriteRawLen(writer, $0.baseAddress, Int32($0.count)))
        }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { check(xmlTextWriterWriteRawLen(writer, $0.baseAddress, Int32($0.count))) }
        }
    }

    /// `<name>text</name>` with the null-terminated bytes of `value` as text.
    func element(_ name: StaticString, text value: inout ValueBuffer) {
        guard !failed else { return }
        value.withCString { check(xmlTextWriterWriteElement(writer, name.utf8Start, $0)) }
    }
}
