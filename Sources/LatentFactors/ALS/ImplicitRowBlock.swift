import LowRankKernels

/// The gathered factors B = [f_j]_{j ∈ Ω_r} (k × n_r) of one implicit-ALS row and the products its update needs, in
/// the arithmetic of ``GramPrecision``. Implementations differ only in arithmetic; each owns the workspace of one
/// chunk of rows, so the row loop of ``ImplicitALS`` is written once.
protocol ImplicitRowBlock {
    /// Workspace for rows of at most `maxCount` interactions, reading `source`'s factors (no bias row: d = k).
    init(source: RowGramSource, maxCount: Int)
    /// Gathers the factors of `columns[0..<count]`.
    mutating func load(columns: UnsafePointer<Int32>, count: Int)
    /// rhs ← c Σ_j f_j = c B 1.
    func scaledSum(_ c: Double, into rhs: UnsafeMutablePointer<Double>)
    /// out ← out + α B Bᵀ v (the rank-n_r part of the conjugate-gradient operator).
    func addGramProduct(_ alpha: Double, _ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>)
    /// a ← a + α B Bᵀ on the lower triangle (k × k, leading dimension k).
    func addGram(_ alpha: Double, into a: UnsafeMutablePointer<Double>)
    /// s_j ← f_jᵀ x for the loaded columns.
    func scores(_ x: UnsafePointer<Double>, into s: UnsafeMutablePointer<Double>)
    /// Frees the workspace.
    func deallocate()
}

/// ``GramPrecision/double``: B gathered in float64; `dgemv` and `dsyrk`.
struct DoubleImplicitRowBlock: ImplicitRowBlock {
    let source: RowGramSource
    let block: UnsafeMutablePointer<Double>
    let ones: UnsafeMutablePointer<Double>
    let work: UnsafeMutablePointer<Double>
    var count = 0

    init(source: RowGramSource, maxCount: Int) {
        self.source = source
        block = .allocate(capacity: source.rank * maxCount)
        ones = .allocate(capacity: maxCount)
        ones.initialize(repeating: 1, count: maxCount)
        work = .allocate(capacity: maxCount)
    }

    mutating func load(columns: UnsafePointer<Int32>, count: Int) {
        self.count = count
        guard let factors = source.double else { return }
        gather(columns, count: count, from: factors, rank: source.rank, into: block, dimension: source.rank)
    }

    func scaledSum(_ c: Double, into rhs: UnsafeMutablePointer<Double>) {
        BufferBLAS.gemv(.none, m: source.rank, n: count, alpha: c, a: block, lda: source.rank, x: ones, y: rhs)
    }

    func addGramProduct(_ alpha: Double, _ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        let k = source.rank
        BufferBLAS.gemv(.transpose, m: k, n: count, a: block, lda: k, x: v, y: work)
        BufferBLAS.gemv(.none, m: k, n: count, alpha: alpha, a: block, lda: k, x: work, beta: 1, y: out)
    }

    func addGram(_ alpha: Double, into a: UnsafeMutablePointer<Double>) {
        let k = source.rank
        BufferBLAS.syrkLower(n: k, k: count, alpha: alpha, a: block, lda: k, beta: 1, c: a, ldc: k)
    }

    func scores(_ x: UnsafePointer<Double>, into s: UnsafeMutablePointer<Double>) {
        BufferBLAS.gemv(.transpose, m: source.rank, n: count, a: block, lda: source.rank, x: x, y: s)
    }

    func deallocate() {
        block.deallocate()
        ones.deallocate()
        work.deallocate()
    }
}

/// ``GramPrecision/mixed``: B gathered from the float32 copy of the factors; its products by `sgemv` and `ssyrk` on
/// float32 copies of the vectors, widened to float64 before they are added. The row's vectors, its k × k system and
/// the factors stay float64 (as `implicit`'s float32 mode does for the factors, but not for the solve).
struct MixedImplicitRowBlock: ImplicitRowBlock {
    let source: RowGramSource
    let block: UnsafeMutablePointer<Float>
    let ones: UnsafeMutablePointer<Float>
    let work: UnsafeMutablePointer<Float>
    let vector: UnsafeMutablePointer<Float>
    let result: UnsafeMutablePointer<Float>
    let gram: UnsafeMutablePointer<Float>
    var count = 0

    init(source: RowGramSource, maxCount: Int) {
        self.source = source
        let k = source.rank
        block = .allocate(capacity: k * maxCount)
        ones = .allocate(capacity: maxCount)
        ones.initialize(repeating: 1, count: maxCount)
        work = .allocate(capacity: maxCount)
        vector = .allocate(capacity: k)
        result = .allocate(capacity: k)
        gram = .allocate(capacity: k * k)
    }

    mutating func load(columns: UnsafePointer<Int32>, count: Int) {
        self.count = count
        guard let factors = source.single else { return }
        gather(columns, count: count, from: factors, rank: source.rank, into: block, dimension: source.rank)
    }

    func scaledSum(_ c: Double, into rhs: UnsafeMutablePointer<Double>) {
        let k = source.rank
        BufferBLAS.gemv(.none, m: k, n: count, a: block, lda: k, x: ones, y: result)
        for t in 0..<k { rhs[t] = c * Double(result[t]) }
    }

    func addGramProduct(_ alpha: Double, _ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        let k = source.rank
        for t in 0..<k { vector[t] = Float(v[t]) }
        BufferBLAS.gemv(.transpose, m: k, n: count, a: block, lda: k, x: vector, y: work)
        BufferBLAS.gemv(.none, m: k, n: count, a: block, lda: k, x: work, y: result)
        for t in 0..<k { out[t] += alpha * Double(result[t]) }
    }

    func addGram(_ alpha: Double, into a: UnsafeMutablePointer<Double>) {
        let k = source.rank
        BufferBLAS.syrkLower(n: k, k: count, a: block, lda: k, c: gram, ldc: k)
        for col in 0..<k { for row in col..<k { a[row + col * k] += alpha * Double(gram[row + col * k]) } }
    }

    func scores(_ x: UnsafePointer<Double>, into s: UnsafeMutablePointer<Double>) {
        let k = source.rank
        for t in 0..<k { vector[t] = Float(x[t]) }
        BufferBLAS.gemv(.transpose, m: k, n: count, a: block, lda: k, x: vector, y: work)
        for j in 0..<count { s[j] = Double(work[j]) }
    }

    func deallocate() {
        block.deallocate()
        ones.deallocate()
        work.deallocate()
        vector.deallocate()
        result.deallocate()
        gram.deallocate()
    }
}
