import LowRankKernels

/// Two-site DMRG on charge-conserving MPS through the operators of the enlarged blocks, for MPOs with many
/// channels (the O(n²) ab initio Hamiltonian).
///
/// The two-site tensor is held as the block-diagonal matrix X[(l s₁), (s₂ r)] over the sectors of the bond
/// between the centre sites, and H_eff X = Σ_b Lw_b X Rw_bᵀ with Lw_b = Σ_a L_a ⊗ W₁[a, b] and
/// Rw_b = Σ_c W₂[b, c] ⊗ R_c formed once per update (``EnlargedOperators``). Channels that connect the same
/// pair of sectors are stacked, so each product is two GEMMs per sector pair whatever the number of channels
/// — the superblock form of White (1992) and of block2's fused two-site operators. The renormalized
/// operators of the next bond are Uᵀ Lw_b U (or Vᵀ Rw_b V), so environments cost no extra contraction, and
/// they are stored block-sparse (``RenormalizedOperators``): memory follows the nonzero blocks, not χ²·w. Memory is
/// held to one update's operators (both sides in one ``OperatorArena``) plus the environments the rest of the sweep
/// reads (a bond's stale environment is dropped once the centre passes it). The
/// local eigenproblem is solved by Davidson's method preconditioned with the diagonal of H_eff
/// (``DavidsonEigensolver``), as in Block and block2.
///
/// Site tensors are kept as isometries over enlarged sectors (left form: (l s) → r, right form: (s r) → l);
/// dense ``tensors`` are assembled on request. The split, global truncation across sectors and White's noise
/// are those of ``BlockSweepEngine``.
final class EnlargedBlockSweepEngine: SweepRunner {
    let L: Int
    let siteQ: [[QuantumNumber]]
    let byLeft: [[[SparseMPOTensor.Entry]]]
    let byRight: [[[SparseMPOTensor.Entry]]]
    let maxKrylovDimension: Int
    private(set) var bases: [SectorBasis]
    /// Per site: its tensor as an isometry over enlarged sectors (``SiteForm``).
    private var sites: [SiteForm]
    private var leftEnv: [RenormalizedOperators?]
    private var rightEnv: [RenormalizedOperators?]
    private(set) var spectra: [[Double]]
    /// Storage of the enlarged operators, handed from one update to the next.
    private var arena = OperatorArena(capacity: 0)
    /// Per-worker product buffers, kept across updates.
    private let productScratch = WorkerScratch()
    /// Workers of the H_eff products (BLAS single-threaded inside them).
    let threads: Int
    /// With more than one worker the engine owns the thread budget.
    var ownsThreads: Bool { threads > 1 }
    /// GEMM flops of everything the engine does (``DMRG/SweepRecord/gemmFlops``).
    private let tally = FlopTally()

    /// Starts from the product state with local basis states `configuration`, all sites in right form.
    convenience init(mpo: [Tensor<Double>], siteQuantumNumbers: [[QuantumNumber]], configuration: [Int],
                     maxKrylovDimension: Int, threads: Int = 1) {
        var b: [SectorBasis] = [SectorBasis(single: .zero)]
        var q = QuantumNumber.zero
        for k in 0..<mpo.count {
            q = q + siteQuantumNumbers[k][configuration[k]]
            b.append(SectorBasis(single: q))
        }
        // Site k maps (s, r) → l with the one entry at s = configuration[k].
        var f: [SiteForm] = []
        for k in 0..<mpo.count {
            let rightBlock = EnlargedBasis(bond: b[k + 1], siteCharges: siteQuantumNumbers[k], left: false)
            let sec = rightBlock.partSector[configuration[k]]
            var v = [Double](repeating: 0, count: rightBlock.dims[sec])
            v[rightBlock.partOffset[configuration[k]]] = 1
            f.append(SiteForm(orientation: .right, blocks: [v]))
        }
        self.init(mpo: mpo, siteQuantumNumbers: siteQuantumNumbers, bases: b, sites: f, maxKrylovDimension: maxKrylovDimension,
                  threads: threads)
    }

    /// Starts from a charged state in the gauge a sweep ends in (site 0 the centre, sites 1 … L−1 right-orthonormal);
    /// the caller has checked its site charges against the MPO's.
    convenience init(mpo: [Tensor<Double>], state: ChargedMPS, maxKrylovDimension: Int, threads: Int = 1) {
        let b = state.bondCharges.map(SectorBasis.init(sortedCharges:))
        let f = (0..<mpo.count).map { k in
            Self.form(of: state.state.tensors[k], left: b[k], right: b[k + 1], siteCharges: state.siteCharges[k],
                      orientation: k == 0 ? .left : .right)
        }
        self.init(mpo: mpo, siteQuantumNumbers: state.siteCharges, bases: b, sites: f, maxKrylovDimension: maxKrylovDimension,
                  threads: threads)
    }

    /// Starts from bond bases and site forms (sites 2 … L−1 in right form) and builds the right environments.
    private init(mpo: [Tensor<Double>], siteQuantumNumbers: [[QuantumNumber]], bases: [SectorBasis], sites: [SiteForm],
                 maxKrylovDimension: Int, threads: Int) {
        L = mpo.count
        siteQ = siteQuantumNumbers
        let sparse = mpo.map(SparseMPOTensor.init)
        byLeft = sparse.map(\.byLeftChannel)
        byRight = sparse.map(\.byRightChannel)
        self.maxKrylovDimension = maxKrylovDimension
        self.threads = Swift.max(1, threads)
        self.bases = bases
        self.sites = sites
        leftEnv = Array(repeating: nil, count: L + 1)
        rightEnv = Array(repeating: nil, count: L + 1)
        spectra = Array(repeating: [1], count: L + 1)
        leftEnv[0] = .boundary(.zero)
        rightEnv[L] = .boundary(bases[L].charges[0])
        for k in stride(from: L - 1, through: 2, by: -1) {
            let rightBlock = EnlargedBasis(bond: bases[k + 1], siteCharges: siteQ[k], left: false)
            var rw = EnlargedOperators(basis: rightBlock, vertical: false,
                                       channels: EnlargedOperators.rightCandidates(rightEnv[k + 1]!, byRight[k], rightBlock))
            reserveArena(rw.requiredCount)
            rw.fillRight(from: rightEnv[k + 1]!, byRight[k], in: arena, workers: self.threads)
            var none: [Double] = []
            rightEnv[k] = rw.renormalized(BlockIsometry(sites[k], bond: bases[k], enlarged: rightBlock), newBasis: bases[k],
                                          tally: tally, workers: self.threads, reusing: &none, scratch: productScratch)
        }
    }

    // MARK: Sweeps

    /// Two-site updates only.
    var updateWidth: Int { 2 }

    /// Largest bond dimension of the current bases.
    var maxBondDimension: Int { bases.map(\.dimension).max() ?? 1 }

    /// The two-site vector layout: one block X_Q (dimL × dimR) per label Q present on both sides.
    struct Layout {
        var offset: [Int]     // by left enlarged sector, −1 when absent
        var rightIndex: [Int] // by left enlarged sector: the right enlarged sector with the same label
        var count: Int
    }

    private func makeLayout(_ leftBlock: EnlargedBasis, _ rightBlock: EnlargedBasis) -> Layout {
        var off = [Int](repeating: -1, count: leftBlock.labels.count), rightSector = off
        var n = 0
        for (leftSector, q) in leftBlock.labels.enumerated() {
            guard let r = rightBlock.index(q), leftBlock.dims[leftSector] > 0, rightBlock.dims[r] > 0 else { continue }
            off[leftSector] = n; rightSector[leftSector] = r
            n += leftBlock.dims[leftSector] * rightBlock.dims[r]
        }
        return Layout(offset: off, rightIndex: rightSector, count: n)
    }

    /// The two-site problem of bond (i, i+1) (ITensor's `position!`): the enlarged blocks either side, the vector
    /// layout, the enlarged operators Lw_b, Rw_b over the channels both sides use, and H_eff on them. Valid while
    /// sites < i are in left form and sites > i+1 in right form.
    struct TwoSiteProblem {
        let bond: Int
        let leftBlock: EnlargedBasis
        let rightBlock: EnlargedBasis
        let layout: Layout
        var lw: EnlargedOperators
        var rw: EnlargedOperators
        let hamiltonian: EnlargedHamiltonian
    }

    /// Builds the ``TwoSiteProblem`` of bond (i, i+1) from the current environments, reusing pooled storage.
    func problem(at i: Int) -> TwoSiteProblem {
        let leftBlock = EnlargedBasis(bond: bases[i], siteCharges: siteQ[i], left: true)
        let rightBlock = EnlargedBasis(bond: bases[i + 2], siteCharges: siteQ[i + 1], left: false)
        let layout = makeLayout(leftBlock, rightBlock)
        let lc = EnlargedOperators.leftCandidates(leftEnv[i]!, byLeft[i], leftBlock)
        let rc = EnlargedOperators.rightCandidates(rightEnv[i + 2]!, byRight[i + 1], rightBlock)
        var merged = lc
        for (key, set) in rc { merged[key, default: []].formUnion(set) }
        var lw = EnlargedOperators(basis: leftBlock, vertical: true, channels: merged)
        var rw = EnlargedOperators(basis: rightBlock, vertical: false, channels: merged)
        reserveArena(lw.requiredCount + rw.requiredCount)
        lw.fillLeft(from: leftEnv[i]!, byLeft[i], in: arena, workers: threads)
        rw.fillRight(from: rightEnv[i + 2]!, byRight[i + 1], in: arena, at: lw.requiredCount, workers: threads)
        let h = EnlargedHamiltonian(lw: lw, rw: rw, layout: (layout.offset, layout.rightIndex), dimension: layout.count,
                                    workers: threads, scratch: productScratch)
        return TwoSiteProblem(bond: i, leftBlock: leftBlock, rightBlock: rightBlock, layout: layout, lw: lw, rw: rw,
                              hamiltonian: h)
    }

    /// Drops the environments and the operator arena (the largest allocations of a run) after the last sweep.
    func releaseWorkspace() {
        arena = OperatorArena(capacity: 0)
        leftEnv = Array(repeating: nil, count: L + 1)
        rightEnv = Array(repeating: nil, count: L + 1)
    }

    /// Makes ``arena`` hold `count` doubles for the next operators: the current one when it is large enough and no
    /// live problem still uses it (so a problem a caller keeps is never overwritten), otherwise a new one.
    private func reserveArena(_ count: Int) {
        if !isKnownUniquelyReferenced(&arena) || arena.capacity < count {
            arena = OperatorArena(capacity: count + count / OperatorArena.headroom)
        }
    }

    /// Clears both environments of `bond`, returning the longer storage for the environment about to be built there.
    /// Once the centre passes a bond, its environment on the far side includes the site just updated and is stale;
    /// dropping it holds only the environments the rest of the sweep reads (each bond's is rebuilt on the way back).
    private func takeStaleStorage(at bond: Int) -> [Double] {
        let left = leftEnv[bond]?.storage ?? [], right = rightEnv[bond]?.storage ?? []
        leftEnv[bond] = nil
        rightEnv[bond] = nil
        return left.count >= right.count ? left : right
    }

    func update(_ i: Int, rightward: Bool, _ p: DMRG.SweepParameters) throws -> LocalUpdate {
        let flopsBefore = tally.flops
        let problem = problem(at: i)
        let x0 = guess(i, rightward: rightward, leftBlock: problem.leftBlock, rightBlock: problem.rightBlock,
                       layout: problem.layout)
        let r = try DMRG.lowestEigenpair(of: problem.hamiltonian, start: x0, p, maxKrylovDimension: maxKrylovDimension,
                                         site: i, tally: tally)
        let truncation = try split(r.eigenvector, rightward: rightward, problem, p)
        return LocalUpdate(energy: r.eigenvalue, truncationError: truncation, products: r.matrixVectorProducts,
                           residual: r.residualNorm, converged: r.converged, gemmFlops: tally.flops - flopsBefore)
    }

    /// The dense two-site tensor θ[l, s₁, s₂, r] (column-major, [χ_i, d_i, d_{i+1}, χ_{i+2}]) of a vector in the
    /// problem's block layout; entries outside the layout are zero (they break the charge rule).
    func denseTwoSite(_ x: [Double], _ problem: TwoSiteProblem) -> [Double] {
        let i = problem.bond, leftBlock = problem.leftBlock, rightBlock = problem.rightBlock, layout = problem.layout
        let d1 = siteQ[i].count, d2 = siteQ[i + 1].count, leftStates = bases[i].dimension
        var theta = [Double](repeating: 0, count: leftStates * d1 * d2 * bases[i + 2].dimension)
        for (leftSector, (_, leftRange)) in bases[i].sectors.enumerated() {
            for s1 in 0..<d1 {
                let block = leftBlock.partSector[leftSector * d1 + s1], offset = layout.offset[block]
                guard offset >= 0 else { continue }
                let rows = leftBlock.dims[block], rowPart = leftBlock.partOffset[leftSector * d1 + s1]
                for (rightSector, (_, rightRange)) in bases[i + 2].sectors.enumerated() {
                    for s2 in 0..<d2 where rightBlock.partSector[rightSector * d2 + s2] == layout.rightIndex[block] {
                        let columnPart = rightBlock.partOffset[rightSector * d2 + s2]
                        for r in rightRange { for l in leftRange {
                            let row = rowPart + l - leftRange.lowerBound, column = columnPart + r - rightRange.lowerBound
                            theta[l + leftStates * (s1 + d1 * (s2 + d2 * r))] = x[offset + row + rows * column]
                        } }
                    }
                }
            }
        }
        return theta
    }

    // MARK: Initial two-site vector from the current centre

    private func guess(_ i: Int, rightward: Bool, leftBlock: EnlargedBasis, rightBlock: EnlargedBasis, layout: Layout) -> [Double] {
        var x = [Double](repeating: 0, count: layout.count)
        let d1 = siteQ[i].count, d2 = siteQ[i + 1].count
        let mid = bases[i + 1]
        x.withUnsafeMutableBufferPointer { xp in
            let xb = xp.baseAddress!
            if (rightward && sites[i].orientation == .left) || (!rightward && sites[i + 1].orientation == .right) {
                // Left form at i and right form at i+1 over the same bond: X_Q = A_Q B_Qᵀ.
                for (j, (q, r)) in mid.sectors.enumerated() {
                    guard let leftSector = leftBlock.index(q), layout.offset[leftSector] >= 0 else { continue }
                    let n = leftBlock.dims[leftSector], m = rightBlock.dims[layout.rightIndex[leftSector]]
                    sites[i].blocks[j].withUnsafeBufferPointer { a in
                        sites[i + 1].blocks[j].withUnsafeBufferPointer { b in
                            tally.gemm(.none, .transpose, m: n, n: m, k: r.count, a: a.baseAddress!, lda: n,
                                            b: b.baseAddress!, ldb: m, beta: 1, c: xb + layout.offset[leftSector], ldc: n)
                        }
                    }
                }
            } else if rightward {
                // Centre in right form at site i (over the old enlarged (s₁, bond i+1) basis), right form at i+1.
                let centreAsRight = EnlargedBasis(bond: mid, siteCharges: siteQ[i], left: false)
                for (outerSector, (outerCharge, _)) in bases[i].sectors.enumerated() {
                    guard let centreSector = centreAsRight.index(outerCharge) else { continue }
                    let outerStates = bases[i].sectors[outerSector].range.count, ldc = centreAsRight.dims[centreSector]
                    for s in 0..<d1 {
                        guard let bondSector = mid.sectorIndex(outerCharge + siteQ[i][s]) else { continue }
                        let leftSector = leftBlock.partSector[outerSector * d1 + s]
                        guard layout.offset[leftSector] >= 0 else { continue }
                        let bondStates = mid.sectors[bondSector].range.count, n = leftBlock.dims[leftSector], m = rightBlock.dims[layout.rightIndex[leftSector]]
                        let centrePart = centreAsRight.partOffset[bondSector * d1 + s], leftPart = leftBlock.partOffset[outerSector * d1 + s]
                        sites[i].blocks[outerSector].withUnsafeBufferPointer { c in
                            sites[i + 1].blocks[bondSector].withUnsafeBufferPointer { b in
                                tally.gemm(.transpose, .transpose, m: outerStates, n: m, k: bondStates, a: c.baseAddress! + centrePart, lda: ldc,
                                                b: b.baseAddress!, ldb: m, beta: 1, c: xb + layout.offset[leftSector] + leftPart, ldc: n)
                            }
                        }
                    }
                }
            } else {
                // Left form at i, centre in left form at site i+1 (over the old enlarged (bond i+1, s₂) basis).
                let centreAsLeft = EnlargedBasis(bond: mid, siteCharges: siteQ[i + 1], left: true)
                for (outerSector, (outerCharge, outerStates)) in bases[i + 2].sectors.enumerated() {
                    guard let centreSector = centreAsLeft.index(outerCharge) else { continue }
                    let ldc = centreAsLeft.dims[centreSector]
                    for s in 0..<d2 {
                        guard let bondSector = mid.sectorIndex(outerCharge - siteQ[i + 1][s]) else { continue }
                        let rightSector = rightBlock.partSector[outerSector * d2 + s]
                        guard let leftSector = leftBlock.index(rightBlock.labels[rightSector]), layout.offset[leftSector] >= 0 else { continue }
                        let bondStates = mid.sectors[bondSector].range.count, n = leftBlock.dims[leftSector]
                        let centrePart = centreAsLeft.partOffset[bondSector * d2 + s], rightPart = rightBlock.partOffset[outerSector * d2 + s]
                        sites[i].blocks[bondSector].withUnsafeBufferPointer { a in
                            sites[i + 1].blocks[outerSector].withUnsafeBufferPointer { c in
                                tally.gemm(.none, .none, m: n, n: outerStates.count, k: bondStates, a: a.baseAddress!, lda: n,
                                                b: c.baseAddress! + centrePart, ldb: ldc, beta: 1,
                                                c: xb + layout.offset[leftSector] + n * rightPart, ldc: n)
                            }
                        }
                    }
                }
            }
        }
        return x
    }

    // MARK: Split

    /// Splits X through the block-diagonal reduced density matrix of the side the centre leaves (plus White's
    /// noise from the enlarged operators), truncates by one global spectrum, stores the isometry and the new
    /// centre, and renormalizes the environment. Returns the discarded weight. Each phase (ρ blocks, noise,
    /// eigenpairs, new centre, renormalization) runs sector by sector over the workers; the global truncation
    /// between them is serial.
    func split(_ x: [Double], rightward: Bool, _ problem: TwoSiteProblem, _ p: DMRG.SweepParameters) throws -> Double {
        let i = problem.bond, leftBlock = problem.leftBlock, rightBlock = problem.rightBlock, layout = problem.layout
        let side = rightward ? leftBlock : rightBlock
        let ns = side.labels.count
        // ρ_Q = X_Q X_Qᵀ (rightward) or X_Qᵀ X_Q per X block, indexed by its sector on the side being split.
        let present = (0..<leftBlock.labels.count).filter { layout.offset[$0] >= 0 }
        func shape(_ leftSector: Int) -> (n: Int, m: Int) {
            (leftBlock.dims[leftSector], rightBlock.dims[layout.rightIndex[leftSector]])
        }
        let densities = try x.withUnsafeBufferPointer { xp in
            let base = xp.baseAddress!
            return try Workers.map(present.map { let (n, m) = shape($0); return Double(n * m * (rightward ? n : m)) },
                                   workers: threads) { index -> (Int, [Double]) in
                let leftSector = present[index], (n, m) = shape(leftSector)
                let block = base + layout.offset[leftSector]
                let dim = rightward ? n : m
                var r = [Double](repeating: 0, count: dim * dim)
                if rightward {
                    BufferBLAS.gemm(.none, .transpose, m: n, n: n, k: m, a: block, lda: n, b: block, ldb: n, c: &r, ldc: n)
                } else {
                    BufferBLAS.gemm(.transpose, .none, m: m, n: m, k: n, a: block, lda: n, b: block, ldb: n, c: &r, ldc: m)
                }
                return (rightward ? leftSector : layout.rightIndex[leftSector], r)
            }
        }
        var rho = [[Double]?](repeating: nil, count: ns)
        for (sector, r) in densities { rho[sector] = r }
        for leftSector in present {
            let (n, m) = shape(leftSector)
            tally.addProduct(m: rightward ? n : m, n: rightward ? n : m, k: rightward ? m : n)
        }
        if p.noise > 0 {
            try x.withUnsafeBufferPointer { try addNoise($0.baseAddress!, rightward: rightward, problem, alpha: p.noise, rho: &rho) }
        }
        // Eigenpairs per sector; one global ranking.
        let withDensity = (0..<ns).filter { rho[$0] != nil }
        let pairs = try Workers.map(withDensity.map { let d = Double(side.dims[$0]); return d * d * d }, workers: threads) { index in
            let sector = withDensity[index]
            return try Matrix(rows: side.dims[sector], columns: side.dims[sector], elements: rho[sector] ?? [])
                .symmetricEigen(vectors: true)
        }
        var eig = [SymmetricEigenResult<Double>?](repeating: nil, count: ns)
        for (sector, pair) in zip(withDensity, pairs) { eig[sector] = pair }
        let (kept, spectrum) = try SectorTruncation.keep(eig.map { $0?.eigenvalues ?? [] }, p, site: i)
        var charges: [QuantumNumber] = []
        var bondSector = [Int](repeating: -1, count: ns)
        var nb = 0
        for s in 0..<ns where kept[s] > 0 {
            bondSector[s] = nb; nb += 1
            charges += Array(repeating: side.labels[s], count: kept[s])
        }
        let basis = SectorBasis(sortedCharges: charges)
        var iso = [[Double]?](repeating: nil, count: ns)
        for s in 0..<ns where kept[s] > 0 { iso[s] = eig[s]?.leadingEigenvectors(kept[s]) }
        // New centre: Uᵀ X (as the right form of site i+1) or X V (as the left form of site i), per kept sector.
        let keptSectors = (0..<ns).filter { kept[$0] > 0 }
        struct CentreBlock { var elements: [Double]; var weight: Double; var flops: Double }
        let centreBlocks = try x.withUnsafeBufferPointer { xp in
            let base = xp.baseAddress!
            return try Workers.map(keptSectors.map { Double(side.dims[$0] * kept[$0]) }, workers: threads) { index -> CentreBlock in
                let s = keptSectors[index], kq = kept[s], u = iso[s] ?? []
                let leftSector = rightward ? s : (leftBlock.index(rightBlock.labels[s]) ?? -1)
                // The other side's enlarged dimension of this label (0 when absent there: the block stays empty).
                let rowsOut = rightward ? (rightBlock.index(leftBlock.labels[s]).map { rightBlock.dims[$0] } ?? 0)
                                        : (leftSector >= 0 ? leftBlock.dims[leftSector] : 0)
                var c = [Double](repeating: 0, count: rowsOut * kq)
                var flops = 0.0
                if leftSector >= 0, layout.offset[leftSector] >= 0 {
                    let (n, m) = shape(leftSector)
                    if rightward {
                        BufferBLAS.gemm(.transpose, .none, m: m, n: kq, k: n, a: base + layout.offset[leftSector], lda: n,
                                        b: u, ldb: n, c: &c, ldc: m)
                    } else {
                        BufferBLAS.gemm(.none, .none, m: n, n: kq, k: m, a: base + layout.offset[leftSector], lda: n,
                                        b: u, ldb: m, c: &c, ldc: n)
                    }
                    flops = 2 * Double(n) * Double(m) * Double(kq)
                }
                return CentreBlock(elements: c, weight: c.reduce(0) { $0 + $1 * $1 }, flops: flops)
            }
        }
        let keptWeight = centreBlocks.reduce(0) { $0 + $1.weight }
        tally.add(centreBlocks.reduce(0) { $0 + $1.flops })
        let scale = keptWeight > 0 ? 1 / keptWeight.squareRoot() : 1
        let centre = centreBlocks.map { block in block.elements.map { $0 * scale } }
        let isometry = BlockIsometry(blocks: iso, kept: kept, bondSector: bondSector)
        let keptBlocks = (0..<ns).compactMap { iso[$0] }
        if rightward {
            sites[i] = SiteForm(orientation: .left, blocks: keptBlocks)
            sites[i + 1] = SiteForm(orientation: .right, blocks: centre)
            var reuse = takeStaleStorage(at: i + 1)
            leftEnv[i + 1] = problem.lw.renormalized(isometry, newBasis: basis, tally: tally, workers: threads, reusing: &reuse,
                                                     scratch: productScratch)
        } else {
            sites[i + 1] = SiteForm(orientation: .right, blocks: keptBlocks)
            sites[i] = SiteForm(orientation: .left, blocks: centre)
            var reuse = takeStaleStorage(at: i + 1)
            rightEnv[i + 1] = problem.rw.renormalized(isometry, newBasis: basis, tally: tally, workers: threads,
                                                      reusing: &reuse, scratch: productScratch)
        }
        bases[i + 1] = basis
        spectra[i + 1] = spectrum
        return Swift.max(0, 1 - keptWeight)
    }

    /// White's perturbation α Σ_b P_b P_bᵀ / Σ‖P_b‖² with P_b = Lw_b X (rightward) or Rw_b Xᵀ (leftward); it
    /// opens sectors X does not populate. The operator's groups are taken bra sector by bra sector over the workers
    /// (each bra's sum runs in group order), and ‖P‖² is summed in bra order.
    private func addNoise(_ x: UnsafePointer<Double>, rightward: Bool, _ problem: TwoSiteProblem, alpha: Double,
                          rho: inout [[Double]?]) throws {
        let leftBlock = problem.leftBlock, rightBlock = problem.rightBlock, layout = problem.layout
        let side = rightward ? leftBlock : rightBlock
        let op = rightward ? problem.lw : problem.rw
        var groupsByBra = [[Int]](repeating: [], count: side.labels.count)
        for (index, g) in op.groups.enumerated() { groupsByBra[g.bra].append(index) }
        let bras = (0..<side.labels.count).filter { !groupsByBra[$0].isEmpty }
        struct Perturbation { var acc: [Double]?; var norm: Double; var flops: Double }
        let perturbations = try withExtendedLifetime(op) {
            let storage = op.storage
            return try Workers.map(bras.map { Double(groupsByBra[$0].count * side.dims[$0]) }, workers: threads) { index in
                let bra = bras[index], nb = side.dims[bra]
                var acc: [Double]? = nil
                var norm = 0.0, flops = 0.0
                for gi in groupsByBra[bra] {
                    let g = op.groups[gi]
                    // X block with the group's ket sector.
                    let leftSector = rightward ? g.ket : (leftBlock.index(rightBlock.labels[g.ket]) ?? -1)
                    guard leftSector >= 0, layout.offset[leftSector] >= 0 else { continue }
                    let n = leftBlock.dims[leftSector], m = rightBlock.dims[layout.rightIndex[leftSector]], k = g.channels.count
                    var sum = acc ?? [Double](repeating: 0, count: nb * nb)
                    if rightward {
                        // P_j = Lw_j X (nb × m), side by side (nb × k m); ρ += P Pᵀ.
                        var z = [Double](repeating: 0, count: nb * k * m)
                        z.withUnsafeMutableBufferPointer { zp in
                            for j in 0..<k where g.nonzero[j] {
                                BufferBLAS.gemm(.none, .none, m: nb, n: m, k: n, a: storage + g.offset + j * nb, lda: k * nb,
                                                b: x + layout.offset[leftSector], ldb: n, c: zp.baseAddress! + nb * m * j, ldc: nb)
                                flops += 2 * Double(nb * m * n)
                            }
                        }
                        norm += z.reduce(0) { $0 + $1 * $1 }
                        BufferBLAS.gemm(.none, .transpose, m: nb, n: nb, k: k * m, a: z, lda: nb, b: z, ldb: nb, beta: 1,
                                        c: &sum, ldc: nb)
                        flops += 2 * Double(nb * nb) * Double(k * m)
                    } else {
                        // P_jᵀ = X Rw_jᵀ (n × nb), stacked (k n × nb); ρ += Pᵀᵀ Pᵀ.
                        var z = [Double](repeating: 0, count: k * n * nb)
                        z.withUnsafeMutableBufferPointer { zp in
                            for j in 0..<k where g.nonzero[j] {
                                BufferBLAS.gemm(.none, .none, m: n, n: nb, k: m, a: x + layout.offset[leftSector], lda: n,
                                                b: storage + g.offset + j * m, ldb: k * m, c: zp.baseAddress! + j * n, ldc: k * n)
                                flops += 2 * Double(n * nb * m)
                            }
                        }
                        norm += z.reduce(0) { $0 + $1 * $1 }
                        BufferBLAS.gemm(.transpose, .none, m: nb, n: nb, k: k * n, a: z, lda: k * n, b: z, ldb: k * n, beta: 1,
                                        c: &sum, ldc: nb)
                        flops += 2 * Double(nb * nb) * Double(k * n)
                    }
                    acc = sum
                }
                return Perturbation(acc: acc, norm: norm, flops: flops)
            }
        }
        tally.add(perturbations.reduce(0) { $0 + $1.flops })
        let total = perturbations.reduce(0) { $0 + $1.norm }
        guard total > 0 else { return }
        let scale = alpha / total
        for (bra, perturbation) in zip(bras, perturbations) {
            guard let pm = perturbation.acc else { continue }
            var r = rho[bra] ?? [Double](repeating: 0, count: pm.count)
            for t in r.indices { r[t] += scale * pm[t] }
            rho[bra] = r
        }
    }

    // MARK: Dense tensors

    var tensors: [Tensor<Double>] {
        (0..<L).map { k in
            let cl = bases[k].dimension, d = siteQ[k].count, cr = bases[k + 1].dimension
            var a = [Double](repeating: 0, count: cl * d * cr)
            let blocks = sites[k].blocks
            Self.forEachEntry(left: bases[k], right: bases[k + 1], siteCharges: siteQ[k], orientation: sites[k].orientation) {
                block, formIndex, denseIndex in a[denseIndex] = blocks[block][formIndex]
            }
            return Tensor(uncheckedShape: [cl, d, cr], elements: a)
        }
    }

    /// The state with its bond charges, in the gauge the engine holds it (after a full sweep: the centre on site 0,
    /// sites 1 … L−1 right-orthonormal).
    var chargedState: ChargedMPS? {
        guard let state = try? MPS<Double>(tensors: tensors) else { return nil }
        return ChargedMPS(unchecked: state, siteCharges: siteQ, bondCharges: bases.map(\.charges))
    }

    /// The site form of a dense site tensor with sector-sorted bonds in the given orientation, the inverse of
    /// ``tensors``.
    static func form(of tensor: Tensor<Double>, left lb: SectorBasis, right rb: SectorBasis,
                     siteCharges q: [QuantumNumber], orientation: SiteForm.Orientation) -> SiteForm {
        let leftForm = orientation == .left
        let enlarged = EnlargedBasis(bond: leftForm ? lb : rb, siteCharges: q, left: leftForm)
        let outer = leftForm ? rb : lb
        var blocks = outer.sectors.map { (charge, range) -> [Double] in
            let rows = enlarged.index(charge).map { enlarged.dims[$0] } ?? 0
            return [Double](repeating: 0, count: rows * range.count)
        }
        let a = tensor.elements
        forEachEntry(left: lb, right: rb, siteCharges: q, orientation: orientation) { block, formIndex, denseIndex in
            blocks[block][formIndex] = a[denseIndex]
        }
        return SiteForm(orientation: orientation, blocks: blocks)
    }

    /// Visits every stored entry of a ``SiteForm`` of that orientation: `visit(block, index in the block, index in
    /// the dense [χl, d, χr] tensor)`. An entry is allowed exactly when q_l + q(s) = q_r.
    static func forEachEntry(left lb: SectorBasis, right rb: SectorBasis, siteCharges q: [QuantumNumber],
                             orientation: SiteForm.Orientation,
                             _ visit: (_ block: Int, _ formIndex: Int, _ denseIndex: Int) -> Void) {
        let leftForm = orientation == .left
        // The bond fused with the site ("inner": left bond in left form, right bond in right form) gives the rows of
        // a block, the other ("outer") bond its columns; only the dense index depends on which side is which.
        let d = q.count, cl = lb.dimension
        let (inner, outer) = leftForm ? (lb, rb) : (rb, lb)
        let e = EnlargedBasis(bond: inner, siteCharges: q, left: leftForm)
        for (block, (charge, outerStates)) in outer.sectors.enumerated() {
            guard let sector = e.index(charge) else { continue }
            let rows = e.dims[sector]
            for (innerSector, (_, innerStates)) in inner.sectors.enumerated() {
                for s in 0..<d where e.partSector[innerSector * d + s] == sector {
                    let part = e.partOffset[innerSector * d + s]
                    for column in 0..<outerStates.count {
                        let outerIndex = outerStates.lowerBound + column
                        for i in innerStates {
                            visit(block, part + (i - innerStates.lowerBound) + rows * column,
                                  leftForm ? i + cl * (s + d * outerIndex) : outerIndex + cl * (s + d * i))
                        }
                    }
                }
            }
        }
    }
}

/// H_eff X = Σ_b Lw_b X Rw_bᵀ on the block-diagonal two-site vector, one stacked GEMM pair per sector pair.
///
/// With W workers the sector pairs are split statically into W contiguous runs of about equal flops; worker 0 adds
/// into y, the others into their own partial vectors, which are summed afterwards in worker order. A product is
/// therefore the same arithmetic for a given W on every run, and differs between worker counts only by the order of
/// that final sum (rounding).
final class EnlargedHamiltonian: ProjectedHamiltonian {
    /// One sector pair: X block (n × m at `xIn`) → Y block (np × mp at `xOut`) through k stacked channels.
    struct Item { let lwOffset: Int, rwOffset: Int, xIn: Int, xOut: Int, k: Int, np: Int, n: Int, m: Int, mp: Int }
    let lw: EnlargedOperators, rw: EnlargedOperators
    let items: [Item]
    let flopsPerProduct: Double
    let dimension: Int
    /// Per worker: its run of items, its two product buffers, its partial output (worker 0: none, it adds into y)
    /// and the output blocks (offset, length) its run writes.
    private let runs: [Range<Int>]
    private let first: [UnsafeMutablePointer<Double>], second: [UnsafeMutablePointer<Double>]
    private let partial: [UnsafeMutablePointer<Double>?]
    private let touched: [[(offset: Int, count: Int)]]

    init(lw: EnlargedOperators, rw: EnlargedOperators, layout: (offset: [Int], rightIndex: [Int]), dimension: Int,
         workers: Int, scratch: WorkerScratch) {
        self.lw = lw; self.rw = rw
        var its: [Item] = []
        var costs: [Double] = []
        let leftBlock = lw.basis, rightBlock = rw.basis
        for g in lw.groups {
            let inL = g.ket, outL = g.bra
            guard layout.offset[inL] >= 0, layout.offset[outL] >= 0,
                  let gr = rw.group(bra: layout.rightIndex[outL], ket: layout.rightIndex[inL]) else { continue }
            let h = rw.groups[gr]
            // Both sides were allocated from the same merged channel sets (`update`), so the lists agree.
            assert(h.channels == g.channels, "enlarged operator channel lists differ")
            let it = Item(lwOffset: g.offset, rwOffset: h.offset, xIn: layout.offset[inL], xOut: layout.offset[outL],
                          k: g.channels.count, np: leftBlock.dims[outL], n: leftBlock.dims[inL], m: rightBlock.dims[layout.rightIndex[inL]],
                          mp: rightBlock.dims[layout.rightIndex[outL]])
            its.append(it)
            costs.append(2 * Double(it.k * it.np * it.m) * Double(it.n + it.mp))
        }
        items = its
        flopsPerProduct = costs.reduce(0, +)
        self.dimension = dimension
        runs = Workers.balancedRanges(costs, count: workers)
        var first: [UnsafeMutablePointer<Double>] = [], second: [UnsafeMutablePointer<Double>] = []
        var partial: [UnsafeMutablePointer<Double>?] = [], touched: [[(offset: Int, count: Int)]] = []
        for (worker, run) in runs.enumerated() {
            let largest = its[run].map { $0.k * $0.np * $0.m }.max() ?? 0
            first.append(scratch.reserve(worker: worker, slot: 0, count: Swift.max(largest, 1)))
            second.append(scratch.reserve(worker: worker, slot: 1, count: Swift.max(largest, 1)))
            partial.append(worker == 0 ? nil : scratch.reserve(worker: worker, slot: 2, count: Swift.max(dimension, 1)))
            var seen = Set<Int>(), blocks: [(offset: Int, count: Int)] = []
            for it in its[run] where seen.insert(it.xOut).inserted { blocks.append((it.xOut, it.np * it.mp)) }
            touched.append(blocks)
        }
        self.first = first; self.second = second; self.partial = partial; self.touched = touched
    }

    /// The diagonal of H_eff on the two-site vector: Σ_b diag(Lw_b) ⊗ diag(Rw_b) over the channels that map a
    /// sector to itself (Davidson's preconditioner).
    func diagonal(counting tally: FlopTally) -> [Double]? {
        var d = [Double](repeating: 0, count: dimension)
        // The operators keep their arena alive as long as this Hamiltonian lives.
        let lp = lw.storage, rp = rw.storage
        for it in items where it.xIn == it.xOut {
            let k = it.k, n = it.n, m = it.m
            var dl = [Double](repeating: 0, count: n * k), dr = [Double](repeating: 0, count: m * k)
            for p in 0..<k {
                for i in 0..<n { dl[i + n * p] = lp[it.lwOffset + (p * n + i) + k * n * i] }
                for j in 0..<m { dr[j + m * p] = rp[it.rwOffset + (p * m + j) + k * m * j] }
            }
            d.withUnsafeMutableBufferPointer { db in
                tally.gemm(.none, .transpose, m: n, n: m, k: k, a: dl, lda: n, b: dr, ldb: m, beta: 1,
                           c: db.baseAddress! + it.xIn, ldc: n)
            }
        }
        return d
    }

    func apply(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        y.update(repeating: 0, count: dimension)
        let l = lw.storage, r = rw.storage  // alive with the operators, which this Hamiltonian holds
        Workers.run(runs.count) { worker in
            let out = partial[worker] ?? y, t1 = first[worker], t2 = second[worker]
            if worker > 0 { for block in touched[worker] { (out + block.offset).update(repeating: 0, count: block.count) } }
            for it in items[runs[worker]] {
                // T₁ = Lw (k np × n) X (n × m); restack to np × (k m); Y += T₂ Rw (k m × mp).
                BufferBLAS.gemm(.none, .none, m: it.k * it.np, n: it.m, k: it.n, a: l + it.lwOffset,
                                lda: it.k * it.np, b: x + it.xIn, ldb: it.n, c: t1, ldc: it.k * it.np)
                BlockStack.verticalToHorizontal(t1, t2, k: it.k, r: it.np, c: it.m)
                BufferBLAS.gemm(.none, .none, m: it.np, n: it.mp, k: it.k * it.m, a: t2, lda: it.np,
                                b: r + it.rwOffset, ldb: it.k * it.m, beta: 1, c: out + it.xOut, ldc: it.np)
            }
        }
        for worker in runs.indices.dropFirst() {
            guard let part = partial[worker] else { continue }
            for block in touched[worker] {
                let source = part + block.offset, target = y + block.offset
                for index in 0..<block.count { target[index] += source[index] }
            }
        }
    }
}
