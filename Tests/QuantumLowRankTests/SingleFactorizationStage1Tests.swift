import Foundation
import Testing
import LowRankKernels
@testable import QuantumLowRank

/// The two stage-1 eigenbases of single factorization (``Stage1Eigenbasis``): identical λ without degeneracy,
/// identical λ_T always, and λ_W above the ℓ₁ ≥ ℓ₂ bound in degenerate eigenspaces.
@Suite struct SingleFactorizationStage1Tests {
    init() { BLASThreads.set(1) }

    /// Water/STO-3G (C2v: no degenerate irreducible representations). Truth: the numpy/OpenFermion-convention
    /// values in Data/qchem/references.json (dense n² × n² `eigh`).
    @Test func blockAndDenseAgreeWithoutDegeneracy() throws {
        let ref = try QChemReferences.molecule("h2o_sto3g")
        let ints = try TestIntegrals.load(ref.file)
        let block = try DoubleFactorization(supermatrix: ints.supermatrix, orbitals: ints.orbitals, eigenbasis: .block)
        let dense = try DoubleFactorization(supermatrix: ints.supermatrix, orbitals: ints.orbitals, eigenbasis: .dense)
        #expect(dense.eigenbasis == .dense && block.eigenbasis == .block)
        #expect(PackedPairs.blocks(block.supermatrix.elements, dimension: block.supermatrix.rows).count > 1,
                "water's supermatrix splits into symmetry blocks, so the two paths really differ")
        for row in ref.sf {
            let b = try block.singleFactorization(rank: row.rank, h: ints.h)
            let d = try SingleFactorization.lambda(supermatrix: ints.supermatrix, h: ints.h, orbitals: ints.orbitals,
                                                   rank: row.rank, stage1: .dense)
            #expect(d.lambdaT == b.lambdaT)
            #expect(abs(d.lambdaSF - b.lambdaSF) <= 1e-10 * b.lambdaSF, "rank \(row.rank): \(d.lambdaSF) vs \(b.lambdaSF)")
            #expect(abs(d.lambdaSF - row.lambdaSF) <= 1e-8 * row.lambdaSF, "rank \(row.rank) vs reference")
            #expect(abs(d.lambdaW - row.lambdaW) <= 1e-8 * row.lambdaW)
        }
    }

    /// The dense vectors reproduce the supermatrix (Σ_l L^l_pq L^l_rs = (pq|rs) over all positive eigenvalues; the
    /// negative ones of a PSD M are rounding, bounded by |most negative eigenvalue|).
    @Test func denseVectorsReconstructTheSupermatrix() throws {
        let ints = try TestIntegrals.load("h2o_sto3g.FCIDUMP")
        let dense = try DoubleFactorization(supermatrix: ints.supermatrix, orbitals: ints.orbitals, eigenbasis: .dense)
        let g = dense.stage1Vectors
        let approx = try Matrix.product(g, .none, g, .transpose)
        let worst = zip(approx.elements, ints.supermatrix.elements).reduce(0.0) { max($0, abs($1.0 - $1.1)) }
        #expect(worst <= 1e-10)
    }

    /// LiH/STO-3G (C∞v: degenerate π pairs among the leading vectors). The eigenvalues and λ_T agree; each λ_W is at
    /// least ¼ Σ_P w_P, because Σ_ij |L^P_ij| ≥ ‖L^P‖_F = √w_P (ℓ₁ ≥ ℓ₂ on the n² entries of a unit vector times √w).
    @Test func degenerateEigenspacesKeepLambdaTAndTheLowerBound() throws {
        let ints = try TestIntegrals.load("lih_sto3g.FCIDUMP")
        let block = try DoubleFactorization(supermatrix: ints.supermatrix, orbitals: ints.orbitals, eigenbasis: .block)
        let dense = try DoubleFactorization(supermatrix: ints.supermatrix, orbitals: ints.orbitals, eigenbasis: .dense)
        let w = block.stage1Eigenvalues
        #expect(w.count == dense.stage1Eigenvalues.count)
        for (a, b) in zip(w, dense.stage1Eigenvalues) { #expect(abs(a - b) <= 1e-12 * w[0]) }
        let degenerate = (1..<w.count).contains { abs(w[$0] - w[$0 - 1]) <= 1e-9 * w[0] }
        #expect(degenerate, "LiH has degenerate stage-1 eigenvalues (π pairs)")
        for rank in [4, 10, 15] {
            let b = try block.singleFactorization(rank: rank, h: ints.h)
            let d = try dense.singleFactorization(rank: rank, h: ints.h)
            #expect(b.lambdaT == d.lambdaT)
            let bound = 0.25 * w.prefix(rank).reduce(0, +)
            #expect(b.lambdaW >= bound * (1 - 1e-12) && d.lambdaW >= bound * (1 - 1e-12), "rank \(rank)")
        }
    }
}
