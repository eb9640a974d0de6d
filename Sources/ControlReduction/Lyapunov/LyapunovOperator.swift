import LowRankKernels

/// What the low-rank ADI needs from `(A, E)`: products and shifted solves, nothing else —
/// the separation M.E.S.S. makes between its ADI and user-supplied functions. Dense, sparse
/// and user-supplied backends conform; the observability equation uses the transposed pencil
/// `(Aᵀ, Eᵀ)` through the same protocol.
///
/// Shifts follow pyMOR's convention: solves are with `A + pE` for Re p < 0.
public protocol LyapunovOperator: AnyObject {
    /// The order n.
    var dimension: Int { get }
    /// `true` when E is the identity (saves products).
    var hasIdentityE: Bool { get }
    /// `true` when A and E are symmetric (then every useful shift is real).
    var isSymmetric: Bool { get }
    /// `A X`.
    func applyA(_ x: Matrix<Double>) throws -> Matrix<Double>
    /// `E X`.
    func applyE(_ x: Matrix<Double>) throws -> Matrix<Double>
    /// `(A + pE)⁻¹ R` for a real shift p.
    func solveShifted(_ p: Double, _ rhs: Matrix<Double>) throws -> Matrix<Double>
    /// `(A + pE)⁻¹ R` for a complex shift p.
    func solveShifted(_ p: Complex<Double>, _ rhs: Matrix<Complex<Double>>) throws -> Matrix<Complex<Double>>
    /// `A⁻¹ R`-type solves used by shift heuristics: `(A + 0·E)⁻¹ R`.
    func solveA(_ rhs: Matrix<Double>) throws -> Matrix<Double>
    /// `E⁻¹ R` (identity when E = I).
    func solveE(_ rhs: Matrix<Double>) throws -> Matrix<Double>
    /// Numbers of numeric factorizations performed, for diagnostics.
    var factorizationCount: Int { get }
}

extension LyapunovOperator {
    public func solveA(_ rhs: Matrix<Double>) throws -> Matrix<Double> { try solveShifted(0.0, rhs) }
    /// `E X` for complex X (real E), by splitting real and imaginary parts.
    func applyE(_ x: Matrix<Complex<Double>>) throws -> Matrix<Complex<Double>> {
        if hasIdentityE { return x }
        let re = try applyE(x.realPart), im = try applyE(x.imaginaryPart)
        return try Matrix<Complex<Double>>(rows: re.rows, columns: re.columns,
                                           elements: zip(re.elements, im.elements).map { Complex($0, $1) })
    }
}

/// Dense backend: LU factorizations of `A + pE` (LAPACK `getrf`) cached per shift, so a
/// repeated shift costs one pair of triangular solves. With `transposed` it represents
/// `(Aᵀ, Eᵀ)` and solves with the same factors via `getrs('T')`.
public final class DenseLyapunovOperator: LyapunovOperator {
    let a: Matrix<Double>
    let e: Matrix<Double>?
    let transposed: Bool
    public let isSymmetric: Bool
    private var realCache: [Double: LUFactorization<Double>] = [:]
    private var complexCache: [Complex<Double>: LUFactorization<Complex<Double>>] = [:]
    private var eFactor: LUFactorization<Double>?
    public private(set) var factorizationCount = 0

    /// Wraps dense `A` and optional `E` (E = I when `nil`); `transposed` gives the pencil `(Aᵀ, Eᵀ)`.
    public init(a: Matrix<Double>, e: Matrix<Double>?, transposed: Bool = false) {
        self.a = a
        self.e = e
        self.transposed = transposed
        self.isSymmetric = DenseLyapunovOperator.symmetric(a) && (e.map(DenseLyapunovOperator.symmetric) ?? true)
    }

    static func symmetric(_ m: Matrix<Double>) -> Bool {
        let n = m.rows
        let scale = m.maxAbs
        for j in 0..<n { for i in (j + 1)..<n where Swift.abs(m[i, j] - m[j, i]) > 1e-14 * scale { return false } }
        return true
    }

    public var dimension: Int { a.rows }
    public var hasIdentityE: Bool { e == nil }
    private var trans: Transpose { transposed ? .transpose : .none }

    public func applyA(_ x: Matrix<Double>) throws -> Matrix<Double> { try Matrix.product(a, trans, x, .none) }
    public func applyE(_ x: Matrix<Double>) throws -> Matrix<Double> {
        guard let e else { return x }
        return try Matrix.product(e, trans, x, .none)
    }

    public func solveShifted(_ p: Double, _ rhs: Matrix<Double>) throws -> Matrix<Double> {
        if let f = realCache[p] { return try f.solve(rhs, trans) }
        let shifted = try a.adding(e ?? Matrix.identity(a.rows), scaledBy: p)
        let f = try LUFactorization(shifted)
        factorizationCount += 1
        realCache[p] = f
        return try f.solve(rhs, trans)
    }

    public func solveShifted(_ p: Complex<Double>, _ rhs: Matrix<Complex<Double>>) throws -> Matrix<Complex<Double>> {
        if let f = complexCache[p] { return try f.solve(rhs, trans) }
        let shifted = try a.complexified.adding((e ?? Matrix.identity(a.rows)).complexified, scaledBy: p)
        let f = try LUFactorization(shifted)
        factorizationCount += 1
        complexCache[p] = f
        return try f.solve(rhs, trans)
    }

    public func solveE(_ rhs: Matrix<Double>) throws -> Matrix<Double> {
        guard let e else { return rhs }
        if eFactor == nil { eFactor = try LUFactorization(e); factorizationCount += 1 }
        return try eFactor!.solve(rhs, trans)
    }
}
