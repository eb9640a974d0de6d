/// A charge-conserving site tensor A[l, s, r] (q_l + q(s) = q_r) stored as an isometry over enlarged sectors, one
/// dense block per sector of its outer bond (McCulloch, J. Stat. Mech. P10014 (2007), §3; block2's sparse tensors).
///
/// - Left form, (l s) → r: block j belongs to sector j of the right bond; its rows are the enlarged (bond ⊗ site)
///   sector of the same charge, its columns that bond sector's states. A left-orthonormal site has AᵀA = 1 per block.
/// - Right form, (s r) → l: block j belongs to sector j of the left bond; its rows are the enlarged (site ⊗ bond)
///   sector of the same charge. A right-orthonormal site has orthonormal columns per block.
///
/// A block may have 0 rows: noise can keep states in a sector with no partner on the other side of the site (its
/// enlarged sector is absent there); every reader looks the label up in the enlarged basis and skips absent ones.
struct SiteForm {
    /// Which bond is fused with the site.
    enum Orientation: Equatable {
        /// (l s) → r: the left bond is fused with the site, blocks follow the right bond's sectors.
        case left
        /// (s r) → l: the right bond is fused with the site, blocks follow the left bond's sectors.
        case right
    }

    var orientation: Orientation
    /// Column-major blocks, one per sector of the outer bond, in that bond's sector order.
    var blocks: [[Double]]
}

/// A block-diagonal isometry from an enlarged basis onto a kept bond basis: per enlarged sector its dense block
/// (enlarged dimension × kept count, column-major; nil where nothing is kept), the kept count, and the sector's index in
/// the new bond basis (−1 where nothing is kept). Renormalized operators are Pᵀ Op P through it.
struct BlockIsometry {
    var blocks: [[Double]?]
    var kept: [Int]
    var bondSector: [Int]

    /// The isometry of a site form's blocks (sector j of `bond`) re-indexed by the sectors of `enlarged`.
    init(_ form: SiteForm, bond: SectorBasis, enlarged: EnlargedBasis) {
        blocks = [[Double]?](repeating: nil, count: enlarged.labels.count)
        kept = [Int](repeating: 0, count: enlarged.labels.count)
        bondSector = [Int](repeating: -1, count: enlarged.labels.count)
        for (j, (charge, states)) in bond.sectors.enumerated() {
            guard let sector = enlarged.index(charge) else { continue }
            blocks[sector] = form.blocks[j]; kept[sector] = states.count; bondSector[sector] = j
        }
    }

    /// An isometry from its parts (the split's kept eigenvectors).
    init(blocks: [[Double]?], kept: [Int], bondSector: [Int]) {
        self.blocks = blocks; self.kept = kept; self.bondSector = bondSector
    }
}
