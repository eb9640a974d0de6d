import Numerics
/// Products and element-wise arithmetic. Every product goes through BLAS (`gemm`/`gemv`).
extension Matrix {
    /// General product `op(A) · op(B)` with `op` ∈ {identity, transpose, adjoint}
    /// (BLAS `dgemm`/`zgemm`; cost 2mnk flops).
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public static func product(_ a: Matrix, _ transA: Transpose = .none,
                               _ b: Matrix, _ transB: Transpose = .none,
                               alpha: Scalar = .one) throws -> Matrix {
        let (m, ka) = transA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        guard ka == kb else {
            throw LinearAlgebraError.dimensionMismatch(operation: "matrix product",
                                                       lhs: "op(A) \(m)×\(ka)", rhs: "op(B) \(kb)×\(n)")
        }
        var c = Matrix(rows: m, columns: n)
        if m == 0 || n == 0 { return c }
        if ka == 0 { return c }
        if n == 1 {
            // Matrix–vector: BLAS gemv reads op(A) once; gemm would pack it first (2× the memory traffic).
            let x = transB == .adjoint && Scalar.isComplex ? b.elements.map { $0.conjugated } : b.elements
            a.elements.withUnsafeBufferPointer { pa in
                x.withUnsafeBufferPointer { px in
                    c.elements.withUnsafeMutableBufferPointer { pc in
                        Scalar._gemv(transA, m: a.rows, n: a.columns, alpha: alpha, a: pa.baseAddress!,
                                     lda: Swift.max(1, a.rows), x: px.baseAddress!, beta: .zero, y: pc.baseAddress!)
                    }
                }
            }
            return c
        }
        try multiplyAdd(a, transA, b, transB, alpha: alpha, beta: .zero, into: &c)
        return c
    }

    /// In-place general product `C ← α op(A) op(B) + β C` (BLAS `gemm` writing into existing storage,
    /// so repeated products and accumulations allocate nothing).
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public static func multiplyAdd(_ a: Matrix, _ transA: Transpose = .none, _ b: Matrix, _ transB: Transpose = .none,
                                   alpha: Scalar = .one, beta: Scalar = .zero, into c: inout Matrix) throws {
        let (m, ka) = transA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        guard ka == kb, c.rows == m, c.columns == n else {
            throw LinearAlgebraError.dimensionMismatch(operation: "multiplyAdd",
                                                       lhs: "op(A) \(m)×\(ka) · op(B) \(kb)×\(n)",
                                                       rhs: "C \(c.shapeDescription)")
        }
        if m == 0 || n == 0 { return }
        if ka == 0 { c = c.scaled(by: beta); return }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    Scalar._gemm(transA, transB, m: m, n: n, k: ka, alpha: alpha,
                                 a: pa.baseAddress!, lda: Swift.max(1, a.rows),
                                 b: pb.baseAddress!, ldb: Swift.max(1, b.rows),
                                 beta: beta, c: pc.baseAddress!, ldc: Swift.max(1, m))
                }
            }
        }
    }

    /// `A · B`; throws on mismatched inner dimensions.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func multiplied(by other: Matrix) throws -> Matrix { try Matrix.product(self, .none, other, .none) }

    /// `Aᴴ · B` (for real matrices `Aᵀ · B`).
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func adjointMultiplied(by other: Matrix) throws -> Matrix {
        try Matrix.product(self, .adjoint, other, .none)
    }

    /// Matrix–vector product `y = op(A) x` (BLAS `gemv`).
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func apply(_ x: [Scalar], _ trans: Transpose = .none) throws -> [Scalar] {
        let (m, n) = trans == .none ? (rows, columns) : (columns, rows)
        guard x.count == n else {
            throw LinearAlgebraError.dimensionMismatch(operation: "matrix-vector product",
                                                       lhs: "op(A) \(m)×\(n)", rhs: "x of length \(x.count)")
        }
        var y = [Scalar](repeating: .zero, count: m)
        if m == 0 || n == 0 { return y }
        elements.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    Scalar._gemv(trans, m: rows, n: columns, alpha: .one, a: pa.baseAddress!,
                                 lda: Swift.max(1, rows), x: px.baseAddress!, beta: .zero, y: py.baseAddress!)
                }
            }
        }
        return y
    }

    /// `A + B` element-wise; throws on shape mismatch.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func adding(_ other: Matrix, scaledBy alpha: Scalar = .one) throws -> Matrix {
        guard rows == other.rows, columns == other.columns else {
            throw LinearAlgebraError.dimensionMismatch(operation: "matrix addition", lhs: shapeDescription,
                                                       rhs: other.shapeDescription)
        }
        var c = self
        if elements.isEmpty { return c }
        other.elements.withUnsafeBufferPointer { px in
            c.elements.withUnsafeMutableBufferPointer { py in
                Scalar._axpy(n: elements.count, alpha: alpha, x: px.baseAddress!, y: py.baseAddress!)
            }
        }
        return c
    }

    /// `A − B` element-wise; throws on shape mismatch.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func subtracting(_ other: Matrix) throws -> Matrix {
        try adding(other, scaledBy: Scalar(real: -1))
    }

    /// `α · A`.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func scaled(by alpha: Scalar) -> Matrix {
        Matrix(uncheckedRows: rows, columns: columns, elements: elements.map { $0 * alpha })
    }

    /// Scales column `j` by `d[j]`, i.e. `A · diag(d)`, in place.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public mutating func scaleColumns(by d: [Double]) {
        let m = rows
        elements.withUnsafeMutableBufferPointer { p in
            for j in 0..<Swift.min(columns, d.count) {
                let s = Scalar(real: d[j])
                for i in 0..<m { p[i + j * m] *= s }
            }
        }
    }

    /// Scales row `i` by `d[i]`, i.e. `diag(d) · A`, in place.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public mutating func scaleRows(by d: [Double]) {
        let m = rows
        let scale = d.map { Scalar(real: $0) }
        elements.withUnsafeMutableBufferPointer { p in
            for j in 0..<columns { for i in 0..<Swift.min(m, d.count) { p[i + j * m] *= scale[i] } }
        }
    }

    /// The Gram matrix Aᴴ A (columns × columns, both triangles filled). For real matrices one BLAS `dsyrk`, half
    /// the flops of the GEMM `Matrix.product(a, .adjoint, a, .none)`, which complex matrices use.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func gram() throws -> Matrix {
        guard let real = self as? Matrix<Double> else { return try Matrix.product(self, .adjoint, self, .none) }
        let n = columns, k = rows
        var g = Matrix<Double>(rows: n, columns: n)
        real.elements.withUnsafeBufferPointer { pa in
            g.elements.withUnsafeMutableBufferPointer { pg in
                guard let a = pa.baseAddress, let c = pg.baseAddress else { return }
                BufferBLAS.syrkLower(n: n, k: k, a: a, lda: k, c: c, ldc: n, transposed: true)
                BufferBLAS.mirrorLower(n: n, c: c, ldc: n)
            }
        }
        guard let result = g as? Matrix<Scalar> else { return try Matrix.product(self, .adjoint, self, .none) }
        return result
    }

    /// The Frobenius norm ‖A‖_F = (Σ |aᵢⱼ|²)^½, computed with scaling to avoid overflow.
    public var frobeniusNorm: Double { Vector.norm(elements) }

    /// The largest absolute entry max |aᵢⱼ|.
    public var maxAbs: Double { elements.reduce(0) { Swift.max($0, $1.modulus) } }

    public static func * (lhs: Matrix, rhs: Matrix) throws -> Matrix { try lhs.multiplied(by: rhs) }
    public static func + (lhs: Matrix, rhs: Matrix) throws -> Matrix { try lhs.adding(rhs) }
    public static func - (lhs: Matrix, rhs: Matrix) throws -> Matrix { try lhs.subtracting(rhs) }
    public static func * (lhs: Scalar, rhs: Matrix) -> Matrix { rhs.scaled(by: lhs) }
}

/// Helpers on plain arrays used as vectors.
public enum Vector {
    /// Euclidean norm (Σ|xᵢ|²)^½. A plain sum of squares when it stays in range, otherwise the scaled
    /// accumulation of LAPACK `dnrm2`, so it neither overflows nor underflows. NaN when an entry is NaN.
    @inlinable
    public static func norm<S: LinearAlgebraScalar, C: Collection>(_ x: C) -> Double where C.Element == S {
        var plain = 0.0
        for v in x { plain += v.modulusSquared }
        if plain == 0 || (plain > 1e-290 && plain < 1e290) || plain.isNaN { return plain.squareRoot() }
        var scale = 0.0, ssq = 1.0
        @inline(__always) func add(_ part: Double) {
            guard part != 0 else { return }
            let a = Swift.abs(part)
            if scale < a { ssq = 1 + ssq * (scale / a) * (scale / a); scale = a } else { ssq += (a / scale) * (a / scale) }
        }
        for v in x { add(v.realPart); add(v.imaginaryPart) }
        return scale * ssq.squareRoot()
    }

    /// Inner product xᴴy (conjugating the first argument).
    public static func dot<S: LinearAlgebraScalar>(_ x: [S], _ y: [S]) -> S {
        var s = S.zero
        for i in 0..<Swift.min(x.count, y.count) { s += x[i].conjugated * y[i] }
        return s
    }
}
