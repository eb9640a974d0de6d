import Foundation
import Testing
import LowRankKernels
@testable import QuantumLowRank

private let pauliZ = try! Matrix<Double>([[1, 0], [0, -1]])
private let pauliX = try! Matrix<Double>([[0, 1], [1, 0]])

/// max |Σ_s A[s]† A[s] − I| (left) or |Σ_s A[s] A[s]† − I| (right).
private func orthogonalityDefect<S: LinearAlgebraScalar>(_ a: Tensor<S>, left: Bool) throws -> Double {
    let g = left ? try Matrix.product(a.matricized(rowAxes: 2), .adjoint, a.matricized(rowAxes: 2), .none)
                 : try Matrix.product(a.matricized(rowAxes: 1), .none, a.matricized(rowAxes: 1), .adjoint)
    var worst = 0.0
    for j in 0..<g.columns { for i in 0..<g.rows {
        worst = max(worst, (g[i, j] - (i == j ? S.one : S.zero)).modulus)
    } }
    return worst
}

private func denseVector<S: LinearAlgebraScalar>(_ m: MPS<S>) throws -> [S] { try m.train.dense().elements }

private func ghz(_ L: Int) throws -> MPS<Double> {
    var cores: [Tensor<Double>] = []
    for k in 0..<L {
        let l = k == 0 ? 1 : 2, r = k == L - 1 ? 1 : 2
        var t = try Tensor<Double>(shape: [l, 2, r])
        for s in 0..<2 { t[[l == 1 ? 0 : s, s, r == 1 ? 0 : s]] = 1 }
        cores.append(t)
    }
    cores[0] = cores[0].scaled(by: 1 / 2.0.squareRoot())
    return try MPS(tensors: cores)
}

/// a|0…0⟩ + b|1…1⟩ as the sum of two product MPS (bond dimension 2).
private func twoProducts(_ L: Int, _ a: Double, _ b: Double) throws -> MPS<Double> {
    var zero = Array(repeating: [1.0, 0.0], count: L), one = Array(repeating: [0.0, 1.0], count: L)
    zero[0] = [a, 0]; one[0] = [0, b]
    return MPS(try MPS.product(zero).train.adding(MPS.product(one).train))
}

@Suite("Matrix product states")
struct MPSTests {
    @Test func canonicalFormsAreOrthogonal() throws {
        let m = try MPS<Double>.random(sites: 6, physicalDimension: 2, bondDimension: 4, seed: 1)
        let c = try MPS<Complex<Double>>.random(sites: 5, physicalDimension: 3, bondDimension: 5, seed: 2)
        for center in [0, 2, 5] {
            let o = try m.orthogonalized(center: center)
            #expect(o.orthogonalityCenter == center)
            for k in 0..<o.sites where k != center {
                #expect(try orthogonalityDefect(o.tensors[k], left: k < center) < 1e-12)
            }
        }
        for center in [0, 3, 4] {
            let o = try c.orthogonalized(center: center)
            for k in 0..<o.sites where k != center {
                #expect(try orthogonalityDefect(o.tensors[k], left: k < center) < 1e-12)
            }
        }
    }

    @Test func normAndOverlapMatchDenseVectors() throws {
        let a = try MPS<Double>.random(sites: 5, physicalDimension: 2, bondDimension: 3, seed: 3)
        let b = try MPS<Double>.random(sites: 5, physicalDimension: 2, bondDimension: 4, seed: 4)
        let va = try denseVector(a), vb = try denseVector(b)
        #expect(abs(a.norm - 1) < 1e-12)
        #expect(abs(Vector.norm(va) - 1) < 1e-12)
        let ref = zip(va, vb).reduce(0.0) { $0 + $1.0 * $1.1 }
        #expect(abs(try a.overlap(b) - ref) < 1e-12)

        // Complex, unnormalized, no canonical form.
        let c = MPS(try MPS<Complex<Double>>.random(sites: 4, physicalDimension: 3, bondDimension: 3, seed: 5)
            .train.scaled(by: Complex(2, -1)))
        let d = try MPS<Complex<Double>>.random(sites: 4, physicalDimension: 3, bondDimension: 2, seed: 6)
        #expect(c.orthogonalityCenter == nil)
        let vc = try denseVector(c), vd = try denseVector(d)
        #expect(abs(c.norm - Vector.norm(vc)) < 1e-12 * Vector.norm(vc))
        let refC = zip(vc, vd).reduce(Complex<Double>.zero) { $0 + $1.0.conjugate * $1.1 }
        #expect((try c.overlap(d) - refC).length < 1e-12 * Vector.norm(vc))
        #expect((try d.overlap(c) - refC.conjugate).length < 1e-12 * Vector.norm(vc))
        var n = c
        try n.normalize()
        #expect(abs(Vector.norm(try denseVector(n)) - 1) < 1e-12)
    }

    @Test func productStateExpectations() throws {
        let s = 1 / 2.0.squareRoot()
        let p = try MPS<Double>.product([[1, 0], [0, 1], [s, s]])
        #expect(try p.expectation(pauliZ, site: 0) == 1)
        #expect(try p.expectation(pauliZ, site: 1) == -1)
        #expect(abs(try p.expectation(pauliZ, site: 2)) < 1e-15)
        #expect(abs(try p.expectation(pauliX, site: 2) - 1) < 1e-15)
        #expect(try p.correlation(pauliZ, pauliZ, sites: (0, 1)) == -1)
        #expect(try p.entanglementEntropies() == [0, 0])
        // Unnormalized product state: expectations are normalized.
        let q = try MPS<Double>.product([[3, 0], [0, 2]])
        #expect(abs(try q.expectation(pauliZ, site: 0) - 1) < 1e-15)
    }

    @Test func ghzEntropiesAndCorrelations() throws {
        let g = try ghz(5)
        #expect(g.maxBondDimension == 2)
        for h in try g.entanglementEntropies() { #expect(abs(h - Double.log(2)) < 1e-13) }
        #expect(try g.entanglementEntropies().count == 4)
        for (i, j) in [(0, 1), (0, 4), (2, 3), (1, 1)] {
            #expect(abs(try g.correlation(pauliZ, pauliZ, sites: (i, j)) - 1) < 1e-13)
        }
        #expect(abs(try g.expectation(pauliZ, site: 2)) < 1e-13)
        // Complex GHZ: (|000⟩ + i|111⟩)/√2 still has ln 2 everywhere.
        var cores = try ghz(3).tensors.map { t in
            try Tensor<Complex<Double>>(shape: t.shape, elements: t.elements.map { Complex($0) })
        }
        cores[2][[1, 1, 0]] = Complex(0, 1)
        let cg = try MPS(tensors: cores)
        for h in try cg.entanglementEntropies() { #expect(abs(h - Double.log(2)) < 1e-13) }
    }

    @Test func truncationOfTwoProductStates() throws {
        let (a, b) = (0.8, 0.6)
        var exact = try twoProducts(5, a, b)
        let reports = try exact.truncate(maxBondDimension: 2)
        #expect(reports.count == 4)
        #expect(reports.allSatisfy { $0.rank == 2 && $0.discardedWeight == 0 })
        #expect(exact.orthogonalityCenter == 0)
        #expect(abs(exact.norm - 1) < 1e-13)

        var one = try twoProducts(5, a, b)
        let r1 = try one.truncate(maxBondDimension: 1)
        #expect(one.maxBondDimension == 1)
        let discarded = r1.reduce(0) { $0 + $1.discardedWeight }
        #expect(abs(discarded - b * b) < 1e-13)
        #expect(abs(r1.last!.discardedWeight - b * b) < 1e-13)    // first bond of the right-to-left sweep
        #expect(abs(one.norm - a) < 1e-13)
        #expect(abs(try one.overlap(MPS.product(Array(repeating: [1, 0], count: 5))) - a) < 1e-13)

        // cutoff: relative discarded weight b² = 0.36 is allowed by 0.5, not by 0.3.
        var c1 = try twoProducts(4, a, b)
        try c1.truncate(maxBondDimension: 10, cutoff: 0.5)
        #expect(c1.maxBondDimension == 1)
        var c2 = try twoProducts(4, a, b)
        try c2.truncate(maxBondDimension: 10, cutoff: 0.3)
        #expect(c2.maxBondDimension == 2)
    }

    @Test func movingTheCentreTwiceDoesNoWork() throws {
        var m = MPS(try MPS<Double>.random(sites: 6, physicalDimension: 2, bondDimension: 4, seed: 7).train)
        #expect(m.orthogonalityCenter == nil)
        try m.orthogonalize(center: 3)
        let after = m.qrCount
        #expect(after == 5)                                 // 3 left + 2 right QRs
        let tensors = m.tensors
        try m.orthogonalize(center: 3)
        #expect(m.qrCount == after)
        #expect(m.tensors == tensors)
        try m.orthogonalize(center: 4)
        #expect(m.qrCount == after + 1)                    // moving by one costs one QR
        let v = try m.orthogonalized(center: 0)
        #expect(v.qrCount == after + 5 && m.qrCount == after + 1)
    }

    @Test func typedErrors() throws {
        let m = try MPS<Double>.random(sites: 3, physicalDimension: 2, bondDimension: 2, seed: 8)
        #expect(throws: MPSError.invalidSite(site: 3, sites: 3)) { try m.orthogonalized(center: 3) }
        #expect(throws: MPSError.invalidSite(site: -1, sites: 3)) { try m.expectation(pauliZ, site: -1) }
        #expect(throws: MPSError.operatorShape(site: 0, physicalDimension: 2, rows: 1, columns: 1)) {
            try m.expectation(Matrix.identity(1), site: 0)
        }
        #expect(throws: MPSError.invalidBondDimension(0)) {
            try MPS<Double>.random(sites: 3, physicalDimension: 2, bondDimension: 0, seed: 1)
        }
        #expect(throws: MPSError.invalidDimension(argument: "sites", value: 0)) {
            try MPS<Double>.random(sites: 0, physicalDimension: 2, bondDimension: 1, seed: 1)
        }
        #expect(throws: MPSError.invalidDimension(argument: "physicalDimension", value: 0)) {
            try MPS<Double>.random(sites: 2, physicalDimension: 0, bondDimension: 1, seed: 1)
        }
        var t = m
        #expect(throws: MPSError.invalidBondDimension(0)) { try t.truncate(maxBondDimension: 0) }
        #expect(throws: MPSError.invalidCutoff(-1)) { try t.truncate(maxBondDimension: 2, cutoff: -1) }
        #expect(throws: MPSError.invalidDimension(argument: "local state length", value: 0)) {
            try MPS<Double>.product([[1], []])
        }
        let other = try MPS<Double>.random(sites: 3, physicalDimension: 3, bondDimension: 2, seed: 9)
        #expect(throws: MPSError.dimensionMismatch(lhs: [2, 2, 2], rhs: [3, 3, 3])) { try m.overlap(other) }
        var zero = try MPS<Double>.product([[0, 0], [1, 0]])
        #expect(throws: MPSError.zeroNorm) { try zero.normalize() }
        #expect(throws: MPSError.zeroNorm) { try zero.expectation(pauliZ, site: 0) }
    }
}
