import LowRankKernels

/// A source of ADI shift parameters. Shifts p have Re p < 0 and are used as `(A + pE)⁻¹`;
/// of a complex-conjugate pair only the member with Im p > 0 is returned (the ADI applies the
/// pair in real arithmetic).
public protocol ADIShiftStrategy {
    /// The first set of shifts, before any ADI step.
    mutating func initialShifts(operator op: LyapunovOperator, rhs b: Matrix<Double>) throws -> [Complex<Double>]
    /// A new set when the current one is used up. `factor` is Z so far, `blockColumns` the
    /// number of columns one real step adds (m), `residualFactor` the current W.
    mutating func nextShifts(operator op: LyapunovOperator, factor: Matrix<Double>, blockColumns: Int,
                             residualFactor: Matrix<Double>, previous: [Complex<Double>]) throws -> [Complex<Double>]
}

/// The built-in shift strategies, as named in the CLI (`--shifts projection|heuristic|wachspress`).
public enum ShiftSelection {
    /// Self-generating projection shifts (Benner, Kürschner & Saak, ETNA 43 (2014) 142): Ritz values of
    /// the pencil projected onto the last `blocks` blocks of Z. pyMOR's default uses 6 blocks.
    case projection(blocks: Int)
    /// Penzl's heuristic (SIAM J. Sci. Comput. 21 (2000) 1401): `arnoldiSteps` Ritz values of E⁻¹A,
    /// `inverseSteps` of A⁻¹E, and `count` shifts chosen by the min–max rule.
    case heuristic(arnoldiSteps: Int, inverseSteps: Int, count: Int)
    /// Wachspress's optimal real shifts for a real spectrum in [−b, −a] (elliptic functions),
    /// `count` of them; spectrum bounds from Arnoldi.
    case wachspress(count: Int)
    /// A user-supplied strategy.
    case custom(any ADIShiftStrategy)

    /// Instantiates the strategy.
    public func makeStrategy() -> any ADIShiftStrategy {
        switch self {
        case .projection(let blocks): return ProjectionShifts(blocks: blocks)
        case .heuristic(let k, let l, let c): return HeuristicShifts(arnoldiSteps: k, inverseSteps: l, count: c)
        case .wachspress(let c): return WachspressShifts(count: c)
        case .custom(let s): return s
        }
    }
}

/// Shared shift utilities.
enum ShiftTools {
    /// Ritz values of the pencil `(A, E)` projected onto the orthonormal basis `u`:
    /// eigenvalues of `(Uᵀ E U)⁻¹ (Uᵀ A U)`.
    static func ritzValues(_ op: LyapunovOperator, basis u: Matrix<Double>) throws -> [Complex<Double>] {
        if u.columns == 0 { return [] }
        let au = try Matrix.product(u, .transpose, op.applyA(u), .none)
        let h: Matrix<Double>
        if op.hasIdentityE {
            h = au
        } else {
            let eu = try Matrix.product(u, .transpose, op.applyE(u), .none)
            h = try eu.solve(au)
        }
        return try h.eigen().eigenvalues
    }

    /// Keeps stable values (Re < 0), one of each conjugate pair (Im ≥ 0), sets |Im/Re| < 1e-12 to
    /// real, removes duplicates, sorts by |p| ascending — pyMOR's post-processing.
    static func normalize(_ values: [Complex<Double>], symmetric: Bool) -> [Complex<Double>] {
        var out: [Complex<Double>] = []
        for v in values where v.real < 0 && v.isFinite {
            var p = Complex(v.real, Swift.abs(v.imaginary))
            if symmetric || Swift.abs(p.imaginary / p.real) < 1e-12 { p = Complex(p.real, 0) }
            if !out.contains(where: { ($0 - p).length <= 1e-12 * p.length }) { out.append(p) }
        }
        return out.sorted { $0.length < $1.length }
    }

    /// Arnoldi process: `steps` Ritz values of the linear map `apply` from start vector `v0`.
    static func arnoldiRitzValues(steps: Int, start v0: [Double],
                                  apply: (Matrix<Double>) throws -> Matrix<Double>) throws -> [Complex<Double>] {
        let n = v0.count
        let k = Swift.min(steps, n)
        if k == 0 { return [] }
        var v = Matrix<Double>(rows: n, columns: k + 1)
        var h = Matrix<Double>(rows: k + 1, columns: k)
        let nrm = Vector.norm(v0)
        guard nrm > 0 else { return [] }
        for i in 0..<n { v[i, 0] = v0[i] / nrm }
        var used = k
        for j in 0..<k {
            var w = try apply(v.columns(j..<(j + 1))).elements
            // Modified Gram–Schmidt, twice for stability.
            for _ in 0..<2 {
                for i in 0...j {
                    let col = v.column(i)
                    var dot = 0.0
                    for (a, b) in zip(col, w) { dot += a * b }
                    h[i, j] += dot
                    var idx = 0
                    for a in col { w[idx] -= dot * a; idx += 1 }
                }
            }
            let beta = Vector.norm(w)
            h[j + 1, j] = beta
            if beta < 1e-14 * nrm { used = j + 1; break }
            for i in 0..<n { v[i, j + 1] = w[i] / beta }
        }
        return try h.submatrix(rows: 0..<used, columns: 0..<used).eigen().eigenvalues
    }
}

/// Projection shifts (Benner, Kürschner & Saak, ETNA 43 (2014) 142), as in pyMOR and M.E.S.S.:
/// the initial set from the span of B, later sets from the last `blocks` blocks of the factor.
/// When a projection gives no stable value, the previous set is reused.
///
/// **Adaptive subspace.** On lightly damped systems (eigenvalues with |Im λ| ≫ |Re λ|, such as
/// CDplayer with |Im/Re| ≈ 100) every mode needs a shift close to it, and Ritz values of the last
/// 6 blocks keep re-approximating the same few modes: pyMOR stalls near 1e-9 after 500 steps.
/// We measure the convergence rate of each shift cycle, log₁₀(r_start / r_end) per step; when it
/// falls below `stallRate` after `patience` steps, the projection space is doubled (up to `maxBlocks` blocks), so the
/// Ritz values resolve more of the spectrum. Well-behaved problems (rail: ≈ 0.12 decades per step)
/// never trigger it and take exactly pyMOR's steps.
public struct ProjectionShifts: ADIShiftStrategy {
    /// Number of trailing factor blocks spanned (pyMOR default 6).
    public var blocks: Int
    /// Convergence rate (decades per step) below which the subspace grows; `0` disables growth.
    public var stallRate: Double
    /// Upper limit for `blocks`.
    public var maxBlocks: Int
    /// Steps before growth is considered (residual plateaus early on are normal, e.g. on rail).
    public var patience: Int
    private var cycleStartResidual: Double?
    private var stepsTaken = 0

    public init(blocks: Int = 6, stallRate: Double = 0.025, maxBlocks: Int = 48, patience: Int = 100) {
        self.blocks = Swift.max(1, blocks)
        self.stallRate = stallRate
        self.maxBlocks = Swift.max(self.blocks, maxBlocks)
        self.patience = patience
    }

    public mutating func initialShifts(operator op: LyapunovOperator, rhs b: Matrix<Double>) throws -> [Complex<Double>] {
        let q = try b.orthonormalized()
        var shifts = ShiftTools.normalize(try ShiftTools.ritzValues(op, basis: q), symmetric: op.isSymmetric)
        if shifts.isEmpty {
            // Retry with random bases of the same size (pyMOR retries up to 20 times).
            var g = SeededGenerator(seed: 1)
            for _ in 0..<20 where shifts.isEmpty {
                let r = try Matrix<Double>.randomNormal(rows: op.dimension, columns: b.columns, using: &g).orthonormalized()
                shifts = ShiftTools.normalize(try ShiftTools.ritzValues(op, basis: r), symmetric: op.isSymmetric)
            }
        }
        let bn = try b.spectralNorm()
        cycleStartResidual = bn * bn
        return shifts
    }

    public mutating func nextShifts(operator op: LyapunovOperator, factor z: Matrix<Double>, blockColumns: Int,
                                    residualFactor w: Matrix<Double>, previous: [Complex<Double>]) throws -> [Complex<Double>] {
        let wn = try w.spectralNorm()
        let residual = wn * wn
        if stallRate > 0, let start = cycleStartResidual, residual > 0 {
            let steps = previous.reduce(0) { $0 + ($1.imaginary == 0 ? 1 : 2) }
            stepsTaken += steps
            let rate = Double.log10(start / residual) / Double(Swift.max(1, steps))
            if stepsTaken >= patience && rate < stallRate { blocks = Swift.min(maxBlocks, 2 * blocks) }
        }
        cycleStartResidual = residual
        let cols = Swift.min(z.columns, blocks * blockColumns)
        let u = try z.columns((z.columns - cols)..<z.columns).orthonormalized()
        let shifts = ShiftTools.normalize(try ShiftTools.ritzValues(op, basis: u), symmetric: op.isSymmetric)
        return shifts.isEmpty ? previous : shifts
    }
}

/// Penzl's heuristic shifts, computed once (the set is cycled).
public struct HeuristicShifts: ADIShiftStrategy {
    public var arnoldiSteps: Int, inverseSteps: Int, count: Int
    public init(arnoldiSteps: Int = 50, inverseSteps: Int = 25, count: Int = 20) {
        self.arnoldiSteps = arnoldiSteps; self.inverseSteps = inverseSteps; self.count = count
    }

    public mutating func initialShifts(operator op: LyapunovOperator, rhs b: Matrix<Double>) throws -> [Complex<Double>] {
        let start = (0..<op.dimension).map { i in (0..<b.columns).reduce(0.0) { $0 + b[i, $1] } }
        let plus = try ShiftTools.arnoldiRitzValues(steps: arnoldiSteps, start: start) { try op.solveE(op.applyA($0)) }
        let minusInv = try ShiftTools.arnoldiRitzValues(steps: inverseSteps, start: start) { try op.solveA(op.applyE($0)) }
        let minus = minusInv.compactMap { $0.length > 0 ? Complex<Double>(1) / $0 : nil }
        let candidates = (plus + minus).filter { $0.real < 0 && $0.isFinite }
        guard !candidates.isEmpty else {
            throw ADIError.noStableShifts(reason: "Arnoldi found no Ritz value with negative real part; is A stable?")
        }
        return ShiftTools.normalize(HeuristicShifts.minMax(candidates, count: count), symmetric: op.isSymmetric)
    }

    public mutating func nextShifts(operator op: LyapunovOperator, factor: Matrix<Double>, blockColumns: Int,
                                    residualFactor: Matrix<Double>, previous: [Complex<Double>]) throws -> [Complex<Double>] {
        previous
    }

    /// Penzl's greedy min–max selection: |∏ⱼ (x − p̄ⱼ)/(x + pⱼ)| made small over the candidates x.
    static func minMax(_ r: [Complex<Double>], count: Int) -> [Complex<Double>] {
        func s(_ x: Complex<Double>, _ ps: [Complex<Double>]) -> Double {
            ps.reduce(1.0) { $0 * (x - $1.conjugate).length / (x + $1).length }
        }
        var best = r[0], bestVal = Double.infinity
        for p in r {
            let v = r.map { s($0, [p]) }.max() ?? 0
            if v < bestVal { bestVal = v; best = p }
        }
        var chosen = [best]
        if best.imaginary != 0 { chosen.append(best.conjugate) }
        while chosen.count < count {
            guard let next = r.max(by: { s($0, chosen) < s($1, chosen) }) else { break }
            if s(next, chosen) == 0 { break }
            chosen.append(next)
            if next.imaginary != 0 { chosen.append(next.conjugate) }
        }
        return chosen
    }
}

/// Wachspress's optimal real shifts for a spectrum in [−b, −a] ⊂ ℝ⁻ (Wachspress 1988; see
/// Li & White, SIAM J. Matrix Anal. Appl. 24 (2002) 260): pⱼ = −b·dn((2j − 1)K/(2ℓ), k),
/// k = √(1 − (a/b)²). Meant for symmetric problems; bounds come from Arnoldi Ritz values.
public struct WachspressShifts: ADIShiftStrategy {
    public var count: Int
    public init(count: Int = 20) { self.count = Swift.max(1, count) }

    public mutating func initialShifts(operator op: LyapunovOperator, rhs b: Matrix<Double>) throws -> [Complex<Double>] {
        let start = (0..<op.dimension).map { i in (0..<b.columns).reduce(0.0) { $0 + b[i, $1] } }
        let big = try ShiftTools.arnoldiRitzValues(steps: 30, start: start) { try op.solveE(op.applyA($0)) }
        let smallInv = try ShiftTools.arnoldiRitzValues(steps: 30, start: start) { try op.solveA(op.applyE($0)) }
        let hi = big.map { Swift.abs($0.real) }.max() ?? 0
        let loInv = smallInv.map { Swift.abs($0.real) }.max() ?? 0
        guard hi > 0, loInv > 0 else {
            throw ADIError.noStableShifts(reason: "could not bound the spectrum for Wachspress shifts")
        }
        let a = Swift.min(1 / loInv, hi), bnd = hi
        return WachspressShifts.shifts(a: a, b: bnd, count: count).map { Complex($0, 0) }
    }

    public mutating func nextShifts(operator op: LyapunovOperator, factor: Matrix<Double>, blockColumns: Int,
                                    residualFactor: Matrix<Double>, previous: [Complex<Double>]) throws -> [Complex<Double>] {
        previous
    }

    /// The ℓ Wachspress shifts for the interval [−b, −a].
    static func shifts(a: Double, b: Double, count l: Int) -> [Double] {
        if a >= b { return [Double](repeating: -a, count: 1) }
        let kp = a / b
        let k = (1 - kp * kp).squareRoot()
        let bigK = completeEllipticK(k)
        return (1...l).map { j in -b * jacobiDN((2 * Double(j) - 1) * bigK / (2 * Double(l)), k) }
    }

    /// K(k) by the arithmetic–geometric mean: K = π / (2 AGM(1, √(1 − k²))).
    static func completeEllipticK(_ k: Double) -> Double {
        var a = 1.0, g = (1 - k * k).squareRoot()
        for _ in 0..<60 where Swift.abs(a - g) > 1e-16 * a { (a, g) = ((a + g) / 2, (a * g).squareRoot()) }
        return Double.pi / (2 * a)
    }

    /// Jacobi dn(u, k) by the descending Landen / AGM scheme (Abramowitz & Stegun 16.4).
    static func jacobiDN(_ u: Double, _ k: Double) -> Double {
        var a = [1.0], c = [k]
        var b = (1 - k * k).squareRoot()
        var n = 0
        while Swift.abs(c[n]) > 1e-16 && n < 40 {
            let an = (a[n] + b) / 2
            c.append((a[n] - b) / 2)
            b = (a[n] * b).squareRoot()
            a.append(an)
            n += 1
        }
        var phi = Double(1 << n) * a[n] * u
        for i in stride(from: n, to: 0, by: -1) {
            phi = (phi + Double.asin(c[i] / a[i] * Double.sin(phi))) / 2
        }
        // dn = cos φ₀ / cos(φ₁ − φ₀); recompute φ₁ for the ratio.
        var phis = [Double](repeating: 0, count: n + 1)
        phis[n] = Double(1 << n) * a[n] * u
        for i in stride(from: n, to: 0, by: -1) {
            phis[i - 1] = (phis[i] + Double.asin(c[i] / a[i] * Double.sin(phis[i]))) / 2
        }
        _ = phi
        if n == 0 { return 1 }
        return Double.cos(phis[0]) / Double.cos(phis[1] - phis[0])
    }
}
