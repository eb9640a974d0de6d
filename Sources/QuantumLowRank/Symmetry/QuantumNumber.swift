/// An abelian quantum number: two U(1) charges added component-wise and one Z₂ charge added modulo 2.
///
/// Spin chains use (2Sᶻ, 0); electrons use (N, 2Sᶻ) (the product U(1) × U(1) of particle number and spin
/// projection); the transverse-field Ising chain uses the Z₂ parity of the number of flipped spins
/// (``SiteType/spinHalfParity``). Ordered lexicographically so bond bases can be sorted into contiguous sectors.
public struct QuantumNumber: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The first U(1) charge.
    public var first: Int
    /// The second U(1) charge (0 when only one is used).
    public var second: Int
    /// The Z₂ charge, 0 (even) or 1 (odd); set through ``init(parity:)`` so it stays reduced modulo 2.
    public private(set) var parity: Int

    /// The charge (first, second) with even parity.
    public init(_ first: Int, _ second: Int = 0) {
        self.first = first
        self.second = second
        self.parity = 0
    }

    /// A pure Z₂ charge: `parity` modulo 2 (0 even, 1 odd).
    public init(parity: Int) {
        self.first = 0
        self.second = 0
        self.parity = ((parity % 2) + 2) % 2
    }

    /// The neutral charge (0, 0, even).
    public static let zero = QuantumNumber(0, 0)

    /// The fused charge: U(1) components added, parities added modulo 2.
    public static func + (a: QuantumNumber, b: QuantumNumber) -> QuantumNumber {
        var q = QuantumNumber(a.first + b.first, a.second + b.second)
        q.parity = a.parity ^ b.parity
        return q
    }

    /// The difference a − b (U(1) components subtracted; a parity is its own inverse).
    public static func - (a: QuantumNumber, b: QuantumNumber) -> QuantumNumber {
        var q = QuantumNumber(a.first - b.first, a.second - b.second)
        q.parity = a.parity ^ b.parity
        return q
    }

    /// The position of `q` in the ascending array `sorted` (binary search; cheaper than hashing in the contraction
    /// loops), nil when absent. `charge(i)` reads element i, so the same search serves arrays of charges and of
    /// (charge, range) sectors.
    @inline(__always)
    static func position(of q: QuantumNumber, count: Int, charge: (Int) -> QuantumNumber) -> Int? {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let c = charge(mid)
            if c == q { return mid }
            if c < q { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    /// The opposite charge (−first, −second, same parity).
    public static prefix func - (q: QuantumNumber) -> QuantumNumber { .zero - q }

    /// Lexicographic order on (first, second, parity): the order of sectors in sorted bases.
    public static func < (a: QuantumNumber, b: QuantumNumber) -> Bool {
        if a.first != b.first { return a.first < b.first }
        if a.second != b.second { return a.second < b.second }
        return a.parity < b.parity
    }

    /// `first`, `(first, second)` when the second charge is used, with ` odd` appended for odd parity.
    public var description: String {
        let u1 = second == 0 ? "\(first)" : "(\(first), \(second))"
        if parity == 0 { return u1 }
        return first == 0 && second == 0 ? "odd" : "\(u1) odd"
    }
}

/// A basis of a tensor leg sorted by quantum number, so each charge sector is a contiguous index range
/// (the layout that lets block-sparse contractions run as GEMMs on strided sub-blocks of dense storage).
struct SectorBasis: Sendable, Equatable {
    /// The charge of each basis index, non-decreasing.
    let charges: [QuantumNumber]
    /// The distinct charges in order, with their index ranges.
    let sectors: [(charge: QuantumNumber, range: Range<Int>)]

    /// Groups sorted charges into sectors; the input must be non-decreasing.
    init(sortedCharges: [QuantumNumber]) {
        charges = sortedCharges
        var secs: [(QuantumNumber, Range<Int>)] = []
        var start = 0
        for i in Swift.min(1, sortedCharges.count)...sortedCharges.count
        where !sortedCharges.isEmpty && (i == sortedCharges.count || sortedCharges[i] != sortedCharges[start]) {
            secs.append((sortedCharges[start], start..<i))
            start = i
        }
        sectors = secs.map { (charge: $0.0, range: $0.1) }
    }

    /// The one-state basis of charge q (the boundary bonds).
    init(single q: QuantumNumber) { self.init(sortedCharges: [q]) }

    /// The number of basis states.
    var dimension: Int { charges.count }

    /// The index of the sector with charge q, nil when absent.
    @inline(__always)
    func sectorIndex(_ q: QuantumNumber) -> Int? {
        QuantumNumber.position(of: q, count: sectors.count) { sectors[$0].charge }
    }

    /// The index range of charge q, nil when the sector is absent.
    @inline(__always)
    func range(_ q: QuantumNumber) -> Range<Int>? { sectorIndex(q).map { sectors[$0].range } }

    static func == (a: SectorBasis, b: SectorBasis) -> Bool { a.charges == b.charges }
}
