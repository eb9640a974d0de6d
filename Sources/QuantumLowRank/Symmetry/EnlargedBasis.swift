/// The basis of an enlarged block: a bond basis fused with one site (bond ⊗ site on the left of a two-site
/// centre, site ⊗ bond on the right), grouped into sectors labelled by the charge of the bond between the two
/// centre sites (left-charge convention: q_l + q(s) for a left block, q_r − q(s) for a right block).
///
/// Each sector is the concatenation of parts (bond sector j, site state s); a part is a contiguous row range
/// of the sector, so every block of a fused operator or state is a strided sub-matrix (White 1992's
/// "superblock" bookkeeping, here with abelian charges).
struct EnlargedBasis: Sendable {
    /// Sector labels, ascending.
    let labels: [QuantumNumber]
    /// Sector dimensions.
    let dims: [Int]
    /// For bond sector j and site state s (index j·d + s): the sector index and the part's row offset in it.
    let partSector: [Int]
    let partOffset: [Int]
    let d: Int

    /// bond ⊗ site (left = true: labels q_l + q(s)) or site ⊗ bond (left = false: labels q_r − q(s)).
    init(bond: SectorBasis, siteCharges q: [QuantumNumber], left: Bool) {
        d = q.count
        var label = [QuantumNumber]()
        label.reserveCapacity(bond.sectors.count * d)
        for (qb, _) in bond.sectors { for s in 0..<d { label.append(left ? qb + q[s] : qb - q[s]) } }
        let sorted = Array(Set(label)).sorted()
        labels = sorted
        var dims = [Int](repeating: 0, count: sorted.count)
        var sec = [Int](repeating: 0, count: label.count), off = sec
        for (j, (_, r)) in bond.sectors.enumerated() {
            for s in 0..<d {
                let idx = QuantumNumber.position(of: label[j * d + s], count: sorted.count) { sorted[$0] }!
                sec[j * d + s] = idx
                off[j * d + s] = dims[idx]
                dims[idx] += r.count
            }
        }
        self.dims = dims
        partSector = sec
        partOffset = off
    }

    /// The sector index of label q, nil when absent.
    @inline(__always)
    func index(_ q: QuantumNumber) -> Int? { QuantumNumber.position(of: q, count: labels.count) { labels[$0] } }
}

/// Block-stack reshuffles between the two layouts of k equal blocks (r × c each): vertical, a (k r) × c
/// column-major matrix with block j in rows j r ..< (j+1) r, and horizontal, an r × (k c) matrix with block j
/// in columns j c ..< (j+1) c (each block then contiguous). Stacking channel blocks turns a sum over MPO
/// channels into one GEMM.
enum BlockStack {
    /// vertical (k r × c, leading dimension k r) → horizontal (r × k c).
    @inline(__always)
    static func verticalToHorizontal(_ v: UnsafePointer<Double>, _ h: UnsafeMutablePointer<Double>, k: Int, r: Int, c: Int) {
        let ldv = k * r
        for j in 0..<k {
            for col in 0..<c {
                let src = v + j * r + ldv * col, dst = h + r * (j * c + col)
                for i in 0..<r { dst[i] = src[i] }
            }
        }
    }

    /// horizontal (r × k c) → vertical (k r × c).
    @inline(__always)
    static func horizontalToVertical(_ h: UnsafePointer<Double>, _ v: UnsafeMutablePointer<Double>, k: Int, r: Int, c: Int) {
        let ldv = k * r
        for j in 0..<k {
            for col in 0..<c {
                let src = h + r * (j * c + col), dst = v + j * r + ldv * col
                for i in 0..<r { dst[i] = src[i] }
            }
        }
    }

    /// dst[col + ldd·i] += α src[i + lds·col] for an r × c source block (the transpose added).
    @inline(__always)
    static func axpyTransposed(_ alpha: Double, _ src: UnsafePointer<Double>, lds: Int, _ dst: UnsafeMutablePointer<Double>,
                               ldd: Int, r: Int, c: Int) {
        // Rows outer so the writes run contiguously (strided reads are cheaper than strided writes).
        for i in 0..<r {
            let s = src + i, t = dst + ldd * i
            for col in 0..<c { t[col] += alpha * s[lds * col] }
        }
    }

    /// dst[i + ldd·col] += α src[i + lds·col] for an r × c block.
    @inline(__always)
    static func axpy(_ alpha: Double, _ src: UnsafePointer<Double>, lds: Int, _ dst: UnsafeMutablePointer<Double>,
                     ldd: Int, r: Int, c: Int) {
        for col in 0..<c {
            let s = src + lds * col, t = dst + ldd * col
            for i in 0..<r { t[i] += alpha * s[i] }
        }
    }
}
