import Foundation
import Testing
import LowRankKernels
@testable import QuantumLowRank

private func maxAbsDiff(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Double {
    zip(a.elements, b.elements).map { abs($0 - $1) }.max() ?? 0
}

private let sz = try! Matrix<Double>([[0.5, 0], [0, -0.5]])
private let sp = try! Matrix<Double>([[0, 1], [0, 0]])
private let sm = try! Matrix<Double>([[0, 0], [1, 0]])
private let px = try! Matrix<Double>([[0, 1], [1, 0]])
private let pz = try! Matrix<Double>([[1, 0], [0, -1]])

@Suite("MPO from operator sums")
struct MPOTests {
    @Test func heisenbergMatchesKroneckerSumAndHasBondDimensionFive() throws {
        let L = 5, J = 0.7, delta = 1.3, h = 0.4
        let mpo = try SpinModel.xxz.mpo(sites: L, parameters: .init(coupling: J, anisotropy: delta, field: h))
        #expect(mpo.bondDimensions == [1, 5, 5, 5, 5, 1])
        var ref = Matrix<Double>(rows: 32, columns: 32)
        for i in 0..<(L - 1) {
            for (a, b, c) in [(sp, sm, J / 2), (sm, sp, J / 2), (sz, sz, J * delta)] {
                ref = try ref.adding(embed([(a, i), (b, i + 1)], L: L, d: 2).scaled(by: c))
            }
        }
        for i in 0..<L { ref = try ref.adding(embed([(sz, i)], L: L, d: 2).scaled(by: -h)) }
        #expect(maxAbsDiff(try mpo.dense(), ref) < 1e-14)
    }

    @Test func isingMatchesKroneckerSumAndHasBondDimensionThree() throws {
        let L = 4, g = 0.8
        let mpo = try SpinModel.tfim.mpo(sites: L, parameters: .init(field: g))
        #expect(mpo.bondDimensions == [1, 3, 3, 3, 1])
        var ref = Matrix<Double>(rows: 16, columns: 16)
        for i in 0..<(L - 1) { ref = try ref.adding(embed([(pz, i), (pz, i + 1)], L: L, d: 2).scaled(by: -1)) }
        for i in 0..<L { ref = try ref.adding(embed([(px, i)], L: L, d: 2).scaled(by: -g)) }
        #expect(maxAbsDiff(try mpo.dense(), ref) < 1e-14)
    }

    @Test func longRangeTermsAndSameSiteProducts() throws {
        // 0.3 Sz(0) S+(2) S-(3) + h.c. + 2 Sz(1)Sz(1) (= 0.5 Id) − 1.5 Sx(3)
        var h = OpSum(sites: 4, siteType: .spinHalf)
        h.add(0.3, ("Sz", 0), ("S+", 2), ("S-", 3))
        h.add(0.3, ("Sz", 0), ("S-", 2), ("S+", 3))
        h.add(2, ("Sz", 1), ("Sz", 1))
        h.add(-1.5, ("Sx", 3))
        let mpo = try MPO(h)
        var ref = try embed([(sz, 0), (sp, 2), (sm, 3)], L: 4, d: 2).adding(embed([(sz, 0), (sm, 2), (sp, 3)], L: 4, d: 2))
            .scaled(by: 0.3)
        ref = try ref.adding(Matrix<Double>.identity(16).scaled(by: 0.5))
        ref = try ref.adding(embed([(px, 3)], L: 4, d: 2).scaled(by: -0.75))
        #expect(maxAbsDiff(try mpo.dense(), ref) < 1e-14)
        #expect(try mpo.hermiticityDeviation() < 1e-8)
    }

    @Test func compressionRemovesRedundantChannelsExactly() throws {
        // TFIM with the field written as two-site terms X(i)·Id(i+1): the automaton opens a channel per
        // prefix (w = 4); the operator is the same, so SVD compression must return w = 3 and the same matrix.
        let L = 6
        var h = OpSum(sites: L, siteType: .spinHalf)
        for i in 0..<(L - 1) { h.add(-1, ("Z", i), ("Z", i + 1)); h.add(-1, ("X", i), ("Id", i + 1)) }
        h.add(-1, ("X", L - 1))
        let raw = try MPO(h)
        #expect(raw.maxBondDimension == 4)
        let c = try raw.compressed(relativeError: 1e-13)
        #expect(c.maxBondDimension == 3)
        #expect(maxAbsDiff(try c.dense(), try SpinModel.tfim.mpo(sites: L).dense()) < 1e-12)
    }

    /// ⟨A, B⟩ = Σ A_ij B_ij must equal the dense matrices' Frobenius product (scaled by Π d) on both paths of
    /// the transfer step: a sparse MPO (most entries zero: the entry-wise step) and a dense one (GEMMs).
    @Test func frobeniusProductsMatchTheDenseOperator() throws {
        var g = SeededGenerator(seed: 11)
        let dims = [2, 3, 2, 2], bonds = [1, 5, 7, 4, 1]
        for density in [0.08, 1.0] {
            func random() throws -> MPO {
                try MPO(tensors: (0..<dims.count).map { k in
                    let count = bonds[k] * bonds[k + 1] * dims[k] * dims[k]
                    let values = (0..<count).map { _ in
                        Double.random(in: 0..<1, using: &g) < density ? Double.random(in: -1..<1, using: &g) : 0
                    }
                    return try Tensor(shape: [bonds[k], bonds[k + 1], dims[k], dims[k]], elements: values)
                })
            }
            let a = try random(), b = try random()
            let (da, db) = (try a.dense(), try b.dense())
            let expected = zip(da.elements, db.elements).reduce(0) { $0 + $1.0 * $1.1 } / Double(dims.reduce(1, *))
            let found = try a.scaledInner(b)
            #expect(abs(found - expected) <= 1e-12 * max(1, abs(expected)), "density \(density): \(found) vs \(expected)")
            // The same through the hermiticity check: ‖H − Hᵀ‖_F / ‖H‖_F of the dense matrix.
            let transposeDiff = zip(da.elements, da.transposed.elements).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            let norm = da.elements.reduce(0) { $0 + $1 * $1 }
            #expect(abs(try a.hermiticityDeviation() - (transposeDiff / norm).squareRoot()) < 1e-7)
        }
        // Which path each takes: the sparse MPO's first bulk site is cheaper entry-wise, the dense one's is not.
        let e = try Tensor<Double>(shape: [5, 5], elements: (0..<25).map { Double($0) })
        let sparseSite = try Tensor<Double>(shape: [5, 7, 3, 3], elements: (0..<315).map { $0 % 40 == 0 ? 1 : 0 })
        let denseSite = try Tensor<Double>(shape: [5, 7, 3, 3], elements: (0..<315).map { Double($0 % 7) + 1 })
        #expect(MPO.sparseTransfer(e, sparseSite, sparseSite) != nil)
        #expect(MPO.sparseTransfer(e, denseSite, denseSite) == nil)
    }

    @Test func nonHermitianSumIsRejected() throws {
        var h = OpSum(sites: 6, siteType: .spinHalf)
        for i in 0..<5 { h.add(1, ("S+", i), ("S-", i + 1)) }          // missing the h.c. terms
        let mpo = try MPO(h)
        #expect(try mpo.hermiticityDeviation() > 0.5)
        #expect(throws: OperatorError.self) { try DMRG.groundState(of: mpo) }
    }

    @Test func badDescriptionsGiveTypedErrors() throws {
        var h = OpSum(sites: 3, siteType: .spinHalf)
        h.add(1, ("Sq", 0))
        #expect(throws: OperatorError.unknownOperator(name: "Sq", site: 0, siteType: "spin-1/2")) { try MPO(h) }
        var g = OpSum(sites: 3, siteType: .spinOne)
        g.add(1, ("Sz", 3))
        #expect(throws: OperatorError.self) { try MPO(g) }
        var n = OpSum(sites: 3, siteType: .spinHalf)
        n.add(.nan, ("Sz", 0))
        #expect(throws: OperatorError.self) { try MPO(n) }
        #expect(throws: OperatorError.tooFewSites(sites: 1, minimum: 2)) { try SpinModel.heisenberg.mpo(sites: 1) }
        let mpo = try SpinModel.heisenberg.mpo(sites: 4)
        let spin1 = try MPS<Double>.random(sites: 4, physicalDimension: 3, bondDimension: 2, seed: 3)
        #expect(throws: OperatorError.self) { try mpo.expectation(spin1) }
        #expect(throws: DMRGError.self) { try DMRG.groundState(of: mpo, initialState: spin1) }
        #expect(throws: DMRGError.self) { try DMRG.groundState(of: mpo, options: .init(maxBondDimension: 0)) }
    }

    @Test func applicationAndExpectationMatchDenseAlgebra() throws {
        let L = 6
        let mpo = try SpinModel.spin1Heisenberg.mpo(sites: L, parameters: .init(anisotropy: 0.5, field: 0.2))
        let psi = try MPS<Double>.random(sites: L, physicalDimension: 3, bondDimension: 5, seed: 11)
        let h = try mpo.dense()
        let v = try psi.train.dense().elements
        let hv = try Matrix.product(h, .none, Matrix(rows: v.count, columns: 1, elements: v), .none)
        let (out, _) = try mpo.applied(to: psi)
        let w = try out.train.dense().elements
        #expect(zip(w, hv.elements).map { abs($0 - $1) }.max()! < 1e-12)
        let e = zip(v, hv.elements).map { $0 * $1 }.reduce(0, +) / v.map { $0 * $0 }.reduce(0, +)
        #expect(abs(try mpo.expectation(psi) - e) < 1e-12)
    }
}
