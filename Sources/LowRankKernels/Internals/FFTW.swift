// The C seam for FFTW3: plan creation (under a lock, the planner is not thread-safe),
// a process-wide plan cache keyed by (n, kind), and execution with the new-array interface.
import CFFTW
import Foundation
import Numerics

/// The four one-dimensional transforms the package uses.
enum FFTWKind: Hashable, Sendable {
    case complexForward, complexBackward, realToComplex, complexToReal
}

/// A cached FFTW plan. Plans are created out of place on `fftw_malloc`'d arrays, so every
/// execution must also be out of place on arrays with FFTW's SIMD alignment; `FFTWBuffers` provides
/// such arrays per call. `fftw_execute_dft*` on a finished plan is thread-safe (FFTW manual §5.4).
final class FFTWPlan: @unchecked Sendable {
    let plan: fftw_plan
    init(_ plan: fftw_plan) { self.plan = plan }
    // Plans live as long as the process (cached); they are never destroyed.
}

/// Process-wide plan cache. All planner calls happen while `lock` is held.
final class FFTWPlanCache: @unchecked Sendable {
    static let shared = FFTWPlanCache()
    private let lock = NSLock()
    private var plans: [Key: FFTWPlan] = [:]

    struct Key: Hashable { let n: Int; let kind: FFTWKind }

    /// The cached plan for `(n, kind)`, created with `FFTW_ESTIMATE` on first use.
    /// Returns `nil` when FFTW cannot create a plan (size not representable or out of memory).
    func plan(n: Int, kind: FFTWKind) -> FFTWPlan? {
        lock.lock()
        defer { lock.unlock() }
        let key = Key(n: n, kind: kind)
        if let p = plans[key] { return p }
        guard n > 0, n <= Int(Int32.max) else { return nil }
        let flags = UInt32(FFTW_ESTIMATE)
        let count = n
        let complexCount = kind == .complexForward || kind == .complexBackward ? count : count / 2 + 1
        let cinOpt = fftw_alloc_complex(complexCount), coutOpt = fftw_alloc_complex(complexCount)
        let rbufOpt = fftw_alloc_real(count)
        defer { fftw_free(cinOpt); fftw_free(coutOpt); fftw_free(rbufOpt) }
        guard let cin = cinOpt, let cout = coutOpt, let rbuf = rbufOpt else { return nil }
        let raw: fftw_plan?
        switch kind {
        case .complexForward:
            raw = fftw_plan_dft_1d(Int32(n), cin, cout, FFTW_FORWARD, flags)
        case .complexBackward:
            raw = fftw_plan_dft_1d(Int32(n), cin, cout, FFTW_BACKWARD, flags)
        case .realToComplex:
            raw = fftw_plan_dft_r2c_1d(Int32(n), rbuf, cout, flags)
        case .complexToReal:
            raw = fftw_plan_dft_c2r_1d(Int32(n), cin, rbuf, flags)
        }
        guard let made = raw else { return nil }
        let p = FFTWPlan(made)
        plans[key] = p
        return p
    }
}

/// Errors at the FFTW seam, mapped to ``LinearAlgebraError`` by the callers.
enum FFTWFailure: Error { case planFailed, allocationFailed }

/// Executes a complex-to-complex plan (`kind` forward or backward) on `input`, which must have `n` elements.
func fftwExecuteComplex(_ input: [Complex<Double>], kind: FFTWKind) throws(FFTWFailure) -> [Complex<Double>] {
    let n = input.count
    guard let p = FFTWPlanCache.shared.plan(n: n, kind: kind) else { throw .planFailed }
    let inOpt = fftw_alloc_complex(n), outOpt = fftw_alloc_complex(n)
    defer { fftw_free(inOpt); fftw_free(outOpt) }
    guard let inBuf = inOpt, let outBuf = outOpt else { throw .allocationFailed }
    // Complex<Double> and fftw_complex = (Double, Double) share layout (16 bytes, re then im).
    input.withUnsafeBytes { src in
        UnsafeMutableRawPointer(inBuf).copyMemory(from: src.baseAddress!, byteCount: n * 16)
    }
    fftw_execute_dft(p.plan, inBuf, outBuf)
    return [Complex<Double>](unsafeUninitializedCapacity: n) { dst, initialized in
        UnsafeMutableRawPointer(dst.baseAddress!).copyMemory(from: UnsafeRawPointer(outBuf), byteCount: n * 16)
        initialized = n
    }
}

/// Real-to-complex forward transform of `input` (n values) → n/2 + 1 coefficients.
func fftwExecuteRealToComplex(_ input: [Double]) throws(FFTWFailure) -> [Complex<Double>] {
    let n = input.count
    let h = n / 2 + 1
    guard let p = FFTWPlanCache.shared.plan(n: n, kind: .realToComplex) else { throw .planFailed }
    let inOpt = fftw_alloc_real(n), outOpt = fftw_alloc_complex(h)
    defer { fftw_free(inOpt); fftw_free(outOpt) }
    guard let inBuf = inOpt, let outBuf = outOpt else { throw .allocationFailed }
    input.withUnsafeBufferPointer { src in inBuf.update(from: src.baseAddress!, count: n) }
    fftw_execute_dft_r2c(p.plan, inBuf, outBuf)
    return [Complex<Double>](unsafeUninitializedCapacity: h) { dst, initialized in
        UnsafeMutableRawPointer(dst.baseAddress!).copyMemory(from: UnsafeRawPointer(outBuf), byteCount: h * 16)
        initialized = h
    }
}

/// Complex-to-real backward transform of n/2 + 1 Hermitian-half coefficients → n real values.
/// FFTW's c2r destroys its input; the input here is a private scratch copy.
func fftwExecuteComplexToReal(_ input: [Complex<Double>], n: Int) throws(FFTWFailure) -> [Double] {
    let h = n / 2 + 1
    guard let p = FFTWPlanCache.shared.plan(n: n, kind: .complexToReal) else { throw .planFailed }
    let inOpt = fftw_alloc_complex(h), outOpt = fftw_alloc_real(n)
    defer { fftw_free(inOpt); fftw_free(outOpt) }
    guard let inBuf = inOpt, let outBuf = outOpt else { throw .allocationFailed }
    input.withUnsafeBytes { src in
        UnsafeMutableRawPointer(inBuf).copyMemory(from: src.baseAddress!, byteCount: h * 16)
    }
    fftw_execute_dft_c2r(p.plan, inBuf, outBuf)
    return Array(UnsafeBufferPointer(start: outBuf, count: n))
}
