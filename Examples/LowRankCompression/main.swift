// Low-rank compression and the power trick.
//
//   swift run -c release LowRankCompression
//
// 1. Builds a 1200×900 matrix with a slowly decaying spectrum, compresses it with the exact and the
//    randomized SVD, and checks the Eckart–Young identity ‖A − A_k‖_F = (Σ_{i>k} σᵢ²)^½.
// 2. Raises a 3000×3000 rank-8 matrix to the 50th power through its 8×8 core,
//    Aⁿ = U Σ (Vᴴ U Σ)ⁿ⁻¹ Vᴴ, and compares with a few dense products.
import Foundation
import LowRankKernels

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t = Date()
    try body()
    return Date().timeIntervalSince(t)
}

do {
    // --- 1. Compression ---------------------------------------------------------------
    var g = SeededGenerator(seed: 42)
    let m = 1200, n = 900, r = 60
    var u = try Matrix<Double>.randomNormal(rows: m, columns: r, using: &g).orthonormalized()
    let v = try Matrix<Double>.randomNormal(rows: n, columns: r, using: &g).orthonormalized()
    let spectrum = (0..<r).map { Double.pow(0.8, Double($0)) }
    u.scaleColumns(by: spectrum)
    let a = try Matrix.product(u, .none, v, .transpose)

    var exact: TruncatedSVD<Double>!
    let tExact = try seconds { exact = try a.truncatedSVD(.discardedWeight(1e-8)) }
    print("exact SVD: rank \(exact.report.rank) keeps relative error \(exact.report.relativeError) (\(String(format: "%.2f", tExact)) s)")
    let measured = try a.subtracting(exact.dense()).frobeniusNorm
    print("  Eckart–Young: measured ‖A − A_k‖_F = \(measured), spectral tail = \(exact.report.frobeniusError)")

    var sketch: TruncatedSVD<Double>!
    let tRand = try seconds {
        sketch = try RandomizedSVD.compute(a, options: .init(rank: exact.report.rank, seed: 1))
    }
    let randErr = try a.subtracting(sketch.dense()).frobeniusNorm
    print("randomized SVD (p = 10, q = 2): error \(randErr) vs optimal \(exact.report.frobeniusError) (\(String(format: "%.2f", tRand)) s)")

    // --- 2. The power trick -----------------------------------------------------------
    let big = 3000, rank = 8
    let left = Matrix<Double>.randomNormal(rows: big, columns: rank, using: &g).scaled(by: 1 / Double(big).squareRoot())
    let right = Matrix<Double>.randomNormal(rows: big, columns: rank, using: &g).scaled(by: 1 / Double(big).squareRoot())
    let lr = try LowRankMatrix(left: left, right: right)
    var p50: LowRankMatrix<Double>!
    let tPow = try seconds { p50 = try lr.power(50) }
    print("A^50 of a \(big)×\(big) rank-\(rank) matrix through its core: \(String(format: "%.4f", tPow)) s, ‖A^50‖_F = \(p50.frobeniusNorm)")
    let dense = try lr.dense()
    var cube = dense
    let tDense = try seconds { for _ in 0..<2 { cube = try cube * dense } }
    let p3 = try lr.power(3).dense()
    print("A^3 check: ‖A³(core) − A·A·A‖_F / ‖A³‖_F = \(try p3.subtracting(cube).frobeniusNorm / cube.frobeniusNorm); two dense products took \(String(format: "%.2f", tDense)) s")
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
