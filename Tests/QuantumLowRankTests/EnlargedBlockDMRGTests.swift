import Foundation
import Testing
import LowRankKernels
@testable import QuantumLowRank

/// The enlarged-block contraction of the symmetric engine, charge-preserving MPO rounding and the
/// double-factorized Hamiltonian's MPO.
@Suite("Enlarged-block DMRG, MPO rounding and DF MPO")
struct EnlargedBlockDMRGTests {
    func options(_ m: Int, _ contraction: DMRG.SymmetricContraction, config: [Int]? = nil) -> DMRG.Options {
        var o = DMRG.Options(maxBondDimension: m, cutoff: 1e-14, noise: 1e-4, conserveQuantumNumbers: true,
                             initialConfiguration: config)
        o.symmetricContraction = contraction
        return o
    }

    /// Random XXZ chains (L = 10, J_i, Δ_i ∈ [0.5, 1.5]): both symmetric contractions and the dense engine agree
    /// to 1e-10 and equal the lowest eigenvalue of the 1024 × 1024 matrix (LAPACK dsyevd).
    @Test func contractionsAgreeOnRandomChains() throws {
        var g = SeededGenerator(seed: 77)
        for _ in 0..<3 {
            let L = 10
            let mpo = try MPO(randomXXZ(sites: L, &g))
            let exact = try mpo.dense().symmetricEigen(vectors: false).eigenvalues[0]
            let dense = try DMRG.groundState(of: mpo, options: .init(maxBondDimension: 64, cutoff: 1e-14))
            let channel = try DMRG.groundState(of: mpo, options: options(64, .channelWise))
            let enlarged = try DMRG.groundState(of: mpo, options: options(64, .enlargedBlocks))
            #expect(abs(enlarged.energy - exact) < 1e-10)
            #expect(abs(enlarged.energy - channel.energy) < 1e-10)
            #expect(abs(enlarged.energy - dense.energy) < 1e-10)
            // The returned state is the converged one: ⟨ψ|H|ψ⟩ by MPO contraction.
            #expect(abs(try mpo.expectation(enlarged.state) - exact) < 1e-10)
        }
    }

    /// Heisenberg L = 14 through enlarged blocks against exact diagonalization (references.json).
    @Test func heisenbergThroughEnlargedBlocks() throws {
        let mpo = try SpinModel.heisenberg.mpo(sites: 14)
        let r = try DMRG.groundState(of: mpo, options: options(128, .enlargedBlocks))
        #expect(abs(r.energy - TNData.heisenbergED(14)) < 1e-10)
    }

    /// LiH STO-3G by both contractions to the FCI energy (references.json) to 1e-8.
    @Test func lihByBothContractions() throws {
        let dump = try FCIDUMP.read(QChemData.path("lih_sto3g.FCIDUMP"))
        let fci = try #require(QChemData.molecules["lih_sto3g"]?["e_fci"] as? Double)
        let mpo = try MPO(AbInitioHamiltonian.opSum(dump))
        let config = try AbInitioHamiltonian.rhfConfiguration(dump)
        for c in [DMRG.SymmetricContraction.channelWise, .enlargedBlocks] {
            let r = try DMRG.groundState(of: mpo, options: options(64, c, config: config))
            #expect(abs(r.energy - fci) < 1e-8, "\(c)")
        }
    }

    /// The anchor: H10 STO-3G (1.0 Å) within 1e-6 Eh of FCI (references.json) at M = 500. The sweep energy is
    /// the lowest two-site Ritz value (block2's convention) and is variational; the truncated state's energy is
    /// above it and above FCI.
    @Test func h10ReachesFCIAtM500() throws {
        let dump = try FCIDUMP.read(QChemData.path("h10_sto3g_r1.0A.FCIDUMP"))
        let fci = try #require(QChemData.molecules["h10_sto3g_r1.0A"]?["e_fci"] as? Double)
        let order = try AbInitioHamiltonian.fiedlerOrdering(dump)
        let mpo = try MPO(AbInitioHamiltonian.opSum(dump, ordering: order))
        let config = try AbInitioHamiltonian.rhfConfiguration(dump, ordering: order)
        var o = DMRG.Options(maxBondDimension: 500, cutoff: 1e-12, noise: 1e-4, conserveQuantumNumbers: true,
                             initialConfiguration: config)
        let r = try DMRG.groundState(of: mpo, options: o)
        #expect(abs(r.energy - fci) < 1e-6)
        #expect(r.energy > fci - 1e-9)
        #expect(r.stateEnergy >= r.energy - 1e-12)
        #expect(r.stateEnergy > fci - 1e-9 && r.stateEnergy < fci + 1e-4)
        #expect(r.state.maxBondDimension <= 500)
    }

    /// Rounding keeps charges: a redundantly written Heisenberg chain (every term split in two, S⁺S⁻ written in both
    /// orders) rounds to the minimal w = 5, stays the same operator (dense matrices to 1e-12 relative) and keeps
    /// definite channel charges.
    @Test func roundingRecoversMinimalHeisenbergMPOWithCharges() throws {
        let L = 8
        var h = OpSum(sites: L, siteType: .spinHalf)
        for i in 0..<(L - 1) {
            for _ in 0..<2 {
                h.add(0.25, ("S+", i), ("S-", i + 1))
                h.add(0.25, ("S-", i), ("S+", i + 1))
                h.add(0.5, ("Sz", i), ("Sz", i + 1))
            }
        }
        let mpo = try MPO(h)
        let c = try mpo.compressed()
        #expect(c.maxBondDimension == 5)
        let q = try #require(c.siteQuantumNumbers)
        _ = try c.channelCharges(q)
        let a = try mpo.dense(), b = try c.dense()
        #expect(try a.subtracting(b).frobeniusNorm <= 1e-12 * a.frobeniusNorm)
    }

    /// A random 4-orbital ab initio Hamiltonian (h symmetric, (pq|rs) from a random symmetric pair supermatrix, so
    /// 8-fold symmetric): the rounded MPO is the same operator and the symmetric engine accepts it.
    @Test func roundingAnAbInitioMPOKeepsTheOperator() throws {
        var g = SeededGenerator(seed: 11)
        let n = 4, np = n * (n + 1) / 2
        var hm = Matrix<Double>(rows: n, columns: n)
        for j in 0..<n { for i in 0...j { let v = g.uniform() - 0.5; hm[i, j] = v; hm[j, i] = v } }
        var m = Matrix<Double>(rows: np, columns: np)
        for j in 0..<np { for i in 0...j { let v = 0.2 * (g.uniform() - 0.5); m[i, j] = v; m[j, i] = v } }
        let dump = try FCIDUMP(orbitals: n, electrons: 4, h: hm, eri: try ERITensor(orbitals: n, supermatrix: m),
                               coreEnergy: 0.7)
        let mpo = try MPO(AbInitioHamiltonian.opSum(dump))
        let c = try mpo.compressed(relativeError: 1e-13)
        #expect(c.maxBondDimension <= mpo.maxBondDimension)
        let a = try mpo.dense(), b = try c.dense()
        #expect(try a.subtracting(b).frobeniusNorm <= 1e-11 * a.frobeniusNorm)
        // Ground state in N = 4, Sᶻ = 0 from both MPOs, against the lowest eigenvalue of the dense matrix restricted
        // to that sector (basis states |s₁ … s₄⟩ with Σ N = 4, Σ 2Sᶻ = 0).
        let sector = (0..<256).filter { idx in
            var nTot = 0, sz = 0, x = idx
            for _ in 0..<n { let s = x % 4; x /= 4; nTot += [0, 1, 1, 2][s]; sz += [0, 1, -1, 0][s] }
            return nTot == 4 && sz == 0
        }
        var block = Matrix<Double>(rows: sector.count, columns: sector.count)
        for (j, sj) in sector.enumerated() { for (i, si) in sector.enumerated() { block[i, j] = a[si, sj] } }
        let exact = try block.symmetricEigen(vectors: false).eigenvalues[0]
        let config = try AbInitioHamiltonian.rhfConfiguration(dump)
        for op in [mpo, c] {
            let r = try DMRG.groundState(of: op, options: options(64, .enlargedBlocks, config: config))
            #expect(abs(r.energy - exact) < 1e-10)
        }
    }

    /// The double-factorized Hamiltonian of LiH: the kept factors match references.json (L, retained eigenvectors);
    /// at threshold 0 it is the exact Hamiltonian; at 1e-2 its ground energy lies in the exact variational bracket
    /// ⟨ψ_DF|ΔH|ψ_DF⟩ ≤ E_DF − E ≤ ⟨ψ|ΔH|ψ⟩ (ΔH = H_DF − H, ψ and ψ_DF the two ground states).
    @Test func doubleFactorizedMPOEnergyError() throws {
        let dump = try FCIDUMP.read(QChemData.path("lih_sto3g.FCIDUMP"))
        let refs = try #require(QChemData.molecules["lih_sto3g"]?["double_factorization"] as? [[String: Any]])
        let config = try AbInitioHamiltonian.rhfConfiguration(dump)
        let exactMPO = try MPO(AbInitioHamiltonian.opSum(dump))
        let exact = try DMRG.groundState(of: exactMPO, options: options(64, .enlargedBlocks, config: config))
        for ref in refs where (ref["threshold"] as! Double) == 1e-2 {
            let f = try AbInitioHamiltonian.doubleFactorized(dump, threshold: 1e-2)
            #expect(f.factorization.factors.count == ref["L"] as! Int)
            #expect(f.factorization.retainedEigenvectors == ref["retained_eigenvectors"] as! Int)
            let dfMPO = try MPO(AbInitioHamiltonian.opSum(f.hamiltonian)).compressed(relativeError: 1e-12)
            let df = try DMRG.groundState(of: dfMPO, options: options(64, .enlargedBlocks, config: config))
            let upper = try dfMPO.expectation(exact.state) - exact.energy                  // ⟨ψ|H_DF|ψ⟩ − E
            let lower = df.energy - (try exactMPO.expectation(df.state))                    // E_DF − ⟨ψ_DF|H|ψ_DF⟩
            let delta = df.energy - exact.energy
            #expect(abs(delta) > 1e-5)
            #expect(delta <= upper + 1e-9 && delta >= lower - 1e-9)
        }
        let full = try AbInitioHamiltonian.doubleFactorized(dump, threshold: 0)
        let fullMPO = try MPO(AbInitioHamiltonian.opSum(full.hamiltonian)).compressed(relativeError: 1e-12)
        let e0 = try DMRG.groundState(of: fullMPO, options: options(64, .enlargedBlocks, config: config))
        #expect(abs(e0.energy - exact.energy) < 1e-9)
    }
}

@Suite("Z2 parity")
struct ParityDMRGTests {
    @Test func parityAddsModuloTwo() {
        let odd = QuantumNumber(parity: 1), even = QuantumNumber(parity: 2)
        #expect(odd + odd == .zero && odd - odd == .zero && even == .zero)
        #expect(QuantumNumber(1, 2) + odd == QuantumNumber(1, 2) - odd)
        #expect((QuantumNumber(1, 2) + odd).parity == 1)
    }

    /// The Ising chain with Z₂ conservation, in the Hadamard-rotated basis, against the free-fermion closed form
    /// (Data/tn/references.json): L = 16 to 1e-9, L = 128 at χ ≤ 64 to 1e-8.
    @Test(arguments: [(16, 1e-9), (128, 1e-8)])
    func isingWithParityMatchesFreeFermions(L: Int, tolerance: Double) throws {
        let mpo = try MPO(SpinModel.tfim.parityBasisOpSum(sites: L))
        #expect(mpo.maxBondDimension == 3)
        let r = try DMRG.groundState(of: mpo, options: .init(maxBondDimension: 64, cutoff: 1e-14,
                                                             conserveQuantumNumbers: true,
                                                             initialConfiguration: Array(repeating: 0, count: L)))
        #expect(abs(r.energy - TNData.tfim(L)) < tolerance)
        #expect(r.state.maxBondDimension <= 64)
    }

    /// The odd sector is a different eigenvalue: one ↓ spin in the start keeps the run there, and its energy lies
    /// above the even ground state by the open chain's lowest fermion energy (small but positive at g = 1).
    @Test func oddSectorIsSeparate() throws {
        let L = 12
        let mpo = try MPO(SpinModel.tfim.parityBasisOpSum(sites: L))
        var config = Array(repeating: 0, count: L)
        config[3] = 1
        let odd = try DMRG.groundState(of: mpo, options: .init(maxBondDimension: 64, cutoff: 1e-14,
                                                               conserveQuantumNumbers: true, initialConfiguration: config))
        // The dense spectrum's two lowest levels (ground state even, first excited odd).
        let levels = try mpo.dense().symmetricEigen(vectors: false).eigenvalues
        #expect(abs(levels[0] - TNData.tfim(L)) < 1e-10)
        #expect(abs(odd.energy - levels[1]) < 1e-9)
        #expect(odd.energy > levels[0] + 1e-3)
    }

    /// g < 0 on an odd chain: the ground state is in the odd sector (all ↓ start), equal to the lowest eigenvalue of
    /// the dense 2048 × 2048 matrix; the library's default start for pure-parity sites is the even sector.
    @Test func negativeFieldOddChainFindsTheGroundSector() throws {
        let L = 11, params = SpinModel.Parameters(field: -0.7)
        let mpo = try MPO(SpinModel.tfim.parityBasisOpSum(sites: L, parameters: params))
        let exact = try mpo.dense().symmetricEigen(vectors: false).eigenvalues[0]
        let config = SpinModel.tfim.parityGroundSectorConfiguration(sites: L, parameters: params)
        #expect(config == Array(repeating: 1, count: L))
        let r = try DMRG.groundState(of: mpo, options: .init(maxBondDimension: 64, cutoff: 1e-14, conserveQuantumNumbers: true,
                                                             initialConfiguration: config))
        #expect(abs(r.energy - exact) < 1e-9)
        // Default start for Z₂ sites: all first states (even), for g > 0 the ground sector.
        let positive = try MPO(SpinModel.tfim.parityBasisOpSum(sites: 14))
        let d = try DMRG.groundState(of: positive, options: .init(maxBondDimension: 64, cutoff: 1e-14, conserveQuantumNumbers: true))
        #expect(abs(d.energy - TNData.tfim(14)) < 1e-9)
    }

    @Test func otherModelsRefuseParity() {
        #expect(throws: DMRGError.self) { try SpinModel.heisenberg.parityBasisOpSum(sites: 4) }
    }
}
