// Stand-ins for the LowRankKernels types that NumPy.swift and NDArray.swift use, so that scripts/fuzz-npy can compile
// the reader alone (-D NUMPY_FUZZ drops their `import Numerics`). Only what the reader touches is modelled.

public protocol LinearAlgebraScalar: Sendable, Equatable, AdditiveArithmetic {
    static var isComplex: Bool { get }
    init(real: Double)
    init(real: Double, imaginary: Double)
    var realPart: Double { get }
    var imaginaryPart: Double { get }
}

extension Double: LinearAlgebraScalar {
    public static var isComplex: Bool { false }
    public init(real: Double) { self = real }
    public init(real: Double, imaginary: Double) { self = real }
    public var realPart: Double { self }
    public var imaginaryPart: Double { 0 }
}

/// A complex number with the two parts the reader stores (ColumnMajorLayout names `Complex<Double>`).
public struct Complex<RealType: Sendable & Equatable>: Sendable, Equatable {
    public var re: Double, im: Double
}

extension Complex: AdditiveArithmetic where RealType == Double {
    public static var zero: Complex { Complex(re: 0, im: 0) }
    public static func + (a: Complex, b: Complex) -> Complex { Complex(re: a.re + b.re, im: a.im + b.im) }
    public static func - (a: Complex, b: Complex) -> Complex { Complex(re: a.re - b.re, im: a.im - b.im) }
}

extension Complex: LinearAlgebraScalar where RealType == Double {
    public static var isComplex: Bool { true }
    public init(real: Double) { self.init(re: real, im: 0) }
    public init(real: Double, imaginary: Double) { self.init(re: real, im: imaginary) }
    public var realPart: Double { re }
    public var imaginaryPart: Double { im }
}

public struct Matrix<Scalar: LinearAlgebraScalar> {
    public var rows: Int, columns: Int, elements: [Scalar]
    init(uncheckedRows rows: Int, columns: Int, elements: [Scalar]) {
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }
}

public enum LinearAlgebraError: Error {
    case dimensionMismatch(operation: String, lhs: String, rhs: String)
    case invalidArgument(argument: String, reason: String)
}
