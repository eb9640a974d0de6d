import LowRankKernels

/// Why a closed-shell energy cannot be evaluated.
public enum ClosedShellError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Closed-shell methods need an even electron count.
    case oddElectronCount(Int)
    /// More electrons than 2·NORB (or a negative count).
    case invalidElectronCount(electrons: Int, orbitals: Int)
    /// `h` is not `orbitals × orbitals` for the tensor's orbital count.
    case shapeMismatch(h: String, orbitals: Int)


    /// A one-line message: the cause (ClosedShellError has no file).
    public var description: String {
        switch self {
        case .oddElectronCount(let n): return "closed-shell methods need an even electron count, got \(n)"
        case let .invalidElectronCount(e, n): return "\(e) electrons cannot be placed in \(n) spatial orbitals"
        case let .shapeMismatch(h, n): return "h is \(h), expected \(n)×\(n)"
        }
    }
}

private func occupiedCount(h: Matrix<Double>, eri: ERITensor, electrons: Int) throws(ClosedShellError) -> Int {
    let n = eri.orbitals
    guard h.rows == n, h.columns == n else { throw .shapeMismatch(h: h.shapeDescription, orbitals: n) }
    guard electrons >= 0, electrons <= 2 * n else { throw .invalidElectronCount(electrons: electrons, orbitals: n) }
    guard electrons % 2 == 0 else { throw .oddElectronCount(electrons) }
    return electrons / 2
}

/// Restricted closed-shell mean-field quantities for the aufbau determinant in the given orbitals
/// (Szabo & Ostlund, *Modern Quantum Chemistry*, §3.4).
public enum MeanField {
    /// The closed-shell Fock matrix F_pq = h_pq + Σ_{i<occupied} [2(pq|ii) − (pi|iq)], occupying the first
    /// `occupied` orbitals doubly (Szabo & Ostlund eq. 3.154 in the MO basis).
    public static func fock(h: Matrix<Double>, eri: ERITensor, occupied: Int) -> Matrix<Double> {
        let n = eri.orbitals
        // unreachable from input: callers pass h and the occupation from a validated FCIDUMP (NELEC ≤ 2·NORB checked at read)
        precondition(h.rows == n && h.columns == n, "h must be n×n")
        // unreachable from input: callers pass h and the occupation from a validated FCIDUMP (NELEC ≤ 2·NORB checked at read)
        precondition(occupied >= 0 && occupied <= n, "occupied out of range")
        var f = h
        eri.packed.withUnsafeBufferPointer { e in
            for q in 0..<n {
                for p in q..<n {
                    var s = 0.0
                    let pq = ERITensor.pairIndex(p, q)
                    for i in 0..<occupied {
                        let ii = ERITensor.pairIndex(i, i)
                        s += 2 * e[ERITensor.pairIndex(pq, ii)]
                            - e[ERITensor.pairIndex(ERITensor.pairIndex(p, i), ERITensor.pairIndex(i, q))]
                    }
                    f[p, q] += s
                    if p != q { f[q, p] += s }
                }
            }
        }
        return f
    }

    /// The closed-shell determinant energy E = E_core + Σ_i 2h_ii + Σ_ij [2(ii|jj) − (ij|ji)], with i, j over the
    /// first `electrons/2` orbitals (Szabo & Ostlund eq. 3.184). For canonical RHF orbitals this is the RHF energy.
    /// - Throws: ``ClosedShellError`` for odd or impossible electron counts or a shape mismatch.
    public static func rhfEnergy(h: Matrix<Double>, eri: ERITensor, coreEnergy: Double,
                                 electrons: Int) throws(ClosedShellError) -> Double {
        let o = try occupiedCount(h: h, eri: eri, electrons: electrons)
        var e = coreEnergy
        for i in 0..<o { e += 2 * h[i, i] }
        for i in 0..<o {
            for j in 0..<o { e += 2 * eri[i, i, j, j] - eri[i, j, j, i] }
        }
        return e
    }
}

/// Second-order Møller–Plesset perturbation theory (Møller & Plesset, Phys. Rev. 46, 618 (1934)).
public enum MP2 {
    /// The closed-shell canonical MP2 correlation energy
    ///
    ///   E⁽²⁾ = Σ_{ijab} (ia|jb) [2(ia|jb) − (ib|ja)] / (ε_i + ε_j − ε_a − ε_b)
    ///
    /// with i, j over the first `electrons/2` orbitals, a, b over the rest, and ε = diag F (``MeanField/fock(h:eri:occupied:)``);
    /// exact for canonical RHF orbitals (Szabo & Ostlund eq. 6.74).
    /// - Throws: ``ClosedShellError`` for odd or impossible electron counts or a shape mismatch.
    public static func correlationEnergy(h: Matrix<Double>, eri: ERITensor,
                                         electrons: Int) throws(ClosedShellError) -> Double {
        let o = try occupiedCount(h: h, eri: eri, electrons: electrons)
        let n = eri.orbitals
        let v = n - o
        if o == 0 || v == 0 { return 0 }
        let eps = MeanField.fock(h: h, eri: eri, occupied: o).diagonalEntries
        // (ia|jb) gathered into ovov[((i*v + a)*o + j)*v + b].
        var ovov = [Double](repeating: 0, count: o * v * o * v)
        eri.packed.withUnsafeBufferPointer { e in
            ovov.withUnsafeMutableBufferPointer { t in
                for i in 0..<o {
                    for a in 0..<v {
                        let ia = ERITensor.pairIndex(i, o + a)
                        for j in 0..<o {
                            for b in 0..<v {
                                t[((i * v + a) * o + j) * v + b] = e[ERITensor.pairIndex(ia, ERITensor.pairIndex(j, o + b))]
                            }
                        }
                    }
                }
            }
        }
        var energy = 0.0
        ovov.withUnsafeBufferPointer { t in
            for i in 0..<o {
                for j in 0..<o {
                    for a in 0..<v {
                        for b in 0..<v {
                            let iajb = t[((i * v + a) * o + j) * v + b]
                            let ibja = t[((i * v + b) * o + j) * v + a]
                            energy += iajb * (2 * iajb - ibja) / (eps[i] + eps[j] - eps[o + a] - eps[o + b])
                        }
                    }
                }
            }
        }
        return energy
    }
}
