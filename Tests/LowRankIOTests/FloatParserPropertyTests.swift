import Foundation
import Testing
@testable import LowRankIO
import LowRankKernels

/// Issue 13: both decimal scanners of the Matrix Market reader — the hand-written Eisel–Lemire one (`scanDecimal`)
/// and the standard one (`scanDecimalStandard`, syntax check then `strtod`) — against glibc `strtod` (correctly
/// rounded) on seeded random decimal strings and a list of hard cases from the literature.
///
/// `FLOAT_PARSER_CASES` sets the number of random strings (default 10⁵; `scripts/check-float-parser` runs 10⁷ in a
/// release build), `FLOAT_PARSER_SEED` the seed (default 13). Every string is checked with both scanners, alternately
/// at the end of the buffer and followed by a newline (the scanners' two ways of reaching the token's end).
@Suite struct FloatParserPropertyTests {
    static var cases: Int {
        ProcessInfo.processInfo.environment["FLOAT_PARSER_CASES"].flatMap { Int($0) } ?? 100_000
    }
    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["FLOAT_PARSER_SEED"].flatMap { UInt64($0) } ?? 13
    }

    /// What a random string exercises.
    enum Kind: String, CaseIterable {
        case plain          // shortest / %.17g / %.Ne / %f renderings of random doubles, short mantissas
        case longDigits     // 17–40 significant digits
        case wideExponent   // exponents −400…+400: overflow to ∞, underflow to 0, subnormals
        case subnormal      // random subnormals and strings near 4.9e-324
        case halfway        // exact decimal midpoints of adjacent doubles, just above, just below, truncated
        case longExponent   // exponents with many leading zeros, 20-digit exponents, compensated leading zeros
        case integer        // integer fields (integerOnly), 1–40 digits
        case mutated        // a valid string with one byte changed: both scanners must fail (or succeed) alike
    }

    /// Hard cases from the literature (Clinger 1990; Paxson 1991; the PHP/Java 2.2250738585072011e-308 hangs;
    /// Lemire, "Number parsing at a gigabyte per second", 2021, and the fast_float tests; Go's strconv tests).
    static let hardCases: [String] = [
        "0", "-0", "+0", "0.0", "-0.0", "0e0", "0e-999", ".0", "0.", "1", "-1", "1.", ".1", "0.1", "0.2", "0.3",
        "9007199254740993", "9007199254740992.5", "9007199254740993.0000000000000000000001", "9007199254740991.5",
        "9007199254740991.4999999999999999999999999999999995", "4503599627370496.5", "4503599627370497.5",
        "45035996.273704985", "1448997445238699", "18014398509481993", "1e22", "1e23", "1e-22", "8.98846567431158e307",
        "7.2057594037927933e16", "3.518437208883201171875e13", "62.5364939768271845828", "8.10109172351e-10",
        "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308", "2.2250738585072009e-308",
        "2.2250738585072011360574097967091319759348195463516456480234261098e-308",
        "2.225073858507201136057409796709131975934819546351645648e-308",
        "4.9406564584124654e-324", "4.9e-324", "5e-324", "3e-324", "2e-324", "1e-324", "2.4703282292062327e-324",
        "2.4703282292062328e-324", "2.47032822920623272088e-324", "7.4109846876186982e-324", "1e-400", "-1e-400",
        "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1.797693134862315807937e308",
        "1.7976931348623157e309", "1e309", "-1e309", "1e400", "0.1e400", "1e-1000",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "1.0000000000000002220446049250313080847263336181640625",
        "1.50000000000000011102230246251565404236316680908203125",
        "0.500000000000000166533453693773481063544750213623046875",
        "123456789012345678901234567890", "12345678901234567890", "1234567890123456789.0", "123456789012345678.9",
        "99999999999999999999e-20", "0.000000000000000000000000000001234", "00000000000000000000001.5",
        "0.00000000000000000000000000000000000000", "1.2345678901234567890e-5", "-0.000000000000000000001",
        "1e0000000000000000001", "1e-0000000000000000000400", "1e+00000000000000000308", "1e+00000000000000000309",
        "1e99999999999999999999", "1e-99999999999999999999", "0e99999999999999999999", "-0e-99999999999999999999",
        "0.0000000000000000000000000000000000000001e40", "10000000000000000000000000000000000000000e-40",
        "nan", "NaN", "-nan", "inf", "-Inf", "+INF", "infinity", "-Infinity",
    ]

    @Test func bothScannersMatchStrtod() {
        let count = Self.cases
        var g = SeededGenerator(seed: Self.seed)
        var checker = Checker()
        DecimalTables.with { tables in
            checker.tables = tables
            for (k, s) in Self.hardCases.enumerated() { checker.check(s, kind: "hard", trailing: k % 2 == 1) }
            let kinds = Kind.allCases
            for k in 0..<count {
                let kind = kinds[k % kinds.count]
                let s = Self.generate(kind, &g)
                checker.check(s, kind: kind.rawValue, integerOnly: kind == .integer, valid: kind != .mutated,
                              trailing: (k / kinds.count) % 2 == 1)
            }
            checker.tables = nil
        }
        func list(_ d: [String: Int]) -> String { d.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
        print("FloatParserPropertyTests: \(count) random + \(Self.hardCases.count) hard strings (\(list(checker.counts))); "
              + "results: \(list(checker.results)); \(checker.failureCount) failure(s), seed \(Self.seed)")
        #expect(checker.failureCount == 0,
                "\(checker.failureCount) failure(s); first ones:\n\(checker.failures.joined(separator: "\n"))")
        #expect(checker.counts.values.reduce(0, +) == count + Self.hardCases.count)
    }

    /// The generator itself: the midpoint expansion of d rounds to whichever of d and d⁺ is even, one unit above it
    /// to d⁺, one unit below it to d.
    @Test func midpointExpansionsAreExact() {
        var g = SeededGenerator(seed: 7)
        for k in 0..<300 {
            // subnormal, then any finite positive double below the largest
            let d = k % 3 == 0 ? Double(bitPattern: g.next() % 0x0010_0000_0000_0000)
                : min(abs(Self.finiteDouble(&g)), Double.greatestFiniteMagnitude.nextDown)
            let (digits, exponent) = Self.midpoint(d)
            let m = strtod(Self.scientific(digits, exponent), nil)
            #expect(m == d || m == d.nextUp)
            let even = d.bitPattern & 1 == 0 ? d : d.nextUp
            #expect(m == even, "midpoint of \(d) is \(Self.scientific(digits, exponent))")
            #expect(strtod(Self.scientific(digits + "0000001", exponent - 7), nil) == d.nextUp)
            #expect(strtod(Self.scientific(Self.decrement(digits) + "9999999", exponent - 7), nil) == d)
        }
    }

    // MARK: Checking

    /// Runs both scanners on a string and compares them with each other and with `strtod`.
    struct Checker {
        var tables: DecimalTables?
        var counts: [String: Int] = [:]
        /// What the strings converted to: normal, subnormal, zero, non-finite, malformed (coverage of the ranges).
        var results: [String: Int] = [:]
        var failureCount = 0
        var failures: [String] = []

        /// A scan result with the pointer made an offset, so results compare with ==.
        enum Outcome: Equatable, CustomStringConvertible {
            case value(UInt64, length: Int)
            case nonFinite(length: Int)
            case malformed(String)
            init(_ s: DecimalScan, _ base: UnsafePointer<UInt8>) {
                switch s {
                case let .value(v, end): self = .value(v.bitPattern, length: end - base)
                case let .nonFinite(end): self = .nonFinite(length: end - base)
                case let .malformed(reason): self = .malformed(reason.reason)
                }
            }
            var description: String {
                switch self {
                case let .value(bits, n): return "\(Double(bitPattern: bits)) (0x\(String(bits, radix: 16)), \(n) bytes)"
                case let .nonFinite(n): return "non-finite (\(n) bytes)"
                case let .malformed(r): return "malformed (\(r))"
                }
            }
        }

        mutating func fail(_ s: String, _ kind: String, _ why: String) {
            failureCount += 1
            if failures.count < 25 { failures.append("[\(kind)] \"\(s.count > 120 ? s.prefix(60) + "…" + s.suffix(40) : s[...])\": \(why)") }
        }

        /// `valid`: `s` is in the grammar, so both must convert it to what `strtod` gives (±∞ and NaN as non-finite).
        mutating func check(_ s: String, kind: String, integerOnly: Bool = false, valid: Bool = true, trailing: Bool) {
            counts[kind, default: 0] += 1
            guard let tables else { return }
            var bytes = Array(s.utf8)
            let length = bytes.count
            if trailing { bytes.append(10) }
            let (el, standard) = bytes.withUnsafeBufferPointer { b -> (Outcome, Outcome) in
                let base = b.baseAddress!, end = base + b.count
                return (Outcome(scanDecimal(base, end, integerOnly: integerOnly, tables), base),
                        Outcome(scanDecimalStandard(base, end, integerOnly: integerOnly), base))
            }
            switch el {
            case let .value(bits, _):
                let v = Double(bitPattern: bits)
                results[v == 0 ? "zero" : (v.isSubnormal ? "subnormal" : "normal"), default: 0] += 1
            case .nonFinite: results["non-finite", default: 0] += 1
            case .malformed: results["malformed", default: 0] += 1
            }
            if el != standard { fail(s, kind, "Eisel–Lemire \(el), standard \(standard)") }
            guard valid else { return }
            let expected = strtod(s, nil)
            let want: Outcome = expected.isFinite ? .value(expected.bitPattern, length: length) : .nonFinite(length: length)
            if el != want { fail(s, kind, "Eisel–Lemire \(el), strtod \(want)") }
            if standard != want && el == standard { return }  // reported once above
            if standard != want { fail(s, kind, "standard \(standard), strtod \(want)") }
        }
    }

    // MARK: Generators

    static func digit(_ g: inout SeededGenerator) -> Character { Character(String(g.next() % 10)) }
    static func digits(_ n: Int, _ g: inout SeededGenerator, leadingNonzero: Bool = true) -> String {
        var s = ""
        s.reserveCapacity(n)
        for k in 0..<n { s.append(k == 0 && leadingNonzero ? Character(String(1 + g.next() % 9)) : digit(&g)) }
        return s
    }
    static func int(_ range: ClosedRange<Int>, _ g: inout SeededGenerator) -> Int {
        range.lowerBound + Int(g.next() % UInt64(range.count))
    }
    static func sign(_ g: inout SeededGenerator) -> String { ["", "", "-", "+"][Int(g.next() % 4)] }
    static func expLetter(_ g: inout SeededGenerator) -> String { g.next() % 2 == 0 ? "e" : "E" }

    /// `mantissa` with a '.' inserted after `point` digits (at the end: "123.", at 0: ".123"), or without one.
    static func withPoint(_ mantissa: String, _ g: inout SeededGenerator) -> (String, Int) {
        let n = mantissa.count
        switch g.next() % 4 {
        case 0: return (mantissa, 0)
        default:
            let point = int(0...n, &g)
            let s = String(mantissa.prefix(point)) + "." + String(mantissa.dropFirst(point))
            return (s == "." ? "0." : s, -(n - point))
        }
    }

    static func finiteDouble(_ g: inout SeededGenerator) -> Double {
        while true {
            let x = Double(bitPattern: g.next())
            if x.isFinite { return x }
        }
    }

    static func generate(_ kind: Kind, _ g: inout SeededGenerator) -> String {
        switch kind {
        case .plain:
            let x = finiteDouble(&g)
            switch g.next() % 6 {
            case 0: return "\(x)"
            case 1: return String(format: "%.17g", x)
            case 2: return String(format: "%.\(int(0...19, &g))e", x)
            case 3:
                let y = Double(bitPattern: (g.next() % 0x0010_0000_0000_0000) | (UInt64(int(990...1090, &g)) << 52))
                return String(format: "%.\(int(0...20, &g))f", g.next() % 2 == 0 ? y : -y)
            default:
                let (m, _) = withPoint(digits(int(1...19, &g), &g), &g)
                let e = g.next() % 3 == 0 ? "" : expLetter(&g) + sign(&g) + String(int(0...30, &g))
                return sign(&g) + m + e
            }
        case .longDigits:
            let n = int(17...40, &g)
            let zeros = g.next() % 4 == 0 ? String(repeating: "0", count: int(1...30, &g)) : ""
            let (m, shift) = withPoint(digits(n, &g), &g)
            let target = int(-330...310, &g)  // decimal exponent of the leading digit
            let e = target - (n - 1) - shift
            return sign(&g) + zeros + m + expLetter(&g) + String(e)
        case .wideExponent:
            let (m, _) = withPoint(digits(int(1...19, &g), &g), &g)
            let e = int(-400...400, &g)
            return sign(&g) + m + expLetter(&g) + (e >= 0 && g.next() % 2 == 0 ? "+" : "") + String(e)
        case .subnormal:
            switch g.next() % 3 {
            case 0:
                let x = Double(bitPattern: 1 + g.next() % 0x000F_FFFF_FFFF_FFFF)
                return sign(&g) + (g.next() % 2 == 0 ? "\(x)" : String(format: "%.\(int(0...25, &g))e", x))
            case 1:
                let x = Double(bitPattern: 1 + g.next() % 0x000F_FFFF_FFFF_FFFF)
                return String(format: "%.17g", x)
            default:
                let n = int(1...25, &g)
                let m = digits(n, &g)
                return sign(&g) + String(m.prefix(1)) + "." + String(m.dropFirst()) + "e" + String(int(-327...(-307), &g))
            }
        case .halfway:
            let d: Double
            switch g.next() % 16 {
            case 0:
                d = [0, .leastNonzeroMagnitude, .leastNormalMagnitude, Double.leastNormalMagnitude.nextDown,
                     .greatestFiniteMagnitude, Double.greatestFiniteMagnitude.nextDown, 1, 9007199254740992,
                     Double.leastNonzeroMagnitude.nextUp][int(0...8, &g)]
            case 1, 2, 3: d = Double(bitPattern: g.next() % 0x0010_0000_0000_0000)  // subnormal
            case 4, 5, 6, 7:  // moderate magnitudes, short expansions
                d = Double(bitPattern: (g.next() % 0x0010_0000_0000_0000) | (UInt64(int(960...1090, &g)) << 52))
            default: d = abs(finiteDouble(&g))
            }
            var (m, x) = midpoint(d)
            switch g.next() % 5 {
            case 0, 1: break                                                 // exact: round half to even
            case 2: let pad = int(0...5, &g); m += String(repeating: "0", count: pad) + "1"; x -= pad + 1  // just above
            case 3: let pad = int(1...6, &g); m = decrement(m) + String(repeating: "9", count: pad); x -= pad  // just below
            default:  // truncated to n significant digits
                let n = int(17...40, &g)
                if n < m.count { x += m.count - n; m = String(m.prefix(n)) }
            }
            return sign(&g) + (g.next() % 2 == 0 ? scientific(m, x) : positional(m, x))
        case .longExponent:
            let raw = digits(int(1...19, &g), &g)
            let (m, _) = withPoint(raw, &g)
            switch g.next() % 4 {
            case 0, 1:
                let e = int(-400...400, &g)
                return sign(&g) + m + expLetter(&g) + (e < 0 ? "-" : (g.next() % 2 == 0 ? "+" : ""))
                    + String(repeating: "0", count: int(1...40, &g)) + String(abs(e))
            case 2:
                let mantissa = g.next() % 8 == 0 ? "0" : m
                return sign(&g) + mantissa + expLetter(&g) + ["", "+", "-"][int(0...2, &g)] + digits(int(20...30, &g), &g)
            default:  // leading or trailing zeros compensated by the exponent
                let z = int(20...400, &g)
                let e = int(-20...20, &g)
                if g.next() % 2 == 0 {
                    return sign(&g) + "0." + String(repeating: "0", count: z) + raw + "e" + String(z + e)
                }
                return sign(&g) + raw + String(repeating: "0", count: z) + "e" + String(-z + e)
            }
        case .integer:
            switch g.next() % 3 {
            case 0: return sign(&g) + digits(int(1...40, &g), &g, leadingNonzero: false)
            case 1: return String(g.next() >> (g.next() % 64))
            default: return sign(&g) + "9007199254740" + digits(3, &g, leadingNonzero: false)  // around 2⁵³
            }
        case .mutated:
            let base = generate([Kind.plain, .longDigits, .wideExponent, .longExponent][int(0...3, &g)], &g)
            var bytes = Array(base.utf8)
            let alphabet = Array("0123456789.eE+-xnaifNIy_,dD".utf8)
            let at = int(0...(bytes.count - 1), &g)
            switch g.next() % 3 {
            case 0: bytes[at] = alphabet[int(0...(alphabet.count - 1), &g)]
            case 1: bytes.insert(alphabet[int(0...(alphabet.count - 1), &g)], at: at)
            default: bytes.remove(at: at); if bytes.isEmpty { bytes = [UInt8(ascii: ".")] }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    // MARK: Exact midpoints

    /// The exact decimal value of (d + d⁺)/2 for a finite d ≥ 0 (d⁺ the next double up, 2¹⁰²⁴ past the largest):
    /// digits without leading zeros and a power of ten, value = digits · 10^exponent.
    static func midpoint(_ d: Double) -> (String, Int) {
        let bits = d.bitPattern & ~(UInt64(1) << 63)
        let biased = Int(bits >> 52)
        let fraction = bits & 0x000F_FFFF_FFFF_FFFF
        let significand = biased == 0 ? fraction : fraction | (UInt64(1) << 52)
        let power2 = max(biased, 1) - 1075  // d = significand · 2^power2
        // (d + d⁺)/2 = (2·significand + 1) · 2^(power2 − 1)
        var n = BigDecimal(2 * significand + 1)
        let f = power2 - 1
        if f >= 0 {
            n.multiply(byPowerOf: 2, f)
            return (n.description, 0)
        }
        n.multiply(byPowerOf: 5, -f)  // · 5^k / 10^k
        return (n.description, f)
    }

    /// A non-negative integer in base-10⁹ limbs (least significant first): just enough for exact midpoints.
    struct BigDecimal: CustomStringConvertible {
        var limbs: [UInt64]
        init(_ v: UInt64) {
            limbs = [v % 1_000_000_000, (v / 1_000_000_000) % 1_000_000_000, v / 1_000_000_000_000_000_000]
            while limbs.count > 1 && limbs.last == 0 { limbs.removeLast() }
        }
        mutating func multiply(by m: UInt64) {  // m < 2³²
            var carry: UInt64 = 0
            for i in limbs.indices {
                let t = limbs[i] * m + carry
                limbs[i] = t % 1_000_000_000
                carry = t / 1_000_000_000
            }
            while carry > 0 { limbs.append(carry % 1_000_000_000); carry /= 1_000_000_000 }
        }
        /// Multiplies by base^e (base 2 or 5), 31 or 13 factors at a time.
        mutating func multiply(byPowerOf base: UInt64, _ e: Int) {
            let step = base == 2 ? 31 : 13
            var left = e
            while left > 0 {
                let k = min(step, left)
                var m: UInt64 = 1
                for _ in 0..<k { m *= base }
                multiply(by: m)
                left -= k
            }
        }
        var description: String {
            var s = String(limbs.last!)
            for limb in limbs.dropLast().reversed() {
                let t = String(limb)
                s += String(repeating: "0", count: 9 - t.count) + t
            }
            return s
        }
    }

    /// digits − 1 (digits without leading zeros, value ≥ 1), without leading zeros.
    static func decrement(_ digits: String) -> String {
        var b = Array(digits.utf8)
        var i = b.count - 1
        while b[i] == UInt8(ascii: "0") { b[i] = UInt8(ascii: "9"); i -= 1 }
        b[i] -= 1
        let s = String(decoding: b, as: UTF8.self).drop { $0 == "0" }
        return s.isEmpty ? "0" : String(s)
    }

    /// digits · 10^exponent as d.ddde±X.
    static func scientific(_ digits: String, _ exponent: Int) -> String {
        let rest = digits.dropFirst()
        return String(digits.prefix(1)) + (rest.isEmpty ? "" : "." + rest) + "e" + String(exponent + digits.count - 1)
    }

    /// digits · 10^exponent without an exponent: "1234000", "12.34", "0.0001234".
    static func positional(_ digits: String, _ exponent: Int) -> String {
        if exponent >= 0 { return digits + String(repeating: "0", count: exponent) }
        let point = digits.count + exponent
        if point > 0 { return String(digits.prefix(point)) + "." + String(digits.dropFirst(point)) }
        return "0." + String(repeating: "0", count: -point) + digits
    }
}
