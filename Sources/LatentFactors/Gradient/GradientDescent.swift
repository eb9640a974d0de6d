import LowRankKernels

/// Options of ``GradientDescent``. There is no single published default for full-batch factor gradient descent; rank,
/// λ and the initial scale follow Surprise SVD (`reg_all = 0.02`, `init_std_dev = 0.1`) where they apply.
public struct GradientDescentOptions: Sendable, Equatable {
    /// Rank k. Default 10.
    public var rank: Int
    /// Weight decay λ ≥ 0 in λ/2 (‖U‖² + ‖V‖²). Default 0.02.
    public var lambda: Double
    /// A fixed step size η > 0, or `nil` (the default) for Armijo backtracking: each iteration tries twice the last
    /// accepted step (starting at 1), halving until f(x − η g) ≤ f(x) − 10⁻⁴ η ‖g‖² (Nocedal & Wright, Numerical
    /// Optimization, 2nd ed., Algorithm 3.1, c₁ = 10⁻⁴). Backtracking never increases the objective.
    public var stepSize: Double?
    /// Maximum number of iterations. Default 1000.
    public var maxIterations: Int
    /// Stop when ‖∇f‖_F ≤ tolerance · max(1, ‖P_Ω(M)‖_F). Default 1e-6; 0 runs all iterations.
    public var tolerance: Double
    /// Standard deviation of the N(0, σ²) initial entries of U and V. Default 0.1.
    public var initialScale: Double
    /// Seed of the initial factors. Default 0.
    public var seed: UInt64

    /// Options with the defaults unless given.
    public init(rank: Int = 10, lambda: Double = 0.02, stepSize: Double? = nil, maxIterations: Int = 1000,
                tolerance: Double = 1e-6, initialScale: Double = 0.1, seed: UInt64 = 0) {
        self.rank = rank
        self.lambda = lambda
        self.stepSize = stepSize
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.initialScale = initialScale
        self.seed = seed
    }

    /// Throws ``LowRankKernels/LinearAlgebraError/invalidArgument(argument:reason:)`` naming the bad option.
    public func validate() throws {
        func bad(_ name: String, _ reason: String) -> LinearAlgebraError { .invalidArgument(argument: name, reason: reason) }
        guard rank >= 1 else { throw bad("rank", "must be ≥ 1, got \(rank)") }
        guard lambda.isFinite, lambda >= 0 else { throw bad("lambda", "must be finite and ≥ 0, got \(lambda)") }
        if let s = stepSize { guard s.isFinite, s > 0 else { throw bad("stepSize", "must be finite and > 0, got \(s)") } }
        guard maxIterations >= 0 else { throw bad("maxIterations", "must be ≥ 0, got \(maxIterations)") }
        guard tolerance.isFinite, tolerance >= 0 else { throw bad("tolerance", "must be finite and ≥ 0") }
        guard initialScale.isFinite, initialScale > 0 else { throw bad("initialScale", "must be finite and > 0") }
    }
}

/// The outcome of ``GradientDescent/fit(_:options:observer:)``.
public struct GradientDescentResult: Sendable {
    /// The fitted model (no biases; userFactors = Uᵀ, itemFactors = Vᵀ).
    public let model: FactorModel
    /// One record per iteration (objective f below).
    public let history: [IterationRecord]
    /// `true` when the gradient tolerance stopped the iterations.
    public let converged: Bool
    /// ‖∇f‖_F at the returned point.
    public let gradientNorm: Double
    /// The last step size used.
    public let lastStepSize: Double
}

/// Full-batch gradient descent on the factored completion objective
///
///     f(U, V) = ½ ‖P_Ω(U Vᵀ − M)‖²_F + λ/2 (‖U‖²_F + ‖V‖²_F),
///     ∇_U f = P_Ω(U Vᵀ − M) V + λ U,   ∇_V f = P_Ω(U Vᵀ − M)ᵀ U + λ V,
///
/// from a random N(0, σ²) start (Burer & Monteiro 2003 factorisation; for λ = 0 and full observation every local
/// minimum is global, Ge, Jin & Zheng, ICML 2017). Each iteration costs O(|Ω| k) per objective evaluation. No biases.
public enum GradientDescent {
    /// Fits the model; `observer` is called after every iteration.
    /// - Throws: ``LowRankKernels/LinearAlgebraError`` for invalid options or empty ratings;
    ///   ``CompletionError/diverged(method:iteration:objective:)`` when, with a fixed step, the objective becomes
    ///   non-finite or exceeds ten times its initial value.
    public static func fit(_ r: Ratings, options: GradientDescentOptions = GradientDescentOptions(),
                           observer: (IterationRecord, FactorModel) -> Void = { _, _ in }) throws -> GradientDescentResult {
        try options.validate()
        guard r.count > 0 else { throw LinearAlgebraError.emptyMatrix(argument: "ratings") }
        let start = ContinuousClock.now
        let k = options.rank, m = r.userCount, n = r.itemCount, lambda = options.lambda
        var g = SeededGenerator(seed: options.seed)
        var u = (0..<(k * m)).map { _ in g.normal() * options.initialScale }
        var v = (0..<(k * n)).map { _ in g.normal() * options.initialScale }
        func evaluate(_ u: [Double], _ v: [Double]) -> (f: Double, residual: [Double], squares: Double) {
            var res = SparseSupport.lowRankOnOmega(r, k: k, a: u, b: v)
            for e in res.indices { res[e] -= r.rowValues[e] }
            let sq = SparseSupport.sumOfSquares(res)
            return (0.5 * sq + 0.5 * lambda * (SparseSupport.sumOfSquares(u) + SparseSupport.sumOfSquares(v)), res, sq)
        }
        var current = evaluate(u, v)
        let initial = current.f
        let scale = Swift.max(1, SparseSupport.sumOfSquares(r.rowValues).squareRoot())
        var step = options.stepSize ?? 1
        var history: [IterationRecord] = []
        var converged = false
        var gradNorm = Double.infinity
        for iteration in 1...Swift.max(1, options.maxIterations) where options.maxIterations > 0 {
            var gu = SparseSupport.sparseTimes(r, s: current.residual, k: k, b: v)
            var gv = SparseSupport.sparseTransposeTimes(r, s: current.residual, k: k, a: u)
            for j in gu.indices { gu[j] += lambda * u[j] }
            for j in gv.indices { gv[j] += lambda * v[j] }
            let g2 = SparseSupport.sumOfSquares(gu) + SparseSupport.sumOfSquares(gv)
            gradNorm = g2.squareRoot()
            if gradNorm <= options.tolerance * scale { converged = true; break }
            func moved(_ eta: Double) -> ([Double], [Double]) {
                var nu = u, nv = v
                for j in nu.indices { nu[j] -= eta * gu[j] }
                for j in nv.indices { nv[j] -= eta * gv[j] }
                return (nu, nv)
            }
            if options.stepSize == nil {
                step *= 2
                var accepted = false
                for _ in 0..<80 {
                    let (nu, nv) = moved(step)
                    let trial = evaluate(nu, nv)
                    if trial.f <= current.f - 1e-4 * step * g2 {
                        u = nu; v = nv; current = trial; accepted = true
                        break
                    }
                    step *= 0.5
                }
                if !accepted { converged = true; break }  // no descent possible at machine precision
            } else {
                (u, v) = moved(step)
                current = evaluate(u, v)
                if !current.f.isFinite || current.f > 10 * initial {
                    throw CompletionError.diverged(method: "GradientDescent", iteration: iteration, objective: current.f)
                }
            }
            let record = IterationRecord(iteration: iteration, objective: current.f,
                                         trainRMSE: (current.squares / Double(r.count)).squareRoot(),
                                         seconds: SparseSupport.seconds(since: start))
            history.append(record)
            observer(record, try SparseSupport.model(r, k: k, users: u, items: v))
        }
        return GradientDescentResult(model: try SparseSupport.model(r, k: k, users: u, items: v), history: history,
                                     converged: converged, gradientNorm: gradNorm, lastStepSize: step)
    }
}
