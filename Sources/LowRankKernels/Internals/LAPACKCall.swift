import Numerics
/// Turns a LAPACK `info` into a typed error. `info < 0` means an illegal argument (a bug in
/// the caller); `info > 0` is routine-specific and mapped by `positive`.
@inline(__always)
func checkLAPACK(_ routine: String, _ info: Int32,
                 positive: ((Int) -> LinearAlgebraError)? = nil) throws {
    if info == 0 { return }
    if info > 0, let positive { throw positive(Int(info)) }
    throw LinearAlgebraError.lapack(routine: routine, info: Int(info))
}

/// The LAPACK routine name for the scalar type: `d…` or `z…`.
@inline(__always)
func routineName<S: LinearAlgebraScalar>(_ s: S.Type, _ real: String, _ complex: String) -> String {
    S.isComplex ? complex : real
}

@inline(__always) func lapackChar(_ c: Character) -> CChar { CChar(UInt8(ascii: c.unicodeScalars.first!)) }
