// Ground states of spin chains by DMRG on matrix product states.
//
//   swift run -c release SpinChainGroundStates
//
// Three runs, all with open boundaries:
//   • the spin-½ Heisenberg chain H = Σ S_i·S_{i+1}, L = 32, χ = 64: one line per sweep from the observer, the
//     final energy and the entanglement entropy at a few bonds;
//   • the transverse-field Ising chain H = −Σ Z_i Z_{i+1} − g Σ X_i at the critical point g = 1, L = 32, against the
//     exact free-fermion energy E₀ = 1 − csc(π/(4L + 2));
//   • a model written by hand as an OpSum: the J1-J2 chain at the Majumdar–Ghosh point J2 = J1/2, L = 16, with the
//     MPO bond dimensions before and after compressed() and the exact energy −3L/8 (derivation below).
import Foundation
import LowRankKernels
import QuantumLowRank

/// The observer: one line per full sweep (left → right → left).
func printSweep(_ r: DMRG.SweepRecord) {
    let change = r.energyChange.isNaN ? "        —" : String(format: "%9.2e", r.energyChange)
    print(String(format: "  sweep %2d  E = %.12f  ΔE = %@  trunc = %8.2e  χ = %3d  %.2f s",
                 r.sweep, r.energy, change, r.maxTruncationError, r.maxBondDimension, r.seconds))
}

/// Entanglement entropies S(k) at the given bonds (1 … L−1), on one line.
func entropyProfile(_ s: [Double], bonds: [Int]) -> String {
    bonds.filter { $0 >= 1 && $0 <= s.count }.map { String(format: "S(%d) = %.4f", $0, s[$0 - 1]) }
        .joined(separator: "  ")
}

do {
    let start = Date()

    // 1. Heisenberg chain, L = 32, χ = 64. The default schedule sweeps once at χ = 32 with noise, then at χ = 64
    //    until two noiseless sweeps agree to 1e-10 · |E|.
    let L = 32
    let heisenberg = try SpinModel.heisenberg.mpo(sites: L)
    print("Heisenberg chain, L = \(L), χ ≤ 64, MPO bond dimension \(heisenberg.maxBondDimension)")
    let h = try DMRG.groundState(of: heisenberg, options: DMRG.Options(maxBondDimension: 64), observer: printSweep)
    print(String(format: "  E₀ = %.12f  (%.12f per site), %@, %.2f s", h.energy, h.energy / Double(L),
                 h.converged ? "converged" : "not converged", h.seconds))
    print("  entanglement: " + entropyProfile(h.entanglementEntropies, bonds: [1, 2, 8, 15, 16, 24, 31]))
    print()

    // 2. Critical transverse-field Ising chain, L = 32, g = 1, against the free-fermion solution
    //    E₀ = 1 − csc(π/(4L + 2)) (Pfeuty 1970, open chain at J = g = 1).
    let ising = try SpinModel.tfim.mpo(sites: L, parameters: .init(field: 1))
    print("Transverse-field Ising chain, L = \(L), g = 1, χ ≤ 64, MPO bond dimension \(ising.maxBondDimension)")
    let t = try DMRG.groundState(of: ising, options: DMRG.Options(maxBondDimension: 64), observer: printSweep)
    let exact = 1 - 1 / sin(Double.pi / Double(4 * L + 2))
    print(String(format: "  E₀ = %.12f, exact 1 − csc(π/%d) = %.12f, difference %.2e", t.energy, 4 * L + 2, exact,
                 t.energy - exact))
    print("  entanglement: " + entropyProfile(t.entanglementEntropies, bonds: [1, 8, 16, 24, 31]))
    print()

    // 3. A custom OpSum: H = J1 Σ S_i·S_{i+1} + J2 Σ S_i·S_{i+2}, J2 = J1/2 (Majumdar–Ghosh), L = 16.
    //    S^x S^x + S^y S^y is written as ½(S⁺S⁻ + S⁻S⁺): the engine is real.
    //
    //    For even L with open boundaries the ground-state energy is exactly −3L/8 (J1 = 1). With
    //    T_i = S_i + S_{i+1} + S_{i+2} one has T_i² = 9/4 + 2(S_i·S_{i+1} + S_{i+1}·S_{i+2} + S_i·S_{i+2}), so
    //        H = ¼ Σ_{i=0}^{L−3} T_i² − (9/16)(L − 2) + ½ (S_0·S_1 + S_{L−2}·S_{L−1}).
    //    Three spins ½ have T_i² ≥ 3/4 and a pair has S·S ≥ −3/4, hence H ≥ −3L/8; the dimer state with singlets on
    //    (0,1), (2,3), … reaches the bound (every triple contains a singlet, and both edge bonds are singlets).
    let n = 16
    let j2 = 0.5
    var opSum = OpSum(sites: n, siteType: .spinHalf)
    for (distance, j) in [(1, 1.0), (2, j2)] {
        for i in 0..<(n - distance) {
            opSum.add(0.5 * j, ("S+", i), ("S-", i + distance))
            opSum.add(0.5 * j, ("S-", i), ("S+", i + distance))
            opSum.add(j, ("Sz", i), ("Sz", i + distance))
        }
    }
    let raw = try MPO(opSum)
    try raw.requireHermitian()
    let compact = try raw.compressed()
    print("J1-J2 chain (Majumdar–Ghosh, J2 = \(j2)), L = \(n), \(opSum.terms.count) terms")
    print("  MPO bond dimensions from the automaton: \(raw.bondDimensions.map(String.init).joined(separator: " "))")
    print("  after compressed():                     \(compact.bondDimensions.map(String.init).joined(separator: " "))")
    // DMRG runs on the compressed MPO; the automaton's MPO measures the same state as a cross-check.
    let mg = try DMRG.groundState(of: compact, options: DMRG.Options(maxBondDimension: 64), observer: printSweep)
    let check = try raw.expectation(mg.state)                // the same state measured with the automaton's MPO
    print(String(format: "  E₀ = %.12f, exact −3L/8 = %.1f, difference %.2e; ⟨ψ|H_automaton|ψ⟩ − E₀ = %.2e",
                 mg.energy, -3 * Double(n) / 8, mg.energy + 3 * Double(n) / 8, check - mg.energy))
    print("  final bond dimensions: \(mg.state.bondDimensions.map(String.init).joined(separator: " "))")
    print("  entanglement (dimers: ln 2 = 0.6931 on odd bonds, 0 on even): "
          + entropyProfile(mg.entanglementEntropies, bonds: [1, 2, 3, 4, 8]))

    print(String(format: "\ntotal %.2f s", Date().timeIntervalSince(start)))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
