/// A linear map `x ↦ A x` known through its action on blocks of vectors, so that randomized
/// and iterative algorithms work the same for dense, sparse and user-supplied operators.
public protocol MatrixOperator<Scalar> {
    associatedtype Scalar: LinearAlgebraScalar
    /// Number of rows m of A.
    var rows: Int { get }
    /// Number of columns n of A.
    var columns: Int { get }
    /// `A X` for an n×k block X.
    func applied(to x: Matrix<Scalar>) throws -> Matrix<Scalar>
    /// `Aᴴ Y` for an m×k block Y.
    func adjointApplied(to y: Matrix<Scalar>) throws -> Matrix<Scalar>
}

extension Matrix: MatrixOperator {
    public func applied(to x: Matrix) throws -> Matrix { try Matrix.product(self, .none, x, .none) }
    public func adjointApplied(to y: Matrix) throws -> Matrix { try Matrix.product(self, .adjoint, y, .none) }
}
