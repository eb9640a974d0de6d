import LowRankKernels
import CUMFPACK

// The UMFPACK seam (Davis 2004, "Algorithm 832: UMFPACK V4.3 — an unsymmetric-pattern multifrontal method",
// ACM TOMS 30(2)). Real matrices use `umfpack_di_*`, complex ones `umfpack_zi_*` with packed complex storage
// (interleaved re/im in `Ax`, `nil` for the separate imaginary array). Indices are `Int32`.

/// A square CSC pattern in UMFPACK's `Int32` indices.
struct UMFPACKPattern: Sendable, Equatable {
    let n: Int
    let ap: [Int32]
    let ai: [Int32]

    init<S: LinearAlgebraScalar>(_ a: SparseMatrix<S>, operation: String) throws {
        try validateForInt32SparseSolver(a, library: "UMFPACK", operation: operation)
        n = a.rows
        ap = a.columnPointers.map { Int32(truncatingIfNeeded: $0) }
        ai = a.rowIndices.map { Int32(truncatingIfNeeded: $0) }
    }
}

/// Scalars as the `double` array UMFPACK reads: the same array for `Double`, interleaved pairs for complex.
func packedDoubles<S: LinearAlgebraScalar>(_ v: [S]) -> [Double] {
    if S.self == Double.self { return unsafeBitCast(v, to: [Double].self) }
    let count = v.count * MemoryLayout<S>.stride / MemoryLayout<Double>.stride
    return [Double](unsafeUninitializedCapacity: count) { buf, initialized in
        v.withUnsafeBytes { src in UnsafeMutableRawBufferPointer(buf).copyMemory(from: src) }
        initialized = count
    }
}

/// The text for an UMFPACK status code (`umfpack.h`).
func umfpackMessage(_ status: Int32) -> String {
    switch status {
    case UMFPACK_WARNING_singular_matrix: return "matrix is singular"
    case UMFPACK_WARNING_determinant_underflow: return "determinant underflow"
    case UMFPACK_WARNING_determinant_overflow: return "determinant overflow"
    case UMFPACK_ERROR_out_of_memory: return "out of memory"
    case UMFPACK_ERROR_invalid_Numeric_object: return "invalid Numeric object"
    case UMFPACK_ERROR_invalid_Symbolic_object: return "invalid Symbolic object"
    case UMFPACK_ERROR_argument_missing: return "argument missing"
    case UMFPACK_ERROR_n_nonpositive: return "matrix dimension must be positive"
    case UMFPACK_ERROR_invalid_matrix: return "invalid matrix structure"
    case UMFPACK_ERROR_different_pattern: return "pattern differs from the symbolic analysis"
    case UMFPACK_ERROR_invalid_system: return "invalid system"
    case UMFPACK_ERROR_invalid_permutation: return "invalid permutation"
    case UMFPACK_ERROR_internal_error: return "internal error"
    case UMFPACK_ERROR_file_IO: return "file I/O error"
    case UMFPACK_ERROR_ordering_failed: return "ordering failed"
    default: return "unknown status"
    }
}

/// Owns an UMFPACK Symbolic object (freed in `deinit`).
///
/// `@unchecked Sendable`: the object is immutable after `umfpack_*_symbolic` returns; UMFPACK only reads it in
/// `umfpack_*_numeric`, which allocates its own workspace, so sharing it between threads is safe.
final class UMFPACKSymbolicObject: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    let isComplex: Bool
    let pattern: UMFPACKPattern

    init<S: LinearAlgebraScalar>(_ a: SparseMatrix<S>) throws {
        let pattern = try UMFPACKPattern(a, operation: "SparseLU.analyze")
        self.pattern = pattern
        isComplex = S.isComplex
        let ax = packedDoubles(a.values)
        var symbolic: UnsafeMutableRawPointer?
        let n = Int32(pattern.n)
        let status: Int32 = pattern.ap.withUnsafeBufferPointer { ap in
            pattern.ai.withUnsafeBufferPointer { ai in
                ax.withUnsafeBufferPointer { x in
                    S.isComplex
                        ? umfpack_zi_symbolic(n, n, ap.baseAddress, ai.baseAddress, x.baseAddress, nil, &symbolic, nil, nil)
                        : umfpack_di_symbolic(n, n, ap.baseAddress, ai.baseAddress, x.baseAddress, &symbolic, nil, nil)
                }
            }
        }
        guard status == UMFPACK_OK, let symbolic else {
            throw LinearAlgebraError.sparseSolver(library: "UMFPACK", status: Int(status),
                                                  message: "\(S.isComplex ? "umfpack_zi_symbolic" : "umfpack_di_symbolic"): \(umfpackMessage(status))")
        }
        handle = symbolic
    }

    deinit {
        var p: UnsafeMutableRawPointer? = handle
        if isComplex { umfpack_zi_free_symbolic(&p) } else { umfpack_di_free_symbolic(&p) }
    }
}

/// Owns an UMFPACK Numeric object (freed in `deinit`) together with the matrix it factors (UMFPACK's solve
/// reads `A` again for iterative refinement).
///
/// `@unchecked Sendable`: immutable after construction; `umfpack_*_solve` only reads the Numeric object and the
/// matrix and allocates its own workspace, so concurrent solves are safe.
final class UMFPACKNumericObject: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    let symbolic: UMFPACKSymbolicObject
    let values: [Double]
    let isComplex: Bool

    var n: Int { symbolic.pattern.n }

    init<S: LinearAlgebraScalar>(_ a: SparseMatrix<S>, symbolic: UMFPACKSymbolicObject) throws {
        let routine = S.isComplex ? "umfpack_zi_numeric" : "umfpack_di_numeric"
        let pattern = try UMFPACKPattern(a, operation: "SparseLU(factorizing:)")
        guard symbolic.isComplex == S.isComplex, pattern == symbolic.pattern else {
            throw LinearAlgebraError.invalidArgument(
                argument: "symbolic", reason: "the sparsity pattern differs from the analysed one")
        }
        try a.requireFinite("A")
        self.symbolic = symbolic
        self.isComplex = S.isComplex
        let values = packedDoubles(a.values)
        self.values = values
        var numeric: UnsafeMutableRawPointer?
        let status: Int32 = pattern.ap.withUnsafeBufferPointer { ap in
            pattern.ai.withUnsafeBufferPointer { ai in
                values.withUnsafeBufferPointer { x in
                    S.isComplex
                        ? umfpack_zi_numeric(ap.baseAddress, ai.baseAddress, x.baseAddress, nil, symbolic.handle,
                                             &numeric, nil, nil)
                        : umfpack_di_numeric(ap.baseAddress, ai.baseAddress, x.baseAddress, symbolic.handle,
                                             &numeric, nil, nil)
                }
            }
        }
        guard let numeric, status >= UMFPACK_OK else {
            throw LinearAlgebraError.sparseSolver(library: "UMFPACK", status: Int(status),
                                                  message: "\(routine): \(umfpackMessage(status))")
        }
        handle = numeric
        if status == UMFPACK_WARNING_singular_matrix {
            // `self` is fully initialized here, so throwing releases it and `deinit` frees the Numeric object.
            let column = firstZeroPivotColumn()
            throw LinearAlgebraError.singular(routine: routine, index: column)
        }
    }

    /// The 1-based column (original numbering) of the first zero pivot of U, 0 when it cannot be determined.
    private func firstZeroPivotColumn() -> Int {
        let n = symbolic.pattern.n
        var q = [Int32](repeating: 0, count: n)
        var d = [Double](repeating: 0, count: isComplex ? 2 * n : n)
        var recip: Int32 = 0
        let status: Int32 = q.withUnsafeMutableBufferPointer { qp in
            d.withUnsafeMutableBufferPointer { dp in
                isComplex
                    ? umfpack_zi_get_numeric(nil, nil, nil, nil, nil, nil, nil, nil, nil, qp.baseAddress,
                                             dp.baseAddress, nil, &recip, nil, handle)
                    : umfpack_di_get_numeric(nil, nil, nil, nil, nil, nil, nil, qp.baseAddress, dp.baseAddress,
                                             &recip, nil, handle)
            }
        }
        guard status == UMFPACK_OK else { return 0 }
        let stride = isComplex ? 2 : 1
        for k in 0..<n where d[k * stride] == 0 && (stride == 1 || d[k * stride + 1] == 0) {
            return Int(q[k]) + 1
        }
        return 0
    }

    /// Solves `op(A) x = b` for one right-hand side held as packed doubles.
    func solve(_ b: UnsafePointer<Double>, into x: UnsafeMutablePointer<Double>, _ trans: Transpose) throws {
        let sys: Int32
        switch trans {
        case .none: sys = UMFPACK_A
        case .transpose: sys = UMFPACK_Aat
        case .adjoint: sys = UMFPACK_At
        }
        let pattern = symbolic.pattern
        let status: Int32 = pattern.ap.withUnsafeBufferPointer { ap in
            pattern.ai.withUnsafeBufferPointer { ai in
                values.withUnsafeBufferPointer { v in
                    isComplex
                        ? umfpack_zi_solve(sys, ap.baseAddress, ai.baseAddress, v.baseAddress, nil, x, nil, b, nil,
                                           handle, nil, nil)
                        : umfpack_di_solve(sys, ap.baseAddress, ai.baseAddress, v.baseAddress, x, b, handle, nil, nil)
                }
            }
        }
        if status == UMFPACK_OK || status == UMFPACK_WARNING_determinant_underflow
            || status == UMFPACK_WARNING_determinant_overflow { return }
        let routine = isComplex ? "umfpack_zi_solve" : "umfpack_di_solve"
        if status == UMFPACK_WARNING_singular_matrix { throw LinearAlgebraError.singular(routine: routine, index: 0) }
        throw LinearAlgebraError.sparseSolver(library: "UMFPACK", status: Int(status),
                                              message: "\(routine): \(umfpackMessage(status))")
    }

    deinit {
        var p: UnsafeMutableRawPointer? = handle
        if isComplex { umfpack_zi_free_numeric(&p) } else { umfpack_di_free_numeric(&p) }
    }
}

/// Checks shared by the Int32 ("int" API) sparse solvers: square, non-empty, indices within Int32.
func validateForInt32SparseSolver<S: LinearAlgebraScalar>(_ a: SparseMatrix<S>, library: String,
                                                         operation: String) throws {
    guard a.rows == a.columns else {
        throw LinearAlgebraError.dimensionMismatch(operation: operation, lhs: "A \(a.shapeDescription)",
                                                   rhs: "a square matrix")
    }
    guard a.rows > 0 else { throw LinearAlgebraError.emptyMatrix(argument: "A") }
    guard a.rows <= Int(Int32.max), a.nonzeroCount <= Int(Int32.max) else {
        throw LinearAlgebraError.invalidArgument(argument: "A",
                                                 reason: "\(library) (int version) is limited to 2³¹−1 rows and entries")
    }
}
