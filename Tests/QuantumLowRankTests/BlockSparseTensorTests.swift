import Foundation
import Testing
import LowRankKernels
@testable import QuantumLowRank

/// Block-sparse tensors against their dense counterparts: every number is checked against dense algebra
/// (contraction by ``Tensor``, singular values by LAPACK on the dense matricization) or an identity.
@Suite("Block-sparse symmetric tensors")
struct BlockSparseTensorTests {
    /// A spin-like leg with charges −2 … 2 (2Sᶻ), sector dimensions 1–3.
    func leg(_ flow: SymmetricLeg.Flow, dims: [Int] = [1, 2, 3, 2, 1]) throws -> SymmetricLeg {
        try SymmetricLeg(zip([-2, -1, 0, 1, 2], dims).map { (QuantumNumber($0), $1) }, flow: flow)
    }

    @Test func denseRoundTripAndForbiddenBlocksAreZero() throws {
        let legs = [try leg(.incoming), try leg(.incoming, dims: [2, 1, 1, 1, 2]), try leg(.outgoing)]
        let t = BlockSparseTensor.random(legs: legs, charge: QuantumNumber(1), seed: 3)
        #expect(!t.blocks.isEmpty && t.blocks.keys.allSatisfy(t.allows))
        let d = t.dense()
        // Every dense entry outside the allowed blocks is zero: its charges q0 + q1 − q2 ≠ 1.
        func charge(_ i: Int, _ leg: SymmetricLeg) -> Int {
            var o = 0
            for s in leg.sectors { if i < o + s.dimension { return s.charge.first }; o += s.dimension }
            return .max
        }
        BlockSparseTensor.forEachIndex(d.shape) { linear, idx in
            if charge(idx[0], legs[0]) + charge(idx[1], legs[1]) - charge(idx[2], legs[2]) != 1 {
                #expect(d.elements[linear] == 0)
            }
        }
        let back = try BlockSparseTensor(dense: d, legs: legs, charge: QuantumNumber(1))
        #expect(back.dense().elements == d.elements)
        #expect(abs(t.norm - d.norm) < 1e-12 * d.norm)
        // A forbidden entry is reported with its block.
        var bad = d.elements
        bad[0] = 1                                     // charges (−2, −2, −2): sum −2 ≠ 1
        #expect(throws: SymmetryError.self) {
            try BlockSparseTensor(dense: Tensor(shape: d.shape, elements: bad), legs: legs, charge: QuantumNumber(1))
        }
    }

    @Test func contractionMatchesDense() throws {
        let a = BlockSparseTensor.random(legs: [try leg(.incoming), try leg(.incoming), try leg(.outgoing)], seed: 5)
        let b = BlockSparseTensor.random(legs: [try leg(.incoming), try leg(.outgoing, dims: [3, 1, 2, 1, 3])],
                                         charge: QuantumNumber(-1), seed: 6)
        let c = try a.contracted(with: b, axes: ([2], [0]))
        let reference = try a.dense().contracted(with: b.dense(), axes: ([2], [0]))
        #expect(c.charge == QuantumNumber(-1))
        #expect(try c.dense().adding(reference, scaledBy: -1).norm < 1e-12 * reference.norm)
        // Two legs at once, and a trace-like full contraction to a scalar.
        let a2 = BlockSparseTensor.random(legs: [try leg(.incoming), try leg(.outgoing)], seed: 8)
        let full = try a2.contracted(with: BlockSparseTensor.random(legs: [try leg(.outgoing), try leg(.incoming)], seed: 9),
                                     axes: ([0, 1], [0, 1]))
        #expect(full.legs.isEmpty)
        // Same-flow legs cannot be contracted.
        #expect(throws: SymmetryError.self) { try a.contracted(with: a, axes: ([0], [0])) }
    }

    /// SVD block by block: singular values equal LAPACK's on the dense matricization (as a multiset), U is an
    /// isometry, U S Vᵀ rebuilds the tensor, and truncation to r keeps the r largest overall (Eckart–Young: the error
    /// equals the dense tail).
    @Test func svdMatchesDenseSpectrum() throws {
        let legs = [try leg(.incoming), try leg(.incoming), try leg(.outgoing), try leg(.outgoing, dims: [2, 2, 2, 2, 2])]
        let t = BlockSparseTensor.random(legs: legs, charge: QuantumNumber(2), seed: 12)
        let dense = t.dense()
        let denseValues = try dense.matricized(rowAxes: 2).svd().singularValues.filter { $0 > 1e-12 }
        let f = try t.svd(rowAxes: 2)
        let blockValues = f.singularValues.flatMap { $0 }.filter { $0 > 1e-12 }.sorted(by: >)
        #expect(blockValues.count == denseValues.count)
        for (x, y) in zip(blockValues, denseValues) { #expect(abs(x - y) < 1e-10 * denseValues[0]) }
        // Isometry: Uᵀ U = 1 on the new leg.
        let u = try f.u.dense().matricized(rowAxes: 2)
        let gram = try Matrix.product(u, .transpose, u, .none)
        #expect(try gram.subtracting(.identity(gram.rows)).frobeniusNorm < 1e-12)
        // U · diag(s) · Vᵀ = T.
        var s = BlockSparseTensor(legs: [f.u.legs[2].dual, f.vt.legs[0].dual])
        var diag = Matrix<Double>(rows: f.u.legs[2].dimension, columns: f.u.legs[2].dimension)
        var o = 0
        for v in f.singularValues { for x in v { diag[o, o] = x; o += 1 } }
        s = try BlockSparseTensor(dense: Tensor(diag, shape: [diag.rows, diag.columns]), legs: s.legs)
        let rebuilt = try f.u.contracted(with: s, axes: ([2], [0])).contracted(with: f.vt, axes: ([2], [0]))
        #expect(try rebuilt.dense().adding(dense, scaledBy: -1).norm < 1e-12 * dense.norm)
        // Truncation to r = 5: error² = the dense Eckart–Young tail.
        let r = 5
        let cut = try t.svd(rowAxes: 2, maxRank: r)
        #expect(cut.u.legs[2].dimension == r)
        let tail = denseValues.dropFirst(r).reduce(0) { $0 + $1 * $1 }, all = denseValues.reduce(0) { $0 + $1 * $1 }
        #expect(abs(cut.truncationError - tail / all) < 1e-12)
    }

    @Test func qrRebuildsAndIsIsometric() throws {
        let legs = [try leg(.incoming), try leg(.outgoing, dims: [1, 1, 2, 1, 1]), try leg(.incoming, dims: [2, 1, 1, 1, 2])]
        let t = BlockSparseTensor.random(legs: legs, seed: 21)
        let (q, r) = try t.qr(rowAxes: 2)
        let qm = try q.dense().matricized(rowAxes: 2)
        let gram = try Matrix.product(qm, .transpose, qm, .none)
        #expect(try gram.subtracting(.identity(gram.rows)).frobeniusNorm < 1e-12)
        let rebuilt = try q.contracted(with: r, axes: ([2], [0]))
        #expect(try rebuilt.dense().adding(t.dense(), scaledBy: -1).norm < 1e-12 * t.norm)
    }

    /// Fusing legs and splitting them back is the identity; contracting over fused legs (the partner's dual legs
    /// fused with the opposite flow) equals contracting over the original legs.
    @Test func fusionRoundTripAndContraction() throws {
        let l0 = try leg(.incoming), l1 = try leg(.incoming, dims: [2, 1, 1, 1, 2]), l2 = try leg(.outgoing)
        let l3 = try leg(.outgoing, dims: [1, 1, 2, 1, 1]), l4 = try leg(.incoming, dims: [3, 1, 1, 1, 3])
        let a = BlockSparseTensor.random(legs: [l0, l1, l2, l3], charge: QuantumNumber(1), seed: 31)
        let (fa, fusion) = try a.fused(1..<3)
        #expect(fa.legs.count == 3 && fa.legs[1].dimension == l1.dimension * l2.dimension)
        #expect(abs(fa.norm - a.norm) < 1e-12 * a.norm)
        let back = try fa.split(1, fusion)
        #expect(try back.dense().adding(a.dense(), scaledBy: -1).norm == 0)
        let b = BlockSparseTensor.random(legs: [l1.dual, l2.dual, l4], seed: 32)
        let direct = try a.contracted(with: b, axes: ([1, 2], [0, 1]))
        let (fb, _) = try b.fused(0..<2, flow: .outgoing)
        #expect(fb.legs[0] == fa.legs[1].dual)
        let viaFused = try fa.contracted(with: fb, axes: ([1], [0]))
        #expect(try viaFused.dense().adding(direct.dense(), scaledBy: -1).norm < 1e-12 * direct.norm)
        // Splitting with the wrong fusion is a typed error.
        #expect(throws: SymmetryError.self) { try fa.split(0, fusion) }
    }

    @Test func badArgumentsAreTypedErrors() throws {
        let legs = [try leg(.incoming), try leg(.outgoing)]
        let t = BlockSparseTensor.random(legs: legs, seed: 4)
        #expect(!t.allows([0]) && !t.allows([0, 9]) && t.allows([2, 2]))
        #expect(BlockSparseTensor(legs: [], charge: QuantumNumber(1)).allowedBlocks.isEmpty)
        #expect(throws: MPSError.self) { try t.svd(rowAxes: 1, maxRank: 0) }
        #expect(throws: SymmetryError.self) { try BlockSparseTensor(legs: legs).svd(rowAxes: 1) }
        #expect(throws: TensorError.self) { try t.qr(rowAxes: 2) }
        var e = t.dense().elements
        e[0] = .nan
        #expect(throws: LinearAlgebraError.self) { try BlockSparseTensor(dense: Tensor(shape: [9, 9], elements: e), legs: legs) }
        #expect(throws: TensorError.self) { try BlockSparseTensor(dense: t.dense(), legs: legs, tolerance: -1) }
    }

    @Test func legsRejectBadSectors() {
        #expect(throws: SymmetryError.self) { try SymmetricLeg([(QuantumNumber(0), 1), (QuantumNumber(0), 2)]) }
        #expect(throws: SymmetryError.self) { try SymmetricLeg([(QuantumNumber(0), 0)]) }
        #expect(throws: SymmetryError.self) { try SymmetricLeg([]) }
    }
}
