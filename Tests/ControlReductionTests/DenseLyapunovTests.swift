import Testing
import ControlReduction
import LowRankKernels

@Suite struct DenseLyapunovTests {
    @Test func scalarCaseHasClosedForm() throws {
        // a x + x a + b² = 0 ⇒ x = b²/(−2a); a = −3, b = 2: x = 2/3.
        let z = try DenseLyapunov.controllabilityFactor(a: try Matrix([[-3.0]]), b: try Matrix([[2.0]]))
        #expect(Swift.abs(z[0, 0] * z[0, 0] - 2.0 / 3.0) < 1e-15)
    }

    @Test func residualVanishesOnRandomStableSystem() throws {
        var g = SeededGenerator(seed: 17)
        let n = 60
        // A = G/√n − 1.5 I is stable (circular law: spectrum in the disc of radius ≈ 1 around −1.5).
        let a = try Matrix<Double>.randomNormal(rows: n, columns: n, using: &g).scaled(by: 1 / Double(n).squareRoot())
            .adding(Matrix<Double>.identity(n), scaledBy: -1.5)
        let b = Matrix<Double>.randomNormal(rows: n, columns: 2, using: &g)
        let c = Matrix<Double>.randomNormal(rows: 3, columns: n, using: &g)
        let zc = try DenseLyapunov.controllabilityFactor(a: a, b: b)
        let x = try Matrix.product(zc, .none, zc, .transpose)
        let bbt = try Matrix.product(b, .none, b, .transpose)
        let resC = try (try a * x).adding(try x * a.transposed).adding(bbt)
        #expect(resC.frobeniusNorm / bbt.frobeniusNorm < 1e-12)
        let zo = try DenseLyapunov.observabilityFactor(a: a, c: c)
        let y = try Matrix.product(zo, .none, zo, .transpose)
        let ctc = try Matrix.product(c, .transpose, c, .none)
        let resO = try (try a.transposed * y).adding(try y * a).adding(ctc)
        #expect(resO.frobeniusNorm / ctc.frobeniusNorm < 1e-12)
    }

    @Test func unstableAndMismatchedInputAreErrors() throws {
        let unstable = try Matrix<Double>([[1, 0], [0, -1]])
        #expect(throws: DenseLyapunov.Failure.unstable) {
            try DenseLyapunov.controllabilityFactor(a: unstable, b: try Matrix([[1.0], [1.0]]))
        }
        #expect(throws: LinearAlgebraError.self) {
            try DenseLyapunov.controllabilityFactor(a: unstable, b: try Matrix([[1.0]]))
        }
    }
}
