import Numerics
import Numerics

/// The scalar types the kernel layer computes with: `Double` and `Complex<Double>`.
///
/// Every algorithm in the package is written once, generically over this protocol; the
/// protocol's requirements bind each operation to the matching BLAS/LAPACK routine
/// (`d…` for `Double`, `z…` for `Complex<Double>`). The conformances live in `Internals/`,
/// the only place that touches C pointers.
public protocol LinearAlgebraScalar: AlgebraicField, Sendable, CustomStringConvertible
where Magnitude == Double {
    /// `true` for `Complex<Double>`.
    static var isComplex: Bool { get }
    /// Embeds a real number.
    init(real: Double)
    /// Builds `re + i·im`; the imaginary part is dropped for real scalars.
    init(real: Double, imaginary: Double)
    /// The real part.
    var realPart: Double { get }
    /// The imaginary part (0 for real scalars).
    var imaginaryPart: Double { get }
    /// The complex conjugate (identity for real scalars).
    var conjugated: Self { get }
    /// |x|² = x·conj(x).
    var modulusSquared: Double { get }
    /// |x| without overflow.
    var modulus: Double { get }
    /// `true` when neither part is NaN or infinite.
    var isFiniteValue: Bool { get }

    // The C seam. Internal use only; each maps to exactly one BLAS/LAPACK routine.
    static func _gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                      alpha: Self, a: UnsafePointer<Self>, lda: Int,
                      b: UnsafePointer<Self>, ldb: Int,
                      beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    static func _gemv(_ trans: Transpose, m: Int, n: Int, alpha: Self,
                      a: UnsafePointer<Self>, lda: Int, x: UnsafePointer<Self>,
                      beta: Self, y: UnsafeMutablePointer<Self>)
    static func _axpy(n: Int, alpha: Self, x: UnsafePointer<Self>, y: UnsafeMutablePointer<Self>)
    static func _geqrf(m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                       tau: UnsafeMutablePointer<Self>) -> Int32
    static func _orgqr(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                       tau: UnsafePointer<Self>) -> Int32
    static func _gesdd(job: CChar, m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                       s: UnsafeMutablePointer<Double>, u: UnsafeMutablePointer<Self>?, ldu: Int,
                       vt: UnsafeMutablePointer<Self>?, ldvt: Int) -> Int32
    static func _gesvd(jobu: CChar, jobvt: CChar, m: Int, n: Int, a: UnsafeMutablePointer<Self>,
                       lda: Int, s: UnsafeMutablePointer<Double>, u: UnsafeMutablePointer<Self>?,
                       ldu: Int, vt: UnsafeMutablePointer<Self>?, ldvt: Int) -> Int32
    static func _heevd(job: CChar, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                       w: UnsafeMutablePointer<Double>) -> Int32
    static func _geev(n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                      wr: UnsafeMutablePointer<Double>, wi: UnsafeMutablePointer<Double>,
                      vr: UnsafeMutablePointer<Self>?) -> Int32
    static func _gees(n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                      wr: UnsafeMutablePointer<Double>, wi: UnsafeMutablePointer<Double>,
                      vs: UnsafeMutablePointer<Self>, ldvs: Int) -> Int32
    static func _trsyl(transA: Transpose, transB: Transpose, sign: Int, m: Int, n: Int,
                       a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                       c: UnsafeMutablePointer<Self>, ldc: Int, scale: UnsafeMutablePointer<Double>) -> Int32
    static func _gesv(n: Int, nrhs: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                      ipiv: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Self>, ldb: Int) -> Int32
    static func _getrf(m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                       ipiv: UnsafeMutablePointer<Int32>) -> Int32
    static func _getrs(trans: Transpose, n: Int, nrhs: Int, a: UnsafePointer<Self>, lda: Int,
                       ipiv: UnsafePointer<Int32>, b: UnsafeMutablePointer<Self>, ldb: Int) -> Int32
    static func _potrf(n: Int, a: UnsafeMutablePointer<Self>, lda: Int) -> Int32
    static func _potrs(n: Int, nrhs: Int, a: UnsafePointer<Self>, lda: Int,
                       b: UnsafeMutablePointer<Self>, ldb: Int) -> Int32
    static func _pstrf(n: Int, a: UnsafeMutablePointer<Self>, lda: Int, piv: UnsafeMutablePointer<Int32>,
                       rank: UnsafeMutablePointer<Int32>, tol: Double) -> Int32
    static func _gels(m: Int, n: Int, nrhs: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                      b: UnsafeMutablePointer<Self>, ldb: Int) -> Int32
}

extension LinearAlgebraScalar {
    /// The multiplicative identity.
    @inlinable public static var one: Self { Self(real: 1) }
}

/// Transposition flag for BLAS-style products: `A`, `Aᵀ` or `Aᴴ` (conjugate transpose).
public enum Transpose: Sendable {
    case none, transpose, adjoint
}

extension Double: LinearAlgebraScalar {
    @inlinable public static var isComplex: Bool { false }
    @inlinable public init(real: Double) { self = real }
    @inlinable public init(real: Double, imaginary: Double) { self = real }
    @inlinable public var realPart: Double { self }
    @inlinable public var imaginaryPart: Double { 0 }
    @inlinable public var conjugated: Double { self }
    @inlinable public var modulusSquared: Double { self * self }
    @inlinable public var modulus: Double { Swift.abs(self) }
    @inlinable public var isFiniteValue: Bool { isFinite }
}

extension Complex: LinearAlgebraScalar where RealType == Double {
    @inlinable public static var isComplex: Bool { true }
    @inlinable public init(real: Double) { self.init(real, 0) }
    @inlinable public init(real: Double, imaginary: Double) { self.init(real, imaginary) }
    @inlinable public var realPart: Double { real }
    @inlinable public var imaginaryPart: Double { imaginary }
    @inlinable public var conjugated: Complex<Double> { conjugate }
    @inlinable public var modulusSquared: Double { real * real + imaginary * imaginary }
    @inlinable public var modulus: Double { length }
    @inlinable public var isFiniteValue: Bool { isFinite }
}
