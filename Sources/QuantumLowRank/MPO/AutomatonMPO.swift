import LowRankKernels

extension MPO {
    /// Compiles an ``OpSum`` to an MPO by a finite-state-automaton construction (Crosswhite & Bacon,
    /// PRA 78, 012356 (2008); the scheme of ITensor's AutoMPO and TeNPy's `MPOGraph`), two-sided so that
    /// long products stay cheap.
    ///
    /// Each MPO bond carries the automaton states "nothing yet" (identity to the left), "done" (a complete term
    /// to the left), and for every term crossing the bond either its **prefix** (the operators left of the bond)
    /// while at most half of the term's operators lie to the left, or its **suffix** (the operators right of
    /// the bond) afterwards. Terms with an equal prefix, or an equal suffix, share a channel; the coefficient is
    /// applied where a term leaves its prefix channels. A nearest-neighbour chain of k bond operators gets
    /// w = k + 2 (Heisenberg: 5, transverse-field Ising: 3), and the quantum-chemistry Hamiltonian Σ h a†a +
    /// ½ Σ (pq|rs) a†a†aa gets O(n²) channels (prefixes of one or two operators, suffixes of one) instead of the
    /// O(n³) of a prefix-only automaton.
    ///
    /// **Fermions.** For site types with fermionic operators (``SiteType/electron``) the Jordan–Wigner
    /// transformation is applied: factors are sorted by site with the sign of the permutation of the fermionic
    /// ones, each site's product is multiplied by F = (−1)^N when an odd number of fermionic factors lie to its
    /// right, and channels crossing sites with odd fermion parity to the right carry F instead of the identity.
    /// Same-site factors multiply in the order written.
    ///
    /// - Throws: ``OperatorError`` for unknown operators, sites out of range, non-finite coefficients or
    ///   terms with an odd number of fermionic operators.
    public init(_ opSum: OpSum) throws {
        try opSum.validate()
        let L = opSum.sites, d = opSum.siteType.dimension
        let site = opSum.siteType
        let identity = Matrix<Double>.identity(d)
        let parity = site.fermionicOperators.isEmpty ? identity : try site.matrix("F")

        enum Channel: Hashable { case start, done, prefix([OpSum.Term.Factor]), suffix([OpSum.Term.Factor]) }
        struct Pair: Hashable { let from: Int, to: Int }
        var channels: [[Channel: Int]] = Array(repeating: [:], count: L + 1)
        func index(_ c: Channel, bond k: Int) -> Int {
            if let i = channels[k][c] { return i }
            let i = channels[k].count
            channels[k][c] = i
            return i
        }
        var blocks: [[Pair: Matrix<Double>]] = Array(repeating: [:], count: L)
        func accumulate(_ k: Int, _ from: Int, _ to: Int, _ m: Matrix<Double>, scale: Double) {
            let key = Pair(from: from, to: to)
            var cur = blocks[k][key] ?? Matrix(rows: d, columns: d)
            for j in 0..<d { for i in 0..<d where m[i, j] != 0 { cur[i, j] += scale * m[i, j] } }
            blocks[k][key] = cur
        }
        func setOnce(_ k: Int, _ from: Int, _ to: Int, _ m: Matrix<Double>) {
            let key = Pair(from: from, to: to)
            if blocks[k][key] == nil { blocks[k][key] = m }
        }

        for k in 0..<L { _ = index(.start, bond: k) }
        for k in 1...L { _ = index(.done, bond: k) }
        for k in 0..<(L - 1) { accumulate(k, 0, channels[k + 1][.start]!, identity, scale: 1) }
        for k in 1..<L { accumulate(k, channels[k][.done]!, channels[k + 1][.done]!, identity, scale: 1) }

        for term in opSum.terms where term.coefficient != 0 {
            // Stable sort by site; the sign of the permutation of fermionic factors.
            let fs = term.factors
            var sign = 1.0
            for x in 0..<fs.count where site.isFermionic(fs[x].name) {
                for y in (x + 1)..<Swift.max(fs.count, x + 1) where site.isFermionic(fs[y].name) && fs[y].site < fs[x].site {
                    sign = -sign
                }
            }
            let fermionCount = fs.filter { site.isFermionic($0.name) }.count
            guard fermionCount % 2 == 0 else { throw OperatorError.oddFermionParity(term: term.description) }
            let sorted = fs.enumerated().sorted { ($0.element.site, $0.offset) < ($1.element.site, $1.offset) }.map(\.element)
            // Per-site products (written order), then the Jordan–Wigner factor F^(fermions to the right).
            var sitesOfTerm: [Int] = []
            var names: [Int: [String]] = [:]
            var mats: [Int: Matrix<Double>] = [:]
            var fermionsAt: [Int: Int] = [:]
            for f in sorted {
                let m = try site.matrix(f.name, site: f.site)
                if let cur = mats[f.site] {
                    mats[f.site] = try Matrix.product(cur, .none, m, .none)
                    names[f.site]!.append(f.name)
                } else {
                    sitesOfTerm.append(f.site)
                    mats[f.site] = m
                    names[f.site] = [f.name]
                }
                if site.isFermionic(f.name) { fermionsAt[f.site, default: 0] += 1 }
            }
            let coefficient = sign * term.coefficient
            if sitesOfTerm.isEmpty {
                accumulate(0, 0, channels[1][.done]!, identity, scale: coefficient)
                continue
            }
            var right = fermionCount
            var ops: [Int: Matrix<Double>] = [:]
            var factorOf: [Int: OpSum.Term.Factor] = [:]
            var oddRightOf: [Int: Bool] = [:]                 // parity of fermions strictly right of each op site
            for k in sitesOfTerm {
                right -= fermionsAt[k] ?? 0
                oddRightOf[k] = right % 2 == 1
                ops[k] = right % 2 == 1 ? try Matrix.product(mats[k]!, .none, parity, .none) : mats[k]!
                factorOf[k] = OpSum.Term.Factor(name: names[k]!.joined(separator: "*"), site: k)
            }
            let first = sitesOfTerm.first!, last = sitesOfTerm.last!, m = sitesOfTerm.count
            if m == 1 {
                accumulate(first, 0, channels[first + 1][.done]!, ops[first]!, scale: coefficient)
                continue
            }
            // Channel of bond b (first < b ≤ last): prefix while fewer operators lie left of the bond (ties: in
            // the left half of the chain, where prefixes are the fewer), suffix afterwards.
            func channel(_ b: Int) -> (Channel, isPrefix: Bool) {
                let left = sitesOfTerm.filter { $0 < b }
                let nl = left.count, nr = m - nl
                if nl < nr || (nl == nr && 2 * b <= L) { return (.prefix(left.map { factorOf[$0]! }), true) }
                return (.suffix(sitesOfTerm.filter { $0 >= b }.map { factorOf[$0]! }), false)
            }
            var from = channels[first][.start]!
            var fromIsPrefix = true
            var oddRight = false                              // parity to the right of the current hop site
            for k in first...last {
                if let odd = oddRightOf[k] { oddRight = odd }
                let local = ops[k] ?? (oddRight ? parity : identity)
                if k == last {
                    let to = channels[k + 1][.done]!
                    if fromIsPrefix { accumulate(k, from, to, local, scale: coefficient) } else { setOnce(k, from, to, local) }
                    break
                }
                let (ch, isPrefix) = channel(k + 1)
                let to = index(ch, bond: k + 1)
                if fromIsPrefix && !isPrefix {
                    accumulate(k, from, to, local, scale: coefficient)      // the term leaves its prefix here
                } else {
                    setOnce(k, from, to, local)                              // shared prefix or suffix hop
                }
                from = to
                fromIsPrefix = isPrefix
            }
        }

        var ws: [Tensor<Double>] = []
        for k in 0..<L {
            let wl = channels[k].count, wr = channels[k + 1].count
            var e = [Double](repeating: 0, count: wl * wr * d * d)
            for (p, m) in blocks[k] {
                for s in 0..<d { for sp in 0..<d { e[p.from + wl * (p.to + wr * (sp + d * s))] = m[sp, s] } }
            }
            ws.append(Tensor(uncheckedShape: [wl, wr, d, d], elements: e))
        }
        self.init(unchecked: ws)
        siteQuantumNumbers = Array(repeating: opSum.siteType.quantumNumbers, count: L)
        chargeGroup = opSum.siteType.chargeGroup
    }
}
