import LowRankKernels

extension DMRG {
    /// An upper estimate, in bytes, of what a dense two-site DMRG run holds: per site the MPS tensor, its working
    /// copies (two-site tensor, SVD factors; three χ²d tensors), the left and right environments (2 χ² w) and the MPO
    /// tensor (w² d²), with χ bounded at each bond by the exact Schmidt rank d^min(k, L−k). Symmetric (block-sparse)
    /// runs hold less; the estimate is used to refuse requests that cannot fit (``MemoryBudget``), never to plan.
    public static func memoryEstimate(sites: Int, maxBondDimension: Int, localDimension d: Int,
                                      mpoBondDimension w: Int) -> Double {
        let chi = Double(maxBondDimension), dd = Double(d), ww = Double(w)
        // Bonds that cannot reach χ (near the ends) are cheaper; count them exactly only for short chains.
        var total = 0.0
        let exactBonds = Swift.min(sites, 64)
        for k in 0..<exactBonds {
            let schmidt = Swift.min(chi, Double.pow(dd, Double(Swift.min(k + 1, sites - k - 1))))
            total += 3 * schmidt * schmidt * dd + 2 * schmidt * schmidt * ww + ww * ww * dd * dd
        }
        let perFullSite = 3 * chi * chi * dd + 2 * chi * chi * ww + ww * ww * dd * dd
        total += Double(sites - exactBonds) * perFullSite
        return MemoryBudget.bytes(total)
    }
}
