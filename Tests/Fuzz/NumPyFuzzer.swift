// libFuzzer target for the NumPy .npy reader (not a SwiftPM target; built by scripts/fuzz-npy together with
// NumPy.swift, NDArray.swift, ColumnMajorLayout.swift, Internals/AtomicFile.swift and the stand-ins in
// NumPyFuzzSupport.swift, compiled with -D NUMPY_FUZZ).
//
// Every input, parsed as float64 and as complex128, must either give an array whose element count is the product of
// its shape and which survives encode → parse bit for bit, or throw a NumPyError whose description names the file;
// anything else (a trap, an ASan report) is a crash.

@_cdecl("LLVMFuzzerTestOneInput")
public func numpyFuzzTest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    check(bytes, as: Double.self)
    check(bytes, as: Complex<Double>.self)
    return 0
}

private func check<Scalar: LinearAlgebraScalar>(_ bytes: [UInt8], as type: Scalar.Type) {
    do {
        let a = try NumPy.parse(bytes: bytes, name: "fuzz.npy", as: Scalar.self)
        var count = 1
        for d in a.shape {
            precondition(d >= 0, "negative extent")
            count *= d
        }
        precondition(a.elements.count == count, "element count \(a.elements.count) for shape \(a.shape)")
        let b = try NumPy.parse(bytes: NumPy.encode(a), name: "fuzz.npy", as: Scalar.self)
        precondition(b.shape == a.shape, "round-trip shape")
        for (x, y) in zip(a.elements, b.elements) {
            precondition(x.realPart.bitPattern == y.realPart.bitPattern
                         && x.imaginaryPart.bitPattern == y.imaginaryPart.bitPattern, "round-trip value")
        }
    } catch let error as NumPyError {
        precondition(error.description.hasPrefix("fuzz.npy:"), "error does not name the file: \(error)")
    } catch {
        fatalError("untyped error \(error)")
    }
}
