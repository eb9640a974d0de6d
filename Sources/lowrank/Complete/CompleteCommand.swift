import ArgumentParser
import Foundation
import LatentFactors
import LowRankKernels

/// `lowrank complete RATINGS`: latent factors of a partially observed ratings matrix.
struct CompleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complete",
        abstract: "Complete a partially observed ratings matrix by latent factors (ALS, Soft-Impute, GD, SGD, implicit ALS, NMF).",
        discussion: """
            Explicit models r̂_ui = μ + b_u + c_i + u_uᵀ v_i (biases with --biases); implicit ALS scores preferences \
            x_uᵀ y_i. --rank and --lambda take comma lists: cross-validation over --folds K (default 5) on RATINGS picks \
            the grid point, the model is refit on all of RATINGS and scored on --test. Test pairs with a user or item \
            unseen in training are scored by the bias-only prediction (μ + b_u, μ + c_i or μ) and counted in \
            test_unseen. See the LatentFactors article "Latent factors: the SVD, weight decay and the nuclear norm".
            """)

    enum Method: String, ExpressibleByArgument, CaseIterable { case als, softImpute = "soft-impute", gd, sgd, svdpp, implicit, nmf }
    enum Format: String, ExpressibleByArgument, CaseIterable { case udata, dat, csv, delimited, mtx }
    enum LambdaScale: String, ExpressibleByArgument, CaseIterable { case plain, count }
    enum Confidence: String, ExpressibleByArgument, CaseIterable { case implicit, hkv }

    @Argument(help: "Ratings file (user item rating [timestamp] by default).") var ratings: String
    @Option(help: "Layout: udata (default), dat (::), csv (header userId,movieId,rating), delimited, mtx.") var format: Format = .udata
    @Option(help: "With --format delimited: the field separator (default: runs of blanks).") var delimiter: String?
    @Option(parsing: .unconditional, help: "With --format delimited: 1-based user,item,rating columns (default 1,2,3).") var columns: String?
    @Option(help: "Duplicate (user, item) pairs: refuse (default), last or mean.") var duplicates: DuplicatePolicy = .refuse
    @Option(help: "Test ratings file (same layout); ids unseen in training are scored by the cold-start policy.") var test: String?
    @Option(name: .customLong("test-fraction"), parsing: .unconditional, help: "Hold out this fraction of RATINGS as the test set (seeded).") var testFraction: Double?
    @Option(parsing: .unconditional, help: "Cross-validation folds for a --rank/--lambda grid (default 5).") var folds: Int?
    @Option(name: .customLong("fold-file"), help: "One fold number per rating line of RATINGS (identical splits across programs).") var foldFile: String?
    @Option(help: "als, soft-impute, gd, sgd, svdpp (SVD++, biases always), implicit or nmf.") var method: Method
    @Option(parsing: .unconditional, help: "Rank k, or a comma list for cross-validation.") var rank: String
    @Option(parsing: .unconditional, help: "λ, or a comma list for cross-validation.") var lambda: String
    @Option(name: .customLong("lambda-scale"), help: "ALS penalty: count (ALS-WR, λ·n_u; default, as Spark) or plain.") var lambdaScale: LambdaScale?
    @Flag(help: "Fit μ + b_u + c_i (als, sgd).") var biases = false
    @Option(help: "als, implicit: row products in double (default) or mixed (float32 gather and Gram, float64 solve).")
    var precision: GramPrecision?
    @Option(parsing: .unconditional, help: "Implicit ALS: confidence α (default 1).") var alpha: Double?
    @Option(help: "Implicit ALS: implicit (c = α, default) or hkv (c = 1 + α).") var confidence: Confidence?
    @Option(name: .customLong("cg-steps"), parsing: .unconditional, help: "Implicit ALS: conjugate-gradient steps per row (default 3; 0 = exact Cholesky).") var cgSteps: Int?
    @Option(parsing: .unconditional, help: "Iterations (sweeps or epochs); default per method (als 10, implicit 15, soft-impute 100, gd 1000, sgd 20, svdpp 20, nmf 200).") var iterations: Int?
    @Option(name: .customLong("learning-rate"), parsing: .unconditional,
            help: "gd: fixed step (default: Armijo backtracking); sgd: learning rate (default 0.005); svdpp: default 0.007 (as Surprise).")
    var learningRate: Double?
    @Option(name: .customLong("bias-lambda"), parsing: .unconditional, help: "svdpp: regularization of b_u, c_i (default: --lambda).")
    var biasLambda: Double?
    @Option(name: .customLong("implicit-lambda"), parsing: .unconditional, help: "svdpp: regularization of the implicit factors y_j (default: --lambda).")
    var implicitLambda: Double?
    @Option(parsing: .unconditional, help: "Seed of the initial factors and of the splits (default 0).") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Threads in all (BLAS runs single-threaded inside the row loops; default: all cores).") var threads: Int?
    @Flag(name: .customLong("no-clip"), help: "Do not clip predictions to the training ratings' range [min, max] (clipped by default, as Surprise does).")
    var noClip = false
    @Option(help: "Write factors and biases as .npy, with the id maps as text, to this folder.") var out: String?
    @Option(help: "Print the top --top items for this user id (items the user rated excluded).") var recommend: String?
    @Option(parsing: .unconditional, help: "N of the recommendations and k of precision@k / nDCG@k (default 10).") var top: Int = 10
    @Option(help: "Write an SVG: RMSE per iteration and the singular values of the completed matrix.") var plot: String?
    @Flag(help: "Print one JSON document on stdout (the progress line goes to stderr).") var json = false
    @OptionGroup var common: CommonOptions

    /// A comma list of values, or the option's error.
    static func list<T>(_ text: String, option: String, _ parse: (String) -> T?) throws -> [T] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.compactMap(parse)
        guard !parts.isEmpty, values.count == parts.count else {
            throw ValidationError("\(option) '\(text)': expected a number or a comma list of numbers")
        }
        return values
    }

    var ranks: [Int] { (try? Self.list(rank, option: "--rank") { Int($0) }) ?? [] }
    var lambdas: [Double] { (try? Self.list(lambda, option: "--lambda") { Double($0) }) ?? [] }
    var isGrid: Bool { ranks.count > 1 || lambdas.count > 1 }
    var workerThreads: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    func validate() throws {
        let ranks = try Self.list(rank, option: "--rank") { Int($0) }
        let lambdas = try Self.list(lambda, option: "--lambda") { Double($0) }
        if let r = ranks.first(where: { $0 < 1 }) { throw ValidationError("--rank \(r): must be ≥ 1") }
        if let l = lambdas.first(where: { !($0 >= 0 && $0.isFinite) }) { throw ValidationError("--lambda \(l): must be finite and ≥ 0") }
        if test != nil && testFraction != nil { throw ValidationError("give at most one of --test and --test-fraction") }
        if let f = testFraction, !(f > 0 && f < 1) { throw ValidationError("--test-fraction \(f): must be in (0, 1)") }
        if let k = folds, k < 2 { throw ValidationError("--folds \(k): must be ≥ 2") }
        if (folds != nil || foldFile != nil) && !isGrid {
            throw ValidationError("--folds and --fold-file choose the grid point; give --rank or --lambda as a comma list")
        }
        if foldFile != nil && testFraction != nil {
            throw ValidationError("--fold-file numbers the lines of RATINGS; it cannot be combined with --test-fraction")
        }
        if let t = threads, t < 1 { throw ValidationError("--threads \(t): must be ≥ 1") }
        if let i = iterations, i < 1 { throw ValidationError("--iterations \(i): must be ≥ 1") }
        guard top >= 1 else { throw ValidationError("--top \(top): must be ≥ 1") }
        if format != .delimited && (delimiter != nil || columns != nil) {
            throw ValidationError("--delimiter and --columns apply to --format delimited")
        }
        if let c = columns {
            let cols = try Self.list(c, option: "--columns") { Int($0) }
            guard cols.count == 3, cols.allSatisfy({ $0 >= 1 }) else {
                throw ValidationError("--columns '\(c)': expected three 1-based column numbers user,item,rating")
            }
        }
        let implicitOnly = [("--alpha", alpha != nil), ("--confidence", confidence != nil), ("--cg-steps", cgSteps != nil)]
        if method != .implicit, let (name, _) = implicitOnly.first(where: { $0.1 }) {
            throw ValidationError("\(name) applies to --method implicit")
        }
        if let a = alpha, !(a > 0 && a.isFinite) { throw ValidationError("--alpha \(a): must be finite and > 0") }
        if let s = cgSteps, s < 0 { throw ValidationError("--cg-steps \(s): must be ≥ 0") }
        if lambdaScale != nil && method != .als { throw ValidationError("--lambda-scale applies to --method als") }
        if precision != nil && method != .als && method != .implicit {
            throw ValidationError("--precision applies to --method als and implicit")
        }
        if biases && ![.als, .sgd].contains(method) { throw ValidationError("--biases applies to als and sgd") }
        if learningRate != nil && ![.gd, .sgd, .svdpp].contains(method) { throw ValidationError("--learning-rate applies to gd, sgd and svdpp") }
        for (name, value) in [("--bias-lambda", biasLambda), ("--implicit-lambda", implicitLambda)] {
            guard let value else { continue }
            guard method == .svdpp else { throw ValidationError("\(name) applies to --method svdpp") }
            guard value >= 0, value.isFinite else { throw ValidationError("\(name) \(value): must be finite and ≥ 0") }
        }
        if let l = learningRate, !(l > 0 && l.isFinite) { throw ValidationError("--learning-rate \(l): must be finite and > 0") }
    }

    var ratingsFormat: RatingsFormat {
        switch format {
        case .udata: return .movieLens
        case .dat: return .movieLensDat
        case .csv: return .movieLensCSV
        case .mtx: return .matrixMarket
        case .delimited:
            let cols = columns.flatMap { try? Self.list($0, option: "--columns") { Int($0) } } ?? [1, 2, 3]
            return .delimited(DelimitedLayout(delimiter: delimiter, userColumn: cols[0] - 1, itemColumn: cols[1] - 1,
                                              ratingColumn: cols[2] - 1))
        }
    }
}

extension DuplicatePolicy: ExpressibleByArgument {}
extension GramPrecision: ExpressibleByArgument {}
