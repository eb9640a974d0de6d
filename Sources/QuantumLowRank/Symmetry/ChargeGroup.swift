/// The abelian group the charges of a site set belong to: which components of ``QuantumNumber`` are in use, stated
/// by the ``SiteType`` rather than inferred from the values (ITensor's QN names per site type; TeNPy's `ChargeInfo`).
///
/// A group is U(1)ⁿ × Z₂ᵐ with n ≤ 2 (``QuantumNumber/first`` and ``QuantumNumber/second``) and m ≤ 1
/// (``QuantumNumber/parity``): U(1) for 2Sᶻ of spins, U(1) × U(1) for (N, 2Sᶻ) of electrons, Z₂ for the parity of the
/// Ising chain, and their products.
public struct ChargeGroup: Sendable, Hashable, CustomStringConvertible {
    /// The number of U(1) factors, 0…2.
    public let u1Factors: Int
    /// Whether a Z₂ factor is present.
    public let z2: Bool

    /// U(1)ⁿ × (Z₂ when `z2`); `u1Factors` is clamped to 0…2.
    public init(u1Factors: Int, z2: Bool) {
        self.u1Factors = Swift.min(Swift.max(u1Factors, 0), 2)
        self.z2 = z2
    }

    /// No conserved charge.
    public static let trivial = ChargeGroup(u1Factors: 0, z2: false)
    /// One U(1) charge (2Sᶻ of spin sites).
    public static let u1 = ChargeGroup(u1Factors: 1, z2: false)
    /// Two U(1) charges ((N, 2Sᶻ) of electron sites).
    public static let u1xu1 = ChargeGroup(u1Factors: 2, z2: false)
    /// The Z₂ parity alone.
    public static let z2 = ChargeGroup(u1Factors: 0, z2: true)

    /// The product group.
    public static func * (a: ChargeGroup, b: ChargeGroup) -> ChargeGroup {
        ChargeGroup(u1Factors: a.u1Factors + b.u1Factors, z2: a.z2 || b.z2)
    }

    /// `U(1)`, `U(1)×U(1)`, `Z2`, `U(1)×Z2`, … (`trivial` for no charge).
    public var description: String {
        let parts = Array(repeating: "U(1)", count: u1Factors) + (z2 ? ["Z2"] : [])
        return parts.isEmpty ? "trivial" : parts.joined(separator: "×")
    }
}
