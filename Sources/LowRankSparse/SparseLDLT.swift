import LowRankKernels

/// Sparse `P A Pᵀ = L D Lᵀ` without pivoting and without conjugation, for real symmetric and
/// complex *symmetric* (Aᵀ = A, not Hermitian) matrices, by Davis's up-looking LDL algorithm
/// (T. A. Davis, "Algorithm 849: a concise sparse Cholesky factorization package", ACM TOMS 31
/// (2005) 587) in the fill-reducing order of CHOLMOD's analysis.
///
/// Without pivoting the factorization exists and is stable for symmetric quasi-definite matrices
/// and for complex symmetric matrices whose real or imaginary part is definite (Higham, "Factorizing
/// complex symmetric matrices with positive definite real and imaginary parts", Math. Comp. 67
/// (1998) 1591) — e.g. `A − iωE` with A negative definite and E SPD, the frequency response of a
/// symmetric descriptor system. In complex arithmetic it costs about four real Cholesky
/// factorizations, far less than a complex LU with pivoting. The symbolic analysis (ordering,
/// elimination tree, column counts) depends only on the pattern and is reused across matrices.
public struct SparseLDLT<Scalar: LinearAlgebraScalar>: Sendable {
    /// Pattern-only analysis, reusable for every matrix with the same pattern.
    public struct Symbolic: Sendable {
        let n: Int
        let perm: [Int]
        let pinv: [Int]
        let parent: [Int]
        let lp: [Int]
        let columnPointers: [Int]
        let rowIndices: [Int]
        /// The order n.
        public var dimension: Int { n }
        /// Entries of the factor L (excluding the unit diagonal).
        public var factorEntries: Int { lp[n] }
    }

    let symbolic: Symbolic
    let li: [Int]
    let lx: [Scalar]
    let d: [Scalar]

    /// Orders the pattern with CHOLMOD's analysis and computes the elimination tree and the column
    /// counts of L. Both triangles of `pattern` must be stored (symmetric pattern).
    public static func analyze(pattern: SparseMatrix<Scalar>) throws -> Symbolic {
        let n = pattern.rows
        guard n == pattern.columns, n > 0 else {
            throw LinearAlgebraError.dimensionMismatch(operation: "SparseLDLT.analyze", lhs: pattern.shapeDescription,
                                                       rhs: "non-empty square matrix")
        }
        let realPattern = try SparseMatrix<Double>(rows: n, columns: n, columnPointers: pattern.columnPointers,
                                                   rowIndices: pattern.rowIndices,
                                                   values: [Double](repeating: 1, count: pattern.nonzeroCount))
        let perm = try CHOLMODSymbolicObject(realPattern, supernodal: CHOLMODSymbolicObject.code(.simplicial)).permutation
        var pinv = [Int](repeating: 0, count: n)
        for k in 0..<n { pinv[perm[k]] = k }
        var parent = [Int](repeating: -1, count: n), lnz = [Int](repeating: 0, count: n), flag = [Int](repeating: 0, count: n)
        let ap = pattern.columnPointers, ai = pattern.rowIndices
        for k in 0..<n {
            parent[k] = -1; flag[k] = k; lnz[k] = 0
            let kk = perm[k]
            for p in ap[kk]..<ap[kk + 1] {
                var i = pinv[ai[p]]
                if i < k {
                    while flag[i] != k {
                        if parent[i] == -1 { parent[i] = k }
                        lnz[i] += 1
                        flag[i] = k
                        i = parent[i]
                    }
                }
            }
        }
        var lp = [Int](repeating: 0, count: n + 1)
        for k in 0..<n { lp[k + 1] = lp[k] + lnz[k] }
        return Symbolic(n: n, perm: perm, pinv: pinv, parent: parent, lp: lp, columnPointers: ap, rowIndices: ai)
    }

    /// Numeric factorization of `a` (same pattern as the analysis). Throws
    /// `LinearAlgebraError.singular(routine:index:)` on a zero pivot.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public init(factorizing a: SparseMatrix<Scalar>, symbolic s: Symbolic) throws {
        guard a.rows == s.n, a.columnPointers == s.columnPointers, a.rowIndices == s.rowIndices else {
            throw LinearAlgebraError.invalidArgument(argument: "A",
                                                     reason: "the sparsity pattern differs from the one analysed")
        }
        try a.requireFinite("A")
        let n = s.n
        var li = [Int](repeating: 0, count: s.lp[n])
        var lx = [Scalar](repeating: .zero, count: s.lp[n])
        var d = [Scalar](repeating: .zero, count: n)
        var y = [Scalar](repeating: .zero, count: n)
        var pattern = [Int](repeating: 0, count: n)
        var flag = [Int](repeating: 0, count: n)
        var lnz = [Int](repeating: 0, count: n)
        var zeroPivot = -1
        a.values.withUnsafeBufferPointer { ax in
        s.columnPointers.withUnsafeBufferPointer { ap in
        s.rowIndices.withUnsafeBufferPointer { ai in
        s.perm.withUnsafeBufferPointer { perm in
        s.pinv.withUnsafeBufferPointer { pinv in
        s.parent.withUnsafeBufferPointer { parent in
        s.lp.withUnsafeBufferPointer { lp in
        li.withUnsafeMutableBufferPointer { li in
        lx.withUnsafeMutableBufferPointer { lx in
        d.withUnsafeMutableBufferPointer { d in
        y.withUnsafeMutableBufferPointer { y in
        pattern.withUnsafeMutableBufferPointer { pattern in
        flag.withUnsafeMutableBufferPointer { flag in
        lnz.withUnsafeMutableBufferPointer { lnz in
            for k in 0..<n {
                y[k] = .zero
                var top = n
                flag[k] = k
                lnz[k] = 0
                let kk = perm[k]
                for p in ap[kk]..<ap[kk + 1] {
                    var i = pinv[ai[p]]
                    if i <= k {
                        y[i] += ax[p]
                        var len = 0
                        while flag[i] != k {
                            pattern[len] = i; len += 1
                            flag[i] = k
                            i = parent[i]
                        }
                        while len > 0 { top -= 1; len -= 1; pattern[top] = pattern[len] }
                    }
                }
                var dk = y[k]
                y[k] = .zero
                while top < n {
                    let i = pattern[top]
                    top += 1
                    let yi = y[i]
                    y[i] = .zero
                    let start = lp[i], end = lp[i] + lnz[i]
                    var p = start
                    while p < end { y[li[p]] -= lx[p] * yi; p += 1 }
                    let lki = yi / d[i]
                    dk -= lki * yi
                    li[end] = k
                    lx[end] = lki
                    lnz[i] += 1
                }
                d[k] = dk
                if dk == .zero { zeroPivot = k; return }
            }
        }}}}}}}}}}}}}}
        if zeroPivot >= 0 { throw LinearAlgebraError.singular(routine: "SparseLDLT", index: zeroPivot + 1) }
        self.symbolic = s
        self.li = li
        self.lx = lx
        self.d = d
    }

    /// Solves `A X = B` (several right-hand sides).
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        let n = symbolic.n
        guard b.rows == n else {
            throw LinearAlgebraError.dimensionMismatch(operation: "SparseLDLT solve", lhs: "A \(n)×\(n)",
                                                       rhs: "B \(b.shapeDescription)")
        }
        var out = b
        var x = [Scalar](repeating: .zero, count: n)
        let lp = symbolic.lp, perm = symbolic.perm
        out.elements.withUnsafeMutableBufferPointer { o in
        x.withUnsafeMutableBufferPointer { x in
        li.withUnsafeBufferPointer { li in
        lx.withUnsafeBufferPointer { lx in
        d.withUnsafeBufferPointer { d in
            for c in 0..<b.columns {
                let base = c * n
                for k in 0..<n { x[k] = o[base + perm[k]] }
                for j in 0..<n {
                    let xj = x[j]
                    if xj != .zero { for p in lp[j]..<lp[j + 1] { x[li[p]] -= lx[p] * xj } }
                }
                for j in 0..<n { x[j] = x[j] / d[j] }
                for j in stride(from: n - 1, through: 0, by: -1) {
                    var xj = x[j]
                    for p in lp[j]..<lp[j + 1] { xj -= lx[p] * x[li[p]] }
                    x[j] = xj
                }
                for k in 0..<n { o[base + perm[k]] = x[k] }
            }
        }}}}}
        return out
    }
}
