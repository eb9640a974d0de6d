import Foundation
import Testing
import ControlReduction
import LowRankKernels

/// rail_1357 with its LR-ADI Gramian factors, computed once for the suite.
enum Rail1357 {
    struct Data: Sendable { let system: LTISystem; let zc: Matrix<Double>; let zo: Matrix<Double> }
    static let cached: Result<Data, Error> = Result {
        let sys = try Models.load("rail_1357")
        let p = try LyapunovSolver.solve(sys, .controllability, method: .adi)
        let q = try LyapunovSolver.solve(sys, .observability, method: .adi)
        return Data(system: sys, zc: p.factor, zo: q.factor)
    }
    static func load() throws -> Data { try cached.get() }

    /// pyMOR 2026.1.1 `BTReductor` (square root, LR-ADI Gramians) on rail_1357, peers/control/RESULTS.md:
    /// r → (bound 2 Σ_{i>r} σᵢ, measured max σ_max(G − G_r) on {0} ∪ logspace(−6, 6, 200)), three significant digits.
    static let pyMOR: [(order: Int, bound: Double, measured: Double)] =
        [(10, 3.86e-2, 1.05e-2), (20, 6.01e-3, 1.23e-3), (40, 1.56e-4, 2.86e-5)]
    /// max over the same grid of σ_max(G(iω)) of the full model (pyMOR run `runs/bt_rail_1357.json`,
    /// `fom_peak_sigma`; also ‖G(0)‖₂ = 0.352254 from SciPy's dense solve of A X = B).
    static let peakGain = 0.35225424849035303
    /// σ₂₀ from the same run's `hsv_head`.
    static let sigma20 = 6.189235153731666e-4
}

/// Half a unit in the last digit of a value published with three significant digits.
func halfUnit(_ published: Double) -> Double { 0.005 * Double.pow(10, Double.log10(published).rounded(.down)) }

/// max |x − y| over all entries, relative to max |y|.
func relativeMaxDifference(_ x: Matrix<Double>, _ y: Matrix<Double>) throws -> Double {
    try x.subtracting(y).maxAbs / Swift.max(y.maxAbs, .leastNormalMagnitude)
}

@Suite struct BalancedTruncationReductorTests {
    /// `reduce(orders:)` from one SVD gives the same reduced matrices as a new reductor per order (to 1e-12), and its
    /// bounds and measured H∞ errors are pyMOR's published figures (within half a unit of their last digit).
    @Test func severalOrdersFromOneSVDMatchSeparateReductionsAndPyMOR() throws {
        let rail = try Rail1357.load()
        let bt = try BalancedTruncation(rail.system, controllability: rail.zc, observability: rail.zo)
        let roms = try bt.reduce(orders: Rail1357.pyMOR.map(\.order))
        let full = try FrequencyResponse.samples(rail.system, at: try FrequencyResponse.grid())
        for (rom, ref) in zip(roms, Rail1357.pyMOR) {
            #expect(rom.order == ref.order && rom.reduced.order == ref.order)
            let alone = try BalancedTruncation(rail.system, controllability: rail.zc, observability: rail.zo).reduce(order: ref.order)
            #expect(try relativeMaxDifference(rom.reduced.a.dense, alone.reduced.a.dense) <= 1e-12, "A_r, r = \(ref.order)")
            #expect(try relativeMaxDifference(rom.reduced.b, alone.reduced.b) <= 1e-12, "B_r, r = \(ref.order)")
            #expect(try relativeMaxDifference(rom.reduced.c, alone.reduced.c) <= 1e-12, "C_r, r = \(ref.order)")
            #expect(rom.errorBound == bt.errorBounds[ref.order])
            #expect(Swift.abs(rom.errorBound - ref.bound) <= halfUnit(ref.bound), "bound r = \(ref.order): \(rom.errorBound)")
            let measured = try FrequencyResponse.errorSweep(full: full, reduced: rom.reduced).maximum
            #expect(Swift.abs(measured - ref.measured) <= halfUnit(ref.measured), "measured r = \(ref.order): \(measured)")
            #expect(measured <= rom.errorBound)
        }
        // The shared samples give the same sweep as a fresh one (the same solves, in the same order).
        let fresh = try FrequencyResponse.errorSweep(full: rail.system, reduced: roms[1].reduced, omegas: full.omegas)
        #expect(fresh.error == (try FrequencyResponse.errorSweep(full: full, reduced: roms[1].reduced)).error)
    }

    /// The three projections span the same subspaces, so they give the same reduced transfer function (an
    /// identity): max over the grid of σ_max(G_a(iω) − G_b(iω)) ≤ 1e-10 ‖G‖_H∞ at r = 20.
    @Test func projectionsGiveTheSameTransferFunction() throws {
        let rail = try Rail1357.load()
        let omegas = try FrequencyResponse.grid()
        var responses: [[Matrix<Complex<Double>>]] = []
        for method in BalancedTruncation.Projection.allCases {
            let bt = try BalancedTruncation(rail.system, controllability: rail.zc, observability: rail.zo, projection: method)
            #expect(bt.projectionMethod == method)
            responses.append(try FrequencyResponse.evaluate(try bt.reduce(order: 20).reduced, at: omegas))
        }
        for other in responses.dropFirst() {
            var worst = 0.0
            for (a, b) in zip(responses[0], other) { worst = Swift.max(worst, try a.subtracting(b).spectralNorm()) }
            #expect(worst <= 1e-10 * Rail1357.peakGain, "max σ_max(G_sr − G) = \(worst)")
        }
    }

    /// Wᵀ E T = I for the square-root and biorthogonal bases, orthonormal bases for balancing-free, and
    /// reconstruct(project(x)) = x on span(T) (Π = T (Wᵀ E T)⁻¹ Wᵀ E is a projector onto span(T)).
    @Test(arguments: BalancedTruncation.Projection.allCases)
    func projectThenReconstructIsTheIdentityOnTheDominantSubspace(method: BalancedTruncation.Projection) throws {
        let rail = try Rail1357.load()
        let bt = try BalancedTruncation(rail.system, controllability: rail.zc, observability: rail.zo, projection: method)
        let r = 20
        let bases = try bt.projection(for: r)
        #expect(bases.order == r && bases.t.rows == rail.system.order && bases.w.columns == r)
        let e = try #require(rail.system.e)
        let wet = try Matrix.product(bases.w, .transpose, try e.multiplied(by: bases.t), .none)
        switch method {
        case .squareRoot, .biorthogonal:
            #expect(bases.reducedE == nil)
            #expect(try wet.subtracting(.identity(r)).maxAbs <= 1e-10)
        case .balancingFreeSquareRoot:
            let ref = try #require(bases.reducedE)
            #expect(try relativeMaxDifference(wet, ref) <= 1e-14)
            for q in [bases.t, bases.w] {
                #expect(try Matrix.product(q, .transpose, q, .none).subtracting(.identity(r)).maxAbs <= 1e-13)
            }
        }
        if method == .biorthogonal {
            #expect(try Matrix.product(bases.t, .transpose, bases.t, .none).subtracting(.identity(r)).maxAbs <= 1e-13)
        }
        var g = SeededGenerator(seed: 3)
        let x = try Matrix.product(bases.t, .none, Matrix<Double>.randomNormal(rows: r, columns: 3, using: &g), .none)
        let back = try bases.reconstruct(try bases.project(x))
        #expect(try back.subtracting(x).frobeniusNorm <= 1e-10 * x.frobeniusNorm)
        let viaReductor = try bt.reconstruct(try bt.project(x, order: r))
        #expect(try viaReductor.subtracting(x).frobeniusNorm <= 1e-10 * x.frobeniusNorm)
        #expect(throws: LinearAlgebraError.self) { try bases.project(Matrix<Double>(rows: 5, columns: 1)) }
        #expect(throws: LinearAlgebraError.self) { try bases.reconstruct(Matrix<Double>(rows: r + 1, columns: 1)) }
    }

    /// errorBounds[r] = 2 Σ_{i>r} σᵢ for r = 0 … n_hsv (consecutive differences are 2σ_{r+1}, the last is 0);
    /// reduce(maxError:) picks r = 20 for ε between pyMOR's bound at 20 (6.01e-3) and at 19 (6.01e-3 + 2σ₂₀ = 7.25e-3).
    @Test func errorBoundsAndOrderSelection() throws {
        let rail = try Rail1357.load()
        let bt = try BalancedTruncation(rail.system, controllability: rail.zc, observability: rail.zo)
        let hsv = bt.hankelSingularValues
        #expect(hsv.count == Swift.min(rail.zc.columns, rail.zo.columns))
        #expect(bt.errorBounds.count == hsv.count + 1)
        #expect(bt.errorBounds.last == 0)
        for r in 0..<hsv.count {
            #expect(Swift.abs(bt.errorBounds[r] - bt.errorBounds[r + 1] - 2 * hsv[r]) <= 1e-14 * bt.errorBounds[0])
        }
        #expect(Swift.abs(hsv[19] - Rail1357.sigma20) <= 1e-4 * Rail1357.sigma20)
        #expect(try bt.reduce(maxError: 6.5e-3).order == 20)
        #expect(try bt.order(forMaxError: 6.5e-3) == 20)
        for bad in [0, -3, hsv.count + 1] {
            #expect(throws: LinearAlgebraError.self) { try bt.reduce(order: bad) }
            #expect(throws: LinearAlgebraError.self) { try bt.projection(for: bad) }
        }
        #expect(throws: LinearAlgebraError.self) { try bt.reduce(orders: []) }
        #expect(throws: LinearAlgebraError.self) { try bt.reduce(orders: [10, 0]) }
        for bad in [0.0, -1, .nan, .infinity] { #expect(throws: LinearAlgebraError.self) { try bt.reduce(maxError: bad) } }
        // Factors of the wrong height, empty or non-finite are typed errors.
        #expect(throws: LinearAlgebraError.self) {
            try BalancedTruncation(rail.system, controllability: rail.zc.rows(0..<10), observability: rail.zo)
        }
        #expect(throws: LinearAlgebraError.self) {
            try BalancedTruncation(rail.system, controllability: Matrix(rows: rail.system.order, columns: 0), observability: rail.zo)
        }
        var nan = rail.zo
        nan[0, 0] = .nan
        #expect(throws: LinearAlgebraError.self) { try BalancedTruncation(rail.system, controllability: rail.zc, observability: nan) }
    }

    /// The old one-shot API is the reductor with the square-root projection.
    @Test func statelessAPIIsTheSquareRootReductor() throws {
        let sys = try Models.load("slicot_build")
        let p = try LyapunovSolver.solve(sys, .controllability)
        let q = try LyapunovSolver.solve(sys, .observability)
        let old = try BalancedTruncation.reduce(sys, controllability: p.factor, observability: q.factor, selection: .order(8))
        let new = try BalancedTruncation(sys, controllability: p.factor, observability: q.factor).reduce(order: 8)
        #expect(old.reduced.a.dense == new.reduced.a.dense && old.reduced.b == new.reduced.b && old.reduced.c == new.reduced.c)
        #expect(old.errorBound == BalancedTruncation.errorBound(old.hankelSingularValues, order: 8))
        // pyMOR (dense Gramians) on slicot_build, RESULTS.md: bound 4.72e-3 at r = 10.
        let ten = try BalancedTruncation(sys, controllability: p.factor, observability: q.factor).reduce(order: 10)
        #expect(Swift.abs(ten.errorBound - 4.72e-3) <= 0.005e-3)
    }
}
