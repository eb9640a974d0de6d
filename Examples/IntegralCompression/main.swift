// Compressing the electron-repulsion integrals of water in cc-pVDZ (24 orbitals) shipped in Data/.
//
//   swift run -c release IntegralCompression [FCIDUMP]
//
// Pivoted Cholesky and double factorization (published convention, Lee et al. 2021) at several
// thresholds, with the number of vectors, the 1-norm λ that sets the cost of qubitization, and the
// RHF / MP2 energy errors the compression causes.
import Foundation
import LowRankKernels
import QuantumLowRank

let path = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Data/qchem/h2o_ccpvdz.FCIDUMP"
do {
    let dump = try FCIDUMP.read(path)
    let n = dump.orbitals
    let m = try dump.eri.supermatrix()
    let rhf = try MeanField.rhfEnergy(h: dump.h, eri: dump.eri, coreEnergy: dump.coreEnergy, electrons: dump.electrons)
    let mp2 = try MP2.correlationEnergy(h: dump.h, eri: dump.eri, electrons: dump.electrons)
    print("\(path): \(n) orbitals, \(dump.electrons) electrons; E_RHF = \(rhf), E_MP2(corr) = \(mp2)")

    func errors(_ approx: Matrix<Double>) throws -> (Double, Double) {
        let eri = try ERITensor(orbitals: n, supermatrix: approx)
        let r = try MeanField.rhfEnergy(h: dump.h, eri: eri, coreEnergy: dump.coreEnergy, electrons: dump.electrons)
        let p = try MP2.correlationEnergy(h: dump.h, eri: eri, electrons: dump.electrons)
        return (r - rhf, p - mp2)
    }

    print("pivoted Cholesky (pair space \(n * (n + 1) / 2)):")
    for tol in [1e-2, 1e-4, 1e-6] {
        let c = try PivotedCholesky.decompose(try DenseSupermatrix(m), tolerance: tol)
        let (er, em) = try errors(try Matrix.product(c.vectors, .none, c.vectors, .transpose))
        print(String(format: "  τ = %.0e: %4d vectors, max |ΔM| = %.2e, ΔE_RHF = %+.2e, ΔE_MP2 = %+.2e",
                     tol, c.count, c.maxAbsError, er, em))
    }
    let df = try DoubleFactorization(supermatrix: m, orbitals: n)   // stage 1 once
    print("double factorization:")
    for t in [1e-2, 1e-3, 1e-4] {
        let r = try df.truncated(threshold: t, h: dump.h)
        let (er, em) = try errors(try r.reconstructedSupermatrix())
        print(String(format: "  threshold %.0e: L = %3d, Ξ = %4d, λ_DF = %.3f, ΔE_RHF = %+.2e, ΔE_MP2 = %+.2e",
                     t, r.l, r.retainedEigenvectors, r.lambdaDF, er, em))
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
