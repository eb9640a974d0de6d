import LowRankKernels

/// An open-boundary matrix product operator (MPO)
///
///     H = Σ_{s,s′} W₁[s₁′,s₁] W₂[s₂′,s₂] ⋯ W_L[s_L′,s_L] |s₁′…s_L′⟩⟨s₁…s_L|
///
/// (Schollwöck, Ann. Phys. 326 (2011) 96, §5; McCulloch, J. Stat. Mech. (2007) P10014).
///
/// **Layout.** Site k's tensor has shape [w_{k−1}, w_k, d, d] and holds W[a, b, s′, s] = the (a, b) block's
/// matrix element ⟨s′|·|s⟩, column-major with the left MPO bond a fastest; w₀ = w_L = 1. Real (Double)
/// operators, as all built-in models and ab initio Hamiltonians with real orbitals are.
public struct MPO: Sendable {
    /// The site tensors W_k, shape [w_{k−1}, w_k, d_k, d_k].
    public private(set) var tensors: [Tensor<Double>]
    /// The conserved quantum number of each local basis state per site, when known (set by ``init(_:)``
    /// from the ``OpSum``'s ``SiteType``); symmetric DMRG needs it.
    public var siteQuantumNumbers: [[QuantumNumber]]?
    /// The group of ``siteQuantumNumbers`` (the ``SiteType``'s ``SiteType/chargeGroup`` for an MPO built from an
    /// ``OpSum``); nil when not stated. Symmetric DMRG picks its default start from it.
    public var chargeGroup: ChargeGroup?

    /// Wraps site tensors, checking that they are rank 4 with square physical legs, chain on their MPO
    /// bonds and have boundary bonds 1; throws ``OperatorError/invalidMPO(reason:)``.
    public init(tensors: [Tensor<Double>]) throws {
        guard !tensors.isEmpty else { throw OperatorError.invalidMPO(reason: "no sites") }
        for (k, w) in tensors.enumerated() {
            guard w.rank == 4, w.shape[2] == w.shape[3], w.shape[2] >= 1 else {
                throw OperatorError.invalidMPO(reason: "site \(k) has shape \(w.shape), expected [wl, wr, d, d]")
            }
            if k > 0, tensors[k - 1].shape[1] != w.shape[0] {
                throw OperatorError.invalidMPO(reason: "bond \(k): \(tensors[k - 1].shape[1]) vs \(w.shape[0])")
            }
            guard w.elements.allSatisfy({ $0.isFinite }) else {
                throw OperatorError.invalidMPO(reason: "site \(k) holds NaN or Inf")
            }
        }
        guard tensors.first!.shape[0] == 1, tensors.last!.shape[1] == 1 else {
            throw OperatorError.invalidMPO(reason: "boundary bond dimensions must be 1")
        }
        self.tensors = tensors
    }

    init(unchecked tensors: [Tensor<Double>]) { self.tensors = tensors }

    /// The number of sites L.
    public var sites: Int { tensors.count }
    /// The physical dimensions d₁ … d_L.
    public var physicalDimensions: [Int] { tensors.map { $0.shape[2] } }
    /// The MPO bond dimensions w₀, …, w_L (w₀ = w_L = 1).
    public var bondDimensions: [Int] { [1] + tensors.map { $0.shape[1] } }
    /// The largest MPO bond dimension.
    public var maxBondDimension: Int { bondDimensions.max() ?? 1 }

    /// The charge Δ carried by every MPO channel: W[a, b, s′, s] ≠ 0 ⇒ q(s′) − q(s) = Δ(b) − Δ(a), with Δ = 0
    /// on the left boundary. Returned per bond 0 … L. Throws ``OperatorError/chargeNotConserved(site:)`` when
    /// no consistent assignment exists or the operator changes the total charge.
    func channelCharges(_ q: [[QuantumNumber]]) throws -> [[QuantumNumber]] {
        var out: [[QuantumNumber]] = [[.zero]]
        for (k, w) in tensors.enumerated() {
            let wl = w.shape[0], wr = w.shape[1], d = w.shape[2]
            var next = [QuantumNumber?](repeating: nil, count: wr)
            for s in 0..<d { for sp in 0..<d { for b in 0..<wr { for a in 0..<wl
            where w.elements[a + wl * (b + wr * (sp + d * s))] != 0 {
                let nb = out[k][a] + q[k][sp] - q[k][s]
                if let e = next[b], e != nb { throw OperatorError.chargeNotConserved(site: k) }
                next[b] = nb
            } } } }
            out.append(next.map { $0 ?? .zero })
        }
        guard out[sites][0] == .zero else { throw OperatorError.chargeNotConserved(site: sites - 1) }
        return out
    }

    /// The transpose Hᵀ (= H† for real operators): each local block transposed, W[a,b,s′,s] → W[a,b,s,s′].
    public var adjoint: MPO {
        var m = MPO(unchecked: tensors.map { w in (try? w.permuted([0, 1, 3, 2])) ?? w })
        m.siteQuantumNumbers = siteQuantumNumbers
        m.chargeGroup = chargeGroup
        return m
    }

    /// The Frobenius inner product ⟨A, B⟩ = Tr(Aᵀ B) = Σ A_{ij} B_{ij} through the transfer matrices
    /// E ← Σ_{s,s′} W_A[a,b,s′,s] E[a,a′] W_B[a′,b′,s′,s]; each site's tensors are scaled by 1/d so the
    /// identity contributes 1 and long chains do not overflow. Returns the scaled value and the scale
    /// exponent: ⟨A,B⟩ = value · Π d_k.
    ///
    /// A site is contracted from the nonzero entries when that is cheaper (Σ_{s′s} nnz(W_A[·,·,s′,s]) ·
    /// nnz(W_B[·,·,s′,s]) multiply–adds against the dense products' 2 d² w_A w_B (w_A + w_B)): the MPOs built
    /// from an `OpSum` (automaton MPOs, e.g. ab initio Hamiltonians with w = O(N²)) have O(w) nonzeros per site,
    /// so their check costs O(w² d²) instead of O(w³ d²); compressed MPOs stay dense.
    func scaledInner(_ other: MPO) throws -> Double {
        guard physicalDimensions == other.physicalDimensions else {
            throw OperatorError.dimensionMismatch(mpo: physicalDimensions, state: other.physicalDimensions)
        }
        var e = try Tensor<Double>(shape: [1, 1], elements: [1])
        for k in 0..<sites {
            let d = Double(physicalDimensions[k])
            if let sparse = Self.sparseTransfer(e, tensors[k], other.tensors[k]) {
                e = sparse.scaled(by: 1 / d)
                continue
            }
            // E[a,a′] W_A[a,b,s′,s] → [a′, b, s′, s]
            let t = try e.contracted(with: tensors[k], axes: ([0], [0]))
            // Σ_{a′,s′,s} t[a′,b,s′,s] W_B[a′,b′,s′,s] → [b, b′]
            e = try t.contracted(with: other.tensors[k], axes: ([0, 2, 3], [0, 2, 3])).scaled(by: 1 / d)
        }
        return e.elements[0]
    }

    /// One transfer step E′[b, b′] = Σ_{s′,s} Σ_{a,a′} W_A[a,b,s′,s] E[a,a′] W_B[a′,b′,s′,s] over the nonzero
    /// entries of W_A and W_B paired by physical index; nil when the dense contraction costs less.
    static func sparseTransfer(_ e: Tensor<Double>, _ wa: Tensor<Double>, _ wb: Tensor<Double>) -> Tensor<Double>? {
        let (leftA, rightA, d) = (wa.shape[0], wa.shape[1], wa.shape[2])
        let (leftB, rightB) = (wb.shape[0], wb.shape[1])
        let pairs = d * d
        /// The nonzeros of each physical pair (s′ + d s) as (row, column, value), in ``SparseMPOTensor``'s order.
        func nonzeros(_ w: Tensor<Double>) -> [[(row: Int, column: Int, value: Double)]] {
            var lists = [[(row: Int, column: Int, value: Double)]](repeating: [], count: pairs)
            for e in SparseMPOTensor(w).entries { lists[e.sp + d * e.s].append((e.a, e.b, e.value)) }
            return lists
        }
        let listsA = nonzeros(wa), listsB = nonzeros(wb)
        var sparseCost = 0.0
        for pair in 0..<pairs { sparseCost += 2 * Double(listsA[pair].count) * Double(listsB[pair].count) }
        let denseCost = 2 * Double(pairs) * Double(leftB) * Double(rightA) * Double(leftA + rightB)
        guard sparseCost < denseCost else { return nil }
        var out = [Double](repeating: 0, count: rightA * rightB)
        e.elements.withUnsafeBufferPointer { transfer in
            out.withUnsafeMutableBufferPointer { result in
                for pair in 0..<pairs {
                    for x in listsA[pair] {
                        for y in listsB[pair] {
                            result[x.column + rightA * y.column] += x.value * transfer[x.row + leftA * y.row] * y.value
                        }
                    }
                }
            }
        }
        return Tensor(uncheckedShape: [rightA, rightB], elements: out)
    }

    /// ‖H − Hᵀ‖_F / ‖H‖_F, from Frobenius inner products (resolution about 1.5e-8: the difference of two
    /// nearly equal inner products under a square root).
    public func hermiticityDeviation() throws -> Double {
        let hh = try scaledInner(self)
        guard hh > 0 else { return 0 }
        let cross = try scaledInner(adjoint)
        return (Swift.max(0, 2 * (hh - cross)) / hh).squareRoot()
    }

    /// Throws ``OperatorError/notHermitian(relativeDeviation:)`` when ``hermiticityDeviation()`` exceeds
    /// `tolerance` (default 1e-6: the check's own rounding noise is about √ε ≈ 1.5e-8 of ‖H‖, while a missing
    /// or mis-weighted Hermitian-conjugate term deviates by O(1/√terms) ≫ 1e-6).
    public func requireHermitian(tolerance: Double = 1e-6) throws {
        let dev = try hermiticityDeviation()
        guard dev <= tolerance else { throw OperatorError.notHermitian(relativeDeviation: dev) }
    }

    /// The MPO as a tensor train with cores [w_{k−1}, d·d, w_k] (physical pair (s′, s), s′ fastest).
    var train: TensorTrain<Double> {
        let cores = tensors.map { w -> Tensor<Double> in
            let p = (try? w.permuted([0, 2, 3, 1])) ?? w
            return (try? p.reshaped([w.shape[0], w.shape[2] * w.shape[3], w.shape[1]])) ?? p
        }
        return TensorTrain(uncheckedCores: cores)
    }

    init(train: TensorTrain<Double>, physicalDimensions: [Int]) throws {
        var ws: [Tensor<Double>] = []
        for (k, c) in train.cores.enumerated() {
            let d = physicalDimensions[k]
            ws.append(try c.reshaped([c.shape[0], d, d, c.shape[2]]).permuted([0, 3, 1, 2]))
        }
        self.init(unchecked: ws)
    }

    /// The MPO compressed by SVD: TT rounding (Oseledets 2011) of the operator as a vector with
    /// relative Frobenius error ≤ `relativeError`, on tensors scaled by 1/√d per site so identity strings
    /// keep unit weight. For sums of few-body terms this recovers the minimal bond dimension
    /// (e.g. 5 for Heisenberg from a redundant description).
    ///
    /// When the MPO carries ``siteQuantumNumbers`` and conserves them, the rounding runs block by block per
    /// channel charge (``ChargePreservingRounding``), so every new channel has a definite charge and the
    /// result still works with `conserveQuantumNumbers`.
    public func compressed(relativeError: Double = 1e-13) throws -> MPO {
        guard relativeError >= 0, relativeError.isFinite else {
            throw TensorError.invalidTolerance(argument: "relativeError", value: relativeError)
        }
        if let q = siteQuantumNumbers, sites > 1, (try? channelCharges(q)) != nil {
            var r = try ChargePreservingRounding(self, siteCharges: q)
            try r.orthogonalizeRightToLeft()
            let delta = try TensorTrain<Double>.bondThreshold(relativeError: relativeError, order: sites, norm: r.leadingNorm)
            try r.truncateLeftToRight(threshold: delta)
            var m = r.mpo(siteQuantumNumbers: q)
            m.chargeGroup = chargeGroup
            return m
        }
        let dims = physicalDimensions
        let t = train
        var scaled = t.cores
        for k in scaled.indices { scaled[k] = scaled[k].scaled(by: 1 / Double(dims[k]).squareRoot()) }
        var r = try TensorTrain(cores: scaled).rounded(relativeError: relativeError)
        var cores = r.cores
        for k in cores.indices { cores[k] = cores[k].scaled(by: Double(dims[k]).squareRoot()) }
        r = TensorTrain(uncheckedCores: cores)
        var m = try MPO(train: r, physicalDimensions: dims)
        m.siteQuantumNumbers = siteQuantumNumbers
        m.chargeGroup = chargeGroup
        return m
    }

    /// The dense d^L × d^L matrix (first site's index fastest, as ``MPS`` state vectors), for small chains.
    /// Throws ``TensorError/invalidShape(shape:reason:)`` when it would exceed 2²⁶ elements.
    public func dense() throws -> Matrix<Double> {
        let n = physicalDimensions.reduce(1, *)
        guard n <= 1 << 13 else {
            throw TensorError.invalidShape(shape: [n, n], reason: "dense MPO limited to 2^26 elements")
        }
        let v = try train.dense()                                    // axes (s₁′ s₁)(s₂′ s₂)…
        let L = sites
        let split = try v.reshaped(physicalDimensions.flatMap { [$0, $0] })
        let perm = (0..<L).map { 2 * $0 } + (0..<L).map { 2 * $0 + 1 }
        let p = try split.permuted(perm)
        return try Matrix(rows: n, columns: n, elements: p.elements)
    }

    /// H|ψ⟩ as an MPS with bond dimensions χ_k·w_k, then truncated by ``MPS/truncate(maxBondDimension:cutoff:)``
    /// (cutoff = relative discarded weight). Throws on mismatched physical dimensions.
    public func applied(to psi: MPS<Double>, maxBondDimension: Int = Int.max, cutoff: Double = 0) throws
        -> (state: MPS<Double>, truncation: [TruncationReport]) {
        guard psi.physicalDimensions == physicalDimensions else {
            throw OperatorError.dimensionMismatch(mpo: physicalDimensions, state: psi.physicalDimensions)
        }
        var cores: [Tensor<Double>] = []
        for k in 0..<sites {
            let a = psi.tensors[k], w = tensors[k]
            // A[l,s,r] · W[a,b,s′,s] over s → [l, r, a, b, s′] → [l, a, s′, r, b]
            let c = try a.contracted(with: w, axes: ([1], [3])).permuted([0, 2, 4, 1, 3])
            cores.append(try c.reshaped([a.shape[0] * w.shape[0], w.shape[2], a.shape[2] * w.shape[1]]))
        }
        var out = try MPS(tensors: cores)
        let reports = try out.truncate(maxBondDimension: maxBondDimension, cutoff: cutoff)
        return (out, reports)
    }

    /// ⟨ψ|H|ψ⟩ / ⟨ψ|ψ⟩ by one sweep of left environments. Throws on mismatched dimensions or zero norm.
    public func expectation(_ psi: MPS<Double>) throws -> Double {
        guard psi.physicalDimensions == physicalDimensions else {
            throw OperatorError.dimensionMismatch(mpo: physicalDimensions, state: psi.physicalDimensions)
        }
        var env = Environment.leftBoundary
        for k in 0..<sites { env = Environment.extendLeft(env, site: psi.tensors[k], mpo: tensors[k]) }
        let nrm2 = psi.norm * psi.norm
        guard nrm2 > 0 else { throw MPSError.zeroNorm }
        return env.elements[0] / nrm2
    }
}
