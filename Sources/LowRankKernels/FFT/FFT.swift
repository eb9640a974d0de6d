import Numerics

/// One-dimensional discrete Fourier transforms computed by FFTW3 (Frigo & Johnson 2005,
/// "The design and implementation of FFTW3", Proc. IEEE 93(2)).
///
/// **Convention (FFTW's, unnormalized).** For a sequence x₀ … xₙ₋₁
/// - forward:  Xₖ = Σⱼ xⱼ · e^{−2πi·jk/n},
/// - backward: xⱼ = Σₖ Xₖ · e^{+2πi·jk/n},
///
/// so `backward(forward(x)) = n · x`; divide by n yourself where the inverse is wanted.
/// Cost O(n log n) for every n, primes included (FFTW switches to Rader/Bluestein).
///
/// Plans are created with `FFTW_ESTIMATE` on first use of each (n, kind), under a process-wide
/// lock (the FFTW planner is not thread-safe), and cached for the life of the process; executing a
/// cached plan is thread-safe, so the functions here may be called concurrently. Each call copies its
/// input into `fftw_malloc`'d (SIMD-aligned) scratch arrays, so inputs are never modified.
public enum FFT {
    /// Complex forward DFT Xₖ = Σⱼ xⱼ e^{−2πi jk/n} (FFTW `FFTW_FORWARD`, unnormalized).
    ///
    /// An empty input gives an empty output. Throws ``LinearAlgebraError/invalidArgument(argument:reason:)``
    /// when n exceeds FFTW's 32-bit size limit or FFTW cannot plan or allocate.
    public static func forward(_ x: [Complex<Double>]) throws -> [Complex<Double>] {
        if x.isEmpty { return [] }
        return try mapFailure(n: x.count) { () throws(FFTWFailure) in
            try fftwExecuteComplex(x, kind: .complexForward)
        }
    }

    /// Complex backward DFT xⱼ = Σₖ Xₖ e^{+2πi jk/n} (FFTW `FFTW_BACKWARD`, unnormalized:
    /// `backward(forward(x)) = n·x`).
    public static func backward(_ x: [Complex<Double>]) throws -> [Complex<Double>] {
        if x.isEmpty { return [] }
        return try mapFailure(n: x.count) { () throws(FFTWFailure) in
            try fftwExecuteComplex(x, kind: .complexBackward)
        }
    }

    /// Real-input forward DFT: the n/2 + 1 (integer division) non-redundant coefficients
    /// Xₖ = Σⱼ xⱼ e^{−2πi jk/n}, k = 0 … n/2; the rest follow from X₍ₙ₋ₖ₎ = conj(Xₖ)
    /// (FFTW `fftw_plan_dft_r2c_1d`, unnormalized).
    public static func realForward(_ x: [Double]) throws -> [Complex<Double>] {
        if x.isEmpty { return [] }
        return try mapFailure(n: x.count) { () throws(FFTWFailure) in
            try fftwExecuteRealToComplex(x)
        }
    }

    /// Backward DFT of a Hermitian sequence given by its first n/2 + 1 coefficients, returning the n
    /// real values xⱼ = Σₖ Xₖ e^{+2πi jk/n} (FFTW `fftw_plan_dft_c2r_1d`, unnormalized:
    /// `realBackward(realForward(x), count: n) = n·x`). The imaginary parts of X₀ and, for even n,
    /// X_{n/2} are ignored, as in FFTW.
    ///
    /// - Parameter count: the length n of the real output; `x.count` must equal `count / 2 + 1`.
    public static func realBackward(_ x: [Complex<Double>], count n: Int) throws -> [Double] {
        guard n >= 0 else {
            throw LinearAlgebraError.invalidArgument(argument: "count", reason: "negative length \(n)")
        }
        if n == 0 {
            guard x.isEmpty else {
                throw LinearAlgebraError.dimensionMismatch(operation: "FFT.realBackward", lhs: "count 0",
                                                           rhs: "\(x.count) coefficients")
            }
            return []
        }
        guard x.count == n / 2 + 1 else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "FFT.realBackward", lhs: "count \(n) needs \(n / 2 + 1) coefficients",
                rhs: "\(x.count) coefficients")
        }
        return try mapFailure(n: n) { () throws(FFTWFailure) in
            try fftwExecuteComplexToReal(x, n: n)
        }
    }

    /// The smallest integer ≥ `n` whose prime factors are all in {2, 3, 5, 7}: FFTW is fastest on such
    /// sizes, so padded transforms (convolutions, Toeplitz products) use them.
    public static func goodSize(atLeast n: Int) -> Int {
        if n <= 1 { return 1 }
        var best = Int.max
        var p2 = 1
        while p2 < 2 * n {
            var p3 = p2
            while p3 < 2 * n {
                var p5 = p3
                while p5 < 2 * n {
                    var p7 = p5
                    while p7 < 2 * n {
                        if p7 >= n && p7 < best { best = p7 }
                        p7 *= 7
                    }
                    p5 *= 5
                }
                p3 *= 3
            }
            p2 *= 2
        }
        return best
    }

    private static func mapFailure<T>(n: Int, _ body: () throws(FFTWFailure) -> T) throws -> T {
        guard n <= Int(Int32.max) else {
            throw LinearAlgebraError.invalidArgument(
                argument: "x", reason: "length \(n) exceeds FFTW's 32-bit transform size limit")
        }
        do {
            return try body()
        } catch .planFailed {
            throw LinearAlgebraError.invalidArgument(argument: "x", reason: "FFTW could not plan a transform of size \(n)")
        } catch .allocationFailed {
            throw LinearAlgebraError.invalidArgument(argument: "x", reason: "FFTW could not allocate buffers for size \(n)")
        }
    }
}
