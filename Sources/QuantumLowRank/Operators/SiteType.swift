import LowRankKernels

/// A local Hilbert space with named operators, the building block of an ``OpSum``.
///
/// Matrices are real d×d in the basis |0⟩ … |d−1⟩, with element (s′, s) = ⟨s′|O|s⟩. Spin sites use the
/// S^z eigenbasis ordered from the highest weight down: for spin ½, |0⟩ = |↑⟩ (S^z = +½), |1⟩ = |↓⟩; for
/// spin 1, |0⟩ = |+1⟩, |1⟩ = |0⟩, |2⟩ = |−1⟩ (the ITensor and TeNPy orderings).
///
/// Operator names (spin S = ½ or 1, ħ = 1): `Id`, `Sz`, `S+`, `S-`, `Sx`, and for spin ½ also the Pauli
/// matrices `X` = 2Sˣ, `Z` = 2Sᶻ and the projectors `Nup`, `Ndn`. S^y and Pauli Y are imaginary and not
/// offered by the real engine: write S^x S^x + S^y S^y as ½(S⁺S⁻ + S⁻S⁺).
public struct SiteType: Sendable, Equatable, CustomStringConvertible {
    // Equality is by name (the built-in site types are unique).
    /// The site's name (`"spin-1/2"`, `"spin-1"`).
    public let name: String
    /// The local dimension d.
    public let dimension: Int
    /// Named local operators.
    let operators: [String: Matrix<Double>]
    /// The conserved quantum number of each basis state (2Sᶻ for spins, (N, 2Sᶻ) for electrons), used by
    /// symmetric DMRG.
    public let quantumNumbers: [QuantumNumber]
    /// The group ``quantumNumbers`` belong to (U(1) for spins, U(1)×U(1) for electrons, Z₂ for ``spinHalfParity``).
    public let chargeGroup: ChargeGroup
    /// Names of the fermionic (parity-odd) operators; a Jordan–Wigner string F = (−1)^n is attached to them
    /// when an ``OpSum`` is compiled. Empty for spins.
    public var fermionicOperators: Set<String> = []

    /// The operator names this site knows, sorted.
    public var operatorNames: [String] { operators.keys.sorted() }

    public var description: String { name }

    /// Whether `name` is a fermionic (parity-odd) operator.
    public func isFermionic(_ name: String) -> Bool { fermionicOperators.contains(name) }

    /// The matrix of a named operator; throws ``OperatorError/unknownOperator(name:site:siteType:)``.
    public func matrix(_ name: String, site: Int = -1) throws -> Matrix<Double> {
        guard let m = operators[name] else {
            throw OperatorError.unknownOperator(name: name, site: site, siteType: self.name)
        }
        return m
    }

    public static func == (a: SiteType, b: SiteType) -> Bool { a.name == b.name }

    /// Spin ½ (d = 2), basis |↑⟩, |↓⟩.
    public static let spinHalf: SiteType = spin(twiceS: 1, name: "spin-1/2")
    /// Spin ½ whose conserved charge is the Z₂ parity of the number of ↓ spins (|↑⟩ even, |↓⟩ odd) instead of
    /// 2Sᶻ: for Hamiltonians that conserve only Π σᶻ, such as the Ising chain in the basis of
    /// ``SpinModel/parityBasisOpSum(sites:parameters:)``. Same operators as ``spinHalf``.
    public static let spinHalfParity: SiteType = {
        let s = spinHalf
        return SiteType(name: "spin-1/2 (Z2)", dimension: 2, operators: s.operators,
                        quantumNumbers: [QuantumNumber(parity: 0), QuantumNumber(parity: 1)], chargeGroup: .z2)
    }()
    /// Spin 1 (d = 3), basis |+1⟩, |0⟩, |−1⟩.
    public static let spinOne: SiteType = spin(twiceS: 2, name: "spin-1")

    /// A spatial orbital with spin (d = 4): basis |0⟩, |↑⟩, |↓⟩, |↑↓⟩ = c†↑ c†↓|0⟩, quantum numbers (N, 2Sᶻ).
    ///
    /// Operators: `Id`, `F` = (−1)^N, `Cdagup`, `Cup`, `Cdagdn`, `Cdn` (fermionic), `Nup`, `Ndn`, `Ntot`,
    /// `Nupdn`. Jordan–Wigner order: sites left to right, ↑ before ↓ within a site, so c†↓|↑⟩ = −|↑↓⟩; the
    /// strings to other sites are inserted by ``MPO/init(_:)``.
    public static let electron: SiteType = {
        func m(_ entries: [(Int, Int, Double)]) -> Matrix<Double> {
            var x = Matrix<Double>(rows: 4, columns: 4)
            for (i, j, v) in entries { x[i, j] = v }
            return x
        }
        let cdagup = m([(1, 0, 1), (3, 2, 1)])
        let cdagdn = m([(2, 0, 1), (3, 1, -1)])
        let ops: [String: Matrix<Double>] = [
            "Id": .identity(4), "F": m([(0, 0, 1), (1, 1, -1), (2, 2, -1), (3, 3, 1)]),
            "Cdagup": cdagup, "Cup": cdagup.transposed, "Cdagdn": cdagdn, "Cdn": cdagdn.transposed,
            "Nup": m([(1, 1, 1), (3, 3, 1)]), "Ndn": m([(2, 2, 1), (3, 3, 1)]),
            "Ntot": m([(1, 1, 1), (2, 2, 1), (3, 3, 2)]), "Nupdn": m([(3, 3, 1)]),
        ]
        var site = SiteType(name: "electron", dimension: 4, operators: ops,
                            quantumNumbers: [QuantumNumber(0, 0), QuantumNumber(1, 1), QuantumNumber(1, -1), QuantumNumber(2, 0)],
                            chargeGroup: .u1xu1)
        site.fermionicOperators = ["Cdagup", "Cup", "Cdagdn", "Cdn"]
        return site
    }()

    /// The spin-S operators for S = twiceS/2: S^z|m⟩ = m|m⟩, S^±|m⟩ = √(S(S+1) − m(m±1)) |m±1⟩.
    static func spin(twiceS: Int, name: String) -> SiteType {
        let d = twiceS + 1
        let s = Double(twiceS) / 2
        var sz = Matrix<Double>(rows: d, columns: d)
        var sp = Matrix<Double>(rows: d, columns: d)
        for i in 0..<d {
            let m = s - Double(i)                      // basis index i ↔ m = S − i
            sz[i, i] = m
            if i >= 1 {                                 // S⁺ |m⟩ = c |m+1⟩, |m+1⟩ is index i−1
                sp[i - 1, i] = (s * (s + 1) - m * (m + 1)).squareRoot()
            }
        }
        let sm = sp.transposed
        var sx = Matrix<Double>(rows: d, columns: d)
        for j in 0..<d { for i in 0..<d { sx[i, j] = 0.5 * (sp[i, j] + sm[i, j]) } }
        var ops: [String: Matrix<Double>] = ["Id": .identity(d), "Sz": sz, "S+": sp, "S-": sm, "Sx": sx]
        if twiceS == 1 {
            ops["Z"] = sz.scaled(by: 2)
            ops["X"] = sx.scaled(by: 2)
            var up = Matrix<Double>(rows: 2, columns: 2); up[0, 0] = 1
            var dn = Matrix<Double>(rows: 2, columns: 2); dn[1, 1] = 1
            ops["Nup"] = up
            ops["Ndn"] = dn
        }
        let qn = (0..<d).map { QuantumNumber(twiceS - 2 * $0) }     // 2m = 2S − 2i
        return SiteType(name: name, dimension: d, operators: ops, quantumNumbers: qn, chargeGroup: .u1)
    }
}

/// Errors in operator descriptions (``OpSum``, ``MPO``) and in their use with states.
public enum OperatorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An operator name the site type does not define.
    case unknownOperator(name: String, site: Int, siteType: String)
    /// A term names a site outside 0 ..< sites.
    case siteOutOfRange(site: Int, sites: Int, term: String)
    /// A coefficient that is NaN or infinite.
    case nonFiniteCoefficient(term: String)
    /// An operator sum that must be Hermitian is not: ‖H − H†‖_F / ‖H‖_F exceeds the tolerance.
    case notHermitian(relativeDeviation: Double)
    /// The MPO and the state (or two MPOs) disagree on the physical dimensions.
    case dimensionMismatch(mpo: [Int], state: [Int])
    /// A chain with fewer sites than the model needs.
    case tooFewSites(sites: Int, minimum: Int)
    /// A term with an odd number of fermionic operators (not a valid Hamiltonian term).
    case oddFermionParity(term: String)
    /// A model name the built-in catalogue does not know.
    case unknownModel(String)
    /// A malformed MPO tensor list.
    case invalidMPO(reason: String)
    /// The MPO does not conserve the site type's quantum numbers (needed for symmetric DMRG).
    case chargeNotConserved(site: Int)

    /// A one-line human-readable message.
    public var description: String {
        switch self {
        case let .unknownOperator(name, site, type):
            let at = site >= 0 ? " at site \(site)" : ""
            return "unknown operator '\(name)'\(at) for site type \(type)"
        case let .siteOutOfRange(site, sites, term):
            return "term '\(term)' acts on site \(site), outside 0..<\(sites)"
        case let .nonFiniteCoefficient(term): return "term '\(term)' has a NaN or infinite coefficient"
        case let .notHermitian(dev):
            return "the operator sum is not Hermitian: ‖H − H†‖/‖H‖ = \(dev); a Hamiltonian must be Hermitian"
        case let .dimensionMismatch(mpo, state):
            return "physical dimensions differ: MPO \(mpo) vs state \(state)"
        case let .tooFewSites(sites, minimum): return "\(sites) sites: need at least \(minimum)"
        case let .oddFermionParity(term):
            return "term '\(term)' has an odd number of fermionic operators"
        case let .unknownModel(name):
            return "unknown model '\(name)' (known: heisenberg, xxz, tfim, spin1-heisenberg)"
        case let .invalidMPO(reason): return "invalid MPO: \(reason)"
        case let .chargeNotConserved(site):
            return "the operator does not conserve the quantum numbers (first violation at site \(site)); use --conserve none (or parity for tfim)"
        }
    }
}
