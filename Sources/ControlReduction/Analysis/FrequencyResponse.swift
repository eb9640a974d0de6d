import Foundation
import LowRankKernels

/// Frequency-domain analysis: G(iω) = C (iωE − A)⁻¹ B + D.
public enum FrequencyResponse {
    /// The default grid of the peer scripts: ω = 0 and `count` log-spaced points in [ωmin, ωmax].
    public static func grid(count: Int = 200, omegaMin: Double = 1e-6, omegaMax: Double = 1e6) throws -> [Double] {
        guard count >= 1, omegaMin > 0, omegaMax >= omegaMin, omegaMax.isFinite else {
            throw LinearAlgebraError.invalidArgument(argument: "frequencies",
                                                     reason: "need count ≥ 1 and 0 < omega-min ≤ omega-max")
        }
        try MemoryBudget.require(MemoryBudget.bytes(Double(count) + 1), for: "a frequency grid of \(count + 1) points")
        let lo = Double.log10(omegaMin), hi = Double.log10(omegaMax)
        let pts = count == 1 ? [omegaMin] : (0..<count).map { Double.pow(10, lo + (hi - lo) * Double($0) / Double(count - 1)) }
        return [0] + pts
    }

    /// Bytes an ``errorSweep(full:reduced:omegas:)`` of `points` frequencies holds: G(iω) and G_r(iω) as p×m
    /// complex matrices (16 bytes an entry plus about 96 bytes of array overhead each), and four doubles a point.
    public static func sweepMemoryEstimate(points: Int, outputs p: Int, inputs m: Int) -> Double {
        Double(points) * (2 * (16 * Double(p) * Double(m) + 96) + 32)
    }

    /// G(iω) for each ω, as p×m complex matrices. Each worker owns an operator, so the shifted
    /// solves reuse its symbolic analysis (one numeric factorization of `A − iωE` per frequency);
    /// large models spread the frequencies over the cores with single-threaded BLAS.
    public static func evaluate(_ system: LTISystem, at omegas: [Double]) throws -> [Matrix<Complex<Double>>] {
        let workers = system.order >= 2000 ? Swift.min(ProcessInfo.processInfo.activeProcessorCount, omegas.count) : 1
        if workers <= 1 { return try evaluate(system, at: omegas, indices: Array(omegas.indices)).map { $0.1 } }
        let threads = BLASThreads.count
        BLASThreads.set(1)
        defer { BLASThreads.set(threads) }
        let box = SweepBox(count: omegas.count)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let mine = Array(stride(from: w, to: omegas.count, by: workers))
            do {
                for (i, g) in try evaluate(system, at: omegas, indices: mine) { box.set(i, g) }
            } catch {
                box.fail(error)
            }
        }
        return try box.values()
    }

    static func evaluate(_ system: LTISystem, at omegas: [Double], indices: [Int]) throws
        -> [(Int, Matrix<Complex<Double>>)] {
        let op = try LyapunovSolver.makeOperator(system, .controllability)
        let bc = system.b.complexified.scaled(by: Complex(-1, 0))
        let cc = system.c.complexified
        let dc = system.d?.complexified
        return try indices.map { i in
            let w = omegas[i]
            // (iωE − A) X = B  ⇔  (A + pE) X = −B with p = −iω.
            let x: Matrix<Complex<Double>>
            if w == 0 {
                x = try op.solveShifted(0.0, system.b.scaled(by: -1)).complexified
            } else {
                x = try op.solveShifted(Complex(0, -w), bc)
            }
            var g = try Matrix.product(cc, .none, x, .none)
            if let dc { g = try g.adding(dc) }
            return (i, g)
        }
    }

    /// max over the grid of σ_max(G(iω) − G_r(iω)), and the full/reduced/error curves.
    public struct ErrorSweep: Sendable {
        public let omegas: [Double]
        public let full: [Double]
        public let reduced: [Double]
        public let error: [Double]
        /// The measured H∞ error on the grid.
        public var maximum: Double { error.max() ?? 0 }
    }

    /// Evaluates σ_max of the full model, the reduced model and their difference on `omegas`.
    public static func errorSweep(full: LTISystem, reduced: LTISystem, omegas: [Double]) throws -> ErrorSweep {
        try errorSweep(full: try samples(full, at: omegas), reduced: reduced)
    }

    /// The transfer function of one model sampled on a frequency grid, kept to compare several reduced models with
    /// it without solving with the full model again: `values[k] = G(i ωₖ)` (p×m) and `norms[k] = σ_max(G(i ωₖ))`.
    public struct Samples: Sendable {
        /// The frequencies ω (rad/s).
        public let omegas: [Double]
        /// G(iω) at each frequency.
        public let values: [Matrix<Complex<Double>>]
        /// σ_max(G(iω)) at each frequency; their maximum is the grid estimate of ‖G‖_H∞ (a lower bound).
        public let norms: [Double]
        /// p×m of the sampled model.
        let outputs: Int, inputs: Int
    }

    /// Samples G(iω) of `system` on `omegas` (one shifted solve per frequency, see ``evaluate(_:at:)``).
    public static func samples(_ system: LTISystem, at omegas: [Double]) throws -> Samples {
        try MemoryBudget.require(sweepMemoryEstimate(points: omegas.count, outputs: system.outputs, inputs: system.inputs),
                                 for: "a frequency sweep of \(omegas.count) points")
        let g = try evaluate(system, at: omegas)
        return Samples(omegas: omegas, values: g, norms: try g.map { try $0.spectralNorm() },
                       outputs: system.outputs, inputs: system.inputs)
    }

    /// σ_max of the sampled full model, of `reduced` and of their difference on the samples' grid; only `reduced` is
    /// evaluated, so several reduced models cost one full-model sweep in all.
    ///
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:lhs:rhs:)`` when `reduced` has other numbers of
    ///   inputs or outputs than the sampled model.
    public static func errorSweep(full: Samples, reduced: LTISystem) throws -> ErrorSweep {
        guard reduced.outputs == full.outputs, reduced.inputs == full.inputs else {
            throw LinearAlgebraError.dimensionMismatch(operation: "frequency error sweep",
                                                       lhs: "full model p×m = \(full.outputs)×\(full.inputs)",
                                                       rhs: "reduced model p×m = \(reduced.outputs)×\(reduced.inputs)")
        }
        let gr = try evaluate(reduced, at: full.omegas)
        var r: [Double] = [], e: [Double] = []
        for (a, b) in zip(full.values, gr) {
            r.append(try b.spectralNorm())
            e.append(try a.subtracting(b).spectralNorm())
        }
        return ErrorSweep(omegas: full.omegas, full: full.norms, reduced: r, error: e)
    }
}

/// H2 norms through Gramians: ‖G‖²_H2 = tr(C P Cᵀ) = ‖C Z_c‖²_F for D = 0.
public enum H2Norm {
    /// ‖G‖_H2 from a controllability factor.
    public static func norm(_ system: LTISystem, controllability zc: Matrix<Double>) throws -> Double {
        try Matrix.product(system.c, .none, zc, .none).frobeniusNorm
    }

    /// ‖G − G_r‖_H2 = (‖G‖² + ‖G_r‖² − 2 tr(C X C_rᵀ))^½ where X solves the Sylvester equation
    /// `A X + E X A_rᵀ + B B_rᵀ = 0` (E_r = I). X is computed column-wise after a complex Schur
    /// decomposition A_rᵀ = U S Uᴴ: `(A + s_jj E) y_j = f_j − E Σ_{i<j} s_ij y_i`, `X = Y Uᴴ`,
    /// reusing the sparse symbolic analysis. The subtraction limits the relative accuracy to about
    /// √ε·‖G‖ when the error is tiny.
    public static func error(full: LTISystem, controllability zc: Matrix<Double>, reduced: LTISystem) throws -> Double {
        try ErrorEvaluator(full: full, controllability: zc).error(reduced: reduced)
    }

    /// ‖G − G_r‖_H2 of several reduced models of one full model (see ``error(full:controllability:reduced:)``):
    /// ‖G‖_H2 and the sparse operator of the full pencil (its symbolic analysis) are set up once.
    /// Not `Sendable`: the operator caches factorizations; use one evaluator per thread.
    public struct ErrorEvaluator {
        /// The full model.
        public let full: LTISystem
        /// Its controllability factor Z_c.
        public let controllabilityFactor: Matrix<Double>
        /// ‖G‖_H2 = ‖C Z_c‖_F of the full model.
        public let fullNorm: Double
        let op: LyapunovOperator

        /// Prepares the full model's norm and operator.
        public init(full: LTISystem, controllability zc: Matrix<Double>) throws {
            self.full = full
            self.controllabilityFactor = zc
            self.fullNorm = try H2Norm.norm(full, controllability: zc)
            self.op = try LyapunovSolver.makeOperator(full, .controllability)
        }

        /// ‖G − G_r‖_H2 for a reduced model with E_r = I.
        public func error(reduced: LTISystem) throws -> Double {
            guard reduced.inputs == full.inputs, reduced.outputs == full.outputs else {
                throw LinearAlgebraError.dimensionMismatch(operation: "H2 error", lhs: "full model p×m = \(full.outputs)×\(full.inputs)",
                                                           rhs: "reduced model p×m = \(reduced.outputs)×\(reduced.inputs)")
            }
            let g2 = fullNorm
            let zr = try DenseLyapunov.controllabilityFactor(a: reduced.a.dense, b: reduced.b)
            let gr2 = try norm(reduced, controllability: zr)
            let arT = reduced.a.dense.transposed.complexified
            let schur = try arT.schur()
            let r = arT.rows
            let f = try Matrix.product(full.b.complexified, .none,
                                       try Matrix.product(reduced.b.complexified, .transpose, schur.z, .none), .none)
                .scaled(by: Complex(-1, 0))
            var y = Matrix<Complex<Double>>(rows: full.order, columns: r)
            for j in 0..<r {
                var rhs = f.columns(j..<(j + 1))
                if j > 0 {
                    let prev = y.columns(0..<j)
                    let sCol = schur.t.submatrix(rows: 0..<j, columns: j..<(j + 1))
                    let acc = try Matrix.product(prev, .none, sCol, .none)
                    rhs = try rhs.subtracting(try op.applyE(acc))
                }
                let sjj = schur.t[j, j]
                let yj = try op.solveShifted(sjj, rhs)
                try y.setColumns(from: j, to: yj)
            }
            let x = try Matrix.product(y, .none, schur.z, .adjoint).realPart
            let cross = try Matrix.product(try Matrix.product(full.c, .none, x, .none), .none, reduced.c, .transpose)
            var trace = 0.0
            for i in 0..<Swift.min(cross.rows, cross.columns) { trace += cross[i, i] }
            let sq = g2 * g2 + gr2 * gr2 - 2 * trace
            return Swift.max(0, sq).squareRoot()
        }
    }
}

/// Thread-safe collection of frequency-response values computed concurrently.
final class SweepBox: @unchecked Sendable {
    private var slots: [Matrix<Complex<Double>>?]
    private var error: Error?
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ g: Matrix<Complex<Double>>) { lock.lock(); slots[i] = g; lock.unlock() }
    func fail(_ e: Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
    func values() throws -> [Matrix<Complex<Double>>] {
        lock.lock(); defer { lock.unlock() }
        if let error { throw error }
        return slots.map { $0 ?? Matrix(rows: 0, columns: 0) }
    }
}
