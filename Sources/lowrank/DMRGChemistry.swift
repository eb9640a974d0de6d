import ArgumentParser
import Foundation
import LowRankKernels
import QuantumLowRank

/// `lowrank dmrg --fcidump FILE`: ab initio DMRG with particle number and 2Sᶻ conserved.
extension DMRGCommand {
    struct ChemistryReport: Encodable {
        let fcidump: String, norb: Int, nelec: Int, ms2: Int, eCore: Double, ordering: [Int]
        let energy: Double, stateEnergy: Double, converged: Bool
        let maxBondDimension: Int, maxTruncationError: Double, cutoff: Double, mpoBondDimension: Int
        let sweeps: [SweepReport]
        let entanglementEntropy: [Double]
        let seconds: Double
        // With --df-threshold: the run above used the DF Hamiltonian; these compare it with the exact MPO.
        let dfThreshold: Double?
        let energyErrorVsExactMpo: Double?
        let exactEnergy: Double?
        let exactMpoBondDimension: Int?
        let dfRetainedEigenvectors: Int?
        let dfFactors: Int?
        let dfMaxAbsError: Double?
    }

    func runChemistry(_ path: String) throws {
        try Output.reportingErrors {
            common.apply()
            try OutputTarget.checkFile(plot, option: "--plot")
            try OutputTarget.checkFile(saveState, option: "--save-state")
            let start = DispatchTime.now()
            let startState = try loadInitialState()
            let dump = try FCIDUMP.read(path)
            let order = (ordering ?? .fiedler) == .fiedler ? try AbInitioHamiltonian.fiedlerOrdering(dump) : Array(0..<dump.orbitals)
            let config = try AbInitioHamiltonian.rhfConfiguration(dump, ordering: order)
            var options = DMRG.Options(maxBondDimension: maxBondDimension, cutoff: cutoff, maxSweeps: sweeps,
                                       energyTolerance: energyTolerance, noise: noise ?? 1e-4, seed: seed,
                                       conserveQuantumNumbers: true, initialConfiguration: config)
            if noRamp { options.bondDimensionRamp = [] }
            options.symmetricContraction = contraction ?? .enlargedBlocks
            options.threads = threads
            let progress = ProgressLine(enabled: !json)
            func solve(_ mpo: MPO, label: String) throws -> DMRG.Result {
                let r = try groundState(mpo, from: startState, options: options) { rec in
                    progress.update(label + Self.progressText(rec, bond: "M", digits: 10))
                }
                progress.finish()
                return r
            }
            let exactMPO = try MPO(AbInitioHamiltonian.opSum(dump, ordering: order))
            var mpo = exactMPO
            var exact: DMRG.Result?
            var df: DFResult?
            var exactCompressed: Int?
            if let t = dfThreshold {
                // The exact reference first (automaton MPO), then the DF Hamiltonian's MPO. Both MPOs' bond
                // dimensions are reported after the same charge-preserving rounding (relative Frobenius error
                // 1e-12), so they compare ranks rather than construction choices.
                exact = try solve(exactMPO, label: "exact MPO: ")
                exactCompressed = try exactMPO.compressed(relativeError: 1e-12).maxBondDimension
                let f = try AbInitioHamiltonian.doubleFactorized(dump, threshold: t)
                df = f.factorization
                mpo = try MPO(AbInitioHamiltonian.opSum(f.hamiltonian, ordering: order)).compressed(relativeError: 1e-12)
            }
            let result = try solve(mpo, label: dfThreshold == nil ? "" : "DF MPO: ")
            try saveFinalState(result)
            let report = ChemistryReport(
                fcidump: path, norb: dump.orbitals, nelec: dump.electrons, ms2: dump.ms2, eCore: dump.coreEnergy,
                ordering: order, energy: result.energy, stateEnergy: result.stateEnergy, converged: result.converged,
                maxBondDimension: result.state.maxBondDimension, maxTruncationError: result.maxTruncationError,
                cutoff: cutoff, mpoBondDimension: mpo.maxBondDimension,
                sweeps: result.sweeps.map(SweepReport.init),
                entanglementEntropy: result.entanglementEntropies, seconds: secondsSince(start),
                dfThreshold: dfThreshold, energyErrorVsExactMpo: exact.map { result.energy - $0.energy },
                exactEnergy: exact?.energy, exactMpoBondDimension: exactCompressed,
                dfRetainedEigenvectors: df?.retainedEigenvectors, dfFactors: df?.factors.count,
                dfMaxAbsError: df?.maxAbsError)
            if let plot { try writePlot(plot, sweeps: report.sweeps, entanglementEntropy: report.entanglementEntropy) }
            if json { try Output.printJSON(report) } else {
                print("\(path): \(dump.orbitals) orbitals, \(dump.electrons) electrons, MS2 = \(dump.ms2), MPO bond dimension \(report.mpoBondDimension)")
                for s in report.sweeps {
                    print(String(format: "  sweep %2d  E = %.10f  ΔE = %9.2e  M = %4d  trunc = %8.2e  %.2f s", s.sweep, s.energy,
                                 s.energyChange ?? .nan, s.maxBondDimension, s.maxTruncationError, s.seconds))
                }
                print(String(format: "  energy %.10f Eh%@, %.2f s", report.energy, report.converged ? "" : " (not converged)", report.seconds))
                if let t = report.dfThreshold, let e = report.exactEnergy, let err = report.energyErrorVsExactMpo {
                    print(String(format: "  DF threshold %g: %d factors, %d eigenvectors, MPO bond dimension %d (exact %d); exact-MPO energy %.10f Eh, DF error %.3e Eh",
                                 t, report.dfFactors ?? 0, report.dfRetainedEigenvectors ?? 0, report.mpoBondDimension,
                                 report.exactMpoBondDimension ?? 0, e, err))
                }
            }
        }
    }
}
