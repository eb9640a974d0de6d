import LowRankKernels
import LowRankSparse

/// Sparse backend of ``LyapunovOperator``. The sparsity pattern of `A + pE` is the same for
/// every shift, so the symbolic analysis (ordering) is done once — by CHOLMOD for symmetric
/// pencils with real shifts (then `−(A + pE)` is symmetric positive definite for stable A and
/// SPD E; the simplicial LDLᵀ is used: for the many repeated factorizations of 2-D FEM pencils it
/// beats the supernodal one, which pays OpenMP and BLAS overhead per supernode, by 1.2–1.8×)
/// and by UMFPACK otherwise — and each new shift costs one numeric factorization.
/// Numeric factorizations are kept in a small cache, so a repeated shift costs only solves.
/// With `transposed` it represents `(Aᵀ, Eᵀ)` for the observability equation.
public final class SparseLyapunovOperator: LyapunovOperator {
    let a: SparseMatrix<Double>
    let e: SparseMatrix<Double>?
    let transposed: Bool
    public let isSymmetric: Bool
    private let pattern: SparseMatrix<Double>
    private var realLUSymbolic: SparseLU<Double>.Symbolic?
    private var complexLUSymbolic: SparseLU<Complex<Double>>.Symbolic?
    private var choleskySymbolic: SparseCholesky.Symbolic?
    private var choleskyFailed = false
    private var realCache: [(Double, RealFactor)] = []
    private var complexCache: [(Complex<Double>, ComplexFactor)] = []
    private var ldltSymbolic: SparseLDLT<Complex<Double>>.Symbolic?
    private var negativeDefiniteA: Bool?

    enum ComplexFactor {
        case ldlt(SparseLDLT<Complex<Double>>)
        case lu(SparseLU<Complex<Double>>)
    }
    private var eFactor: RealFactor?
    private let cacheLimit: Int
    public private(set) var factorizationCount = 0

    enum RealFactor {
        case cholesky(SparseCholesky, negate: Bool)
        case lu(SparseLU<Double>)
    }

    /// Wraps sparse `A` and optional `E` (identity when `nil`).
    public init(a: SparseMatrix<Double>, e: SparseMatrix<Double>?, transposed: Bool = false) throws {
        guard a.rows == a.columns else {
            throw LinearAlgebraError.dimensionMismatch(operation: "Lyapunov operator", lhs: "A \(a.shapeDescription)",
                                                       rhs: "square matrix")
        }
        self.a = a
        self.e = e
        self.transposed = transposed
        let eOrI = e ?? SparseMatrix<Double>.identity(a.rows)
        self.pattern = try a.scaledAndAdded(eOrI, scaledBy: 1)
        self.isSymmetric = SparseLyapunovOperator.symmetric(a) && SparseLyapunovOperator.symmetric(eOrI)
        self.cacheLimit = a.rows > 50_000 ? 2 : 8
    }

    static func symmetric(_ m: SparseMatrix<Double>) -> Bool {
        let t = m.transposed
        guard t.columnPointers == m.columnPointers, t.rowIndices == m.rowIndices else { return false }
        let scale = m.values.reduce(0) { Swift.max($0, Swift.abs($1)) }
        return zip(t.values, m.values).allSatisfy { Swift.abs($0 - $1) <= 1e-14 * scale }
    }

    public var dimension: Int { a.rows }
    public var hasIdentityE: Bool { e == nil }
    private var trans: Transpose { transposed ? .transpose : .none }

    public func applyA(_ x: Matrix<Double>) throws -> Matrix<Double> { try a.multiplied(by: x, trans) }
    public func applyE(_ x: Matrix<Double>) throws -> Matrix<Double> {
        guard let e else { return x }
        return try e.multiplied(by: x, trans)
    }

    private func shifted(_ p: Double) throws -> SparseMatrix<Double> {
        try a.scaledAndAdded(e ?? SparseMatrix<Double>.identity(a.rows), scaledBy: p)
    }

    private func factorReal(_ p: Double) throws -> RealFactor {
        factorizationCount += 1
        let m = try shifted(p)
        if isSymmetric && !choleskyFailed {
            // Try CHOLMOD on −(A + pE) (SPD for stable symmetric A, SPD E, p ≤ 0), then on A + pE.
            do {
                if choleskySymbolic == nil { choleskySymbolic = try SparseCholesky.analyze(pattern: pattern, method: .simplicial) }
                return .cholesky(try SparseCholesky(factorizing: m.scaled(by: -1), symbolic: choleskySymbolic!), negate: true)
            } catch {
                if let f = try? SparseCholesky(factorizing: m, symbolic: choleskySymbolic!) {
                    return .cholesky(f, negate: false)
                }
                choleskyFailed = true
            }
        }
        if realLUSymbolic == nil { realLUSymbolic = try SparseLU<Double>.analyze(pattern: pattern) }
        return .lu(try SparseLU(factorizing: m, symbolic: realLUSymbolic!))
    }

    private func solve(_ f: RealFactor, _ rhs: Matrix<Double>) throws -> Matrix<Double> {
        switch f {
        case let .cholesky(c, negate):
            let x = try c.solve(rhs)
            return negate ? x.scaled(by: -1) : x
        case let .lu(lu):
            return try lu.solve(rhs, trans)
        }
    }

    public func solveShifted(_ p: Double, _ rhs: Matrix<Double>) throws -> Matrix<Double> {
        if let hit = realCache.first(where: { $0.0 == p }) { return try solve(hit.1, rhs) }
        let f = try factorReal(p)
        realCache.append((p, f))
        if realCache.count > cacheLimit { realCache.removeFirst() }
        return try solve(f, rhs)
    }

    public func solveShifted(_ p: Complex<Double>, _ rhs: Matrix<Complex<Double>>) throws -> Matrix<Complex<Double>> {
        if p.imaginary == 0 {
            let re = try solveShifted(p.real, rhs.realPart), im = try solveShifted(p.real, rhs.imaginaryPart)
            return try Matrix(rows: re.rows, columns: re.columns, elements: zip(re.elements, im.elements).map { Complex($0, $1) })
        }
        if let hit = complexCache.first(where: { $0.0 == p }) { return try solve(hit.1, rhs) }
        factorizationCount += 1
        let ac = a.complexified
        let ec = (e ?? SparseMatrix<Double>.identity(a.rows)).complexified
        let m = try ac.scaledAndAdded(ec, scaledBy: p)
        let f: ComplexFactor
        if try symmetricWithDefiniteRealPart() {
            // A + pE is complex symmetric with a negative definite real part (Re p ≤ 0): LDLᵀ without
            // pivoting is stable (Higham 1998) and costs a fraction of a complex LU.
            if ldltSymbolic == nil { ldltSymbolic = try SparseLDLT<Complex<Double>>.analyze(pattern: pattern.complexified) }
            f = .ldlt(try SparseLDLT(factorizing: m, symbolic: ldltSymbolic!))
        } else {
            if complexLUSymbolic == nil { complexLUSymbolic = try SparseLU<Complex<Double>>.analyze(pattern: pattern.complexified) }
            f = .lu(try SparseLU(factorizing: m, symbolic: complexLUSymbolic!))
        }
        complexCache.append((p, f))
        if complexCache.count > cacheLimit { complexCache.removeFirst() }
        return try solve(f, rhs)
    }

    private func solve(_ f: ComplexFactor, _ rhs: Matrix<Complex<Double>>) throws -> Matrix<Complex<Double>> {
        switch f {
        case .ldlt(let l): return try l.solve(rhs)  // symmetric: transposition does not matter
        case .lu(let lu): return try lu.solve(rhs, trans)
        }
    }

    /// Symmetric pencil with −A positive definite (checked once by a Cholesky factorization of −A,
    /// which the real shift p = 0 needs anyway).
    private func symmetricWithDefiniteRealPart() throws -> Bool {
        guard isSymmetric else { return false }
        if let known = negativeDefiniteA { return known }
        let f = try? factorReal(0)
        if let f { realCache.append((0, f)); if realCache.count > cacheLimit { realCache.removeFirst() } }
        if case .cholesky(_, true)? = f { negativeDefiniteA = true } else { negativeDefiniteA = false }
        return negativeDefiniteA!
    }

    public func solveE(_ rhs: Matrix<Double>) throws -> Matrix<Double> {
        guard let e else { return rhs }
        if eFactor == nil {
            factorizationCount += 1
            if isSymmetric, let c = try? SparseCholesky(factorizing: e) {
                eFactor = .cholesky(c, negate: false)
            } else {
                eFactor = .lu(try SparseLU(factorizing: e))
            }
        }
        return try solve(eFactor!, rhs)
    }
}
