import LowRankKernels

/// Sparse LU factorization `P R A Q = L U` of a square sparse matrix by UMFPACK's unsymmetric-pattern
/// multifrontal method (Davis 2004, ACM TOMS 30(2), Algorithm 832), for `Double` (`umfpack_di_*`) and
/// `Complex<Double>` (`umfpack_zi_*`).
///
/// The factorization splits into a symbolic analysis (fill-reducing column ordering, depending only on the
/// sparsity pattern) and a numeric factorization. For a family of matrices with one pattern — the shifted systems
/// `A + p·E` of low-rank ADI, formed with ``SparseMatrix/scaledAndAdded(_:scaledBy:)`` — analyse once and
/// factor each shift:
/// ```swift
/// let symbolic = try SparseLU.analyze(pattern: a.scaledAndAdded(e, scaledBy: 1))
/// for p in shifts {
///     let lu = try SparseLU(factorizing: a.scaledAndAdded(e, scaledBy: p), symbolic: symbolic)
///     let x = try lu.solve(b)
/// }
/// ```
/// Solves use UMFPACK's default iterative refinement. The type is a value wrapping immutable UMFPACK objects,
/// freed when the last copy goes away; it is `Sendable` and concurrent solves are safe.
public struct SparseLU<Scalar: LinearAlgebraScalar>: Sendable {
    /// A reusable symbolic analysis (UMFPACK Symbolic object) for matrices with one sparsity pattern.
    public struct Symbolic: Sendable {
        let object: UMFPACKSymbolicObject
        /// The order `n` of the analysed `n × n` pattern.
        public var dimension: Int { object.pattern.n }
    }

    let numeric: UMFPACKNumericObject

    /// The order `n` of the factored matrix.
    public var dimension: Int { numeric.n }

    /// Analyses the sparsity pattern of the square matrix `pattern` (its values guide pivoting strategy only)
    /// with `umfpack_di_symbolic` / `umfpack_zi_symbolic`.
    ///
    /// - Throws: `LinearAlgebraError.dimensionMismatch(operation:lhs:rhs:)` for a non-square matrix,
    ///   `LinearAlgebraError.emptyMatrix(argument:)` for `0 × 0`,
    ///   `LinearAlgebraError.sparseSolver(library:status:message:)` when UMFPACK fails.
    public static func analyze(pattern: SparseMatrix<Scalar>) throws -> Symbolic {
        Symbolic(object: try UMFPACKSymbolicObject(pattern))
    }

    /// Factors `a` with a previous symbolic analysis of the same pattern (`umfpack_*_numeric`).
    ///
    /// - Throws: `LinearAlgebraError.invalidArgument(argument:reason:)` when `a`'s pattern differs from the
    ///   analysed one, `LinearAlgebraError.nonFinite(argument:)` for NaN/Inf entries,
    ///   `LinearAlgebraError.singular(routine:index:)` (1-based column of the first zero pivot, 0 if unknown)
    ///   for a singular matrix, `LinearAlgebraError.sparseSolver(library:status:message:)` otherwise.
    public init(factorizing a: SparseMatrix<Scalar>, symbolic: Symbolic) throws {
        numeric = try UMFPACKNumericObject(a, symbolic: symbolic.object)
    }

    /// Analyses and factors `a` in one step.
    ///
    /// - Throws: as ``analyze(pattern:)`` and ``init(factorizing:symbolic:)``.
    public init(factorizing a: SparseMatrix<Scalar>) throws {
        try self.init(factorizing: a, symbolic: SparseLU.analyze(pattern: a))
    }

    /// Solves `op(A) X = B` column by column, `op` ∈ {identity, transpose `Aᵀ`, adjoint `Aᴴ`}
    /// (`umfpack_*_solve` with `UMFPACK_A`, `UMFPACK_Aat`, `UMFPACK_At`).
    ///
    /// - Throws: `LinearAlgebraError.dimensionMismatch(operation:lhs:rhs:)` when `B` has the wrong number of
    ///   rows, `LinearAlgebraError.nonFinite(argument:)` for NaN/Inf in `B`.
    public func solve(_ b: Matrix<Scalar>, _ trans: Transpose = .none) throws -> Matrix<Scalar> {
        let n = dimension
        guard b.rows == n else {
            throw LinearAlgebraError.dimensionMismatch(operation: "sparse LU solve", lhs: "A \(n)×\(n)",
                                                       rhs: "B \(b.shapeDescription)")
        }
        try b.requireFinite("B")
        var x = Matrix<Scalar>(rows: n, columns: b.columns)
        let width = Scalar.isComplex ? 2 : 1
        try b.elements.withUnsafeBufferPointer { pb in
            try x.elements.withUnsafeMutableBufferPointer { px in
                guard let bBase = pb.baseAddress, let xBase = px.baseAddress else { return }
                try UnsafeRawPointer(bBase).withMemoryRebound(to: Double.self, capacity: pb.count * width) { bd in
                    try UnsafeMutableRawPointer(xBase).withMemoryRebound(to: Double.self, capacity: px.count * width) { xd in
                        for j in 0..<b.columns {
                            try numeric.solve(bd + j * n * width, into: xd + j * n * width, trans)
                        }
                    }
                }
            }
        }
        return x
    }

    /// Solves `op(A) x = b` for one right-hand side.
    public func solve(_ b: [Scalar], _ trans: Transpose = .none) throws -> [Scalar] {
        try solve(Matrix(uncheckedRows: b.count, columns: 1, elements: b), trans).elements
    }
}
