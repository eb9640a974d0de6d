import LowRankKernels

/// Options of ``FactorModel/foldIn(items:values:options:)``: the regularisation of the one ridge row solve.
public struct FoldInOptions: Sendable, Equatable {
    /// Weight decay λ ≥ 0.
    public var lambda: Double
    /// λ as is (w = 1) or count-scaled (w = n_u, the number of ratings folded in), as in ``ExplicitALSOptions``.
    public var scaling: RegularizationScaling
    /// Solve for a user bias b_u along with the factors (penalised like them); when `false`, b_u = 0.
    public var biases: Bool

    /// Options with the given values (defaults as ``ExplicitALSOptions``: λ = 0.1 count-scaled, with biases).
    public init(lambda: Double = 0.1, scaling: RegularizationScaling = .countScaled, biases: Bool = true) {
        self.lambda = lambda
        self.scaling = scaling
        self.biases = biases
    }

    /// The options an ``ExplicitALS`` fit used for its user rows, so a fold-in matches that fit's row solve.
    public init(_ als: ExplicitALSOptions) {
        self.init(lambda: als.lambda, scaling: als.scaling, biases: als.biases)
    }
}

/// A user folded into a fitted model: factors u (length k) and bias b (0 without biases).
public struct FoldedUser: Sendable, Equatable {
    /// The user's factor vector u (length = the model's rank).
    public let factors: [Double]
    /// The user's bias b (0 when solved without biases or with no ratings).
    public let bias: Double
    /// Number of ratings used (known items).
    public let used: Int
    /// Number of ratings skipped because the model does not know their item (id variant only).
    public let skipped: Int
}

extension FactorModel {
    /// Folds in a new user's ratings without refitting: one ridge row solve against the fixed item factors V and
    /// item biases c,
    ///
    ///     (B Bᵀ + λ w I) x = B (r − μ − c),   B = [v_i; 1]_{i∈Ω} with biases (x = [u; b]), B = [v_i]_{i∈Ω} without,
    ///
    /// with w = 1 (plain) or w = n_u = |Ω| (count-scaled); μ and c are the model's (0 for a model without biases).
    /// This is exactly the user half-sweep of ``ExplicitALS``. Gram by one `gemm`, solve by Cholesky. No ratings
    /// give zero factors and bias.
    /// - Throws: ``LinearAlgebraError/invalidArgument(argument:reason:)`` for a negative or non-finite λ, arrays
    ///   of different lengths, an item index out of range, a repeated item or a non-finite value;
    ///   ``LinearAlgebraError/notPositiveDefinite(routine:order:)`` when the system is singular (only with λ = 0).
    public func foldIn(items: [Int], values: [Double], options: FoldInOptions = FoldInOptions()) throws -> FoldedUser {
        func bad(_ name: String, _ reason: String) -> LinearAlgebraError { .invalidArgument(argument: name, reason: reason) }
        guard options.lambda.isFinite, options.lambda >= 0 else { throw bad("lambda", "must be finite and ≥ 0") }
        guard items.count == values.count else { throw bad("values", "\(values.count) values for \(items.count) items") }
        let k = rank, n = itemFactors.columns, count = items.count
        var seen = Set<Int>()
        for (j, i) in items.enumerated() {
            guard i >= 0, i < n else { throw bad("items", "item index \(i) outside 0..<\(n)") }
            guard seen.insert(i).inserted else { throw bad("items", "item \(i) appears twice") }
            guard values[j].isFinite else { throw bad("values", "value \(j) is not finite") }
        }
        guard count > 0 else { return FoldedUser(factors: [Double](repeating: 0, count: k), bias: 0, used: 0, skipped: 0) }
        let d = options.biases ? k + 1 : k
        var block = [Double](repeating: 0, count: d * count)
        var y = [Double](repeating: 0, count: count)
        itemFactors.elements.withUnsafeBufferPointer { pv in
            block.withUnsafeMutableBufferPointer { pb in
                for j in 0..<count {
                    let i = items[j]
                    for a in 0..<k { pb[a + j * d] = pv[a + i * k] }
                    if options.biases { pb[k + j * d] = 1 }
                    y[j] = values[j] - globalMean - (i < itemBiases.count ? itemBiases[i] : 0)
                }
            }
        }
        var gram = [Double](repeating: 0, count: d * d)
        var rhs = [Double](repeating: 0, count: d)
        block.withUnsafeBufferPointer { pb in
            guard let b = pb.baseAddress else { return }
            gram.withUnsafeMutableBufferPointer { pg in
                guard let c = pg.baseAddress else { return }
                BufferBLAS.gemm(.none, .transpose, m: d, n: d, k: count, a: b, lda: d, b: b, ldb: d, c: c, ldc: d)
            }
            y.withUnsafeBufferPointer { py in
                rhs.withUnsafeMutableBufferPointer { pr in
                    guard let x = py.baseAddress, let r = pr.baseAddress else { return }
                    BufferBLAS.gemv(.none, m: d, n: count, a: b, lda: d, x: x, y: r)
                }
            }
        }
        let weight = options.scaling == .countScaled ? Double(count) : 1
        for a in 0..<d { gram[a + a * d] += options.lambda * weight }
        let x = try Matrix<Double>(rows: d, columns: d, elements: gram).cholesky()
            .solve(try Matrix<Double>(rows: d, columns: 1, elements: rhs)).elements
        return FoldedUser(factors: Array(x.prefix(k)), bias: options.biases ? x[k] : 0, used: count, skipped: 0)
    }

    /// ``foldIn(items:values:options:)`` for (item id, value) ratings; ratings of items the model does not know are
    /// skipped and counted in ``FoldedUser/skipped``.
    public func foldIn(itemIds: [String], values: [Double], options: FoldInOptions = FoldInOptions()) throws -> FoldedUser {
        guard itemIds.count == values.count else {
            throw LinearAlgebraError.invalidArgument(argument: "values", reason: "\(values.count) values for \(itemIds.count) items")
        }
        var items: [Int] = [], kept: [Double] = []
        for (id, v) in zip(itemIds, values) {
            if let i = itemIndex[id] { items.append(i); kept.append(v) }
        }
        let f = try foldIn(items: items, values: kept, options: options)
        return FoldedUser(factors: f.factors, bias: f.bias, used: f.used, skipped: itemIds.count - items.count)
    }
}
