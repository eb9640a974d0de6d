#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The standard-library route for the grammar of `scanDecimal` (DecimalParsing.swift), kept so that issue 13 can
// measure whether the hand-written Eisel–Lemire path still earns its place (`lowrank bench matrix-market`).
//
// The token is validated byte by byte (no digit accumulation, no tables), then converted by the C library's `strtod`
// — what Swift's `Double(Substring)` calls on Linux (`strtod_l` in the C locale), without building a `String`.
// `strtod` reads the token in place when a whitespace byte follows it inside the buffer (it stops there, since the
// token is already known to match the grammar), and from a NUL-terminated stack copy when the token ends the buffer.
// Results, ends and errors are those of `scanDecimal`: both are correctly rounded, and the syntax checks are the
// same, in the same order (a property test, FloatParserPropertyTests, compares both with `strtod`).
// Depends only on DecimalParsing.swift (`DecimalScan`, `isDigit`, `isTokenEnd`, `nonFiniteWordEnd`, `strtodFallback`).

/// ``scanDecimal(_:_:integerOnly:_:)`` with the conversion left to `strtod`.
@inline(__always)
func scanDecimalStandard(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>,
                         integerOnly: Bool) -> DecimalScan {
    var p = start
    if p < end && (p.pointee == 45 || p.pointee == 43) { p += 1 }  // '-' '+'
    let integerStart = p
    while p < end, isDigit(p.pointee) { p += 1 }
    var digits = p - integerStart
    if p < end && p.pointee == 46 {  // '.'
        if integerOnly { return .malformed(.integer) }
        p += 1
        let fractionStart = p
        while p < end, isDigit(p.pointee) { p += 1 }
        digits += p - fractionStart
    }
    if digits == 0 {
        if let q = nonFiniteWordEnd(p, end) { return .nonFinite(end: q) }
        return .malformed(integerOnly ? .integer : .number)
    }
    if p < end && (p.pointee == 101 || p.pointee == 69) {  // e E
        if integerOnly { return .malformed(.integer) }
        p += 1
        if p < end && (p.pointee == 45 || p.pointee == 43) { p += 1 }
        guard p < end, isDigit(p.pointee) else { return .malformed(.exponent) }
        while p < end, isDigit(p.pointee) { p += 1 }
    }
    if p < end && !isTokenEnd(p.pointee) {
        return .malformed(integerOnly ? .integer : .number)
    }
    let value: Double
    if p < end {
        // A whitespace byte at `p` is inside the buffer: strtod stops there.
        value = start.withMemoryRebound(to: CChar.self, capacity: p - start + 1) { strtod($0, nil) }
    } else {
        value = strtodFallback(start, p)
    }
    if !value.isFinite { return .nonFinite(end: p) }
    return .value(value, end: p)
}
