import LowRankKernels

/// TT rounding of an MPO that keeps every channel's charge definite (McCulloch, J. Stat. Mech. (2007)
/// P10014 §4; Hubig, McCulloch & Schollwöck, PRB 95, 035129 (2017) on symmetric MPO compression).
///
/// With site charges q and channel charges Δ, W[a, b, s′, s] ≠ 0 only when Δ(a) + q(s′) − q(s) = Δ(b), so
/// both unfoldings of a site tensor are block-diagonal once channels are grouped by charge. Rounding then
/// runs block by block: right-to-left LQ per charge of the left channels, then left-to-right SVD per charge
/// of the right channels, with one truncation threshold across the blocks of a bond (δ = ε‖H‖/√(L−1), as in
/// Oseledets 2011). Each new channel is a singular vector of one block, so it carries that block's charge and
/// the symmetric DMRG engines accept the result. Tensors are scaled by 1/√d per site, as in
/// ``MPO/compressed(relativeError:)``, so identity strings keep unit weight.
struct ChargePreservingRounding {
    var w: [[Double]]                 // [wl, wr, d, d] per site
    var wl: [Int], wr: [Int]
    var delta: [[QuantumNumber]]      // per bond 0 … L
    let d: [Int]
    let q: [[QuantumNumber]]

    init(_ mpo: MPO, siteCharges q: [[QuantumNumber]]) throws {
        delta = try mpo.channelCharges(q)
        d = mpo.physicalDimensions
        self.q = q
        w = zip(mpo.tensors, d).map { t, dk in t.elements.map { $0 / Double(dk).squareRoot() } }
        wl = mpo.tensors.map { $0.shape[0] }
        wr = mpo.tensors.map { $0.shape[1] }
    }

    /// Channels of bond k grouped by charge, in charge order.
    private func classes(bond k: Int, count: Int) -> [(QuantumNumber, [Int])] {
        Dictionary(grouping: 0..<count, by: { delta[k][$0] }).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Right-to-left: site k's right unfolding [a, (b s′ s)] → L·Q per charge; Q stays, L moves to site k−1.
    mutating func orthogonalizeRightToLeft() throws {
        for k in stride(from: w.count - 1, to: 0, by: -1) {
            let dk = d[k]
            var newRows: [(charge: QuantumNumber, q: Matrix<Double>, r: Matrix<Double>, channels: [Int], cols: [Int])] = []
            for (charge, chans) in classes(bond: k, count: wl[k]) {
                var cols: [Int] = []                      // packed (b, s′, s) as b + wr (s′ + d s)
                for s in 0..<dk { for sp in 0..<dk { for b in 0..<wr[k]
                where delta[k + 1][b] - q[k][sp] + q[k][s] == charge { cols.append(b + wr[k] * (sp + dk * s)) } } }
                if cols.isEmpty { continue }
                var bt = Matrix<Double>(rows: cols.count, columns: chans.count)     // Bᵀ
                for (i, a) in chans.enumerated() { for (j, c) in cols.enumerated() { bt[j, i] = w[k][a + wl[k] * c] } }
                let f = try bt.qr()                        // Bᵀ = Q R, B = Rᵀ Qᵀ
                newRows.append((charge, f.q, f.r, chans, cols))
            }
            let nl = newRows.reduce(0) { $0 + $1.q.columns }
            var site = [Double](repeating: 0, count: nl * wr[k] * dk * dk)
            let dp = d[k - 1], w0 = wl[k - 1]
            // W_{k−1} as [(a0 s′ s), a]; new right channels a′ = Σ_i a_i R[a′, i] by one GEMM per charge.
            let pm = try Matrix(rows: w0 * dp * dp, columns: wr[k - 1],
                                elements: ColumnMajorLayout.permuted(w[k - 1], shape: [w0, wr[k - 1], dp, dp], axes: [0, 2, 3, 1]))
            var prevT = [Double](repeating: 0, count: w0 * dp * dp * nl)     // [(a0 s′ s), a′]
            var charges: [QuantumNumber] = []
            var offset = 0
            for blk in newRows {
                let r = blk.q.columns
                for t in 0..<r {
                    for (j, c) in blk.cols.enumerated() { site[(offset + t) + nl * c] = blk.q[j, t] }
                    charges.append(blk.charge)
                }
                var sub = Matrix<Double>(rows: pm.rows, columns: blk.channels.count)
                for (i, a) in blk.channels.enumerated() { for row in 0..<pm.rows { sub[row, i] = pm[row, a] } }
                let prod = try Matrix.product(sub, .none, blk.r, .transpose)        // (a0 s′ s) × r
                prevT.replaceSubrange((pm.rows * offset)..<(pm.rows * (offset + r)), with: prod.elements)
                offset += r
            }
            let prev = ColumnMajorLayout.permuted(prevT, shape: [w0, dp, dp, nl], axes: [0, 3, 1, 2])
            w[k] = site; w[k - 1] = prev
            wl[k] = nl; wr[k - 1] = nl
            delta[k] = charges
        }
    }

    /// Left-to-right truncated SVD per charge of the right channels with threshold δ on each bond's discarded
    /// tail (all blocks together); U stays, S Vᵀ moves to site k+1.
    mutating func truncateLeftToRight(threshold bound: Double) throws {
        for k in 0..<(w.count - 1) {
            let dk = d[k]
            var blocks: [(charge: QuantumNumber, svd: SVDResult<Double>, channels: [Int], rows: [Int])] = []
            var all: [(s: Double, block: Int)] = []
            for (charge, chans) in classes(bond: k + 1, count: wr[k]) {
                var rows: [Int] = []                      // packed (a, s′, s) as a + wl (s′ + d s)
                for s in 0..<dk { for sp in 0..<dk { for a in 0..<wl[k]
                where delta[k][a] + q[k][sp] - q[k][s] == charge { rows.append(a + wl[k] * (sp + dk * s)) } } }
                if rows.isEmpty { continue }
                var m = Matrix<Double>(rows: rows.count, columns: chans.count)
                for (j, b) in chans.enumerated() {
                    for (i, r) in rows.enumerated() {
                        let a = r % wl[k], rest = r / wl[k]
                        m[i, j] = w[k][a + wl[k] * (b + wr[k] * rest)]
                    }
                }
                let f = try m.svd()
                for s in f.singularValues { all.append((s, blocks.count)) }
                blocks.append((charge, f, chans, rows))
            }
            // Drop the smallest singular values while the discarded tail stays ≤ δ (keep at least one): the TT
            // rounding rank rule, over all blocks of the bond.
            all.sort { $0.s > $1.s }
            let keepCount = all.isEmpty ? 0 : TensorTrain<Double>.rank(for: all.map(\.s), threshold: bound)
            var kept = [Int](repeating: 0, count: blocks.count)
            for j in 0..<keepCount { kept[all[j].block] += 1 }
            let nr = kept.reduce(0, +)
            var site = [Double](repeating: 0, count: wl[k] * nr * dk * dk)
            let dn = d[k + 1], rest = wr[k + 1] * dn * dn
            // W_{k+1} as [b, (c s′ s)]; new left channels b′ = σ Vᵀ rows, one GEMM per charge.
            let nm = try Matrix(rows: wl[k + 1], columns: rest, elements: w[k + 1])
            var next = [Double](repeating: 0, count: nr * rest)
            var charges: [QuantumNumber] = []
            var offset = 0
            for (bi, blk) in blocks.enumerated() where kept[bi] > 0 {
                let kb = kept[bi]
                for t in 0..<kb {
                    for (i, r) in blk.rows.enumerated() {
                        let a = r % wl[k], restIndex = r / wl[k]
                        site[a + wl[k] * ((offset + t) + nr * restIndex)] = blk.svd.u[i, t]
                    }
                    charges.append(blk.charge)
                }
                var sv = blk.svd.vt.rows(0..<kb)
                sv.scaleRows(by: Array(blk.svd.singularValues.prefix(kb)))
                var sub = Matrix<Double>(rows: blk.channels.count, columns: rest)
                for col in 0..<rest { for (j, b) in blk.channels.enumerated() { sub[j, col] = nm[b, col] } }
                let prod = try Matrix.product(sv, .none, sub, .none)                 // kb × rest
                for col in 0..<rest { for t in 0..<kb { next[(offset + t) + nr * col] = prod[t, col] } }
                offset += kb
            }
            w[k] = site; w[k + 1] = next
            wr[k] = nr; wl[k + 1] = nr
            delta[k + 1] = charges
        }
    }

    /// The rounded MPO (scale undone).
    func mpo(siteQuantumNumbers: [[QuantumNumber]]?) -> MPO {
        var m = MPO(unchecked: (0..<w.count).map { k in
            Tensor(uncheckedShape: [wl[k], wr[k], d[k], d[k]], elements: w[k].map { $0 * Double(d[k]).squareRoot() })
        })
        m.siteQuantumNumbers = siteQuantumNumbers
        return m
    }

    /// The Frobenius norm of the scaled operator after right-to-left orthogonalization (all weight on site 0).
    var leadingNorm: Double { w[0].reduce(0) { $0 + $1 * $1 }.squareRoot() }
}
