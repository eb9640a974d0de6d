import LowRankKernels

/// Loads a dense matrix from a file, real or complex according to its header.
enum MatrixFile {
    enum Loaded { case real(Matrix<Double>), complex(Matrix<Complex<Double>>) }
    static func load(_ path: String) throws -> Loaded {
        throw LinearAlgebraError.invalidArgument(argument: path, reason: "reader not yet available")
    }
}
