import LowRankKernels

/// Sparse Cholesky factorization `P A Pᵀ = L Lᵀ` of a real symmetric positive definite matrix by CHOLMOD's
/// supernodal method (Chen, Davis, Hager, Rajamanickam 2008, ACM TOMS 35(3), Algorithm 887).
///
/// Only the lower triangle of `A` is read (the upper one is ignored), so a matrix holding both triangles or only
/// the lower one both work. As with ``SparseLU``, the symbolic analysis (`cholmod_analyze`: fill-reducing ordering
/// and supernodes) can be reused for every matrix with the same pattern, e.g. the SPD shifted systems
/// `−(A + pE)` of ADI with real shifts:
/// ```swift
/// let symbolic = try SparseCholesky.analyze(pattern: m)
/// let chol = try SparseCholesky(factorizing: m2, symbolic: symbolic)
/// let x = try chol.solve(b)
/// ```
/// A value wrapping immutable CHOLMOD objects, freed with the last copy; `Sendable` (calls into one analysis'
/// `cholmod_common` are serialised by a lock).
public struct SparseCholesky: Sendable {
    /// A reusable symbolic analysis for matrices with one sparsity pattern.
    public struct Symbolic: Sendable {
        let object: CHOLMODSymbolicObject
        /// The order `n` of the analysed `n × n` pattern.
        public var dimension: Int { object.n }
    }

    let numeric: CHOLMODNumericObject

    /// The order `n` of the factored matrix.
    public var dimension: Int { numeric.n }

    /// How the numeric factor is organised.
    public enum Method: Sendable {
        /// Supernodal `L Lᵀ` with BLAS-3 on dense supernodes: best for large fill (3-D meshes, many threads).
        case supernodal
        /// Simplicial (column-by-column) `L D Lᵀ`: no BLAS or OpenMP per supernode, so it is faster for
        /// 2-D meshes and single-threaded repeated factorizations (the ADI's shifted systems).
        case simplicial
        /// CHOLMOD's own choice (supernodal when flops / nnz(L) ≥ 40).
        case automatic
    }

    /// Analyses the pattern of the square matrix `pattern` (`cholmod_analyze`, supernodal by default).
    ///
    /// - Throws: `LinearAlgebraError.dimensionMismatch(operation:lhs:rhs:)` for a non-square matrix,
    ///   `LinearAlgebraError.emptyMatrix(argument:)` for `0 × 0`,
    ///   `LinearAlgebraError.sparseSolver(library:status:message:)` when CHOLMOD fails.
    public static func analyze(pattern: SparseMatrix<Double>, method: Method = .supernodal) throws -> Symbolic {
        Symbolic(object: try CHOLMODSymbolicObject(pattern, supernodal: CHOLMODSymbolicObject.code(method)))
    }

    /// Factors `a` (symmetric positive definite, same pattern as the analysis) with `cholmod_factorize`.
    ///
    /// - Throws: `LinearAlgebraError.notPositiveDefinite(routine:order:)` with the order of the first failing
    ///   leading minor of the permuted matrix, `LinearAlgebraError.invalidArgument(argument:reason:)` when the
    ///   pattern differs from the analysis, `LinearAlgebraError.nonFinite(argument:)` for NaN/Inf entries.
    public init(factorizing a: SparseMatrix<Double>, symbolic: Symbolic) throws {
        numeric = try CHOLMODNumericObject(a, symbolic: symbolic.object)
    }

    /// Analyses and factors `a` in one step.
    public init(factorizing a: SparseMatrix<Double>) throws {
        try self.init(factorizing: a, symbolic: SparseCholesky.analyze(pattern: a))
    }

    /// Solves `A X = B` for all columns of `B` at once (`cholmod_solve` with `CHOLMOD_A`).
    ///
    /// - Throws: `LinearAlgebraError.dimensionMismatch(operation:lhs:rhs:)` when `B` has the wrong number of
    ///   rows, `LinearAlgebraError.nonFinite(argument:)` for NaN/Inf in `B`.
    public func solve(_ b: Matrix<Double>) throws -> Matrix<Double> {
        let n = dimension
        guard b.rows == n else {
            throw LinearAlgebraError.dimensionMismatch(operation: "sparse Cholesky solve", lhs: "A \(n)×\(n)",
                                                       rhs: "B \(b.shapeDescription)")
        }
        try b.requireFinite("B")
        var x = Matrix<Double>(rows: n, columns: b.columns)
        if b.columns == 0 { return x }
        try b.elements.withUnsafeBufferPointer { pb in
            try x.elements.withUnsafeMutableBufferPointer { px in
                try numeric.solve(pb.baseAddress!, into: px.baseAddress!, columns: b.columns)
            }
        }
        return x
    }

    /// Solves `A x = b` for one right-hand side.
    public func solve(_ b: [Double]) throws -> [Double] {
        try solve(Matrix(uncheckedRows: b.count, columns: 1, elements: b)).elements
    }
}
