import LowRankKernels

/// A tensor train (TT, equivalently an open-boundary matrix product state) representing a d-way tensor
///
///     A[i₁, …, i_d] = G₁[:, i₁, :] · G₂[:, i₂, :] ⋯ G_d[:, i_d, :]
///
/// with cores G_k of shape [r_{k−1}, n_k, r_k] and boundary ranks r₀ = r_d = 1 (Oseledets,
/// "Tensor-Train Decomposition", SIAM J. Sci. Comput. 33 (2011) 2295–2317).
///
/// **Conventions.** Indices are 0-based in code; cores are ``Tensor``s, column-major (first index fastest),
/// so `core.matricized(rowAxes: 1)` is the r_{k−1} × (n_k r_k) unfolding and `core.matricized(rowAxes: 2)`
/// the (r_{k−1} n_k) × r_k unfolding, both without copying. ``dense()`` returns the full tensor in the same
/// column-major layout (i₁ fastest). Inner products are conjugate-linear in the first argument.
public struct TensorTrain<Scalar: LinearAlgebraScalar>: Sendable, Equatable {
    /// The cores G₁ … G_d, each of shape [r_{k−1}, n_k, r_k].
    public private(set) var cores: [Tensor<Scalar>]

    /// Wraps cores after validating them: at least one core, every core rank 3, r₀ = r_d = 1 and the third
    /// extent of each core equal to the first extent of the next. Throws ``TensorError/invalidCores(reason:)``.
    public init(cores: [Tensor<Scalar>]) throws {
        guard !cores.isEmpty else { throw TensorError.invalidCores(reason: "a tensor train needs at least one core") }
        for (k, c) in cores.enumerated() where c.rank != 3 {
            throw TensorError.invalidCores(reason: "core \(k) has shape \(c.shape), expected [r, n, r']")
        }
        guard cores.first!.shape[0] == 1, cores.last!.shape[2] == 1 else {
            throw TensorError.invalidCores(reason: "boundary ranks must be 1 (got \(cores.first!.shape[0]) and \(cores.last!.shape[2]))")
        }
        for k in 1..<cores.count where cores[k - 1].shape[2] != cores[k].shape[0] {
            throw TensorError.invalidCores(
                reason: "bond \(k): core \(k - 1) has right rank \(cores[k - 1].shape[2]) but core \(k) has left rank \(cores[k].shape[0])")
        }
        self.cores = cores
    }

    init(uncheckedCores cores: [Tensor<Scalar>]) { self.cores = cores }

    /// The order d (number of cores).
    public var order: Int { cores.count }
    /// The mode sizes n₁ … n_d.
    public var dimensions: [Int] { cores.map { $0.shape[1] } }
    /// The TT ranks r₀, r₁, …, r_d (d + 1 entries, r₀ = r_d = 1).
    public var ranks: [Int] { [1] + cores.map { $0.shape[2] } }
    /// The largest TT rank max_k r_k.
    public var maxRank: Int { ranks.max() ?? 1 }
    /// The number of stored scalars Σ_k r_{k−1} n_k r_k.
    public var storage: Int { cores.reduce(0) { $0 + $1.count } }
    /// The number of scalars of the full tensor Π_k n_k (saturates at `Int.max` on overflow).
    public var fullSize: Int {
        var p = 1
        for n in dimensions {
            let (q, o) = p.multipliedReportingOverflow(by: n)
            if o { return Int.max }
            p = q
        }
        return p
    }
    /// `storage / fullSize`, the compression ratio (< 1 means the TT is smaller).
    public var compressionRatio: Double { Double(storage) / Double(fullSize) }

    /// The per-bond truncation threshold δ = ε/√(d−1)·‖A‖_F of Oseledets (2011), Alg. 1 and 2.
    static func bondThreshold(relativeError eps: Double, order d: Int, norm: Double) throws -> Double {
        guard eps >= 0, eps.isFinite else { throw TensorError.invalidTolerance(argument: "relativeError", value: eps) }
        return d > 1 ? eps / Double(d - 1).squareRoot() * norm : 0
    }

    /// The smallest rank k ≥ 1 whose discarded tail (Σ_{i>k} σᵢ²)^½ is ≤ δ.
    static func rank(for s: [Double], threshold delta: Double) -> Int {
        let d2 = delta * delta
        var tail = 0.0
        var k = s.count
        while k > 1 {
            let next = tail + s[k - 1] * s[k - 1]
            if next > d2 { break }
            tail = next
            k -= 1
        }
        return Swift.max(1, Swift.min(k, s.count))
    }

    /// The TT-SVD of a dense tensor (Oseledets 2011, Alg. 1): sweeping left to right, each unfolding
    /// (r_{k−1} n_k) × (n_{k+1} ⋯ n_d) is factored by SVD and truncated to the smallest rank whose
    /// discarded Frobenius tail is at most δ = ε/√(d−1)·‖A‖_F. The result satisfies
    /// ‖A − TT‖_F ≤ ε‖A‖_F and its ranks are at most the exact TT ranks of A.
    ///
    /// - Parameters:
    ///   - a: a tensor of rank d ≥ 1 with no zero extent.
    ///   - eps: the relative Frobenius error target ε ≥ 0 (ε = 0 keeps every nonzero singular value
    ///     direction, i.e. the exact TT ranks up to rounding).
    /// - Throws: ``TensorError/invalidTolerance(argument:value:)`` for ε < 0 or non-finite,
    ///   ``TensorError/invalidShape(shape:reason:)`` for rank 0 or an empty extent, and LAPACK failures.
    public static func decompose(_ a: Tensor<Scalar>, relativeError eps: Double) throws -> TensorTrain {
        try decomposeWithReports(a, relativeError: eps).train
    }

    /// ``decompose(_:relativeError:)`` also returning one ``TruncationReport`` per bond k = 1 … d−1, for the
    /// SVD of the k-th unfolding (kept rank r_k, discarded weight and Frobenius error at that bond). The
    /// total error satisfies ‖A − TT‖²_F ≤ Σ_k (frobeniusError_k)² ≤ ε²‖A‖²_F.
    public static func decomposeWithReports(_ a: Tensor<Scalar>, relativeError eps: Double) throws
        -> (train: TensorTrain, reports: [TruncationReport]) {
        let d = a.rank
        guard d >= 1 else { throw TensorError.invalidShape(shape: a.shape, reason: "a tensor train needs rank ≥ 1") }
        guard a.shape.allSatisfy({ $0 > 0 }) else {
            throw TensorError.invalidShape(shape: a.shape, reason: "zero extent")
        }
        let delta = try bondThreshold(relativeError: eps, order: d, norm: a.norm)
        var cores: [Tensor<Scalar>] = []
        var reports: [TruncationReport] = []
        cores.reserveCapacity(d)
        var r = 1
        var rest = a.count
        var c = try a.matricized(rowAxes: 1)   // placeholder shape; reshaped below
        for k in 0..<(d - 1) {
            let n = a.shape[k]
            rest /= n
            c = try Matrix(rows: r * n, columns: rest, elements: c.elements)
            let f = try c.svd()
            let rk = rank(for: f.singularValues, threshold: delta)
            reports.append(TruncationReport(singularValues: f.singularValues, rank: rk))
            cores.append(try Tensor(f.u.columns(0..<rk), shape: [r, n, rk]))
            var sv = f.vt.rows(0..<rk)
            sv.scaleRows(by: Array(f.singularValues.prefix(rk)))
            c = sv
            r = rk
        }
        cores.append(try Tensor(c, shape: [r, a.shape[d - 1], 1]))
        return (TensorTrain(uncheckedCores: cores), reports)
    }

    /// The full tensor Π n_k (column-major, i₁ fastest), by contracting cores left to right: one GEMM
    /// per core. Only for small cases: throws ``TensorError/invalidShape(shape:reason:)`` when Π n_k
    /// overflows.
    public func dense() throws -> Tensor<Scalar> {
        _ = try Tensor<Scalar>.elementCount(dimensions)
        var left = try cores[0].matricized(rowAxes: 2)      // n₁ × r₁  (r₀ = 1)
        var rows = cores[0].shape[1]
        for k in 1..<Swift.max(1, order) {
            let g = cores[k]
            let prod = try Matrix.product(left, .none, g.matricized(rowAxes: 1), .none)   // (Π n) × (n_k r_k)
            rows *= g.shape[1]
            left = try Matrix(rows: rows, columns: g.shape[2], elements: prod.elements)
        }
        return try Tensor(left, shape: dimensions)
    }

    /// The inner product ⟨A, B⟩ = Σ conj(a_i) b_i, by left-to-right transfer matrices
    /// E_k = Σ_{i_k} G^A_k[:, i_k, :]ᴴ E_{k−1} G^B_k[:, i_k, :] (two GEMMs per core, O(d n r³)).
    /// Throws when the mode sizes differ.
    public func inner(_ other: TensorTrain) throws -> Scalar {
        guard dimensions == other.dimensions else {
            throw TensorError.shapeMismatch(operation: "tensor-train inner product",
                                            lhs: "\(dimensions)", rhs: "\(other.dimensions)")
        }
        var e = Matrix<Scalar>(rows: 1, columns: 1, repeating: .one)
        for k in 0..<order {
            let a = cores[k], b = other.cores[k]
            let t = try Matrix.product(e, .none, b.matricized(rowAxes: 1), .none)          // rA × (n rB')
            let t2 = try Matrix(rows: a.shape[0] * a.shape[1], columns: b.shape[2], elements: t.elements)
            e = try Matrix.product(a.matricized(rowAxes: 2), .adjoint, t2, .none)         // rA' × rB'
        }
        return e[0, 0]
    }

    /// The Frobenius norm ‖A‖_F = ⟨A, A⟩^½.
    ///
    /// Computed by orthogonalizing right to left (QR) and taking the norm of the first core, which is
    /// accurate to machine precision relative to ‖A‖ (unlike the square root of the transfer-matrix sum).
    /// NaN when a core holds NaN or ±Inf.
    public var norm: Double {
        guard let (orth, _) = try? rightOrthogonalized() else { return .nan }
        return orth.cores[0].norm
    }

    /// `alpha · self` (the first core is scaled; ranks are unchanged).
    public func scaled(by alpha: Scalar) -> TensorTrain {
        var c = cores
        c[0] = c[0].scaled(by: alpha)
        return TensorTrain(uncheckedCores: c)
    }

    /// The sum A + B with block-diagonal cores (Oseledets 2011, §4.1): the first core is the row
    /// [G^A₁ G^B₁], the last the column [G^A_d; G^B_d], the middle ones diag(G^A_k, G^B_k), so the
    /// ranks add (r^A_k + r^B_k). Follow with ``rounded(relativeError:)`` to recompress.
    /// Throws when the mode sizes differ.
    public func adding(_ other: TensorTrain) throws -> TensorTrain {
        guard dimensions == other.dimensions else {
            throw TensorError.shapeMismatch(operation: "tensor-train sum", lhs: "\(dimensions)", rhs: "\(other.dimensions)")
        }
        let d = order
        if d == 1 {
            return TensorTrain(uncheckedCores: [try cores[0].adding(other.cores[0])])
        }
        var out: [Tensor<Scalar>] = []
        out.reserveCapacity(d)
        for k in 0..<d {
            let a = cores[k], b = other.cores[k]
            let n = a.shape[1]
            let (ra0, ra1, rb0, rb1) = (a.shape[0], a.shape[2], b.shape[0], b.shape[2])
            let r0 = k == 0 ? 1 : ra0 + rb0
            let r1 = k == d - 1 ? 1 : ra1 + rb1
            let boA = 0, boB = k == 0 ? 0 : ra0          // row offsets in the left bond
            let coA = 0, coB = k == d - 1 ? 0 : ra1      // column offsets in the right bond
            var e = [Scalar](repeating: .zero, count: r0 * n * r1)
            a.elements.withUnsafeBufferPointer { pa in
                for j in 0..<ra1 { for i in 0..<n { for l in 0..<ra0 {
                    e[(l + boA) + r0 * (i + n * (j + coA))] += pa[l + ra0 * (i + n * j)]
                } } }
            }
            b.elements.withUnsafeBufferPointer { pb in
                for j in 0..<rb1 { for i in 0..<n { for l in 0..<rb0 {
                    e[(l + boB) + r0 * (i + n * (j + coB))] += pb[l + rb0 * (i + n * j)]
                } } }
            }
            out.append(Tensor(uncheckedShape: [r0, n, r1], elements: e))
        }
        return TensorTrain(uncheckedCores: out)
    }

    /// Right-to-left QR orthogonalization: returns an equal TT whose cores 2…d are right-orthogonal
    /// (G_k unfolded r_{k−1} × (n_k r_k) has orthonormal rows), so ‖A‖_F = ‖G₁‖_F, and the norm.
    func rightOrthogonalized() throws -> (TensorTrain, Double) {
        var c = cores
        for k in stride(from: order - 1, to: 0, by: -1) {
            let g = c[k]
            let unfolding = try g.matricized(rowAxes: 1)              // r_{k−1} × (n_k r_k)
            let f = try unfolding.adjoint.qr()                    // (n r) × r' Q,  r' × r_{k−1} R
            let rNew = f.q.columns
            c[k] = try Tensor(f.q.adjoint, shape: [rNew, g.shape[1], g.shape[2]])
            let prev = c[k - 1]
            let m = try Matrix.product(prev.matricized(rowAxes: 2), .none, f.r, .adjoint)   // (r n) × r'
            c[k - 1] = try Tensor(m, shape: [prev.shape[0], prev.shape[1], rNew])
        }
        let t = TensorTrain(uncheckedCores: c)
        return (t, c[0].norm)
    }

    /// TT rounding (Oseledets 2011, Alg. 2): right-to-left QR orthogonalization, then a left-to-right
    /// sweep of truncated SVDs with per-bond threshold δ = ε/√(d−1)·‖A‖_F. The result B satisfies
    /// ‖A − B‖_F ≤ ε‖A‖_F with ranks no larger than those of A.
    ///
    /// Throws ``TensorError/invalidTolerance(argument:value:)`` for ε < 0 or non-finite.
    public func rounded(relativeError eps: Double) throws -> TensorTrain {
        try roundedWithReports(relativeError: eps).train
    }

    /// ``rounded(relativeError:)`` also returning one ``TruncationReport`` per bond k = 1 … d−1 (empty for
    /// d = 1): the SVD truncation of the k-th left unfolding in the left-to-right sweep.
    public func roundedWithReports(relativeError eps: Double) throws
        -> (train: TensorTrain, reports: [TruncationReport]) {
        guard eps >= 0, eps.isFinite else { throw TensorError.invalidTolerance(argument: "relativeError", value: eps) }
        let d = order
        if d == 1 { return (self, []) }
        let (orth, nrm) = try rightOrthogonalized()
        let delta = try TensorTrain.bondThreshold(relativeError: eps, order: d, norm: nrm)
        var c = orth.cores
        var reports: [TruncationReport] = []
        for k in 0..<(d - 1) {
            let g = c[k]
            let f = try g.matricized(rowAxes: 2).svd()               // (r n) × r_k
            let rk = TensorTrain.rank(for: f.singularValues, threshold: delta)
            reports.append(TruncationReport(singularValues: f.singularValues, rank: rk))
            c[k] = try Tensor(f.u.columns(0..<rk), shape: [g.shape[0], g.shape[1], rk])
            var sv = f.vt.rows(0..<rk)
            sv.scaleRows(by: Array(f.singularValues.prefix(rk)))
            let next = c[k + 1]
            let m = try Matrix.product(sv, .none, next.matricized(rowAxes: 1), .none)   // rk × (n r)
            c[k + 1] = try Tensor(m, shape: [rk, next.shape[1], next.shape[2]])
        }
        return (TensorTrain(uncheckedCores: c), reports)
    }
}
