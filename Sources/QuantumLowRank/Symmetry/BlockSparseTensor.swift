import LowRankKernels

/// One leg of a ``BlockSparseTensor``: its charge sectors (distinct charges, each with a dimension, sorted by
/// charge) and its flow. An incoming leg counts its charge +q in the conservation rule, an outgoing one −q
/// (TeNPy's `LegCharge` with `qconj`, ITensor's QN index arrows).
public struct SymmetricLeg: Sendable, Equatable, CustomStringConvertible {
    /// The direction of a leg in the conservation rule.
    public enum Flow: Sendable, Equatable { case incoming, outgoing }
    /// A charge sector: all basis states of the leg with this charge.
    public struct Sector: Sendable, Equatable {
        /// The charge q of the sector's states.
        public var charge: QuantumNumber
        /// The number of states with that charge.
        public var dimension: Int
    }

    /// The sectors, sorted by charge.
    public let sectors: [Sector]
    /// The leg's flow.
    public let flow: Flow

    /// A leg from (charge, dimension) pairs in any order; throws ``SymmetryError/invalidLeg(reason:)`` for a
    /// repeated charge, a dimension below 1 or no sectors.
    public init(_ sectors: [(QuantumNumber, Int)], flow: Flow = .incoming) throws {
        guard !sectors.isEmpty else { throw SymmetryError.invalidLeg(reason: "no sectors") }
        guard Set(sectors.map(\.0)).count == sectors.count else {
            throw SymmetryError.invalidLeg(reason: "repeated charge in \(sectors.map(\.0))")
        }
        guard sectors.allSatisfy({ $0.1 >= 1 }) else { throw SymmetryError.invalidLeg(reason: "sector dimensions must be ≥ 1") }
        self.sectors = sectors.sorted { $0.0 < $1.0 }.map { Sector(charge: $0.0, dimension: $0.1) }
        self.flow = flow
    }

    init(uncheckedSectors: [Sector], flow: Flow) { sectors = uncheckedSectors; self.flow = flow }

    /// The total dimension Σ dimensions.
    public var dimension: Int { sectors.reduce(0) { $0 + $1.dimension } }
    /// The same sectors with the opposite flow: the leg a contraction partner must have.
    public var dual: SymmetricLeg { SymmetricLeg(uncheckedSectors: sectors, flow: flow == .incoming ? .outgoing : .incoming) }
    /// The charge sector j contributes to the conservation rule: +q incoming, −q outgoing.
    func signedCharge(_ j: Int) -> QuantumNumber { flow == .incoming ? sectors[j].charge : -sectors[j].charge }
    /// The first dense index of sector j (sectors are laid out consecutively in charge order).
    func offset(_ j: Int) -> Int { sectors[..<j].reduce(0) { $0 + $1.dimension } }
    /// The sector whose signed charge is q, nil when absent.
    func sector(signedCharge q: QuantumNumber) -> Int? {
        let c = flow == .incoming ? q : -q
        return sectors.firstIndex { $0.charge == c }
    }

    /// `in[q:dim, …]` or `out[q:dim, …]`.
    public var description: String {
        (flow == .incoming ? "in" : "out") + "[" + sectors.map { "\($0.charge):\($0.dimension)" }.joined(separator: ", ") + "]"
    }
}

/// Errors of block-sparse symmetric tensors.
public enum SymmetryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A leg description that cannot be used.
    case invalidLeg(reason: String)
    /// Two legs that a contraction joins differ in sectors or do not have opposite flows.
    case legMismatch(operation: String, lhs: String, rhs: String)
    /// A dense tensor has an entry of this size in a block that its charge forbids.
    case chargeViolation(block: [Int], magnitude: Double)

    /// The message the CLI prints.
    public var description: String {
        switch self {
        case let .invalidLeg(reason): return "invalid symmetric leg: \(reason)"
        case let .legMismatch(op, lhs, rhs):
            return "\(op): legs \(lhs) and \(rhs) must have the same sectors and opposite flows"
        case let .chargeViolation(block, magnitude):
            return "entry of size \(magnitude) in block \(block), which the total charge forbids"
        }
    }
}

/// A tensor that conserves abelian charges: a map from allowed sector tuples to dense blocks.
///
/// Block (j₀, …, j_{n−1}) (one sector per leg) may be nonzero only when Σ_k ±q_k(j_k) = ``charge``, with + for
/// incoming and − for outgoing legs; other blocks are not stored. Contraction, QR and SVD run block by block:
/// contractions pair the blocks that agree on the contracted sectors and multiply each pair with one GEMM
/// (``Tensor/contracted(with:axes:)``); QR and SVD fuse the row legs and the column legs, so the matricization is
/// block diagonal in the fused charge, and factor each diagonal block through LAPACK, with one global truncation
/// across blocks (Singh, Pfeifer & Vidal, PRB 83, 115125 (2011); TeNPy's `np_conserved`). The DMRG engines use
/// specialised layouts of the same idea for speed; this type is the general-purpose one.
public struct BlockSparseTensor: Sendable {
    /// The legs, in axis order.
    public let legs: [SymmetricLeg]
    /// The total charge Σ ±q of every nonzero block.
    public let charge: QuantumNumber
    /// The stored blocks by sector tuple; each has shape [dimension of leg k's sector].
    public private(set) var blocks: [[Int]: Tensor<Double>]

    /// The zero tensor (no stored blocks).
    public init(legs: [SymmetricLeg], charge: QuantumNumber = .zero) {
        self.legs = legs
        self.charge = charge
        blocks = [:]
    }

    /// Stores a block (internal: callers guarantee the key is allowed and the shape fits).
    mutating func setBlock(_ key: [Int], _ block: Tensor<Double>) { blocks[key] = block }

    /// The sector tuples the charge allows, in lexicographic order of sector indices.
    public var allowedBlocks: [[Int]] {
        guard let last = legs.last else { return charge == .zero ? [[]] : [] }
        var out: [[Int]] = []
        var key = [Int](repeating: 0, count: legs.count)
        func walk(_ k: Int, _ sum: QuantumNumber) {
            if k == legs.count - 1 {
                if let j = last.sector(signedCharge: charge - sum) { key[k] = j; out.append(key) }
                return
            }
            for j in legs[k].sectors.indices { key[k] = j; walk(k + 1, sum + legs[k].signedCharge(j)) }
        }
        walk(0, .zero)
        return out
    }

    /// Whether sector tuple `key` (one valid sector index per leg) satisfies the conservation rule; false for a
    /// key of the wrong length or with an index outside its leg's sectors.
    public func allows(_ key: [Int]) -> Bool {
        guard key.count == legs.count, zip(legs, key).allSatisfy({ $0.sectors.indices.contains($1) }) else { return false }
        return zip(legs, key).reduce(QuantumNumber.zero) { $0 + $1.0.signedCharge($1.1) } == charge
    }

    /// A tensor with every allowed block filled with standard normal numbers (seeded).
    public static func random(legs: [SymmetricLeg], charge: QuantumNumber = .zero, seed: UInt64 = 1) -> BlockSparseTensor {
        var t = BlockSparseTensor(legs: legs, charge: charge)
        var g = SeededGenerator(seed: seed)
        for key in t.allowedBlocks {
            let shape = zip(legs, key).map { $0.sectors[$1].dimension }
            let n = shape.reduce(1, *)
            t.blocks[key] = Tensor(uncheckedShape: shape, elements: (0..<n).map { _ in g.normal() })
        }
        return t
    }

    /// The blocks of a dense tensor (each leg's sectors laid out consecutively in charge order). Throws
    /// ``SymmetryError/chargeViolation(block:magnitude:)`` when a forbidden block holds an entry above
    /// `tolerance`, ``TensorError/shapeMismatch(operation:lhs:rhs:)`` when the shape does not fit the legs,
    /// ``TensorError/invalidTolerance(argument:value:)`` for a negative or non-finite tolerance and
    /// `LinearAlgebraError.nonFinite` for NaN or infinite entries.
    public init(dense: Tensor<Double>, legs: [SymmetricLeg], charge: QuantumNumber = .zero, tolerance: Double = 0) throws {
        guard tolerance >= 0, tolerance.isFinite else {
            throw TensorError.invalidTolerance(argument: "tolerance", value: tolerance)
        }
        guard dense.elements.allSatisfy({ $0.isFinite }) else { throw LinearAlgebraError.nonFinite(argument: "dense") }
        guard dense.shape == legs.map(\.dimension) else {
            throw TensorError.shapeMismatch(operation: "BlockSparseTensor(dense:)", lhs: "\(dense.shape)",
                                            rhs: "\(legs.map(\.dimension))")
        }
        self.init(legs: legs, charge: charge)
        var key = [Int](repeating: 0, count: legs.count)
        func walk(_ k: Int) throws {
            if k == legs.count {
                let block = Self.extract(dense, legs: legs, key: key)
                if allows(key) {
                    if block.elements.contains(where: { $0 != 0 }) { blocks[key] = block }
                } else if let worst = block.elements.map(Swift.abs).max(), worst > tolerance {
                    throw SymmetryError.chargeViolation(block: key, magnitude: worst)
                }
                return
            }
            for j in legs[k].sectors.indices { key[k] = j; try walk(k + 1) }
        }
        try walk(0)
    }

    /// The dense tensor, forbidden blocks zero.
    public func dense() -> Tensor<Double> {
        let shape = legs.map(\.dimension)
        var out = [Double](repeating: 0, count: shape.reduce(1, *))
        let strides = ColumnMajorLayout.strides(shape)
        for (key, block) in blocks {
            let base = zip(zip(legs, key), strides).reduce(0) { $0 + $1.0.0.offset($1.0.1) * $1.1 }
            Self.forEachIndex(block.shape) { linear, index in
                var at = base
                for k in index.indices { at += index[k] * strides[k] }
                out[at] = block.elements[linear]
            }
        }
        return Tensor(uncheckedShape: shape, elements: out)
    }

    /// The Frobenius norm.
    public var norm: Double { Vector.norm(blocks.values.map(\.norm)) }

    /// Σ over paired legs (NumPy's `tensordot` axis convention): `axes.0[i]` of `self` against `axes.1[i]` of
    /// `other`, which must be its dual (same sectors, opposite flow). Result legs: free legs of `self`, then free
    /// legs of `other`; charge: the sum of both charges.
    public func contracted(with other: BlockSparseTensor, axes: ([Int], [Int])) throws -> BlockSparseTensor {
        let (la, ra) = axes
        guard la.count == ra.count, Set(la).count == la.count, la.allSatisfy({ $0 >= 0 && $0 < legs.count }) else {
            throw TensorError.invalidAxes(operation: "contract (left)", axes: la, rank: legs.count)
        }
        guard Set(ra).count == ra.count, ra.allSatisfy({ $0 >= 0 && $0 < other.legs.count }) else {
            throw TensorError.invalidAxes(operation: "contract (right)", axes: ra, rank: other.legs.count)
        }
        for (a, b) in zip(la, ra) where legs[a] != other.legs[b].dual {
            throw SymmetryError.legMismatch(operation: "contract axis \(a) with axis \(b)", lhs: "\(legs[a])",
                                            rhs: "\(other.legs[b])")
        }
        let lFree = (0..<legs.count).filter { !la.contains($0) }
        let rFree = (0..<other.legs.count).filter { !ra.contains($0) }
        var out = BlockSparseTensor(legs: lFree.map { legs[$0] } + rFree.map { other.legs[$0] },
                                    charge: charge + other.charge)
        var byContracted: [[Int]: [([Int], Tensor<Double>)]] = [:]
        for (key, block) in other.blocks { byContracted[ra.map { key[$0] }, default: []].append((key, block)) }
        for (key, block) in blocks {
            guard let partners = byContracted[la.map { key[$0] }] else { continue }
            for (okey, oblock) in partners {
                let product = try block.contracted(with: oblock, axes: (la, ra))
                let rkey = lFree.map { key[$0] } + rFree.map { okey[$0] }
                out.blocks[rkey] = try out.blocks[rkey].map { try $0.adding(product) } ?? product
            }
        }
        return out
    }

    // MARK: Factorizations

    /// A truncated block SVD: `self` ≈ u · diag(s) · vt over the new leg (``BlockSparseTensor/svd(rowAxes:maxRank:cutoff:)``).
    public struct SVD: Sendable {
        /// The row legs and the new leg (outgoing, one sector per kept fused charge), charge zero; isometric.
        public var u: BlockSparseTensor
        /// Singular values per sector of the new leg, non-increasing within each sector.
        public var singularValues: [[Double]]
        /// The new leg (incoming) and the column legs, with the tensor's charge; co-isometric.
        public var vt: BlockSparseTensor
        /// Σ discarded s² / Σ s².
        public var truncationError: Double
    }

    /// The block SVD with the first `rowAxes` legs as rows. Kept: the largest singular values over all sectors,
    /// at most `maxRank`, dropping the smallest while the relative discarded weight stays ≤ `cutoff` (at least one
    /// kept), as ``MPS/truncate(maxBondDimension:cutoff:)``. Needs 1 ≤ `rowAxes` < rank (``TensorError``),
    /// `maxRank` ≥ 1 and a finite `cutoff` ≥ 0 (``MPSError``), and at least one stored block
    /// (``SymmetryError/invalidLeg(reason:)``: the zero tensor has no factor leg).
    public func svd(rowAxes: Int, maxRank: Int = .max, cutoff: Double = 0) throws -> SVD {
        guard rowAxes >= 1, rowAxes < legs.count else {
            throw TensorError.invalidAxes(operation: "svd rows", axes: [rowAxes], rank: legs.count)
        }
        guard maxRank >= 1 else { throw MPSError.invalidBondDimension(maxRank) }
        guard cutoff >= 0, cutoff.isFinite else { throw MPSError.invalidCutoff(cutoff) }
        guard !blocks.isEmpty else { throw SymmetryError.invalidLeg(reason: "the zero tensor has no singular vectors") }
        let fused = try fusedMatrices(rowAxes: rowAxes)
        var factors: [(charge: QuantumNumber, svd: SVDResult<Double>)] = []
        var all: [(s: Double, block: Int)] = []
        for f in fused {
            let r = try f.matrix.svd()
            for s in r.singularValues { all.append((s, factors.count)) }
            factors.append((f.charge, r))
        }
        all.sort { $0.s > $1.s }
        let k = try MPS<Double>.keptRank(all.map(\.s), maxBondDimension: maxRank, cutoff: cutoff)
        var kept = [Int](repeating: 0, count: factors.count)
        for j in 0..<k { kept[all[j].block] += 1 }
        let total = all.reduce(0) { $0 + $1.s * $1.s }
        let discarded = all.dropFirst(k).reduce(0) { $0 + $1.s * $1.s }
        let keep = factors.indices.filter { kept[$0] > 0 }
        let newLeg = SymmetricLeg(uncheckedSectors: keep.map { .init(charge: factors[$0].charge, dimension: kept[$0]) },
                                  flow: .outgoing)
        var u = BlockSparseTensor(legs: Array(legs.prefix(rowAxes)) + [newLeg], charge: .zero)
        var vt = BlockSparseTensor(legs: [newLeg.dual] + legs.dropFirst(rowAxes), charge: charge)
        var values: [[Double]] = []
        for (j, i) in keep.enumerated() {
            let f = fused[i], r = factors[i].svd, kq = kept[i]
            values.append(Array(r.singularValues.prefix(kq)))
            u.scatterRows(r.u.columns(0..<kq), parts: f.rows, newSector: j)
            vt.scatterColumns(r.vt.rows(0..<kq), parts: f.columns, newSector: j)
        }
        return SVD(u: u, singularValues: values, vt: vt, truncationError: total > 0 ? discarded / total : 0)
    }

    /// The block QR with the first `rowAxes` legs as rows: q (row legs + new outgoing leg, charge zero,
    /// isometric) and r (new incoming leg + column legs, the tensor's charge), thin per fused charge. Needs
    /// 1 ≤ `rowAxes` < rank and at least one stored block, as ``svd(rowAxes:maxRank:cutoff:)``.
    public func qr(rowAxes: Int) throws -> (q: BlockSparseTensor, r: BlockSparseTensor) {
        guard rowAxes >= 1, rowAxes < legs.count else {
            throw TensorError.invalidAxes(operation: "qr rows", axes: [rowAxes], rank: legs.count)
        }
        guard !blocks.isEmpty else { throw SymmetryError.invalidLeg(reason: "the zero tensor has no QR factor leg") }
        let fused = try fusedMatrices(rowAxes: rowAxes)
        let factors = try fused.map { try $0.matrix.qr() }
        let newLeg = SymmetricLeg(uncheckedSectors: zip(fused, factors).map { .init(charge: $0.charge, dimension: $1.q.columns) },
                                  flow: .outgoing)
        var q = BlockSparseTensor(legs: Array(legs.prefix(rowAxes)) + [newLeg], charge: .zero)
        var r = BlockSparseTensor(legs: [newLeg.dual] + legs.dropFirst(rowAxes), charge: charge)
        for (j, (f, qr)) in zip(fused, factors).enumerated() {
            q.scatterRows(qr.q, parts: f.rows, newSector: j)
            r.scatterColumns(qr.r, parts: f.columns, newSector: j)
        }
        return (q, r)
    }

    /// One diagonal block of the matricization: fused row charge, the row and column sector tuples present with
    /// their offsets, and the dense matrix.
    struct FusedBlock {
        var charge: QuantumNumber
        var rows: [(key: [Int], offset: Int, size: Int)]
        var columns: [(key: [Int], offset: Int, size: Int)]
        var matrix: Matrix<Double>
    }

    /// Fuses the first `rowAxes` legs and the rest: the stored blocks grouped by the signed charge of their row
    /// part, each group assembled as rows × columns (leg fusion; sector tuples in sorted order).
    func fusedMatrices(rowAxes: Int) throws -> [FusedBlock] {
        var groups: [QuantumNumber: (rows: Set<[Int]>, cols: Set<[Int]>)] = [:]
        func rowCharge(_ key: [Int]) -> QuantumNumber {
            (0..<rowAxes).reduce(QuantumNumber.zero) { $0 + legs[$1].signedCharge(key[$1]) }
        }
        for key in blocks.keys {
            let q = rowCharge(key)
            groups[q, default: ([], [])].rows.insert(Array(key.prefix(rowAxes)))
            groups[q, default: ([], [])].cols.insert(Array(key.dropFirst(rowAxes)))
        }
        func size(_ part: [Int], from first: Int) -> Int {
            part.enumerated().reduce(1) { $0 * legs[first + $1.offset].sectors[$1.element].dimension }
        }
        var out: [FusedBlock] = []
        for q in groups.keys.sorted() {
            var rows: [(key: [Int], offset: Int, size: Int)] = [], cols: [(key: [Int], offset: Int, size: Int)] = []
            var m = 0, n = 0
            for key in groups[q]!.rows.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                let s = size(key, from: 0); rows.append((key, m, s)); m += s
            }
            for key in groups[q]!.cols.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                let s = size(key, from: rowAxes); cols.append((key, n, s)); n += s
            }
            var a = Matrix<Double>(rows: m, columns: n)
            for r in rows { for c in cols {
                guard let block = blocks[r.key + c.key] else { continue }
                let bm = try block.matricized(rowAxes: rowAxes)
                for j in 0..<c.size { for i in 0..<r.size { a[r.offset + i, c.offset + j] = bm[i, j] } }
            } }
            out.append(FusedBlock(charge: q, rows: rows, columns: cols, matrix: a))
        }
        return out
    }

    /// Splits the rows of `m` (fused row parts × new-sector columns) back into blocks [row legs…, new leg].
    mutating func scatterRows(_ m: Matrix<Double>, parts: [(key: [Int], offset: Int, size: Int)], newSector j: Int) {
        let k = m.columns
        for p in parts {
            let shape = zip(legs.dropLast(), p.key).map { $0.sectors[$1].dimension } + [k]
            var e = [Double](repeating: 0, count: p.size * k)
            for c in 0..<k { for i in 0..<p.size { e[i + p.size * c] = m[p.offset + i, c] } }
            blocks[p.key + [j]] = Tensor(uncheckedShape: shape, elements: e)
        }
    }

    /// Splits the columns of `m` (new-sector rows × fused column parts) back into blocks [new leg, column legs…].
    mutating func scatterColumns(_ m: Matrix<Double>, parts: [(key: [Int], offset: Int, size: Int)], newSector j: Int) {
        let k = m.rows
        for p in parts {
            let shape = [k] + zip(legs.dropFirst(), p.key).map { $0.sectors[$1].dimension }
            var e = [Double](repeating: 0, count: k * p.size)
            for c in 0..<p.size { for i in 0..<k { e[i + k * c] = m[i, p.offset + c] } }
            blocks[[j] + p.key] = Tensor(uncheckedShape: shape, elements: e)
        }
    }

    /// The block of `dense` at sector tuple `key`.
    static func extract(_ dense: Tensor<Double>, legs: [SymmetricLeg], key: [Int]) -> Tensor<Double> {
        let shape = zip(legs, key).map { $0.sectors[$1].dimension }
        let strides = ColumnMajorLayout.strides(dense.shape)
        let base = zip(zip(legs, key), strides).reduce(0) { $0 + $1.0.0.offset($1.0.1) * $1.1 }
        var e = [Double](repeating: 0, count: shape.reduce(1, *))
        forEachIndex(shape) { linear, index in
            var at = base
            for k in index.indices { at += index[k] * strides[k] }
            e[linear] = dense.elements[at]
        }
        return Tensor(uncheckedShape: shape, elements: e)
    }

    /// Calls `body(linear, multi-index)` for every index of `shape` in column-major order.
    static func forEachIndex(_ shape: [Int], _ body: (Int, [Int]) -> Void) {
        let n = shape.reduce(1, *)
        guard n > 0 else { return }
        var index = [Int](repeating: 0, count: shape.count)
        for linear in 0..<n {
            body(linear, index)
            var k = 0
            while k < shape.count {
                index[k] += 1
                if index[k] < shape[k] { break }
                index[k] = 0
                k += 1
            }
        }
    }
}
