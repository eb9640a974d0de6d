import LowRankKernels

/// The renormalized operators of a block at one bond (the environment of DMRG in block-sparse form): for
/// every MPO channel a the matrix E_a[bra, ket] on the bond basis, nonzero only where q_bra = q_ket + Δ(a).
///
/// Stored by sector pair: a group (bra sector, ket sector) holds the channels with a block there, stacked
/// horizontally (rows × k·cols, channel j's block contiguous), so the environment costs memory only for its
/// nonzero blocks, not χ²·w.
struct RenormalizedOperators: Sendable {
    struct Group: Sendable {
        let bra: Int, ket: Int
        let channels: [Int]
        let offset: Int
    }
    let basis: SectorBasis
    let groups: [Group]
    let storage: [Double]

    /// The 1 × 1 block with value 1 on channel 0: the environment beyond either end of the chain.
    static func boundary(_ q: QuantumNumber) -> RenormalizedOperators {
        RenormalizedOperators(basis: SectorBasis(single: q), groups: [Group(bra: 0, ket: 0, channels: [0], offset: 0)],
                              storage: [1])
    }
}

/// The operators of an enlarged block for every channel of the bond between the two centre sites:
/// Lw_b[(l′ s′), (l s)] = Σ_a L_a[l′, l] W[a, b, s′, s] on the left, Rw_b[(s′ r′), (s r)] = Σ_c W[b, c, s′, s]
/// R_c[r′, r] on the right. Grouped by (bra sector, ket sector) of the ``EnlargedBasis``, with a group's channel
/// blocks stacked vertically: Lw_b itself on the left ((k·n′) × n), the transpose Rw_bᵀ on the right
/// ((k·m) × m′). Then Σ_b Lw_b X Rw_bᵀ is one GEMM per side and group with both constant operands untransposed
/// (the channel batching that removes per-call overhead for the O(n²)-channel chemistry MPO; storing Rwᵀ
/// avoids OpenBLAS's transposing pack of the largest operand on every product).
struct EnlargedOperators {
    struct Group {
        let bra: Int, ket: Int
        let channels: [Int]
        let offset: Int
        /// Whether channel j received any nonzero contribution (zero blocks come from merging channel lists
        /// with the other side).
        var nonzero: [Bool]
    }
    let basis: EnlargedBasis
    let vertical: Bool
    private(set) var groups: [Group] = []
    private(set) var lookup: [Int: Int] = [:]
    private(set) var storage: [Double] = []

    /// Sector-pair key.
    struct LabelPair: Hashable { let bra: QuantumNumber, ket: QuantumNumber }

    /// The (bra, ket, channel) triples an enlarged block has: from the environment's groups and the MPO entries
    /// indexed by the environment-side channel (`entries[a]`), with `middle(e)` the entry's channel on the bond
    /// between the centre sites (e.b on the left, e.a on the right).
    static func candidates(_ env: RenormalizedOperators, _ entries: [[SparseMPOTensor.Entry]], _ eb: EnlargedBasis,
                           middle: (SparseMPOTensor.Entry) -> Int) -> [LabelPair: Set<Int>] {
        var out: [LabelPair: Set<Int>] = [:]
        let d = eb.d
        for g in env.groups { for a in g.channels { for e in entries[a] {
            let key = LabelPair(bra: eb.labels[eb.partSector[g.bra * d + e.sp]], ket: eb.labels[eb.partSector[g.ket * d + e.s]])
            out[key, default: []].insert(middle(e))
        } } }
        return out
    }

    /// ``candidates(_:_:_:middle:)`` of a left block (entries by left channel, middle channel b).
    static func leftCandidates(_ env: RenormalizedOperators, _ byLeft: [[SparseMPOTensor.Entry]], _ eb: EnlargedBasis)
        -> [LabelPair: Set<Int>] { candidates(env, byLeft, eb) { $0.b } }

    /// ``candidates(_:_:_:middle:)`` of a right block (entries by right channel, middle channel a).
    static func rightCandidates(_ env: RenormalizedOperators, _ byRight: [[SparseMPOTensor.Entry]], _ eb: EnlargedBasis)
        -> [LabelPair: Set<Int>] { candidates(env, byRight, eb) { $0.a } }

    /// Allocates zeroed groups for the given channel sets (each sorted) and fills Lw_b, stacked vertically.
    init(left env: RenormalizedOperators, _ byLeft: [[SparseMPOTensor.Entry]], basis eb: EnlargedBasis,
         channels: [LabelPair: Set<Int>], reusing buffer: inout [Double]) {
        basis = eb
        vertical = true
        allocate(channels, reusing: &buffer)
        fill(from: env, byLeft, middle: { $0.b }) { dst, bra, _, k, p, rows, cols, braPart, ketPart, block, value in
            // Lw_b[(l′ s′), (l s)] += v L_a[l′, l], block p at rows p n′, leading dimension k n′.
            let np = eb.dims[bra]
            BlockStack.axpy(value, block, lds: rows, dst + p * np + braPart + k * np * ketPart, ldd: k * np, r: rows, c: cols)
        }
    }

    /// The enlarged right block, as stacked transposes Rw_bᵀ.
    init(right env: RenormalizedOperators, _ byRight: [[SparseMPOTensor.Entry]], basis eb: EnlargedBasis,
         channels: [LabelPair: Set<Int>], reusing buffer: inout [Double]) {
        basis = eb
        vertical = false
        allocate(channels, reusing: &buffer)
        fill(from: env, byRight, middle: { $0.a }) { dst, _, ket, k, p, rows, cols, braPart, ketPart, block, value in
            // Rw_bᵀ[(s r), (s′ r′)] += v R_c[r′, r]ᵀ, block p at rows p m, leading dimension k m.
            let m = eb.dims[ket]
            BlockStack.axpyTransposed(value, block, lds: rows, dst + p * m + ketPart + k * m * braPart, ldd: k * m,
                                      r: rows, c: cols)
        }
    }

    /// Walks the environment's blocks and the MPO entries that act on them, and hands each contribution to
    /// `add` with its group's base pointer, bra and ket sectors and channel count, the channel's position in the
    /// group, the block and the row offsets of the bra and ket parts in their enlarged sectors (scalars only: this
    /// runs once per environment block and MPO entry).
    private mutating func fill(from env: RenormalizedOperators, _ entries: [[SparseMPOTensor.Entry]],
                               middle: (SparseMPOTensor.Entry) -> Int,
                               add: (_ dst: UnsafeMutablePointer<Double>, _ bra: Int, _ ket: Int, _ channels: Int,
                                     _ position: Int, _ rows: Int, _ cols: Int, _ braPart: Int, _ ketPart: Int,
                                     _ block: UnsafePointer<Double>, _ value: Double) -> Void) {
        let eb = basis, d = eb.d
        var groups = self.groups
        storage.withUnsafeMutableBufferPointer { st in
            env.storage.withUnsafeBufferPointer { src in
                for g in env.groups {
                    let rows = env.basis.sectors[g.bra].range.count, cols = env.basis.sectors[g.ket].range.count
                    for (ja, a) in g.channels.enumerated() {
                        let block = src.baseAddress! + g.offset + ja * rows * cols
                        for e in entries[a] {
                            let bra = eb.partSector[g.bra * d + e.sp], ket = eb.partSector[g.ket * d + e.s]
                            let gi = lookup[bra * eb.labels.count + ket]!
                            let p = Self.position(of: middle(e), in: groups[gi].channels)
                            assert(p < groups[gi].channels.count && groups[gi].channels[p] == middle(e),
                                   "channel missing from its group: candidates and fill disagree")
                            groups[gi].nonzero[p] = true
                            add(st.baseAddress! + groups[gi].offset, bra, ket, groups[gi].channels.count, p, rows, cols,
                                eb.partOffset[g.bra * d + e.sp], eb.partOffset[g.ket * d + e.s], block, e.value)
                        }
                    }
                }
            }
        }
        self.groups = groups
    }

    /// Lays out the groups and zeroes their storage, taking over `buffer`'s allocation (callers hand the
    /// storage of the previous update back, so large blocks are not re-faulted from the kernel every update).
    private mutating func allocate(_ channels: [LabelPair: Set<Int>], reusing buffer: inout [Double]) {
        let n = basis.labels.count
        var total = 0
        for (key, set) in channels.sorted(by: { ($0.key.ket, $0.key.bra) < ($1.key.ket, $1.key.bra) }) {
            guard let b = basis.index(key.bra), let k = basis.index(key.ket) else { continue }
            let size = basis.dims[b] * basis.dims[k] * set.count
            if size == 0 { continue }
            lookup[b * n + k] = groups.count
            groups.append(Group(bra: b, ket: k, channels: set.sorted(), offset: total,
                                nonzero: Array(repeating: false, count: set.count)))
            total += size
        }
        storage = buffer
        buffer = []
        storage.removeAll(keepingCapacity: true)
        storage.append(contentsOf: repeatElement(0, count: total))
    }

    /// Hands the storage back for reuse by the next update.
    mutating func releaseStorage() -> [Double] {
        let s = storage
        storage = []
        return s
    }

    @inline(__always)
    static func position(of c: Int, in sorted: [Int]) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi { let mid = (lo + hi) >> 1; if sorted[mid] < c { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    /// The group with sector indices (bra, ket), nil when structurally zero.
    @inline(__always)
    func group(bra: Int, ket: Int) -> Int? { lookup[bra * basis.labels.count + ket] }

    /// Renormalizes into the kept basis: E′_b = Pᵀ Op_b P with P the block-diagonal `isometry` (over this
    /// operator's enlarged sectors), over channels with a nonzero block. `newBasis` lists the kept sectors in label
    /// order. GEMMs are counted in `tally`.
    func renormalized(_ isometry: BlockIsometry, newBasis: SectorBasis, tally: FlopTally) -> RenormalizedOperators {
        let kept = isometry.kept, bondSector = isometry.bondSector
        var out: [RenormalizedOperators.Group] = []
        var data: [Double] = []
        // Scratch reused across groups (grown, never zeroed: every GEMM and copy below writes before it reads).
        var work: [Double] = [], work2: [Double] = []
        func reserve(_ a: inout [Double], _ n: Int) {
            if a.count < n { a = [Double](unsafeUninitializedCapacity: n) { _, c in c = n } }
        }
        storage.withUnsafeBufferPointer { st in
            for g in groups {
                guard let pb = isometry.blocks[g.bra], let pk = isometry.blocks[g.ket] else { continue }
                let sel = g.channels.indices.filter { g.nonzero[$0] }
                if sel.isEmpty { continue }
                let k = g.channels.count, nb = basis.dims[g.bra], nk = basis.dims[g.ket]
                let kb = kept[g.bra], kk = kept[g.ket], ks = sel.count
                let offset = data.count
                data.append(contentsOf: repeatElement(0, count: kb * kk * ks))
                if vertical {
                    // T = Op (k nb × nk) · P_ket → (k nb × kk); horizontal selected blocks (nb × ks kk); Pᵀ_bra · that.
                    reserve(&work, k * nb * kk)
                    reserve(&work2, nb * ks * kk)
                    pk.withUnsafeBufferPointer { pkp in
                        tally.gemm(.none, .none, m: k * nb, n: kk, k: nk, a: st.baseAddress! + g.offset, lda: k * nb,
                                        b: pkp.baseAddress!, ldb: nk, c: &work, ldc: k * nb)
                    }
                    work.withUnsafeBufferPointer { w in
                        work2.withUnsafeMutableBufferPointer { w2 in
                            for (js, j) in sel.enumerated() {
                                for col in 0..<kk {
                                    let src = w.baseAddress! + j * nb + k * nb * col, dst = w2.baseAddress! + nb * (js * kk + col)
                                    for i in 0..<nb { dst[i] = src[i] }
                                }
                            }
                        }
                    }
                    data.withUnsafeMutableBufferPointer { dp in
                        pb.withUnsafeBufferPointer { pbp in
                            tally.gemm(.transpose, .none, m: kb, n: ks * kk, k: nb, a: pbp.baseAddress!, lda: nb,
                                            b: work2, ldb: nb, c: dp.baseAddress! + offset, ldc: kb)
                        }
                    }
                } else {
                    // Y = Rwᵀ (k nk × nb) · P_bra → (k nk × kb); E′_j = Y_jᵀ P_ket (kb × kk) per selected channel.
                    reserve(&work, k * nk * kb)
                    pb.withUnsafeBufferPointer { pbp in
                        tally.gemm(.none, .none, m: k * nk, n: kb, k: nb, a: st.baseAddress! + g.offset, lda: k * nk,
                                        b: pbp.baseAddress!, ldb: nb, c: &work, ldc: k * nk)
                    }
                    work.withUnsafeBufferPointer { w in
                        pk.withUnsafeBufferPointer { pkp in
                            data.withUnsafeMutableBufferPointer { dp in
                                for (js, j) in sel.enumerated() {
                                    tally.gemm(.transpose, .none, m: kb, n: kk, k: nk, a: w.baseAddress! + j * nk,
                                                    lda: k * nk, b: pkp.baseAddress!, ldb: nk,
                                                    c: dp.baseAddress! + offset + js * kb * kk, ldc: kb)
                                }
                            }
                        }
                    }
                }
                out.append(RenormalizedOperators.Group(bra: bondSector[g.bra], ket: bondSector[g.ket],
                                                       channels: sel.map { g.channels[$0] }, offset: offset))
            }
        }
        return RenormalizedOperators(basis: newBasis, groups: out, storage: data)
    }
}

extension SparseMPOTensor {
    /// Entries grouped by left channel a.
    var byLeftChannel: [[Entry]] {
        var out = [[Entry]](repeating: [], count: wl)
        for e in entries { out[e.a].append(e) }
        return out
    }

    /// Entries grouped by right channel b.
    var byRightChannel: [[Entry]] {
        var out = [[Entry]](repeating: [], count: wr)
        for e in entries { out[e.b].append(e) }
        return out
    }
}
