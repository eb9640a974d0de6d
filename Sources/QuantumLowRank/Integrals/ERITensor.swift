import LowRankKernels

/// Real two-electron repulsion integrals (pq|rs) over `n` spatial orbitals in chemist notation, stored once per
/// 8-fold symmetry class: (pq|rs) = (qp|rs) = (pq|sr) = (qp|sr) = (rs|pq) = (sr|pq) = (rs|qp) = (sr|qp).
///
/// Index convention (0-based; relied upon by the factorization code): the pair index of (p, q) is
/// `pairIndex(p, q) = P(P+1)/2 + Q` with P = max(p, q), Q = min(p, q); there are `pairCount = n(n+1)/2` pairs, and
/// ``packed`` holds the lower triangle of the `pairCount × pairCount` supermatrix M[(pq),(rs)] = (pq|rs) with the same
/// formula applied to pair indices, so its length is `pairCount(pairCount+1)/2`. This is the `ao2mo` "s8" layout of
/// PySCF (Sun et al., WIREs Comput. Mol. Sci. 8, e1340 (2018)) and Molpro's FCIDUMP canonical order.
public struct ERITensor: Equatable, Sendable {
    /// Number of spatial orbitals n.
    public let orbitals: Int
    /// Number of orbital pairs n(n+1)/2 (the dimension of the supermatrix).
    public let pairCount: Int
    /// The unique integrals, lower triangle of the pair-space supermatrix in row-major triangular order.
    public internal(set) var packed: [Double]

    /// A zero tensor over `orbitals` orbitals.
    public init(orbitals: Int) {
        // unreachable from input: the FCIDUMP parser range-checks every index against NORB and sizes storage from it
        precondition(orbitals >= 0, "negative orbital count")
        self.orbitals = orbitals
        pairCount = orbitals * (orbitals + 1) / 2
        packed = [Double](repeating: 0, count: pairCount * (pairCount + 1) / 2)
    }

    /// Wraps already-packed storage (length `pairCount(pairCount+1)/2`).
    init(orbitals: Int, packed: [Double]) {
        self.orbitals = orbitals
        pairCount = orbitals * (orbitals + 1) / 2
        // unreachable from input: the FCIDUMP parser range-checks every index against NORB and sizes storage from it
        precondition(packed.count == pairCount * (pairCount + 1) / 2)
        self.packed = packed
    }

    /// The tensor whose supermatrix is `supermatrix` (`pairCount × pairCount`, e.g. L Lᵀ rebuilt from Cholesky or
    /// double-factorization vectors); the lower triangle is taken, after checking symmetry to 1e-10 relative.
    /// - Throws: ``LinearAlgebraError`` when the shape is not `pairCount × pairCount` or the matrix is not symmetric.
    public init(orbitals: Int, supermatrix: Matrix<Double>) throws {
        let np = orbitals * (orbitals + 1) / 2
        guard orbitals >= 0, supermatrix.rows == np, supermatrix.columns == np else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "ERITensor(supermatrix:)", lhs: supermatrix.shapeDescription, rhs: "\(np)×\(np)")
        }
        self.init(orbitals: orbitals)
        var scale = 0.0
        var asym = 0.0
        packed.withUnsafeMutableBufferPointer { out in
            for i in 0..<np {
                let base = i * (i + 1) / 2
                for j in 0...i {
                    let a = supermatrix[i, j], b = supermatrix[j, i]
                    scale = max(scale, abs(a))
                    asym = max(asym, abs(a - b))
                    out[base + j] = a
                }
            }
        }
        guard asym <= 1e-10 * max(scale, 1e-300) || asym == 0 else {
            throw LinearAlgebraError.invalidArgument(
                argument: "supermatrix", reason: "not symmetric (max |M - Mᵀ| = \(asym))")
        }
    }

    /// The pair index P(P+1)/2 + Q with P = max(p, q), Q = min(p, q) (0-based).
    @inlinable @inline(__always)
    public static func pairIndex(_ p: Int, _ q: Int) -> Int {
        let (hi, lo) = p >= q ? (p, q) : (q, p)
        return hi * (hi + 1) / 2 + lo
    }

    /// Offset of (pq|rs) in ``packed``: `pairIndex(pairIndex(p,q), pairIndex(r,s))`.
    @inlinable @inline(__always)
    public static func packedIndex(_ p: Int, _ q: Int, _ r: Int, _ s: Int) -> Int {
        pairIndex(pairIndex(p, q), pairIndex(r, s))
    }

    /// The integral (pq|rs), 0-based; setting it sets all eight symmetry-equivalent elements.
    public subscript(p: Int, q: Int, r: Int, s: Int) -> Double {
        get {
            // unreachable from input: the FCIDUMP parser range-checks every index against NORB and sizes storage from it
            precondition(p >= 0 && q >= 0 && r >= 0 && s >= 0 && p < orbitals && q < orbitals && r < orbitals && s < orbitals,
                         "orbital index out of range")
            return packed[ERITensor.packedIndex(p, q, r, s)]
        }
        set {
            // unreachable from input: the FCIDUMP parser range-checks every index against NORB and sizes storage from it
            precondition(p >= 0 && q >= 0 && r >= 0 && s >= 0 && p < orbitals && q < orbitals && r < orbitals && s < orbitals,
                         "orbital index out of range")
            packed[ERITensor.packedIndex(p, q, r, s)] = newValue
        }
    }

    /// The `pairCount × pairCount` supermatrix M[(pq),(rs)] = (pq|rs) (no 1/2, no spin factor), symmetric.
    public func supermatrix() throws -> Matrix<Double> {
        let np = pairCount
        var elements = [Double](repeating: 0, count: np * np)
        packed.withUnsafeBufferPointer { src in
            elements.withUnsafeMutableBufferPointer { dst in
                for i in 0..<np {
                    let base = i * (i + 1) / 2
                    for j in 0...i {
                        let v = src[base + j]
                        dst[i + j * np] = v
                        dst[j + i * np] = v
                    }
                }
            }
        }
        return try Matrix(rows: np, columns: np, elements: elements)
    }

    /// max |(pq|rs) − (pq|rs)'| over all unique integrals (`.infinity` if the orbital counts differ).
    public func maxAbsDifference(_ other: ERITensor) -> Double {
        guard other.orbitals == orbitals else { return .infinity }
        return packed.withUnsafeBufferPointer { a in
            other.packed.withUnsafeBufferPointer { b in
                var m = 0.0
                for k in 0..<a.count { m = max(m, abs(a[k] - b[k])) }
                return m
            }
        }
    }
}
