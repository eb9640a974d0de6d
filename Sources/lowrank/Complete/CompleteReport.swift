import Foundation

/// A JSON value that is written as `null` when absent (the `complete` contract spells out its null keys).
struct Nullable<T: Encodable>: Encodable {
    let value: T?
    init(_ value: T?) { self.value = value }
    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if let value { try c.encode(value) } else { try c.encodeNil() }
    }
}

/// The JSON document of `lowrank complete` (keys as the issue spells them).
struct CompleteReport: Encodable {
    struct Iteration: Encodable {
        let iteration: Int
        let objective: Double
        let trainRmse: Nullable<Double>
        let testRmse: Nullable<Double>
        let seconds: Double
    }
    struct GridPoint: Encodable {
        let rank: Int
        let lambda: Double
        let cvRmse: Double
        let cvMae: Double
    }
    struct Best: Encodable { let rank: Int; let lambda: Double; let cvRmse: Double; let cvMae: Double }
    struct Recommendation: Encodable { let item: String; let score: Double }

    let method: String
    let users: Int
    let items: Int
    let ratings: Int
    let rank: Int
    let lambda: Double
    let lambdaScale: Nullable<String>
    /// ALS only: the Gram accumulation, "double" or "mixed" (absent for other methods).
    let precision: String?
    let threads: Int
    let iterations: [Iteration]
    let testRmse: Nullable<Double>
    let testMae: Nullable<Double>
    let testUnseen: Nullable<Int>
    /// Implicit feedback only (absent otherwise); null without a test set.
    let k: Int?
    let precisionAtK: Nullable<Double>?
    let ndcgAtK: Nullable<Double>?
    /// Soft-Impute only.
    let certificate: Double?
    /// The range test predictions were clipped to (explicit methods; absent with --no-clip).
    let clip: [Double]?
    let grid: [GridPoint]?
    let best: Best?
    var recommendations: [Recommendation]?
    let seconds: Double
    /// Distributed runs only (`mpirun -np N`, N > 1): the number of ranks, the bytes all ranks sent (setup, the
    /// iterations and the final gather), and the bytes per iteration (the quantity of docs/SCALING.md).
    var ranks: Int?
    var bytesCommunicated: Int?
    var bytesPerIteration: Int?
}
