import ArgumentParser
import ControlReduction
import Foundation
import LowRankKernels
import LowRankIO

/// `lowrank bt MODEL`: balanced truncation to one or several orders from one pair of Gramians, with the bound and
/// the measured H∞ and H2 errors, and optionally a time-domain simulation of the full and reduced models.
struct BTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bt",
        abstract: "Reduce a model by balanced truncation (square root by default), to one or several orders.",
        discussion: """
            Exactly one of --order or --max-error ε (smallest r with 2·Σ_{i>r} σᵢ ≤ ε). --order takes one order or \
            several separated by commas (10,20,40): the Gramians, the SVD of Z_oᵀ E Z_c, the frequency samples of \
            the full model and its H2 norm are computed once for all of them. The measured H∞ error is the maximum \
            of σ_max(G(iω) − G_r(iω)) over ω = 0 and --frequencies log-spaced points in [--omega-min, --omega-max]. \
            --simulate u.npy (T×m: a row per time step, a column per input) runs the full and every reduced model \
            from the zero state by the Crank–Nicolson rule with step --dt (default 1).
            """)

    enum ProjectionName: String, ExpressibleByArgument, CaseIterable {
        case squareRoot = "square-root", balancingFree = "balancing-free", biorthogonal
        var method: BalancedTruncation.Projection {
            switch self {
            case .squareRoot: return .squareRoot
            case .balancingFree: return .balancingFreeSquareRoot
            case .biorthogonal: return .biorthogonal
            }
        }
    }

    @Argument(help: "Model folder (A.mtx B.mtx C.mtx [E.mtx] [D.mtx]) or MATLAB .mat file with A, B, C[, E, D].") var model: String
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Reduced order r, or several separated by commas (10,20,40), all from one pair of Gramians.", valueName: "r[,r…]"))
    var order: String?
    @Option(name: .customLong("max-error"), parsing: .unconditional, help: "Absolute H∞ error bound to meet.") var maxError: Double?
    @Option(help: ArgumentHelp("Bases: square-root (default; balanced reduced model), balancing-free (orthonormal bases; better "
                + "conditioned when σ_r is tiny) or biorthogonal (orthonormal T, Wᵀ E T = I)."))
    var projection: ProjectionName = .squareRoot
    @OptionGroup var gramian: GramianOptions
    @Option(help: ArgumentHelp("Folder to write the reduced model (A.mtx B.mtx C.mtx [D.mtx]); with several orders, one "
                + "subfolder per order: DIR/r10, DIR/r20, …")) var out: String?
    @Option(help: "Write an SVG with the HSV decay, the frequency responses and (with --simulate) the outputs.") var plot: String?
    @Option(parsing: .unconditional, help: "Number of log-spaced frequencies (plus ω = 0; default 200).") var frequencies: Int?
    @Option(name: .customLong("omega-min"), parsing: .unconditional, help: "Lowest frequency (default 1e-6).") var omegaMin: Double?
    @Option(name: .customLong("omega-max"), parsing: .unconditional, help: "Highest frequency (default 1e6).") var omegaMax: Double?
    @Flag(name: .customLong("skip-error"), help: "Skip the frequency sweep and H2 error.") var skipError = false
    @Option(help: ArgumentHelp("Simulate the full and reduced models from x(0) = 0 under the input in this .npy file "
                                + "(float64, T×m: a row per time step, a column per input).", valueName: "u.npy"))
    var simulate: String?
    @Option(parsing: .unconditional, help: "Time step of --simulate (finite, > 0; default 1, in the model's time unit).")
    var dt: Double?
    @Option(name: .customLong("simulation-out"), help: ArgumentHelp(
        "Write the simulated outputs to this .npy file: T×(p·(1 + number of orders)), the full model's p outputs first, "
            + "then each order's, in the order given.", valueName: "y.npy"))
    var simulationOut: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var common: CommonOptions

    var frequencyCount: Int { frequencies ?? 200 }
    var lowestFrequency: Double { omegaMin ?? 1e-6 }
    var highestFrequency: Double { omegaMax ?? 1e6 }
    /// The simulation step in force.
    var timeStep: Double { dt ?? 1 }

    struct Seconds: Encodable {
        let gramians: Double
        let reduction: Double
        let error: Double
        let sweep: Double
        let simulation: Double?
    }
    struct SimulationReport: Encodable {
        let steps: Int
        let dt: Double
        let maxOutputError: Double
        let outputErrorL2: Double
        let inputL2: Double
        let outputL2: Double
    }
    struct OrderReport: Encodable {
        let order: Int
        let errorBound: Double
        let hinfError: Double?
        let h2Error: Double?
        let seconds: Double
        let simulation: SimulationReport?
    }
    struct Report: Encodable {
        let model: String
        let n: Int
        let order: Int?
        let hankelSingularValues: [Double]
        let errorBound: Double?
        let hinfError: Double?
        let h2Error: Double?
        let h2Norm: Double?
        let gramianMethods: [String]
        let projection: String
        let seconds: Seconds
        let orders: [OrderReport]
        let simulation: SimulationReport?
    }

    /// The orders of `--order`: comma-separated whole numbers ≥ 1, none repeated.
    static func parseOrders(_ text: String) throws -> [Int] {
        let expected = "expected orders ≥ 1 separated by commas, such as 10,20,40"
        var orders: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let word = item.trimmingCharacters(in: .whitespaces)
            guard !word.isEmpty else { throw ValidationError("--order '\(text)': empty entry; \(expected)") }
            guard let r = Int(word) else { throw ValidationError("--order '\(text)': '\(word)' is not a whole number; \(expected)") }
            guard r >= 1 else { throw ValidationError("--order must be ≥ 1 (got \(r) in '\(text)')") }
            guard !orders.contains(r) else { throw ValidationError("--order '\(text)': \(r) is listed twice") }
            orders.append(r)
        }
        return orders
    }

    func validate() throws {
        guard (order == nil) != (maxError == nil) else { throw ValidationError("give exactly one of --order or --max-error") }
        if let order { _ = try BTCommand.parseOrders(order) }
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
        if let dt, !(dt > 0 && dt.isFinite) { throw ValidationError("--dt \(dt): must be finite and > 0") }
        if simulate == nil {
            for (name, given) in [("--dt", dt != nil), ("--simulation-out", simulationOut != nil)]
            where given { throw ValidationError("\(name) applies to --simulate, which is not given") }
        }
    }

    /// Errors of the command line that depend on the model or on an input file (exit status 1).
    struct InputError: Error, CustomStringConvertible {
        let description: String
    }

    /// The input of `--simulate`: a real T×m matrix with T ≥ 1, m = the model's inputs, every entry finite.
    static func loadInput(_ path: String, inputs m: Int) throws -> Matrix<Double> {
        let u: Matrix<Double>
        do {
            u = try NumPy.readMatrix(path, as: Double.self)
        } catch {
            throw InputError(description: "--simulate \(path): \(error)")
        }
        let layout = "u is T×m: one row per time step, one column per input"
        guard u.columns == m else {
            throw InputError(description: "--simulate \(path): has \(u.columns) column\(u.columns == 1 ? "" : "s"), "
                                + "but the model has m = \(m) input\(m == 1 ? "" : "s") (\(layout))")
        }
        guard u.rows >= 1 else { throw InputError(description: "--simulate \(path): has no rows (\(layout))") }
        for j in 0..<u.columns {
            for i in 0..<u.rows where !u[i, j].isFinite {
                throw InputError(description: "--simulate \(path): entry (row \(i), column \(j)) is \(u[i, j]); every input value must be finite")
            }
        }
        return u
    }

    /// `--out DIR` with several orders: DIR must be absent (with an existing parent), empty, or an earlier output of
    /// this kind (holding ``ordersMarker``); each `DIR/r<k>` must be a valid model-folder target; and DIR may not be or
    /// hold the input model.
    static let ordersMarker = ".lowrank-orders"

    static func checkOrdersFolder(_ path: String?, orders: [Int], input: String) throws {
        guard let path else { return }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            // Absent (its parent must be a writable folder) or not a folder (refused): as for one order.
            try OutputTarget.checkFolder(path, option: "--out", inputs: [input])
            return
        }
        if AtomicDirectory.contains(path, input) {
            throw OutputPathError(option: "--out", underlying: FileWriteError(
                path: path, reason: "is the input model \(input); refusing to overwrite it"))
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            throw OutputPathError(option: "--out", underlying: FileWriteError(path: path, reason: "cannot read the folder"))
        }
        guard names.isEmpty || names.contains(ordersMarker) else {
            throw OutputPathError(option: "--out", underlying: FileWriteError(
                path: path, reason: "exists and is neither empty nor an earlier `bt` output with several orders "
                    + "(no \(ordersMarker)); refusing to write into it"))
        }
        for r in orders { try OutputTarget.checkFolder(subfolder(path, r), option: "--out", inputs: [input]) }
    }

    static func subfolder(_ dir: String, _ r: Int) -> String { (dir as NSString).appendingPathComponent("r\(r)") }

    /// Writes each reduced model to `DIR/r<k>` (each subfolder atomically), marks DIR, and removes subfolders
    /// `r<k>` of an earlier run whose orders are not in this one (only folders that are earlier lowrank outputs).
    static func writeOrders(_ results: [BalancedTruncation.Result], to dir: String) throws {
        let fm = FileManager.default
        if !fm.fileExists(atPath: dir) { try fm.createDirectory(atPath: dir, withIntermediateDirectories: false) }
        try AtomicFile.write(Array("written by lowrank bt --order with several orders: one model folder per order\n".utf8),
                             to: (dir as NSString).appendingPathComponent(ordersMarker))
        for res in results { try res.reduced.write(to: subfolder(dir, res.order)) }
        let kept = Set(results.map { "r\($0.order)" })
        for name in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] where !kept.contains(name) {
            guard name.hasPrefix("r"), Int(name.dropFirst()) != nil else { continue }
            let folder = (dir as NSString).appendingPathComponent(name)
            guard fm.fileExists(atPath: (folder as NSString).appendingPathComponent(AtomicDirectory.markerName)) else { continue }
            try? fm.removeItem(atPath: folder)
        }
    }

    func run() throws {
        try Output.reportingErrors {
            common.apply()
            let orders = try order.map(BTCommand.parseOrders)
            if let orders, orders.count > 1 {
                try BTCommand.checkOrdersFolder(out, orders: orders, input: model)
            } else {
                try OutputTarget.checkFolder(out, option: "--out", inputs: [model])
            }
            try OutputTarget.checkFile(plot, option: "--plot")
            try OutputTarget.checkFile(simulationOut, option: "--simulation-out")
            let system = try LTISystem.load(path: model)
            if let orders, let big = orders.first(where: { $0 > system.order }) {
                throw InputError(description: "--order \(big): exceeds the number of states n = \(system.order) of \(model)")
            }
            try GramianOptions.requireNonzero(system, for: [.controllability, .observability])
            let input = try simulate.map { try BTCommand.loadInput($0, inputs: system.inputs) }
            if !skipError {
                try MemoryBudget.require(FrequencyResponse.sweepMemoryEstimate(points: frequencyCount + 1, outputs: system.outputs,
                                                                               inputs: system.inputs),
                                         for: "a frequency sweep of \(frequencyCount + 1) points", hint: "lower --frequencies")
            }
            if let input {
                let models = Double(1 + (orders?.count ?? 1))
                try MemoryBudget.require(MemoryBudget.bytes(2 * models * Double(input.rows) * Double(system.outputs)),
                                         for: "the outputs of --simulate (\(input.rows) steps)", hint: "shorten the input")
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

            // Reduction: one SVD, then every order.
            let t1 = Date()
            let bt = try BalancedTruncation(system, controllability: factors[0].factor, observability: factors[1].factor,
                                            projection: projection.method)
            let chosen: [Int]
            if let orders { chosen = orders } else if let maxError { chosen = [try bt.order(forMaxError: maxError)] } else { chosen = [] }
            var results: [BalancedTruncation.Result] = []
            var perOrder: [Double] = []
            for r in chosen {
                let start = Date()
                results.append(try bt.reduce(order: r))
                perOrder.append(Date().timeIntervalSince(start))
            }
            let tRed = Date().timeIntervalSince(t1)
            if let out {
                if results.count > 1 { try BTCommand.writeOrders(results, to: out) } else if let only = results.first { try only.reduced.write(to: out) }
            }

            // Errors: the full model's samples and H2 norm once, then each order.
            let t2 = Date()
            var sweeps: [FrequencyResponse.ErrorSweep?] = Array(repeating: nil, count: results.count)
            var h2: [Double?] = Array(repeating: nil, count: results.count)
            var h2n: Double?
            var tSweep = 0.0
            if !skipError {
                let grid = try FrequencyResponse.grid(count: frequencyCount, omegaMin: lowestFrequency, omegaMax: highestFrequency)
                let full = try FrequencyResponse.samples(system, at: grid)
                tSweep += Date().timeIntervalSince(t2)
                let evaluator = system.d == nil ? try H2Norm.ErrorEvaluator(full: system, controllability: factors[0].factor) : nil
                h2n = evaluator?.fullNorm
                for (i, res) in results.enumerated() {
                    let start = Date()
                    sweeps[i] = try FrequencyResponse.errorSweep(full: full, reduced: res.reduced)
                    tSweep += Date().timeIntervalSince(start)
                    h2[i] = try evaluator?.error(reduced: res.reduced)
                    perOrder[i] += Date().timeIntervalSince(start)
                }
            }
            let tErr = Date().timeIntervalSince(t2)

            // Simulation: the full model once, then each order.
            var simulations: [SimulationReport?] = Array(repeating: nil, count: results.count)
            var outputs: (full: Matrix<Double>, reduced: [Matrix<Double>])?
            var tSim: Double?
            if let input {
                let t3 = Date()
                let h = timeStep
                let y = try CrankNicolsonSimulator(system, timeStep: h).simulate(input)
                var reducedOutputs: [Matrix<Double>] = []
                let inputL2 = CrankNicolsonSimulator.l2Norm(input, timeStep: h)
                let outputL2 = CrankNicolsonSimulator.l2Norm(y, timeStep: h)
                for (i, res) in results.enumerated() {
                    let start = Date()
                    let yr = try CrankNicolsonSimulator(res.reduced, timeStep: h).simulate(input)
                    let diff = try y.subtracting(yr)
                    simulations[i] = SimulationReport(steps: input.rows, dt: h, maxOutputError: diff.maxAbs,
                                                      outputErrorL2: CrankNicolsonSimulator.l2Norm(diff, timeStep: h),
                                                      inputL2: inputL2, outputL2: outputL2)
                    reducedOutputs.append(yr)
                    perOrder[i] += Date().timeIntervalSince(start)
                }
                outputs = (y, reducedOutputs)
                if let simulationOut {
                    var all = y
                    for yr in reducedOutputs { try all.appendColumns(yr) }
                    try NumPy.write(all, to: simulationOut)
                }
                tSim = Date().timeIntervalSince(t3)
            }

            if let plot {
                try drawPlot(to: plot, bt: bt, results: results, sweeps: sweeps, outputs: outputs)
            }
            let orderReports = results.indices.map { i in
                OrderReport(order: results[i].order, errorBound: results[i].errorBound, hinfError: sweeps[i]?.maximum,
                            h2Error: h2[i], seconds: perOrder[i], simulation: simulations[i])
            }
            let single = results.count == 1 ? orderReports.first : nil
            let report = Report(model: model, n: system.order, order: single?.order,
                                hankelSingularValues: bt.hankelSingularValues, errorBound: single?.errorBound,
                                hinfError: single?.hinfError, h2Error: single?.h2Error, h2Norm: h2n,
                                gramianMethods: factors.map { $0.method.rawValue }, projection: projection.rawValue,
                                seconds: Seconds(gramians: tGram, reduction: tRed, error: tErr, sweep: tSweep, simulation: tSim),
                                orders: orderReports, simulation: single?.simulation)
            if json { try Output.printJSON(report) } else { printHuman(report, factors) }
        }
    }

    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    func drawPlot(to path: String, bt: BalancedTruncation, results: [BalancedTruncation.Result],
                  sweeps: [FrequencyResponse.ErrorSweep?], outputs: (full: Matrix<Double>, reduced: [Matrix<Double>])?) throws {
        let hsv = bt.hankelSingularValues
        var panels = [SVGPlot.Panel(title: "Hankel singular values", xLabel: "index", yLabel: "σᵢ", logX: false,
                                    series: [.init(label: "σᵢ", x: hsv.indices.map { Double($0 + 1) }, y: hsv, color: "#1f77b4")])]
        func color(_ i: Int) -> String { BTCommand.palette[i % BTCommand.palette.count] }
        let available = zip(results, sweeps).compactMap { r, s in s.map { (r.order, $0) } }
        if let first = available.first?.1 {
            let w = Array(first.omegas.dropFirst())
            var series: [SVGPlot.Series] = [.init(label: "full", x: w, y: Array(first.full.dropFirst()), color: color(0))]
            if available.count == 1 {
                series.append(.init(label: "reduced", x: w, y: Array(first.reduced.dropFirst()), color: color(1)))
                series.append(.init(label: "error", x: w, y: Array(first.error.dropFirst()), color: color(3)))
            } else {
                for (i, (r, s)) in available.enumerated() {
                    series.append(.init(label: "error r = \(r)", x: w, y: Array(s.error.dropFirst()), color: color(i + 1)))
                }
            }
            let title = available.count == 1 ? "σ_max over frequency (r = \(available[0].0))" : "σ_max over frequency"
            panels.append(.init(title: title, xLabel: "ω [rad/s]", yLabel: "σ_max", logX: true, series: series))
        }
        if let outputs {
            // ‖y(t_k)‖₂ of each model and of each error, at most about 2000 points.
            let steps = outputs.full.rows
            let stride = Swift.max(1, steps / 2000)
            let ks = Array(Swift.stride(from: 0, to: steps, by: stride))
            let t = ks.map { Double($0) * timeStep }
            func norms(_ y: Matrix<Double>) -> [Double] { ks.map { k in y.row(k).reduce(0) { $0 + $1 * $1 }.squareRoot() } }
            var series: [SVGPlot.Series] = [.init(label: "full", x: t, y: norms(outputs.full), color: color(0))]
            for (i, yr) in outputs.reduced.enumerated() {
                let r = results[i].order
                series.append(.init(label: "reduced r = \(r)", x: t, y: norms(yr), color: color(2 * i + 1)))
                if let diff = try? outputs.full.subtracting(yr) {
                    series.append(.init(label: "error r = \(r)", x: t, y: norms(diff), color: color(2 * i + 2)))
                }
            }
            panels.append(.init(title: "‖y(t)‖₂ from x(0) = 0 (dt = \(fmt(timeStep, 3)))", xLabel: "t", yLabel: "‖y‖₂",
                                logX: false, series: series))
        }
        try SVGPlot(panels: panels).write(to: path)
    }

    func printHuman(_ r: Report, _ factors: [GramianFactor]) {
        let orders = r.orders.map(\.order)
        let largest = orders.max() ?? 0
        let method = r.projection == ProjectionName.squareRoot.rawValue ? "" : " (\(r.projection))"
        print("\(r.model): n = \(r.n) → r = \(orders.map(String.init).joined(separator: ", "))\(method)")
        for g in factors {
            print("  \(g.equation.rawValue) Gramian: \(g.method.rawValue), \(g.factor.columns) columns"
                  + (g.method == .adi ? ", \(g.steps) steps" : "") + String(format: ", %.2f s", g.seconds))
        }
        let head = r.hankelSingularValues.prefix(Swift.max(largest + 3, 8)).map { fmt($0, 5) }.joined(separator: ", ")
        print("  Hankel singular values: \(head)\(r.hankelSingularValues.count > largest + 3 ? ", …" : "")")
        if let single = r.orders.first, r.orders.count == 1 {
            print("  H∞ error bound 2·Σ tail = \(fmt(single.errorBound, 4))")
            if let h = single.hinfError { print("  measured H∞ error (grid)  = \(fmt(h, 4))") }
            if let h2 = single.h2Error, let n = r.h2Norm { print("  H2 error = \(fmt(h2, 4)) (‖G‖_H2 = \(fmt(n, 4)))") }
            if let s = single.simulation {
                print("  simulation: \(s.steps) steps of dt = \(fmt(s.dt, 4)): ‖y − y_r‖₂ = \(fmt(s.outputErrorL2, 4)), "
                      + "max |y − y_r| = \(fmt(s.maxOutputError, 4)) (‖u‖₂ = \(fmt(s.inputL2, 4)), ‖y‖₂ = \(fmt(s.outputL2, 4)))")
            }
        } else {
            if let n = r.h2Norm { print("  ‖G‖_H2 = \(fmt(n, 4))") }
            if let s = r.orders.first?.simulation {
                print("  simulation: \(s.steps) steps of dt = \(fmt(s.dt, 4)), ‖u‖₂ = \(fmt(s.inputL2, 4)), ‖y‖₂ = \(fmt(s.outputL2, 4))")
            }
            let simulated = r.orders.first?.simulation != nil
            var header = "  " + ["order", "bound 2·Σ tail", "H∞ error (grid)", "H2 error", "seconds"].enumerated()
                .map { $0.offset == 0 ? pad($0.element, 6) : pad($0.element, 18) }.joined()
            if simulated { header += pad("‖y − y_r‖₂", 18) + pad("max |y − y_r|", 18) }
            print(header)
            for o in r.orders {
                var line = "  " + pad("\(o.order)", 6) + pad(fmt(o.errorBound, 4), 18) + pad(o.hinfError.map { fmt($0, 4) } ?? "—", 18)
                    + pad(o.h2Error.map { fmt($0, 4) } ?? "—", 18) + pad(String(format: "%.2f", o.seconds), 18)
                if let s = o.simulation { line += pad(fmt(s.outputErrorL2, 4), 18) + pad(fmt(s.maxOutputError, 4), 18) }
                print(line)
            }
        }
        var seconds = String(format: "  seconds: gramians %.2f, reduction %.2f, error %.2f", r.seconds.gramians, r.seconds.reduction,
                             r.seconds.error)
        if let s = r.seconds.simulation { seconds += String(format: ", simulation %.2f", s) }
        print(seconds)
    }

    /// Right-aligns `text` in a column of `width` characters.
    func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: Swift.max(1, width - text.count)) + text
    }
}
