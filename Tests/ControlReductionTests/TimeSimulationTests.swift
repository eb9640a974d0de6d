import Foundation
import Testing
import ControlReduction
import LowRankKernels
import LowRankSparse

@Suite struct TimeSimulationTests {
    /// e x' = −x + u, y = x + d u with a unit step from x(0) = 0. The Crank–Nicolson recurrence
    /// (e + h/2) x_{k+1} = (e − h/2) x_k + h has the closed form x_k = 1 − ρᵏ, ρ = (e − h/2)/(e + h/2)
    /// (its fixed point is 1), so y_k = 1 − ρᵏ + d exactly; dense and sparse storage, with and without E and D.
    @Test(arguments: [(1.0, false, false), (2.0, true, false), (2.0, false, true), (1.0, true, true)])
    func scalarStepResponseIsTheClosedFormOfTheRecurrence(e: Double, sparse: Bool, withD: Bool) throws {
        let a: SystemMatrix = sparse ? .sparse(SparseMatrix(try Matrix([[-1.0]]))) : .dense(try Matrix([[-1.0]]))
        let eMatrix: SystemMatrix? = e == 1 ? nil : (sparse ? .sparse(SparseMatrix(try Matrix([[e]]))) : .dense(try Matrix([[e]])))
        let d = 0.5
        let sys = try LTISystem(a: a, b: try Matrix([[1.0]]), c: try Matrix([[1.0]]), d: withD ? try Matrix([[d]]) : nil, e: eMatrix)
        let h = 0.1, steps = 60
        let u = Matrix<Double>(rows: steps, columns: 1, repeating: 1)
        let y = try CrankNicolsonSimulator.simulate(sys, input: u, timeStep: h)
        #expect(y.rows == steps && y.columns == 1)
        let rho = (e - h / 2) / (e + h / 2)
        for k in 0..<steps {
            let exact = 1 - Double.pow(rho, Double(k)) + (withD ? d : 0)
            #expect(Swift.abs(y[k, 0] - exact) <= 1e-14, "k = \(k)")
        }
    }

    /// Second order: against the exact step response 1 − e^{−t} of x' = −x + u at t = 1, halving h divides the
    /// error by 4 (within 10 %).
    @Test func convergesAtSecondOrder() throws {
        let sys = try LTISystem(a: .dense(try Matrix([[-1.0]])), b: try Matrix([[1.0]]), c: try Matrix([[1.0]]))
        func error(_ h: Double) throws -> Double {
            let steps = Int((1 / h).rounded()) + 1
            let y = try CrankNicolsonSimulator.simulate(sys, input: Matrix(rows: steps, columns: 1, repeating: 1), timeStep: h)
            return Swift.abs(y[steps - 1, 0] - (1 - Double.exp(-1)))
        }
        let coarse = try error(0.1), fine = try error(0.05)
        #expect(coarse > 0 && Swift.abs(coarse / fine - 4) < 0.4, "ratio \(coarse / fine)")
    }

    @Test func badInputIsATypedError() throws {
        let sys = try LTISystem(a: .dense(try Matrix([[-1.0, 0], [0, -2]])), b: try Matrix([[1.0], [1]]), c: try Matrix([[1.0, 1]]))
        for h in [0.0, -1, .nan, .infinity] {
            #expect(throws: LinearAlgebraError.self) { try CrankNicolsonSimulator(sys, timeStep: h) }
        }
        let sim = try CrankNicolsonSimulator(sys, timeStep: 0.1)
        #expect(throws: LinearAlgebraError.self) { try sim.simulate(Matrix(rows: 5, columns: 2)) }   // m = 1
        #expect(throws: LinearAlgebraError.self) { try sim.simulate(Matrix(rows: 0, columns: 1)) }
        var nan = Matrix<Double>(rows: 4, columns: 1, repeating: 1)
        nan[2, 0] = .nan
        #expect(throws: LinearAlgebraError.self) { try sim.simulate(nan) }
    }

    /// The reduced rail (r = 20) under a unit step on input 1: the output error obeys the BT bound in the time
    /// domain, ‖y − y_r‖_L2 ≤ ‖G − G_r‖_H∞ ‖u‖_L2 ≤ 2 Σ_{i>20} σᵢ ‖u‖_L2 (Antoulas 2005, §7.2; the L2 gain of a stable
    /// system is its H∞ norm, and by causality this holds on [0, t_end] for the input restricted to it), up to the
    /// time discretization, which the test bounds by the difference between steps h and h/2.
    ///
    /// Horizon: the slowest pole of the rail pencil is λ = −1.797e-5 s⁻¹ (SciPy `eigh(A, E)`, dense; pyMOR reports the
    /// reduced model's slowest pole as −1.79e-5, runs/bt_rail_1357.json), a time constant of 5.57e4 s; t_end = 3e5 s
    /// is 5.4 of them, so the step response has settled to within e^{−5.4} ≈ 0.5 %.
    @Test func reducedRailStepResponseObeysTheBTBound() throws {
        let rail = try Rail1357.load()
        let rom = try BalancedTruncation(rail.system, controllability: rail.zc, observability: rail.zo).reduce(order: 20)
        let horizon = 3e5, h = 100.0
        func errors(_ step: Double) throws -> (e: Matrix<Double>, u: Matrix<Double>) {
            let steps = Int((horizon / step).rounded()) + 1
            var u = Matrix<Double>(rows: steps, columns: rail.system.inputs)
            for k in 0..<steps { u[k, 0] = 1 }
            let y = try CrankNicolsonSimulator(rail.system, timeStep: step).simulate(u)
            let yr = try CrankNicolsonSimulator(rom.reduced, timeStep: step).simulate(u)
            #expect(y.rows == steps && y.columns == rail.system.outputs)
            return (try y.subtracting(yr), u)
        }
        let (coarse, u) = try errors(h)
        let (fine, uFine) = try errors(h / 2)
        // The fine error sampled on the coarse grid; its difference from the coarse error bounds the time step's error.
        var fineOnCoarse = Matrix<Double>(rows: coarse.rows, columns: coarse.columns)
        for k in 0..<coarse.rows { for j in 0..<coarse.columns { fineOnCoarse[k, j] = fine[2 * k, j] } }
        let discretization = CrankNicolsonSimulator.l2Norm(try coarse.subtracting(fineOnCoarse), timeStep: h)
        let bound = rom.errorBound
        let eCoarse = CrankNicolsonSimulator.l2Norm(coarse, timeStep: h)
        let eFine = CrankNicolsonSimulator.l2Norm(fine, timeStep: h / 2)
        #expect(eCoarse > 0)
        #expect(eCoarse <= bound * CrankNicolsonSimulator.l2Norm(u, timeStep: h) + discretization,
                "‖y − y_r‖ = \(eCoarse), bound·‖u‖ = \(bound * CrankNicolsonSimulator.l2Norm(u, timeStep: h)), allowance \(discretization)")
        #expect(eFine <= bound * CrankNicolsonSimulator.l2Norm(uFine, timeStep: h / 2) + discretization)
        #expect(discretization <= 0.1 * eCoarse, "the time step resolves the error: \(discretization) vs \(eCoarse)")
    }
}
