#if canImport(Glibc)
import Glibc
#endif
import LowRankKernels
import CCHOLMOD

// The CHOLMOD seam (Chen, Davis, Hager, Rajamanickam 2008, "Algorithm 887: CHOLMOD, supernodal sparse Cholesky
// factorization and update/downdate", ACM TOMS 35(3)). Debian 12 ships CHOLMOD 3.0 (SuiteSparse 5.x): the
// `cholmod_*` routines take `int` (Int32) indices, `cholmod_l_*` 64-bit ones; this seam uses the former.

/// A `cholmod_common` with its lifetime (`cholmod_start` … `cholmod_finish`) and a lock.
///
/// `@unchecked Sendable`: CHOLMOD's common holds workspace that every call mutates, so every use goes through
/// `withCommon`, which serialises callers with a mutex.
final class CHOLMODContext: @unchecked Sendable {
    private let common: UnsafeMutablePointer<cholmod_common>
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init(supernodal: Int32 = Int32(CHOLMOD_SUPERNODAL)) throws {
        common = .allocate(capacity: 1)
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        guard cholmod_start(common) != 0 else {
            common.deallocate()
            pthread_mutex_destroy(mutex)
            mutex.deallocate()
            throw LinearAlgebraError.sparseSolver(library: "CHOLMOD", status: -1, message: "cholmod_start failed")
        }
        common.pointee.print = 0                          // no printing from the library
        common.pointee.supernodal = supernodal              // CHOLMOD_SIMPLICIAL, CHOLMOD_AUTO or CHOLMOD_SUPERNODAL
        common.pointee.final_ll = 1                         // L Lᵀ also when simplicial: indefinite input fails
    }

    func withCommon<R>(_ body: (UnsafeMutablePointer<cholmod_common>) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(common)
    }

    deinit {
        cholmod_finish(common)
        common.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }
}

/// A real symmetric sparse matrix as CHOLMOD views it: our CSC arrays in `Int32`, `stype = -1` (only the lower
/// triangle is referenced; the upper one is ignored).
struct CHOLMODMatrix: Sendable, Equatable {
    let n: Int
    let p: [Int32]
    let i: [Int32]
    let x: [Double]

    init(_ a: SparseMatrix<Double>, operation: String) throws {
        try validateForInt32SparseSolver(a, library: "CHOLMOD", operation: operation)
        try a.requireFinite("A")
        n = a.rows
        p = a.columnPointers.map { Int32(truncatingIfNeeded: $0) }
        i = a.rowIndices.map { Int32(truncatingIfNeeded: $0) }
        x = a.values
    }

    /// Runs `body` with a `cholmod_sparse` header pointing at these arrays (no copy; CHOLMOD only reads them).
    func withSparse<R>(_ body: (UnsafeMutablePointer<cholmod_sparse>) throws -> R) rethrows -> R {
        var pp = p, ii = i, xx = x
        return try pp.withUnsafeMutableBufferPointer { pb in
            try ii.withUnsafeMutableBufferPointer { ib in
                try xx.withUnsafeMutableBufferPointer { xb in
                    var s = cholmod_sparse()
                    s.nrow = n
                    s.ncol = n
                    s.nzmax = max(ib.count, 1)
                    s.p = UnsafeMutableRawPointer(pb.baseAddress)
                    s.i = UnsafeMutableRawPointer(ib.baseAddress)
                    s.nz = nil
                    s.x = UnsafeMutableRawPointer(xb.baseAddress)
                    s.z = nil
                    s.stype = -1
                    s.itype = CHOLMOD_INT
                    s.xtype = CHOLMOD_REAL
                    s.dtype = CHOLMOD_DOUBLE
                    s.sorted = 1
                    s.packed = 1
                    return try body(&s)
                }
            }
        }
    }
}

func cholmodError(_ routine: String, _ common: UnsafeMutablePointer<cholmod_common>) -> LinearAlgebraError {
    let status = Int(common.pointee.status)
    let message: String
    switch common.pointee.status {
    case CHOLMOD_OUT_OF_MEMORY: message = "out of memory"
    case CHOLMOD_TOO_LARGE: message = "problem too large"
    case CHOLMOD_INVALID: message = "invalid input"
    case CHOLMOD_NOT_INSTALLED: message = "method not installed"
    case CHOLMOD_GPU_PROBLEM: message = "GPU problem"
    case CHOLMOD_NOT_POSDEF: message = "matrix not positive definite"
    case CHOLMOD_DSMALL: message = "diagonal entry very small"
    default: message = "failed"
    }
    return .sparseSolver(library: "CHOLMOD", status: status, message: "\(routine): \(message)")
}

/// Owns a symbolic CHOLMOD factor (from `cholmod_analyze`: the fill-reducing ordering and supernodal
/// structure) and the context it was made in.
///
/// `@unchecked Sendable`: the factor is never modified after analysis (numeric factorizations work on copies made
/// with `cholmod_copy_factor`), and all CHOLMOD calls go through the context's lock.
final class CHOLMODSymbolicObject: @unchecked Sendable {
    static func code(_ m: SparseCholesky.Method) -> Int32 {
        switch m {
        case .supernodal: return Int32(CHOLMOD_SUPERNODAL)
        case .simplicial: return Int32(CHOLMOD_SIMPLICIAL)
        case .automatic: return Int32(CHOLMOD_AUTO)
        }
    }

    let context: CHOLMODContext
    let factor: UnsafeMutablePointer<cholmod_factor>
    let n: Int
    let p: [Int32]
    let i: [Int32]

    init(_ a: SparseMatrix<Double>, supernodal: Int32 = Int32(CHOLMOD_SUPERNODAL)) throws {
        let m = try CHOLMODMatrix(a, operation: "SparseCholesky.analyze")
        let context = try CHOLMODContext(supernodal: supernodal)
        self.context = context
        n = m.n
        p = m.p
        i = m.i
        factor = try context.withCommon { c in
            guard let l = m.withSparse({ cholmod_analyze($0, c) }) else { throw cholmodError("cholmod_analyze", c) }
            return l
        }
    }

    /// The fill-reducing permutation chosen by `cholmod_analyze` (row k of the factor is row `perm[k]` of A).
    var permutation: [Int] {
        guard let perm = factor.pointee.Perm?.assumingMemoryBound(to: Int32.self) else { return Array(0..<n) }
        return (0..<n).map { Int(perm[$0]) }
    }

    deinit {
        context.withCommon { c in
            var l: UnsafeMutablePointer<cholmod_factor>? = factor
            _ = cholmod_free_factor(&l, c)
        }
    }
}

/// Owns a numeric CHOLMOD factor `L` (supernodal `L Lᵀ` of `P A Pᵀ`).
///
/// `@unchecked Sendable`: immutable after `cholmod_factorize`; solves run under the context's lock.
final class CHOLMODNumericObject: @unchecked Sendable {
    let symbolic: CHOLMODSymbolicObject
    let factor: UnsafeMutablePointer<cholmod_factor>

    var n: Int { symbolic.n }

    init(_ a: SparseMatrix<Double>, symbolic: CHOLMODSymbolicObject) throws {
        let m = try CHOLMODMatrix(a, operation: "SparseCholesky(factorizing:)")
        guard m.n == symbolic.n, m.p == symbolic.p, m.i == symbolic.i else {
            throw LinearAlgebraError.invalidArgument(
                argument: "symbolic", reason: "the sparsity pattern differs from the analysed one")
        }
        self.symbolic = symbolic
        factor = try symbolic.context.withCommon { c in
            guard let l = cholmod_copy_factor(symbolic.factor, c) else { throw cholmodError("cholmod_copy_factor", c) }
            let ok = m.withSparse { cholmod_factorize($0, l, c) }
            let status = c.pointee.status
            if ok == 0 || status < CHOLMOD_OK {
                let error = cholmodError("cholmod_factorize", c)
                var lp: UnsafeMutablePointer<cholmod_factor>? = l
                _ = cholmod_free_factor(&lp, c)
                throw error
            }
            if status == CHOLMOD_NOT_POSDEF || l.pointee.minor < l.pointee.n {
                let order = Int(l.pointee.minor) + 1
                var lp: UnsafeMutablePointer<cholmod_factor>? = l
                _ = cholmod_free_factor(&lp, c)
                throw LinearAlgebraError.notPositiveDefinite(routine: "cholmod_factorize", order: order)
            }
            return l
        }
    }

    /// Solves `A X = B` for `nrhs` columns of length `n` (column-major), writing `X` into `x`.
    func solve(_ b: UnsafePointer<Double>, into x: UnsafeMutablePointer<Double>, columns nrhs: Int) throws {
        try symbolic.context.withCommon { c in
            var d = cholmod_dense()
            d.nrow = n
            d.ncol = nrhs
            d.nzmax = n * nrhs
            d.d = n
            d.x = UnsafeMutableRawPointer(mutating: b)
            d.z = nil
            d.xtype = CHOLMOD_REAL
            d.dtype = CHOLMOD_DOUBLE
            guard let result = cholmod_solve(CHOLMOD_A, factor, &d, c) else {
                throw cholmodError("cholmod_solve", c)
            }
            var r: UnsafeMutablePointer<cholmod_dense>? = result
            defer { _ = cholmod_free_dense(&r, c) }
            x.update(from: result.pointee.x.assumingMemoryBound(to: Double.self), count: n * nrhs)
        }
    }

    deinit {
        symbolic.context.withCommon { c in
            var l: UnsafeMutablePointer<cholmod_factor>? = factor
            _ = cholmod_free_factor(&l, c)
        }
    }
}


