/// The truncation of a symmetric two-site split: the eigenvalues of every charge block of the reduced density
/// matrix are ranked together, the kept count k follows the sweep's χ and cutoff (``MPS`` rule on √w), and each
/// sector keeps as many states as it has among the k largest. Shared by both symmetric engines.
enum SectorTruncation {
    /// Per sector (same order as `eigenvalues`) the number of states kept, and the kept Schmidt values √w in
    /// decreasing order, normalized. Negative eigenvalues count as 0. Throws
    /// ``DMRGError/numericalFailure(site:reason:)`` when there are no eigenvalues at all.
    static func keep(_ eigenvalues: [[Double]], _ p: DMRG.SweepParameters, site: Int) throws -> (kept: [Int], spectrum: [Double]) {
        var all: [(w: Double, s: Int)] = []
        for (s, values) in eigenvalues.enumerated() { for v in values { all.append((Swift.max(v, 0), s)) } }
        guard !all.isEmpty else { throw DMRGError.numericalFailure(site: site, reason: "the two-site state has no charge sector") }
        all.sort { $0.w > $1.w }
        let k = try MPS<Double>.keptRank(all.map { $0.w.squareRoot() }, maxBondDimension: p.maxBondDimension, cutoff: p.cutoff)
        var kept = [Int](repeating: 0, count: eigenvalues.count)
        for j in 0..<k { kept[all[j].s] += 1 }
        var spectrum = all.prefix(k).map { $0.w.squareRoot() }
        let sn = spectrum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if sn > 0 { spectrum = spectrum.map { $0 / sn } }
        return (kept, spectrum)
    }
}
