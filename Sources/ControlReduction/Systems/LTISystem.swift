import LowRankKernels
import LowRankSparse

/// A system matrix held densely or sparsely; algorithms see it through ``LyapunovOperator``.
public enum SystemMatrix: Sendable {
    case dense(Matrix<Double>)
    case sparse(SparseMatrix<Double>)

    /// Number of rows.
    public var rows: Int {
        switch self { case .dense(let m): return m.rows; case .sparse(let s): return s.rows }
    }
    /// Number of columns.
    public var columns: Int {
        switch self { case .dense(let m): return m.columns; case .sparse(let s): return s.columns }
    }
    /// `"m×n"` for messages.
    public var shapeDescription: String { "\(rows)×\(columns)" }
    /// Number of stored entries.
    public var storedEntries: Int {
        switch self { case .dense(let m): return m.rows * m.columns; case .sparse(let s): return s.nonzeroCount }
    }
    /// `true` when every entry is finite.
    public var isFinite: Bool {
        switch self { case .dense(let m): return m.isFinite; case .sparse(let s): return s.isFinite }
    }
    /// The dense form (for small systems and checks).
    public var dense: Matrix<Double> {
        switch self { case .dense(let m): return m; case .sparse(let s): return s.dense }
    }
    /// `op(M) X`.
    public func multiplied(by x: Matrix<Double>, _ trans: Transpose = .none) throws -> Matrix<Double> {
        switch self {
        case .dense(let m): return try Matrix.product(m, trans, x, .none)
        case .sparse(let s): return try s.multiplied(by: x, trans)
        }
    }
    /// `op(M) X` for complex X.
    public func multiplied(by x: Matrix<Complex<Double>>, _ trans: Transpose = .none) throws -> Matrix<Complex<Double>> {
        switch self {
        case .dense(let m): return try Matrix.product(m.complexified, trans, x, .none)
        case .sparse(let s): return try s.complexified.multiplied(by: x, trans)
        }
    }
}

/// A linear time-invariant descriptor system
///
///   E x'(t) = A x(t) + B u(t),   y(t) = C x(t) + D u(t),
///
/// with n states, m inputs and p outputs; `E = I` when absent, `D = 0` when absent.
/// Transfer function G(s) = C (sE − A)⁻¹ B + D.
public struct LTISystem: Sendable {
    /// The n×n state matrix A.
    public let a: SystemMatrix
    /// The n×m input matrix B.
    public let b: Matrix<Double>
    /// The p×n output matrix C.
    public let c: Matrix<Double>
    /// The p×m feed-through D (`nil` means zero).
    public let d: Matrix<Double>?
    /// The n×n descriptor matrix E (`nil` means the identity).
    public let e: SystemMatrix?
    /// Where each matrix came from ("A" → a file path or `file.mat:A`), for messages; empty for systems built in code.
    public let names: [String: String]

    /// The label of matrix `key` ("A", "B", …) in messages: its source when known, else the key.
    public func label(_ key: String) -> String { names[key] ?? key }

    /// Number of states n.
    public var order: Int { a.rows }
    /// Number of inputs m.
    public var inputs: Int { b.columns }
    /// Number of outputs p.
    public var outputs: Int { c.rows }

    /// Validates shapes and finiteness; `names` label the matrices in error messages
    /// (e.g. file paths).
    public init(a: SystemMatrix, b: Matrix<Double>, c: Matrix<Double>, d: Matrix<Double>? = nil,
                e: SystemMatrix? = nil, names: [String: String] = [:]) throws {
        func label(_ k: String) -> String { names[k] ?? k }
        guard a.rows == a.columns, a.rows > 0 else {
            throw LinearAlgebraError.dimensionMismatch(operation: "LTI system", lhs: "\(label("A")) \(a.shapeDescription)",
                                                       rhs: "non-empty square matrix")
        }
        let n = a.rows
        guard b.rows == n, b.columns > 0 else {
            throw LinearAlgebraError.dimensionMismatch(operation: "LTI system", lhs: "\(label("A")) \(a.shapeDescription)",
                                                       rhs: "\(label("B")) \(b.shapeDescription) (needs \(n) rows)")
        }
        guard c.columns == n, c.rows > 0 else {
            throw LinearAlgebraError.dimensionMismatch(operation: "LTI system", lhs: "\(label("A")) \(a.shapeDescription)",
                                                       rhs: "\(label("C")) \(c.shapeDescription) (needs \(n) columns)")
        }
        if let e {
            guard e.rows == n, e.columns == n else {
                throw LinearAlgebraError.dimensionMismatch(operation: "LTI system", lhs: "\(label("A")) \(a.shapeDescription)",
                                                           rhs: "\(label("E")) \(e.shapeDescription)")
            }
            guard e.isFinite else { throw LinearAlgebraError.nonFinite(argument: label("E")) }
        }
        if let d {
            guard d.rows == c.rows, d.columns == b.columns else {
                throw LinearAlgebraError.dimensionMismatch(operation: "LTI system", lhs: "\(label("D")) \(d.shapeDescription)",
                                                           rhs: "p×m = \(c.rows)×\(b.columns)")
            }
            try d.requireFinite(label("D"))
        }
        guard a.isFinite else { throw LinearAlgebraError.nonFinite(argument: label("A")) }
        try b.requireFinite(label("B"))
        try c.requireFinite(label("C"))
        self.a = a; self.b = b; self.c = c; self.d = d; self.e = e; self.names = names
    }
}
