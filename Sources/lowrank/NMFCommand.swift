import ArgumentParser
import Foundation
import LowRankIO
import LowRankKernels

/// `lowrank nmf FILE --rank k`: non-negative factorization with sparsity penalties (Frobenius) or for counts (KL).
struct NMFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nmf",
        abstract: "Non-negative matrix factorization X ≈ W H: Frobenius with L1/L2 penalties, or Kullback–Leibler for counts.",
        discussion: """
            Minimizes D(X‖WH) + α_W ρ n ‖W‖₁ + ½ α_W (1−ρ) n ‖W‖² + α_H ρ m ‖H‖₁ + ½ α_H (1−ρ) m ‖H‖² (scikit-learn's \
            parametrization; X is m × n) by coordinate descent (--beta frobenius) or multiplicative updates (--beta kl). \
            --iterations n runs exactly n iterations unless --tolerance t is given, which stops once an iteration \
            lowers the objective by less than t times the initial objective.
            """)

    enum Beta: String, ExpressibleByArgument, CaseIterable {
        case frobenius, kl
        case kullbackLeibler = "kullback-leibler"
        var divergence: NMFDivergence { self == .frobenius ? .frobenius : .kullbackLeibler }
    }
    enum Start: String, ExpressibleByArgument, CaseIterable { case nndsvd, nndsvda, random }

    @Argument(help: "The non-negative matrix: NumPy .npy (2-D, real) or Matrix Market .mtx.") var file: String
    @Option(parsing: .unconditional, help: "Rank k (1 ≤ k ≤ min(m, n)).") var rank: Int
    @Option(help: "Divergence: frobenius (default) or kl (kullback-leibler).") var beta: Beta = .frobenius
    @Option(name: .customLong("l1-ratio"), parsing: .unconditional, help: "ρ in [0, 1]: share of L1 in the penalty (default 0).")
    var l1Ratio: Double = 0
    @Option(name: .customLong("alpha-w"), parsing: .unconditional, help: "α_W ≥ 0 (default 0).") var alphaW: Double = 0
    @Option(name: .customLong("alpha-h"), parsing: .unconditional, help: "α_H ≥ 0 (default: α_W).") var alphaH: Double?
    @Option(help: "Start: nndsvda (default), nndsvd or random.") var `init`: Start = .nndsvda
    @Option(parsing: .unconditional, help: "Seed of --init random (default 0).") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Iterations (default 200).") var iterations: Int = 200
    @Option(parsing: .unconditional, help: "Stop early on a relative objective decrease below this (default: off).")
    var tolerance: Double?
    @Option(help: "Write W.npy (m × k) and H.npy (k × n) into this folder.") var out: String?
    @Option(help: "Write an SVG of the objective per iteration.") var plot: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var common: CommonOptions

    struct Report: Encodable {
        let file: String, rows: Int, columns: Int, rank: Int, beta: String, alphaW: Double, alphaH: Double, l1Ratio: Double
        let init_: String
        let objective: Double, divergence: Double, iterations: Int, zerosW: Double, zerosH: Double
        let objectiveHistory: [Double]
        let seconds: Double

        enum CodingKeys: String, CodingKey {
            case file, rows, columns, rank, beta, alphaW, alphaH, l1Ratio, objective, divergence, iterations, zerosW, zerosH
            case objectiveHistory, seconds
            case init_ = "init"
        }
    }

    func validate() throws {
        guard rank >= 1 else { throw ValidationError("--rank must be ≥ 1 (got \(rank))") }
        guard l1Ratio >= 0, l1Ratio <= 1 else { throw ValidationError("--l1-ratio must lie in [0, 1] (got \(l1Ratio))") }
        guard alphaW >= 0, alphaW.isFinite else { throw ValidationError("--alpha-w must be finite and ≥ 0") }
        if let a = alphaH { guard a >= 0, a.isFinite else { throw ValidationError("--alpha-h must be finite and ≥ 0") } }
        guard iterations >= 0 else { throw ValidationError("--iterations must be ≥ 0") }
        if let t = tolerance { guard t >= 0, t.isFinite else { throw ValidationError("--tolerance must be finite and ≥ 0") } }
    }

    func run() throws {
        try Output.reportingErrors {
            common.apply()
            try OutputTarget.checkFile(plot, option: "--plot")
            try OutputTarget.checkFolder(out, option: "--out", inputs: [file])
            guard case .real(let x) = try MatrixFile.load(file) else {
                throw LinearAlgebraError.invalidArgument(argument: file, reason: "NMF needs a real matrix, this one is complex")
            }
            try MemoryBudget.require(4 * Double(x.rows) * Double(x.columns) * 8, for: "NMF of a \(x.rows)×\(x.columns) matrix",
                                     hint: nil)
            guard rank <= Swift.min(x.rows, x.columns) else {
                throw ValidationError("--rank \(rank) exceeds min(m, n) = \(Swift.min(x.rows, x.columns)) of \(file)")
            }
            if let index = x.elements.firstIndex(where: { $0 < 0 }) {
                throw LinearAlgebraError.invalidArgument(
                    argument: file, reason: "NMF needs non-negative entries, but entry (\(index % x.rows + 1), \(index / x.rows + 1)) is \(x.elements[index])")
            }
            let start: NMFInitialization = switch `init` {
            case .nndsvd: .nndsvd
            case .nndsvda: .nndsvda
            case .random: .random(seed: seed)
            }
            let options = NMF.FitOptions(rank: rank, divergence: beta.divergence, alphaW: alphaW, alphaH: alphaH,
                                         l1Ratio: l1Ratio, initialization: start, iterations: iterations, tolerance: tolerance)
            let progress = ProgressLine(enabled: !json)
            let clock = ContinuousClock(), began = clock.now
            let result = try NMF.fit(x, options: options) { r in
                progress.update(String(format: "iteration %d  objective %.6e", r.iteration, r.objective))
            }
            let elapsed = clock.now - began
            progress.finish()
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            if let out {
                try AtomicDirectory.write(to: out) { folder in
                    try NumPy.write(result.w, to: folder + "/W.npy")
                    try NumPy.write(result.h, to: folder + "/H.npy")
                }
            }
            if let plot {
                try SVGPlot(panels: [SVGPlot.Panel(title: "NMF objective", xLabel: "iteration", yLabel: "objective", logX: false,
                                                   series: [.init(label: beta.divergence.rawValue,
                                                                  x: result.history.map { Double($0.iteration) },
                                                                  y: result.history.map(\.objective), color: "#1f77b4")])])
                    .write(to: plot)
            }
            let report = Report(file: file, rows: x.rows, columns: x.columns, rank: rank, beta: beta.divergence.rawValue,
                                alphaW: alphaW, alphaH: alphaH ?? alphaW, l1Ratio: l1Ratio, init_: `init`.rawValue,
                                objective: result.objective, divergence: result.divergence, iterations: result.iterations,
                                zerosW: result.zerosW, zerosH: result.zerosH,
                                objectiveHistory: result.history.map(\.objective), seconds: seconds)
            if json { try Output.printJSON(report) } else {
                print("\(file): \(x.rows) × \(x.columns), rank \(rank), \(beta.divergence.rawValue) NMF, init \(`init`.rawValue)")
                print(String(format: "  objective %.10g (divergence %.10g) after %d iterations, %.3f s", result.objective,
                             result.divergence, result.iterations, seconds))
                print(String(format: "  zeros: %.1f %% of W, %.1f %% of H", 100 * result.zerosW, 100 * result.zerosH))
                if let out { print("  wrote \(out)/W.npy and \(out)/H.npy") }
            }
        }
    }
}
