import Foundation
import Testing
import LowRankKernels
@testable import QuantumLowRank

@Suite("Ab initio DMRG")
struct AbInitioDMRGTests {
    /// FCI energies of H2O and LiH in STO-3G (Data/qchem/references.json, PySCF FCI) to 1e-8 Eh.
    @Test(arguments: [("h2o_sto3g", 128), ("lih_sto3g", 64)])
    func moleculesReachFCI(name: String, m: Int) throws {
        let dump = try FCIDUMP.read(QChemData.path("\(name).FCIDUMP"))
        let fci = try #require(QChemData.molecules[name]?["e_fci"] as? Double)
        for ordering in [nil, try AbInitioHamiltonian.fiedlerOrdering(dump)] {
            let mpo = try MPO(AbInitioHamiltonian.opSum(dump, ordering: ordering))
            let config = try AbInitioHamiltonian.rhfConfiguration(dump, ordering: ordering)
            let r = try DMRG.groundState(of: mpo, options: .init(maxBondDimension: m, cutoff: 1e-14, noise: 1e-4,
                                                                 conserveQuantumNumbers: true,
                                                                 initialConfiguration: config))
            #expect(abs(r.energy - fci) < 1e-8, "\(name) ordering \(String(describing: ordering))")
        }
    }

    /// The worker split changes only the order of floating-point sums, so the energy is the same to 1e-12 relative
    /// at 1, 2 and 3 threads (issue 14), and each run reaches the FCI energy (references.json) to 1e-8 Eh.
    @Test func energyDoesNotDependOnTheThreadCount() throws {
        let dump = try FCIDUMP.read(QChemData.path("h2o_sto3g.FCIDUMP"))
        let fci = try #require(QChemData.molecules["h2o_sto3g"]?["e_fci"] as? Double)
        let order = try AbInitioHamiltonian.fiedlerOrdering(dump)
        let mpo = try MPO(AbInitioHamiltonian.opSum(dump, ordering: order))
        let config = try AbInitioHamiltonian.rhfConfiguration(dump, ordering: order)
        var energies: [Double] = []
        for threads in [1, 2, 3] {
            var options = DMRG.Options(maxBondDimension: 96, cutoff: 1e-14, noise: 1e-4, conserveQuantumNumbers: true,
                                       initialConfiguration: config)
            options.threads = threads
            let r = try DMRG.groundState(of: mpo, options: options)
            #expect(abs(r.energy - fci) < 1e-8, "threads \(threads)")
            energies.append(r.energy)
        }
        for energy in energies.dropFirst() { #expect(abs(energy - energies[0]) <= 1e-12 * abs(energies[0])) }
    }

    /// The dense two-site contraction splits its GEMMs over workers; the energy of the open Heisenberg chain is the
    /// same to 1e-12 relative at 1 and 2 threads, and equals exact diagonalization (references.json, L = 12).
    @Test func denseEnergyDoesNotDependOnTheThreadCount() throws {
        let mpo = try SpinModel.heisenberg.mpo(sites: 12)
        var energies: [Double] = []
        for threads in [1, 2] {
            var options = DMRG.Options(maxBondDimension: 64, cutoff: 1e-14)
            options.threads = threads
            energies.append(try DMRG.groundState(of: mpo, options: options).energy)
        }
        #expect(abs(energies[1] - energies[0]) <= 1e-12 * abs(energies[0]))
        #expect(abs(energies[0] - TNData.heisenbergED(12)) < 1e-10)
    }

    /// The RHF determinant is an eigenstate of N and Sᶻ; its MPO expectation is the RHF energy
    /// (Data/qchem/references.json e_rhf), which checks the operator signs of the Jordan–Wigner MPO term by term.
    @Test func rhfDeterminantHasTheRHFEnergy() throws {
        for name in ["h2o_sto3g", "lih_sto3g", "h10_sto3g_r1.0A"] {
            let dump = try FCIDUMP.read(QChemData.path("\(name).FCIDUMP"))
            let rhf = try #require(QChemData.molecules[name]?["e_rhf"] as? Double)
            let order = try AbInitioHamiltonian.fiedlerOrdering(dump)
            let mpo = try MPO(AbInitioHamiltonian.opSum(dump, ordering: order))
            let config = try AbInitioHamiltonian.rhfConfiguration(dump, ordering: order)
            let psi = try MPS<Double>.product(config.map { c in (0..<4).map { $0 == c ? 1.0 : 0.0 } })
            #expect(abs(try mpo.expectation(psi) - rhf) < 1e-8, "\(name)")
        }
    }

    /// Hubbard dimer, two electrons, Sᶻ = 0: E₀ = (U − √(U² + 16t²))/2 (exact).
    @Test func hubbardDimer() throws {
        let t = 1.0, u = 4.0
        var h = OpSum(sites: 2, siteType: .electron)
        for (a, c) in [("Cdagup", "Cup"), ("Cdagdn", "Cdn")] {
            h.add(-t, (a, 0), (c, 1))
            h.add(-t, (a, 1), (c, 0))
        }
        for i in 0..<2 { h.add(u, ("Nupdn", i)) }
        let mpo = try MPO(h)
        let r = try DMRG.groundState(of: mpo, options: .init(maxBondDimension: 8, cutoff: 0, conserveQuantumNumbers: true,
                                                             initialConfiguration: [1, 2]))
        #expect(abs(r.energy - (u - (u * u + 16 * t * t).squareRoot()) / 2) < 1e-12)
    }

    /// Canonical anticommutation through the MPO: for 3 sites, {c_iσ, c†_jτ} = δ_ij δ_στ as dense matrices.
    @Test func jordanWignerOperatorsAnticommute() throws {
        // Two-operator products compiled by the MPO equal products of the dense single-mode matrices built here
        // by Kronecker products with explicit strings F = diag(1, −1, −1, 1).
        let f = try Matrix<Double>([[1, 0, 0, 0], [0, -1, 0, 0], [0, 0, -1, 0], [0, 0, 0, 1]])
        let cup = try Matrix<Double>([[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]])
        let cdn = try Matrix<Double>([[0, 0, 1, 0], [0, 0, 0, -1], [0, 0, 0, 0], [0, 0, 0, 0]])
        func mode(_ local: Matrix<Double>, _ site: Int) -> Matrix<Double> {
            embed((0..<site).map { (f, $0) } + [(local, site)], L: 3, d: 4)
        }
        var worst = 0.0
        for (i, li) in [(0, cup), (1, cdn), (2, cup)].enumerated() {
            for (j, lj) in [(0, cup), (1, cdn), (2, cup)].enumerated() {
                let a = mode(li.1, li.0), b = mode(lj.1, lj.0).transposed
                let anti = try Matrix.product(a, .none, b, .none).adding(Matrix.product(b, .none, a, .none))
                let expect = i == j ? Matrix<Double>.identity(64) : Matrix<Double>(rows: 64, columns: 64)
                worst = max(worst, zip(anti.elements, expect.elements).map { abs($0 - $1) }.max()!)
            }
        }
        #expect(worst < 1e-14)
        // The MPO of c†_0↑ c_2↑ + h.c. equals the product of these dense modes.
        var hop = OpSum(sites: 3, siteType: .electron)
        hop.add(1, ("Cdagup", 0), ("Cup", 2))
        hop.add(1, ("Cdagup", 2), ("Cup", 0))
        hop.add(0.5, ("Cdn", 1), ("Cdagup", 2), ("Cup", 0), ("Cdagdn", 1))
        let c0 = mode(cup, 0), c2 = mode(cup, 2), d1 = mode(cdn, 1)
        var ref = try Matrix.product(c0.transposed, .none, c2, .none).adding(Matrix.product(c2.transposed, .none, c0, .none))
        let four = try Matrix.product(Matrix.product(d1, .none, c2.transposed, .none), .none,
                                      Matrix.product(c0, .none, d1.transposed, .none), .none)
        ref = try ref.adding(four.scaled(by: 0.5))
        let got = try MPO(hop).dense()
        #expect(zip(got.elements, ref.elements).map { abs($0 - $1) }.max()! < 1e-14)
        var odd = OpSum(sites: 3, siteType: .electron)
        odd.add(1, ("Cdagup", 0))
        #expect(throws: OperatorError.self) { try MPO(odd) }
    }

    @Test func inconsistentElectronCountsAreRejected() throws {
        var dump = try FCIDUMP.read(QChemData.path("lih_sto3g.FCIDUMP"))
        dump.electrons = 13
        #expect(throws: DMRGError.self) { try AbInitioHamiltonian.rhfConfiguration(dump) }
        dump.electrons = 4
        dump.ms2 = 1
        #expect(throws: DMRGError.self) { try AbInitioHamiltonian.rhfConfiguration(dump) }
    }
}
