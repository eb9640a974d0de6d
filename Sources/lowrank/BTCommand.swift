import ArgumentParser
import ControlReduction
import Foundation
import LowRankKernels

/// `lowrank bt MODEL`: square-root balanced truncation with bound and measured H∞ error.
struct BTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bt",
        abstract: "Reduce a model by square-root balanced truncation.",
        discussion: """
            Exactly one of --order r or --max-error ε (smallest r with 2·Σ_{i>r} σᵢ ≤ ε). \
            The measured H∞ error is the maximum of σ_max(G(iω) − G_r(iω)) over ω = 0 and \
            --frequencies log-spaced points in [--omega-min, --omega-max].
            """)

    @Argument(help: "Model folder (A.mtx B.mtx C.mtx [E.mtx] [D.mtx]) or MATLAB .mat file with A, B, C[, E, D].") var model: String
    @Option(parsing: .unconditional, help: "Reduced order r.") var order: Int?
    @Option(name: .customLong("max-error"), parsing: .unconditional, help: "Absolute H∞ error bound to meet.") var maxError: Double?
    @OptionGroup var gramian: GramianOptions
    @Option(help: "Folder to write the reduced model (A.mtx B.mtx C.mtx [D.mtx]).") var out: String?
    @Option(help: "Write an SVG with the HSV decay and the frequency responses.") var plot: String?
    @Option(parsing: .unconditional, help: "Number of log-spaced frequencies (plus ω = 0; default 200).") var frequencies: Int?
    @Option(name: .customLong("omega-min"), parsing: .unconditional, help: "Lowest frequency (default 1e-6).") var omegaMin: Double?
    @Option(name: .customLong("omega-max"), parsing: .unconditional, help: "Highest frequency (default 1e6).") var omegaMax: Double?
    @Flag(name: .customLong("skip-error"), help: "Skip the frequency sweep and H2 error.") var skipError = false
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var common: CommonOptions

    var frequencyCount: Int { frequencies ?? 200 }
    var lowestFrequency: Double { omegaMin ?? 1e-6 }
    var highestFrequency: Double { omegaMax ?? 1e6 }

    struct Seconds: Encodable { let gramians: Double; let reduction: Double; let error: Double; let sweep: Double }
    struct Report: Encodable {
        let model: String
        let n: Int
        let order: Int
        let hankelSingularValues: [Double]
        let errorBound: Double
        let hinfError: Double?
        let h2Error: Double?
        let h2Norm: Double?
        let gramianMethods: [String]
        let seconds: Seconds
    }

    func validate() throws {
        guard (order == nil) != (maxError == nil) else { throw ValidationError("give exactly one of --order or --max-error") }
        if let r = order, r < 1 { throw ValidationError("--order must be ≥ 1") }
        if let e = maxError, !(e > 0 && e.isFinite) { throw ValidationError("--max-error must be finite and > 0") }
        guard frequencyCount >= 1 else { throw ValidationError("--frequencies \(frequencyCount): must be ≥ 1") }
        guard lowestFrequency > 0, lowestFrequency.isFinite else {
            throw ValidationError("--omega-min \(lowestFrequency): must be finite and > 0")
        }
        guard highestFrequency >= lowestFrequency, highestFrequency.isFinite else {
            throw ValidationError("--omega-max \(highestFrequency): must be finite and ≥ --omega-min \(lowestFrequency)")
        }
        if skipError {
            for (name, given) in [("--frequencies", frequencies != nil), ("--omega-min", omegaMin != nil), ("--omega-max", omegaMax != nil)]
            where given { throw ValidationError("\(name) sets the error sweep, which --skip-error turns off") }
        }
    }

    func run() throws {
        try Output.reportingErrors {
            common.apply()
            try OutputTarget.checkFolder(out, option: "--out", inputs: [model])
            try OutputTarget.checkFile(plot, option: "--plot")
            let system = try LTISystem.load(path: model)
            try GramianOptions.requireNonzero(system, for: [.controllability, .observability])
            if !skipError {
                try MemoryBudget.require(FrequencyResponse.sweepMemoryEstimate(points: frequencyCount + 1, outputs: system.outputs,
                                                                               inputs: system.inputs),
                                         for: "a frequency sweep of \(frequencyCount + 1) points", hint: "lower --frequencies")
            }
            let t0 = Date()
            let progress = ProgressLine(enabled: !json)
            let both = try LyapunovSolver.solveBoth(system, method: gramian.method, options: gramian.adiOptions) { eq, s in
                progress.update(String(format: "%@ ADI step %d  residual %.3e  columns %d", eq.rawValue, s.step,
                                       s.residual, s.columns))
            }
            progress.finish()
            let factors = [both.controllability, both.observability]
            for g in factors where !g.converged {
                throw ADIError.notConverged(steps: g.steps, residual: g.residualHistory.last ?? .nan,
                                            tolerance: gramian.adiTolerance)
            }
            let tGram = Date().timeIntervalSince(t0)
            let t1 = Date()
            let selection: BalancedTruncation.OrderSelection = order.map { .order($0) } ?? .maxError(maxError!)
            let result = try BalancedTruncation.reduce(system, controllability: factors[0].factor,
                                                       observability: factors[1].factor, selection: selection)
            let tRed = Date().timeIntervalSince(t1)
            if let out { try result.reduced.write(to: out) }
            let t2 = Date()
            var hinf: Double?, h2: Double?, h2n: Double?
            var sweep: FrequencyResponse.ErrorSweep?
            var tSweep = 0.0
            if !skipError {
                let grid = try FrequencyResponse.grid(count: frequencyCount, omegaMin: lowestFrequency, omegaMax: highestFrequency)
                sweep = try FrequencyResponse.errorSweep(full: system, reduced: result.reduced, omegas: grid)
                tSweep = Date().timeIntervalSince(t2)
                hinf = sweep?.maximum
                if system.d == nil {
                    h2 = try H2Norm.error(full: system, controllability: factors[0].factor, reduced: result.reduced)
                    h2n = try H2Norm.norm(system, controllability: factors[0].factor)
                }
            }
            let tErr = Date().timeIntervalSince(t2)
            if let plot {
                var panels = [SVGPlot.Panel(title: "Hankel singular values", xLabel: "index", yLabel: "σᵢ", logX: false,
                                            series: [.init(label: "σᵢ", x: result.hankelSingularValues.indices.map { Double($0 + 1) },
                                                           y: result.hankelSingularValues, color: "#1f77b4")])]
                if let s = sweep {
                    let w = Array(s.omegas.dropFirst())
                    panels.append(.init(title: "σ_max over frequency (r = \(result.order))", xLabel: "ω [rad/s]", yLabel: "σ_max",
                                        logX: true, series: [
                                            .init(label: "full", x: w, y: Array(s.full.dropFirst()), color: "#1f77b4"),
                                            .init(label: "reduced", x: w, y: Array(s.reduced.dropFirst()), color: "#ff7f0e"),
                                            .init(label: "error", x: w, y: Array(s.error.dropFirst()), color: "#d62728"),
                                        ]))
                }
                try SVGPlot(panels: panels).write(to: plot)
            }
            let report = Report(model: model, n: system.order, order: result.order,
                                hankelSingularValues: result.hankelSingularValues, errorBound: result.errorBound,
                                hinfError: hinf, h2Error: h2, h2Norm: h2n, gramianMethods: factors.map { $0.method.rawValue },
                                seconds: Seconds(gramians: tGram, reduction: tRed, error: tErr, sweep: tSweep))
            if json { try Output.printJSON(report) } else { printHuman(report, factors) }
        }
    }

    func printHuman(_ r: Report, _ factors: [GramianFactor]) {
        print("\(r.model): n = \(r.n) → r = \(r.order)")
        for g in factors {
            print("  \(g.equation.rawValue) Gramian: \(g.method.rawValue), \(g.factor.columns) columns"
                  + (g.method == .adi ? ", \(g.steps) steps" : "") + String(format: ", %.2f s", g.seconds))
        }
        let head = r.hankelSingularValues.prefix(Swift.max(r.order + 3, 8)).map { fmt($0, 5) }.joined(separator: ", ")
        print("  Hankel singular values: \(head)\(r.hankelSingularValues.count > r.order + 3 ? ", …" : "")")
        print("  H∞ error bound 2·Σ tail = \(fmt(r.errorBound, 4))")
        if let h = r.hinfError { print("  measured H∞ error (grid)  = \(fmt(h, 4))") }
        if let h2 = r.h2Error, let n = r.h2Norm { print("  H2 error = \(fmt(h2, 4)) (‖G‖_H2 = \(fmt(n, 4)))") }
        print(String(format: "  seconds: gramians %.2f, reduction %.2f, error %.2f", r.seconds.gramians, r.seconds.reduction, r.seconds.error))
    }
}
