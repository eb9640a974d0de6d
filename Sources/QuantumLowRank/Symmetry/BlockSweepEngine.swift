import LowRankKernels

/// DMRG sweeps on charge-conserving MPS (abelian U(1) or U(1)×U(1) quantum numbers).
///
/// Tensors keep dense storage, but every bond basis is sorted by charge and every contraction, environment
/// update and split runs only over the nonzero charge blocks (``BlockKernels``), so the work is that of a
/// block-sparse engine while the public results are ordinary ``MPS`` values. The two-site tensor is split
/// through its reduced density matrix block by block, and the kept states are chosen by one global spectrum
/// across sectors (with White's noise, which also opens new sectors from a product start).
final class BlockSweepEngine {
    private(set) var tensors: [Tensor<Double>]
    private(set) var bases: [SectorBasis]
    let mpo: [Tensor<Double>]
    let sparse: [SparseMPOTensor]
    let delta: [[QuantumNumber]]
    let siteQ: [[QuantumNumber]]
    let L: Int
    private var leftEnv: [Environment?]
    private var rightEnv: [Environment?]
    private(set) var spectra: [[Double]]
    let maxKrylovDimension: Int
    /// GEMM flops of everything the engine does (``DMRG/SweepRecord/gemmFlops``).
    private let tally = FlopTally()

    /// Starts from the product state with local basis states `configuration`.
    init(mpo: [Tensor<Double>], siteQuantumNumbers: [[QuantumNumber]], channelCharges: [[QuantumNumber]],
         configuration: [Int], maxKrylovDimension: Int) {
        self.mpo = mpo
        self.sparse = mpo.map(SparseMPOTensor.init)
        self.delta = channelCharges
        self.siteQ = siteQuantumNumbers
        self.L = mpo.count
        self.maxKrylovDimension = maxKrylovDimension
        var t: [Tensor<Double>] = []
        var b: [SectorBasis] = [SectorBasis(single: .zero)]
        var q = QuantumNumber.zero
        for k in 0..<L {
            let d = mpo[k].shape[2]
            var e = [Double](repeating: 0, count: d)
            e[configuration[k]] = 1
            t.append(Tensor(uncheckedShape: [1, d, 1], elements: e))
            q = q + siteQuantumNumbers[k][configuration[k]]
            b.append(SectorBasis(single: q))
        }
        tensors = t
        bases = b
        leftEnv = Array(repeating: nil, count: L + 1)
        rightEnv = Array(repeating: nil, count: L + 1)
        spectra = Array(repeating: [1], count: L + 1)
        leftEnv[0] = .leftBoundary
        rightEnv[L] = .rightBoundary
        for k in stride(from: L - 1, through: 1, by: -1) { rightEnv[k] = extendRight(k) }
    }

    private func extendLeft(_ k: Int) -> Environment {
        BlockKernels.extendLeft(leftEnv[k]!, tally: tally, site: tensors[k], lb: bases[k], rb: bases[k + 1], q: siteQ[k],
                                w: sparse[k], deltaLeft: delta[k], deltaRight: delta[k + 1])
    }

    private func extendRight(_ k: Int) -> Environment {
        BlockKernels.extendRight(rightEnv[k + 1]!, tally: tally, site: tensors[k], lb: bases[k], rb: bases[k + 1], q: siteQ[k],
                                 w: sparse[k], deltaLeft: delta[k], deltaRight: delta[k + 1])
    }

    /// Two-site updates only.
    var updateWidth: Int { 2 }

    /// H_eff of bond (i, i+1) on dense charge-conserving θ[l, s₁, s₂, r], from the current environments.
    func effectiveHamiltonian(at i: Int) -> BlockEffectiveHamiltonian {
        BlockEffectiveHamiltonian(left: leftEnv[i]!, right: rightEnv[i + 2]!, lb: bases[i], rb: bases[i + 2], w1: mpo[i],
                                  w2: mpo[i + 1], q1: siteQ[i], q2: siteQ[i + 1], deltaLeft: delta[i],
                                  deltaRight: delta[i + 2])
    }

    /// Largest bond dimension of the current bases.
    var maxBondDimension: Int { bases.map(\.dimension).max() ?? 1 }

    func update(_ i: Int, rightward: Bool, _ p: DMRG.SweepParameters) throws -> LocalUpdate {
        let a = tensors[i], b = tensors[i + 1]
        let lb = bases[i], rb = bases[i + 2]
        let cl = lb.dimension, cr = rb.dimension, d1 = a.shape[1], d2 = b.shape[1]
        let flopsBefore = tally.flops
        let theta0 = try Matrix.product(a.matricized(rowAxes: 2), .none, b.matricized(rowAxes: 1), .none)
        tally.addProduct(m: cl * d1, n: d2 * cr, k: a.shape[2])
        let h = effectiveHamiltonian(at: i)
        let r = try DMRG.lowestEigenpair(of: h, start: theta0.elements, p, maxKrylovDimension: maxKrylovDimension,
                                         site: i, tally: tally)
        let split = try splitBlocks(r.eigenvector, i: i, rightward: rightward, cl: cl, d1: d1, d2: d2, cr: cr, p)
        let k = split.basis.dimension
        tensors[i] = Tensor(uncheckedShape: [cl, d1, k], elements: split.left)
        tensors[i + 1] = Tensor(uncheckedShape: [k, d2, cr], elements: split.right)
        bases[i + 1] = split.basis
        spectra[i + 1] = split.spectrum
        if rightward { leftEnv[i + 1] = extendLeft(i) } else { rightEnv[i + 1] = extendRight(i + 1) }
        return LocalUpdate(energy: r.eigenvalue, truncationError: split.truncationError,
                                  products: r.matrixVectorProducts, residual: r.residualNorm, converged: r.converged,
                                  gemmFlops: tally.flops - flopsBefore)
    }

    struct BlockSplit {
        var left: [Double], right: [Double], basis: SectorBasis, truncationError: Double, spectrum: [Double]
    }

    /// One charge block of the side being split: its row (or column) positions and the θ block.
    private struct Block {
        var positions: [Int]        // indices into the split side ((l + cl s₁) or (s₂ + d₂ r))
        var others: [Int]           // indices into the other side
        var rho: Matrix<Double>
        var theta: Matrix<Double>   // θ restricted to the block, positions × others
    }

    /// Splits θ[l, s₁, s₂, r] through the block-diagonal reduced density matrix of the side the centre
    /// leaves; global truncation across charge sectors; noise as in the dense engine.
    private func splitBlocks(_ theta: [Double], i: Int, rightward: Bool, cl: Int, d1: Int, d2: Int, cr: Int,
                             _ p: DMRG.SweepParameters) throws -> BlockSplit {
        let lb = bases[i], rb = bases[i + 2], q1 = siteQ[i], q2 = siteQ[i + 1]
        let m = cl * d1                                               // θ as m × (d₂ cr)
        // Charge of each row (l s₁) and column (s₂ r) in the left-charge convention of bond i+1.
        func rowsOf(_ qn: QuantumNumber) -> [Int] {
            var out: [Int] = []
            for s1 in 0..<d1 { if let lr = lb.range(qn - q1[s1]) { for l in lr { out.append(l + cl * s1) } } }
            return out
        }
        func colsOf(_ qn: QuantumNumber) -> [Int] {
            var out: [Int] = []
            for s2 in 0..<d2 { if let rr = rb.range(qn + q2[s2]) { for r in rr { out.append(s2 + d2 * r) } } }
            return out
        }
        var charges = Set<QuantumNumber>()
        for s1 in 0..<d1 { for (ql, _) in lb.sectors { charges.insert(ql + q1[s1]) } }
        var blocks: [QuantumNumber: Block] = [:]
        for qn in charges {
            let rows = rowsOf(qn), cols = colsOf(qn)
            if rows.isEmpty { continue }
            let (pos, oth) = rightward ? (rows, cols) : (cols, rows)
            var g = [Double](repeating: 0, count: pos.count * Swift.max(oth.count, 0))
            // g[(pos), (oth)] = θ restricted, laid out with `pos` as rows.
            for (jo, o) in oth.enumerated() {
                for (ip, ps) in pos.enumerated() {
                    let (row, col) = rightward ? (ps, o) : (o, ps)
                    g[ip + pos.count * jo] = theta[row + m * col]
                }
            }
            let gm = try Matrix(rows: pos.count, columns: oth.count, elements: g)
            let rho = oth.isEmpty ? Matrix<Double>(rows: pos.count, columns: pos.count)
                                  : try Matrix.product(gm, .none, gm, .transpose)
            tally.addProduct(m: pos.count, n: pos.count, k: oth.count)
            blocks[qn] = Block(positions: pos, others: oth, rho: rho, theta: gm)
        }
        if p.noise > 0 { try addNoise(theta, i: i, rightward: rightward, cl: cl, d1: d1, d2: d2, cr: cr,
                                      alpha: p.noise, blocks: &blocks, rowsOf: rowsOf, colsOf: colsOf) }
        // Eigen-decompose every block; one global ranking.
        var eig: [QuantumNumber: SymmetricEigenResult<Double>] = [:]
        let sectorCharges = Array(blocks.keys)
        for qn in sectorCharges { eig[qn] = try blocks[qn]!.rho.symmetricEigen(vectors: true) }
        let (counts, spectrum) = try SectorTruncation.keep(sectorCharges.map { eig[$0]!.eigenvalues }, p, site: i)
        var keep: [QuantumNumber: Int] = [:]
        for (qn, c) in zip(sectorCharges, counts) where c > 0 { keep[qn] = c }
        let k = counts.reduce(0, +)
        let order = keep.keys.sorted()
        var newCharges: [QuantumNumber] = []
        for qn in order { newCharges += Array(repeating: qn, count: keep[qn]!) }
        let basis = SectorBasis(sortedCharges: newCharges)
        // Canonical side: kept eigenvectors; other side: projection of θ.
        var canonical = [Double](repeating: 0, count: rightward ? m * k : k * d2 * cr)
        var rest = [Double](repeating: 0, count: rightward ? k * d2 * cr : m * k)
        var keptWeight = 0.0
        for qn in order {
            let blk = blocks[qn]!, e = eig[qn]!, kq = keep[qn]!, n = blk.positions.count
            let range = basis.range(qn)!
            // Kept eigenvectors (largest first) and the projection Vᵀ θ_block by one GEMM.
            let vk = e.leadingEigenvectors(kq)
            let vm = try Matrix(rows: n, columns: kq, elements: vk)
            let proj = blk.others.isEmpty ? Matrix<Double>(rows: kq, columns: 0)
                                          : try Matrix.product(vm, .transpose, blk.theta, .none)   // kq × others
            tally.addProduct(m: kq, n: blk.others.count, k: n)
            for jj in 0..<kq {
                let j = range.lowerBound + jj
                for (ip, ps) in blk.positions.enumerated() {
                    let v = vk[ip + n * jj]
                    if rightward { canonical[ps + m * j] = v } else { canonical[j + k * ps] = v }
                }
                for (jo, o) in blk.others.enumerated() {
                    let x = proj.elements[jj + kq * jo]
                    keptWeight += x * x
                    if rightward { rest[j + k * o] = x } else { rest[o + m * j] = x }
                }
            }
        }
        let scale = keptWeight > 0 ? 1 / keptWeight.squareRoot() : 1
        for idx in rest.indices { rest[idx] *= scale }
        return rightward
            ? BlockSplit(left: canonical, right: rest, basis: basis, truncationError: Swift.max(0, 1 - keptWeight), spectrum: spectrum)
            : BlockSplit(left: rest, right: canonical, basis: basis, truncationError: Swift.max(0, 1 - keptWeight), spectrum: spectrum)
    }

    /// White's perturbation α Σ PPᵀ/‖P‖² added block by block (P = (L ⊗ W_i) θ or θ (W_{i+1} ⊗ R)); it may
    /// open sectors θ does not populate.
    private func addNoise(_ theta: [Double], i: Int, rightward: Bool, cl: Int, d1: Int, d2: Int, cr: Int,
                          alpha: Double, blocks: inout [QuantumNumber: Block],
                          rowsOf: (QuantumNumber) -> [Int], colsOf: (QuantumNumber) -> [Int]) throws {
        let lb = bases[i], rb = bases[i + 2], q1 = siteQ[i], q2 = siteQ[i + 1]
        let m = cl * d1
        var pert: [QuantumNumber: Matrix<Double>] = [:]
        var total = 0.0
        if rightward {
            let w = sparse[i], wr = w.wr
            for s2 in 0..<d2 {
                // θ[:, :, s2, :] as A[l, s₁, r] with right charges shifted by −q(s₂).
                var slice = [Double](repeating: 0, count: m * cr)
                for r in 0..<cr { for x in 0..<m { slice[x + m * r] = theta[x + m * (s2 + d2 * r)] } }
                let shifted = SectorBasis(sortedCharges: rb.charges.map { $0 - q2[s2] })
                let y = slice.withUnsafeBufferPointer {
                    BlockKernels.halfLeft(leftEnv[i]!, tally: tally, $0.baseAddress!, lb: lb, rb: shifted, q: q1, w: w,
                                          deltaLeft: delta[i], deltaRight: delta[i + 1])
                }
                // Y[l′, s₁′, b, r]: row (l′ s₁′) has charge q_r − q(s₂) + Δ(b).
                for b in 0..<wr { for (qr, rr) in shifted.sectors {
                    let qn = qr + delta[i + 1][b]
                    let rows = rowsOf(qn)
                    if rows.isEmpty { continue }
                    var g = [Double](repeating: 0, count: rows.count * rr.count)
                    for (jc, r) in rr.enumerated() {
                        for (ir, row) in rows.enumerated() { g[ir + rows.count * jc] = y[row + m * (b + wr * r)] }
                    }
                    total += g.reduce(0) { $0 + $1 * $1 }
                    let gm = try Matrix(rows: rows.count, columns: rr.count, elements: g)
                    var acc = pert[qn] ?? Matrix(rows: rows.count, columns: rows.count)
                    try Matrix.multiplyAdd(gm, .none, gm, .transpose, beta: 1, into: &acc)
                    tally.addProduct(m: rows.count, n: rows.count, k: rr.count)
                    pert[qn] = acc
                } }
            }
        } else {
            let w = sparse[i + 1], wl = w.wl
            for s1 in 0..<d1 {
                // θ[:, s₁, :, :] as B[l, s₂, r] with left charges shifted by +q(s₁).
                var slice = [Double](repeating: 0, count: cl * d2 * cr)
                for c in 0..<(d2 * cr) { for l in 0..<cl { slice[l + cl * c] = theta[l + cl * s1 + m * c] } }
                let shifted = SectorBasis(sortedCharges: lb.charges.map { $0 + q1[s1] })
                let y = slice.withUnsafeBufferPointer {
                    BlockKernels.halfRight(rightEnv[i + 2]!, tally: tally, $0.baseAddress!, lb: shifted, rb: rb, q: q2, w: w,
                                           deltaLeft: delta[i + 1], deltaRight: delta[i + 2])
                }
                // Y[l, b, s₂′, r′]: column (s₂′ r′) has charge q_l + q(s₁) − Δ(b).
                for b in 0..<wl { for (ql, lr) in shifted.sectors {
                    let qn = ql - delta[i + 1][b]
                    let cols = colsOf(qn)
                    if cols.isEmpty { continue }
                    var g = [Double](repeating: 0, count: lr.count * cols.count)
                    for (jc, col) in cols.enumerated() {
                        let s2 = col % d2, r = col / d2
                        for (il, l) in lr.enumerated() { g[il + lr.count * jc] = y[l + cl * (b + wl * (s2 + d2 * r))] }
                    }
                    total += g.reduce(0) { $0 + $1 * $1 }
                    let gm = try Matrix(rows: lr.count, columns: cols.count, elements: g)
                    var acc = pert[qn] ?? Matrix(rows: cols.count, columns: cols.count)
                    try Matrix.multiplyAdd(gm, .transpose, gm, .none, beta: 1, into: &acc)
                    tally.addProduct(m: cols.count, n: cols.count, k: lr.count)
                    pert[qn] = acc
                } }
            }
        }
        guard total > 0 else { return }
        for (qn, pm) in pert {
            if var blk = blocks[qn] {
                blk.rho = try blk.rho.adding(pm, scaledBy: alpha / total)
                blocks[qn] = blk
            } else {
                let pos = rightward ? rowsOf(qn) : colsOf(qn)
                let oth = rightward ? colsOf(qn) : rowsOf(qn)
                blocks[qn] = Block(positions: pos, others: oth, rho: pm.scaled(by: alpha / total),
                                   theta: Matrix(rows: pos.count, columns: oth.count))
            }
        }
    }
}
