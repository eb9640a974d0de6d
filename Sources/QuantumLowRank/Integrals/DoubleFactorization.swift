import Foundation
import LowRankDistributed
import LowRankKernels

/// Packed pair-index helpers shared by the factorization code (internal).
///
/// `index(p, q) = P(P+1)/2 + Q`, `P = max(p, q)`, `Q = min(p, q)`, 0-based; `count(n) = n(n+1)/2`.
enum PackedPairs {
    @inline(__always) static func index(_ p: Int, _ q: Int) -> Int { ERITensor.pairIndex(p, q) }
    @inline(__always) static func count(_ n: Int) -> Int { n * (n + 1) / 2 }

    /// Checks that `m` is the `n(n+1)/2`-square pair supermatrix and `h` (when given) is `n × n`.
    static func validate(supermatrix m: Matrix<Double>, orbitals n: Int, h: Matrix<Double>? = nil) throws {
        guard n > 0 else { throw LinearAlgebraError.invalidArgument(argument: "orbitals", reason: "must be > 0") }
        let np = count(n)
        guard m.rows == np, m.columns == np else {
            throw LinearAlgebraError.dimensionMismatch(operation: "pair supermatrix", lhs: m.shapeDescription,
                                                       rhs: "\(np)×\(np) for \(n) orbitals")
        }
        if let h {
            guard h.rows == n, h.columns == n else {
                throw LinearAlgebraError.dimensionMismatch(operation: "one-body h", lhs: h.shapeDescription,
                                                           rhs: "\(n)×\(n)")
            }
            try h.requireFinite("h")
        }
    }

    /// The one-body operator of the DF/SF Hamiltonian (Lee et al. 2021, eq. for T):
    /// `T_pq = h_pq − ½ Σ_r (pr|rq) + Σ_r (rr|pq)`, from the full (untruncated) pair supermatrix. O(n³) loop.
    static func oneBodyT(supermatrix m: Matrix<Double>, h: Matrix<Double>, orbitals n: Int) throws -> Matrix<Double> {
        let np = count(n)
        var t = [Double](repeating: 0, count: n * n)
        m.elements.withUnsafeBufferPointer { pm in
            h.elements.withUnsafeBufferPointer { ph in
                t.withUnsafeMutableBufferPointer { pt in
                    for q in 0..<n {
                        for p in 0..<n {
                            var exchange = 0.0, coulomb = 0.0
                            let pq = index(p, q)
                            for r in 0..<n {
                                exchange += pm[index(p, r) + index(r, q) * np]
                                coulomb += pm[index(r, r) + pq * np]
                            }
                            pt[p + q * n] = ph[p + q * n] - 0.5 * exchange + coulomb
                        }
                    }
                }
            }
        }
        return try Matrix(rows: n, columns: n, elements: t)
    }

    /// Connected components of the nonzero pattern of the symmetric `dimension`-square matrix `a`
    /// (column-major), each as ascending indices; components ordered by their smallest index.
    static func blocks(_ a: [Double], dimension n: Int) -> [[Int]] {
        var parent = Array(0..<n)
        func find(_ x: Int) -> Int {
            var r = x
            while parent[r] != r { r = parent[r] }
            var y = x
            while parent[y] != r { let next = parent[y]; parent[y] = r; y = next }
            return r
        }
        a.withUnsafeBufferPointer { pa in
            for j in 0..<n {
                for i in (j + 1)..<Swift.max(j + 1, n) where pa[i + j * n] != 0 {
                    let ri = find(i), rj = find(j)
                    if ri != rj { parent[Swift.max(ri, rj)] = Swift.min(ri, rj) }
                }
            }
        }
        var index = [Int: Int]()
        var out: [[Int]] = []
        for i in 0..<n {
            let r = find(i)
            if let b = index[r] { out[b].append(i) } else { index[r] = out.count; out.append([i]) }
        }
        return out
    }

    /// Unpacks a packed symmetric matrix (pair-indexed entries, column `column` of `packed`) into `n × n`.
    static func unpack(_ packed: Matrix<Double>, column: Int, orbitals n: Int) throws -> Matrix<Double> {
        let np = count(n)
        var out = [Double](repeating: 0, count: n * n)
        packed.elements.withUnsafeBufferPointer { pp in
            out.withUnsafeMutableBufferPointer { po in
                let base = column * np
                for p in 0..<n {
                    for q in 0...p {
                        let v = pp[base + p * (p + 1) / 2 + q]
                        po[p + q * n] = v
                        po[q + p * n] = v
                    }
                }
            }
        }
        return try Matrix(rows: n, columns: n, elements: out)
    }
}

/// Double factorization (DF) of the two-electron integrals in the published convention of
/// Lee et al., PRX Quantum 2, 030305 (2021) (OpenFermion `resource_estimates.df`) and
/// von Burg et al., Phys. Rev. Research 3, 033055 (2021).
///
/// Stage 1 (computed once, in ``init(supermatrix:orbitals:stage1:)``): the supermatrix `M[(pq),(rs)] = (pq|rs)`
/// is written as `Σ_l L^l_pq L^l_rs` with symmetric `n × n` matrices `L^l`:
/// - ``Stage1/eigendecomposition`` (published): eigenpairs `(w_l, u_l)` of `M` as an `n² × n²` matrix,
///   positive `w_l` only, descending, `L^l = √w_l u_l` reshaped `n × n`. Computed in packed pair space on the
///   orthogonally similar matrix `S = D M D`, `D = diag(1 for p = q, √2 for p ≠ q)` (the `n² × n²` matrix
///   restricted to symmetric matrices); eigenvalues are equal and `u` maps back by dividing off-diagonal pair
///   entries by √2 and filling both `(p,q)` and `(q,p)`. One `n(n+1)/2`-order `dsyevd`.
/// - ``Stage1/cholesky(tolerance:)``: the pivoted-Cholesky vectors (``PivotedCholesky``) unpacked to `n × n`;
///   a different, smaller λ than the published numbers (no early stop in stage 2, as in eri_lowrank.py).
///
/// Stage 2 (per threshold, ``truncated(threshold:h:)``): `L^l = U diag(f^l) Uᵀ`; keep `f_k^l` with
/// `|f_k^l| · Σ_k' |f_k'^l| > threshold`; with the eigendecomposition stage 1, stop at the first `l`
/// with nothing kept. The stage-2 eigendecompositions are cached and shared by all thresholds.
public struct DoubleFactorization: Sendable {
    /// The first-stage decomposition of the supermatrix.
    public enum Stage1: Sendable, Equatable {
        /// Published convention: eigendecomposition of `M`, positive eigenvalues in descending order.
        case eigendecomposition
        /// Cholesky-first variant: pivoted Cholesky of `M` to `tolerance` (gives a different λ than published).
        case cholesky(tolerance: Double)
    }

    /// Number of spatial orbitals `n`.
    public let orbitals: Int
    /// The stage-1 choice.
    public let stage1: Stage1
    /// How the stage-1 eigendecomposition is computed (symmetry blocks or one dense matrix); it matters only inside
    /// degenerate eigenspaces (see ``Stage1Eigenbasis``).
    public let eigenbasis: Stage1Eigenbasis
    /// The pair-space supermatrix `M[(pq),(rs)] = (pq|rs)`, `n(n+1)/2` square.
    public let supermatrix: Matrix<Double>
    /// Stage-1 vectors in packed pair space: column `l` holds `L^l_pq` (the matrix element, p ≥ q),
    /// so `(pq|rs) ≈ Σ_l L^l_pq L^l_rs`. `n(n+1)/2 × K`.
    public let stage1Vectors: Matrix<Double>
    /// Eigenvalues `w_l > 0` in descending order (eigendecomposition stage 1; empty for Cholesky).
    public let stage1Eigenvalues: [Double]
    /// The most negative eigenvalue of `M` (eigendecomposition; 0 when none), a PSD diagnostic.
    public let mostNegativeEigenvalue: Double
    /// The Cholesky result (Cholesky stage 1 only).
    public let cholesky: PivotedCholesky.Result?

    private let cache: Stage2Cache

    /// Computes stage 1 once.
    ///
    /// - Parameters:
    ///   - supermatrix: `M[(pq),(rs)] = (pq|rs)` over the packed pair index `P(P+1)/2 + Q` (no scaling).
    ///   - orbitals: `n`; `supermatrix` must be `n(n+1)/2` square.
    ///   - stage1: ``Stage1/eigendecomposition`` (published convention) or ``Stage1/cholesky(tolerance:)``.
    ///   - eigenbasis: for the eigendecomposition, ``Stage1Eigenbasis/block`` (default) or
    ///     ``Stage1Eigenbasis/dense`` (OpenFermion's); ignored by the Cholesky variant.
    ///   - communicator: ranks to share stage 1 over (``Communicator/single()``, the default, is serial): each
    ///     symmetry block large enough (``DistributedSymmetricEigen/isWorthDistributing(order:communicator:)``) is
    ///     diagonalized by ScaLAPACK's `pdsyevd` on a block-cyclic layout, smaller ones by LAPACK on every rank;
    ///     the Cholesky variant distributes the pair index (``PivotedCholesky``). Every rank ends with the whole
    ///     stage 1.
    /// - Throws: ``LinearAlgebraError`` for bad shapes or LAPACK failure; ``PivotedCholesky/Failure`` for a
    ///   non-PSD supermatrix in the Cholesky variant; ``CommunicatorError`` from MPI or ScaLAPACK.
    public init(supermatrix: Matrix<Double>, orbitals: Int, stage1: Stage1 = .eigendecomposition,
                eigenbasis: Stage1Eigenbasis = .block, communicator: Communicator = .single()) throws {
        try PackedPairs.validate(supermatrix: supermatrix, orbitals: orbitals)
        try supermatrix.requireFinite("supermatrix")
        let n = orbitals, np = PackedPairs.count(n)
        self.orbitals = n
        self.stage1 = stage1
        self.eigenbasis = eigenbasis
        self.supermatrix = supermatrix
        switch stage1 {
        case .eigendecomposition:
            // S = D M D with D = diag(1 | √2): orthogonally similar to M on symmetric n × n matrices.
            var diag = [Double](repeating: 2.0.squareRoot(), count: np)
            for p in 0..<n { diag[PackedPairs.index(p, p)] = 1 }
            var s = supermatrix.elements
            s.withUnsafeMutableBufferPointer { ps in
                for j in 0..<np { let dj = diag[j]; for i in 0..<np { ps[i + j * np] *= diag[i] * dj } }
            }
            // Eigendecomposition block by block: M is block diagonal over the connected components of its
            // exact-zero pattern (point-group symmetry blocks). Block-wise eigenvectors are symmetry-pure, a
            // reproducible basis inside degenerate eigenspaces (which λ_W and stage 2 depend on), and cheaper.
            // The dense variant treats the whole matrix as one block (OpenFermion's single eigh).
            let blocks = eigenbasis == .block ? PackedPairs.blocks(s, dimension: np) : [Array(0..<np)]
            var pairs: [(w: Double, block: Int, column: Int)] = []
            var blockVectors: [Matrix<Double>] = []
            var minEigenvalue = 0.0
            for (b, members) in blocks.enumerated() {
                let size = members.count
                var sub = [Double](repeating: 0, count: size * size)
                s.withUnsafeBufferPointer { ps in
                    for (jj, j) in members.enumerated() {
                        for (ii, i) in members.enumerated() { sub[ii + jj * size] = ps[i + j * np] }
                    }
                }
                let eig = try Self.symmetricEigen(sub, order: size, communicator: communicator)
                minEigenvalue = Swift.min(minEigenvalue, eig.eigenvalues.first ?? 0)
                for c in eig.eigenvalues.indices where eig.eigenvalues[c] > 0 {
                    pairs.append((eig.eigenvalues[c], b, c))
                }
                blockVectors.append(eig.eigenvectors)
            }
            // descending; ties broken by block then column for reproducibility
            pairs.sort { $0.w != $1.w ? $0.w > $1.w : ($0.block != $1.block ? $0.block < $1.block : $0.column > $1.column) }
            var vectors = [Double](repeating: 0, count: np * pairs.count)
            vectors.withUnsafeMutableBufferPointer { pv in
                for (l, pair) in pairs.enumerated() {
                    let sw = pair.w.squareRoot()
                    let members = blocks[pair.block], size = members.count
                    blockVectors[pair.block].elements.withUnsafeBufferPointer { pu in
                        for (ii, i) in members.enumerated() {
                            pv[i + l * np] = sw * pu[ii + pair.column * size] / diag[i]
                        }
                    }
                }
            }
            stage1Vectors = try Matrix(rows: np, columns: pairs.count, elements: vectors)
            stage1Eigenvalues = pairs.map(\.w)
            mostNegativeEigenvalue = minEigenvalue
            cholesky = nil
        case let .cholesky(tolerance):
            let result = try PivotedCholesky.decompose(DenseSupermatrix(supermatrix), tolerance: tolerance,
                                                       communicator: communicator)
            stage1Vectors = result.vectors
            stage1Eigenvalues = []
            mostNegativeEigenvalue = 0
            cholesky = result
        }
        cache = Stage2Cache(count: stage1Vectors.columns)
    }

    /// Eigenvalues (ascending) and eigenvectors of one symmetric stage-1 block: ScaLAPACK over the ranks when the
    /// block is large enough, LAPACK `dsyevd` otherwise.
    private static func symmetricEigen(_ elements: [Double], order: Int, communicator: Communicator)
        throws -> (eigenvalues: [Double], eigenvectors: Matrix<Double>) {
        if DistributedSymmetricEigen.isWorthDistributing(order: order, communicator: communicator) {
            let (values, vectors) = try DistributedSymmetricEigen.eigendecomposition(elements, order: order,
                                                                                   communicator: communicator)
            return (values, try Matrix(rows: order, columns: order, elements: vectors))
        }
        let eig = try Matrix(rows: order, columns: order, elements: elements).symmetricEigen(vectors: true)
        return (eig.eigenvalues, eig.eigenvectors)
    }

    /// Number of stage-1 vectors `K`.
    public var stage1Count: Int { stage1Vectors.columns }

    /// The stage-1 matrix `L^l` as a symmetric `n × n` matrix.
    public func stage1Matrix(_ l: Int) throws -> Matrix<Double> {
        try PackedPairs.unpack(stage1Vectors, column: l, orbitals: orbitals)
    }

    /// Stage-2 eigendecomposition `L^l = U diag(f) Uᵀ` (ascending `f`), cached across thresholds.
    func stage2(_ l: Int) throws -> (f: [Double], u: Matrix<Double>) {
        if let hit = cache.get(l) { return hit }
        let e = try stage1Matrix(l).symmetricEigen(vectors: true)
        let entry = (f: e.eigenvalues, u: e.eigenvectors)
        cache.set(l, entry)
        return entry
    }

    /// Truncates stage 2 at `threshold` and evaluates λ (Lee et al. 2021, DF appendix):
    /// `λ_DF = λ_T + λ_F`, `λ_T = Σ_i |eig_i(T)|`, `T_pq = h_pq − ½ Σ_r (pr|rq) + Σ_r (rr|pq)` (untruncated ERIs),
    /// `λ_F = ¼ Σ_l (Σ_{k kept} |f_k^l|)²` over the kept eigenvalues only. No `E_core`.
    ///
    /// Also computes ``DFResult/maxAbsError`` `= max |M − M̃|` of the reconstructed supermatrix (BLAS `dgemm`).
    /// - Parameter h: the one-body integrals `h_pq`, `n × n`.
    public func truncated(threshold: Double, h: Matrix<Double>) throws -> DFResult {
        guard threshold.isFinite, threshold >= 0 else {
            throw LinearAlgebraError.invalidArgument(argument: "threshold", reason: "must be finite and ≥ 0")
        }
        try PackedPairs.validate(supermatrix: supermatrix, orbitals: orbitals, h: h)
        let n = orbitals
        let earlyStop = stage1 == .eigendecomposition
        var factors: [DFResult.Factor] = []
        var xi = 0
        var lambdaF = 0.0
        for l in 0..<stage1Count {
            let (f, u) = try stage2(l)
            let total = f.reduce(0.0) { $0 + Swift.abs($1) }
            let keep = f.indices.filter { Swift.abs(f[$0]) * total > threshold }
            if keep.isEmpty {
                if earlyStop { break } else { continue }
            }
            var vecs = [Double](repeating: 0, count: n * keep.count)
            u.elements.withUnsafeBufferPointer { pu in
                for (c, k) in keep.enumerated() { for i in 0..<n { vecs[i + c * n] = pu[i + k * n] } }
            }
            let kept = keep.map { f[$0] }
            let s = kept.reduce(0.0) { $0 + Swift.abs($1) }
            lambdaF += 0.25 * s * s
            xi += keep.count
            factors.append(DFResult.Factor(index: l, eigenvalues: kept,
                                           eigenvectors: try Matrix(rows: n, columns: keep.count, elements: vecs)))
        }
        let t = try PackedPairs.oneBodyT(supermatrix: supermatrix, h: h, orbitals: n)
        let lambdaT = try t.symmetricEigen(vectors: false).eigenvalues.reduce(0.0) { $0 + Swift.abs($1) }
        var result = DFResult(threshold: threshold, orbitals: n, factors: factors, retainedEigenvectors: xi,
                              lambdaT: lambdaT, lambdaF: lambdaF, maxAbsError: 0)
        let approx = try result.reconstructedSupermatrix()
        var worst = 0.0
        supermatrix.elements.withUnsafeBufferPointer { pm in
            approx.elements.withUnsafeBufferPointer { pa in
                for i in 0..<pm.count { worst = Swift.max(worst, Swift.abs(pm[i] - pa[i])) }
            }
        }
        result.maxAbsError = worst
        return result
    }

    /// Single-factorization λ reusing this stage 1 (references.json "single_factorization"; Berry et al.,
    /// Quantum 3, 208 (2019); Lee et al. 2021): keep the leading `rank` stage-1 matrices `L^P`,
    /// `λ_SF = λ_T,SF + λ_W`, `λ_T,SF = Σ_pq |T_pq|` (entries), `T_pq = h_pq − ½ Σ_r (pr|rq) + Σ_r (pq|rr)`,
    /// `λ_W = ¼ Σ_P (Σ_ij |L^P_ij|)²` (both triangles of the symmetric `L^P`).
    /// - Throws: ``LinearAlgebraError/invalidArgument(argument:reason:)`` when `rank` is not in `1...K`.
    public func singleFactorization(rank: Int, h: Matrix<Double>) throws -> SFResult {
        try PackedPairs.validate(supermatrix: supermatrix, orbitals: orbitals, h: h)
        guard rank >= 1, rank <= stage1Count else {
            throw LinearAlgebraError.invalidArgument(argument: "rank",
                                                     reason: "\(rank) outside 1...\(stage1Count) stage-1 vectors")
        }
        let n = orbitals, np = PackedPairs.count(n)
        var lambdaW = 0.0
        stage1Vectors.elements.withUnsafeBufferPointer { pv in
            for l in 0..<rank {
                var s = 0.0
                let base = l * np
                for p in 0..<n {
                    let row = base + p * (p + 1) / 2
                    for q in 0..<p { s += 2 * Swift.abs(pv[row + q]) }
                    s += Swift.abs(pv[row + p])
                }
                lambdaW += 0.25 * s * s
            }
        }
        let t = try PackedPairs.oneBodyT(supermatrix: supermatrix, h: h, orbitals: n)
        let lambdaT = t.elements.reduce(0.0) { $0 + Swift.abs($1) }
        return SFResult(rank: rank, lambdaT: lambdaT, lambdaW: lambdaW)
    }
}

/// One truncation of a ``DoubleFactorization`` (Lee et al., PRX Quantum 2, 030305 (2021)).
public struct DFResult: Sendable {
    /// One kept stage-2 factor `L̃^l = U diag(f) Uᵀ` over the kept eigenpairs.
    public struct Factor: Sendable {
        /// The stage-1 index `l` this factor came from.
        public let index: Int
        /// Kept eigenvalues `f_k^l` (ascending order of the stage-2 eigendecomposition).
        public let eigenvalues: [Double]
        /// Kept eigenvectors `U_{:,k}` as columns, `n × eigenvalues.count`.
        public let eigenvectors: Matrix<Double>
    }

    /// The stage-2 threshold on `|f_k^l| · Σ_k' |f_k'^l|`.
    public let threshold: Double
    /// Number of spatial orbitals `n`.
    public let orbitals: Int
    /// The kept factors, one per kept `l`.
    public let factors: [Factor]
    /// `L`: number of stage-1 terms kept.
    public var l: Int { factors.count }
    /// `Ξ` (N_ξ): total number of kept stage-2 eigenvalues.
    public let retainedEigenvectors: Int
    /// `λ_T = Σ_i |eig_i(T)|` with `T_pq = h_pq − ½ Σ_r (pr|rq) + Σ_r (rr|pq)`.
    public let lambdaT: Double
    /// `λ_F = ¼ Σ_l (Σ_{k kept} |f_k^l|)²`.
    public let lambdaF: Double
    /// `λ_DF = λ_T + λ_F`.
    public var lambdaDF: Double { lambdaT + lambdaF }
    /// `max |M − M̃|` over all supermatrix elements (pair space = full `n⁴` tensor, same elements).
    public internal(set) var maxAbsError: Double

    /// Kept factors in packed pair space: column `l` holds `L̃^l_pq = Σ_k f_k U_pk U_qk` (p ≥ q),
    /// `n(n+1)/2 × L` (each from one `dgemm`).
    public func packedFactors() throws -> Matrix<Double> {
        let n = orbitals, np = PackedPairs.count(n)
        var g = [Double](repeating: 0, count: np * factors.count)
        for (c, factor) in factors.enumerated() {
            var scaled = factor.eigenvectors
            for k in 0..<factor.eigenvalues.count {
                for i in 0..<n { scaled[i, k] *= factor.eigenvalues[k] }
            }
            let full = try Matrix.product(scaled, .none, factor.eigenvectors, .transpose)
            full.elements.withUnsafeBufferPointer { pf in
                for p in 0..<n { for q in 0...p { g[c * np + p * (p + 1) / 2 + q] = pf[p + q * n] } }
            }
        }
        return try Matrix(rows: np, columns: factors.count, elements: g)
    }

    /// The reconstructed pair supermatrix `M̃[(pq),(rs)] = Σ_l L̃^l_pq L̃^l_rs` (BLAS `dgemm` `G Gᵀ`).
    public func reconstructedSupermatrix() throws -> Matrix<Double> {
        let g = try packedFactors()
        let np = PackedPairs.count(orbitals)
        if g.columns == 0 { return Matrix(rows: np, columns: np) }
        return try Matrix.product(g, .none, g, .transpose)
    }
}

/// Single-factorization λ (Berry et al., Quantum 3, 208 (2019); Lee et al., PRX Quantum 2, 030305 (2021)).
public struct SFResult: Sendable, Equatable {
    /// Number of stage-1 vectors kept.
    public let rank: Int
    /// `λ_T,SF = Σ_pq |T_pq|` (sum of absolute entries).
    public let lambdaT: Double
    /// `λ_W = ¼ Σ_P (Σ_ij |L^P_ij|)²`.
    public let lambdaW: Double
    /// `λ_SF = λ_T,SF + λ_W`.
    public var lambdaSF: Double { lambdaT + lambdaW }
}

/// Thread-safe lazy cache of stage-2 eigendecompositions (one slot per stage-1 vector).
final class Stage2Cache: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [(f: [Double], u: Matrix<Double>)?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func get(_ l: Int) -> (f: [Double], u: Matrix<Double>)? {
        lock.lock(); defer { lock.unlock() }
        return slots[l]
    }

    func set(_ l: Int, _ value: (f: [Double], u: Matrix<Double>)) {
        lock.lock(); defer { lock.unlock() }
        slots[l] = value
    }
}
