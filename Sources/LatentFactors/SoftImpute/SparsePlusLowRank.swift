import LowRankKernels

/// The Soft-Impute iterate X = S + U diag(d) Vᵀ as a ``MatrixOperator``: S is sparse on the observed set Ω of a
/// ``Ratings`` (values in its CSR entry order), U is users × k and V is items × k, stored transposed (k × users,
/// k × items, like ``FactorModel``).
///
/// With S = P_Ω(M) − P_Ω(U diag(d) Vᵀ) this is P_Ω(M) + P_Ω⊥(U diag(d) Vᵀ), the "sparse plus low-rank" matrix of
/// Mazumder, Hastie & Tibshirani, JMLR 11 (2010), §5 and Hastie, Mazumder, Lee & Zadeh, JMLR 16 (2015), §3: a product
/// with a thin n × q block costs O(|Ω| q + (m + n) k q) and no m × n matrix is ever formed (except by ``dense()``).
public struct SparsePlusLowRank: MatrixOperator, Sendable {
    /// The scalar type (Double).
    public typealias Scalar = Double
    /// The pattern Ω (its values are not used).
    public let pattern: Ratings
    /// The values of S on Ω, in CSR entry order of ``pattern``.
    public let sparseValues: [Double]
    /// Uᵀ, k × users (column-major).
    public let userFactors: Matrix<Double>
    /// The weights d (k values).
    public let weights: [Double]
    /// Vᵀ, k × items (column-major).
    public let itemFactors: Matrix<Double>

    /// The operator S + U diag(d) Vᵀ.
    /// - Throws: ``LowRankKernels/LinearAlgebraError/dimensionMismatch(operation:lhs:rhs:)`` when the sizes disagree.
    public init(pattern: Ratings, sparseValues: [Double], userFactors: Matrix<Double>, weights: [Double],
                itemFactors: Matrix<Double>) throws {
        let op = "SparsePlusLowRank"
        guard sparseValues.count == pattern.count else {
            throw LinearAlgebraError.dimensionMismatch(operation: op, lhs: "\(pattern.count) entries",
                                                       rhs: "\(sparseValues.count) values")
        }
        guard userFactors.columns == pattern.userCount, itemFactors.columns == pattern.itemCount,
              userFactors.rows == itemFactors.rows, weights.count == userFactors.rows else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: op, lhs: "\(pattern.userCount)×\(pattern.itemCount), k = \(weights.count)",
                rhs: "Uᵀ \(userFactors.shapeDescription), Vᵀ \(itemFactors.shapeDescription)")
        }
        self.pattern = pattern
        self.sparseValues = sparseValues
        self.userFactors = userFactors
        self.weights = weights
        self.itemFactors = itemFactors
    }

    /// Number of users m.
    public var rows: Int { pattern.userCount }
    /// Number of items n.
    public var columns: Int { pattern.itemCount }
    var k: Int { weights.count }

    /// X x = S x + U diag(d) (Vᵀ x) for an n × q block x.
    public func applied(to x: Matrix<Double>) throws -> Matrix<Double> {
        try product(x, adjoint: false)
    }

    /// Xᵀ y = Sᵀ y + V diag(d) (Uᵀ y) for an m × q block y.
    public func adjointApplied(to y: Matrix<Double>) throws -> Matrix<Double> {
        try product(y, adjoint: true)
    }

    private func product(_ x: Matrix<Double>, adjoint: Bool) throws -> Matrix<Double> {
        let m = rows, n = columns, q = x.columns
        let (inRows, outRows) = adjoint ? (m, n) : (n, m)
        guard x.rows == inRows else {
            throw LinearAlgebraError.dimensionMismatch(operation: adjoint ? "Xᵀ·Y" : "X·Y",
                                                       lhs: "\(m)×\(n)", rhs: x.shapeDescription)
        }
        // Low-rank part: (U or V) (d ⊙ ((V or U)ᵀ x)).
        let (near, far) = adjoint ? (itemFactors.elements, userFactors.elements) : (userFactors.elements, itemFactors.elements)
        var t = SparseSupport.gemm(false, p: k, n: q, k: inRows, a: far, b: x.elements)  // k × q
        for c in 0..<q { for f in 0..<k { t[f + c * k] *= weights[f] } }
        var out = SparseSupport.gemm(true, p: outRows, n: q, k: k, a: near, b: t)      // outRows × q
        // Sparse part.
        let r = pattern
        out.withUnsafeMutableBufferPointer { po in
            x.elements.withUnsafeBufferPointer { px in
                sparseValues.withUnsafeBufferPointer { ps in
                    r.rowItems.withUnsafeBufferPointer { items in
                        for c in 0..<q {
                            let oc = c * outRows, ic = c * inRows
                            for u in 0..<m {
                                for e in r.rowOffsets[u]..<r.rowOffsets[u + 1] {
                                    let i = Int(items[e])
                                    if adjoint { po[i + oc] += ps[e] * px[u + ic] } else { po[u + oc] += ps[e] * px[i + ic] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return try Matrix(rows: outRows, columns: q, elements: out)
    }

    /// The dense m × n matrix (for small problems and checks; costs m·n memory).
    public func dense() throws -> Matrix<Double> {
        let m = rows, n = columns
        var d = SparseSupport.gemm(true, p: m, n: n, k: k,
                                   a: userFactors.elements, b: scaledItems())
        for u in 0..<m {
            for e in pattern.rowOffsets[u]..<pattern.rowOffsets[u + 1] {
                d[u + Int(pattern.rowItems[e]) * m] += sparseValues[e]
            }
        }
        return try Matrix(rows: m, columns: n, elements: d)
    }

    private func scaledItems() -> [Double] {
        var v = itemFactors.elements
        for i in 0..<columns { for f in 0..<k { v[f + i * k] *= weights[f] } }
        return v
    }
}
