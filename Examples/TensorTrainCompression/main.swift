// Tensor-train compression of functions sampled on a grid.
//
//   swift run -c release TensorTrainCompression
//
// A function of d variables sampled at n points per axis is a d-way array of n^d numbers. When the
// function is smooth, or a sum/product of few one-variable pieces, its TT-SVD (Oseledets 2011) stores
// Σ r_{k−1} n r_k numbers instead. Shown: the TT ranks, storage against dense and the measured relative
// error ‖A − TT‖_F/‖A‖_F against the target ε, for
//   • 1/(1 + x₁ + … + x_d): no exact low rank, but ranks grow only like log(1/ε);
//   • sin(x₁ + … + x_d): exactly TT rank 2 (sin(a + b) = sin a cos b + cos a sin b).
import Foundation
import LowRankKernels
import QuantumLowRank

/// f sampled on the uniform grid x = i/(n−1) ∈ [0, 1] of every axis, as a column-major tensor.
func sampled(d: Int, n: Int, _ f: (Double) -> Double) throws -> Tensor<Double> {
    let count = Int(pow(Double(n), Double(d)))
    var values = [Double](repeating: 0, count: count)
    var index = [Int](repeating: 0, count: d)
    let h = 1 / Double(n - 1)
    for o in 0..<count {
        values[o] = f(Double(index.reduce(0, +)) * h)        // f depends on x₁ + … + x_d only
        var a = 0
        while a < d {                                          // first index fastest (column-major)
            index[a] += 1
            if index[a] < n { break }
            index[a] = 0
            a += 1
        }
    }
    return try Tensor(shape: [Int](repeating: n, count: d), elements: values)
}

/// ‖x − y‖₂ / ‖x‖₂ over two equally long arrays (one pass, plain Double arithmetic).
func relativeDifference(_ x: [Double], _ y: [Double]) -> Double {
    var diff = 0.0, norm = 0.0
    for i in x.indices {
        let d = x[i] - y[i]
        diff += d * d
        norm += x[i] * x[i]
    }
    return (diff / norm).squareRoot()
}

func report(_ name: String, _ a: Tensor<Double>, tolerances: [Double]) throws {
    print("\(name): shape \(a.shape.map(String.init).joined(separator: "×")) = \(a.count) numbers")
    print("       ε   TT ranks                     storage    ratio    measured error")
    for eps in tolerances {
        let t0 = Date()
        let tt = try TensorTrain.decompose(a, relativeError: eps)
        let error = relativeDifference(a.elements, try tt.dense().elements)
        let ranks = tt.ranks.map(String.init).joined(separator: " ")
        print(String(format: "  %6.0e   %@ %9d   %7.1e   %.2e  %@ (%.2f s)",
                     eps, ranks.padding(toLength: 26, withPad: " ", startingAt: 0), tt.storage, tt.compressionRatio,
                     error, error <= eps ? "≤ ε" : "> ε !", Date().timeIntervalSince(t0)))
    }
}

do {
    let start = Date()
    try report("1/(1 + x₁ + … + x₆)", try sampled(d: 6, n: 10) { 1 / (1 + $0) },
               tolerances: [1e-2, 1e-4, 1e-6, 1e-8, 1e-10])
    try report("sin(x₁ + … + x₆)", try sampled(d: 6, n: 10) { sin($0) }, tolerances: [1e-10])
    print(String(format: "total %.2f s", Date().timeIntervalSince(start)))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
