import Foundation
import Testing
import LowRankKernels
import QuantumLowRank

@Suite struct CompressedHamiltonianTests {
    /// A DF-compressed Hamiltonian written as FCIDUMP reads back to the same integrals (up to the
    /// text round trip) and keeps the energy error measured before writing.
    @Test func doubleFactorizedHamiltonianRoundTripsThroughFCIDUMP() throws {
        let dump = try FCIDUMP.read(TestIntegrals.dataURL("h2o_sto3g.FCIDUMP").path)
        let df = try DoubleFactorization(supermatrix: dump.eri.supermatrix(), orbitals: dump.orbitals)
        let r = try df.truncated(threshold: 1e-3, h: dump.h)
        let eri = try ERITensor(orbitals: dump.orbitals, supermatrix: try r.reconstructedSupermatrix())
        let compressed = try FCIDUMP(orbitals: dump.orbitals, electrons: dump.electrons, ms2: dump.ms2, orbsym: dump.orbsym,
                                 isym: dump.isym, h: dump.h, eri: eri, coreEnergy: dump.coreEnergy)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lowrank-df-\(UInt32.random(in: 0...UInt32.max)).FCIDUMP").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try compressed.write(to: path)
        let back = try FCIDUMP.read(path)
        #expect(back.eri.maxAbsDifference(eri) < 1e-12)
        // The reconstruction error equals the factorization's own max |ΔM| (an identity, not a stored number).
        #expect(Swift.abs(back.eri.maxAbsDifference(dump.eri) - r.maxAbsError) < 1e-12)
        let e0 = try MeanField.rhfEnergy(h: dump.h, eri: eri, coreEnergy: dump.coreEnergy, electrons: dump.electrons)
        let e1 = try MeanField.rhfEnergy(h: back.h, eri: back.eri, coreEnergy: back.coreEnergy, electrons: back.electrons)
        #expect(Swift.abs(e0 - e1) < 1e-10)
    }
}
