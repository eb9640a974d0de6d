// Ab initio DMRG: LiH and H₂O in STO-3G against full CI, and a Hubbard dimer against its exact energy.
//
//   swift run -c release AbInitioDMRG            (from the repository root, where Data/ lives)
//
// Two runs on the FCIDUMP files in Data/qchem and one on a hand-written OpSum:
//   • LiH (6 orbitals, 4 electrons) and H₂O (7 orbitals, 10 electrons): the Hamiltonian as an OpSum on electron sites
//     (AbInitioHamiltonian.opSum, Fiedler ordering), compiled to an MPO by the two-sided automaton, and its ground state
//     by two-site DMRG with particle number N and 2Sᶻ conserved, started from the RHF determinant. With 6 or 7 sites
//     the largest bond of the exact state is at most 4³ = 64, so M = 64 with cutoff 1e-14 is exact and DMRG must
//     reproduce full CI. Printed: one line per sweep, the MPO bond dimension, E_RHF, E_DMRG − E_FCI and the share of
//     the correlation energy E_FCI − E_RHF recovered.
//   • H₂O with its two-electron integrals replaced by the double factorization truncated at 1e-2, 1e-3 and 1e-4
//     (AbInitioHamiltonian.doubleFactorized): the energy error against the exact MPO, and both MPOs' bond dimensions
//     after charge-preserving rounding (MPO.compressed).
//   • The Hubbard dimer H = −t Σ_σ (c†₀σ c₁σ + c†₁σ c₀σ) + U Σ_i n_i↑ n_i↓ with t = 1, U = 4, two electrons and MS2 = 0,
//     whose ground-state energy is (U − √(U² + 16t²))/2.
//
// H₁₀ (10 orbitals) at M = 500 reaches full CI too, in about half a minute on one core:
//   lowrank dmrg --fcidump Data/qchem/h10_sto3g_r1.0A.FCIDUMP --max-bond-dimension 500
import Foundation
import LowRankKernels
import QuantumLowRank

/// Full-CI energies in hartree, copied from `Data/qchem/references.json` (`molecules.<name>.e_fci`, computed with PySCF
/// FCI on the same integrals; see `Data/qchem/README.md` for the provenance of the files).
let fciReference: [String: Double] = [
    "lih_sto3g": -7.882403410335496,
    "h2o_sto3g": -75.01257824109199,
]

/// `Data/qchem` in the current directory or one of its ancestors; nil when none has it.
func locateQChemData() -> String? {
    let fm = FileManager.default
    var dir = URL(fileURLWithPath: fm.currentDirectoryPath)
    for _ in 0..<6 {
        let candidate = dir.appendingPathComponent("Data/qchem")
        if fm.fileExists(atPath: candidate.appendingPathComponent("lih_sto3g.FCIDUMP").path) { return candidate.path }
        let parent = dir.deletingLastPathComponent()
        if parent.path == dir.path { break }
        dir = parent
    }
    return nil
}

/// The observer: one line per full sweep (left → right → left).
func printSweep(_ r: DMRG.SweepRecord) {
    let change = r.energyChange.isNaN ? "        —" : String(format: "%9.2e", r.energyChange)
    print(String(format: "  sweep %2d  E = %.12f  ΔE = %@  M = %3d  trunc = %8.2e  noise %.0e  %.2f s",
                 r.sweep, r.energy, change, r.maxBondDimension, r.maxTruncationError, r.parameters.noise, r.seconds))
}

/// DMRG on one FCIDUMP with N and 2Sᶻ conserved, compared with the RHF and full-CI energies.
func runMolecule(_ name: String, directory: String) throws {
    let path = directory + "/" + name + ".FCIDUMP"
    let dump = try FCIDUMP.read(path)
    let order = try AbInitioHamiltonian.fiedlerOrdering(dump)
    let config = try AbInitioHamiltonian.rhfConfiguration(dump, ordering: order)
    let mpo = try MPO(AbInitioHamiltonian.opSum(dump, ordering: order))
    let rhf = try MeanField.rhfEnergy(h: dump.h, eri: dump.eri, coreEnergy: dump.coreEnergy, electrons: dump.electrons)
    // The RHF determinant as a product MPS, measured with the MPO: checks the Jordan–Wigner signs and the integrals.
    let determinant = try MPS<Double>.product(config.map { c in (0..<4).map { $0 == c ? 1.0 : 0.0 } })
    let rhfFromMPO = try mpo.expectation(determinant)
    print("\(name): \(dump.orbitals) orbitals, \(dump.electrons) electrons, MS2 = \(dump.ms2); Fiedler order \(order), "
          + "RHF sites \(config)")
    print("  MPO bond dimensions \(mpo.bondDimensions.map(String.init).joined(separator: " ")) (max \(mpo.maxBondDimension))")
    print(String(format: "  E_RHF = %.12f (⟨RHF|H|RHF⟩ from the MPO differs by %.1e)", rhf, rhfFromMPO - rhf))

    let options = DMRG.Options(maxBondDimension: 64, cutoff: 1e-14, maxSweeps: 10, energyTolerance: 1e-12,
                               noise: 1e-4, conserveQuantumNumbers: true, initialConfiguration: config)
    let r = try DMRG.groundState(of: mpo, options: options, observer: printSweep)
    let fci = fciReference[name]!
    print(String(format: "  E_DMRG = %.12f, E_FCI = %.12f, difference %.1e Eh; %@, %.2f s", r.energy, fci,
                 r.energy - fci, r.converged ? "converged" : "not converged", r.seconds))
    print(String(format: "  correlation energy: E_FCI − E_RHF = %.9f, recovered %.9f (%.8f %%)", fci - rhf,
                 r.energy - rhf, 100 * (r.energy - rhf) / (fci - rhf)))
    print()
}

/// The double-factorized Hamiltonian at several thresholds against the exact one (same M, same start).
func runDoubleFactorized(_ name: String, directory: String) throws {
    let dump = try FCIDUMP.read(directory + "/" + name + ".FCIDUMP")
    let order = try AbInitioHamiltonian.fiedlerOrdering(dump)
    let config = try AbInitioHamiltonian.rhfConfiguration(dump, ordering: order)
    let options = DMRG.Options(maxBondDimension: 64, cutoff: 1e-14, noise: 1e-4, conserveQuantumNumbers: true,
                               initialConfiguration: config)
    let exactMPO = try MPO(AbInitioHamiltonian.opSum(dump, ordering: order))
    let exact = try DMRG.groundState(of: exactMPO, options: options)
    let exactRank = try exactMPO.compressed(relativeError: 1e-12).maxBondDimension
    print("\(name), double-factorized two-electron integrals (exact MPO: E = \(String(format: "%.12f", exact.energy)), "
          + "bond dimension \(exactMPO.maxBondDimension), \(exactRank) after rounding)")
    for threshold in [1e-2, 1e-3, 1e-4] {
        let df = try AbInitioHamiltonian.doubleFactorized(dump, threshold: threshold)
        let mpo = try MPO(AbInitioHamiltonian.opSum(df.hamiltonian, ordering: order)).compressed(relativeError: 1e-12)
        let r = try DMRG.groundState(of: mpo, options: options)
        print(String(format: "  threshold %.0e: %2d factors, %3d eigenvectors, max |M − M̃| %.1e, E_DF − E = %+.3e Eh, "
                     + "MPO bond dimension %d", threshold, df.factorization.factors.count,
                     df.factorization.retainedEigenvectors, df.factorization.maxAbsError, r.energy - exact.energy,
                     mpo.maxBondDimension))
    }
    print()
}

do {
    let start = Date()
    guard let data = locateQChemData() else {
        FileHandle.standardError.write(Data("""
            error: Data/qchem/lih_sto3g.FCIDUMP not found in \(FileManager.default.currentDirectoryPath) or its parents.
            Run the example from the repository root: swift run -c release AbInitioDMRG

            """.utf8))
        exit(1)
    }
    for name in ["lih_sto3g", "h2o_sto3g"] { try runMolecule(name, directory: data) }
    try runDoubleFactorized("h2o_sto3g", directory: data)

    // Hubbard dimer, t = 1, U = 4: two sites, two electrons, MS2 = 0 (one ↑ on site 0, one ↓ on site 1).
    // Hopping in both directions keeps H Hermitian; MPO(_:) attaches the Jordan–Wigner strings and signs.
    let t = 1.0, u = 4.0
    var hubbard = OpSum(sites: 2, siteType: .electron)
    for (a, b) in [(0, 1), (1, 0)] {
        hubbard.add(-t, ("Cdagup", a), ("Cup", b))
        hubbard.add(-t, ("Cdagdn", a), ("Cdn", b))
    }
    for i in 0..<2 { hubbard.add(u, ("Nupdn", i)) }
    let dimer = try MPO(hubbard)
    let exact = (u - (u * u + 16 * t * t).squareRoot()) / 2
    print("Hubbard dimer, t = \(t), U = \(u), N = 2, MS2 = 0, MPO bond dimensions "
          + dimer.bondDimensions.map(String.init).joined(separator: " "))
    let hd = try DMRG.groundState(of: dimer, options: DMRG.Options(maxBondDimension: 16, cutoff: 1e-14,
                                                                   conserveQuantumNumbers: true,
                                                                   initialConfiguration: [1, 2]),
                                  observer: printSweep)
    print(String(format: "  E₀ = %.12f, exact (U − √(U² + 16t²))/2 = %.12f, difference %.1e", hd.energy, exact,
                 hd.energy - exact))
    // Without conservation the lowest state of all 16 would be found: it has one electron (E = −t).
    let all = try dimer.dense().symmetricEigen(vectors: false).eigenvalues[0]
    print(String(format: "  lowest eigenvalue over all 16 states (every N): %.12f — the conserved run stays at N = 2", all))

    print(String(format: "\ntotal %.2f s", Date().timeIntervalSince(start)))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
