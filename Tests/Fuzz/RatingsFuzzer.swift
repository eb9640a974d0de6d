// libFuzzer target for the ratings readers (not a SwiftPM target; built by scripts/fuzz-ratings together with
// Ratings.swift and RatingsReader.swift, compiled with -D RATINGS_FUZZ so they do not import LowRankKernels).
//
// The first input byte picks the format; the rest is the file. Every input must either read into ratings whose
// invariants hold (CSR and CSC describe the same entries, finite values, indices in range), or throw a RatingsError
// naming the file with a line inside the input; anything else (a trap, an ASan report) is a crash.

@_cdecl("LLVMFuzzerTestOneInput")
public func ratingsFuzzTest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard size >= 1, let data else { return 0 }
    let formats: [RatingsFormat] = [.movieLens, .movieLensDat, .movieLensCSV, .matrixMarket,
                                    .delimited(DelimitedLayout(delimiter: ",", userColumn: 1, itemColumn: 0, ratingColumn: 2, headerLines: 1))]
    let policies: [DuplicatePolicy] = [.refuse, .last, .mean]
    let format = formats[Int(data[0]) % formats.count]
    let policy = policies[Int(data[0] / 8) % policies.count]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    var lines = 1
    for b in bytes where b == 10 { lines += 1 }
    do {
        let r = try RatingsReader.parse(bytes, path: "fuzz.ratings", format: format, duplicates: policy)
        precondition(r.count > 0, "empty ratings accepted")
        precondition(r.rowOffsets.count == r.userCount + 1 && r.columnOffsets.count == r.itemCount + 1, "offsets")
        precondition(r.rowOffsets.last == r.count && r.columnOffsets.last == r.count, "offset totals")
        precondition(r.rowValues.allSatisfy { $0.isFinite }, "non-finite rating accepted")
        precondition(r.rowItems.allSatisfy { $0 >= 0 && Int($0) < r.itemCount }, "item index range")
        precondition(r.columnUsers.allSatisfy { $0 >= 0 && Int($0) < r.userCount }, "user index range")
        precondition(r.rowValues.reduce(0, +) == r.rowValues.reduce(0, +), "sum")
        let csr = r.rowValues.reduce(0) { $0 + $1.magnitude }, csc = r.columnValues.reduce(0) { $0 + $1.magnitude }
        precondition(Swift.abs(csr - csc) <= 1e-9 * Swift.max(1, csr), "CSR and CSC hold different values")
    } catch {
        precondition(error.description.hasPrefix("fuzz.ratings"), "error does not name the file: \(error)")
        if let line = error.line { precondition(line >= 1 && line <= lines, "line \(line) outside 1…\(lines): \(error)") }
    }
    return 0
}
