import LowRankKernels

/// A feed-forward ReLU network whose weight matrices may be replaced by thin factors:
/// logits = a_L, a_ℓ = relu(a_{ℓ−1} W_ℓ + b_ℓ) for ℓ < L, a_L = a_{L−1} W_L + b_L, a_0 = X (samples × inputs), each W_ℓ
/// (inputs × outputs, the layout of scikit-learn's `coefs_`) either dense or a rank-r product U_ℓ V_ℓ, with
/// U_ℓ = U_r Σ_r^{1/2} (inputs × r) and V_ℓ = Σ_r^{1/2} V_rᵀ (r × outputs) from the SVD of the dense W_ℓ, the best rank-r
/// approximation (Eckart–Young). A factored layer has r (inputs + outputs) weights instead of inputs × outputs
/// (Denton et al., "Exploiting linear structure within convolutional networks", NIPS 2014).
public struct FactoredNetwork: Sendable {
    /// One layer: dense weights, or thin factors.
    public enum Weights: Sendable {
        case dense(Matrix<Double>)
        case factored(u: Matrix<Double>, v: Matrix<Double>)
    }
    /// One layer's weights and bias.
    public struct Layer: Sendable {
        public var weights: Weights
        public var bias: [Double]
        /// Inputs and outputs of the layer.
        public var shape: (inputs: Int, outputs: Int) {
            switch weights {
            case .dense(let w): (w.rows, w.columns)
            case .factored(let u, let v): (u.rows, v.columns)
            }
        }
        /// nil for a dense layer, else r.
        public var rank: Int? { if case .factored(let u, _) = weights { u.columns } else { nil } }
        /// Weights and biases.
        public var parameters: Int {
            switch weights {
            case .dense(let w): w.rows * w.columns + bias.count
            case .factored(let u, let v): u.rows * u.columns + v.rows * v.columns + bias.count
            }
        }
    }

    /// The layers, input to output.
    public let layers: [Layer]

    /// A dense network from weights (inputs × outputs each) and biases; throws
    /// ``LinearAlgebraError/invalidArgument(argument:reason:)`` naming `layers` when the shapes do not chain, a bias
    /// has the wrong length or an entry is not finite.
    public init(weights: [Matrix<Double>], biases: [[Double]]) throws {
        func bad(_ reason: String) -> LinearAlgebraError { .invalidArgument(argument: "layers", reason: reason) }
        guard !weights.isEmpty, weights.count == biases.count else {
            throw bad("need as many biases as weight matrices (at least one), got \(weights.count) and \(biases.count)")
        }
        for (index, (w, b)) in zip(weights, biases).enumerated() {
            if index > 0, weights[index - 1].columns != w.rows {
                throw bad("layer \(index + 1) takes \(w.rows) inputs but layer \(index) gives \(weights[index - 1].columns)")
            }
            guard b.count == w.columns else { throw bad("layer \(index + 1) has \(w.columns) outputs but \(b.count) biases") }
            guard w.isFinite, b.allSatisfy(\.isFinite) else { throw bad("layer \(index + 1) has a non-finite entry") }
        }
        layers = zip(weights, biases).map { Layer(weights: .dense($0.0), bias: $0.1) }
    }

    init(layers: [Layer]) { self.layers = layers }

    /// Weights and biases of every layer.
    public var parameters: Int { layers.reduce(0) { $0 + $1.parameters } }

    /// The logits of the samples in the rows of `x` (samples × inputs).
    public func logits(_ x: Matrix<Double>) throws -> Matrix<Double> {
        var a = x
        for (index, layer) in layers.enumerated() {
            switch layer.weights {
            case .dense(let w): a = try Matrix.product(a, .none, w, .none)
            case .factored(let u, let v): a = try Matrix.product(try Matrix.product(a, .none, u, .none), .none, v, .none)
            }
            let relu = index < layers.count - 1
            a.elements.withUnsafeMutableBufferPointer { p in
                let rows = a.rows
                for column in 0..<layer.bias.count {
                    let b = layer.bias[column]
                    for row in 0..<rows {
                        let v = p[row + rows * column] + b
                        p[row + rows * column] = relu ? Swift.max(v, 0) : v
                    }
                }
            }
        }
        return a
    }

    /// The share of rows of `x` whose largest logit is at their label (ties to the smaller class index).
    public func accuracy(_ x: Matrix<Double>, labels: [Int]) throws -> Double {
        guard labels.count == x.rows else {
            throw LinearAlgebraError.invalidArgument(argument: "labels", reason: "\(labels.count) labels for \(x.rows) samples")
        }
        let z = try logits(x)
        var correct = 0
        for row in 0..<z.rows {
            var best = 0
            for column in 1..<Swift.max(1, z.columns) where z[row, column] > z[row, best] { best = column }
            if best == labels[row] { correct += 1 }
        }
        return Double(correct) / Double(Swift.max(1, z.rows))
    }
}

/// Low-rank compression of a network's layers, with ranks chosen on validation data.
public enum NetworkCompression {
    /// The SVD of every dense layer, computed once.
    public struct Factorization: Sendable {
        /// The dense network.
        public let network: FactoredNetwork
        let svds: [SVDResult<Double>?]

        /// Factors every dense layer of `network` by its SVD.
        public init(_ network: FactoredNetwork) throws {
            self.network = network
            svds = try network.layers.map { layer in
                if case .dense(let w) = layer.weights { return try w.svd() }
                return nil
            }
        }

        /// The network with layer ℓ truncated to `ranks[ℓ]` (nil: dense). Throws
        /// ``LinearAlgebraError/invalidArgument(argument:reason:)`` naming `ranks` for a wrong count or a rank outside
        /// 1 … min(inputs, outputs).
        public func truncated(ranks: [Int?]) throws -> FactoredNetwork {
            guard ranks.count == network.layers.count else {
                throw LinearAlgebraError.invalidArgument(argument: "ranks", reason: "\(ranks.count) ranks for \(network.layers.count) layers")
            }
            var layers = network.layers
            for (index, rank) in ranks.enumerated() {
                guard let rank, let f = svds[index] else { continue }
                guard rank >= 1, rank <= f.singularValues.count else {
                    throw LinearAlgebraError.invalidArgument(argument: "ranks",
                                                             reason: "layer \(index + 1): rank \(rank) outside 1…\(f.singularValues.count)")
                }
                var u = f.u.columns(0..<rank), v = f.vt.rows(0..<rank)
                let roots = f.singularValues.prefix(rank).map { $0.squareRoot() }
                u.scaleColumns(by: roots)
                v.scaleRows(by: roots)
                layers[index].weights = .factored(u: u, v: v)
            }
            return FactoredNetwork(layers: layers)
        }
    }

    /// The ranks found by ``chooseRanks(_:validation:labels:tolerance:)``.
    public struct Selection: Sendable {
        /// Per layer: nil (kept dense) or the rank.
        public var ranks: [Int?]
        /// The compressed network.
        public var network: FactoredNetwork
        /// Validation accuracy of the dense and of the compressed network.
        public var denseValidationAccuracy: Double, validationAccuracy: Double
        /// Forward passes evaluated during the search.
        public var evaluations: Int
    }

    /// Chooses per-layer ranks with few parameters whose validation accuracy stays within `tolerance` (a fraction:
    /// 0.005 is half a point) of the dense network's. Greedy: layers in decreasing order of their dense size; for each,
    /// the smallest rank that still saves weights (r (inputs + outputs) < inputs × outputs) and keeps the accuracy,
    /// found by bisection over r with the earlier choices in place; a layer where no rank qualifies stays dense.
    public static func chooseRanks(_ factorization: Factorization, validation x: Matrix<Double>, labels: [Int],
                                   tolerance: Double = 0.005) throws -> Selection {
        guard tolerance >= 0, tolerance.isFinite else {
            throw LinearAlgebraError.invalidArgument(argument: "tolerance", reason: "must be finite and ≥ 0")
        }
        let network = factorization.network
        let dense = try network.accuracy(x, labels: labels)
        var ranks = [Int?](repeating: nil, count: network.layers.count)
        var evaluations = 1
        func acceptable(_ candidate: [Int?]) throws -> Bool {
            evaluations += 1
            return try factorization.truncated(ranks: candidate).accuracy(x, labels: labels) >= dense - tolerance
        }
        let order = network.layers.indices.sorted { network.layers[$0].parameters > network.layers[$1].parameters }
        for index in order {
            let (inputs, outputs) = network.layers[index].shape
            let largestSaving = (inputs * outputs - 1) / (inputs + outputs)        // r (in + out) < in · out
            let maximum = Swift.min(largestSaving, Swift.min(inputs, outputs))
            guard maximum >= 1 else { continue }
            var candidate = ranks
            candidate[index] = maximum
            guard try acceptable(candidate) else { continue }
            var (low, high) = (1, maximum)                                       // high is acceptable
            while low < high {
                let middle = (low + high) / 2
                candidate[index] = middle
                if try acceptable(candidate) { high = middle } else { low = middle + 1 }
            }
            ranks[index] = high
        }
        let chosen = try factorization.truncated(ranks: ranks)
        return Selection(ranks: ranks, network: chosen, denseValidationAccuracy: dense,
                         validationAccuracy: try chosen.accuracy(x, labels: labels), evaluations: evaluations)
    }
}
