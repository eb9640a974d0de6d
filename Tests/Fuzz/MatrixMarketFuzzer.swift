// libFuzzer target for the Matrix Market reader (not a SwiftPM target; built by scripts/fuzz-matrix-market
// together with the parser sources, which depend only on Glibc and Dispatch).
//
// Every input must either parse into a document whose invariants hold, or throw a MatrixMarketError whose
// description names the file, and alike with both number parsers (Eisel–Lemire and strtod); anything else (a trap, an out-of-bounds access caught by ASan, a violated
// invariant) is a crash that libFuzzer reports.

@_cdecl("LLVMFuzzerTestOneInput")
public func matrixMarketFuzzTest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    // Both number parsers (issue 13): the same document bit for bit, or the same error.
    let el = outcome(bytes, .eiselLemire), standard = outcome(bytes, .standard)
    switch (el, standard) {
    case let (.success(a), .success(b)):
        precondition(a.header == b.header && bits(a) == bits(b), "the number parsers disagree")
    case let (.failure(a), .failure(b)):
        precondition(a == b, "the number parsers fail differently: \(a) / \(b)")
    default:
        preconditionFailure("one number parser accepts what the other refuses: \(el) / \(standard)")
    }
    return 0
}

private func outcome(_ bytes: UnsafeRawBufferPointer, _ numbers: MatrixMarket.NumberParser)
    -> Result<MatrixMarket.Document, MatrixMarketError> {
    do {
        let doc = try MatrixMarket.parse(bytes: bytes, name: "fuzz.mtx", numbers: numbers)
        check(doc)
        return .success(doc)
    } catch let error as MatrixMarketError {
        precondition(error.description.hasPrefix("fuzz.mtx"), "error does not name the file: \(error)")
        return .failure(error)
    } catch {
        fatalError("untyped error \(error)")
    }
}

/// Indices and value bit patterns of a document.
private func bits(_ doc: MatrixMarket.Document) -> [UInt64] {
    switch doc.storage {
    case .dense(let values): return values.map(\.bitPattern)
    case let .coordinate(ri, ci, values): return ri.map { UInt64($0) } + ci.map { UInt64($0) } + values.map(\.bitPattern)
    }
}

private func check(_ doc: MatrixMarket.Document) {
    let h = doc.header
    precondition(h.rows >= 0 && h.columns >= 0)
    let width = h.field == .complex ? 2 : 1
    switch doc.storage {
    case .dense(let values):
        precondition(h.format == .array)
        precondition(values.count == h.rows * h.columns * width, "dense value count")
        precondition(values.allSatisfy { $0.isFinite }, "non-finite value accepted")
    case let .coordinate(ri, ci, values):
        precondition(h.format == .coordinate)
        precondition(ri.count == ci.count)
        precondition(h.symmetry != .general || ri.count == h.entries, "entry count")
        precondition(ri.count >= h.entries && ri.count <= 2 * h.entries)
        precondition(h.field == .pattern ? values.isEmpty : values.count == ri.count * width, "value count")
        for k in 0..<ri.count {
            precondition(ri[k] >= 0 && ri[k] < h.rows && ci[k] >= 0 && ci[k] < h.columns, "index range")
        }
        precondition(values.allSatisfy { $0.isFinite }, "non-finite value accepted")
    }
}
