import Foundation
import Testing
import LowRankKernels
@testable import QuantumLowRank

// MARK: helpers

private func multiIndex(_ offset: Int, _ shape: [Int]) -> [Int] {
    var o = offset
    return shape.map { n in let i = o % n; o /= n; return i }
}

private func randomTensor(_ shape: [Int], _ g: inout SeededGenerator) -> Tensor<Double> {
    let n = shape.reduce(1, *)
    return try! Tensor(shape: shape, elements: (0..<n).map { _ in g.normal() })
}

private func randomComplexTensor(_ shape: [Int], _ g: inout SeededGenerator) -> Tensor<Complex<Double>> {
    let n = shape.reduce(1, *)
    return try! Tensor(shape: shape, elements: (0..<n).map { _ in Complex(g.normal(), g.normal()) })
}

/// Σ_{ρ<R} u¹_ρ ⊗ u²_ρ ⊗ … ⊗ u^d_ρ with random factor vectors: every TT rank is ≤ R (= min(R, unfolding size)
/// generically).
private func sumOfOuterProducts<S: LinearAlgebraScalar>(_ shape: [Int], terms: Int,
                                                        _ draw: () -> S) throws -> Tensor<S> {
    var t = try Tensor<S>(shape: shape)
    for _ in 0..<terms {
        let factors = shape.map { n in (0..<n).map { _ in draw() } }
        for o in 0..<t.count {
            let idx = multiIndex(o, shape)
            var p = S.one
            for (a, i) in idx.enumerated() { p *= factors[a][i] }
            t[idx] += p
        }
    }
    return t
}

private func difference<S: LinearAlgebraScalar>(_ a: Tensor<S>, _ b: Tensor<S>) -> Double {
    (try! a.adding(b, scaledBy: S(real: -1))).norm
}

@Suite struct TensorTests {
    init() { BLASThreads.set(1) }

    @Test func permuteMatchesIndexFormula() throws {
        var g = SeededGenerator(seed: 11)
        let shape = [3, 4, 2, 5]
        let t = randomTensor(shape, &g)
        for axes in [[2, 0, 3, 1], [3, 2, 1, 0], [1, 0, 2, 3], [0, 1, 3, 2], [0, 1, 2, 3]] {
            let p = try t.permuted(axes)
            #expect(p.shape == axes.map { shape[$0] })
            for o in 0..<p.count {
                let i = multiIndex(o, p.shape)
                var j = [Int](repeating: 0, count: 4)
                for a in 0..<4 { j[axes[a]] = i[a] }
                #expect(p.elements[o] == t[j])
            }
            // The inverse permutation restores the tensor.
            var inverse = [Int](repeating: 0, count: 4)
            for (a, b) in axes.enumerated() { inverse[b] = a }
            #expect(try p.permuted(inverse) == t)
        }
        #expect(throws: TensorError.self) { try t.permuted([0, 0, 1, 2]) }
        #expect(throws: TensorError.self) { try t.permuted([0, 1, 2]) }
    }

    @Test func reshapeAndMatricizeFollowColumnMajorOrder() throws {
        var g = SeededGenerator(seed: 12)
        let t = randomTensor([2, 3, 4], &g)
        let r = try t.reshaped([6, 4])
        for i0 in 0..<2 { for i1 in 0..<3 { for i2 in 0..<4 {
            #expect(r[i0 + 2 * i1, i2] == t[i0, i1, i2])
            #expect(t[i0, i1, i2] == t.elements[i0 + 2 * (i1 + 3 * i2)])
        } } }
        let m = try t.matricized(rowAxes: 1)
        #expect(m.rows == 2 && m.columns == 12)
        for i0 in 0..<2 { for i1 in 0..<3 { for i2 in 0..<4 { #expect(m[i0, i1 + 3 * i2] == t[i0, i1, i2]) } } }
        let m2 = try t.matricized(rowAxes: 2)
        #expect(m2.rows == 6 && m2.columns == 4)
        #expect(try Tensor(m2, shape: [2, 3, 4]) == t)
        #expect(try t.matricized(rowAxes: 0).rows == 1 && t.matricized(rowAxes: 3).columns == 1)
        #expect(throws: TensorError.self) { try t.reshaped([5, 5]) }
        #expect(throws: TensorError.self) { try Tensor<Double>(shape: [2, 2], elements: [1, 2, 3]) }
        #expect(throws: TensorError.self) { try Tensor<Double>(shape: [2, -1], elements: []) }
        // NDArray round trip keeps the layout.
        let nd = try NDArray(t)
        #expect(nd.shape == t.shape && nd[1, 2, 3] == t[1, 2, 3])
        #expect(Tensor(nd) == t)
    }

    @Test func contractionMatchesExplicitLoops() throws {
        var g = SeededGenerator(seed: 13)
        let a = randomTensor([3, 4, 5], &g)
        let b = randomTensor([5, 2, 4], &g)
        let c = try a.contracted(with: b, axes: ([1, 2], [2, 0]))
        #expect(c.shape == [3, 2])
        for i in 0..<3 { for j in 0..<2 {
            var s = 0.0
            for k in 0..<4 { for l in 0..<5 { s += a[i, k, l] * b[l, j, k] } }
            #expect(abs(c[i, j] - s) <= 1e-12 * max(1, abs(s)))
        } }
        // Single-axis contraction in the middle: result axes = free(a) + free(b).
        let d = try a.contracted(with: b, axes: ([2], [0]))
        #expect(d.shape == [3, 4, 2, 4])
        for i in 0..<3 { for k in 0..<4 { for j in 0..<2 { for m in 0..<4 {
            var s = 0.0
            for l in 0..<5 { s += a[i, k, l] * b[l, j, m] }
            #expect(abs(d[i, k, j, m] - s) <= 1e-12 * max(1, abs(s)))
        } } } }
        // Full contraction gives a rank-0 tensor.
        let full = try a.contracted(with: a, axes: ([0, 1, 2], [0, 1, 2]))
        #expect(full.shape == [] && abs(full[[]] - a.norm * a.norm) <= 1e-12 * a.norm * a.norm)
        // Complex.
        let x = randomComplexTensor([2, 3, 4], &g), y = randomComplexTensor([4, 3], &g)
        let z = try x.contracted(with: y, axes: ([1, 2], [1, 0]))
        for i in 0..<2 {
            var s = Complex<Double>.zero
            for k in 0..<3 { for l in 0..<4 { s += x[i, k, l] * y[l, k] } }
            #expect((z[i] - s).length <= 1e-12 * max(1, s.length))
        }
        #expect(throws: TensorError.self) { try a.contracted(with: b, axes: ([0], [0])) }
        #expect(throws: TensorError.self) { try a.contracted(with: b, axes: ([1, 1], [2, 2])) }
    }
}

@Suite struct TensorTrainTests {
    init() { BLASThreads.set(1) }

    @Test func ttsvdRecoversRanksOfSumOfOuterProducts() throws {
        var g = SeededGenerator(seed: 21)
        let shape = [4, 5, 3, 6, 4]
        let a: Tensor<Double> = try sumOfOuterProducts(shape, terms: 3) { g.normal() }
        let eps = 1e-10
        let tt = try TensorTrain.decompose(a, relativeError: eps)
        #expect(tt.ranks == [1, 3, 3, 3, 3, 1])
        #expect(tt.dimensions == shape)
        #expect(tt.storage == 1 * 4 * 3 + 3 * 5 * 3 + 3 * 3 * 3 + 3 * 6 * 3 + 3 * 4 * 1)
        #expect(tt.fullSize == 4 * 5 * 3 * 6 * 4)
        #expect(difference(try tt.dense(), a) <= eps * a.norm)
    }

    @Test func sineOfSumHasTTRanksTwo() throws {
        // sin(x₁ + … + x_d) = Im Π e^{i x_k}: every TT rank is exactly 2.
        let d = 6, n = 8
        let shape = [Int](repeating: n, count: d)
        var a = try Tensor<Double>(shape: shape)
        for o in 0..<a.count {
            let x = multiIndex(o, shape).reduce(0.0) { $0 + Double($1) / Double(n) * 1.3 + 0.1 }
            a[multiIndex(o, shape)] = sin(x)
        }
        for eps in [1e-12, 1e-6] {
            let tt = try TensorTrain.decompose(a, relativeError: eps)
            #expect(tt.ranks == [1, 2, 2, 2, 2, 2, 1])
            #expect(difference(try tt.dense(), a) <= max(eps, 1e-13) * a.norm)
            #expect(tt.storage < tt.fullSize)
        }
    }

    @Test func truncationErrorStaysWithinTolerance() throws {
        var g = SeededGenerator(seed: 22)
        // A low-TT-rank tensor plus noise: the error bound must hold for every ε and ranks shrink with ε.
        let shape = [5, 6, 5, 4]
        let base: Tensor<Double> = try sumOfOuterProducts(shape, terms: 2) { g.normal() }
        let a = try base.adding(randomTensor(shape, &g), scaledBy: 0.05)
        var previous = Int.max
        for eps in [0.0, 1e-8, 1e-2, 0.1, 0.3, 0.9] {
            let tt = try TensorTrain.decompose(a, relativeError: eps)
            let err = difference(try tt.dense(), a)
            #expect(err <= eps * a.norm + 1e-12 * a.norm, "ε = \(eps): error \(err / a.norm)")
            #expect(tt.storage <= previous)
            previous = tt.storage
        }
        #expect(try TensorTrain.decompose(a, relativeError: 0.1).maxRank <= 2)
        // Per-bond reports: kept ranks match the train and the squared errors add up to at most ε²‖A‖².
        let (tt, reports) = try TensorTrain.decomposeWithReports(a, relativeError: 0.2)
        #expect(reports.map(\.rank) == Array(tt.ranks.dropFirst().dropLast()))
        let bound = reports.reduce(0.0) { $0 + $1.discardedWeight }
        #expect(bound <= 0.04 * a.norm * a.norm * (1 + 1e-12))
        #expect(pow(difference(try tt.dense(), a), 2) <= bound * (1 + 1e-10))
        let (rt, rreports) = try tt.roundedWithReports(relativeError: 0.05)
        #expect(rreports.count == shape.count - 1 && rreports.map(\.rank) == Array(rt.ranks.dropFirst().dropLast()))
        #expect(throws: TensorError.self) { try TensorTrain.decompose(a, relativeError: -1e-3) }
        #expect(throws: TensorError.self) { try TensorTrain.decompose(a, relativeError: .nan) }
        #expect(throws: TensorError.self) { try TensorTrain.decompose(Tensor<Double>(shape: []), relativeError: 0.1) }
    }

    @Test func innerAndNormMatchDense() throws {
        var g = SeededGenerator(seed: 23)
        let shape = [3, 4, 5, 3]
        let a: Tensor<Double> = try sumOfOuterProducts(shape, terms: 2) { g.normal() }
        let b: Tensor<Double> = try sumOfOuterProducts(shape, terms: 3) { g.normal() }
        let ta = try TensorTrain.decompose(a, relativeError: 1e-12)
        let tb = try TensorTrain.decompose(b, relativeError: 1e-12)
        let exact = zip(a.elements, b.elements).reduce(0.0) { $0 + $1.0 * $1.1 }
        #expect(abs(try ta.inner(tb) - exact) <= 1e-10 * a.norm * b.norm)
        #expect(abs(ta.norm - a.norm) <= 1e-12 * a.norm)
        #expect(abs(try ta.inner(ta) - a.norm * a.norm) <= 1e-10 * a.norm * a.norm)
        let other = try TensorTrain.decompose(randomTensor([3, 4, 5], &g), relativeError: 0)
        #expect(throws: TensorError.self) { try ta.inner(other) }
        #expect(throws: TensorError.self) { try ta.adding(other) }
    }

    @Test func addingThenRoundingRecoversRanks() throws {
        var g = SeededGenerator(seed: 24)
        let shape = [4, 3, 5, 4, 3]
        let a: Tensor<Double> = try sumOfOuterProducts(shape, terms: 2) { g.normal() }
        let ta = try TensorTrain.decompose(a, relativeError: 1e-12)
        let sum = try ta.adding(ta)
        #expect(sum.ranks == ta.ranks.enumerated().map { $0.offset == 0 || $0.offset == shape.count ? 1 : 2 * $0.element })
        let twoA = a.scaled(by: 2)
        #expect(difference(try sum.dense(), twoA) <= 1e-12 * twoA.norm)
        let r = try sum.rounded(relativeError: 1e-10)
        #expect(r.ranks == ta.ranks)
        #expect(difference(try r.dense(), twoA) <= 1e-10 * twoA.norm)
        #expect(difference(try ta.scaled(by: 2).dense(), twoA) <= 1e-13 * twoA.norm)
        // A + B of different tensors equals the dense sum.
        let b: Tensor<Double> = try sumOfOuterProducts(shape, terms: 1) { g.normal() }
        let tb = try TensorTrain.decompose(b, relativeError: 1e-12)
        let ab = try a.adding(b)
        #expect(difference(try ta.adding(tb).rounded(relativeError: 1e-10).dense(), ab) <= 1e-10 * ab.norm)
        // Rounding of a noisy TT obeys the bound.
        let noisy = try TensorTrain.decompose(try a.adding(randomTensor(shape, &g), scaledBy: 0.01), relativeError: 0)
        let dn = try noisy.dense()
        for eps in [1e-3, 0.05, 0.3] {
            let rr = try noisy.rounded(relativeError: eps)
            #expect(difference(try rr.dense(), dn) <= eps * dn.norm * (1 + 1e-10))
        }
        #expect(throws: TensorError.self) { try sum.rounded(relativeError: -1) }
    }

    @Test func complexTensorTrain() throws {
        var g = SeededGenerator(seed: 25)
        let shape = [3, 4, 3, 5]
        let a: Tensor<Complex<Double>> = try sumOfOuterProducts(shape, terms: 2) { Complex(g.normal(), g.normal()) }
        let b: Tensor<Complex<Double>> = try sumOfOuterProducts(shape, terms: 2) { Complex(g.normal(), g.normal()) }
        let ta = try TensorTrain.decompose(a, relativeError: 1e-12)
        let tb = try TensorTrain.decompose(b, relativeError: 1e-12)
        #expect(ta.ranks == [1, 2, 2, 2, 1])
        #expect(difference(try ta.dense(), a) <= 1e-12 * a.norm)
        // ⟨A, B⟩ = Σ conj(a) b (conjugate-linear in the first argument).
        let exact = zip(a.elements, b.elements).reduce(Complex<Double>.zero) { $0 + $1.0.conjugate * $1.1 }
        let ab = try ta.inner(tb)
        #expect((ab - exact).length <= 1e-10 * a.norm * b.norm)
        #expect((try tb.inner(ta) - ab.conjugate).length <= 1e-10 * a.norm * b.norm)
        #expect(abs(ta.norm - a.norm) <= 1e-12 * a.norm)
        let i = Complex<Double>(0, 1)
        let r = try ta.adding(ta.scaled(by: i)).rounded(relativeError: 1e-10)
        #expect(r.ranks == ta.ranks)
        let expected = a.scaled(by: Complex(1, 1))
        #expect(difference(try r.dense(), expected) <= 1e-10 * expected.norm)
    }

    @Test func invalidCoresAreRejected() throws {
        let good = try Tensor<Double>(shape: [1, 2, 3], repeating: 1)
        #expect(throws: TensorError.self) { try TensorTrain<Double>(cores: []) }
        #expect(throws: TensorError.self) { try TensorTrain(cores: [good]) }
        #expect(throws: TensorError.self) { try TensorTrain(cores: [good, try Tensor(shape: [2, 2, 1], repeating: 1)]) }
        let tt = try TensorTrain(cores: [good, try Tensor(shape: [3, 2, 1], repeating: 1)])
        #expect(tt.ranks == [1, 3, 1])
        #expect(try tt.dense() == (try Tensor(shape: [2, 2], repeating: 3)))
        // Order 1: a single [1, n, 1] core.
        let v = try Tensor<Double>(shape: [4], elements: [1, -2, 3, 0.5])
        let t1 = try TensorTrain.decompose(v, relativeError: 0.1)
        #expect(t1.ranks == [1, 1] && t1.storage == 4)
        #expect(try t1.dense() == v)
        #expect(abs(t1.norm - v.norm) <= 1e-15 * v.norm)
        #expect(try t1.adding(t1).rounded(relativeError: 0).dense() == v.scaled(by: 2))
    }
}
