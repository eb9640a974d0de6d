import Foundation
import LowRankKernels

/// Low-rank ADI for the Lyapunov equation `A X Eᵀ + E X Aᵀ + B Bᵀ = 0`, `X ≈ Z Zᵀ`, in the
/// residual-factor form of Kürschner (PhD thesis, 2016, Alg. 4.3) and Benner, Kürschner & Saak
/// (Numer. Algorithms 62 (2013) 225) for complex shifts in real arithmetic:
///
/// - real p: `V = (A + pE)⁻¹ W`, `W ← W − 2p E V`, `Z ← [Z, √(−2p) V]`;
/// - complex p (Im p > 0, its conjugate implied): `V = (A + pE)⁻¹ W`, δ = Re p / Im p,
///   `W ← W − 4 Re p · E (Re V + δ Im V)`,
///   `Z ← [Z, √(−4 Re p)(Re V + δ Im V), √(−4 Re p)√(δ² + 1) Im V]`.
///
/// The residual is exactly `W Wᵀ`, so the stopping rule `‖WᵀW‖₂ ≤ tol·‖BᵀB‖₂` costs a small SVD.
/// A complex pair counts as two steps (pyMOR's convention). For the observability equation pass
/// the transposed operator and `Cᵀ`.
public enum LowRankADI {
    /// Solver parameters. Defaults are pyMOR's/M.E.S.S.'s published ones: tolerance 1e-10 on the
    /// relative 2-norm residual, at most 500 steps, projection shifts over 6 blocks.
    public struct Options {
        /// Relative residual tolerance ‖WᵀW‖₂ / ‖BᵀB‖₂.
        public var tolerance: Double
        /// Maximum number of steps (a complex pair counts as two).
        public var maxSteps: Int
        /// Shift strategy.
        public var shifts: ShiftSelection
        /// When set, columns of Z are compressed (SVD, relative tolerance) every time Z grows by
        /// this many columns and at the end.
        public var compressionTolerance: Double?
        /// The residual may grow to this multiple of its smallest value before the run is
        /// declared divergent (unstable system).
        public var divergenceFactor: Double

        public init(tolerance: Double = 1e-10, maxSteps: Int = 500, shifts: ShiftSelection = .projection(blocks: 6),
                    compressionTolerance: Double? = nil, divergenceFactor: Double = 1e6) {
            self.tolerance = tolerance
            self.maxSteps = maxSteps
            self.shifts = shifts
            self.compressionTolerance = compressionTolerance
            self.divergenceFactor = divergenceFactor
        }
    }

    /// One step, reported to the observer.
    public struct Step: Sendable {
        /// Steps so far (a complex pair counts as two).
        public let step: Int
        /// Relative residual ‖WᵀW‖₂ / ‖BᵀB‖₂ after the step.
        public let residual: Double
        /// Columns of Z.
        public let columns: Int
        /// The shift used.
        public let shift: Complex<Double>
    }

    /// Factor and diagnostics.
    public struct Result: Sendable {
        /// The factor Z (n × columns), X ≈ Z Zᵀ.
        public let factor: Matrix<Double>
        /// Steps taken (complex pair = 2).
        public let steps: Int
        /// Relative residual after each step (the ADI's own estimate, exact in exact arithmetic).
        public let residualHistory: [Double]
        /// Whether the tolerance was reached.
        public let converged: Bool
        /// The shifts used, in order.
        public let shifts: [Complex<Double>]
        /// Wall time in seconds.
        public let seconds: Double
        /// The last relative residual.
        public var residual: Double { residualHistory.last ?? .nan }

        /// Throws ``ADIError/notConverged(steps:residual:tolerance:)`` unless converged.
        public func requireConverged(tolerance: Double) throws -> Result {
            guard converged else { throw ADIError.notConverged(steps: steps, residual: residual, tolerance: tolerance) }
            return self
        }
    }

    /// Runs LR-ADI on `op` with right-hand side factor `b` (n×m).
    public static func solve(_ op: LyapunovOperator, rhs b: Matrix<Double>, options: Options = Options(),
                             observer: ((Step) -> Void)? = nil) throws -> Result {
        let start = Date()
        let n = op.dimension, m = b.columns
        guard b.rows == n, m > 0 else {
            throw LinearAlgebraError.dimensionMismatch(operation: "LR-ADI", lhs: "A \(n)×\(n)", rhs: "B \(b.shapeDescription)")
        }
        guard options.tolerance > 0, options.maxSteps >= 1 else {
            throw LinearAlgebraError.invalidArgument(argument: "tolerance/max-steps", reason: "must be positive")
        }
        try b.requireFinite("B")
        let bNorm2 = try b.spectralNorm()
        let bNorm = bNorm2 * bNorm2
        guard bNorm > 0 else {
            // B = 0: X = 0 exactly.
            return Result(factor: Matrix(rows: n, columns: 0), steps: 0, residualHistory: [0], converged: true,
                          shifts: [], seconds: 0)
        }
        var strategy = options.shifts.makeStrategy()
        var shifts = try strategy.initialShifts(operator: op, rhs: b)
        guard !shifts.isEmpty else {
            throw ADIError.noStableShifts(reason: "the projected pencil has no eigenvalue with negative real part")
        }
        // Memory: the residual factor, a shifted solve's complex block and its parts (≈ 8 n×m blocks), then the
        // factor Z, checked before every growth (appending may copy Z once, so twice its new size is held).
        try MemoryBudget.require(8 * Double(n) * Double(8 * m), for: "LR-ADI for n = \(n) with \(m) right-hand sides")
        var w = b
        var z = Matrix<Double>(rows: n, columns: 0)
        z.reserveColumns(Swift.min(n, 64 * m))
        var history: [Double] = []
        var used: [Complex<Double>] = []
        var steps = 0, index = 0
        var minResidual = 1.0
        var converged = false
        var lastCompression = 0
        while steps < options.maxSteps {
            if index >= shifts.count {
                shifts = try strategy.nextShifts(operator: op, factor: z, blockColumns: m, residualFactor: w,
                                                 previous: shifts)
                index = 0
                guard !shifts.isEmpty else { throw ADIError.noStableShifts(reason: "shift generation returned none") }
            }
            let p = shifts[index]
            index += 1
            let grown = Double(z.columns + (p.imaginary == 0 ? m : 2 * m))
            try MemoryBudget.require(8 * Double(n) * (2 * grown + Double(8 * m)),
                                     for: "the LR-ADI factor for n = \(n) at \(Int(grown)) columns (step \(steps + 1))",
                                     hint: "lower --max-steps or loosen --tolerance")
            guard p.real < 0 else { throw ADIError.noStableShifts(reason: "shift \(p) is not in the left half-plane") }
            if p.imaginary == 0 {
                let v = try op.solveShifted(p.real, w)
                let ev = try op.applyE(v)
                w = try w.adding(ev, scaledBy: -2 * p.real)
                try z.appendColumns(v.scaled(by: (-2 * p.real).squareRoot()))
                steps += 1
            } else {
                let v = try op.solveShifted(p, w.complexified)
                let delta = p.real / p.imaginary
                let re = v.realPart, im = v.imaginaryPart
                let combo = try re.adding(im, scaledBy: delta)
                let ec = try op.applyE(combo)
                w = try w.adding(ec, scaledBy: -4 * p.real)
                let s = (-4 * p.real).squareRoot()
                try z.appendColumns(combo.scaled(by: s))
                try z.appendColumns(im.scaled(by: s * (delta * delta + 1).squareRoot()))
                steps += 2
            }
            used.append(p)
            let wn = try w.spectralNorm()
            let residual = wn * wn / bNorm
            history.append(residual)
            observer?(Step(step: steps, residual: residual, columns: z.columns, shift: p))
            guard residual.isFinite, residual <= options.divergenceFactor * minResidual else {
                throw ADIError.diverging(step: steps, residual: residual)
            }
            minResidual = Swift.min(minResidual, residual)
            if residual <= options.tolerance { converged = true; break }
            if let tol = options.compressionTolerance, z.columns - lastCompression > 10 * n / 100 + 20 * m {
                z = try compress(z, tolerance: tol)
                lastCompression = z.columns
            }
        }
        if let tol = options.compressionTolerance { z = try compress(z, tolerance: tol) }
        return Result(factor: z, steps: steps, residualHistory: history, converged: converged, shifts: used,
                      seconds: Date().timeIntervalSince(start))
    }

    /// Column compression `Z ← U_k Σ_k` keeping σᵢ > tol·σ₁ (so `Z Zᵀ` changes by at most tol²·‖Z‖²).
    public static func compress(_ z: Matrix<Double>, tolerance: Double) throws -> Matrix<Double> {
        if z.columns == 0 { return z }
        let qr = try z.qr()
        let small = try qr.r.svd()
        let k = try TruncationCriterion.relativeTolerance(tolerance).rank(for: small.singularValues)
        var u = try Matrix.product(qr.q, .none, small.u.columns(0..<k), .none)
        u.scaleColumns(by: Array(small.singularValues.prefix(k)))
        return u
    }
}
