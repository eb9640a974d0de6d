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
        typealias S = Op.Scalar
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
        // The block Krylov basis is orthonormalized as a whole at the end, so its blocks need one pass only.
        let passes = options.blockKrylov && options.powerIterations > 0 ? 1 : 2
        var q = try a.applied(to: omega).orthonormalizedByGram(passes: passes)
        var krylov = q
        for _ in 0..<options.powerIterations {
            let z = try a.adjointApplied(to: q).orthonormalizedByGram(passes: passes)
            q = try a.applied(to: z).orthonormalizedByGram(passes: passes)
            if options.blockKrylov { try krylov.appendColumns(q) }
        }
        if options.blockKrylov && options.powerIterations > 0 {
            q = try krylov.orthonormalized()
            if q.columns > m { q = q.columns(0..<m) }
            // Rayleigh–Ritz through the small Gram: W = Aᴴ Q, Wᴴ W = Qᴴ A Aᴴ Q = V Λ Vᴴ, U = Q V, σ = √λ,
            // Vᴴ_A = Σ⁻¹ (W V)ᴴ. Cheaper than the SVD of the wide Qᴴ A; squaring only costs relative accuracy in
            // singular values far below σ₁ (ε σ₁²/σ_k²).
            let w = try a.adjointApplied(to: q)
            let gram = try Matrix.product(w, .adjoint, w, .none)
            let e = try gram.symmetricEigen(vectors: true)
            let all = e.eigenvalues.reversed().map { Swift.max($0, 0).squareRoot() }
            let k = options.rank
            let v = try Matrix<S>(rows: gram.rows, columns: k, elements: e.leadingEigenvectors(k))
            let u = try Matrix.product(q, .none, v, .none)
            var vt = try Matrix.product(w, .none, v, .none).adjoint        // k × n
            vt.scaleRows(by: all.prefix(k).map { $0 > 0 ? 1 / $0 : 0 })
            return TruncatedSVD(u: u, singularValues: Array(all.prefix(k)), vt: vt, allSingularValues: all,
                                report: TruncationReport(singularValues: all, rank: k))
        }
        let b = try a.adjointApplied(to: q).adjoint  // B = Qᴴ A, l×n
        let small = try b.svd()
        let k = options.rank
        let u = try Matrix.product(q, .none, small.u.columns(0..<k), .none)
        return TruncatedSVD(u: u, singularValues: Array(small.singularValues.prefix(k)),
                            vt: small.vt.rows(0..<k), allSingularValues: small.singularValues,
                            report: TruncationReport(singularValues: small.singularValues, rank: k))
    }
}
