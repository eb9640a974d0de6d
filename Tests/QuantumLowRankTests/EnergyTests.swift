import Testing
import LowRankKernels
import QuantumLowRank

@Suite struct EnergyTests {
    @Test(arguments: QChemData.withEnergies)
    func rhfAndMP2MatchReferences(molecule: String) throws {
        let ref = try #require(QChemData.molecules[molecule])
        let file = try #require(ref["file"] as? String)
        let dump = try FCIDUMP.read(QChemData.path(file))
        let eRHF = try MeanField.rhfEnergy(h: dump.h, eri: dump.eri, coreEnergy: dump.coreEnergy, electrons: dump.electrons)
        let eMP2 = try MP2.correlationEnergy(h: dump.h, eri: dump.eri, electrons: dump.electrons)
        let refRHF = try #require(ref["e_rhf"] as? Double)
        let refMP2 = try #require(ref["e_mp2_correlation"] as? Double)
        #expect(abs(eRHF - refRHF) < 1e-8, "\(molecule): E_RHF \(eRHF) vs \(refRHF)")
        #expect(abs(eMP2 - refMP2) < 1e-8, "\(molecule): E_MP2 \(eMP2) vs \(refMP2)")
        #expect(abs(dump.coreEnergy - (ref["e_core"] as! Double)) < 1e-10)
    }

    @Test func fockIsDiagonalForCanonicalOrbitals() throws {
        let dump = try FCIDUMP.read(QChemData.path("h2o_sto3g.FCIDUMP"))
        let f = MeanField.fock(h: dump.h, eri: dump.eri, occupied: dump.electrons / 2)
        var offDiagonal = 0.0
        for i in 0..<dump.orbitals { for j in 0..<dump.orbitals where i != j { offDiagonal = max(offDiagonal, abs(f[i, j])) } }
        #expect(offDiagonal < 1e-6)
        for i in 0..<dump.orbitals { for j in 0..<dump.orbitals { #expect(f[i, j] == f[j, i]) } }
    }

    @Test func invalidElectronCountsThrow() throws {
        let dump = try FCIDUMP.read(QChemData.path("lih_sto3g.FCIDUMP"))
        #expect(throws: ClosedShellError.oddElectronCount(3)) {
            try MeanField.rhfEnergy(h: dump.h, eri: dump.eri, coreEnergy: 0, electrons: 3)
        }
        #expect(throws: ClosedShellError.invalidElectronCount(electrons: 14, orbitals: 6)) {
            try MP2.correlationEnergy(h: dump.h, eri: dump.eri, electrons: 14)
        }
        #expect(throws: ClosedShellError.self) {
            try MP2.correlationEnergy(h: Matrix(rows: 2, columns: 2), eri: dump.eri, electrons: 2)
        }
    }
}
