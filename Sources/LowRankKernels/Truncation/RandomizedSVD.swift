/// Randomized truncated SVD (Halko, Martinsson & Tropp, SIAM Review 53 (2011), Alg. 4.4 + 5.1):
/// a Gaussian sketch `Y = A Ω` with k + p columns, q power iterations with re-orthonormalization
/// (`Q ← orth(A orth(Aᴴ Q))`) to sharpen slowly decaying spectra, then the SVD of the small
/// matrix `B = Qᴴ A`. The expected error is within a small factor of σ_{k+1} for q ≥ 1. With
/// ``Options/blockKrylov`` every iterate is kept and Q spans the block Krylov space [Y, (AAᴴ)Y, …, (AAᴴ)^q Y]
/// (Musco & Musco, "Randomized block Krylov methods for stronger and faster approximate singular value
/// decomposition", NIPS 2015): (q + 1)(k + p) columns for the same number of products, which converges much faster
/// on flat spectra.
public enum RandomizedSVD {
    /// Parameters; the defaults (p = 10, q = 2) are the ones recommended by Halko et al. §4.
    public struct Options: Sendable, Equatable {
        /// Target rank k.
        public var rank: Int
        /// Oversampling p (extra sketch columns).
        public var oversampling: Int
        /// Number of power iterations q.
        public var powerIterations: Int
        /// Seed of the Gaussian test matrix, so runs are reproducible.
        public var seed: UInt64
        /// Keep every power iterate and project onto their joint span (block Krylov; default false).
        public var blockKrylov: Bool

        /// Options with p = 10, q = 2 and plain subspace iteration unless given.
        public init(rank: Int, oversampling: Int = 10, powerIterations: Int = 2, seed: UInt64 = 0, blockKrylov: Bool = false) {
            self.rank = rank
            self.oversampling = oversampling
            self.powerIterations = powerIterations
            self.seed = seed
            self.blockKrylov = blockKrylov
        }
    }

    /// The rank-k randomized SVD of any ``MatrixOperator`` (dense, sparse or user-supplied).
    public static func compute<Op: MatrixOperator>(_ a: Op, options: Options) throws -> TruncatedSVD<Op.Scalar> {
        try compute(Products(rows: a.rows, columns: a.columns, applied: a.applied(to:), adjointApplied: a.adjointApplied(to:)),
                    options: options)
    }

    /// An operator seen only through its two products, so that the algorithm below is compiled once per scalar
    /// type (specialized for `Double` and `Complex<Double>`) instead of running generically over every operator type.
    struct Products<S: LinearAlgebraScalar> {
        let rows: Int, columns: Int
        let applied: (Matrix<S>) throws -> Matrix<S>
        let adjointApplied: (Matrix<S>) throws -> Matrix<S>
    }

    @_specialize(where S == Double)
    @_specialize(where S == Complex<Double>)
    static func compute<S: LinearAlgebraScalar>(_ a: Products<S>, options: Options) throws -> TruncatedSVD<S> {
        let m = a.rows, n = a.columns, p = Swift.min(m, n)
        guard m > 0, n > 0 else { throw LinearAlgebraError.emptyMatrix(argument: "A") }
        guard options.rank >= 1, options.rank <= p else {
            throw LinearAlgebraError.invalidArgument(argument: "rank",
                                                     reason: "requested rank \(options.rank) is outside 1…\(p)")
        }
        guard options.oversampling >= 0, options.powerIterations >= 0 else {
            throw LinearAlgebraError.invalidArgument(argument: "oversampling/powerIterations", reason: "must be ≥ 0")
        }
        let l = Swift.min(p, options.rank + options.oversampling)
        var gen = SeededGenerator(seed: options.seed)
        let omega = Matrix<S>.randomNormal(rows: n, columns: l, using: &gen)
        // Orthonormalization of the tall sketches by their Gram matrix (BLAS-3; Householder when ill-conditioned).
        // The block Krylov basis is projected as a whole at the end (``rayleighRitz(basis:adjointProducts:rank:)``,
        // which does not need orthonormal blocks), so its blocks need one pass only.
        let krylovRun = options.blockKrylov && options.powerIterations > 0
        let passes = krylovRun ? 1 : 2
        var q = try a.applied(omega).orthonormalizedByGram(passes: passes)
        // The basis K = [q₀, q₁, …] and Aᴴ K, whose blocks Aᴴ q_j the iteration computes anyway.
        var krylov = [q], adjointKrylov: [Matrix<S>] = []
        for _ in 0..<options.powerIterations {
            let adjointProduct = try a.adjointApplied(q)
            if krylovRun { adjointKrylov.append(adjointProduct) }
            let z = try adjointProduct.orthonormalizedByGram(passes: passes)
            q = try a.applied(z).orthonormalizedByGram(passes: passes)
            if krylovRun { krylov.append(q) }
        }
        if krylovRun {
            adjointKrylov.append(try a.adjointApplied(q))
            return try rayleighRitz(basis: try side(by: &krylov), adjointProducts: try side(by: &adjointKrylov),
                                    rank: options.rank)
        }
        let b = try a.adjointApplied(q).adjoint  // B = Qᴴ A, l×n
        let small = try b.svd()
        let k = options.rank
        let u = try Matrix.product(q, .none, small.u.columns(0..<k), .none)
        return TruncatedSVD(u: u, singularValues: Array(small.singularValues.prefix(k)),
                            vt: small.vt.rows(0..<k), allSingularValues: small.singularValues,
                            report: TruncationReport(singularValues: small.singularValues, rank: k))
    }

    /// Blocks with equal row counts side by side, copied once (appending block by block would copy the growing basis
    /// again at every power iteration); each block is released once copied.
    static func side<S: LinearAlgebraScalar>(by blocks: inout [Matrix<S>]) throws -> Matrix<S> {
        let rows = blocks.first?.rows ?? 0
        var elements: [S] = []
        elements.reserveCapacity(blocks.reduce(0) { $0 + $1.elements.count })
        let columns = blocks.reduce(0) { $0 + $1.columns }
        for index in blocks.indices {
            guard blocks[index].rows == rows else {
                throw LinearAlgebraError.dimensionMismatch(operation: "side(by:)", lhs: "\(rows) rows",
                                                           rhs: blocks[index].shapeDescription)
            }
            elements.append(contentsOf: blocks[index].elements)
            blocks[index] = Matrix<S>(rows: 0, columns: 0)
        }
        return try Matrix(rows: rows, columns: columns, elements: elements)
    }

    /// Rayleigh–Ritz of A Aᴴ on the span of a block Krylov basis K (blocks each orthonormal, not mutually
    /// orthogonal) without orthonormalizing K, given W = Aᴴ K: with G = Kᴴ K and H = Wᴴ W, the generalized eigenproblem
    /// H y = λ G y is reduced by G = V Λ Vᴴ, T = V Λ^-½ over the eigenvalues of G above 1e-10 λ_max (directions of K
    /// that are numerically dependent are dropped, so ‖T‖² ≤ 10¹⁰/λ_max bounds the amplification of rounding), and
    /// the eigenproblem of Tᴴ H T = Y M Yᴴ. The k leading Ritz vectors U = K T Y_k, σ = √μ, Vᴴ_A = Σ⁻¹ (W T Y_k)ᴴ; U
    /// is finally orthonormalized by its own Gram (Löwdin: the smallest change, O(ε κ(G)) here). This is the same
    /// subspace projection as Householder QR of K followed by the SVD of Qᴴ A (Halko et al. Alg. 5.1), at the cost of
    /// two Gram matrices instead of the QR.
    @_specialize(where S == Double)
    @_specialize(where S == Complex<Double>)
    static func rayleighRitz<S: LinearAlgebraScalar>(basis k: Matrix<S>, adjointProducts w: Matrix<S>, rank: Int) throws
        -> TruncatedSVD<S> {
        let g = try k.gram().symmetricEigen(vectors: true)
        let largest = g.eigenvalues.last ?? 0
        guard largest > 0 else { throw LinearAlgebraError.invalidArgument(argument: "A", reason: "the sketch is zero") }
        // Eigenvalues ascend, so the kept ones are a suffix: T = V_kept Λ_kept^-½.
        let first = g.eigenvalues.firstIndex { $0 > 1e-10 * largest } ?? g.eigenvalues.count
        var t = g.eigenvectors.columns(first..<g.eigenvalues.count)
        t.scaleColumns(by: g.eigenvalues[first...].map { 1 / $0.squareRoot() })
        let kept = t.columns
        // Tᴴ (Wᴴ W) T: the s × s Gram of W first, then two small products.
        let h = try w.gram()
        let reduced = try Matrix.product(t, .adjoint, try Matrix.product(h, .none, t, .none), .none).symmetricEigen(vectors: true)
        let all = reduced.eigenvalues.reversed().map { Swift.max($0, 0).squareRoot() }
        let r = Swift.min(rank, kept)
        let y = try Matrix<S>(rows: kept, columns: r, elements: reduced.leadingEigenvectors(r))
        var coefficients = try Matrix.product(t, .none, y, .none)
        // Löwdin: U ← U (Uᴴ U)^-½, the same transform on the coefficients keeps Vᴴ_A = Σ⁻¹ (Aᴴ U)ᴴ consistent.
        let u0 = try Matrix.product(k, .none, coefficients, .none)
        let overlap = try u0.gram().symmetricEigen(vectors: true)
        guard let smallest = overlap.eigenvalues.first, smallest > 0 else {
            throw LinearAlgebraError.invalidArgument(argument: "A", reason: "the Ritz vectors are dependent")
        }
        var root = overlap.eigenvectors
        root.scaleColumns(by: overlap.eigenvalues.map { 1 / $0.squareRoot() })
        let inverseRoot = try Matrix.product(root, .none, overlap.eigenvectors, .adjoint)
        coefficients = try Matrix.product(coefficients, .none, inverseRoot, .none)
        let u = try Matrix.product(u0, .none, inverseRoot, .none)
        var vt = try Matrix.product(w, .none, coefficients, .none).adjoint        // k × n
        vt.scaleRows(by: all.prefix(r).map { $0 > 0 ? 1 / $0 : 0 })
        return TruncatedSVD(u: u, singularValues: Array(all.prefix(r)), vt: vt, allSingularValues: all,
                            report: TruncationReport(singularValues: all, rank: r))
    }
}
