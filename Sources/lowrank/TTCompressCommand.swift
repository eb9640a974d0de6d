import ArgumentParser
import Foundation
import LowRankKernels
import LowRankIO
import QuantumLowRank

/// `lowrank tt-compress FILE.npy --tolerance ε`: the TT-SVD of a NumPy array, with its TT ranks, storage
/// and the measured relative error.
struct TTCompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tt-compress",
        abstract: "Compress a NumPy .npy array into a tensor train by TT-SVD and report its ranks and error.",
        discussion: """
            TT-SVD (Oseledets, SIAM J. Sci. Comput. 33 (2011) 2295, Alg. 1): each unfolding is truncated to the \
            smallest rank whose discarded Frobenius tail is at most δ = ε/√(d−1)·‖A‖_F, so that \
            ‖A − TT‖_F ≤ ε‖A‖_F. The array (float64 or complex128, C or Fortran order, any rank ≥ 1) is read \
            densely; the reported relative error is measured against it. compression_ratio is \
            storage/dense_storage (below 1 means the tensor train is smaller).
            """)

    @Argument(help: "NumPy .npy file (float64 or complex128, rank ≥ 1).")
    var file: String

    @Option(parsing: .unconditional, help: "Relative Frobenius error target ε ≥ 0: ‖A − TT‖_F ≤ ε‖A‖_F.")
    var tolerance: Double

    @Flag(help: "Print JSON instead of a human summary.")
    var json = false

    @OptionGroup var common: CommonOptions

    /// Input the TT-SVD cannot take, named by file.
    enum InputError: Error, CustomStringConvertible {
        /// A 0-d array (NumPy shape `()`): a scalar has no axes to split.
        case scalar(file: String)
        /// An axis of extent 0: there is nothing to compress.
        case emptyAxis(file: String, shape: [Int])
        /// The array holds NaN or ±Inf.
        case nonFinite(file: String)

        var description: String {
            switch self {
            case let .scalar(file):
                return "\(file): a 0-d array (shape ()) has no axes to split into a tensor train; need rank ≥ 1"
            case let .emptyAxis(file, shape):
                return "\(file): shape \(shape) has an axis of extent 0; nothing to compress"
            case let .nonFinite(file):
                return "\(file): the array holds NaN or infinite values"
            }
        }
    }

    /// The JSON report; keys are converted to snake_case.
    struct Report: Encodable {
        let file: String
        let dtype: String
        let shape: [Int]
        let tolerance: Double
        let ttRanks: [Int]
        let storage: Int
        let denseStorage: Int
        let compressionRatio: Double
        let relativeError: Double
        /// (Σ_k discarded tail_k²)^½ / ‖A‖_F, the a-priori bound on the error (≤ ε).
        let errorBound: Double
        let seconds: Double
    }

    func validate() throws {
        guard tolerance >= 0, tolerance.isFinite else {
            throw ValidationError("--tolerance must be finite and ≥ 0 (got \(tolerance))")
        }
    }

    func run() throws {
        try Output.reportingErrors {
            common.apply()
            let start = DispatchTime.now()
            let report: Report
            do {
                report = try compress(try NumPy.read(file, as: Double.self), dtype: "float64", start: start)
            } catch NumPyError.typeMismatch {
                report = try compress(try NumPy.read(file, as: Complex<Double>.self), dtype: "complex128", start: start)
            }
            if json { try Output.printJSON(report) } else { printHuman(report) }
        }
    }

    /// Validates the array (rank ≥ 1, no empty axis, finite), runs TT-SVD and measures ‖A − TT‖_F/‖A‖_F densely.
    func compress<S: LinearAlgebraScalar>(_ array: NDArray<S>, dtype: String, start: DispatchTime) throws -> Report {
        guard array.rank >= 1 else { throw InputError.scalar(file: file) }
        guard array.shape.allSatisfy({ $0 > 0 }) else { throw InputError.emptyAxis(file: file, shape: array.shape) }
        guard array.elements.allSatisfy({ $0.realPart.isFinite && $0.imaginaryPart.isFinite }) else {
            throw InputError.nonFinite(file: file)
        }
        // TT-SVD holds the array, the unfolding being factorized and its SVD factors, and the dense check (≈ 4 copies).
        try MemoryBudget.require(4 * Double(array.elements.count) * Double(MemoryLayout<S>.stride),
                                 for: "TT-SVD of a \(array.shape.map(String.init).joined(separator: "×")) array")
        let a = Tensor(array)
        let (tt, reports) = try TensorTrain.decomposeWithReports(a, relativeError: tolerance)
        let norm = a.norm
        let residual = try a.adding(try tt.dense(), scaledBy: S(real: -1)).norm
        let bound = reports.reduce(0) { $0 + $1.discardedWeight }.squareRoot()
        return Report(file: file, dtype: dtype, shape: array.shape, tolerance: tolerance, ttRanks: tt.ranks,
                      storage: tt.storage, denseStorage: tt.fullSize, compressionRatio: tt.compressionRatio,
                      relativeError: norm > 0 ? residual / norm : 0, errorBound: norm > 0 ? bound / norm : 0,
                      seconds: secondsSince(start))
    }

    func printHuman(_ r: Report) {
        print("\(r.file): shape \(r.shape.map(String.init).joined(separator: " × ")) (\(r.dtype)), ε = \(fmt(r.tolerance))")
        print("TT ranks: \(r.ttRanks.map(String.init).joined(separator: ", ")) (max \(r.ttRanks.max() ?? 1))")
        print("storage \(r.storage) vs \(r.denseStorage) numbers (ratio \(fmt(r.compressionRatio)))")
        print("relative error ‖A − TT‖_F/‖A‖_F = \(fmt(r.relativeError, 6)) (bound \(fmt(r.errorBound, 6)) ≤ ε)")
        print(String(format: "%.3f s", r.seconds))
    }
}
