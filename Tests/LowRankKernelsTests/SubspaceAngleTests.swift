import Testing
import LowRankKernels

@Suite struct SubspaceAngleTests {
    @Test(arguments: [0.3, 1e-5, 1e-10, Double.pi / 2])
    func anglesOfKnownSubspaces(theta: Double) throws {
        // span{e1, e2} vs span{cos θ e1 + sin θ e3, e2}: principal angles 0 and θ exactly.
        var a = Matrix<Double>(rows: 5, columns: 2)
        a[0, 0] = 1; a[1, 1] = 1
        var b = Matrix<Double>(rows: 5, columns: 2)
        b[0, 0] = Double.cos(theta); b[2, 0] = Double.sin(theta); b[1, 1] = 3  // scaling does not matter
        let angles = try SubspaceAngles.principalAngles(a, b)
        #expect(angles.count == 2)
        #expect(Swift.abs(angles[0]) < 1e-15)
        #expect(Swift.abs(angles[1] - theta) <= 1e-15 + 1e-12 * theta)
        #expect(Swift.abs(try SubspaceAngles.distance(a, b) - Double.sin(theta)) < 1e-15 + 1e-12 * theta)
    }

    @Test func anglesInvariantUnderBasisChangeAndComplex() throws {
        let q: Matrix<Complex<Double>> = try TestSupport.orthonormal(20, 3, seed: 1)
        var g = SeededGenerator(seed: 2)
        let mix = Matrix<Complex<Double>>.randomNormal(rows: 3, columns: 3, using: &g)
        let angles = try SubspaceAngles.principalAngles(q, try q * mix)
        #expect(angles.allSatisfy { Swift.abs($0) < 1e-7 })
        #expect(throws: LinearAlgebraError.self) {
            try SubspaceAngles.principalAngles(q, Matrix<Complex<Double>>(rows: 19, columns: 2))
        }
    }
}
