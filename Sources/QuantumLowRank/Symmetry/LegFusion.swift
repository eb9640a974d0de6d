import LowRankKernels

/// How consecutive legs of a ``BlockSparseTensor`` were fused into one (``BlockSparseTensor/fused(_:flow:)``), so
/// that ``BlockSparseTensor/split(_:_:)`` can undo it.
///
/// The fused leg has one sector per value of the signed charge Σ_k ±q_k of the original sector tuples; within a
/// sector the tuples follow each other in lexicographic order of their sector indices, each occupying the
/// column-major product of its sector dimensions (the first original leg fastest), as in TeNPy's `LegPipe`.
public struct LegFusion: Sendable, Equatable {
    /// The legs that were fused, in order.
    public let legs: [SymmetricLeg]
    /// The fused leg.
    public let fused: SymmetricLeg
    /// Per sector of the fused leg: the original sector tuples in it and their offsets.
    let parts: [[Part]]

    struct Part: Sendable, Equatable { let key: [Int]; let offset: Int; let size: Int }

    /// The fusion of `legs` into one leg with `flow` (its sector charges are the signed sums, negated for outgoing).
    init(_ legs: [SymmetricLeg], flow: SymmetricLeg.Flow) {
        self.legs = legs
        var byCharge: [QuantumNumber: [[Int]]] = [:]
        var key = [Int](repeating: 0, count: legs.count)
        func walk(_ k: Int, _ q: QuantumNumber) {
            if k == legs.count { byCharge[q, default: []].append(key); return }
            for j in legs[k].sectors.indices { key[k] = j; walk(k + 1, q + legs[k].signedCharge(j)) }
        }
        walk(0, .zero)
        // Sector charges as stored on the fused leg: the signed sum for incoming, its negative for outgoing.
        let stored = byCharge.keys.map { (signed: $0, charge: flow == .incoming ? $0 : -$0) }.sorted { $0.charge < $1.charge }
        var sectors: [SymmetricLeg.Sector] = [], parts: [[Part]] = []
        for (signed, charge) in stored {
            var offset = 0, list: [Part] = []
            for t in byCharge[signed]!.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                let size = zip(legs, t).reduce(1) { $0 * $1.0.sectors[$1.1].dimension }
                list.append(Part(key: t, offset: offset, size: size))
                offset += size
            }
            sectors.append(.init(charge: charge, dimension: offset))
            parts.append(list)
        }
        fused = SymmetricLeg(uncheckedSectors: sectors, flow: flow)
        self.parts = parts
    }

    /// The fused sector and offset of an original sector tuple.
    func locate(_ key: [Int]) -> (sector: Int, part: Part)? {
        let q = zip(legs, key).reduce(QuantumNumber.zero) { $0 + $1.0.signedCharge($1.1) }
        guard let j = fused.sector(signedCharge: q), let p = parts[j].first(where: { $0.key == key }) else { return nil }
        return (j, p)
    }
}

extension BlockSparseTensor {
    /// The tensor with the consecutive legs `axes` fused into one leg of the given flow at position
    /// `axes.lowerBound`, and the ``LegFusion`` that undoes it. Fusing a tensor's legs and, with the opposite flow,
    /// the dual legs of a partner gives dual fused legs, so contracting over them equals contracting over the
    /// originals. Throws ``TensorError/invalidAxes(operation:axes:rank:)`` for an empty or out-of-range `axes`.
    public func fused(_ axes: Range<Int>, flow: SymmetricLeg.Flow = .incoming) throws -> (tensor: BlockSparseTensor, fusion: LegFusion) {
        guard !axes.isEmpty, axes.lowerBound >= 0, axes.upperBound <= legs.count else {
            throw TensorError.invalidAxes(operation: "fuse", axes: Array(axes), rank: legs.count)
        }
        let fusion = LegFusion(Array(legs[axes]), flow: flow)
        var out = BlockSparseTensor(legs: Array(legs[..<axes.lowerBound]) + [fusion.fused] + legs[axes.upperBound...],
                                    charge: charge)
        for (key, block) in blocks {
            guard let (j, part) = fusion.locate(Array(key[axes])) else { continue }
            let pre = block.shape[..<axes.lowerBound].reduce(1, *), post = block.shape[axes.upperBound...].reduce(1, *)
            let f = fusion.fused.sectors[j].dimension
            let newKey = Array(key[..<axes.lowerBound]) + [j] + key[axes.upperBound...]
            var target = out.blocks[newKey]?.elements ?? [Double](repeating: 0, count: pre * f * post)
            // Old element p + pre (m + M r) goes to p + pre (offset + m + f r): one contiguous run of pre·M per r.
            let run = pre * part.size
            for r in 0..<post {
                let src = run * r, dst = pre * (part.offset + f * r)
                for i in 0..<run { target[dst + i] = block.elements[src + i] }
            }
            let shape = Array(block.shape[..<axes.lowerBound]) + [f] + block.shape[axes.upperBound...]
            out.setBlock(newKey, Tensor(uncheckedShape: shape, elements: target))
        }
        return (out, fusion)
    }

    /// The tensor with leg `axis` (made by `fusion`) split back into the fused legs. Throws
    /// ``SymmetryError/legMismatch(operation:lhs:rhs:)`` when the leg is not `fusion`'s fused leg.
    public func split(_ axis: Int, _ fusion: LegFusion) throws -> BlockSparseTensor {
        guard axis >= 0, axis < legs.count else { throw TensorError.invalidAxes(operation: "split", axes: [axis], rank: legs.count) }
        guard legs[axis] == fusion.fused else {
            throw SymmetryError.legMismatch(operation: "split axis \(axis)", lhs: "\(legs[axis])", rhs: "\(fusion.fused)")
        }
        var out = BlockSparseTensor(legs: Array(legs[..<axis]) + fusion.legs + legs[(axis + 1)...], charge: charge)
        for (key, block) in blocks {
            let j = key[axis]
            let pre = block.shape[..<axis].reduce(1, *), post = block.shape[(axis + 1)...].reduce(1, *)
            let f = block.shape[axis]
            for part in fusion.parts[j] {
                let run = pre * part.size
                var e = [Double](repeating: 0, count: run * post)
                for r in 0..<post {
                    let src = pre * (part.offset + f * r), dst = run * r
                    for i in 0..<run { e[dst + i] = block.elements[src + i] }
                }
                if !e.contains(where: { $0 != 0 }) { continue }
                let dims = zip(fusion.legs, part.key).map { $0.sectors[$1].dimension }
                let shape = Array(block.shape[..<axis]) + dims + block.shape[(axis + 1)...]
                out.setBlock(Array(key[..<axis]) + part.key + key[(axis + 1)...], Tensor(uncheckedShape: shape, elements: e))
            }
        }
        return out
    }
}
