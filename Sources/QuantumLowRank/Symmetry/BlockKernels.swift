import LowRankKernels

/// The nonzero entries W[a, b, s′, s] of an MPO tensor, with the charge Δ carried by each channel.
struct SparseMPOTensor: Sendable {
    struct Entry: Sendable { let a: Int, b: Int, sp: Int, s: Int, value: Double }
    let wl: Int, wr: Int, d: Int
    let entries: [Entry]

    init(_ w: Tensor<Double>) {
        wl = w.shape[0]; wr = w.shape[1]; d = w.shape[2]
        var e: [Entry] = []
        for s in 0..<d { for sp in 0..<d { for b in 0..<wr { for a in 0..<wl {
            let v = w.elements[a + wl * (b + wr * (sp + d * s))]
            if v != 0 { e.append(Entry(a: a, b: b, sp: sp, s: s, value: v)) }
        } } } }
        entries = e
    }

    /// The nonzero entries of the merged two-site block W[(a s), (s′ c)] = Σ_b W₁[a,b,s₁′,s₁] W₂[b,c,s₂′,s₂]
    /// with combined physical indices s = s₁ + d₁ s₂ (s′ likewise), joined on the middle channel b from the
    /// nonzero entries only, sorted by (c, s′, s, a).
    static func mergedTwoSite(_ w1: Tensor<Double>, _ w2: Tensor<Double>)
        -> [(a: Int, s: Int, sp: Int, c: Int, value: Double)] {
        let d1 = w1.shape[2]
        var byMiddle = [[Entry]](repeating: [], count: w1.shape[1])
        for e in SparseMPOTensor(w2).entries { byMiddle[e.a].append(e) }
        struct Key: Hashable { let a: Int, s: Int, sp: Int, c: Int }
        var merged: [Key: Double] = [:]
        for x in SparseMPOTensor(w1).entries {
            for y in byMiddle[x.b] {
                merged[Key(a: x.a, s: x.s + d1 * y.s, sp: x.sp + d1 * y.sp, c: y.b), default: 0] += x.value * y.value
            }
        }
        return merged.filter { $0.value != 0 }
            .sorted { ($0.key.c, $0.key.sp, $0.key.s, $0.key.a) < ($1.key.c, $1.key.sp, $1.key.s, $1.key.a) }
            .map { (a: $0.key.a, s: $0.key.s, sp: $0.key.sp, c: $0.key.c, value: $0.value) }
    }
}

/// Block-sparse contractions on dense storage (layouts as in ``Environment`` and ``EffectiveHamiltonian``):
/// every bond basis is sorted by charge, so each nonzero block is a strided sub-matrix and each product a GEMM
/// on it. Zero blocks are never touched; the flop count drops from O(χ³) to O(Σ_sectors χ_q³).
///
/// Charge rules (left-charge convention, bond q = total charge left of it): a site tensor A[l, s, r] is
/// nonzero only when q_r = q_l + q_s; an environment E[bra, a, ket] only when q_bra = q_ket + Δ(a).
enum BlockKernels {
    /// y ← A · op(B) + β y on sub-blocks given by base pointers, offsets and leading dimensions, counted
    /// in `tally`.
    @inline(__always)
    static func gemm(_ tally: FlopTally, _ ta: Transpose, _ tb: Transpose, m: Int, n: Int, k: Int,
                     _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int,
                     beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int) {
        tally.gemm(ta, tb, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// Σ_l E[l′, a, l] T[l, s, r] W[a, b, s′, s] → Y[l′, s′, b, r] for a ket tensor T[l, s, r] (bases lb, rb,
    /// local charges `q`), the first two steps of a left-environment extension (and of the left noise term).
    /// `rightShift` is added to every right charge (for slices of a two-site tensor).
    static func halfLeft(_ env: Environment, tally: FlopTally, _ t: UnsafePointer<Double>, lb: SectorBasis, rb: SectorBasis,
                         q: [QuantumNumber], w: SparseMPOTensor, deltaLeft: [QuantumNumber],
                         deltaRight: [QuantumNumber]) -> [Double] {
        let cl = lb.dimension, cr = rb.dimension, d = w.d, wl = w.wl, wr = w.wr
        // Step 1: X[l′, a, s, r] = E[l′, a, l] T[l, s, r] over the l block fixed by (s, r).
        var x = [Double](unsafeUninitializedCapacity: cl * wl * d * cr) { _, n in n = cl * wl * d * cr }
        var y = [Double](unsafeUninitializedCapacity: cl * d * wr * cr) { _, n in n = cl * d * wr * cr }
        // Zero exactly the Y blocks that step 2 accumulates into and later steps read: (s′, b, r) → l′ = r + Δ(b) − q(s′).
        y.withUnsafeMutableBufferPointer { yp in
            for b in 0..<wr { for sp in 0..<d { for (qr, rr) in rb.sectors {
                guard let lpr = lb.range(qr + deltaRight[b] - q[sp]) else { continue }
                for r in rr { let base = yp.baseAddress! + cl * sp + cl * d * b + cl * d * wr * r; for l in lpr { base[l] = 0 } }
            } } }
        }
        env.elements.withUnsafeBufferPointer { ep in
            x.withUnsafeMutableBufferPointer { xp in
                for s in 0..<d { for (qr, rr) in rb.sectors {
                    guard let lr = lb.range(qr - q[s]) else { continue }
                    for a in 0..<wl {
                        guard let lpr = lb.range(lb.sectors.isEmpty ? qr : (qr - q[s]) + deltaLeft[a]) else { continue }
                        gemm(tally, .none, .none, m: lpr.count, n: rr.count, k: lr.count,
                             ep.baseAddress! + lpr.lowerBound + cl * a + cl * wl * lr.lowerBound, cl * wl,
                             t + lr.lowerBound + cl * s + cl * d * rr.lowerBound, cl * d, beta: 0,
                             xp.baseAddress! + lpr.lowerBound + cl * a + cl * wl * s + cl * wl * d * rr.lowerBound,
                             cl * wl * d)
                    }
                } }
                // Step 2: Y[l′, s′, b, r] += W[a,b,s′,s] X[l′, a, s, r].
                y.withUnsafeMutableBufferPointer { yp in
                    for e in w.entries { for (qr, rr) in rb.sectors {
                        guard let lr = lb.range(qr - q[e.s]) else { continue }
                        _ = lr
                        guard let lpr = lb.range((qr - q[e.s]) + deltaLeft[e.a]) else { continue }
                        let xs = xp.baseAddress! + cl * e.a + cl * wl * e.s
                        let ys = yp.baseAddress! + cl * e.sp + cl * d * e.b
                        for r in rr {
                            let xr = xs + cl * wl * d * r, yr = ys + cl * d * wr * r
                            for l in lpr { yr[l] += e.value * xr[l] }
                        }
                    } }
                }
            }
        }
        return y
    }

    /// Left environment one site further: L′[r″, b, r] = Σ A[l′,s′,r″] L[l′,a,l] W[a,b,s′,s] A[l,s,r].
    static func extendLeft(_ env: Environment, tally: FlopTally, site a: Tensor<Double>, lb: SectorBasis, rb: SectorBasis,
                           q: [QuantumNumber], w: SparseMPOTensor, deltaLeft: [QuantumNumber],
                           deltaRight: [QuantumNumber]) -> Environment {
        let cl = lb.dimension, cr = rb.dimension, d = w.d, wr = w.wr
        var out = [Double](repeating: 0, count: cr * wr * cr)
        a.elements.withUnsafeBufferPointer { ap in
            let y = halfLeft(env, tally: tally, ap.baseAddress!, lb: lb, rb: rb, q: q, w: w, deltaLeft: deltaLeft,
                             deltaRight: deltaRight)
            y.withUnsafeBufferPointer { yp in
                out.withUnsafeMutableBufferPointer { op in
                    // L′[r″, b, r] += A[l′, s′, r″]ᵀ Y[l′, s′, b, r]: r″ = r + Δ(b), l′ = r″ − q(s′).
                    for b in 0..<wr { for (qr, rr) in rb.sectors {
                        guard let rpr = rb.range(qr + deltaRight[b]) else { continue }
                        for sp in 0..<d {
                            guard let lpr = lb.range(qr + deltaRight[b] - q[sp]) else { continue }
                            gemm(tally, .transpose, .none, m: rpr.count, n: rr.count, k: lpr.count,
                                 ap.baseAddress! + lpr.lowerBound + cl * sp + cl * d * rpr.lowerBound, cl * d,
                                 yp.baseAddress! + lpr.lowerBound + cl * sp + cl * d * b + cl * d * wr * rr.lowerBound,
                                 cl * d * wr, beta: 1,
                                 op.baseAddress! + rpr.lowerBound + cr * b + cr * wr * rr.lowerBound, cr * wr)
                        }
                    } }
                }
            }
        }
        return Environment(chi: cr, w: wr, elements: out)
    }

    /// Σ_{r′} T[l, s′, r′] W[b,c,s′,s] R[r′,c,r] → Y[l, b, s, r] for T[l, s, r] (bases lb, rb): the first
    /// two steps of a right-environment extension (and of the right noise term).
    static func halfRight(_ env: Environment, tally: FlopTally, _ t: UnsafePointer<Double>, lb: SectorBasis, rb: SectorBasis,
                          q: [QuantumNumber], w: SparseMPOTensor, deltaLeft: [QuantumNumber],
                          deltaRight: [QuantumNumber]) -> [Double] {
        let cl = lb.dimension, cr = rb.dimension, d = w.d, wl = w.wl, wr = w.wr
        var x = [Double](unsafeUninitializedCapacity: cl * d * wr * cr) { _, n in n = cl * d * wr * cr }
        var y = [Double](unsafeUninitializedCapacity: cl * wl * d * cr) { _, n in n = cl * wl * d * cr }
        // Zero exactly the Y blocks step 2 accumulates into: (b, s, l) → r = l + q(s) − Δ(b).
        y.withUnsafeMutableBufferPointer { yp in
            for b in 0..<wl { for s in 0..<d { for (ql, lr) in lb.sectors {
                guard let rr = rb.range(ql + q[s] - deltaLeft[b]) else { continue }
                for r in rr { let base = yp.baseAddress! + cl * b + cl * wl * s + cl * wl * d * r; for l in lr { base[l] = 0 } }
            } } }
        }
        env.elements.withUnsafeBufferPointer { ep in
            x.withUnsafeMutableBufferPointer { xp in
                // Step 1: X[l, s′, c, r] = T[l, s′, r′] R[r′, c, r]: r′ = l + q(s′), r = r′ − Δ(c).
                for sp in 0..<d { for (ql, lr) in lb.sectors {
                    guard let rpr = rb.range(ql + q[sp]) else { continue }
                    for c in 0..<wr {
                        guard let rr = rb.range(ql + q[sp] - deltaRight[c]) else { continue }
                        gemm(tally, .none, .none, m: lr.count, n: rr.count, k: rpr.count,
                             t + lr.lowerBound + cl * sp + cl * d * rpr.lowerBound, cl * d,
                             ep.baseAddress! + rpr.lowerBound + cr * c + cr * wr * rr.lowerBound, cr * wr, beta: 0,
                             xp.baseAddress! + lr.lowerBound + cl * sp + cl * d * c + cl * d * wr * rr.lowerBound,
                             cl * d * wr)
                    }
                } }
                // Step 2: Y[l, b, s, r] += W[b,c,s′,s] X[l, s′, c, r].
                y.withUnsafeMutableBufferPointer { yp in
                    for e in w.entries { for (ql, lr) in lb.sectors {
                        guard rb.range(ql + q[e.sp]) != nil,
                              let rr = rb.range(ql + q[e.sp] - deltaRight[e.b]) else { continue }
                        let xs = xp.baseAddress! + cl * e.sp + cl * d * e.b
                        let ys = yp.baseAddress! + cl * e.a + cl * wl * e.s
                        for r in rr {
                            let xr = xs + cl * d * wr * r, yr = ys + cl * wl * d * r
                            for l in lr { yr[l] += e.value * xr[l] }
                        }
                    } }
                }
            }
        }
        return y
    }

    /// Right environment one site further left: R′[l′, b, l] = Σ B[l,s,r] W[b,c,s′,s] R[r′,c,r] B[l′,s′,r′].
    static func extendRight(_ env: Environment, tally: FlopTally, site bt: Tensor<Double>, lb: SectorBasis, rb: SectorBasis,
                            q: [QuantumNumber], w: SparseMPOTensor, deltaLeft: [QuantumNumber],
                            deltaRight: [QuantumNumber]) -> Environment {
        let cl = lb.dimension, d = w.d, wl = w.wl
        var out = [Double](repeating: 0, count: cl * wl * cl)
        bt.elements.withUnsafeBufferPointer { bp in
            let y = halfRight(env, tally: tally, bp.baseAddress!, lb: lb, rb: rb, q: q, w: w, deltaLeft: deltaLeft,
                              deltaRight: deltaRight)
            y.withUnsafeBufferPointer { yp in
                out.withUnsafeMutableBufferPointer { op in
                    // R′[l′, b, l] += Y[l′, b, s, r] B[l, s, r]ᵀ: r = l + q(s), l′ = l + Δ(b).
                    for b in 0..<wl { for (ql, lr) in lb.sectors {
                        guard let lpr = lb.range(ql + deltaLeft[b]) else { continue }
                        for s in 0..<d {
                            guard let rr = rb.range(ql + q[s]) else { continue }
                            gemm(tally, .none, .transpose, m: lpr.count, n: lr.count, k: rr.count,
                                 yp.baseAddress! + lpr.lowerBound + cl * b + cl * wl * s + cl * wl * d * rr.lowerBound,
                                 cl * wl * d,
                                 bp.baseAddress! + lr.lowerBound + cl * s + cl * d * rr.lowerBound, cl * d, beta: 1,
                                 op.baseAddress! + lpr.lowerBound + cl * b + cl * wl * lr.lowerBound, cl * wl)
                        }
                    } }
                }
            }
        }
        return Environment(chi: cl, w: wl, elements: out)
    }
}
