import ArgumentParser
import Foundation
import LowRankKernels
import QuantumLowRank

/// `lowrank dmrg --fcidump FILE`: ab initio DMRG with particle number and 2Sᶻ conserved.
extension DMRGCommand {
    struct ChemistryReport: Encodable {
        let fcidump: String, norb: Int, nelec: Int, ms2: Int, eCore: Double, ordering: [Int]
        let energy: Double, converged: Bool
        let maxBondDimension: Int, maxTruncationError: Double, cutoff: Double, mpoBondDimension: Int
        let sweeps: [SweepReport]
        let entanglementEntropy: [Double]
        let seconds: Double
    }

    func runChemistry(_ path: String) throws {
        try Output.reportingErrors {
            let start = DispatchTime.now()
            let dump = try FCIDUMP.read(path)
            let order = ordering == .fiedler ? try AbInitioHamiltonian.fiedlerOrdering(dump) : Array(0..<dump.orbitals)
            let config = try AbInitioHamiltonian.rhfConfiguration(dump, ordering: order)
            let mpo = try MPO(AbInitioHamiltonian.opSum(dump, ordering: order))
            var options = DMRG.Options(maxBondDimension: maxBondDimension, cutoff: cutoff, maxSweeps: sweeps,
                                       energyTolerance: energyTolerance, noise: noise ?? 1e-4, seed: seed,
                                       conserveQuantumNumbers: true, initialConfiguration: config)
            if noRamp { options.bondDimensionRamp = [] }
            let progress = ProgressLine(enabled: !json)
            let result = try DMRG.groundState(of: mpo, options: options) { rec in
                progress.update(Self.progressText(rec, bond: "M", digits: 10))
            }
            progress.finish()
            let report = ChemistryReport(
                fcidump: path, norb: dump.orbitals, nelec: dump.electrons, ms2: dump.ms2, eCore: dump.coreEnergy,
                ordering: order, energy: result.energy, converged: result.converged,
                maxBondDimension: result.state.maxBondDimension, maxTruncationError: result.maxTruncationError,
                cutoff: cutoff, mpoBondDimension: mpo.maxBondDimension,
                sweeps: result.sweeps.map(SweepReport.init),
                entanglementEntropy: result.entanglementEntropies, seconds: secondsSince(start))
            if json { try Output.printJSON(report) } else {
                print("\(path): \(dump.orbitals) orbitals, \(dump.electrons) electrons, MS2 = \(dump.ms2), MPO bond dimension \(report.mpoBondDimension)")
                for s in report.sweeps {
                    print(String(format: "  sweep %2d  E = %.10f  ΔE = %9.2e  M = %4d  trunc = %8.2e  %.2f s", s.sweep, s.energy,
                                 s.energyChange ?? .nan, s.maxBondDimension, s.maxTruncationError, s.seconds))
                }
                print(String(format: "  energy %.10f Eh%@, %.2f s", report.energy, report.converged ? "" : " (not converged)", report.seconds))
            }
        }
    }
}
