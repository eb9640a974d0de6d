import Foundation
import Testing
import ControlReduction
import LowRankKernels

@Suite struct BalancedTruncationTests {
    @Test(arguments: [("slicot_CDplayer", 20), ("slicot_build", 10), ("rail_1357", 20), ("slicot_iss1R", 20)])
    func measuredErrorNeverExceedsBound(model: String, order: Int) throws {
        let sys = try Models.load(model)
        let p = try LyapunovSolver.solve(sys, .controllability)
        let q = try LyapunovSolver.solve(sys, .observability)
        let r = try BalancedTruncation.reduce(sys, controllability: p.factor, observability: q.factor, selection: .order(order))
        #expect(r.order == order)
        #expect(r.reduced.order == order)
        let sweep = try FrequencyResponse.errorSweep(full: sys, reduced: r.reduced, omegas: try FrequencyResponse.grid(count: 60))
        #expect(sweep.maximum <= r.errorBound)
        #expect(sweep.maximum > 0)
    }

    @Test func railMatchesPyMORBoundAndMeasuredError() throws {
        // pyMOR BTReductor (square root, LR-ADI Gramians) on rail_1357, r = 20: bound 6.01e-3, measured
        // 1.23e-3 on {0} ∪ logspace(−6, 6, 200) (peers/control/RESULTS.md).
        let sys = try Models.load("rail_1357")
        let p = try LyapunovSolver.solve(sys, .controllability, method: .adi)
        let q = try LyapunovSolver.solve(sys, .observability, method: .adi)
        let r = try BalancedTruncation.reduce(sys, controllability: p.factor, observability: q.factor, selection: .order(20))
        #expect(Swift.abs(r.errorBound - 6.01e-3) < 0.01e-3)
        let sweep = try FrequencyResponse.errorSweep(full: sys, reduced: r.reduced, omegas: try FrequencyResponse.grid())
        #expect(Swift.abs(sweep.maximum - 1.23e-3) < 0.01e-3)
        // HSVs 1..3 as published there: 1.9053e-1, 3.4646e-2, 3.2449e-2.
        for (x, ref) in zip(r.hankelSingularValues, [1.9053e-1, 3.4646e-2, 3.2449e-2]) { #expect(Swift.abs(x - ref) / ref < 1e-4) }
    }

    @Test func maxErrorSelectsSmallestSufficientOrder() throws {
        let sys = try Models.load("slicot_CDplayer")
        let p = try LyapunovSolver.solve(sys, .controllability)
        let q = try LyapunovSolver.solve(sys, .observability)
        let r = try BalancedTruncation.reduce(sys, controllability: p.factor, observability: q.factor, selection: .maxError(1.0))
        #expect(r.errorBound <= 1.0)
        #expect(BalancedTruncation.errorBound(r.hankelSingularValues, order: r.order - 1) > 1.0)
        #expect(throws: LinearAlgebraError.self) {
            try BalancedTruncation.reduce(sys, controllability: p.factor, observability: q.factor, selection: .order(500))
        }
    }

    @Test func h2ErrorOfFirstOrderTruncationIsExact() throws {
        // G = 1/(s+1) + 1/(s+2) (diagonal A, B = [1;1], C = [1 1]); reducing to the balanced order 2
        // reproduces G exactly, so the H2 error is 0 up to rounding and ‖G‖²_H2 = 1/2 + 1/4 + 2/3.
        let sys = try LTISystem(a: .dense(try Matrix([[-1.0, 0], [0, -2]])), b: try Matrix([[1.0], [1]]), c: try Matrix([[1.0, 1]]))
        let p = try LyapunovSolver.solve(sys, .controllability)
        let q = try LyapunovSolver.solve(sys, .observability)
        #expect(Swift.abs(try H2Norm.norm(sys, controllability: p.factor) - (0.5 + 0.25 + 2.0 / 3).squareRoot()) < 1e-14)
        let r = try BalancedTruncation.reduce(sys, controllability: p.factor, observability: q.factor, selection: .order(2))
        #expect(try H2Norm.error(full: sys, controllability: p.factor, reduced: r.reduced) < 1e-6)
    }

    @Test func badModelsAreTypedErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lowrank-bad-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: LTISystem.LoadError.self) { try LTISystem.load(directory: dir) }
        try "%%MatrixMarket matrix array real general\n2 2\n-1\n0\n0\n-1\n".write(toFile: dir + "/A.mtx", atomically: true, encoding: .utf8)
        try "%%MatrixMarket matrix array real general\n3 1\n1\n1\n1\n".write(toFile: dir + "/B.mtx", atomically: true, encoding: .utf8)
        try "%%MatrixMarket matrix array real general\n1 2\n1\n1\n".write(toFile: dir + "/C.mtx", atomically: true, encoding: .utf8)
        #expect(throws: LinearAlgebraError.self) { try LTISystem.load(directory: dir) }
        try "%%MatrixMarket matrix array real general\n2 1\n1\nnan\n".write(toFile: dir + "/B.mtx", atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try LTISystem.load(directory: dir) }
    }

    @Test func reducedModelRoundTripsThroughFiles() throws {
        let sys = try Models.load("slicot_build")
        let p = try LyapunovSolver.solve(sys, .controllability)
        let q = try LyapunovSolver.solve(sys, .observability)
        let r = try BalancedTruncation.reduce(sys, controllability: p.factor, observability: q.factor, selection: .order(8))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lowrank-rom-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try r.reduced.write(to: dir)
        let back = try LTISystem.load(directory: dir)
        #expect(back.a.dense == r.reduced.a.dense)
        #expect(back.b == r.reduced.b && back.c == r.reduced.c)
    }
}

@Suite struct H2ErrorTests {
    /// ‖G − G_r‖_H2 through the Sylvester cross term equals the H2 norm of the error system
    /// [A 0; 0 A_r], [B; B_r], [C −C_r] computed from its own dense Lyapunov factor (an identity).
    @Test(arguments: [("slicot_build", 6), ("slicot_iss1R", 10), ("slicot_CDplayer", 12)])
    func crossGramianH2ErrorMatchesErrorSystem(model: String, order: Int) throws {
        let sys = try Models.load(model)
        let p = try LyapunovSolver.solve(sys, .controllability)
        let q = try LyapunovSolver.solve(sys, .observability)
        let r = try BalancedTruncation.reduce(sys, controllability: p.factor, observability: q.factor, selection: .order(order))
        let n = sys.order, k = r.order
        var a = Matrix<Double>(rows: n + k, columns: n + k)
        let af = sys.a.dense, ar = r.reduced.a.dense
        for j in 0..<n { for i in 0..<n { a[i, j] = af[i, j] } }
        for j in 0..<k { for i in 0..<k { a[n + i, n + j] = ar[i, j] } }
        var b = Matrix<Double>(rows: n + k, columns: sys.inputs)
        var c = Matrix<Double>(rows: sys.outputs, columns: n + k)
        for j in 0..<sys.inputs { for i in 0..<n { b[i, j] = sys.b[i, j] }; for i in 0..<k { b[n + i, j] = r.reduced.b[i, j] } }
        for i in 0..<sys.outputs { for j in 0..<n { c[i, j] = sys.c[i, j] }; for j in 0..<k { c[i, n + j] = -r.reduced.c[i, j] } }
        let errSys = try LTISystem(a: .dense(a), b: b, c: c)
        let zErr = try DenseLyapunov.controllabilityFactor(a: a, b: b)
        let direct = try H2Norm.norm(errSys, controllability: zErr)
        let viaCross = try H2Norm.error(full: sys, controllability: p.factor, reduced: r.reduced)
        #expect(Swift.abs(viaCross - direct) <= 1e-6 * (try H2Norm.norm(sys, controllability: p.factor)) + 1e-3 * direct)
    }
}
