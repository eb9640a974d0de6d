import LowRankKernels

/// The two-site effective Hamiltonian on charge-conserving tensors θ[l, s₁, s₂, r] (dense storage, nonzero
/// only when q_l + q(s₁) + q(s₂) = q_r), applied by the three steps of ``EffectiveHamiltonian`` restricted to
/// nonzero blocks: GEMMs on the (l′, l) and (r′, r) sector pairs each MPO channel connects, and the merged
/// two-site MPO applied by block AXPYs over its nonzero entries.
final class BlockEffectiveHamiltonian: ProjectedHamiltonian {
    let left: Environment, right: Environment
    let lb: SectorBasis, rb: SectorBasis
    /// Charges of the combined physical index s = s₁ + d₁ s₂.
    let q: [QuantumNumber]
    let dp: Int, wl: Int, wr: Int
    let deltaLeft: [QuantumNumber], deltaRight: [QuantumNumber]
    /// Nonzero entries of W[(a s), (s′ c)].
    private let entries: [(a: Int, s: Int, sp: Int, c: Int, value: Double)]
    private var t1: [Double], t2: [Double]
    /// Step 2 work list: for each entry, the (r range, l′ range) blocks it touches (charges resolved once).
    private var entryBlocks: [[(r: Range<Int>, l: Range<Int>)]] = []
    /// Counts the GEMMs of every product (steps 1 and 3; the block AXPYs of step 2 are not GEMMs).
    private let tally = FlopTally()
    /// Products applied so far.
    private var applied = 0

    var dimension: Int { lb.dimension * dp * rb.dimension }

    /// The GEMMs of steps 1 and 3 per product (the same blocks for every x; counted over the products applied).
    var flopsPerProduct: Double { applied > 0 ? tally.flops / Double(applied) : 0 }

    /// Not formed: the channel-wise contraction runs Lanczos.
    func diagonal(counting tally: FlopTally) -> [Double]? { nil }

    init(left: Environment, right: Environment, lb: SectorBasis, rb: SectorBasis, w1: Tensor<Double>,
         w2: Tensor<Double>, q1: [QuantumNumber], q2: [QuantumNumber], deltaLeft: [QuantumNumber],
         deltaRight: [QuantumNumber]) {
        self.left = left; self.right = right; self.lb = lb; self.rb = rb
        self.deltaLeft = deltaLeft; self.deltaRight = deltaRight
        let d1 = w1.shape[2], d2 = w2.shape[2]
        wl = w1.shape[0]; wr = w2.shape[1]; dp = d1 * d2
        var qq: [QuantumNumber] = []
        for s2 in 0..<d2 { for s1 in 0..<d1 { qq.append(q1[s1] + q2[s2]) } }
        q = qq
        entries = SparseMPOTensor.mergedTwoSite(w1, w2)
        entryBlocks = entries.map { e in
            rb.sectors.compactMap { (qr, rr) -> (r: Range<Int>, l: Range<Int>)? in
                guard lb.range(qr - qq[e.s]) != nil, let lpr = lb.range(qr - qq[e.s] + deltaLeft[e.a]) else { return nil }
                return (rr, lpr)
            }
        }
        let cl = lb.dimension, cr = rb.dimension
        // Only blocks that are written first are ever read (step 2 zeroes its blocks), so no zero fill.
        let n1 = cl * wl * dp * cr, n2 = cl * dp * wr * cr
        t1 = [Double](unsafeUninitializedCapacity: n1) { _, c in c = n1 }
        t2 = [Double](unsafeUninitializedCapacity: n2) { _, c in c = n2 }
    }

    /// y ← H_eff x on dense buffers of length ``dimension`` (entries outside the allowed blocks are zero).
    func apply(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        applied += 1
        let cl = lb.dimension, cr = rb.dimension, dp = self.dp, wl = self.wl, wr = self.wr
        let q = self.q, lb = self.lb, rb = self.rb, dL = deltaLeft, dR = deltaRight
        for i in 0..<(cl * dp * cr) { y[i] = 0 }
        left.elements.withUnsafeBufferPointer { le in
            right.elements.withUnsafeBufferPointer { re in
                t1.withUnsafeMutableBufferPointer { p1 in
                    t2.withUnsafeMutableBufferPointer { p2 in
                        let t1p = p1.baseAddress!, t2p = p2.baseAddress!
                        // Step 1: T1[l′, a, s, r] = L[l′, a, l] x[l, s, r]; l = r − q(s), l′ = l + Δ(a).
                        for s in 0..<dp { for (qr, rr) in rb.sectors {
                            guard let lr = lb.range(qr - q[s]) else { continue }
                            for a in 0..<wl {
                                guard let lpr = lb.range(qr - q[s] + dL[a]) else { continue }
                                BlockKernels.gemm(tally, .none, .none, m: lpr.count, n: rr.count, k: lr.count,
                                                  le.baseAddress! + lpr.lowerBound + cl * a + cl * wl * lr.lowerBound, cl * wl,
                                                  x + lr.lowerBound + cl * s + cl * dp * rr.lowerBound, cl * dp, beta: 0,
                                                  t1p + lpr.lowerBound + cl * a + cl * wl * s + cl * wl * dp * rr.lowerBound,
                                                  cl * wl * dp)
                            }
                        } }
                        // Step 2: T2[l′, s′, c, r] = Σ W[(a s), (s′ c)] T1[l′, a, s, r]; first zero every block step 3 reads.
                        for c in 0..<wr { for sp in 0..<dp { for (qr, rr) in rb.sectors {
                            guard let lpr = lb.range(qr + dR[c] - q[sp]) else { continue }
                            for r in rr {
                                let base = t2p + cl * sp + cl * dp * c + cl * dp * wr * r
                                for l in lpr { base[l] = 0 }
                            }
                        } } }
                        for (e, blocks) in zip(entries, entryBlocks) { for (rr, lpr) in blocks {
                            let src = t1p + cl * e.a + cl * wl * e.s, dst = t2p + cl * e.sp + cl * dp * e.c
                            let v = e.value
                            for r in rr {
                                let xr = src + cl * wl * dp * r, yr = dst + cl * dp * wr * r
                                for l in lpr { yr[l] += v * xr[l] }
                            }
                        } }
                        // Step 3: y[l′, s′, r′] += T2[l′, s′, c, r] R[r′, c, r]ᵀ; l′ = r′ − q(s′), r = r′ − Δ(c).
                        for sp in 0..<dp { for (qrp, rpr) in rb.sectors {
                            guard let lpr = lb.range(qrp - q[sp]) else { continue }
                            for c in 0..<wr {
                                guard let rr = rb.range(qrp - dR[c]) else { continue }
                                BlockKernels.gemm(tally, .none, .transpose, m: lpr.count, n: rpr.count, k: rr.count,
                                                  t2p + lpr.lowerBound + cl * sp + cl * dp * c + cl * dp * wr * rr.lowerBound,
                                                  cl * dp * wr,
                                                  re.baseAddress! + rpr.lowerBound + cr * c + cr * wr * rr.lowerBound, cr * wr,
                                                  beta: 1, y + lpr.lowerBound + cl * sp + cl * dp * rpr.lowerBound, cl * dp)
                            }
                        } }
                    }
                }
            }
        }
    }
}
