import LowRankKernels

/// A sum of products of named local operators, H = Σ_t c_t Π_j O_{t,j}(i_{t,j}) — the `OpSum` /
/// `AutoMPO` description of ITensor, compiled to an ``MPO`` by ``MPO/init(_:)``.
///
/// Each term is a real coefficient times a product of operators on given sites (any sites, any order,
/// repeated sites allowed: operators on one site multiply in the order written, leftmost acting last as in
/// operator notation). All sites share one ``SiteType``.
///
///     var h = OpSum(sites: 10, siteType: .spinHalf)
///     for i in 0..<9 {
///         h.add(0.5, ("S+", i), ("S-", i + 1))
///         h.add(0.5, ("S-", i), ("S+", i + 1))
///         h.add(1.0, ("Sz", i), ("Sz", i + 1))
///     }
public struct OpSum: Sendable {
    /// One term c · Π_j O_j(i_j).
    public struct Term: Sendable, Equatable, CustomStringConvertible {
        /// The coefficient c.
        public var coefficient: Double
        /// The factors (operator name, site) in the order written.
        public var factors: [Factor]

        /// A named operator on a site.
        public struct Factor: Sendable, Equatable, Hashable {
            /// The operator name, e.g. `"Sz"`.
            public var name: String
            /// The 0-based site.
            public var site: Int
        }

        public var description: String {
            "\(coefficient)" + factors.map { " \($0.name)(\($0.site))" }.joined()
        }
    }

    /// The number of sites L.
    public let sites: Int
    /// The local Hilbert space of every site.
    public let siteType: SiteType
    /// The terms added so far.
    public private(set) var terms: [Term] = []

    /// An empty sum on `sites` sites of type `siteType`.
    public init(sites: Int, siteType: SiteType) {
        self.sites = sites
        self.siteType = siteType
    }

    /// Appends c · Π O_j(i_j). Validation (site range, operator names, finite coefficient) happens when the
    /// sum is compiled, so building never fails halfway.
    public mutating func add(_ coefficient: Double, _ factors: (String, Int)...) {
        add(coefficient, factors)
    }

    /// Appends c · Π O_j(i_j) from an array of (name, site) pairs.
    public mutating func add(_ coefficient: Double, _ factors: [(String, Int)]) {
        terms.append(Term(coefficient: coefficient,
                          factors: factors.map { Term.Factor(name: $0.0, site: $0.1) }))
    }

    /// Checks every term: sites in range, known operator names, finite coefficient.
    public func validate() throws {
        guard sites >= 1 else { throw OperatorError.tooFewSites(sites: sites, minimum: 1) }
        for t in terms {
            guard t.coefficient.isFinite else { throw OperatorError.nonFiniteCoefficient(term: t.description) }
            for f in t.factors {
                guard f.site >= 0, f.site < sites else {
                    throw OperatorError.siteOutOfRange(site: f.site, sites: sites, term: t.description)
                }
                _ = try siteType.matrix(f.name, site: f.site)
            }
        }
    }
}
