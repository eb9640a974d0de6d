import LowRankKernels

/// Counts the floating-point operations of the GEMMs a DMRG update issues, so that every engine reports
/// ``DMRG/SweepRecord/gemmFlops`` by one convention: 2 m n k per product of an m × k and a k × n block
/// (Golub & Van Loan, *Matrix Computations*, 4th ed., §1.1.15). An engine owns one tally and reads the
/// difference across an update. Single-threaded use only (an engine's update is sequential).
final class FlopTally {
    /// Operations counted so far.
    private(set) var flops: Double = 0

    /// Adds the cost of a GEMM-shaped product done outside ``gemm(_:_:m:n:k:a:lda:b:ldb:beta:c:ldc:)``
    /// (a `Matrix.product` or an analytically counted kernel).
    func add(_ operations: Double) { flops += operations }

    /// Adds 2 m n k for an m × k times k × n product.
    func addProduct(m: Int, n: Int, k: Int) { flops += 2 * Double(m) * Double(n) * Double(k) }

    /// c ← op(a) op(b) + β c on raw blocks (``BufferBLAS/gemm(_:_:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``),
    /// counted.
    @inline(__always)
    func gemm(_ ta: Transpose, _ tb: Transpose, m: Int, n: Int, k: Int, a: UnsafePointer<Double>, lda: Int,
              b: UnsafePointer<Double>, ldb: Int, beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int) {
        flops += 2 * Double(m) * Double(n) * Double(k)
        BufferBLAS.gemm(ta, tb, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}
