import LowRankKernels

extension MPO {
    /// Compiles an ``OpSum`` to an MPO by the finite-state-automaton construction (Crosswhite & Bacon,
    /// PRA 78, 012356 (2008); the scheme of ITensor's AutoMPO and TeNPy's `MPOGraph`).
    ///
    /// Each MPO bond carries the automaton states "nothing yet" (identity to the left), "done" (a complete
    /// term to the left) and one state per distinct *prefix* — the operators a term has placed on sites left
    /// of the bond. Terms with equal prefixes share a channel; the coefficient is applied with the term's
    /// last operator, so a nearest-neighbour chain of k bond operators gets w = k + 2 (Heisenberg: 5,
    /// transverse-field Ising: 3). Longer-range terms carry identities across the sites they skip. Same-site
    /// factors are multiplied in the order written. Run ``compressed(relativeError:)`` afterwards to merge
    /// channels a smarter construction would share.
    ///
    /// - Throws: ``OperatorError`` for unknown operators, sites out of range or non-finite coefficients.
    public init(_ opSum: OpSum) throws {
        try opSum.validate()
        let L = opSum.sites, d = opSum.siteType.dimension
        let identity = Matrix<Double>.identity(d)

        enum Channel: Hashable { case start, done, prefix([OpSum.Term.Factor]) }
        // Channel lists per bond 0…L; bond k sits left of site k.
        var channels: [[Channel: Int]] = Array(repeating: [:], count: L + 1)
        func index(_ c: Channel, bond k: Int) -> Int {
            if let i = channels[k][c] { return i }
            let i = channels[k].count
            channels[k][c] = i
            return i
        }
        // Transitions per site: (from, to) → matrix; `set` entries are shared-prefix hops.
        var blocks: [[Pair: Matrix<Double>]] = Array(repeating: [:], count: L)
        struct Pair: Hashable { let from: Int, to: Int }
        func accumulate(_ site: Int, _ from: Int, _ to: Int, _ m: Matrix<Double>, scale: Double) {
            let key = Pair(from: from, to: to)
            var cur = blocks[site][key] ?? Matrix(rows: d, columns: d)
            for j in 0..<d { for i in 0..<d { cur[i, j] += scale * m[i, j] } }
            blocks[site][key] = cur
        }

        for k in 0..<L {                      // fixed channels first: start = 0 (bonds 0…L−1), done
            if k < L { _ = index(.start, bond: k) }
        }
        for k in 1...L { _ = index(.done, bond: k) }
        for k in 0..<(L - 1) { accumulate(k, 0, channels[k + 1][.start]!, identity, scale: 1) }
        for k in 1..<L { accumulate(k, channels[k][.done]!, channels[k + 1][.done]!, identity, scale: 1) }

        for term in opSum.terms where term.coefficient != 0 {
            // Merge same-site factors (product in written order), sorted by site.
            var bySite: [Int: (names: [String], m: Matrix<Double>)] = [:]
            for f in term.factors {
                let m = try opSum.siteType.matrix(f.name, site: f.site)
                if let cur = bySite[f.site] {
                    bySite[f.site] = (cur.names + [f.name], try Matrix.product(cur.m, .none, m, .none))
                } else {
                    bySite[f.site] = ([f.name], m)
                }
            }
            let sitesOfTerm = bySite.keys.sorted()
            if sitesOfTerm.isEmpty {                       // a constant: c · Id on site 0
                accumulate(0, 0, channels[1][.done]!, identity, scale: term.coefficient)
                continue
            }
            let first = sitesOfTerm.first!, last = sitesOfTerm.last!
            if first == last {
                accumulate(first, 0, channels[first + 1][.done]!, bySite[first]!.m, scale: term.coefficient)
                continue
            }
            var prefix: [OpSum.Term.Factor] = []
            var from = channels[first][.start]!
            for k in first...last {
                let op = bySite[k]
                if k == last {
                    accumulate(k, from, channels[k + 1][.done]!, op!.m, scale: term.coefficient)
                    break
                }
                if let op { prefix.append(.init(name: op.names.joined(separator: "*"), site: k)) }
                let to = index(.prefix(prefix), bond: k + 1)
                let key = Pair(from: from, to: to)
                if blocks[k][key] == nil { blocks[k][key] = op?.m ?? identity }   // shared prefix: set once
                from = to
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
    }
}
