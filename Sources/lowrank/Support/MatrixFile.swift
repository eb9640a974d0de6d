import LowRankKernels
import LowRankIO

/// Loads a dense matrix from a Matrix Market (`.mtx`) or NumPy (`.npy`) file, real or complex
/// according to the file's own header.
enum MatrixFile {
    enum Loaded { case real(Matrix<Double>), complex(Matrix<Complex<Double>>) }

    static func load(_ path: String) throws -> Loaded {
        if path.hasSuffix(".npy") {
            if let real = try? NumPy.readMatrix(path, as: Double.self) { return .real(real) }
            return .complex(try NumPy.readMatrix(path, as: Complex<Double>.self))
        }
        let doc = try MatrixMarket.readDocument(path)
        if doc.isComplex { return .complex(try MatrixMarket.dense(doc, as: Complex<Double>.self, name: path)) }
        return .real(try MatrixMarket.dense(doc, as: Double.self, name: path))
    }
}
