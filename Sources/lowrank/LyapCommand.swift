import ArgumentParser
import ControlReduction
import Foundation
import LowRankKernels

/// Options shared by `lyap` and `bt`.
struct GramianOptions: ParsableArguments {
    @Option(help: "auto (dense for n ≤ \(LyapunovSolver.denseLimit), ADI otherwise), dense or adi.")
    var method: LyapunovMethod = .auto
    @Option(parsing: .unconditional, help: "ADI relative residual tolerance ‖WᵀW‖₂/‖BᵀB‖₂ (default 1e-10).")
    var tolerance: Double?
    @Option(name: .customLong("max-steps"), parsing: .unconditional,
            help: "Maximum ADI steps (a complex pair counts as two; default 500).")
    var maxSteps: Int?
    @Option(help: "ADI shifts: projection, heuristic or wachspress (default projection).")
    var shifts: ShiftName?

    enum ShiftName: String, ExpressibleByArgument, CaseIterable { case projection, heuristic, wachspress }

    /// The ADI tolerance in force.
    var adiTolerance: Double { tolerance ?? 1e-10 }
    /// The step limit in force.
    var adiMaxSteps: Int { maxSteps ?? 500 }

    func validate() throws {
        if let tolerance, !(tolerance > 0 && tolerance.isFinite) {
            throw ValidationError("--tolerance \(tolerance): must be finite and > 0")
        }
        if let maxSteps, maxSteps < 1 { throw ValidationError("--max-steps \(maxSteps): must be ≥ 1") }
        if method == .dense {
            for (name, given) in [("--tolerance", tolerance != nil), ("--max-steps", maxSteps != nil), ("--shifts", shifts != nil)]
            where given { throw ValidationError("\(name) applies to ADI; --method dense does not use it") }
        }
    }

    var adiOptions: LowRankADI.Options {
        let s: ShiftSelection
        switch shifts ?? .projection {
        case .projection: s = .projection(blocks: 6)
        case .heuristic: s = .heuristic(arnoldiSteps: 50, inverseSteps: 25, count: 20)
        case .wachspress: s = .wachspress(count: 20)
        }
        return LowRankADI.Options(tolerance: adiTolerance, maxSteps: adiMaxSteps, shifts: s)
    }

    /// Refuses an input matrix that is zero: B = 0 makes the controllability Gramian (C = 0 the observability one)
    /// exactly zero, so there is nothing to solve or reduce and the relative residual would be 0/0.
    static func requireNonzero(_ system: LTISystem, for equations: [LyapunovEquation]) throws {
        for eq in equations {
            let (key, matrix) = eq == .controllability ? ("B", system.b) : ("C", system.c)
            guard matrix.maxAbs > 0 else {
                throw LinearAlgebraError.invalidArgument(argument: system.label(key), reason: "\(key) is zero (every entry is 0), "
                    + "so the \(eq.rawValue) Gramian is zero; there is nothing to solve")
            }
        }
    }
}

extension LyapunovMethod: ExpressibleByArgument {}

/// `lowrank lyap MODEL`: Gramian factors by dense Hammarling or low-rank ADI.
struct LyapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lyap",
        abstract: "Solve the controllability and/or observability Lyapunov equations of a model for low-rank factors.",
        discussion: """
            MODEL is a folder with A.mtx B.mtx C.mtx [E.mtx] [D.mtx] or a MATLAB .mat file with A, B, C[, E, D]. \
            The reported residual is \
            ‖A Z Zᵀ Eᵀ + E Z Zᵀ Aᵀ + B Bᵀ‖₂ / ‖B Bᵀ‖₂ computed from the factor (observability: Aᵀ, Eᵀ, CᵀC); \
            residual_floor = ε‖A‖₂‖E‖₂‖Z Zᵀ‖₂/‖B Bᵀ‖₂ is the level below which no solver can go. \
            Exits non-zero when ADI does not converge within --max-steps.
            """)

    enum EquationChoice: String, ExpressibleByArgument, CaseIterable { case controllability, observability, both }

    @Argument(help: "Model folder (A.mtx B.mtx C.mtx [E.mtx] [D.mtx]) or MATLAB .mat file with A, B, C[, E, D].") var model: String
    @OptionGroup var gramian: GramianOptions
    @Option(help: "controllability, observability or both.") var equation: EquationChoice = .both
    @Flag(name: .customLong("skip-residual"), help: "Do not compute the residual from the factors (large models).")
    var skipResidual = false
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print one line per ADI step to stderr (step, residual, columns, shift).") var trace = false
    @OptionGroup var common: CommonOptions

    struct EquationReport: Encodable {
        let kind: String
        let method: String
        let steps: Int
        let columns: Int
        let residual: Double?
        let residualFloor: Double?
        let adiResidual: Double?
        let converged: Bool
        let seconds: Double
    }
    struct Report: Encodable {
        let model: String
        let n: Int
        let equations: [EquationReport]
    }

    func run() throws {
        var failed = false
        try Output.reportingErrors {
            common.apply()
            let system = try LTISystem.load(path: model)
            let kinds: [LyapunovEquation] = equation == .both ? [.controllability, .observability]
                : [equation == .controllability ? .controllability : .observability]
            try GramianOptions.requireNonzero(system, for: kinds)
            var reports: [EquationReport] = []
            for kind in kinds {
                let progress = ProgressLine(enabled: !json)
                let g = try LyapunovSolver.solve(system, kind, method: gramian.method, options: gramian.adiOptions) { s in
                    if trace {
                        Output.warn(String(format: "%@ %d %.6e %d %.8g %.8g", kind.rawValue, s.step, s.residual, s.columns,
                                           s.shift.real, s.shift.imaginary))
                    }
                    progress.update(String(format: "%@ ADI step %d  residual %.3e  columns %d  shift %.4g%+.4gi",
                                           kind.rawValue, s.step, s.residual, s.columns, s.shift.real, s.shift.imaginary))
                }
                progress.finish()
                let rhs = kind == .controllability ? system.b : system.c.transposed
                var residual: Double?, floor: Double?
                if !skipResidual {
                    let op = try LyapunovSolver.makeOperator(system, kind)
                    residual = try LyapunovResidual.relative(op, factor: g.factor, rhs: rhs)
                    floor = try LyapunovResidual.floor(system: system, factor: g.factor, rhs: rhs)
                }
                let rep = EquationReport(kind: kind.rawValue, method: g.method.rawValue, steps: g.steps,
                                         columns: g.factor.columns, residual: residual, residualFloor: floor,
                                         adiResidual: g.residualHistory.last, converged: g.converged, seconds: g.seconds)
                reports.append(rep)
                if !g.converged { failed = true }
                if !json {
                    var line = "\(kind.rawValue): \(g.method.rawValue)"
                    if g.method == .adi { line += ", \(g.steps) steps" }
                    line += ", \(g.factor.columns) columns"
                    if let residual { line += ", residual \(fmt(residual, 3))" }
                    if let floor { line += " (floor \(fmt(floor, 2)))" }
                    line += String(format: ", %.2f s", g.seconds)
                    if !g.converged { line += "  NOT CONVERGED (ADI residual \(fmt(g.residualHistory.last ?? .nan, 3)))" }
                    print(line)
                }
            }
            let report = Report(model: model, n: system.order, equations: reports)
            if json { try Output.printJSON(report) } else { print("\(model): n = \(system.order)") }
        }
        if failed {
            Output.warn("lowrank: error: ADI did not converge within --max-steps \(gramian.adiMaxSteps)")
            throw ExitCode(2)
        }
    }
}
