import LowRankKernels

/// The built-in spin-chain Hamiltonians (open boundaries), in the conventions of
/// `references.json` and of TeNPy's `SpinChain` / `TFIChain`.
public enum SpinModel: String, Sendable, CaseIterable {
    /// Spin-½ Heisenberg / XXZ chain H = J Σ (SˣSˣ + SʸSʸ + Δ SᶻSᶻ) − h Σ Sᶻ, S = σ/2.
    case heisenberg
    /// The same Hamiltonian, named for Δ ≠ 1.
    case xxz
    /// Transverse-field Ising chain H = −J Σ ZZ − g Σ X with Pauli matrices.
    case tfim
    /// Spin-1 Heisenberg chain H = J Σ (SˣSˣ + SʸSʸ + Δ SᶻSᶻ) − h Σ Sᶻ.
    case spin1Heisenberg = "spin1-heisenberg"

    /// The model's parameters; `field` is h for the Heisenberg family and g for the Ising chain.
    public struct Parameters: Sendable, Equatable {
        /// Coupling J (default 1).
        public var coupling: Double
        /// Anisotropy Δ of the Heisenberg family (default 1; ignored by TFIM).
        public var anisotropy: Double
        /// Longitudinal field h (Heisenberg family, default 0) or transverse field g (TFIM, default 1).
        public var field: Double?

        /// Parameters with J = 1, Δ = 1 and the model's default field.
        public init(coupling: Double = 1, anisotropy: Double = 1, field: Double? = nil) {
            self.coupling = coupling
            self.anisotropy = anisotropy
            self.field = field
        }
    }

    /// The local site type (spin ½ or spin 1).
    public var siteType: SiteType { self == .spin1Heisenberg ? .spinOne : .spinHalf }

    /// The field the model uses when none is given: g = 1 for TFIM, h = 0 otherwise.
    public var defaultField: Double { self == .tfim ? 1 : 0 }

    /// The Hamiltonian as an ``OpSum`` on `sites` sites; throws ``OperatorError/tooFewSites(sites:minimum:)``
    /// for L < 2 and ``OperatorError/nonFiniteCoefficient(term:)`` for NaN/Inf parameters.
    public func opSum(sites: Int, parameters p: Parameters = Parameters()) throws -> OpSum {
        guard sites >= 2 else { throw OperatorError.tooFewSites(sites: sites, minimum: 2) }
        let field = p.field ?? defaultField
        var h = OpSum(sites: sites, siteType: siteType)
        switch self {
        case .tfim:
            for i in 0..<(sites - 1) { h.add(-p.coupling, ("Z", i), ("Z", i + 1)) }
            for i in 0..<sites { h.add(-field, ("X", i)) }
        case .heisenberg, .xxz, .spin1Heisenberg:
            for i in 0..<(sites - 1) {
                h.add(0.5 * p.coupling, ("S+", i), ("S-", i + 1))
                h.add(0.5 * p.coupling, ("S-", i), ("S+", i + 1))
                h.add(p.coupling * p.anisotropy, ("Sz", i), ("Sz", i + 1))
            }
            if field != 0 { for i in 0..<sites { h.add(-field, ("Sz", i)) } }
        }
        try h.validate()
        return h
    }

    /// The transverse-field Ising chain in the basis where its Z₂ symmetry P = Π σˣ is diagonal: a Hadamard on
    /// every site maps H = −J Σ ZZ − g Σ X to H′ = −J Σ XX − g Σ Z, with the same spectrum, on
    /// ``SiteType/spinHalfParity`` sites whose charge is the parity of the number of ↓ spins. For g > 0 the
    /// ground state lies in the even sector (all ↑); flipping every spin maps g to −g and the parity by (−1)^L, so
    /// for g < 0 it lies in the sector of all ↓ (``parityGroundSectorConfiguration(sites:parameters:)``). Throws
    /// ``DMRGError/invalidOption(argument:reason:)`` for the other models (they conserve 2Sᶻ: use
    /// ``opSum(sites:parameters:)``).
    public func parityBasisOpSum(sites: Int, parameters p: Parameters = Parameters()) throws -> OpSum {
        guard self == .tfim else {
            throw DMRGError.invalidOption(argument: "conserve",
                                          reason: "Z2 parity is offered for tfim; \(rawValue) conserves total Sz")
        }
        guard sites >= 2 else { throw OperatorError.tooFewSites(sites: sites, minimum: 2) }
        let field = p.field ?? defaultField
        var h = OpSum(sites: sites, siteType: .spinHalfParity)
        for i in 0..<(sites - 1) { h.add(-p.coupling, ("X", i), ("X", i + 1)) }
        for i in 0..<sites { h.add(-field, ("Z", i)) }
        try h.validate()
        return h
    }

    /// A product start in the ground-state sector of ``parityBasisOpSum(sites:parameters:)``: all ↑ (index 0) for
    /// g ≥ 0, all ↓ (index 1) for g < 0.
    public func parityGroundSectorConfiguration(sites: Int, parameters p: Parameters = Parameters()) -> [Int] {
        Array(repeating: (p.field ?? defaultField) < 0 ? 1 : 0, count: sites)
    }

    /// The compiled MPO (bond dimension 5 for the Heisenberg family, 3 for TFIM).
    public func mpo(sites: Int, parameters: Parameters = Parameters()) throws -> MPO {
        try MPO(opSum(sites: sites, parameters: parameters))
    }
}
