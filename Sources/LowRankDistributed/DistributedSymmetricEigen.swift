/// The eigendecomposition `A = Z diag(w) Zᵀ` of a real symmetric matrix by ScaLAPACK's `pdsyevd` (divide and
/// conquer; Blackford et al., *ScaLAPACK Users' Guide*, SIAM 1997; Tisseur & Dongarra, SIAM J. Sci. Comput. 20,
/// 2223 (1999)) over the ranks of a ``Communicator``.
///
/// Layout: a BLACS grid of `pr × pc = P` processes (`pr` the largest divisor of `P` not above √P), and `A` dealt
/// 2-D block-cyclically in `nb × nb` blocks from process (0, 0), `nb = min(64, ⌈n / pc⌉)` unless given. Every rank passes the whole matrix
/// (replicated input, as the CLI's ranks each read the same FCIDUMP) and keeps only its blocks; the eigenvectors come
/// back whole on every rank (each rank contributes its blocks to one all-reduce), so the caller continues serially.
/// Eigenvalues are ascending, as LAPACK's `dsyevd`. Signs of eigenvectors and the basis inside degenerate
/// eigenspaces are the solver's, like LAPACK's.
public enum DistributedSymmetricEigen {
    /// The largest ScaLAPACK block size used (rows and columns of one distribution block).
    public static let maximumBlockSize = 64

    /// The block size for a matrix of order `n` on `processes` ranks: `min(64, ⌈n / pc⌉)`, so every grid column
    /// holds at least one block.
    public static func blockSize(order n: Int, processes: Int) -> Int {
        let columns = grid(processes).columns
        return max(1, min(maximumBlockSize, (n + columns - 1) / columns))
    }

    /// Whether a matrix of this order is distributed over `communicator`: MPI with more than one rank, and at least
    /// 16 rows per grid column. Smaller matrices are cheaper in LAPACK on every rank.
    public static func isWorthDistributing(order: Int, communicator: Communicator) -> Bool {
        communicator.size > 1 && communicator.usesMPI && order >= 16 * grid(communicator.size).columns
    }

    /// The `pr × pc` process grid for `processes` ranks: `pr` the largest divisor not above √P.
    public static func grid(_ processes: Int) -> (rows: Int, columns: Int) {
        var rows = 1
        var candidate = 1
        while candidate * candidate <= processes {
            if processes % candidate == 0 { rows = candidate }
            candidate += 1
        }
        return (rows, processes / rows)
    }

    /// Eigenvalues (ascending) and eigenvectors (column-major `order × order`) of the symmetric matrix `elements`
    /// (column-major; only the upper triangle is read), computed by `pdsyevd` on every rank of `communicator`.
    ///
    /// - Throws: ``CommunicatorError/invalidArgument(function:reason:)`` for a wrong element count, a communicator
    ///   without MPI, or a ScaLAPACK INFO ≠ 0 (the same on every rank); MPI errors of the final all-reduce.
    public static func eigendecomposition(_ elements: [Double], order: Int, communicator: Communicator,
                                          blockSize requestedBlockSize: Int? = nil)
        throws(CommunicatorError) -> (eigenvalues: [Double], eigenvectors: [Double]) {
        let blockSize = requestedBlockSize ?? Self.blockSize(order: order, processes: communicator.size)
        guard order >= 1, elements.count == order * order, blockSize >= 1 else {
            throw .invalidArgument(function: "pdsyevd",
                                   reason: "\(elements.count) elements for order \(order), block size \(blockSize)")
        }
        #if MPI
        guard communicator.usesMPI else {
            throw .invalidArgument(function: "pdsyevd", reason: "the communicator is not backed by MPI")
        }
        let (gridRows, gridColumns) = grid(communicator.size)
        let (context, myRow, myColumn) = ScaLAPACKSeam.gridInit(rows: gridRows, columns: gridColumns)
        defer { ScaLAPACKSeam.gridExit(context) }
        let localRows = ScaLAPACKSeam.localCount(order, block: blockSize, index: myRow, processes: gridRows)
        let localColumns = ScaLAPACKSeam.localCount(order, block: blockSize, index: myColumn, processes: gridColumns)
        let leading = max(1, localRows)
        let (descriptor, descriptorInfo) = ScaLAPACKSeam.descriptor(order: order, block: blockSize, context: context,
                                                                    leading: leading)
        guard descriptorInfo == 0 else {
            throw .invalidArgument(function: "descinit", reason: "INFO = \(descriptorInfo)")
        }
        // Global row of local row `localRow` for this process row (block-cyclic from process 0).
        func globalIndex(_ local: Int, _ process: Int, _ processes: Int) -> Int {
            (local / blockSize) * blockSize * processes + process * blockSize + local % blockSize
        }
        let rowsOfMine = (0..<localRows).map { globalIndex($0, myRow, gridRows) }
        let columnsOfMine = (0..<localColumns).map { globalIndex($0, myColumn, gridColumns) }
        var local = [Double](repeating: 0, count: leading * max(1, localColumns))
        elements.withUnsafeBufferPointer { pa in
            local.withUnsafeMutableBufferPointer { pl in
                for (localColumn, column) in columnsOfMine.enumerated() {
                    let source = column * order, target = localColumn * leading
                    for (localRow, row) in rowsOfMine.enumerated() { pl[target + localRow] = pa[source + row] }
                }
            }
        }
        var eigenvalues = [Double](repeating: 0, count: order)
        var localVectors = [Double](repeating: 0, count: local.count)
        let info = ScaLAPACKSeam.symmetricEigen(order: order, a: &local, descriptor: descriptor, w: &eigenvalues,
                                                z: &localVectors)
        // INFO is the same on every process (pdsyevd reduces it), so all ranks throw together.
        guard info == 0 else { throw .invalidArgument(function: "pdsyevd", reason: "INFO = \(info)") }
        // Each rank places its blocks in a zero matrix; the sum over ranks is the whole matrix (x + 0 = x exactly).
        var whole = [Double](repeating: 0, count: order * order)
        localVectors.withUnsafeBufferPointer { pz in
            whole.withUnsafeMutableBufferPointer { pw in
                for (localColumn, column) in columnsOfMine.enumerated() {
                    let source = localColumn * leading, target = column * order
                    for (localRow, row) in rowsOfMine.enumerated() { pw[target + row] = pz[source + localRow] }
                }
            }
        }
        return (eigenvalues, try communicator.allreduceSum(whole))
        #else
        throw .invalidArgument(function: "pdsyevd", reason: "this build has no MPI (build with --traits MPI)")
        #endif
    }
}
