import LowRankDistributed
import LowRankKernels

// MARK: - Column providers

/// A symmetric positive semidefinite supermatrix that hands out its diagonal and single columns on demand.
///
/// For electron-repulsion integrals the matrix is the pair-space supermatrix `M[(pq),(rs)] = (pq|rs)`
/// (chemist notation, no scaling) over the packed pair index
/// `pairIndex(p, q) = P(P+1)/2 + Q`, `P = max(p, q)`, `Q = min(p, q)` (0-based), so `dimension = n(n+1)/2`.
/// The pivoted Cholesky decomposition (Beebe & Linderberg, Int. J. Quantum Chem. 12, 683 (1977);
/// Koch, Sánchez de Merás & Pedersen, J. Chem. Phys. 118, 9481 (2003)) only ever requests the diagonal
/// and the pivot columns, so an integral engine can compute those columns without forming `M`.
public protocol SupermatrixColumnProvider {
    /// The order of the (square) supermatrix.
    var dimension: Int { get }
    /// The diagonal `M[i, i]`, `dimension` entries.
    func diagonal() throws -> [Double]
    /// Column `j` of the supermatrix, `dimension` entries.
    func column(_ j: Int) throws -> [Double]
    /// Rows `rows` of column `j` (a distributed decomposition asks each rank for its slice only). The default
    /// slices ``column(_:)``.
    func column(_ j: Int, rows: Range<Int>) throws -> [Double]
}

extension SupermatrixColumnProvider {
    /// Rows `rows` of ``column(_:)``.
    public func column(_ j: Int, rows: Range<Int>) throws -> [Double] {
        let whole = try column(j)
        guard rows.lowerBound >= 0, rows.upperBound <= whole.count else {
            throw LinearAlgebraError.invalidArgument(argument: "rows", reason: "\(rows) outside 0..<\(whole.count)")
        }
        return Array(whole[rows])
    }
}

/// A ``SupermatrixColumnProvider`` backed by a dense, explicitly stored symmetric matrix.
public struct DenseSupermatrix: SupermatrixColumnProvider, Sendable {
    /// The stored supermatrix (square, symmetric).
    public let matrix: Matrix<Double>

    /// Wraps a square matrix; throws ``LinearAlgebraError`` when it is not square or not finite.
    public init(_ matrix: Matrix<Double>) throws {
        guard matrix.isSquare else {
            throw LinearAlgebraError.dimensionMismatch(operation: "DenseSupermatrix", lhs: matrix.shapeDescription,
                                                       rhs: "square matrix")
        }
        try matrix.requireFinite("supermatrix")
        self.matrix = matrix
    }

    /// The order of the matrix.
    public var dimension: Int { matrix.rows }

    /// The diagonal entries.
    public func diagonal() throws -> [Double] { matrix.diagonalEntries }

    /// Column `j` (a copy of the contiguous column-major storage).
    public func column(_ j: Int) throws -> [Double] {
        guard j >= 0, j < matrix.columns else {
            throw LinearAlgebraError.invalidArgument(argument: "j", reason: "column \(j) outside 0..<\(matrix.columns)")
        }
        return Array(matrix.column(j))
    }

    /// Rows `rows` of column `j`, copied straight from the storage.
    public func column(_ j: Int, rows: Range<Int>) throws -> [Double] {
        guard j >= 0, j < matrix.columns, rows.lowerBound >= 0, rows.upperBound <= matrix.rows else {
            throw LinearAlgebraError.invalidArgument(argument: "j, rows",
                                                     reason: "column \(j), rows \(rows) outside \(matrix.shapeDescription)")
        }
        return matrix.elements.withUnsafeBufferPointer { Array($0[(j * matrix.rows + rows.lowerBound)..<(j * matrix.rows + rows.upperBound)]) }
    }
}

// MARK: - Pivoted Cholesky

/// Diagonal-pivoted incomplete Cholesky decomposition `M ≈ L Lᵀ` of a positive semidefinite supermatrix.
///
/// Algorithm (Beebe & Linderberg 1977; Koch et al., J. Chem. Phys. 118, 9481 (2003)): `d = diag(M)`;
/// repeat { `k = argmax d`; stop when `d[k] < tolerance`;
/// `L[:, m] = (M[:, k] − L[:, :m] L[k, :m]ᵀ) / √d[k]`; `d −= L[:, m]²` }. No ½ factor: `M ≈ L Lᵀ`.
/// Only the diagonal and the pivot columns are requested from the provider.
/// Because the residual `R = M − L Lᵀ` is positive semidefinite, `max |R_ij| = max_i R_ii`, so the stopping
/// rule bounds the max-abs error by `tolerance`. In packed pair space the max-abs error and the vector count
/// equal those of the full `n² × n²` supermatrix (the same elements).
public enum PivotedCholesky {
    /// How ``Result/maxAbsError`` is obtained.
    public enum ErrorMeasure: Sendable, Equatable {
        /// The largest residual diagonal `max_i (M − L Lᵀ)_ii` tracked during the decomposition.
        /// For a PSD residual this equals the max-abs error up to round-off; no extra columns are requested.
        case residualDiagonal
        /// `max_ij |M_ij − (L Lᵀ)_ij|` computed exactly against every provider column (BLAS `dgemm`,
        /// requests all `dimension` columns).
        case exact
    }

    /// Failures specific to the decomposition.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// The supermatrix is not positive semidefinite beyond round-off: after `step` vectors the residual
        /// diagonal at index `index` is `value`, below `−threshold` (threshold = 1e-10 · max |diag M|, at least 1e-14).
        case notPositiveSemidefinite(index: Int, value: Double, step: Int, threshold: Double)

        /// A one-line explanation naming the offending index and residual diagonal.
        public var description: String {
            switch self {
            case let .notPositiveSemidefinite(index, value, step, threshold):
                return "supermatrix is not positive semidefinite: residual diagonal \(value) at index \(index) "
                    + "after \(step) Cholesky vectors (allowed round-off −\(threshold))"
            }
        }
    }

    /// The outcome of ``decompose(_:tolerance:errorMeasure:maxVectors:)``.
    public struct Result: Sendable {
        /// The Cholesky vectors as columns, `dimension × count` (pair space for ERIs): `M ≈ L Lᵀ`.
        public let vectors: Matrix<Double>
        /// Number of vectors `K`.
        public var count: Int { vectors.columns }
        /// `max_ij |M − L Lᵀ|_ij`, obtained as stated by ``errorMeasure``.
        public let maxAbsError: Double
        /// How ``maxAbsError`` was obtained.
        public let errorMeasure: ErrorMeasure
        /// The largest residual diagonal when the decomposition stopped (tracked; < tolerance).
        public let maxResidualDiagonal: Double
        /// The pivot (row/column) indices in the order they were chosen, `count` entries.
        public let pivots: [Int]
        /// The most negative residual diagonal seen (0 when none went negative); within round-off.
        public let mostNegativeDiagonal: Double
        /// The tolerance the decomposition stopped at.
        public let tolerance: Double
    }

    /// Decomposes `provider`'s supermatrix until the largest residual diagonal is below `tolerance`
    /// (references.json convention; `1e-6` by default).
    ///
    /// Distributed (`communicator` with several ranks): the pair index is split into contiguous row ranges, one per
    /// rank. Each step, every rank finds the arg-max of its residual diagonal and one MPI_MAXLOC all-reduce picks
    /// the pivot (the same one as serially: the largest value, the lowest index among ties; the same reduction
    /// checks the previous step's most negative diagonal). The pivot's owner broadcasts its row of `L`, and each
    /// rank computes its rows of the new vector and of the residual diagonal with the serial arithmetic, so the
    /// vectors equal the serial ones bit for bit. The vectors are gathered on every rank at the end.
    ///
    /// - Parameters:
    ///   - errorMeasure: ``ErrorMeasure/residualDiagonal`` (default: only the diagonal and pivot columns are
    ///     requested) or ``ErrorMeasure/exact``.
    ///   - maxVectors: an optional cap on the number of vectors.
    ///   - communicator: the ranks to share the rows over; ``Communicator/single()`` (default) is the serial run.
    /// - Throws: ``Failure/notPositiveSemidefinite(index:value:step:threshold:)`` for an indefinite matrix,
    ///   ``LinearAlgebraError`` for bad arguments or provider output, ``CommunicatorError`` from MPI.
    public static func decompose(_ provider: some SupermatrixColumnProvider, tolerance: Double = 1e-6,
                                 errorMeasure: ErrorMeasure = .residualDiagonal,
                                 maxVectors: Int? = nil, communicator: Communicator = .single()) throws -> Result {
        guard tolerance.isFinite, tolerance >= 0 else {
            throw LinearAlgebraError.invalidArgument(argument: "tolerance", reason: "must be finite and ≥ 0")
        }
        let dim = provider.dimension
        let fullDiagonal = try provider.diagonal()
        guard fullDiagonal.count == dim else {
            throw LinearAlgebraError.dimensionMismatch(operation: "PivotedCholesky.diagonal", lhs: "\(dim)",
                                                       rhs: "\(fullDiagonal.count) entries")
        }
        guard fullDiagonal.allSatisfy({ $0.isFinite }) else { throw LinearAlgebraError.nonFinite(argument: "diagonal") }
        let cap = Swift.min(dim, Swift.max(0, maxVectors ?? dim))
        let scale = fullDiagonal.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
        let psdThreshold = Swift.max(1e-10 * scale, 1e-14)
        var mostNegative = 0.0
        if let i = fullDiagonal.indices.min(by: { fullDiagonal[$0] < fullDiagonal[$1] }), fullDiagonal[i] < 0 {
            if fullDiagonal[i] < -psdThreshold {
                throw Failure.notPositiveSemidefinite(index: i, value: fullDiagonal[i], step: 0, threshold: psdThreshold)
            }
            mostNegative = fullDiagonal[i]
        }
        // This rank's rows of the pair index: contiguous ranges, the first `dim % size` ranks one row longer.
        let ranks = communicator.size
        func firstRow(of rank: Int) -> Int { rank * (dim / ranks) + Swift.min(rank, dim % ranks) }
        let mine = firstRow(of: communicator.rank)..<firstRow(of: communicator.rank + 1)
        let rows = mine.count
        func owner(of row: Int) -> Int {   // the inverse of firstRow: long ranges first, then short ones
            let short = dim / ranks, longRows = (short + 1) * (dim % ranks)
            return row < longRows ? row / (short + 1) : dim % ranks + (row - longRows) / short
        }
        var d = Array(fullDiagonal[mine])
        // This rank's rows of the vectors, column-major (leading dimension `rows`), grown in chunks so
        // L[:, :m] stays one contiguous block.
        var capacity = Swift.min(cap, Swift.max(16, dim / 8))
        var l = [Double](repeating: 0, count: rows * capacity)
        var pivots: [Int] = []
        var row = [Double](repeating: 0, count: Swift.max(cap, 1))
        var m = 0
        var maxDiag = try globalMax(d, communicator)
        // The previous step's most negative residual diagonal (this rank's rows), checked in the next reduction.
        var pending: (value: Double, index: Int, pivot: Int)?
        func settle(_ worst: Double, _ worstIndex: Int, pivot: Int) throws {
            if worstIndex >= 0 && worstIndex != pivot {
                if worst < -psdThreshold {
                    throw Failure.notPositiveSemidefinite(index: worstIndex, value: worst, step: m,
                                                          threshold: psdThreshold)
                }
                mostNegative = Swift.min(mostNegative, worst)
            }
        }
        while m < cap {
            // arg-max of the residual diagonal (this rank's rows), then over ranks with the previous step's check
            var localPivot = -1
            var localBest = -Double.infinity
            d.withUnsafeBufferPointer { pd in
                for i in 0..<rows where pd[i] > localBest { localBest = pd[i]; localPivot = mine.lowerBound + i }
            }
            let reduced = try communicator.allreduceMaxLoc([(-(pending?.value ?? 0), pending?.index ?? -1),
                                                            (localBest, localPivot)])
            if let previous = pending { try settle(-reduced[0].value, reduced[0].index, pivot: previous.pivot) }
            pending = nil
            let best = reduced[1].value, k = reduced[1].index
            maxDiag = best
            if !(best >= tolerance) || best <= 0 { break }
            var col = try provider.column(k, rows: mine)
            guard col.count == rows else {
                throw LinearAlgebraError.dimensionMismatch(operation: "PivotedCholesky.column", lhs: "\(rows)",
                                                           rhs: "\(col.count) entries")
            }
            if m == capacity {
                let newCapacity = Swift.min(cap, capacity * 2)
                l.append(contentsOf: repeatElement(0.0, count: rows * (newCapacity - capacity)))
                capacity = newCapacity
            }
            // L[k, :m], from the rank that holds row k
            let pivotOwner = owner(of: k)
            if pivotOwner == communicator.rank {
                let localK = k - mine.lowerBound
                l.withUnsafeBufferPointer { pl in for j in 0..<m { row[j] = pl[localK + j * rows] } }
            }
            if ranks > 1 {
                let shared = try communicator.broadcast(pivotOwner == communicator.rank ? Array(row[0..<m]) : [],
                                                        root: pivotOwner)
                for j in 0..<m { row[j] = shared[j] }
            }
            let inv = 1 / best.squareRoot()
            l.withUnsafeMutableBufferPointer { pl in
                row.withUnsafeMutableBufferPointer { pr in
                    col.withUnsafeMutableBufferPointer { pc in
                        // col -= L[:, :m] · L[k, :m]ᵀ  (column-wise axpy on contiguous columns)
                        var j = 0
                        while j + 4 <= m {
                            let a0 = pr[j], a1 = pr[j + 1], a2 = pr[j + 2], a3 = pr[j + 3]
                            let c0 = j * rows, c1 = c0 + rows, c2 = c1 + rows, c3 = c2 + rows
                            for i in 0..<rows {
                                pc[i] -= a0 * pl[c0 + i] + a1 * pl[c1 + i] + a2 * pl[c2 + i] + a3 * pl[c3 + i]
                            }
                            j += 4
                        }
                        while j < m {
                            let a = pr[j], c = j * rows
                            for i in 0..<rows { pc[i] -= a * pl[c + i] }
                            j += 1
                        }
                        let base = m * rows
                        for i in 0..<rows { pl[base + i] = pc[i] * inv }
                    }
                }
            }
            var worst = 0.0, worstIndex = -1
            l.withUnsafeBufferPointer { pl in
                d.withUnsafeMutableBufferPointer { pd in
                    let base = m * rows
                    for i in 0..<rows {
                        let v = pl[base + i]
                        pd[i] -= v * v
                        if pd[i] < worst { worst = pd[i]; worstIndex = mine.lowerBound + i }
                    }
                    // exact in exact arithmetic; avoids re-pivoting on round-off
                    if mine.contains(k) { pd[k - mine.lowerBound] = 0 }
                }
            }
            pivots.append(k)
            m += 1
            pending = (worst, worstIndex, k)
            if m == cap { maxDiag = try globalMax(d, communicator) }
        }
        if let previous = pending {
            let reduced = try communicator.allreduceMaxLoc(value: -previous.value, index: previous.index)
            try settle(-reduced.value, reduced.index, pivot: previous.pivot)
        }
        if dim > 0 && m == 0 { maxDiag = try globalMax(d, communicator) }
        l.removeSubrange((m * rows)...)
        let vectors = try gatherRows(l, rows: rows, columns: m, dimension: dim, communicator: communicator)
        let residual = Swift.max(0, maxDiag)
        var error = residual
        if errorMeasure == .exact {
            error = try exactMaxAbsError(provider, vectors: vectors)
        }
        return Result(vectors: vectors, maxAbsError: error, errorMeasure: errorMeasure,
                      maxResidualDiagonal: maxDiag, pivots: pivots, mostNegativeDiagonal: mostNegative,
                      tolerance: tolerance)
    }

    /// The largest entry over every rank's `values` (0 when there are none anywhere).
    private static func globalMax(_ values: [Double], _ communicator: Communicator) throws -> Double {
        let mine = values.max() ?? -Double.infinity
        let all = communicator.size > 1 ? try communicator.allreduceMax([mine])[0] : mine
        return all == -Double.infinity ? 0 : all
    }

    /// The whole `dimension × columns` matrix from each rank's contiguous rows (column-major blocks, rank order).
    private static func gatherRows(_ local: [Double], rows: Int, columns: Int, dimension: Int,
                                   communicator: Communicator) throws -> Matrix<Double> {
        guard communicator.size > 1 else { return try Matrix(rows: dimension, columns: columns, elements: local) }
        let blocks = try communicator.allgatherv(local)
        let counts = try communicator.allgatherv([Int64(rows)])
        var whole = [Double](repeating: 0, count: dimension * columns)
        var offset = 0, firstRow = 0
        for blockRows in counts.map(Int.init) {
            for column in 0..<columns {
                for row in 0..<blockRows { whole[firstRow + row + column * dimension] = blocks[offset + row + column * blockRows] }
            }
            offset += blockRows * columns
            firstRow += blockRows
        }
        return try Matrix(rows: dimension, columns: columns, elements: whole)
    }

    /// `max_ij |M_ij − (V Vᵀ)_ij|` against every column of `provider` (blocks of columns, BLAS `dgemm`).
    public static func exactMaxAbsError(_ provider: some SupermatrixColumnProvider,
                                        vectors: Matrix<Double>) throws -> Double {
        let dim = provider.dimension
        guard vectors.rows == dim else {
            throw LinearAlgebraError.dimensionMismatch(operation: "exactMaxAbsError", lhs: "\(dim)",
                                                       rhs: vectors.shapeDescription)
        }
        if dim == 0 { return 0 }
        let block = 256
        var worst = 0.0
        var start = 0
        let vt = vectors.transposed // K × dim: rows of V as contiguous columns
        while start < dim {
            let end = Swift.min(dim, start + block)
            let approx: Matrix<Double>
            if vectors.columns == 0 {
                approx = Matrix(rows: dim, columns: end - start)
            } else {
                approx = try Matrix.product(vectors, .none, vt.columns(start..<end), .none)
            }
            for j in start..<end {
                let col = try provider.column(j)
                approx.elements.withUnsafeBufferPointer { pa in
                    let base = (j - start) * dim
                    for i in 0..<dim { worst = Swift.max(worst, Swift.abs(col[i] - pa[base + i])) }
                }
            }
            start = end
        }
        return worst
    }
}
