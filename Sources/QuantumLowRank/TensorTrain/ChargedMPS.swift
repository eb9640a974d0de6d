import LowRankKernels

/// A matrix product state whose bonds carry a sector basis: a charge for every basis state of every bond, so the
/// state keeps its quantum numbers between runs (ITensor's QN-conserving MPS; TeNPy's `LegCharge` on virtual legs).
///
/// Conventions (left-charge, as the symmetric DMRG engines): bond k sits left of site k, its basis states have charges
/// `bondCharges[k]`, sorted non-decreasing so each charge is one contiguous sector; bond 0 is the single state of
/// charge 0 and bond L the single state of the total charge. A site tensor A[l, s, r] ([χ_k, d_k, χ_{k+1}],
/// column-major, as ``MPS``) may be nonzero only where `bondCharges[k][l] + siteCharges[k][s] ==
/// bondCharges[k + 1][r]`. The dense case is the trivial symmetry: every charge ``QuantumNumber/zero``, one sector
/// per bond.
///
/// ``DMRG/groundState(of:from:options:observer:shouldStop:)`` starts from such a state and
/// ``DMRG/Result/chargedState`` returns one in the gauge a sweep ends in: site 0 holds the orthogonality centre and
/// sites 1 … L−1 are right-orthonormal (Σ_{s,r} B[l, s, r] B[l′, s, r] = δ_{l l′}). ``serialized()`` and
/// ``init(serialized:path:)`` store it in one file.
public struct ChargedMPS: Sendable {
    /// The site tensors, bond indices ordered by charge.
    public let state: MPS<Double>
    /// The charge of each local basis state, per site (the MPO's ``MPO/siteQuantumNumbers``).
    public let siteCharges: [[QuantumNumber]]
    /// The charge of each basis state of bonds 0 … L, non-decreasing along each bond.
    public let bondCharges: [[QuantumNumber]]

    /// The number of sites L.
    public var sites: Int { state.sites }
    /// The total charge: the charge of bond L's single state.
    public var totalCharge: QuantumNumber { bondCharges.last?.first ?? .zero }
    /// Whether every charge is zero (a dense state seen as the trivial symmetry).
    public var isTrivial: Bool {
        siteCharges.allSatisfy { $0.allSatisfy { $0 == .zero } } && bondCharges.allSatisfy { $0.allSatisfy { $0 == .zero } }
    }

    /// A charged state from its parts, checked: one charge list per site and per bond with the tensors' dimensions,
    /// bonds sorted by charge, boundary bonds of dimension 1 with bond 0 of charge zero, and no entry above
    /// 10⁻¹² × the tensor's largest in a block its charges forbid. Throws ``ChargedMPSError/inconsistent(reason:)``
    /// naming the first site or bond that does not fit.
    public init(state: MPS<Double>, siteCharges: [[QuantumNumber]], bondCharges: [[QuantumNumber]]) throws(ChargedMPSError) {
        let sites = state.sites
        guard siteCharges.count == sites, bondCharges.count == sites + 1 else {
            throw .inconsistent(reason: "\(sites) sites need \(sites) site charge lists and \(sites + 1) bond charge lists, got "
                                + "\(siteCharges.count) and \(bondCharges.count)")
        }
        guard bondCharges[0] == [.zero] else { throw .inconsistent(reason: "bond 0 must be one state of charge 0") }
        guard bondCharges[sites].count == 1 else { throw .inconsistent(reason: "bond \(sites) must have dimension 1") }
        for (k, charges) in bondCharges.enumerated() where zip(charges, charges.dropFirst()).contains(where: { $0.0 > $0.1 }) {
            throw .inconsistent(reason: "bond \(k): charges are not sorted")
        }
        for k in 0..<sites {
            let a = state.tensors[k], expected = [bondCharges[k].count, siteCharges[k].count, bondCharges[k + 1].count]
            guard a.shape == expected else {
                throw .inconsistent(reason: "site \(k): tensor shape \(a.shape), charges give \(expected)")
            }
            let (cl, d) = (expected[0], expected[1])
            let largest = a.elements.reduce(0) { Swift.max($0, Swift.abs($1)) }
            for (index, value) in a.elements.enumerated() where Swift.abs(value) > 1e-12 * largest {
                let l = index % cl, s = (index / cl) % d, r = index / (cl * d)
                guard bondCharges[k][l] + siteCharges[k][s] == bondCharges[k + 1][r] else {
                    throw .inconsistent(reason: "site \(k): entry [\(l), \(s), \(r)] = \(value) breaks the charge rule "
                                        + "(\(bondCharges[k][l]) + \(siteCharges[k][s]) ≠ \(bondCharges[k + 1][r]))")
                }
            }
        }
        self.state = state
        self.siteCharges = siteCharges
        self.bondCharges = bondCharges
    }

    /// A state the engines built (charges consistent by construction): no check.
    init(unchecked state: MPS<Double>, siteCharges: [[QuantumNumber]], bondCharges: [[QuantumNumber]]) {
        self.state = state
        self.siteCharges = siteCharges
        self.bondCharges = bondCharges
    }

    /// The trivial-symmetry view of a dense state: every charge zero.
    public init(trivial state: MPS<Double>) {
        self.state = state
        siteCharges = state.physicalDimensions.map { [QuantumNumber](repeating: .zero, count: $0) }
        bondCharges = state.bondDimensions.map { [QuantumNumber](repeating: .zero, count: $0) }
    }

    /// The largest deviation from right-orthonormality, max |Σ_{s,r} B[l, s, r] B[l′, s, r] − δ_{l l′}|, over sites
    /// 1 … L−1 (the gauge DMRG leaves and resumes from).
    public var rightOrthonormalityDefect: Double {
        var worst = 0.0
        for k in state.tensors.indices.dropFirst() {
            let t = state.tensors[k], rows = t.shape[0]
            guard let b = try? Matrix(rows: rows, columns: t.shape[1] * t.shape[2], elements: t.elements),
                  let gram = try? Matrix.product(b, .none, b, .transpose) else { return .infinity }
            for j in 0..<rows { for i in 0..<rows { worst = Swift.max(worst, Swift.abs(gram[i, j] - (i == j ? 1 : 0))) } }
        }
        return worst
    }
}

/// Why a ``ChargedMPS`` or its file cannot be used.
public enum ChargedMPSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Tensors and charges that do not fit together; the reason names the site or bond.
    case inconsistent(reason: String)
    /// A state file that cannot be read: the path, and the header field or byte offset at fault.
    case badFile(path: String, reason: String)

    /// The message the CLI prints.
    public var description: String {
        switch self {
        case .inconsistent(let reason): "charged MPS: \(reason)"
        case .badFile(let path, let reason): "\(path): \(reason)"
        }
    }
}
