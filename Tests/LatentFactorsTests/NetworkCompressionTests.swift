import Testing
import LowRankKernels
@testable import LatentFactors

/// Low-rank compression of a ReLU network on a planted case: the first layer's weights have exact rank 3, labels are
/// the dense network's own predictions (accuracy 1), so a rank-3 truncation of that layer loses nothing.
@Suite struct NetworkCompressionTests {
    static func planted() throws -> (FactoredNetwork, Matrix<Double>, [Int]) {
        var g = SeededGenerator(seed: 21)
        func random(_ rows: Int, _ columns: Int) -> Matrix<Double> {
            var m = Matrix<Double>(rows: rows, columns: columns)
            for i in m.elements.indices { m.elements[i] = g.normal() }
            return m
        }
        let w1 = try Matrix.product(random(8, 3), .none, random(3, 32), .none)
        let network = try FactoredNetwork(weights: [w1, random(32, 4)], biases: [(0..<32).map { _ in 0.1 * g.normal() },
                                                                                  (0..<4).map { _ in 0.1 * g.normal() }])
        let x = random(200, 8)
        let z = try network.logits(x)
        let labels = (0..<200).map { row in (0..<4).max { z[row, $0] < z[row, $1] } ?? 0 }
        return (network, x, labels)
    }

    @Test func fullRankTruncationIsTheDenseNetwork() throws {
        let (network, x, _) = try Self.planted()
        let f = try NetworkCompression.Factorization(network)
        let full = try f.truncated(ranks: [8, 4])
        let difference = try network.logits(x).subtracting(full.logits(x)).maxAbs
        #expect(difference < 1e-12)
        #expect(full.layers.map(\.rank) == [8, 4])
        #expect(throws: LinearAlgebraError.self) { try f.truncated(ranks: [9, nil]) }
    }

    @Test func plantedRankIsFoundWithoutLoss() throws {
        let (network, x, labels) = try Self.planted()
        #expect(try network.accuracy(x, labels: labels) == 1)
        let selection = try NetworkCompression.chooseRanks(try NetworkCompression.Factorization(network), validation: x,
                                                           labels: labels, tolerance: 0)
        let first = try #require(selection.ranks[0])
        #expect(first <= 3)
        #expect(selection.validationAccuracy == 1)
        #expect(selection.network.parameters < network.parameters)
    }

    @Test func layersThatDoNotChainAreRefused() {
        #expect(throws: LinearAlgebraError.invalidArgument(argument: "layers",
                                                           reason: "layer 2 takes 5 inputs but layer 1 gives 4")) {
            try FactoredNetwork(weights: [Matrix(rows: 3, columns: 4), Matrix(rows: 5, columns: 2)], biases: [[0, 0, 0, 0], [0, 0]])
        }
    }
}
