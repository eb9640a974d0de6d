import Testing
import LowRankKernels
@testable import LatentFactors

/// Axes of confusion on planted confusion matrices: exact for one confused pair, and the planted pairs named in
/// order of strength among background noise.
@Suite struct ConfusionAxesTests {
    /// Two classes of 100 samples, 20 % mistaken each way: S = [[0, 0.2], [0.2, 0]], eigenpair 0.2, (1, 1)/√2 (exact).
    @Test func onePairIsExact() throws {
        let counts = try Matrix<Double>([[80, 20], [20, 80]])
        let axes = try ConfusionAxes.axes(of: counts, count: 2)
        #expect(axes.count == 1)                     // the other eigenvalue, −0.2, is not an axis
        #expect(abs(axes[0].strength - 0.2) < 1e-15)
        #expect(axes[0].loadings.allSatisfy { abs($0 - 0.5.squareRoot()) < 1e-15 })
        #expect(axes[0].classes.sorted() == [0, 1])
    }

    /// Ten classes with a uniform background of 1 % confusion: 1 ↔ 8 planted at 25 %, 5 ↔ 9 at 12 % (one way
    /// only, 24 % of class 5's samples): the first axis names {1, 8}, the second {5, 9}.
    @Test func plantedPairsAreNamed() throws {
        var counts = Matrix<Double>(rows: 10, columns: 10)
        var g = SeededGenerator(seed: 9)
        for i in 0..<10 { for j in 0..<10 { counts[i, j] = i == j ? 150 : Double(g.next() % 3) } }
        counts[1, 8] = 50; counts[8, 1] = 50
        counts[5, 9] = 50
        let axes = try ConfusionAxes.axes(of: counts, count: 3)
        #expect(axes[0].classes.sorted() == [1, 8])
        #expect(axes[1].classes.sorted() == [5, 9])
        #expect(axes[0].strength > axes[1].strength)
        #expect(throws: LinearAlgebraError.self) { try ConfusionAxes.axes(of: try Matrix<Double>([[1, -1], [0, 1]])) }
        #expect(throws: LinearAlgebraError.self) { try ConfusionAxes.axes(of: try Matrix<Double>([[0, 0], [0, 1]])) }
    }
}
