/// How ``NMF/fit(_:options:observer:)`` starts.
public enum NMFInitialization: Sendable, Equatable {
    /// W and H with entries avg·|N(0, 1)|, avg = √(mean(X)/k) (scikit-learn's `init='random'`, our generator).
    case random(seed: UInt64)
    /// Non-negative double SVD (Boutsidis & Gallopoulos, "SVD based initialization: A head start for nonnegative
    /// matrix factorization", Pattern Recognition 41 (2008)): from the rank-k SVD, each pair (u_j, v_j) is replaced by
    /// its positive or its negative parts, whichever carries the larger product of norms; entries below 10⁻⁶ are set
    /// to 0. Sign-invariant, so it equals scikit-learn's `init='nndsvd'` up to the SVD's accuracy.
    case nndsvd
    /// ``nndsvd`` with its zeros replaced by mean(X) (scikit-learn's `init='nndsvda'`, better for multiplicative
    /// updates, which cannot move an entry away from 0).
    case nndsvda
    /// Given starting factors (m × k and k × n, non-negative).
    case custom(w: Matrix<Double>, h: Matrix<Double>)
}

extension NMF {
    /// The starting W (m × k) and H (k × n) of `initialization` for X (non-negative, checked by the caller). The SVD
    /// is exact (LAPACK) when min(m, n) ≤ 2048 and randomized otherwise (Halko et al., 10 extra columns, 7 power
    /// iterations, as scikit-learn's `randomized_svd` uses for NNDSVD).
    public static func initialFactors(_ x: Matrix<Double>, rank k: Int,
                                      _ initialization: NMFInitialization) throws -> (w: Matrix<Double>, h: Matrix<Double>) {
        let m = x.rows, n = x.columns
        let mean = x.elements.reduce(0, +) / Double(Swift.max(1, m * n))
        switch initialization {
        case .random(let seed):
            var rng = SeededGenerator(seed: seed)
            let avg = (mean / Double(k)).squareRoot()
            var h = Matrix<Double>(rows: k, columns: n), w = Matrix<Double>(rows: m, columns: k)
            for i in h.elements.indices { h.elements[i] = avg * Swift.abs(rng.normal()) }
            for i in w.elements.indices { w.elements[i] = avg * Swift.abs(rng.normal()) }
            return (w, h)
        case .custom(let w, let h):
            guard w.rows == m, w.columns == k, h.rows == k, h.columns == n else {
                throw LinearAlgebraError.dimensionMismatch(operation: "NMF initial factors", lhs: "\(w.rows)×\(w.columns), \(h.rows)×\(h.columns)",
                                                           rhs: "\(m)×\(k), \(k)×\(n)")
            }
            guard w.elements.allSatisfy({ $0 >= 0 && $0.isFinite }), h.elements.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                throw LinearAlgebraError.invalidArgument(argument: "initialization", reason: "custom factors must be finite and ≥ 0")
            }
            return (w, h)
        case .nndsvd, .nndsvda:
            let svd: (u: Matrix<Double>, s: [Double], vt: Matrix<Double>)
            if Swift.min(m, n) <= 2048 {
                let f = try x.svd()
                svd = (f.u.columns(0..<k), Array(f.singularValues.prefix(k)), f.vt.rows(0..<k))
            } else {
                let f = try RandomizedSVD.compute(x, options: .init(rank: k, oversampling: 10, powerIterations: 7))
                svd = (f.u, f.singularValues, f.vt)
            }
            var w = Matrix<Double>(rows: m, columns: k), h = Matrix<Double>(rows: k, columns: n)
            for j in 0..<k {
                let x = (0..<m).map { svd.u[$0, j] }, y = (0..<n).map { svd.vt[j, $0] }
                let (u, v, sigma): ([Double], [Double], Double)
                if j == 0 {
                    (u, v, sigma) = (x.map(Swift.abs), y.map(Swift.abs), 1)
                } else {
                    let xp = x.map { Swift.max($0, 0) }, yp = y.map { Swift.max($0, 0) }
                    let xn = x.map { Swift.abs(Swift.min($0, 0)) }, yn = y.map { Swift.abs(Swift.min($0, 0)) }
                    let (xpn, ypn, xnn, ynn) = (Vector.norm(xp), Vector.norm(yp), Vector.norm(xn), Vector.norm(yn))
                    let (mp, mn) = (xpn * ypn, xnn * ynn)
                    if Swift.max(mp, mn) == 0 { continue }          // a vanishing pair: the column stays zero
                    (u, v, sigma) = mp > mn ? (xp.map { $0 / xpn }, yp.map { $0 / ypn }, mp)
                                            : (xn.map { $0 / xnn }, yn.map { $0 / ynn }, mn)
                }
                let scale = (svd.s[j] * sigma).squareRoot()
                for i in 0..<m { w[i, j] = scale * u[i] }
                for c in 0..<n { h[j, c] = scale * v[c] }
            }
            let fill = initialization == .nndsvda ? mean : 0
            for i in w.elements.indices where !(w.elements[i] >= 1e-6) { w.elements[i] = fill }
            for i in h.elements.indices where !(h.elements[i] >= 1e-6) { h.elements[i] = fill }
            return (w, h)
        }
    }
}
