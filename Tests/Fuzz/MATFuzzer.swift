// libFuzzer target for the MATLAB .mat reader (not a SwiftPM target; built by scripts/fuzz-mat together with
// MATv5Validator.swift, MATv5Structure.swift, MATv4Validator.swift, MATFile+Error.swift, MATFile+Load.swift and the zlib and matio seams,
// linked with -lmatio -lz).
//
// The bytes are written to a temporary file and read along the package's own path (MATFile.names, then
// MATFile.load for every name: the v5 validator, then matio). Every input must either give variables whose storage
// is consistent, or throw a MATFile.Error whose description names the file; anything else (a trap, an ASan report,
// a crash inside matio) is a crash.
import Foundation

private let path = NSTemporaryDirectory() + "lowrank-mat-fuzz-\(getpid()).mat"

@_cdecl("LLVMFuzzerTestOneInput")
public func matFuzzTest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let file = fopen(path, "wb") else { fatalError("cannot write \(path)") }
    if size > 0 { precondition(fwrite(data, 1, size, file) == size, "short write") }
    fclose(file)
    do {
        for name in try MATFile.names(path).prefix(16) {
            do {
                check(try MATFile.load(path, variable: name))
            } catch {
                precondition(error.description.hasPrefix(path + ":"), "error does not name the file: \(error)")
            }
        }
    } catch {
        precondition(error.description.hasPrefix(path + ":"), "error does not name the file: \(error)")
    }
    return 0
}

private func check(_ v: Matio.Variable) {
    switch v {
    case let .dense(rows, columns, values):
        precondition(rows >= 0 && columns >= 0 && values.count == rows * columns, "dense value count")
    case let .sparse(rows, columns, columnPointers, rowIndices, values):
        precondition(rows >= 0 && columns >= 0, "sparse shape")
        precondition(columnPointers.count == columns + 1, "column pointer count")
        precondition(rowIndices.count == values.count, "row index count")
    }
}
