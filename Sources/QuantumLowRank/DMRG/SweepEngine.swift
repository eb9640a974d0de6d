import LowRankKernels

/// The mutable state of a DMRG run: site tensors with the orthogonality centre, the MPO and the cached
/// left/right environment blocks. `leftEnv[k]` contracts sites 0 ..< k, `rightEnv[k]` sites k ..< L, both
/// for the current tensors on that side of the centre.
final class SweepEngine: SweepRunner {
    private(set) var tensors: [Tensor<Double>]
    let mpo: [Tensor<Double>]
    let L: Int
    private var leftEnv: [Environment?]
    private var rightEnv: [Environment?]
    /// Schmidt values per bond 0 … L from the latest update at that bond (bonds 0 and L: [1]).
    private(set) var spectra: [[Double]]
    let maxKrylovDimension: Int
    let algorithm: DMRG.Algorithm
    /// Workers of the contractions (their GEMMs split by columns, BLAS single-threaded inside).
    let threads: Int
    /// With more than one worker the engine owns the thread budget (BLAS single-threaded; every GEMM split by columns).
    var ownsThreads: Bool { threads > 1 }

    /// Starts from tensors in mixed-canonical form with centre 0 and builds all right environments.
    init(mpo: [Tensor<Double>], sites: [Tensor<Double>], maxKrylovDimension: Int, algorithm: DMRG.Algorithm,
         threads: Int = 1) {
        self.algorithm = algorithm
        self.threads = Swift.max(1, threads)
        self.mpo = mpo
        self.tensors = sites
        self.L = sites.count
        self.maxKrylovDimension = maxKrylovDimension
        leftEnv = Array(repeating: nil, count: L + 1)
        rightEnv = Array(repeating: nil, count: L + 1)
        spectra = Array(repeating: [1], count: L + 1)
        leftEnv[0] = .leftBoundary
        rightEnv[L] = .rightBoundary
        for k in stride(from: L - 1, through: 1, by: -1) {
            rightEnv[k] = Environment.extendRight(rightEnv[k + 1]!, site: tensors[k], mpo: mpo[k], workers: threads)
        }
    }

    /// No bond charges: the driver returns the dense state as the trivial symmetry.
    var chargedState: ChargedMPS? { nil }

    /// Sites an update optimizes: 2, or 1 for ``DMRG/Algorithm/singleSite``.
    var updateWidth: Int { algorithm == .twoSite ? 2 : 1 }

    /// Largest bond dimension of the current tensors.
    var maxBondDimension: Int { tensors.map { $0.shape[2] }.max() ?? 1 }

    /// The two-site update of bond (i, i+1) or the one-site update of site i, by ``algorithm``.
    func update(_ i: Int, rightward: Bool, _ p: DMRG.SweepParameters) throws -> LocalUpdate {
        switch algorithm {
        case .twoSite: try twoSiteUpdate(i, rightward: rightward, p)
        case .singleSite: try oneSiteUpdate(i, rightward: rightward, p)
        }
    }

    /// GEMM flops of one three-step contraction L · W · R of a [Dl, dp, Dr] tensor with MPO bonds (wl, wr) and
    /// merged block W of size (wl·dp) × (dp·wr): 2 wl dp Dl² Dr + 2 wl wr dp² Dl Dr + 2 wr dp Dl Dr² (the three
    /// GEMMs of ``EffectiveHamiltonian``). An H_eff product (dp = d or d²) and an environment extension through
    /// a [Dl, d, Dr] site tensor have this same cost.
    static func contractionFlops(dl: Int, dp: Int, dr: Int, wl: Int, wr: Int) -> Double {
        let (a, b, p, x, y) = (Double(dl), Double(dr), Double(dp), Double(wl), Double(wr))
        return 2 * x * p * a * a * b + 2 * x * y * p * p * a * b + 2 * y * p * a * b * b
    }

    /// GEMM flops of the first two steps of that contraction (``Environment/halfLeft(_:ket:dl:d:n:mpo:)`` and
    /// its mirror), the noise term P = (L ⊗ W) θ: 2 wl d Dl² n + 2 wl wr d² Dl n for an open side of width n.
    static func halfContractionFlops(dl: Int, d: Int, n: Int, wl: Int, wr: Int) -> Double {
        let (a, m, p, x, y) = (Double(dl), Double(n), Double(d), Double(wl), Double(wr))
        return 2 * x * p * a * a * m + 2 * x * y * p * p * a * m
    }

    /// The lowest eigenpair of H_eff from `x` (the driver's eigensolve); its products' flops are added to `flops`.
    private func solve(_ h: EffectiveHamiltonian, start x: [Double], _ p: DMRG.SweepParameters, site: Int,
                       flops: inout Double) throws -> LanczosEigensolver.Result {
        let tally = FlopTally()
        let r = try DMRG.lowestEigenpair(of: h, start: x, p, maxKrylovDimension: maxKrylovDimension, site: site, tally: tally)
        flops += tally.flops
        return r
    }

    // MARK: two-site

    /// Optimizes the bond tensor of sites (i, i+1) and moves the centre to i+1 (rightward) or i.
    private func twoSiteUpdate(_ i: Int, rightward: Bool, _ p: DMRG.SweepParameters) throws -> LocalUpdate {
        let a = tensors[i], b = tensors[i + 1]
        let dl = a.shape[0], d1 = a.shape[1], d2 = b.shape[1], dr = b.shape[2]
        let theta0 = try Workers.product(a.matricized(rowAxes: 2), .none, b.matricized(rowAxes: 1), .none, workers: threads)
        let h = EffectiveHamiltonian(left: leftEnv[i]!, right: rightEnv[i + 2]!, mpo: [mpo[i], mpo[i + 1]], workers: threads)
        var flops = 0.0
        let r = try solve(h, start: theta0.elements, p, site: i, flops: &flops)
        let theta = try Matrix(rows: dl * d1, columns: d2 * dr, elements: r.eigenvector)
        let split = try densityMatrixSplit(theta, i: i, rightward: rightward, dl: dl, d1: d1, d2: d2, dr: dr, p)
        let k = split.left.columns
        tensors[i] = Tensor(uncheckedShape: [dl, d1, k], elements: split.left.elements)
        tensors[i + 1] = Tensor(uncheckedShape: [k, d2, dr], elements: split.right.elements)
        spectra[i + 1] = split.spectrum
        if rightward {
            leftEnv[i + 1] = Environment.extendLeft(leftEnv[i]!, site: tensors[i], mpo: mpo[i], workers: threads)
        } else {
            rightEnv[i + 1] = Environment.extendRight(rightEnv[i + 2]!, site: tensors[i + 1], mpo: mpo[i + 1], workers: threads)
        }
        let k2 = Double(k)
        flops += 2 * Double(dl * d1 * d2 * dr * a.shape[2])                                   // θ = A_i A_{i+1}
        flops += 2 * Double(rightward ? dl * d1 * dl * d1 : d2 * dr * d2 * dr) * Double(rightward ? d2 * dr : dl * d1)  // ρ
        flops += split.noiseFlops
        flops += 2 * k2 * Double(dl * d1 * d2 * dr)                                           // projection
        flops += rightward ? Self.contractionFlops(dl: dl, dp: d1, dr: k, wl: mpo[i].shape[0], wr: mpo[i].shape[1])
                           : Self.contractionFlops(dl: k, dp: d2, dr: dr, wl: mpo[i + 1].shape[0], wr: mpo[i + 1].shape[1])
        return LocalUpdate(energy: r.eigenvalue, truncationError: split.truncationError, products: r.matrixVectorProducts,
                      residual: r.residualNorm, converged: r.converged, gemmFlops: flops)
    }

    /// θ = left · right with the centre on `right` (rightward) or on `left`.
    struct Split {
        var left: Matrix<Double>
        var right: Matrix<Double>
        var truncationError: Double
        var spectrum: [Double]
        /// GEMM flops of White's noise term (P and PPᵀ), 0 without noise.
        var noiseFlops: Double = 0
    }

    /// Kept rank: the cutoff on relative discarded weight, at most χ, at least 1.
    private func keptRank(_ s: [Double], _ p: DMRG.SweepParameters) throws -> Int {
        try MPS<Double>.keptRank(s, maxBondDimension: p.maxBondDimension, cutoff: p.cutoff)
    }

    /// Splits θ through the reduced density matrix of the side the centre leaves (White 1992): ρ = θθᵀ
    /// (rightward) or θᵀθ (leftward), whose eigenvalues are the squared Schmidt values. With noise α > 0 it
    /// adds White's perturbation (PRB 72, 180403 (2005)) α PPᵀ/‖P‖², P = (L ⊗ W_i) θ or θ (W_{i+1} ⊗ R).
    /// The kept eigenvectors become the new canonical tensor and θ is projected onto them, so the state
    /// changes only by the discarded part. One GEMM and a symmetric eigensolver of order χd replace the
    /// SVD of the χd × dχ matrix (several times cheaper); Schmidt values below ~1e-8 relative then carry
    /// the eigensolver's absolute error (~1e-16 in weight), far below any cutoff used in practice.
    private func densityMatrixSplit(_ theta: Matrix<Double>, i: Int, rightward: Bool, dl: Int, d1: Int, d2: Int,
                                dr: Int, _ p: DMRG.SweepParameters) throws -> Split {
        let m = theta.rows, n = theta.columns
        var rho: Matrix<Double>
        var noiseFlops = 0.0
        if rightward {
            rho = try Workers.product(theta, .none, theta, .transpose, workers: threads)
            if p.noise > 0 {
                noiseFlops = Self.halfContractionFlops(dl: dl, d: d1, n: n, wl: mpo[i].shape[0], wr: mpo[i].shape[1])
                let pert = theta.elements.withUnsafeBufferPointer {
                    Environment.halfLeft(leftEnv[i]!, ket: $0.baseAddress!, dl: dl, d: d1, n: n, mpo: mpo[i], workers: threads)
                }
                let pm = try Matrix(rows: m, columns: pert.count / m, elements: pert)
                noiseFlops += 2 * Double(m) * Double(m) * Double(pm.columns)
                let w = pm.elements.reduce(0) { $0 + $1 * $1 }
                if w > 0 { try Workers.multiplyAdd(pm, .none, pm, .transpose, alpha: p.noise / w, beta: 1, into: &rho, workers: threads) }
            }
        } else {
            rho = try Workers.product(theta, .transpose, theta, .none, workers: threads)
            if p.noise > 0 {
                noiseFlops = Self.halfContractionFlops(dl: dr, d: d2, n: m, wl: mpo[i + 1].shape[1],
                                                       wr: mpo[i + 1].shape[0])
                let pert = theta.elements.withUnsafeBufferPointer {
                    Environment.halfRight(rightEnv[i + 2]!, tensor: $0.baseAddress!, n: m, d: d2, dr: dr, mpo: mpo[i + 1], workers: threads)
                }
                let pm = try Matrix(rows: pert.count / n, columns: n, elements: pert)
                noiseFlops += 2 * Double(n) * Double(n) * Double(pm.rows)
                let w = pm.elements.reduce(0) { $0 + $1 * $1 }
                if w > 0 { try Workers.multiplyAdd(pm, .transpose, pm, .none, alpha: p.noise / w, beta: 1, into: &rho, workers: threads) }
            }
        }
        let e = try rho.symmetricEigen(vectors: true)
        let count = e.eigenvalues.count
        let weights = e.eigenvalues.reversed().map { Swift.max($0, 0).squareRoot() }
        let k = try keptRank(weights, p)
        let basis = try Matrix(rows: count, columns: k, elements: e.leadingEigenvectors(k))
        if rightward {
            var rest = try Workers.product(basis, .transpose, theta, .none, workers: threads)          // k × n
            let kept = rest.elements.reduce(0) { $0 + $1 * $1 }
            rest = rest.scaled(by: kept > 0 ? 1 / kept.squareRoot() : 1)
            return Split(left: basis, right: rest, truncationError: Swift.max(0, 1 - kept),
                         spectrum: Array(weights.prefix(k)), noiseFlops: noiseFlops)
        } else {
            var rest = try Workers.product(theta, .none, basis, .none, workers: threads)               // m × k
            let kept = rest.elements.reduce(0) { $0 + $1 * $1 }
            rest = rest.scaled(by: kept > 0 ? 1 / kept.squareRoot() : 1)
            return Split(left: rest, right: basis.transposed, truncationError: Swift.max(0, 1 - kept),
                         spectrum: Array(weights.prefix(k)), noiseFlops: noiseFlops)
        }
    }

    // MARK: one-site with subspace expansion

    /// Optimizes site i, expands by α·(L W M) (rightward) or α·(M W R) (leftward), truncates and moves the
    /// centre to i ± 1 (Hubig et al., PRB 91, 155115 (2015)).
    private func oneSiteUpdate(_ i: Int, rightward: Bool, _ p: DMRG.SweepParameters) throws -> LocalUpdate {
        let m0 = tensors[i]
        let dl = m0.shape[0], d = m0.shape[1], dr = m0.shape[2]
        let h = EffectiveHamiltonian(left: leftEnv[i]!, right: rightEnv[i + 1]!, mpo: [mpo[i]], workers: threads)
        var flops = 0.0
        let r = try solve(h, start: m0.elements, p, site: i, flops: &flops)
        let alpha = p.noise
        let wl = mpo[i].shape[0], wr = mpo[i].shape[1]
        if rightward {
            let next = tensors[i + 1]
            var expanded = try Matrix(rows: dl * d, columns: dr, elements: r.eigenvector)
            if alpha > 0 {
                let pert = r.eigenvector.withUnsafeBufferPointer {
                    Environment.halfLeft(leftEnv[i]!, ket: $0.baseAddress!, dl: dl, d: d, n: dr, mpo: mpo[i], workers: threads)
                }
                let pm = try Matrix(rows: dl * d, columns: pert.count / (dl * d), elements: pert).scaled(by: alpha)
                flops += Self.halfContractionFlops(dl: dl, d: d, n: dr, wl: wl, wr: wr)
                try expanded.appendColumns(pm)
            }
            let f = try expanded.svd()
            let s = f.singularValues
            let k = try keptRank(s, p)
            let (sk, err) = normalizedPrefix(s, k)
            var carry = f.vt.submatrix(rows: 0..<k, columns: 0..<dr)           // only the original columns
            carry.scaleRows(by: sk)
            let nm = try Workers.product(carry, .none, next.matricized(rowAxes: 1), .none, workers: threads)
            tensors[i] = Tensor(uncheckedShape: [dl, d, k], elements: f.u.columns(0..<k).elements)
            tensors[i + 1] = Tensor(uncheckedShape: [k, next.shape[1], next.shape[2]], elements: nm.elements)
            spectra[i + 1] = sk
            leftEnv[i + 1] = Environment.extendLeft(leftEnv[i]!, site: tensors[i], mpo: mpo[i], workers: threads)
            flops += 2 * Double(k) * Double(dr) * Double(next.shape[1] * next.shape[2])        // carry · A_{i+1}
            flops += Self.contractionFlops(dl: dl, dp: d, dr: k, wl: wl, wr: wr)                // environment
            return LocalUpdate(energy: r.eigenvalue, truncationError: err, products: r.matrixVectorProducts,
                          residual: r.residualNorm, converged: r.converged, gemmFlops: flops)
        } else {
            let prev = tensors[i - 1]
            var expanded = try Matrix(rows: dl, columns: d * dr, elements: r.eigenvector)
            if alpha > 0 {
                let pert = r.eigenvector.withUnsafeBufferPointer {
                    Environment.halfRight(rightEnv[i + 1]!, tensor: $0.baseAddress!, n: dl, d: d, dr: dr, mpo: mpo[i], workers: threads)
                }
                let pm = try Matrix(rows: pert.count / (d * dr), columns: d * dr, elements: pert).scaled(by: alpha)
                flops += Self.halfContractionFlops(dl: dr, d: d, n: dl, wl: wr, wr: wl)
                expanded = try stackRows(expanded, pm)
            }
            let f = try expanded.svd()
            let s = f.singularValues
            let k = try keptRank(s, p)
            let (sk, err) = normalizedPrefix(s, k)
            var carry = f.u.submatrix(rows: 0..<dl, columns: 0..<k)           // only the original rows
            carry.scaleColumns(by: sk)
            let pm = try Workers.product(prev.matricized(rowAxes: 2), .none, carry, .none, workers: threads)
            tensors[i] = Tensor(uncheckedShape: [k, d, dr], elements: f.vt.rows(0..<k).elements)
            tensors[i - 1] = Tensor(uncheckedShape: [prev.shape[0], prev.shape[1], k], elements: pm.elements)
            spectra[i] = sk
            rightEnv[i] = Environment.extendRight(rightEnv[i + 1]!, site: tensors[i], mpo: mpo[i], workers: threads)
            flops += 2 * Double(prev.shape[0] * prev.shape[1]) * Double(dl) * Double(k)      // A_{i-1} · carry
            flops += Self.contractionFlops(dl: k, dp: d, dr: dr, wl: wl, wr: wr)                // environment
            return LocalUpdate(energy: r.eigenvalue, truncationError: err, products: r.matrixVectorProducts,
                          residual: r.residualNorm, converged: r.converged, gemmFlops: flops)
        }
    }

    /// The first k values scaled to unit 2-norm, and the discarded relative weight.
    private func normalizedPrefix(_ s: [Double], _ k: Int) -> ([Double], Double) {
        let total = s.reduce(0) { $0 + $1 * $1 }
        let kept = s.prefix(k).reduce(0) { $0 + $1 * $1 }
        let scale = kept > 0 ? 1 / kept.squareRoot() : 1
        return (s.prefix(k).map { $0 * scale }, total > 0 ? Swift.max(0, (total - kept) / total) : 0)
    }

    /// [top; bottom] for matrices with equal column counts.
    private func stackRows(_ top: Matrix<Double>, _ bottom: Matrix<Double>) throws -> Matrix<Double> {
        var t = top.transposed
        try t.appendColumns(bottom.transposed)
        return t.transposed
    }
}
