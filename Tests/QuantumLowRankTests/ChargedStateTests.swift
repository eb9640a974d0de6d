import Foundation
import Testing
import LowRankKernels
@testable import QuantumLowRank

/// Charged states in and out of DMRG: the bond charges survive a run and a file, a saved state resumes where it
/// stopped, and a small-χ state continued at a larger χ reaches the exact energy (exact diagonalization,
/// Data/tn/references.json) in fewer sweeps than a fresh start.
@Suite("Charged DMRG states")
struct ChargedStateTests {
    static func sz(_ maxBondDimension: Int, sweeps: Int = 10) -> DMRG.Options {
        DMRG.Options(maxBondDimension: maxBondDimension, bondDimensionRamp: [], cutoff: 1e-14, maxSweeps: sweeps,
                     conserveQuantumNumbers: true)
    }

    /// The returned state keeps the charge rule on every site, is right-orthonormal on sites 1 … L−1, carries the
    /// MPO's site charges and total Sᶻ = 0 (the Néel start's sector), and equals its dense state.
    @Test func symmetricRunReturnsAChargedState() throws {
        let mpo = try SpinModel.heisenberg.mpo(sites: 12)
        let r = try DMRG.groundState(of: mpo, options: Self.sz(16))
        let charged = try #require(r.chargedState)
        #expect(!charged.isTrivial)
        #expect(charged.siteCharges == mpo.siteQuantumNumbers)
        #expect(charged.totalCharge == .zero)
        #expect(charged.rightOrthonormalityDefect < 1e-10)
        _ = try ChargedMPS(state: charged.state, siteCharges: charged.siteCharges, bondCharges: charged.bondCharges)
        // Same physical state as the dense result, up to a global sign.
        let overlap = try charged.state.overlap(r.state)
        #expect(abs(abs(overlap) - 1) < 1e-10)
        // A dense run returns the trivial symmetry.
        let dense = try DMRG.groundState(of: mpo, options: DMRG.Options(maxBondDimension: 16, maxSweeps: 2))
        #expect(try #require(dense.chargedState).isTrivial)
    }

    /// Resuming a converged state: its first sweep reports the saved energy to 1e-10 relative (the two-site update
    /// of a converged state only re-finds it), and the state round-trips through the file format bit for bit.
    @Test func savedStateResumesWhereItStopped() throws {
        let mpo = try SpinModel.heisenberg.mpo(sites: 16)
        let first = try DMRG.groundState(of: mpo, options: Self.sz(24))
        let saved = try #require(first.chargedState)
        let bytes = saved.serialized()
        let read = try ChargedMPS(serialized: bytes, path: "state.mps")
        #expect(read.bondCharges == saved.bondCharges && read.siteCharges == saved.siteCharges)
        #expect(zip(read.state.tensors, saved.state.tensors).allSatisfy { $0.shape == $1.shape && $0.elements == $1.elements })
        #expect(read.serialized() == bytes)
        var options = Self.sz(24, sweeps: 2)
        options.noise = 0
        let resumed = try DMRG.groundState(of: mpo, from: read, options: options)
        let e0 = try #require(resumed.sweeps.first).energy
        #expect(abs(e0 - first.energy) <= 1e-10 * abs(first.energy))
    }

    /// χ = 8 → χ = 64 on L = 12 (64 is exact there): the continued run ends at the exact energy to 1e-9 like a
    /// fresh χ = 64 run, in fewer sweeps.
    @Test func continuingAtLargerBondDimensionNeedsFewerSweeps() throws {
        let mpo = try SpinModel.heisenberg.mpo(sites: 12)
        let exact = TNData.heisenbergED(12)
        let small = try DMRG.groundState(of: mpo, options: Self.sz(8))
        var wide = DMRG.Options(maxBondDimension: 64, cutoff: 1e-14, conserveQuantumNumbers: true)
        wide.bondDimensionRamp = [4, 8, 32]          // a fresh run ramps through all three; the χ = 8 state skips 4 and 8
        let fresh = try DMRG.groundState(of: mpo, options: wide)
        let continued = try DMRG.groundState(of: mpo, from: try #require(small.chargedState), options: wide)
        #expect(abs(fresh.energy - exact) < 1e-9)
        #expect(abs(continued.energy - exact) < 1e-9)
        #expect(continued.sweeps.count < fresh.sweeps.count)
        #expect(continued.sweeps.first?.parameters.maxBondDimension == 32)
    }

    /// Starts that cannot be used are refused by name: a dense (trivially charged) state in a charge-conserving run,
    /// a state of another length, and a state whose sites are not right-orthonormal.
    @Test func unusableStartsAreRefused() throws {
        let mpo = try SpinModel.heisenberg.mpo(sites: 8)
        let dense = try DMRG.groundState(of: mpo, options: DMRG.Options(maxBondDimension: 8, maxSweeps: 2))
        #expect(throws: DMRGError.invalidOption(argument: "initialState", reason: "its site charges differ from the Hamiltonian's")) {
            try DMRG.groundState(of: mpo, from: try #require(dense.chargedState), options: Self.sz(8))
        }
        let other = try SpinModel.heisenberg.mpo(sites: 10)
        let state = try #require(try DMRG.groundState(of: other, options: Self.sz(8)).chargedState)
        #expect(throws: DMRGError.self) { try DMRG.groundState(of: mpo, from: state, options: Self.sz(8)) }
        // Scale site 3: still charge-conserving, no longer right-orthonormal.
        let good = try #require(try DMRG.groundState(of: mpo, options: Self.sz(8)).chargedState)
        var tensors = good.state.tensors
        tensors[3] = Tensor(uncheckedShape: tensors[3].shape, elements: tensors[3].elements.map { 2 * $0 })
        let scaled = try ChargedMPS(state: try MPS(tensors: tensors), siteCharges: good.siteCharges,
                                    bondCharges: good.bondCharges)
        #expect(throws: DMRGError.self) { try DMRG.groundState(of: mpo, from: scaled, options: Self.sz(8)) }
    }

    /// Hostile state files: each is refused with ``ChargedMPSError/badFile(path:reason:)`` naming what is wrong, and
    /// nothing of a claimed size is allocated before the byte count is checked.
    @Test func damagedFilesAreRefused() throws {
        let mpo = try SpinModel.heisenberg.mpo(sites: 6)
        let bytes = try #require(try DMRG.groundState(of: mpo, options: Self.sz(4)).chargedState).serialized()
        let newline = try #require(bytes.firstIndex(of: UInt8(ascii: "\n")))
        let headerEnd = try #require(bytes[(newline + 1)...].firstIndex(of: UInt8(ascii: "\n")))
        let header = String(decoding: bytes[(newline + 1)..<headerEnd], as: UTF8.self)
        let data = Array(bytes[(headerEnd + 1)...])
        func file(_ header: String, _ data: [UInt8]) -> [UInt8] {
            Array("LOWRANK-MPS 1\n".utf8) + Array(header.utf8) + [UInt8(ascii: "\n")] + data
        }
        func reason(_ bytes: [UInt8]) -> String? {
            do { _ = try ChargedMPS(serialized: bytes, path: "s.mps"); return nil } catch {
                if case .badFile(let path, let reason) = error, path == "s.mps" { return reason }
                return "wrong error \(error)"
            }
        }
        #expect(reason(Array("LOWRANK-MPS 2\n{}\n".utf8))?.contains("not a LowRank state file") == true)
        #expect(reason(Array("LOWRANK-MPS 1\n{".utf8))?.contains("no end of the header line") == true)
        #expect(reason(file("[1, 2]", data))?.contains("not a JSON object") == true)
        #expect(reason(file(header, Array(data.dropLast())))?.contains("float64 numbers") == true)
        #expect(reason(file(header, data + [0]))?.contains("float64 numbers") == true)
        let huge = header.replacingOccurrences(of: "\"bond_dimensions\":[1,", with: "\"bond_dimensions\":[1073741824,")
        #expect(reason(file(huge, data)) != nil)
        #expect(reason(file(header.replacingOccurrences(of: "\"sites\":6", with: "\"sites\":6.5"), data))?.contains("sites") == true)
        var nan = data
        for b in 0..<8 { nan[8 + b] = withUnsafeBytes(of: Double.nan.bitPattern.littleEndian) { $0[b] } }
        #expect(reason(file(header, nan))?.contains("not finite") == true)
        // Swapping two charges of bond 3 unsorts it; flipping a site charge breaks the charge rule.
        let unsorted = header.replacingOccurrences(of: "\"bond_charges\":[[[0,0,0]],[[-1,0,0],[1,0,0]]",
                                                   with: "\"bond_charges\":[[[0,0,0]],[[1,0,0],[-1,0,0]]")
        #expect(unsorted != header)
        #expect(reason(file(unsorted, data))?.contains("bond 1: charges are not sorted") == true)
        let flipped = header.replacingOccurrences(of: "\"site_charges\":[[[1,0,0],[-1,0,0]]",
                                                  with: "\"site_charges\":[[[3,0,0],[-1,0,0]]")
        #expect(flipped != header)
        #expect(reason(file(flipped, data))?.contains("breaks the charge rule") == true)
    }

    /// 3000 random damages of a small state file (byte flips, deletions, insertions, truncations, seeded): each is read
    /// or refused with ``ChargedMPSError/badFile(path:reason:)``, never a crash; whatever is read still satisfies the
    /// charge rule and its dimensions chain.
    @Test func randomlyDamagedFilesNeverCrash() throws {
        let mpo = try SpinModel.heisenberg.mpo(sites: 4)
        let bytes = try #require(try DMRG.groundState(of: mpo, options: Self.sz(4)).chargedState).serialized()
        var g = SeededGenerator(seed: 2026)
        var refused = 0
        for _ in 0..<3000 {
            var damaged = bytes
            for _ in 0..<(1 + Int(g.next() % 3)) {
                let at = Int(g.next() % UInt64(damaged.count))
                switch g.next() % 4 {
                case 0: damaged[at] ^= UInt8(1 << (g.next() % 8))
                case 1: damaged.remove(at: at)
                case 2: damaged.insert(UInt8(g.next() % 256), at: at)
                default: damaged = Array(damaged.prefix(at))
                }
                if damaged.isEmpty { break }
            }
            do {
                let state = try ChargedMPS(serialized: damaged, path: "d.mps")
                _ = try ChargedMPS(state: state.state, siteCharges: state.siteCharges, bondCharges: state.bondCharges)
            } catch {
                guard case .badFile(path: "d.mps", _) = error else { Issue.record("unexpected \(error)"); continue }
                refused += 1
            }
        }
        #expect(refused > 1000)
    }

    /// The two-site singlet (the L = 2 Heisenberg ground state) has one Schmidt value 1/√2 in each sector 2Sᶻ = ±1 of
    /// the left spin (exact); on L = 12 the sectors together are the bond's full Schmidt spectrum (their entropies
    /// equal ``MPS/entanglementEntropies()``, a separate dense SVD sweep), and the sector weights of the singlet are
    /// symmetric under Q → −Q (spin flip).
    @Test func entanglementSpectrumBySector() throws {
        let dimer = try #require(try DMRG.groundState(of: try SpinModel.heisenberg.mpo(sites: 2), options: Self.sz(4))
            .chargedState)
        let bond = try #require(try dimer.entanglementSpectra().first)
        #expect(bond.map(\.charge) == [QuantumNumber(-1), QuantumNumber(1)])
        for sector in bond { #expect(sector.schmidtValues.count == 1 && abs(sector.schmidtValues[0] - 0.5.squareRoot()) < 1e-12) }

        let chain = try #require(try DMRG.groundState(of: try SpinModel.heisenberg.mpo(sites: 12), options: Self.sz(64))
            .chargedState)
        let spectra = try chain.entanglementSpectra()
        let entropies = try chain.state.entanglementEntropies()
        #expect(spectra.count == 11)
        for (k, sectors) in spectra.enumerated() {
            let p = sectors.flatMap { $0.schmidtValues.map { $0 * $0 } }.filter { $0 > 0 }
            #expect(abs(p.reduce(0, +) - 1) < 1e-12)
            #expect(abs(-p.reduce(0) { $0 + $1 * Double.log($1) } - entropies[k]) < 1e-10, "bond \(k + 1)")
            let weights = Dictionary(uniqueKeysWithValues: sectors.map { ($0.charge.first, $0.schmidtValues.reduce(0) { $0 + $1 * $1 }) })
            // Exact for the singlet ground state; DMRG's state is within ~√(energy error) of it.
            for (q, w) in weights { #expect(abs(w - (weights[-q] ?? 0)) < 1e-5, "bond \(k + 1), 2Sz \(q)") }
        }
    }
}
