#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Decimal-to-binary conversion for the Matrix Market reader, on raw bytes.
//
// Fast path: up to 19 significant digits are accumulated into a `UInt64` `w`, with a decimal exponent `q`, so the
// value is w·10^q. Clinger's exact fast path handles w ≤ 2^53, |q| ≤ 22; otherwise the Eisel–Lemire algorithm
// (Lemire 2021, "Number parsing at a gigabyte per second"; the fast_float library) computes the correctly rounded
// double from a 128-bit approximation of 10^q. Every case it cannot decide (more than 19 digits, subnormal results,
// the rare ambiguous product) falls back to the C library's `strtod`, so results are always correctly rounded.

/// Outcome of scanning one numeric token.
enum DecimalScan {
    /// A finite value; `end` points just past the token.
    case value(Double, end: UnsafePointer<UInt8>)
    /// The token spells NaN or infinity, or overflows to ±∞.
    case nonFinite(end: UnsafePointer<UInt8>)
    /// The token is not a decimal number of the required kind.
    case malformed(DecimalSyntaxError)
}

/// Exact powers of ten representable in a double (Clinger's fast path).
@usableFromInline let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// Why a token is not a number (a trivial enum, so the scanner's result stays cheap to return).
enum DecimalSyntaxError {
    case number, integer, exponent

    var reason: String {
        switch self {
        case .number: return "expected a number"
        case .integer: return "expected an integer"
        case .exponent: return "exponent has no digits"
        }
    }
}

/// `true` when all eight bytes of the little-endian word are ASCII digits (Lemire's SWAR test).
@inline(__always) func isEightDigits(_ v: UInt64) -> Bool {
    ((v &+ 0x4646_4646_4646_4646) | (v &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080 == 0
}

/// The value of eight ASCII digits loaded little-endian (first digit in the low byte), by three multiplications.
@inline(__always) func parseEightDigits(_ v0: UInt64) -> UInt64 {
    let mask: UInt64 = 0x0000_00FF_0000_00FF
    let mul1: UInt64 = 0x000F_4240_0000_0064  // 100 + (1000000 << 32)
    let mul2: UInt64 = 0x0000_2710_0000_0001  // 1 + (10000 << 32)
    var v = v0 &- 0x3030_3030_3030_3030
    v = (v &* 10) &+ (v >> 8)
    return (((v & mask) &* mul1) &+ (((v >> 16) & mask) &* mul2)) >> 32
}

@inline(__always) func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }

/// `true` for bytes that end a token: space, tab, CR, LF, vertical tab, form feed.
@inline(__always) func isTokenEnd(_ c: UInt8) -> Bool {
    c == 32 || c == 10 || c == 9 || c == 13 || c == 11 || c == 12
}

/// Tables the scanner needs, borrowed once per parse so the hot loop touches no global.
struct DecimalTables {
    let pow5: UnsafeBufferPointer<UInt64>
    let pow10: UnsafeBufferPointer<Double>

    /// Runs `body` with the tables pinned.
    static func with<R>(_ body: (DecimalTables) throws -> R) rethrows -> R {
        try powersOfFive128.withUnsafeBufferPointer { p5 in
            try exactPowersOfTen.withUnsafeBufferPointer { p10 in
                try body(DecimalTables(pow5: p5, pow10: p10))
            }
        }
    }
}

/// Eisel–Lemire: the correctly rounded double nearest w·10^q, or nil when it cannot decide
/// (subnormal or overflowing result, or an ambiguous truncated product) — callers then use `strtod`.
/// Requires `w != 0` and `-342 <= q <= 308`.
@inline(__always)
func eiselLemire(_ w0: UInt64, _ q: Int, _ pow5: UnsafeBufferPointer<UInt64>) -> Double? {
    let lz = w0.leadingZeroBitCount
    let w = w0 << UInt64(lz)
    let index = 2 * (q + 342)
    var (hi, lo) = w.multipliedFullWidth(by: pow5[index])
    let precisionMask: UInt64 = UInt64.max >> 55
    if hi & precisionMask == precisionMask {
        let second = w.multipliedFullWidth(by: pow5[index + 1]).high
        let (sum, overflow) = lo.addingReportingOverflow(second)
        lo = sum
        if overflow { hi &+= 1 }
    }
    if lo == UInt64.max { return nil }  // conservative: let strtod decide
    let upperbit = Int(hi >> 63)
    var mantissa = hi >> UInt64(upperbit + 9)
    var power2 = (((152170 + 65536) * q) >> 16) + 63 + upperbit - lz + 1023
    if power2 <= 0 { return nil }  // subnormal
    if lo <= 1 && q >= -4 && q <= 23 && (mantissa & 3) == 1 {
        if (mantissa << UInt64(upperbit + 9)) == hi { mantissa &= ~UInt64(1) }
    }
    mantissa &+= mantissa & 1
    mantissa >>= 1
    if mantissa >= (UInt64(2) << 52) {
        mantissa = UInt64(1) << 52
        power2 += 1
    }
    mantissa &= ~(UInt64(1) << 52)
    if power2 >= 0x7FF { return nil }  // overflow: strtod reports ±∞
    return Double(bitPattern: mantissa | (UInt64(power2) << 52))
}

/// Converts bytes `[start, end)` with the C library (always correctly rounded in glibc).
func strtodFallback(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double {
    let n = end - start
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buf in
        let base = buf.baseAddress!
        UnsafeMutableRawPointer(base).copyMemory(from: start, byteCount: n)
        base[n] = 0
        return strtod(base, nil)
    }
}

/// When `[p, end)` starts with the whole token `nan`, `inf` or `infinity` (any case), the end of that token; else nil.
/// (Both scanners call it where no digit was seen, after the sign and an optional '.'.)
@inline(__always)
func nonFiniteWordEnd(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
    var q = p
    var letters = 0
    var word: UInt64 = 0
    while q < end, !isTokenEnd(q.pointee), letters < 9 {
        word = (word << 8) | UInt64(q.pointee | 0x20)
        letters += 1
        q += 1
    }
    guard q == end || isTokenEnd(q.pointee) else { return nil }
    let nan: UInt64 = 0x6E_61_6E, inf: UInt64 = 0x69_6E_66
    let infinity: UInt64 = 0x69_6E_66_69_6E_69_74_79
    return (letters == 3 && (word == nan || word == inf)) || (letters == 8 && word == infinity) ? q : nil
}

/// Scans a decimal number starting at `p` (which must be inside `[p, end)`), ending at whitespace or `end`.
///
/// The accepted grammar is `[+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?`; with `integerOnly`,
/// `[+-]? digits`. `nan`, `inf`, `infinity` (any case, optionally signed) are reported as ``DecimalScan/nonFinite(end:)``.
@inline(__always)
func scanDecimal(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, integerOnly: Bool,
                 _ tables: DecimalTables) -> DecimalScan {
    var p = start
    // Branch-free sign handling: signs are random in typical data, so a branch would mispredict half the time.
    let first = p < end ? p.pointee : 0
    let negative = first == 45                      // '-'
    let signed = negative || first == 43            // '+'
    p += signed ? 1 : 0
    let signBit = UInt64(negative ? 1 : 0) << 63
    // Accumulate every digit into w (wrapping); if more than 19 significant digits turn up, w is discarded and
    // the slow path below converts the token with strtod.
    var w: UInt64 = 0
    let integerStart = p
    while p < end, isDigit(p.pointee) {
        w = w &* 10 &+ UInt64(p.pointee &- 48)
        p += 1
    }
    let integerDigits = p - integerStart
    var fractionDigits = 0
    var dot: UnsafePointer<UInt8>? = nil
    if p < end && p.pointee == 46 {  // '.'
        if integerOnly { return .malformed(.integer) }
        dot = p
        p += 1
        let fractionStart = p
        // Eight digits at a time (SWAR, as in fast_float), then one at a time.
        while end - p >= 8 {
            let chunk = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
            guard isEightDigits(chunk) else { break }
            w = w &* 100_000_000 &+ parseEightDigits(chunk)
            p += 8
        }
        while p < end, isDigit(p.pointee) {
            w = w &* 10 &+ UInt64(p.pointee &- 48)
            p += 1
        }
        fractionDigits = p - fractionStart
    }
    let sawDigit = integerDigits + fractionDigits > 0
    var exponent = -fractionDigits
    var tooManyDigits = false
    if integerDigits + fractionDigits > 19 {
        // Leading zeros do not count; more than 19 significant digits go to strtod.
        var q = integerStart
        while q < p, q.pointee == 48 || q.pointee == 46 { q += 1 }
        var significant = p - q
        if let dot, q < dot { significant -= 1 }  // the '.' between them
        tooManyDigits = significant > 19
    }
    if !sawDigit {
        if let q = nonFiniteWordEnd(p, end) { return .nonFinite(end: q) }
        return .malformed(integerOnly ? .integer : .number)
    }
    if p < end && (p.pointee == 101 || p.pointee == 69) {  // e E
        if integerOnly { return .malformed(.integer) }
        p += 1
        var expNegative = false
        if p < end && (p.pointee == 45 || p.pointee == 43) {
            expNegative = p.pointee == 45
            p += 1
        }
        guard p < end, isDigit(p.pointee) else { return .malformed(.exponent) }
        var e = 0
        while p < end, isDigit(p.pointee) {
            if e < 1 << 40 { e = e * 10 + Int(p.pointee &- 48) }
            p += 1
        }
        exponent += expNegative ? -e : e
    }
    if p < end && !isTokenEnd(p.pointee) {
        return .malformed(integerOnly ? .integer : .number)
    }
    let q = exponent
    var value: Double
    if w == 0 && !tooManyDigits {
        value = 0
    } else if !tooManyDigits && w <= (UInt64(1) << 53) && q >= -22 && q <= 22 {
        value = Double(w)
        if q < 0 { value /= tables.pow10[-q] } else { value *= tables.pow10[q] }
    } else if !tooManyDigits && q >= -342 && q <= 308, let v = eiselLemire(w, q, tables.pow5) {
        value = v
    } else {
        value = strtodFallback(signed ? start + 1 : start, p)
        if !value.isFinite { return .nonFinite(end: p) }
    }
    return .value(Double(bitPattern: value.bitPattern | signBit), end: p)
}

/// Scans a non-negative decimal integer (Matrix Market sizes and indices); nil on syntax error or overflow.
@inline(__always)
func scanIndex(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (Int, UnsafePointer<UInt8>)? {
    var p = start
    if p < end && p.pointee == 43 { p += 1 }
    guard p < end, isDigit(p.pointee) else { return nil }
    var v = 0
    while p < end, isDigit(p.pointee) {
        let (m, o1) = v.multipliedReportingOverflow(by: 10)
        let (a, o2) = m.addingReportingOverflow(Int(p.pointee &- 48))
        if o1 || o2 { return nil }
        v = a
        p += 1
    }
    if p < end && !isTokenEnd(p.pointee) { return nil }
    return (v, p)
}
