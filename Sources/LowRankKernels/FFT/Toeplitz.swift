import Numerics

/// An m × n Toeplitz matrix T, constant along each diagonal: Tᵢⱼ = c[i − j] for i ≥ j and
/// Tᵢⱼ = r[j − i] for j ≥ i, given its first column c (length m) and first row r (length n),
/// with r[0] = c[0].
///
/// Products use the classical circulant embedding (Golub & Van Loan, *Matrix Computations*, 4th ed.,
/// §4.8.2; Strang 1986): T is the leading m × n block of a circulant C of order N ≥ m + n − 1 whose
/// first column is v = (c₀, …, c_{m−1}, 0, …, 0, r_{n−1}, …, r₁); C = F⁻¹ diag(F v) F, so
/// `T x` costs two FFTs of length N, O((m + n) log(m + n)), against O(mn) for the dense product.
/// The spectrum F v is computed once, at construction. N is the smallest 7-smooth number
/// ≥ m + n − 1 (see ``FFT/goodSize(atLeast:)``).
public struct ToeplitzMatrix<Scalar: LinearAlgebraScalar>: Sendable {
    /// Number of rows m.
    public let rows: Int
    /// Number of columns n.
    public let columns: Int
    /// The first column c (length m).
    public let firstColumn: [Scalar]
    /// The first row r (length n); `firstRow[0] == firstColumn[0]`.
    public let firstRow: [Scalar]
    /// The circulant order N ≥ m + n − 1 used for products.
    public let embeddingSize: Int
    /// F v, the forward DFT of the circulant's first column.
    private let spectrum: [Complex<Double>]

    /// Creates the Toeplitz matrix with first column `column` and first row `row`.
    ///
    /// Throws ``LinearAlgebraError/invalidArgument(argument:reason:)`` when either is empty or when
    /// `row[0] != column[0]` (the corner entry must be given consistently), and
    /// ``LinearAlgebraError/nonFinite(argument:)`` on NaN/Inf entries.
    public init(firstColumn column: [Scalar], firstRow row: [Scalar]) throws {
        guard !column.isEmpty else {
            throw LinearAlgebraError.invalidArgument(argument: "firstColumn", reason: "must not be empty")
        }
        guard !row.isEmpty else {
            throw LinearAlgebraError.invalidArgument(argument: "firstRow", reason: "must not be empty")
        }
        guard row[0] == column[0] else {
            throw LinearAlgebraError.invalidArgument(
                argument: "firstRow",
                reason: "firstRow[0] = \(row[0]) differs from firstColumn[0] = \(column[0]); they are the same entry T₀₀")
        }
        guard column.allSatisfy(\.isFiniteValue) else { throw LinearAlgebraError.nonFinite(argument: "firstColumn") }
        guard row.allSatisfy(\.isFiniteValue) else { throw LinearAlgebraError.nonFinite(argument: "firstRow") }
        let m = column.count, n = row.count
        let size = FFT.goodSize(atLeast: m + n - 1)
        var v = [Complex<Double>](repeating: .zero, count: size)
        for k in 0..<m { v[k] = Complex(column[k].realPart, column[k].imaginaryPart) }
        for j in 1..<n { v[size - j] = Complex(row[j].realPart, row[j].imaginaryPart) }
        self.rows = m
        self.columns = n
        self.firstColumn = column
        self.firstRow = row
        self.embeddingSize = size
        self.spectrum = try FFT.forward(v)
    }

    /// The symmetric Toeplitz matrix with first column = first row = `c` (for complex `c` this is complex
    /// symmetric, Tᵀ = T, not Hermitian).
    public init(symmetric c: [Scalar]) throws {
        try self.init(firstColumn: c, firstRow: c)
    }

    /// The entry Tᵢⱼ; `(i, j)` must lie inside the matrix.
    public subscript(i: Int, j: Int) -> Scalar {
        i >= j ? firstColumn[i - j] : firstRow[j - i]
    }

    /// The dense m × n matrix (O(mn) memory; for checks and small problems).
    public var dense: Matrix<Scalar> {
        var a = Matrix<Scalar>(rows: rows, columns: columns)
        for j in 0..<columns { for i in 0..<rows { a[i, j] = self[i, j] } }
        return a
    }

    /// The product y = T x by circulant embedding and FFT, O((m + n) log(m + n)).
    ///
    /// Throws ``LinearAlgebraError/dimensionMismatch(operation:lhs:rhs:)`` when `x.count != columns`.
    /// Rounding: the error is O(ε log N · ‖c‖·‖x‖), not the O(ε) per-entry error of the dense product.
    public func apply(_ x: [Scalar]) throws -> [Scalar] {
        guard x.count == columns else {
            throw LinearAlgebraError.dimensionMismatch(operation: "Toeplitz matrix-vector product",
                                                       lhs: "T \(rows)×\(columns)", rhs: "x of length \(x.count)")
        }
        var padded = [Complex<Double>](repeating: .zero, count: embeddingSize)
        for j in 0..<columns { padded[j] = Complex(x[j].realPart, x[j].imaginaryPart) }
        var fx = try FFT.forward(padded)
        for k in 0..<embeddingSize { fx[k] *= spectrum[k] }
        let y = try FFT.backward(fx)
        let scale = 1 / Double(embeddingSize)
        return (0..<rows).map { Scalar(real: y[$0].real * scale, imaginary: y[$0].imaginary * scale) }
    }

    /// The product Y = T X, column by column (each column costs O((m + n) log(m + n))).
    public func apply(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard x.rows == columns else {
            throw LinearAlgebraError.dimensionMismatch(operation: "Toeplitz matrix product",
                                                       lhs: "T \(rows)×\(columns)", rhs: "X \(x.shapeDescription)")
        }
        var out = [Scalar]()
        out.reserveCapacity(rows * x.columns)
        for j in 0..<x.columns { out += try apply(Array(x.column(j))) }
        return try Matrix(rows: rows, columns: x.columns, elements: out)
    }
}
