import LowRankKernels

/// The main "axes of confusion" of a classifier: the leading latent factors of the off-diagonal part of its
/// confusion matrix.
///
/// From counts C (rows: true class, columns: predicted class), the confusion rates R_ij = C_ij / Σ_j C_ij for i ≠ j
/// (0 on the diagonal, so class sizes and accuracy do not dominate) are symmetrized, S = (R + Rᵀ)/2: mistaking 1 for
/// 8 and 8 for 1 are the same tie. The eigenvectors of S with the largest positive eigenvalues are the axes; a pair of
/// classes confused with each other gives an eigenvector with equal-sign loadings on both (for a single pair with rate
/// a, the eigenpair a/2, (e_i + e_j)/√2). Each axis names the classes whose |loading| is at least half the largest.
public enum ConfusionAxes {
    /// One axis of confusion.
    public struct Axis: Sendable, Equatable {
        /// The eigenvalue of S: the mean confusion rate the axis carries.
        public var strength: Double
        /// The loading of every class (unit vector, sign fixed so the largest loading is positive).
        public var loadings: [Double]
        /// The classes the axis ties together, by decreasing |loading|.
        public var classes: [Int]
    }

    /// The `count` leading axes (those with positive strength) of a square confusion-count matrix.
    /// - Throws: ``LinearAlgebraError/invalidArgument(argument:reason:)`` naming `counts` when it is not square, has
    ///   a negative or non-finite entry, or a class with no samples; `count` when below 1.
    public static func axes(of counts: Matrix<Double>, count: Int = 3) throws -> [Axis] {
        let n = counts.rows
        func bad(_ argument: String, _ reason: String) -> LinearAlgebraError { .invalidArgument(argument: argument, reason: reason) }
        guard counts.isSquare, n >= 2 else { throw bad("counts", "needs a square matrix of at least 2 classes, got \(counts.rows)×\(counts.columns)") }
        guard count >= 1 else { throw bad("count", "must be ≥ 1, got \(count)") }
        if let index = counts.elements.firstIndex(where: { !($0 >= 0) || !$0.isFinite }) {
            throw bad("counts", "entry (\(index % n), \(index / n)) is \(counts.elements[index]); counts must be finite and ≥ 0")
        }
        var s = Matrix<Double>(rows: n, columns: n)
        for i in 0..<n {
            let total = (0..<n).reduce(0) { $0 + counts[i, $1] }
            guard total > 0 else { throw bad("counts", "class \(i) has no samples (row \(i) is zero)") }
            for j in 0..<n where j != i {
                s[i, j] += 0.5 * counts[i, j] / total
                s[j, i] += 0.5 * counts[i, j] / total
            }
        }
        let e = try s.symmetricEigen(vectors: true)
        var axes: [Axis] = []
        for column in stride(from: n - 1, through: 0, by: -1) where axes.count < count && e.eigenvalues[column] > 0 {
            var v = (0..<n).map { e.eigenvectors[$0, column] }
            if let peak = v.max(by: { Swift.abs($0) < Swift.abs($1) }), peak < 0 { v = v.map { -$0 } }
            let largest = v.map(Swift.abs).max() ?? 0
            let named = (0..<n).filter { Swift.abs(v[$0]) >= 0.5 * largest }.sorted { Swift.abs(v[$0]) > Swift.abs(v[$1]) }
            axes.append(Axis(strength: e.eigenvalues[column], loadings: v, classes: named))
        }
        return axes
    }
}
