// libFuzzer target for the FCIDUMP parser (not a SwiftPM target; built by scripts/fuzz-fcidump together with
// FCIDUMPParser.swift, FCIDUMPError.swift and LowRankKernels' DecimalText/DecimalParsing/PowersOfFive, compiled with
// -D FCIDUMP_FUZZ so the parser does not import LowRankKernels).
//
// Every input must either parse into records whose invariants hold, or throw an FCIDUMPError whose description names
// the file and whose line lies within the input; anything else (a trap, an ASan report) is a crash.

@_cdecl("LLVMFuzzerTestOneInput")
public func fcidumpFuzzTest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    var lines = 1
    for b in bytes where b == 10 { lines += 1 }
    do {
        let r = try FCIDUMPParser.parse(bytes, name: "fuzz.FCIDUMP", maximumOrbitals: 12)
        let n = r.norb
        precondition(n >= 1 && n <= 12, "NORB range")
        precondition(r.orbsym.count == n, "ORBSYM count")
        precondition(r.oneBody.count == n * n, "h size")
        let npair = n * (n + 1) / 2
        precondition(r.twoBody.count == npair * (npair + 1) / 2, "packed size")
        for i in 0..<n { for j in 0..<n { precondition(r.oneBody[i + j * n] == r.oneBody[j + i * n], "h symmetric") } }
        precondition(r.oneBody.allSatisfy { $0.isFinite } && r.twoBody.allSatisfy { $0.isFinite } && r.core.isFinite,
                     "non-finite value accepted")
    } catch {
        precondition(error.description.hasPrefix("fuzz.FCIDUMP:"), "error does not name the file: \(error)")
        precondition(error.line >= 1 && error.line <= lines, "line \(error.line) outside 1…\(lines): \(error)")
    }
    return 0
}
