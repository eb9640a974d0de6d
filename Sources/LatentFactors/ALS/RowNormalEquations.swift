import LowRankKernels

/// The arithmetic of the per-row Gram accumulation in ``ExplicitALS`` and of the per-row products in ``ImplicitALS``.
public enum GramPrecision: String, Sendable, CaseIterable {
    /// Gather, Gram (`dsyrk`) and solve in float64. The default.
    case double
    /// The other side's factors are rounded to float32 for the gather and the Gram (`ssyrk`, `sgemv`); the
    /// regularized row system is then widened to float64 and solved by Cholesky in float64, and the factors are kept
    /// in float64. This halves the memory traffic of the gather and doubles the Gram's arithmetic rate. The Gram's
    /// entries carry a relative rounding error of about √n_r · 2⁻²⁴, so each row's solution differs from the float64
    /// one by about that times the condition number of B Bᵀ + λ w I; Spark MLlib stores its factors in float32 as well.
    case mixed
}

/// Forms one row's normal equations for ALS from the other side's factors F (k × n, column-major):
///
///     G = B Bᵀ (lower triangle),  B y,  B 1,    B = [f_j; 1]_{j ∈ Ω_r}  (d × n_r, d = k + 1 with biases, else k)
///
/// Implementations differ only in arithmetic (``GramPrecision``); each owns the workspace of one chunk of rows, so
/// the row loop of ``ExplicitALS`` is written once.
protocol RowNormalEquations {
    /// Workspace for rows of at most `maxCount` ratings, reading `source`'s factors.
    init(source: RowGramSource, maxCount: Int)
    /// Fills `gram` (d × d, leading dimension d; lower triangle), `rhs` (B y) and, with biases (d = k + 1), `column`
    /// (B 1) for the row whose other-side indices are `columns[0..<count]` and targets `y[0..<count]`.
    mutating func form(columns: UnsafePointer<Int32>, count: Int, y: UnsafePointer<Double>,
                       gram: UnsafeMutablePointer<Double>, rhs: UnsafeMutablePointer<Double>,
                       column: UnsafeMutablePointer<Double>)
    /// Frees the workspace.
    func deallocate()
}

/// The other side's factors as read by the row loop: float64 in place, or a float32 copy for ``GramPrecision/mixed``.
struct RowGramSource: @unchecked Sendable {  // read-only pointers, valid for one half-sweep
    let rank: Int
    let dimension: Int
    let double: UnsafePointer<Double>?
    let single: UnsafePointer<Float>?
}

/// Gathers factor columns `columns[0..<count]` (k entries each) into the columns of `block` (leading dimension d),
/// with a 1 in row k when d = k + 1 (the bias row of B).
@inline(__always)
func gather<Scalar: BinaryFloatingPoint>(_ columns: UnsafePointer<Int32>, count: Int, from factors: UnsafePointer<Scalar>,
                                         rank k: Int, into block: UnsafeMutablePointer<Scalar>, dimension d: Int) {
    for j in 0..<count {
        (block + j * d).update(from: factors + Int(columns[j]) * k, count: k)
        if d > k { block[j * d + k] = 1 }
    }
}

/// ``GramPrecision/double``: B is gathered in float64 and its Gram formed by `dsyrk`.
struct DoubleRowNormalEquations: RowNormalEquations {
    let source: RowGramSource
    let block: UnsafeMutablePointer<Double>
    let ones: UnsafeMutablePointer<Double>

    init(source: RowGramSource, maxCount: Int) {
        self.source = source
        block = .allocate(capacity: source.dimension * maxCount)
        ones = .allocate(capacity: maxCount)
        ones.initialize(repeating: 1, count: maxCount)
    }

    mutating func form(columns: UnsafePointer<Int32>, count: Int, y: UnsafePointer<Double>,
                       gram: UnsafeMutablePointer<Double>, rhs: UnsafeMutablePointer<Double>,
                       column: UnsafeMutablePointer<Double>) {
        let k = source.rank, d = source.dimension
        guard let factors = source.double else { return }
        gather(columns, count: count, from: factors, rank: k, into: block, dimension: d)
        BufferBLAS.syrkLower(n: d, k: count, a: block, lda: d, c: gram, ldc: d)
        BufferBLAS.gemv(.none, m: d, n: count, a: block, lda: d, x: y, y: rhs)
        if d > k { BufferBLAS.gemv(.none, m: d, n: count, a: block, lda: d, x: ones, y: column) }
    }

    func deallocate() {
        block.deallocate()
        ones.deallocate()
    }
}

/// ``GramPrecision/mixed``: B is gathered from the float32 copy of the factors, its Gram formed by `ssyrk` and B y,
/// B 1 by `sgemv`, then widened to float64.
struct MixedRowNormalEquations: RowNormalEquations {
    let source: RowGramSource
    let block: UnsafeMutablePointer<Float>
    let ySingle: UnsafeMutablePointer<Float>
    let ones: UnsafeMutablePointer<Float>
    let gramSingle: UnsafeMutablePointer<Float>
    let vectors: UnsafeMutablePointer<Float>

    init(source: RowGramSource, maxCount: Int) {
        self.source = source
        let d = source.dimension
        block = .allocate(capacity: d * maxCount)
        ySingle = .allocate(capacity: maxCount)
        ones = .allocate(capacity: maxCount)
        ones.initialize(repeating: 1, count: maxCount)
        gramSingle = .allocate(capacity: d * d)
        vectors = .allocate(capacity: 2 * d)
    }

    mutating func form(columns: UnsafePointer<Int32>, count: Int, y: UnsafePointer<Double>,
                       gram: UnsafeMutablePointer<Double>, rhs: UnsafeMutablePointer<Double>,
                       column: UnsafeMutablePointer<Double>) {
        let k = source.rank, d = source.dimension
        guard let factors = source.single else { return }
        gather(columns, count: count, from: factors, rank: k, into: block, dimension: d)
        for j in 0..<count { ySingle[j] = Float(y[j]) }
        BufferBLAS.syrkLower(n: d, k: count, a: block, lda: d, c: gramSingle, ldc: d)
        BufferBLAS.gemv(.none, m: d, n: count, a: block, lda: d, x: ySingle, y: vectors)
        if d > k { BufferBLAS.gemv(.none, m: d, n: count, a: block, lda: d, x: ones, y: vectors + d) }
        for b in 0..<d {
            for a in b..<d { gram[a + b * d] = Double(gramSingle[a + b * d]) }
            rhs[b] = Double(vectors[b])
            if d > k { column[b] = Double(vectors[d + b]) }
        }
    }

    func deallocate() {
        block.deallocate()
        ySingle.deallocate()
        ones.deallocate()
        gramSingle.deallocate()
        vectors.deallocate()
    }
}
