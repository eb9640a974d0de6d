import Foundation
import Testing
@testable import LowRankKernels

/// Naive O(n²) DFT with sign −1 (forward) or +1 (backward), the independent truth for FFTW.
func naiveDFT(_ x: [Complex<Double>], sign: Double) -> [Complex<Double>] {
    let n = x.count
    return (0..<n).map { k in
        var s = Complex<Double>.zero
        for j in 0..<n {
            let angle = sign * 2 * Double.pi * Double((j * k) % n) / Double(n)
            s += x[j] * Complex(Foundation.cos(angle), Foundation.sin(angle))
        }
        return s
    }
}

func maxDiff(_ a: [Complex<Double>], _ b: [Complex<Double>]) -> Double {
    zip(a, b).reduce(0) { Swift.max($0, ($1.0 - $1.1).length) }
}

func randomComplex(_ n: Int, seed: UInt64) -> [Complex<Double>] {
    var g = SeededGenerator(seed: seed)
    return (0..<n).map { _ in Complex(g.normal(), g.normal()) }
}

@Suite struct FFTTests {
    static let sizes = [1, 2, 3, 7, 8, 13, 16, 17, 64, 97, 100, 128, 255]

    @Test(arguments: sizes) func forwardMatchesNaiveDFT(n: Int) throws {
        let x = randomComplex(n, seed: UInt64(n))
        let y = try FFT.forward(x)
        #expect(maxDiff(y, naiveDFT(x, sign: -1)) <= 1e-11 * Double(n))
    }

    @Test(arguments: sizes) func backwardMatchesNaiveDFT(n: Int) throws {
        let x = randomComplex(n, seed: UInt64(n) + 1000)
        let y = try FFT.backward(x)
        #expect(maxDiff(y, naiveDFT(x, sign: 1)) <= 1e-11 * Double(n))
    }

    @Test(arguments: sizes) func roundTripIsNTimesIdentity(n: Int) throws {
        let x = randomComplex(n, seed: 7)
        let z = try FFT.backward(FFT.forward(x))
        #expect(maxDiff(z, x.map { $0 * Complex(Double(n), 0) }) <= 1e-12 * Double(n) * Double(n))
    }

    @Test(arguments: [5, 16, 31]) func exactTransformsOfDeltaAndConstant(n: Int) throws {
        // δ₀ → all ones; shifted delta δ₁ → e^{−2πik/n}; constant 1 → n·δ₀.
        var delta = [Complex<Double>](repeating: .zero, count: n)
        delta[0] = Complex(1, 0)
        #expect(maxDiff(try FFT.forward(delta), Array(repeating: Complex(1, 0), count: n)) <= 1e-15)
        var shifted = [Complex<Double>](repeating: .zero, count: n)
        shifted[1] = Complex(1, 0)
        let expected = (0..<n).map { k in
            Complex(Foundation.cos(-2 * Double.pi * Double(k) / Double(n)),
                    Foundation.sin(-2 * Double.pi * Double(k) / Double(n)))
        }
        #expect(maxDiff(try FFT.forward(shifted), expected) <= 1e-14)
        var nDelta = [Complex<Double>](repeating: .zero, count: n)
        nDelta[0] = Complex(Double(n), 0)
        #expect(maxDiff(try FFT.forward(Array(repeating: Complex(1, 0), count: n)), nDelta) <= 1e-13)
    }

    @Test(arguments: sizes) func realForwardIsHalfOfComplexForward(n: Int) throws {
        var g = SeededGenerator(seed: 99)
        let x = (0..<n).map { _ in g.normal() }
        let half = try FFT.realForward(x)
        #expect(half.count == n / 2 + 1)
        let full = naiveDFT(x.map { Complex($0, 0) }, sign: -1)
        #expect(maxDiff(half, Array(full[0..<(n / 2 + 1)])) <= 1e-11 * Double(n))
        let back = try FFT.realBackward(half, count: n)
        #expect(zip(back, x).allSatisfy { Swift.abs($0 - Double(n) * $1) <= 1e-12 * Double(n * n) })
    }

    @Test func emptyAndMismatchedInputs() throws {
        #expect(try FFT.forward([]).isEmpty)
        #expect(try FFT.realForward([]).isEmpty)
        #expect(throws: LinearAlgebraError.self) { try FFT.realBackward([.zero, .zero], count: 8) }
        #expect(throws: LinearAlgebraError.self) { try FFT.realBackward([], count: -1) }
    }

    @Test func concurrentCallsShareThePlanCache() async throws {
        let x = randomComplex(60, seed: 3)
        let truth = naiveDFT(x, sign: -1)
        try await withThrowingTaskGroup(of: Double.self) { group in
            for _ in 0..<8 { group.addTask { maxDiff(try FFT.forward(x), truth) } }
            for try await d in group { #expect(d <= 1e-10) }
        }
    }

    @Test func goodSizeIsSevenSmooth() {
        #expect(FFT.goodSize(atLeast: 1) == 1)
        #expect(FFT.goodSize(atLeast: 11) == 12)
        #expect(FFT.goodSize(atLeast: 97) == 98)
        #expect(FFT.goodSize(atLeast: 1024) == 1024)
    }
}
