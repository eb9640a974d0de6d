import ArgumentParser
import Foundation
import LowRankKernels

/// `lowrank compress FILE.mtx`: singular-value spectrum, chosen rank and the Eckart–Young error.
struct CompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Compress a matrix by truncated SVD and report its spectrum and chosen rank.",
        discussion: """
            Exactly one of --rank, --tolerance, --select picks the rank (default: --select aic). \
            --tolerance ε keeps the smallest rank with relative error ‖A − A_k‖_F / ‖A‖_F ≤ ε. \
            --select aic minimizes ‖A − A_r‖²_F/σ² + 2r(m+n−r) with σ² from --noise-variance or the \
            Gavish–Donoho median estimate; --select gap takes the largest ratio σ_r/σ_{r+1}.
            """)

    enum Selector: String, ExpressibleByArgument, CaseIterable { case aic, gap }

    @Argument(help: "Matrix Market file (array or coordinate; real or complex).")
    var file: String

    @Option(parsing: .unconditional, help: "Keep exactly this rank.")
    var rank: Int?

    @Option(parsing: .unconditional, help: "Relative Frobenius error target ε: smallest rank with ‖A − A_k‖_F/‖A‖_F ≤ ε.")
    var tolerance: Double?

    @Option(help: "Choose the rank by a criterion: aic or gap.")
    var select: Selector?

    @Option(name: .customLong("noise-variance"), parsing: .unconditional, help: "Noise variance σ² for --select aic (default: estimated).")
    var noiseVariance: Double?

    @Flag(help: "Use the randomized SVD (Halko–Martinsson–Tropp; needs --rank).")
    var randomized = false

    @Option(parsing: .unconditional, help: "Seed of the randomized sketch (with --randomized; default 0).")
    var seed: UInt64?

    @Flag(help: "Print JSON instead of a human summary.")
    var json = false

    @OptionGroup var common: CommonOptions

    struct Report: Encodable {
        let file: String
        let rows: Int
        let cols: Int
        let rank: Int
        let singularValues: [Double]
        let relativeError: Double
        let selectedBy: String
        let noiseVariance: Double?
        let seconds: Double
    }

    func validate() throws {
        let chosen = [rank != nil, tolerance != nil, select != nil].filter { $0 }.count
        if chosen > 1 { throw ValidationError("give at most one of --rank, --tolerance, --select") }
        if randomized && rank == nil { throw ValidationError("--randomized needs --rank") }
        if let r = rank, r < 0 { throw ValidationError("--rank must be ≥ 0 (got \(r))") }
        if seed != nil && !randomized { throw ValidationError("--seed applies to --randomized only") }
        if let t = tolerance, !(t >= 0 && t.isFinite) { throw ValidationError("--tolerance must be finite and ≥ 0") }
        if let v = noiseVariance, !(v > 0 && v.isFinite) { throw ValidationError("--noise-variance must be finite and > 0") }
        if noiseVariance != nil && !(select == .aic || (select == nil && rank == nil && tolerance == nil)) {
            throw ValidationError("--noise-variance applies to --select aic only")
        }
    }

    func run() throws {
        try Output.reportingErrors {
            common.apply()
            let start = DispatchTime.now()
            let loaded = try MatrixFile.load(file)
            let report: Report
            switch loaded {
            case .real(let a): report = try compress(a, start: start)
            case .complex(let a): report = try compress(a, start: start)
            }
            if json { try Output.printJSON(report) } else { printHuman(report) }
        }
    }

    func compress<S: LinearAlgebraScalar>(_ a: Matrix<S>, start: DispatchTime) throws -> Report {
        try a.requireNonEmpty(file)
        guard a.isFinite else { throw LinearAlgebraError.nonFinite(argument: file) }
        let m = a.rows, n = a.columns
        guard a.maxAbs > 0 else {
            throw LinearAlgebraError.invalidArgument(argument: file, reason: "the matrix is zero (every entry is 0); "
                + "it has no singular vectors, so there is no rank to choose")
        }
        // The SVD works on a copy of A plus LAPACK's workspace (about another m·n for gesdd).
        try MemoryBudget.require(3 * Double(m) * Double(n) * Double(MemoryLayout<S>.stride),
                                 for: "the SVD of a \(m)×\(n) matrix", hint: randomized ? nil : "try --rank k --randomized")
        let seed = self.seed ?? 0
        let s: [Double]
        let k: Int
        var selectedBy = "rank"
        var sigma2: Double?
        if randomized, let r = rank {
            let result = try RandomizedSVD.compute(a, options: .init(rank: r, seed: seed))
            s = result.allSingularValues
            k = r
            selectedBy = "rank (randomized)"
        } else {
            s = try a.singularValues()
            if let r = rank {
                k = try TruncationCriterion.rank(r).rank(for: s)
            } else if let t = tolerance {
                k = try TruncationCriterion.discardedWeight(t * t).rank(for: s)
                selectedBy = "tolerance"
            } else if select == .gap {
                k = try RankSelection.largestGap(singularValues: s).rank
                selectedBy = "gap"
            } else {
                let r = try RankSelection.aic(singularValues: s, rows: m, columns: n, noiseVariance: noiseVariance)
                k = r.rank
                sigma2 = r.noiseVariance
                selectedBy = noiseVariance == nil ? "aic (estimated noise variance)" : "aic"
            }
        }
        let relErr: Double
        if randomized {
            // The sketch does not see the whole spectrum: measure the error of the approximation itself.
            let r = try RandomizedSVD.compute(a, options: .init(rank: k, seed: seed))
            relErr = try a.subtracting(r.dense()).frobeniusNorm / a.frobeniusNorm
        } else {
            relErr = TruncationReport(singularValues: s, rank: k).relativeError
        }
        return Report(file: file, rows: m, cols: n, rank: k, singularValues: s, relativeError: relErr,
                      selectedBy: selectedBy, noiseVariance: sigma2, seconds: secondsSince(start))
    }

    func printHuman(_ r: Report) {
        print("\(r.file): \(r.rows) × \(r.cols)")
        let shown = r.singularValues.prefix(Swift.max(10, Swift.min(r.rank + 3, 30)))
        let top = r.singularValues.first ?? 0
        print("singular values (bar: σᵢ/σ₁; \(r.singularValues.count) computed):")
        for (i, v) in shown.enumerated() {
            let rel = top > 0 ? v / top : 0
            let width = Int((rel * 40).rounded())
            let mark = i < r.rank ? "●" : "○"
            print(String(format: "  %4d %@ %-12.6g %@", i + 1, mark, v, String(repeating: "▇", count: width)))
        }
        if r.singularValues.count > shown.count { print("  … \(r.singularValues.count - shown.count) more") }
        var line = "rank \(r.rank) selected by \(r.selectedBy)"
        if let v = r.noiseVariance { line += " (σ² = \(fmt(v)))" }
        print(line)
        print("relative error ‖A − A_k‖_F/‖A‖_F = \(fmt(r.relativeError, 6)); storage \(r.rank * (r.rows + r.cols + 1)) vs \(r.rows * r.cols) numbers")
        print(String(format: "%.3f s", r.seconds))
    }
}
