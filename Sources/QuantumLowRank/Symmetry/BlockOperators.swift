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
    /// Where the groups live (an empty arena until a fill places them); the operator keeps its arena alive.
    private(set) var arena = OperatorArena(capacity: 0)
    /// The groups' first double in ``arena``.
    private(set) var arenaOffset = 0
    /// Doubles the groups occupy.
    let requiredCount: Int

    /// The groups' storage (``requiredCount`` doubles from here; group offsets are relative to it).
    var storage: UnsafeMutablePointer<Double> { arena.base + arenaOffset }

    /// Sector-pair key.
    struct LabelPair: Hashable { let bra: QuantumNumber, ket: QuantumNumber }

    /// The (bra, ket, channel) triples an enlarged block has: from the environment's groups and the MPO entries
    /// indexed by the environment-side channel (`entries[a]`), with `middle(e)` the entry's channel on the bond
    /// between the centre sites (e.b on the left, e.a on the right).
    static func candidates(_ env: RenormalizedOperators, _ entries: [[SparseMPOTensor.Entry]], _ eb: EnlargedBasis,
                           middle: (SparseMPOTensor.Entry) -> Int) -> [LabelPair: Set<Int>] {
        let d = eb.d, n = eb.labels.count
        let width = (entries.lazy.flatMap { $0 }.map(middle).max() ?? -1) + 1
        let words = Swift.max(1, (width + 63) / 64)
        // Each sector pair met gets a compact key (looked up once per environment group and physical pair, not per
        // entry) and a bitmap of its channels.
        var compact: [Int: Int] = [:]
        var pairs: [Int] = []
        var bits: [UInt64] = []
        for g in env.groups {
            var keyOfSlot = [Int](repeating: -1, count: d * d)
            for a in g.channels {
                for e in entries[a] {
                    let slot = e.sp + d * e.s
                    var key = keyOfSlot[slot]
                    if key < 0 {
                        let pair = eb.partSector[g.bra * d + e.sp] * n + eb.partSector[g.ket * d + e.s]
                        if let known = compact[pair] {
                            key = known
                        } else {
                            key = pairs.count
                            compact[pair] = key
                            pairs.append(pair)
                            bits.append(contentsOf: repeatElement(0, count: words))
                        }
                        keyOfSlot[slot] = key
                    }
                    let channel = middle(e)
                    bits[key * words + channel >> 6] |= 1 << UInt64(channel & 63)
                }
            }
        }
        var out: [LabelPair: Set<Int>] = [:]
        for (key, pair) in pairs.enumerated() {
            var channels = Set<Int>()
            for word in 0..<words {
                var w = bits[key * words + word]
                while w != 0 {
                    channels.insert(word * 64 + w.trailingZeroBitCount)
                    w &= w - 1
                }
            }
            out[LabelPair(bra: eb.labels[pair / n], ket: eb.labels[pair % n])] = channels
        }
        return out
    }

    /// ``candidates(_:_:_:middle:)`` of a left block (entries by left channel, middle channel b).
    static func leftCandidates(_ env: RenormalizedOperators, _ byLeft: [[SparseMPOTensor.Entry]], _ eb: EnlargedBasis)
        -> [LabelPair: Set<Int>] { candidates(env, byLeft, eb) { $0.b } }

    /// ``candidates(_:_:_:middle:)`` of a right block (entries by right channel, middle channel a).
    static func rightCandidates(_ env: RenormalizedOperators, _ byRight: [[SparseMPOTensor.Entry]], _ eb: EnlargedBasis)
        -> [LabelPair: Set<Int>] { candidates(env, byRight, eb) { $0.a } }

    /// The group layout of an enlarged block for the given channel sets (each sorted), without storage: the caller
    /// places its ``requiredCount`` doubles in an ``OperatorArena`` by ``fillLeft(from:_:in:at:workers:)`` or
    /// ``fillRight(from:_:in:at:workers:)`` (one arena holds both sides of an update).
    init(basis eb: EnlargedBasis, vertical: Bool, channels: [LabelPair: Set<Int>]) {
        basis = eb
        self.vertical = vertical
        let n = eb.labels.count
        var total = 0
        for (key, set) in channels.sorted(by: { ($0.key.ket, $0.key.bra) < ($1.key.ket, $1.key.bra) }) {
            guard let b = eb.index(key.bra), let k = eb.index(key.ket) else { continue }
            let size = eb.dims[b] * eb.dims[k] * set.count
            if size == 0 { continue }
            lookup[b * n + k] = groups.count
            groups.append(Group(bra: b, ket: k, channels: set.sorted(), offset: total,
                                nonzero: Array(repeating: false, count: set.count)))
            total += size
        }
        requiredCount = total
    }

    /// Fills Lw_b, stacked vertically, into `arena` from double `offset` on (a new arena when it cannot hold
    /// ``requiredCount`` doubles there) with `workers` workers.
    mutating func fillLeft(from env: RenormalizedOperators, _ byLeft: [[SparseMPOTensor.Entry]], in arena: OperatorArena,
                           at offset: Int = 0, workers: Int = 1) {
        assert(vertical, "Lw is stacked vertically")
        place(in: arena, at: offset)
        let eb = basis
        fill(from: env, byLeft, middle: { $0.b }, workers: workers) { dst, bra, _, k, c in
            // Lw_b[(l′ s′), (l s)] += v L_a[l′, l], block p at rows p n′, leading dimension k n′.
            let np = eb.dims[bra]
            BlockStack.axpy(c.value, c.block, lds: c.rows, dst + c.position * np + c.braPart + k * np * c.ketPart, ldd: k * np,
                            r: c.rows, c: c.cols)
        }
    }

    /// Fills the enlarged right block, as stacked transposes Rw_bᵀ, into `arena` from double `offset` on (a new
    /// arena when it cannot hold ``requiredCount`` doubles there).
    mutating func fillRight(from env: RenormalizedOperators, _ byRight: [[SparseMPOTensor.Entry]], in arena: OperatorArena,
                            at offset: Int = 0, workers: Int = 1) {
        assert(!vertical, "Rwᵀ is stacked horizontally")
        place(in: arena, at: offset)
        let eb = basis
        fill(from: env, byRight, middle: { $0.a }, workers: workers) { dst, _, ket, k, c in
            // Rw_bᵀ[(s r), (s′ r′)] += v R_c[r′, r]ᵀ, block p at rows p m, leading dimension k m.
            let m = eb.dims[ket]
            BlockStack.axpyTransposed(c.value, c.block, lds: c.rows, dst + c.position * m + c.ketPart + k * m * c.braPart,
                                      ldd: k * m, r: c.rows, c: c.cols)
        }
    }

    /// Places the groups in `arena` at `offset`, or at the front of a new arena when they do not fit there.
    private mutating func place(in arena: OperatorArena, at offset: Int) {
        if offset >= 0, offset + requiredCount <= arena.capacity {
            self.arena = arena
            arenaOffset = offset
        } else {
            self.arena = OperatorArena(capacity: requiredCount)
            arenaOffset = 0
        }
    }

    /// One environment block's contribution to a group: v · E_a (rows × cols at `block`) into channel `position`
    /// of the group, at rows `braPart` and columns `ketPart` of its enlarged sectors.
    struct Contribution {
        let position: Int, rows: Int, cols: Int, braPart: Int, ketPart: Int
        let block: UnsafePointer<Double>
        let value: Double
    }

    /// Walks the environment's blocks and the MPO entries that act on them (scalars only: once per environment
    /// block and MPO entry), sorts the contributions by destination group in walk order, then lets `workers`
    /// workers each zero its groups and hand their contributions to `add` (group base pointer, bra and ket sectors,
    /// channel count, contribution). Every group sums its contributions in the same order whatever the worker count.
    private mutating func fill(from env: RenormalizedOperators, _ entries: [[SparseMPOTensor.Entry]],
                               middle: (SparseMPOTensor.Entry) -> Int, workers: Int,
                               add: (_ dst: UnsafeMutablePointer<Double>, _ bra: Int, _ ket: Int, _ channels: Int,
                                     _ contribution: Contribution) -> Void) {
        let eb = basis, d = eb.d
        var groups = self.groups
        let sizes = groups.map { eb.dims[$0.bra] * eb.dims[$0.ket] * $0.channels.count }
        env.storage.withUnsafeBufferPointer { src in
            var perGroup = [[Contribution]](repeating: [], count: groups.count)
            var costs = sizes.map(Double.init)
            for g in env.groups {
                let rows = env.basis.sectors[g.bra].range.count, cols = env.basis.sectors[g.ket].range.count
                // The destination group of each physical pair (s′, s), looked up once per environment group.
                var groupOfSlot = [Int](repeating: -2, count: d * d)
                for (ja, a) in g.channels.enumerated() {
                    let block = src.baseAddress! + g.offset + ja * rows * cols
                    for e in entries[a] {
                        let slot = e.sp + d * e.s
                        if groupOfSlot[slot] == -2 {
                            let bra = eb.partSector[g.bra * d + e.sp], ket = eb.partSector[g.ket * d + e.s]
                            groupOfSlot[slot] = lookup[bra * eb.labels.count + ket] ?? -1
                        }
                        let gi = groupOfSlot[slot]
                        assert(gi >= 0, "sector pair missing from the layout: candidates and fill disagree")
                        guard gi >= 0 else { continue }
                        let p = Self.position(of: middle(e), in: groups[gi].channels)
                        assert(p < groups[gi].channels.count && groups[gi].channels[p] == middle(e),
                               "channel missing from its group: candidates and fill disagree")
                        groups[gi].nonzero[p] = true
                        perGroup[gi].append(Contribution(position: p, rows: rows, cols: cols,
                                                         braPart: eb.partOffset[g.bra * d + e.sp],
                                                         ketPart: eb.partOffset[g.ket * d + e.s], block: block, value: e.value))
                        costs[gi] += Double(rows * cols)
                    }
                }
            }
            let runs = Workers.balancedRanges(costs, count: workers)
            let targets = groups
            let base = storage
            withExtendedLifetime(arena) {
                Workers.run(runs.count) { worker in
                    for gi in runs[worker] {
                        let g = targets[gi], dst = base + g.offset
                        dst.update(repeating: 0, count: sizes[gi])
                        for c in perGroup[gi] { add(dst, g.bra, g.ket, g.channels.count, c) }
                    }
                }
            }
        }
        self.groups = groups
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
    /// order. The sector pairs are split over `workers` workers (each group's GEMMs are the same whatever the count);
    /// `buffer` may hand over storage to reuse, `scratch` holds the workers' intermediate products. GEMMs are
    /// counted in `tally`.
    func renormalized(_ isometry: BlockIsometry, newBasis: SectorBasis, tally: FlopTally, workers: Int = 1,
                      reusing buffer: inout [Double], scratch: WorkerScratch) -> RenormalizedOperators {
        let kept = isometry.kept, bondSector = isometry.bondSector
        // Pass 1: the output layout, each group's selected channels, work sizes and flops.
        struct Task { let group: Group; let selected: [Int]; let offset: Int; let work: Int; let work2: Int }
        var tasks: [Task] = [], out: [RenormalizedOperators.Group] = [], costs: [Double] = []
        var total = 0, flops = 0.0
        for g in groups {
            guard isometry.blocks[g.bra] != nil, isometry.blocks[g.ket] != nil else { continue }
            let sel = g.channels.indices.filter { g.nonzero[$0] }
            if sel.isEmpty { continue }
            let k = Double(g.channels.count), nb = Double(basis.dims[g.bra]), nk = Double(basis.dims[g.ket])
            let kb = Double(kept[g.bra]), kk = Double(kept[g.ket]), ks = Double(sel.count)
            let cost = vertical ? 2 * k * nb * kk * nk + 2 * kb * ks * kk * nb : 2 * k * nk * kb * nb + 2 * ks * kb * kk * nk
            let work = vertical ? g.channels.count * basis.dims[g.bra] * kept[g.ket] : g.channels.count * basis.dims[g.ket] * kept[g.bra]
            tasks.append(Task(group: g, selected: sel, offset: total, work: work,
                              work2: vertical ? basis.dims[g.bra] * sel.count * kept[g.ket] : 0))
            out.append(RenormalizedOperators.Group(bra: bondSector[g.bra], ket: bondSector[g.ket],
                                                   channels: sel.map { g.channels[$0] }, offset: total))
            costs.append(cost)
            flops += cost
            total += kept[g.bra] * kept[g.ket] * sel.count
        }
        tally.add(flops)
        let runs = Workers.balancedRanges(costs, count: workers)
        // Every GEMM below writes its output block with β = 0, so neither the result nor the scratch is zeroed.
        var scratchPointers: [(UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)] = []
        for (worker, run) in runs.enumerated() {
            let first = tasks[run].map(\.work).max() ?? 1, second = tasks[run].map(\.work2).max() ?? 1
            scratchPointers.append((scratch.reserve(worker: worker, slot: 3, count: Swift.max(first, 1)),
                                    scratch.reserve(worker: worker, slot: 4, count: Swift.max(second, 1))))
        }
        // A handed-over buffer much longer than needed (the other side's environment at this bond) would stay that
        // long for the rest of the sweep; it is reused only when it wastes at most 1/8.
        var data = buffer.count >= total && buffer.count - total <= total / 8 ? buffer : LargeBuffer.uninitialized(count: total)
        buffer = []
        let dims = basis.dims, vertical = self.vertical
        let source = storage
        withExtendedLifetime(arena) {
            data.withUnsafeMutableBufferPointer { dp in
                let target = dp.baseAddress!
                Workers.run(runs.count) { worker in
                    let (work, work2) = scratchPointers[worker]
                    for task in tasks[runs[worker]] {
                        let g = task.group, sel = task.selected
                        let k = g.channels.count, nb = dims[g.bra], nk = dims[g.ket]
                        let kb = kept[g.bra], kk = kept[g.ket], ks = sel.count
                        let pb = isometry.blocks[g.bra]!, pk = isometry.blocks[g.ket]!
                        if vertical {
                            // T = Op (k nb × nk) · P_ket → (k nb × kk); horizontal selected blocks (nb × ks kk); Pᵀ_bra · that.
                            BufferBLAS.gemm(.none, .none, m: k * nb, n: kk, k: nk, a: source + g.offset, lda: k * nb,
                                            b: pk, ldb: nk, c: work, ldc: k * nb)
                            for (js, j) in sel.enumerated() {
                                for col in 0..<kk {
                                    (work2 + nb * (js * kk + col)).update(from: work + j * nb + k * nb * col, count: nb)
                                }
                            }
                            BufferBLAS.gemm(.transpose, .none, m: kb, n: ks * kk, k: nb, a: pb, lda: nb, b: work2, ldb: nb,
                                            c: target + task.offset, ldc: kb)
                        } else {
                            // Y = Rwᵀ (k nk × nb) · P_bra → (k nk × kb); E′_j = Y_jᵀ P_ket (kb × kk) per selected channel.
                            BufferBLAS.gemm(.none, .none, m: k * nk, n: kb, k: nb, a: source + g.offset, lda: k * nk,
                                            b: pb, ldb: nb, c: work, ldc: k * nk)
                            for (js, j) in sel.enumerated() {
                                BufferBLAS.gemm(.transpose, .none, m: kb, n: kk, k: nk, a: work + j * nk, lda: k * nk,
                                                b: pk, ldb: nk, c: target + task.offset + js * kb * kk, ldc: kb)
                            }
                        }
                    }
                }
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
