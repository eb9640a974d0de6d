import LowRankKernels

/// Errors raised by ``MPS`` for sites, dimensions, operators or tolerances a caller got wrong.
public enum MPSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A site index outside 0 ..< `sites`.
    case invalidSite(site: Int, sites: Int)
    /// A size argument (number of sites, physical dimension, local state length) that must be ≥ 1.
    case invalidDimension(argument: String, value: Int)
    /// A bond dimension χ < 1.
    case invalidBondDimension(Int)
    /// A cutoff that is negative or not finite.
    case invalidCutoff(Double)
    /// A local operator whose shape is not d × d for the physical dimension d of its site.
    case operatorShape(site: Int, physicalDimension: Int, rows: Int, columns: Int)
    /// Two states whose physical dimensions differ.
    case dimensionMismatch(lhs: [Int], rhs: [Int])
    /// The state has zero norm where a normalized quantity was asked for.
    case zeroNorm

    /// A one-line human-readable message.
    public var description: String {
        switch self {
        case let .invalidSite(site, sites): return "site \(site) is outside 0..<\(sites)"
        case let .invalidDimension(arg, value): return "'\(arg)' = \(value): must be ≥ 1"
        case let .invalidBondDimension(chi): return "bond dimension \(chi): must be ≥ 1"
        case let .invalidCutoff(c): return "cutoff \(c): must be finite and ≥ 0"
        case let .operatorShape(site, d, r, c):
            return "operator at site \(site) is \(r)×\(c), expected \(d)×\(d)"
        case let .dimensionMismatch(lhs, rhs): return "physical dimensions differ: \(lhs) vs \(rhs)"
        case .zeroNorm: return "the state has zero norm"
        }
    }
}

/// An open-boundary matrix product state (MPS)
///
///     |ψ⟩ = Σ_{s₁…s_L} A₁[s₁] A₂[s₂] ⋯ A_L[s_L] |s₁ … s_L⟩
///
/// with site tensors A_k of shape [χ_{k−1}, d_k, χ_k] (left bond, physical, right bond), χ₀ = χ_L = 1
/// (Schollwöck, "The density-matrix renormalization group in the age of matrix product states",
/// Ann. Phys. 326 (2011) 96–192, §4).
///
/// **Conventions.** Sites are 0-based, 0 ..< L. The tensors are stored as the cores of a ``TensorTrain``
/// (column-major, left bond fastest), so ``TensorTrain/dense()`` of ``train`` is the state vector with
/// s₁ fastest. Bond k (1 ≤ k ≤ L−1) sits between sites k−1 and k. A site k is *left-canonical* when
/// Σ_s A_k[s]† A_k[s] = I and *right-canonical* when Σ_s A_k[s] A_k[s]† = I (Schollwöck §4.4). The
/// ``orthogonalityCenter`` c, when set, means sites 0..<c are left-canonical and c+1..<L right-canonical
/// (mixed-canonical form), so ‖ψ‖ = ‖A_c‖_F. Inner products are conjugate-linear in the first argument.
public struct MPS<Scalar: LinearAlgebraScalar>: Sendable {
    /// The underlying tensor train; its cores are the site tensors.
    public private(set) var train: TensorTrain<Scalar>
    /// Sites 0 ..< `leftCanonicalEnd` are known to be left-canonical.
    var leftCanonicalEnd: Int
    /// Sites `rightCanonicalStart` ..< L are known to be right-canonical.
    var rightCanonicalStart: Int
    /// Number of QR factorizations performed by ``orthogonalize(center:)`` over this value's lifetime
    /// (a work counter for tests).
    var qrCount = 0

    /// Wraps a tensor train; no canonical form is assumed (``orthogonalityCenter`` is `nil`).
    public init(_ train: TensorTrain<Scalar>) {
        self.train = train
        self.leftCanonicalEnd = 0
        self.rightCanonicalStart = train.order
    }

    /// Wraps site tensors [χ_{k−1}, d_k, χ_k]; throws ``TensorError/invalidCores(reason:)`` when they do
    /// not chain (see ``TensorTrain/init(cores:)``).
    public init(tensors: [Tensor<Scalar>]) throws {
        self.init(try TensorTrain(cores: tensors))
    }

    /// The site tensors A_k, each of shape [χ_{k−1}, d_k, χ_k].
    public var tensors: [Tensor<Scalar>] { train.cores }
    /// The number of sites L.
    public var sites: Int { train.order }
    /// The physical dimensions d₁ … d_L.
    public var physicalDimensions: [Int] { train.dimensions }
    /// The bond dimensions χ₀, χ₁, …, χ_L (L + 1 entries, χ₀ = χ_L = 1).
    public var bondDimensions: [Int] { train.ranks }
    /// The largest bond dimension.
    public var maxBondDimension: Int { train.maxRank }

    /// The orthogonality centre c when the state is known to be in mixed-canonical form (sites 0..<c
    /// left-canonical, c+1..<L right-canonical), otherwise `nil`.
    public var orthogonalityCenter: Int? {
        guard rightCanonicalStart - leftCanonicalEnd == 1 else { return nil }
        return leftCanonicalEnd
    }

    // MARK: construction

    /// The product state ⊗_k |v_k⟩ with bond dimension 1: site k's tensor is the local vector v_k as a
    /// [1, d_k, 1] tensor. Not normalized (‖ψ‖ = Π_k ‖v_k‖). Throws ``MPSError/invalidDimension(argument:value:)``
    /// for no sites or an empty local vector.
    public static func product(_ states: [[Scalar]]) throws -> MPS {
        guard !states.isEmpty else { throw MPSError.invalidDimension(argument: "sites", value: 0) }
        var cores: [Tensor<Scalar>] = []
        for v in states {
            guard !v.isEmpty else { throw MPSError.invalidDimension(argument: "local state length", value: 0) }
            cores.append(Tensor(uncheckedShape: [1, v.count, 1], elements: v))
        }
        return MPS(TensorTrain(uncheckedCores: cores))
    }

    /// A random normalized MPS: independent standard normal entries (complex: E|z|² = 1) drawn from
    /// ``SeededGenerator`` with `seed`, bond dimensions χ_k = min(χ, d^k, d^{L−k}), then brought to
    /// mixed-canonical form with centre 0 and normalized (‖ψ‖ = 1, ``orthogonalityCenter`` = 0).
    ///
    /// Throws ``MPSError/invalidDimension(argument:value:)`` for `sites` < 1 or `physicalDimension` < 1 and
    /// ``MPSError/invalidBondDimension(_:)`` for `bondDimension` < 1.
    public static func random(sites: Int, physicalDimension d: Int, bondDimension chi: Int,
                              seed: UInt64) throws -> MPS {
        guard sites >= 1 else { throw MPSError.invalidDimension(argument: "sites", value: sites) }
        guard d >= 1 else { throw MPSError.invalidDimension(argument: "physicalDimension", value: d) }
        guard chi >= 1 else { throw MPSError.invalidBondDimension(chi) }
        func capped(_ k: Int) -> Int {           // min(χ, d^k) without overflow
            var p = 1
            for _ in 0..<k {
                let (q, overflow) = p.multipliedReportingOverflow(by: d)
                if overflow || q >= chi { return chi }
                p = q
            }
            return Swift.min(p, chi)
        }
        let bonds = (0...sites).map { k in Swift.min(capped(k), capped(sites - k)) }
        var g = SeededGenerator(seed: seed)
        var cores: [Tensor<Scalar>] = []
        for k in 0..<sites {
            let m = Matrix<Scalar>.randomNormal(rows: bonds[k] * d, columns: bonds[k + 1], using: &g)
            cores.append(Tensor(uncheckedShape: [bonds[k], d, bonds[k + 1]], elements: m.elements))
        }
        var psi = MPS(TensorTrain(uncheckedCores: cores))
        try psi.normalize()
        return psi
    }

    // MARK: canonical forms

    func validate(site: Int) throws {
        guard site >= 0, site < sites else { throw MPSError.invalidSite(site: site, sites: sites) }
    }

    /// Moves the orthogonality centre to `center` by QR sweeps (Schollwöck 2011, §4.4): sites left of
    /// `center` that are not yet left-canonical are factored A = QR left to right (Q kept, R pushed into
    /// the next site), sites right of it that are not yet right-canonical are factored right to left
    /// (LQ via the QR of the adjoint). Only sites outside the tracked canonical ranges are touched, so
    /// moving the centre by one costs one QR and moving it to where it already is costs nothing. Bond
    /// dimensions may shrink to min(χ_{k−1} d_k, χ_k) along the way; the state is unchanged.
    ///
    /// Throws ``MPSError/invalidSite(site:sites:)`` and, for non-finite tensors, the QR's error.
    public mutating func orthogonalize(center: Int) throws {
        try validate(site: center)
        if leftCanonicalEnd == center && rightCanonicalStart == center + 1 { return }
        var c = train.cores
        var k = leftCanonicalEnd
        while k < center {
            let g = c[k]
            let f = try g.matricized(rowAxes: 2).qr()                  // (χl d) × χr = Q R
            qrCount += 1
            let r = f.q.columns
            c[k] = Tensor(uncheckedShape: [g.shape[0], g.shape[1], r], elements: f.q.elements)
            let next = c[k + 1]
            let m = try Matrix.product(f.r, .none, next.matricized(rowAxes: 1), .none)   // r × (d χ)
            c[k + 1] = Tensor(uncheckedShape: [r, next.shape[1], next.shape[2]], elements: m.elements)
            k += 1
        }
        k = rightCanonicalStart - 1
        while k > center {
            let g = c[k]
            let f = try g.matricized(rowAxes: 1).adjoint.qr()          // (χl × dχr)ᴴ = Q R
            qrCount += 1
            let r = f.q.columns
            c[k] = Tensor(uncheckedShape: [r, g.shape[1], g.shape[2]], elements: f.q.adjoint.elements)
            let prev = c[k - 1]
            let m = try Matrix.product(prev.matricized(rowAxes: 2), .none, f.r, .adjoint)   // (χ d) × r
            c[k - 1] = Tensor(uncheckedShape: [prev.shape[0], prev.shape[1], r], elements: m.elements)
            k -= 1
        }
        train = TensorTrain(uncheckedCores: c)
        leftCanonicalEnd = center
        rightCanonicalStart = center + 1
    }

    /// The non-mutating form of ``orthogonalize(center:)``.
    public func orthogonalized(center: Int) throws -> MPS {
        var m = self
        try m.orthogonalize(center: center)
        return m
    }

    // MARK: truncation

    /// Compresses the bond dimensions by an SVD sweep from a canonical form (Schollwöck 2011, §4.5.1):
    /// the centre is first moved to the last site, then for each bond k = L−1 … 1 the site tensor is
    /// unfolded χ_{k−1} × (d_k χ_k), factored U S V†, V† kept as the (right-canonical) new tensor and U S
    /// pushed left. At each bond the kept rank is the smallest r ≤ `maxBondDimension` (r ≥ 1) whose
    /// discarded weight satisfies
    ///
    ///     Σ_{i>r} s_i² ≤ cutoff · Σ_i s_i²,
    ///
    /// i.e. `cutoff` bounds the *relative discarded weight* at that bond, Σ_i s_i² being the squared norm
    /// of the state as it stands when that bond is reached. This is ITensor's `cutoff` (relative discarded
    /// weight, the same as here). TeNPy differs: `trunc_cut` bounds the *square root* of the discarded weight
    /// of the normalized Schmidt spectrum (Σ_discarded λ² ≤ trunc_cut²) and `svd_min` drops Schmidt values
    /// below an absolute threshold; block2's `cutoff` acts on individual density-matrix eigenvalues (s²)
    /// rather than on their sum. Equal numbers therefore do not mean the same truncation across packages.
    ///
    /// The state is **not** renormalized; the sweep ends with ``orthogonalityCenter`` = 0.
    ///
    /// - Returns: one ``TruncationReport`` per bond, ordered k = 1 … L−1 (empty for L = 1).
    /// - Throws: ``MPSError/invalidBondDimension(_:)`` for `maxBondDimension` < 1,
    ///   ``MPSError/invalidCutoff(_:)`` for a negative or non-finite cutoff, and factorization failures.
    @discardableResult
    public mutating func truncate(maxBondDimension: Int, cutoff: Double = 0) throws -> [TruncationReport] {
        guard maxBondDimension >= 1 else { throw MPSError.invalidBondDimension(maxBondDimension) }
        guard cutoff >= 0, cutoff.isFinite else { throw MPSError.invalidCutoff(cutoff) }
        let (reports, _) = try svdSweep { s in try MPS.keptRank(s, maxBondDimension: maxBondDimension, cutoff: cutoff) }
        return reports
    }

    /// The number of Schmidt values kept at a bond: the smallest r whose relative discarded weight
    /// Σ_{i>r} s_i² / Σ s_i² is ≤ `cutoff`, at most `maxBondDimension` and `s.count`, at least 1. Shared by
    /// ``truncate(maxBondDimension:cutoff:)`` and the DMRG splits.
    static func keptRank(_ s: [Double], maxBondDimension: Int, cutoff: Double) throws -> Int {
        let byWeight = try TruncationCriterion.discardedWeight(cutoff).rank(for: s)
        return Swift.max(1, Swift.min(byWeight, maxBondDimension, s.count))
    }

    /// Centre to the last site, then a right-to-left SVD sweep keeping `keep(s)` singular triplets at
    /// each bond. Returns the reports and the full spectra, both ordered by bond 1 … L−1.
    mutating func svdSweep(keep: ([Double]) throws -> Int) throws -> ([TruncationReport], [[Double]]) {
        let L = sites
        try orthogonalize(center: L - 1)
        guard L > 1 else { return ([], []) }
        var c = train.cores
        var reports: [TruncationReport] = []
        var spectra: [[Double]] = []
        for k in stride(from: L - 1, to: 0, by: -1) {
            let g = c[k]
            let f = try g.matricized(rowAxes: 1).svd()                 // χl × (d χr)
            let s = f.singularValues
            let r = try keep(s)
            reports.append(TruncationReport(singularValues: s, rank: r))
            spectra.append(s)
            c[k] = try Tensor(f.vt.rows(0..<r), shape: [r, g.shape[1], g.shape[2]])
            var us = f.u.columns(0..<r)
            us.scaleColumns(by: Array(s.prefix(r)))
            let prev = c[k - 1]
            let m = try Matrix.product(prev.matricized(rowAxes: 2), .none, us, .none)       // (χ d) × r
            c[k - 1] = Tensor(uncheckedShape: [prev.shape[0], prev.shape[1], r], elements: m.elements)
        }
        train = TensorTrain(uncheckedCores: c)
        leftCanonicalEnd = 0
        rightCanonicalStart = 1
        return (reports.reversed(), spectra.reversed())
    }

    // MARK: norms, overlaps, observables

    /// The norm ‖ψ‖ = ⟨ψ|ψ⟩^½: ‖A_c‖_F at the orthogonality centre when one is set, otherwise from a copy
    /// moved to centre 0 by QR (accurate relative to ‖ψ‖). NaN when a tensor holds NaN or ±Inf.
    public var norm: Double {
        if let c = orthogonalityCenter { return train.cores[c].norm }
        guard let m = try? orthogonalized(center: 0) else { return .nan }
        return m.train.cores[0].norm
    }

    /// Scales the state to unit norm by dividing the orthogonality-centre tensor (moving the centre to
    /// site 0 first if none is set), which keeps the canonical form. Throws ``MPSError/zeroNorm`` for the
    /// zero state.
    public mutating func normalize() throws {
        if orthogonalityCenter == nil { try orthogonalize(center: 0) }
        let c = orthogonalityCenter ?? 0
        let n = train.cores[c].norm
        guard n > 0, n.isFinite else { throw MPSError.zeroNorm }
        var cores = train.cores
        cores[c] = cores[c].scaled(by: Scalar(real: 1 / n))
        train = TensorTrain(uncheckedCores: cores)
    }

    /// The overlap ⟨ψ|φ⟩ = Σ_s conj(ψ_s) φ_s (ψ = `self` is conjugated), by a left-to-right chain of
    /// transfer matrices E_k = Σ_s A_k[s]† E_{k−1} B_k[s] (two GEMMs per site, O(L d χ³), no dense vector).
    /// Throws ``MPSError/dimensionMismatch(lhs:rhs:)`` when the physical dimensions differ.
    public func overlap(_ other: MPS) throws -> Scalar {
        guard physicalDimensions == other.physicalDimensions else {
            throw MPSError.dimensionMismatch(lhs: physicalDimensions, rhs: other.physicalDimensions)
        }
        return try train.inner(other.train)
    }

    /// The state with the one-site operator `op` (d_k × d_k, row index = output) applied at `site`.
    func applying(_ op: Matrix<Scalar>, site: Int) throws -> MPS {
        try validate(site: site)
        let g = train.cores[site]
        let (l, d, r) = (g.shape[0], g.shape[1], g.shape[2])
        guard op.rows == d, op.columns == d else {
            throw MPSError.operatorShape(site: site, physicalDimension: d, rows: op.rows, columns: op.columns)
        }
        var e = [Scalar](repeating: .zero, count: g.count)
        let a = g.elements, o = op.elements
        for j in 0..<r { for t in 0..<d { for s in 0..<d {
            let w = o[s + d * t]
            if w == .zero { continue }
            for i in 0..<l { e[i + l * (s + d * j)] += w * a[i + l * (t + d * j)] }
        } } }
        var cores = train.cores
        cores[site] = Tensor(uncheckedShape: g.shape, elements: e)
        return MPS(TensorTrain(uncheckedCores: cores))
    }

    /// The normalized one-site expectation value ⟨ψ|O_site|ψ⟩ / ⟨ψ|ψ⟩, with `op` a d × d matrix acting
    /// on the physical index of `site` (⟨s|O|t⟩ = op[s, t]). Evaluated with transfer matrices.
    /// Throws ``MPSError/invalidSite(site:sites:)``, ``MPSError/operatorShape(site:physicalDimension:rows:columns:)``
    /// and ``MPSError/zeroNorm``.
    public func expectation(_ op: Matrix<Scalar>, site: Int) throws -> Scalar {
        let phi = try applying(op, site: site)
        return try normalized(try overlap(phi))
    }

    /// The normalized two-point function ⟨ψ|A_i B_j|ψ⟩ / ⟨ψ|ψ⟩ for `sites` = (i, j). For i = j this is
    /// ⟨A B⟩ at that site (B acts first). Throws as ``expectation(_:site:)``.
    public func correlation(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>, sites: (Int, Int)) throws -> Scalar {
        let phi = try applying(b, site: sites.1).applying(a, site: sites.0)
        return try normalized(try overlap(phi))
    }

    func normalized(_ value: Scalar) throws -> Scalar {
        let nn = try overlap(self).realPart
        guard nn > 0, nn.isFinite else { throw MPSError.zeroNorm }
        return value / Scalar(real: nn)
    }

    /// The von Neumann entanglement entropy at each bond k = 1 … L−1 (empty for L = 1),
    ///
    ///     S_k = −Σ_i p_i ln p_i,   p_i = s_i² / Σ_j s_j²,
    ///
    /// with s_i the Schmidt (singular) values across bond k and the natural logarithm (so a Bell pair
    /// gives ln 2). Computed on a copy by an exact (untruncated) SVD sweep from the canonical form.
    /// Throws ``MPSError/zeroNorm`` for the zero state.
    public func entanglementEntropies() throws -> [Double] {
        var m = self
        let (_, spectra) = try m.svdSweep { $0.count }
        return try spectra.map { s in
            let total = s.reduce(0) { $0 + $1 * $1 }
            guard total > 0 else { throw MPSError.zeroNorm }
            var h = 0.0
            for x in s {
                let p = x * x / total
                if p > 0 { h -= p * Double.log(p) }
            }
            return h
        }
    }
}
