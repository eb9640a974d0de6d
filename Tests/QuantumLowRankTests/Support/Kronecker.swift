import LowRankKernels

/// Kronecker product a ⊗ b in the MPS convention (first site's index fastest): (a ⊗ b)[(i + m j), …] with
/// i the index of `a`. Independent of the MPO code: plain loops.
func kron(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
    var out = Matrix<Double>(rows: a.rows * b.rows, columns: a.columns * b.columns)
    for jb in 0..<b.columns { for ja in 0..<a.columns { for ib in 0..<b.rows { for ia in 0..<a.rows {
        out[ia + a.rows * ib, ja + a.columns * jb] = a[ia, ja] * b[ib, jb]
    } } } }
    return out
}

/// Σ-of-Kronecker-products Hamiltonian: the operator `ops` placed on `sites`, identities elsewhere.
func embed(_ ops: [(Matrix<Double>, Int)], L: Int, d: Int) -> Matrix<Double> {
    var m = Matrix<Double>.identity(1)
    for k in 0..<L {
        let local = ops.first(where: { $0.1 == k })?.0 ?? Matrix<Double>.identity(d)
        m = kron(m, local)          // site k's index is slower than sites < k
    }
    return m
}

