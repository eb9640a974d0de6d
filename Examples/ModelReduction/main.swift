// Balanced truncation of the Oberwolfach steel-rail cooling model (n = 1357) shipped in Data/.
//
//   swift run -c release ModelReduction [MODEL_DIR] [ORDER]
//
// 1. Solves both Lyapunov equations by low-rank ADI (projection shifts) and reports steps,
//    factor sizes and the residual computed from the factors.
// 2. Reduces to order r by square-root balanced truncation and compares the a-priori bound
//    2·Σ_{i>r} σᵢ with the H∞ error measured on a frequency grid.
import ControlReduction
import Foundation
import LowRankKernels

let args = CommandLine.arguments
let model = args.count > 1 ? args[1] : "Data/control/rail_1357"
let order = args.count > 2 ? Int(args[2]) ?? 20 : 20

do {
    let system = try LTISystem.load(directory: model)
    print("\(model): n = \(system.order), m = \(system.inputs), p = \(system.outputs)")
    var factors: [GramianFactor] = []
    for equation in LyapunovEquation.allCases {
        var last = 0.0
        let g = try LyapunovSolver.solve(system, equation, method: .adi) { step in last = step.residual }
        let op = try LyapunovSolver.makeOperator(system, equation)
        let rhs = equation == .controllability ? system.b : system.c.transposed
        let residual = try LyapunovResidual.relative(op, factor: g.factor, rhs: rhs)
        print("  \(equation.rawValue): \(g.steps) ADI steps, \(g.factor.columns) columns, "
              + "ADI residual \(last), residual from factors \(residual)")
        factors.append(g)
    }
    let result = try BalancedTruncation.reduce(system, controllability: factors[0].factor,
                                               observability: factors[1].factor, selection: .order(order))
    let hsv = result.hankelSingularValues.prefix(6).map { String(format: "%.4e", $0) }.joined(separator: ", ")
    print("  Hankel singular values: \(hsv), …")
    let sweep = try FrequencyResponse.errorSweep(full: system, reduced: result.reduced,
                                                 omegas: try FrequencyResponse.grid(count: 100))
    print(String(format: "  r = %d: bound 2·Σ tail = %.3e, measured H∞ error = %.3e (%.0f%% of the bound)",
                 result.order, result.errorBound, sweep.maximum, 100 * sweep.maximum / result.errorBound))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
