import LowRankKernels

/// The Schmidt values of one charge sector at a bond.
public struct EntanglementSector: Sendable, Equatable {
    /// The charge of the left part (the bond sector's charge, left-charge convention).
    public var charge: QuantumNumber
    /// Its Schmidt values, non-increasing (of the normalized state).
    public var schmidtValues: [Double]
}

extension ChargedMPS {
    /// The entanglement spectrum of every bond 1 … L−1, sector by sector: for bond k, the Schmidt values of the cut
    /// between sites 0 … k−1 and k … L−1, grouped by the charge Q of the left part, sectors in increasing Q (Li and
    /// Haldane, PRL 101, 010504 (2008); TeNPy's `entanglement_spectrum(by_charge=True)`).
    ///
    /// From the gauge DMRG leaves (centre on site 0, sites 1 … L−1 right-orthonormal) one left-to-right pass moves the
    /// centre: at bond k the centre matrix C[(l s), r] is block diagonal in the charge of r, each block is factored by
    /// its own SVD, and S Vᵀ moves into site k+1. Cost is that of the blocks; nothing is formed beyond one site tensor.
    /// Throws ``MPSError/zeroNorm`` for the zero state and `LinearAlgebraError` if an SVD fails.
    ///
    /// - Parameter lastBond: stop after this bond (default L − 1, all of them); the pass never goes further right.
    public func entanglementSpectra(throughBond lastBond: Int? = nil) throws -> [[EntanglementSector]] {
        let tensors = state.tensors
        guard tensors.count >= 2 else { return [] }
        let bonds = Swift.min(Swift.max(lastBond ?? tensors.count - 1, 0), tensors.count - 1)
        var centre = tensors[0]
        var leftCharges = bondCharges[0]
        var spectra: [[EntanglementSector]] = []
        for k in 0..<bonds {
            let cl = centre.shape[0], d = centre.shape[1], cr = centre.shape[2]
            let rightCharges = bondCharges[k + 1], q = siteCharges[k]
            var sectors: [EntanglementSector] = []
            var newCharges: [QuantumNumber] = []
            var carried: [Double] = []                              // S Vᵀ, row-major: each row over the cr right states
            var start = 0
            let centreElements = centre.elements
            while start < cr {
                let charge = rightCharges[start]
                var end = start
                while end < cr && rightCharges[end] == charge { end += 1 }
                var rows: [Int] = []                                // dense indices l + cl s of this charge
                for s in 0..<d { for l in 0..<cl where leftCharges[l] + q[s] == charge { rows.append(l + cl * s) } }
                if !rows.isEmpty {
                    let columns = end - start
                    var elements = [Double](repeating: 0, count: rows.count * columns)
                    elements.withUnsafeMutableBufferPointer { out in
                        centreElements.withUnsafeBufferPointer { c in
                            for column in 0..<columns {
                                let source = cl * d * (start + column), target = rows.count * column
                                for (i, row) in rows.enumerated() { out[target + i] = c[source + row] }
                            }
                        }
                    }
                    let f = try Matrix(rows: rows.count, columns: columns, elements: elements).svd()
                    sectors.append(EntanglementSector(charge: charge, schmidtValues: f.singularValues))
                    let vt = f.vt.elements, ldvt = f.vt.rows
                    for (t, sigma) in f.singularValues.enumerated() {
                        var row = [Double](repeating: 0, count: cr)
                        for j in 0..<columns { row[start + j] = sigma * vt[t + ldvt * j] }
                        carried.append(contentsOf: row)
                        newCharges.append(charge)
                    }
                }
                start = end
            }
            let norm = sectors.reduce(0) { $0 + $1.schmidtValues.reduce(0) { $0 + $1 * $1 } }.squareRoot()
            guard norm > 0 else { throw MPSError.zeroNorm }
            spectra.append(sectors.map { EntanglementSector(charge: $0.charge, schmidtValues: $0.schmidtValues.map { $0 / norm }) })
            if k + 1 == bonds { break }
            // Next centre: (S Vᵀ) · B_{k+1}, rows in the new (charge-sorted) basis.
            let next = tensors[k + 1]
            let kept = newCharges.count
            let svTransposed = try Matrix(rows: cr, columns: kept, elements: carried)   // (S Vᵀ)ᵀ, column-major
            let b = try Matrix(rows: cr, columns: next.shape[1] * next.shape[2], elements: next.elements)
            let product = try Matrix.product(svTransposed, .transpose, b, .none)
            centre = Tensor(uncheckedShape: [kept, next.shape[1], next.shape[2]], elements: product.elements)
            leftCharges = newCharges
        }
        return spectra
    }
}
