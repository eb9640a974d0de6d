/// Controls the number of threads OpenBLAS uses for BLAS and LAPACK calls.
///
/// `OPENBLAS_NUM_THREADS` sets the initial value; benchmarks compare at equal thread counts.
public enum BLASThreads {
    /// The number of threads OpenBLAS currently uses.
    public static var count: Int { OpenBLAS.threadCount }
    /// Sets the number of OpenBLAS threads (values below 1 are treated as 1).
    public static func set(_ n: Int) { OpenBLAS.setThreadCount(Int32(Swift.max(1, n))) }
    /// OpenBLAS's build description (version, kernel, threading model).
    public static var configuration: String { OpenBLAS.configuration }
}
