/// The divergence ``NMF/fit(_:options:observer:)`` minimizes.
public enum NMFDivergence: String, Sendable, Equatable, CaseIterable {
    /// ½‖X − W H‖²_F, by coordinate descent (Cichocki & Phan 2009; scikit-learn's `solver='cd'`).
    case frobenius
    /// The generalized Kullback–Leibler divergence Σ_ij [X log(X/WH) − X + WH] (the log term over X > 0), for
    /// counts, by multiplicative updates (Lee & Seung, NIPS 2000; scikit-learn's `solver='mu'`,
    /// `beta_loss='kullback-leibler'`).
    case kullbackLeibler = "kl"
}

extension NMF {
    /// Options of ``NMF/fit(_:options:observer:)``; penalties in scikit-learn's parametrization, so that an objective
    /// compares one to one with `sklearn.decomposition.NMF`.
    ///
    /// Objective (X is m × n, W m × k, H k × n):
    ///
    ///     D(X ‖ WH) + α_W ρ n ‖W‖₁ + ½ α_W (1 − ρ) n ‖W‖²_F + α_H ρ m ‖H‖₁ + ½ α_H (1 − ρ) m ‖H‖²_F
    ///
    /// with ρ = ``l1Ratio`` and D the ``divergence``.
    public struct FitOptions: Sendable, Equatable {
        /// The inner dimension k, 1 ≤ k ≤ min(m, n) for the SVD-based starts.
        public var rank: Int
        /// The divergence D (default ``NMFDivergence/frobenius``).
        public var divergence: NMFDivergence
        /// α_W ≥ 0 (default 0).
        public var alphaW: Double
        /// α_H ≥ 0; nil means α_W (scikit-learn's `alpha_H='same'`, the default).
        public var alphaH: Double?
        /// ρ ∈ [0, 1]: 0 is a pure L2 penalty, 1 pure L1 (default 0).
        public var l1Ratio: Double
        /// The start (default ``NMFInitialization/nndsvda``).
        public var initialization: NMFInitialization
        /// Iterations, each one update of W then of H (default 200).
        public var iterations: Int
        /// With a value t, stop early once an iteration lowers the objective by less than t × the initial objective;
        /// nil (the default) runs exactly ``iterations``.
        public var tolerance: Double?

        /// Options with the defaults listed on each property.
        public init(rank: Int, divergence: NMFDivergence = .frobenius, alphaW: Double = 0, alphaH: Double? = nil,
                    l1Ratio: Double = 0, initialization: NMFInitialization = .nndsvda, iterations: Int = 200,
                    tolerance: Double? = nil) {
            self.rank = rank
            self.divergence = divergence
            self.alphaW = alphaW
            self.alphaH = alphaH
            self.l1Ratio = l1Ratio
            self.initialization = initialization
            self.iterations = iterations
            self.tolerance = tolerance
        }
    }

    /// One iteration's record.
    public struct FitRecord: Sendable, Equatable {
        /// 0 for the start, then 1, 2, …
        public var iteration: Int
        /// The full objective (divergence plus penalties).
        public var objective: Double
        /// The divergence alone.
        public var divergence: Double
    }

    /// The outcome of ``NMF/fit(_:options:observer:)``.
    public struct FitResult: Sendable {
        /// W (m × k), non-negative.
        public var w: Matrix<Double>
        /// H (k × n), non-negative.
        public var h: Matrix<Double>
        /// The start and every iteration.
        public var history: [FitRecord]
        /// Iterations run.
        public var iterations: Int
        /// The final objective and divergence.
        public var objective: Double { history.last?.objective ?? .nan }
        /// The final divergence.
        public var divergence: Double { history.last?.divergence ?? .nan }
        /// The share of W's entries that are exactly 0.
        public var zerosW: Double { Double(w.elements.filter { $0 == 0 }.count) / Double(Swift.max(1, w.elements.count)) }
        /// The share of H's entries that are exactly 0.
        public var zerosH: Double { Double(h.elements.filter { $0 == 0 }.count) / Double(Swift.max(1, h.elements.count)) }
    }

    /// The smallest denominator and WH value of the multiplicative updates (float32's ε, as scikit-learn).
    static let multiplicativeFloor = Double(Float.ulpOfOne)

    /// Non-negative factorization X ≈ W H with sparsity (L1) and weight-decay (L2) penalties, for the Frobenius loss by
    /// cyclic coordinate descent and for the Kullback–Leibler divergence by multiplicative updates: the iterates of
    /// scikit-learn's `NMF(solver='cd')` and `NMF(solver='mu', beta_loss='kullback-leibler')` from the same start.
    ///
    /// - Coordinate descent: with A = X Hᵀ − α_W ρ n and B = H Hᵀ + α_W (1 − ρ) n I, each column t of W in turn,
    ///   w_it ← max(0, w_it − ((W B)_it − A_it)/B_tt); then the same for Hᵀ with m in place of n.
    /// - Multiplicative (KL): W ← W ∘ ((X ⊘ WH) Hᵀ) ⊘ (1 h + α_W ρ n + α_W (1 − ρ) n W), h the row sums of H, WH
    ///   floored at ε; then H alike with the column sums of the new W; entries of H below float64's ε set to 0. Only
    ///   the nonzeros of X enter X ⊘ WH, so an iteration costs O(nnz(X) k).
    ///
    /// `observer` sees the start and every iteration.
    /// - Throws: ``LinearAlgebraError/invalidArgument(argument:reason:)`` naming `x` for a negative entry, `rank`,
    ///   `alphaW`, `alphaH`, `l1Ratio`, `iterations` or `tolerance` when out of range, and the errors of the SVD.
    public static func fit(_ x: Matrix<Double>, options: FitOptions,
                           observer: (FitRecord) -> Void = { _ in }) throws -> FitResult {
        try x.requireNonEmpty("x")
        try x.requireFinite("x")
        let m = x.rows, n = x.columns, k = options.rank
        func bad(_ argument: String, _ reason: String) -> LinearAlgebraError { .invalidArgument(argument: argument, reason: reason) }
        if let index = x.elements.firstIndex(where: { $0 < 0 }) {
            throw bad("x", "NMF needs X ≥ 0, but x[\(index % m), \(index / m)] = \(x.elements[index])")
        }
        guard k >= 1, k <= Swift.min(m, n) else { throw bad("rank", "must satisfy 1 ≤ rank ≤ min(m, n) = \(Swift.min(m, n)), got \(k)") }
        let alphaH = options.alphaH ?? options.alphaW
        guard options.alphaW >= 0, options.alphaW.isFinite else { throw bad("alphaW", "must be finite and ≥ 0") }
        guard alphaH >= 0, alphaH.isFinite else { throw bad("alphaH", "must be finite and ≥ 0") }
        guard options.l1Ratio >= 0, options.l1Ratio <= 1 else { throw bad("l1Ratio", "must lie in [0, 1]") }
        guard options.iterations >= 0 else { throw bad("iterations", "must be ≥ 0") }
        if let t = options.tolerance { guard t >= 0, t.isFinite else { throw bad("tolerance", "must be finite and ≥ 0") } }

        let penalty = Penalty(l1W: options.alphaW * options.l1Ratio * Double(n), l2W: options.alphaW * (1 - options.l1Ratio) * Double(n),
                              l1H: alphaH * options.l1Ratio * Double(m), l2H: alphaH * (1 - options.l1Ratio) * Double(m))
        var (w, h) = try initialFactors(x, rank: k, options.initialization)
        let pattern = options.divergence == .kullbackLeibler ? NonzeroPattern(x) : nil
        var products = options.divergence == .frobenius ? try FrobeniusProducts(x, w, h) : nil
        func record(_ iteration: Int) throws -> FitRecord {
            let d = try pattern.map { $0.kullbackLeibler(w, h) } ?? products?.loss(w) ?? frobenius(x, w, h)
            return FitRecord(iteration: iteration, objective: d + penalty.value(w, h), divergence: d)
        }
        var history = [try record(0)]
        observer(history[0])
        var done = 0
        while done < options.iterations {
            switch options.divergence {
            case .frobenius:
                try products?.coordinateDescentStep(x, &w, &h, penalty)
            case .kullbackLeibler:
                pattern?.multiplicativeStep(&w, &h, penalty)
            }
            done += 1
            let r = try record(done)
            history.append(r)
            observer(r)
            if let t = options.tolerance, history.count >= 2,
               history[history.count - 2].objective - r.objective < t * history[0].objective { break }
        }
        return FitResult(w: w, h: h, history: history, iterations: done)
    }

    /// The penalty weights in scikit-learn's scaling (`l1_reg_W` = α_W ρ n, …).
    struct Penalty {
        let l1W: Double, l2W: Double, l1H: Double, l2H: Double

        /// l1W ‖W‖₁ + ½ l2W ‖W‖² + l1H ‖H‖₁ + ½ l2H ‖H‖².
        func value(_ w: Matrix<Double>, _ h: Matrix<Double>) -> Double {
            func sums(_ a: [Double]) -> (Double, Double) { a.reduce((0, 0)) { ($0.0 + $1, $0.1 + $1 * $1) } }
            let (w1, w2) = sums(w.elements), (h1, h2) = sums(h.elements)
            return l1W * w1 + 0.5 * l2W * w2 + l1H * h1 + 0.5 * l2H * h2
        }
    }

    /// ½‖X − WH‖²_F.
    static func frobenius(_ x: Matrix<Double>, _ w: Matrix<Double>, _ h: Matrix<Double>) throws -> Double {
        let r = try x - (w * h)
        let f = r.frobeniusNorm
        return 0.5 * f * f
    }

    /// The products a coordinate-descent iteration shares with the objective: X Hᵀ and H Hᵀ of the current H (they
    /// serve the next W update as they are) and WᵀW of the current W, so that ½‖X − WH‖² = ½‖X‖² − ⟨X Hᵀ, W⟩ +
    /// ½⟨WᵀW, H Hᵀ⟩ costs no product of its own.
    struct FrobeniusProducts {
        let halfSquaredNorm: Double
        var xht: Matrix<Double>, hht: Matrix<Double>, wtw: Matrix<Double>

        init(_ x: Matrix<Double>, _ w: Matrix<Double>, _ h: Matrix<Double>) throws {
            let f = x.frobeniusNorm
            halfSquaredNorm = 0.5 * f * f
            xht = try Matrix.product(x, .none, h, .transpose)
            hht = try Matrix.product(h, .none, h, .transpose)
            wtw = try Matrix.product(w, .transpose, w, .none)
        }

        /// ½‖X − WH‖²_F from the cached products (W must be the W of ``wtw``).
        func loss(_ w: Matrix<Double>) -> Double {
            var cross = 0.0, quadratic = 0.0
            for i in 0..<w.elements.count { cross += xht.elements[i] * w.elements[i] }
            for i in 0..<hht.elements.count { quadratic += wtw.elements[i] * hht.elements[i] }
            return Swift.max(0, halfSquaredNorm - cross + 0.5 * quadratic)
        }

        /// One coordinate-descent sweep over W (with X Hᵀ, H Hᵀ cached), then over H (X ᵀW, WᵀW), then the new
        /// X Hᵀ and H Hᵀ; the penalties enter the numerator and the Gram's diagonal inside the sweep.
        mutating func coordinateDescentStep(_ x: Matrix<Double>, _ w: inout Matrix<Double>, _ h: inout Matrix<Double>,
                                            _ penalty: Penalty) throws {
            var wt = w.transposed
            NMF.hals(factorT: &wt, numerator: xht, gram: hht, maxInner: 1, l1: penalty.l1W, l2: penalty.l2W)
            w = wt.transposed
            wtw = try Matrix.product(w, .transpose, w, .none)
            let xtw = try Matrix.product(x, .transpose, w, .none)
            NMF.hals(factorT: &h, numerator: xtw, gram: wtw, maxInner: 1, l1: penalty.l1H, l2: penalty.l2H)
            xht = try Matrix.product(x, .none, h, .transpose)
            hht = try Matrix.product(h, .none, h, .transpose)
        }
    }

    /// The nonzeros of X by row and by column, for the Kullback–Leibler updates and objective.
    struct NonzeroPattern {
        let m: Int, n: Int
        let total: Double
        /// By row i: columns and values.
        let rowStart: [Int], rowColumn: [Int], rowValue: [Double]
        /// By column j: rows and values.
        let columnStart: [Int], columnRow: [Int], columnValue: [Double]

        init(_ x: Matrix<Double>) {
            m = x.rows; n = x.columns
            var columnStart = [0], columnRow: [Int] = [], columnValue: [Double] = []
            var counts = [Int](repeating: 0, count: m)
            for j in 0..<n {
                for i in 0..<m where x.elements[i + m * j] > 0 {
                    columnRow.append(i); columnValue.append(x.elements[i + m * j]); counts[i] += 1
                }
                columnStart.append(columnRow.count)
            }
            var rowStart = [Int](repeating: 0, count: m + 1)
            for i in 0..<m { rowStart[i + 1] = rowStart[i] + counts[i] }
            var next = rowStart, rowColumn = [Int](repeating: 0, count: columnRow.count)
            var rowValue = [Double](repeating: 0, count: columnRow.count)
            for j in 0..<n {
                for e in columnStart[j]..<columnStart[j + 1] {
                    let i = columnRow[e]
                    rowColumn[next[i]] = j; rowValue[next[i]] = columnValue[e]; next[i] += 1
                }
            }
            (self.rowStart, self.rowColumn, self.rowValue) = (rowStart, rowColumn, rowValue)
            (self.columnStart, self.columnRow, self.columnValue) = (columnStart, columnRow, columnValue)
            total = columnValue.reduce(0, +)
        }

        /// Σ_{X>0} X log(X/WH) − ΣX + ΣWH (ΣWH = Σ_t (Σ_i W_it)(Σ_j H_tj)).
        func kullbackLeibler(_ w: Matrix<Double>, _ h: Matrix<Double>) -> Double {
            let k = w.columns
            let wt = w.transposed
            var sum = 0.0
            wt.elements.withUnsafeBufferPointer { pw in
                h.elements.withUnsafeBufferPointer { ph in
                    for j in 0..<n {
                        let hj = ph.baseAddress! + k * j
                        for e in columnStart[j]..<columnStart[j + 1] {
                            let wi = pw.baseAddress! + k * columnRow[e]
                            var wh = 0.0
                            for t in 0..<k { wh += wi[t] * hj[t] }
                            sum += columnValue[e] * Double.log(columnValue[e] / wh)
                        }
                    }
                }
            }
            var whSum = 0.0
            for t in 0..<k {
                var a = 0.0, b = 0.0
                for i in 0..<m { a += w.elements[i + m * t] }
                for j in 0..<n { b += h.elements[t + k * j] }
                whSum += a * b
            }
            return sum - total + whSum
        }

        /// One multiplicative update of W, then of H (see ``NMF/fit(_:options:observer:)``): the same half-step on
        /// Wᵀ against H over the rows of X, then on H against the new Wᵀ over its columns (scikit-learn replaces zero
        /// column sums of W by 1 and flushes entries of H below float64's ε; neither is done for W).
        func multiplicativeStep(_ w: inout Matrix<Double>, _ h: inout Matrix<Double>, _ penalty: Penalty) {
            var wt = w.transposed                                  // k × m: row i of W contiguous
            Self.multiplicativeHalf(&wt, fixed: h, start: rowStart, partner: rowColumn, value: rowValue, l1: penalty.l1W,
                                    l2: penalty.l2W, zeroSumsToOne: false, flushTiny: false)
            Self.multiplicativeHalf(&h, fixed: wt, start: columnStart, partner: columnRow, value: columnValue, l1: penalty.l1H,
                                    l2: penalty.l2H, zeroSumsToOne: true, flushTiny: true)
            w = wt.transposed
        }

        /// f_a ← f_a ∘ (Σ_b x_ab / max(f_a·g_b, ε) g_b) ⊘ (Σ_b′ g_b′ + l1 + l2 f_a) for every column a of F (k × ·),
        /// b over the nonzeros x_ab of its line of X (`start`, `partner`, `value`), G (k × ·) fixed; denominators of 0
        /// become ε.
        static func multiplicativeHalf(_ f: inout Matrix<Double>, fixed g: Matrix<Double>, start: [Int], partner: [Int],
                                       value: [Double], l1: Double, l2: Double, zeroSumsToOne: Bool, flushTiny: Bool) {
            let k = f.rows, floor = NMF.multiplicativeFloor
            var numerator = [Double](repeating: 0, count: k)
            var sums = [Double](repeating: 0, count: k)
            g.elements.withUnsafeBufferPointer { pg in
                for b in 0..<g.columns { for t in 0..<k { sums[t] += pg[t + k * b] } }
            }
            if zeroSumsToOne { for t in 0..<k where sums[t] == 0 { sums[t] = 1 } }
            f.elements.withUnsafeMutableBufferPointer { pf in
                g.elements.withUnsafeBufferPointer { pg in
                    for a in 0..<f.columns {
                        let fa = pf.baseAddress! + k * a
                        for t in 0..<k { numerator[t] = 0 }
                        for e in start[a]..<start[a + 1] {
                            let gb = pg.baseAddress! + k * partner[e]
                            var product = 0.0
                            for t in 0..<k { product += fa[t] * gb[t] }
                            let ratio = value[e] / Swift.max(product, floor)
                            for t in 0..<k { numerator[t] += ratio * gb[t] }
                        }
                        for t in 0..<k {
                            var denominator = sums[t] + l1 + l2 * fa[t]
                            if denominator == 0 { denominator = floor }
                            let updated = fa[t] * numerator[t] / denominator
                            fa[t] = flushTiny && updated < Double.ulpOfOne ? 0 : updated
                        }
                    }
                }
            }
        }
    }
}

