// The ScaLAPACK/BLACS seam: the only file that imports CScaLAPACK, compiled with the package trait `MPI`.
// BLACS runs on MPI_COMM_WORLD, which Communicator.world() has initialized; the grid is released after each call.
#if MPI
import CScaLAPACK

/// Thin wrappers over the BLACS grid and `pdsyevd` (ScaLAPACK's divide-and-conquer symmetric eigensolver).
enum ScaLAPACKSeam {
    /// A BLACS process grid over MPI_COMM_WORLD in row-major order: `(context, myRow, myColumn)`.
    static func gridInit(rows: Int, columns: Int) -> (context: Int32, row: Int, column: Int) {
        var context: Int32 = 0
        Cblacs_get(-1, 0, &context)                       // the system default context (MPI_COMM_WORLD)
        "R".withCString { Cblacs_gridinit(&context, $0, Int32(rows), Int32(columns)) }
        var gridRows: Int32 = 0, gridColumns: Int32 = 0, row: Int32 = -1, column: Int32 = -1
        Cblacs_gridinfo(context, &gridRows, &gridColumns, &row, &column)
        return (context, Int(row), Int(column))
    }

    static func gridExit(_ context: Int32) { Cblacs_gridexit(context) }

    /// NUMROC: how many of `n` rows (or columns), dealt in blocks of `block` from process 0, process `index` of
    /// `processes` holds.
    static func localCount(_ n: Int, block: Int, index: Int, processes: Int) -> Int {
        var n32 = Int32(n), nb = Int32(block), p = Int32(index), source: Int32 = 0, count = Int32(processes)
        return Int(numroc_(&n32, &nb, &p, &source, &count))
    }

    /// DESCINIT for an `n × n` matrix in `block × block` blocks with local leading dimension `leading`.
    static func descriptor(order n: Int, block: Int, context: Int32, leading: Int) -> (descriptor: [Int32], info: Int32) {
        var descriptor = [Int32](repeating: 0, count: 9)
        var m = Int32(n), nb = Int32(block), zero: Int32 = 0, ctx = context, lld = Int32(leading), info: Int32 = 0
        descinit_(&descriptor, &m, &m, &nb, &nb, &zero, &zero, &ctx, &lld, &info)
        return (descriptor, info)
    }

    /// PDSYEVD('V', 'U'): eigenvalues ascending into `w` (all `n`, on every process), local eigenvector blocks into
    /// `z`; `a` is overwritten. Workspace by query. Returns INFO.
    static func symmetricEigen(order n: Int, a: inout [Double], descriptor: [Int32], w: inout [Double],
                               z: inout [Double]) -> Int32 {
        var n32 = Int32(n), one: Int32 = 1, info: Int32 = 0
        var query: Int32 = -1
        var workQuery = [Double](repeating: 0, count: 1), iworkQuery = [Int32](repeating: 0, count: 1)
        pdsyevd_("V", "U", &n32, &a, &one, &one, descriptor, &w, &z, &one, &one, descriptor,
                 &workQuery, &query, &iworkQuery, &query, &info, 1, 1)
        guard info == 0 else { return info }
        var lwork = Int32(max(1, Int(workQuery[0].rounded(.up)))), liwork = max(1, iworkQuery[0])
        var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        pdsyevd_("V", "U", &n32, &a, &one, &one, descriptor, &w, &z, &one, &one, descriptor,
                 &work, &lwork, &iwork, &liwork, &info, 1, 1)
        return info
    }
}
#endif
