// Streaming byte-level FCIDUMP parser. Depends only on the standard library, FCIDUMPError.swift and
// LowRankKernels' DecimalText (DecimalText.swift + DecimalParsing.swift + PowersOfFive.swift), so
// scripts/fuzz-fcidump can compile it standalone with -D FCIDUMP_FUZZ.
#if !FCIDUMP_FUZZ
import LowRankKernels
#endif

/// Everything an FCIDUMP file holds, in plain arrays (no linear-algebra types).
struct FCIDUMPRecords {
    var norb = 0
    var nelec = 0
    var ms2 = 0
    var isym = 1
    var orbsym: [Int] = []
    /// h_pq, n×n column-major, symmetric.
    var oneBody: [Double] = []
    /// (pq|rs) in ``ERITensor``'s packed layout.
    var twoBody: [Double] = []
    var core = 0.0
}

@inline(__always) private func isBlank(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 || c == 11 || c == 12 }
@inline(__always) private func isSpaceOrNewline(_ c: UInt8) -> Bool { isBlank(c) || c == 10 }
@inline(__always) private func isASCIIDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }

private func text(_ s: UnsafePointer<UInt8>, _ e: UnsafePointer<UInt8>, limit: Int = 40) -> String {
    let n = min(e - s, limit)
    return String(decoding: UnsafeBufferPointer(start: s, count: n), as: UTF8.self) + (e - s > limit ? "…" : "")
}

/// Signed decimal integer of the whole token [s, e); nil when not an integer or out of ±2^40.
private func integerToken(_ s: UnsafePointer<UInt8>, _ e: UnsafePointer<UInt8>) -> Int? {
    var p = s
    var negative = false
    if p < e && (p.pointee == 43 || p.pointee == 45) { negative = p.pointee == 45; p += 1 }
    guard p < e else { return nil }
    var v = 0
    while p < e {
        guard isASCIIDigit(p.pointee) else { return nil }
        v = v * 10 + Int(p.pointee &- 48)
        if v > 1 << 40 { return nil }
        p += 1
    }
    return negative ? -v : v
}

/// Two records of one unique integral agree when |a − b| ≤ 1e-12 · max(|a|, |b|, 10⁻²): relative 1e-12, with an
/// absolute floor of 1e-14 so that round-off-level asymmetry of small integrals in 4-fold files (PySCF writes both
/// (ij|kl) and (kl|ij), e.g. h2o_ccpvdz's 2.231030365551132e-05 / 2.231030365537237e-05) is not a conflict.
/// The first occurrence is kept.
let duplicateTolerance = 1e-12

enum FCIDUMPParser {
    /// Parses the whole text of an FCIDUMP file (Knowles & Handy, Comput. Phys. Commun. 54, 75 (1989)).
    static func parse(_ bytes: UnsafeRawBufferPointer, name: String,
                      maximumOrbitals: Int) throws(FCIDUMPError) -> FCIDUMPRecords {
        if bytes.isEmpty {
            throw FCIDUMPError(file: name, line: 1, kind: .malformedNamelist("empty file, expected &FCI"))
        }
        let start = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let end = start + bytes.count
        var p = start
        var line = 1
        func fail(_ kind: FCIDUMPError.Kind) -> FCIDUMPError { FCIDUMPError(file: name, line: line, kind: kind) }

        // MARK: namelist
        func skipSpace() {
            while p < end, isSpaceOrNewline(p.pointee) || p.pointee == 44 {
                if p.pointee == 10 { line += 1 }
                p += 1
            }
        }
        func word() -> String {
            let s = p
            while p < end, (p.pointee | 0x20) &- 97 < 26 || isASCIIDigit(p.pointee) || p.pointee == 95 { p += 1 }
            return text(s, p, limit: 64).uppercased()
        }
        skipSpace()
        guard p < end, p.pointee == 38 || p.pointee == 36 else {  // & $
            throw fail(.malformedNamelist("expected &FCI at the start of the file"))
        }
        p += 1
        guard word() == "FCI" else { throw fail(.malformedNamelist("expected &FCI at the start of the file")) }
        var rec = FCIDUMPRecords()
        var haveNORB = false
        var key: String? = nil
        var valuesForKey = 0
        namelist: while true {
            skipSpace()
            guard p < end else { throw fail(.malformedNamelist("no &END or / terminator")) }
            let c = p.pointee
            if c == 47 { p += 1; break namelist }  // '/'
            if c == 38 || c == 36 {
                p += 1
                let w = word()
                if w == "END" { break namelist }
                throw fail(.malformedNamelist("unexpected '&\(w)' inside the namelist"))
            }
            if c == 61 { throw fail(.malformedNamelist("'=' without a name")) }
            let s = p
            while p < end, !isSpaceOrNewline(p.pointee), p.pointee != 44, p.pointee != 61, p.pointee != 47,
                  p.pointee != 38, p.pointee != 36 { p += 1 }
            let tokenEnd = p
            // Name or value? A name is followed (possibly after blanks) by '='.
            var q = p
            while q < end, isBlank(q.pointee) { q += 1 }
            if q < end && q.pointee == 61 {
                key = text(s, tokenEnd, limit: 64).uppercased()
                valuesForKey = 0
                p = q + 1
                if key == "ORBSYM" { rec.orbsym = [] }
                continue
            }
            guard let k = key else {
                throw fail(.malformedNamelist("value '\(text(s, tokenEnd))' before any NAME="))
            }
            valuesForKey += 1
            switch k {
            case "NORB", "NELEC", "MS2", "ISYM", "ORBSYM":
                guard let v = integerToken(s, tokenEnd) else {
                    throw fail(.malformedNamelist("\(k) value '\(text(s, tokenEnd))' is not an integer"))
                }
                if k == "ORBSYM" {
                    if rec.orbsym.count >= maximumOrbitals {
                        throw fail(.malformedNamelist("ORBSYM has more than \(maximumOrbitals) entries"))
                    }
                    rec.orbsym.append(v)
                    continue
                }
                if valuesForKey > 1 { throw fail(.malformedNamelist("\(k) has more than one value")) }
                switch k {
                case "NORB": rec.norb = v; haveNORB = true
                case "NELEC": rec.nelec = v
                case "MS2": rec.ms2 = v
                default: rec.isym = v
                }
            default:
                break  // other namelist entries (IUHF, UHF, TREL, …) are accepted and ignored
            }
        }
        // The rest of the terminator's line is ignored; header errors below point at the terminator's line.
        let terminatorLine = line
        while p < end, p.pointee != 10 { p += 1 }
        if p < end { p += 1; line += 1 }
        let integralsLine = line
        line = terminatorLine
        guard haveNORB else { throw fail(.missingNORB) }
        let n = rec.norb
        guard n >= 1 else { throw fail(.malformedNamelist("NORB = \(n) must be positive")) }
        guard n <= maximumOrbitals else { throw fail(.tooManyOrbitals(norb: n, limit: maximumOrbitals)) }
        guard rec.nelec >= 0 else { throw fail(.malformedNamelist("NELEC = \(rec.nelec) is negative")) }
        if rec.orbsym.isEmpty {
            rec.orbsym = [Int](repeating: 1, count: n)
        } else if rec.orbsym.count != n {
            throw fail(.malformedNamelist("ORBSYM has \(rec.orbsym.count) entries, NORB = \(n)"))
        }

        // MARK: integrals
        line = integralsLine
        let npair = n * (n + 1) / 2
        let npacked = npair * (npair + 1) / 2
        let eri = UnsafeMutablePointer<Double>.allocate(capacity: npacked)
        eri.initialize(repeating: 0, count: npacked)
        let eriLine = UnsafeMutablePointer<Int32>.allocate(capacity: npacked)
        eriLine.initialize(repeating: 0, count: npacked)
        let h = UnsafeMutablePointer<Double>.allocate(capacity: npair)
        h.initialize(repeating: 0, count: npair)
        let hLine = UnsafeMutablePointer<Int32>.allocate(capacity: npair)
        hLine.initialize(repeating: 0, count: npair)
        defer {
            eri.deallocate(); eriLine.deallocate(); h.deallocate(); hLine.deallocate()
        }
        var coreLine: Int32 = 0
        var core = 0.0

        @inline(__always) func store(_ values: UnsafeMutablePointer<Double>, _ lines: UnsafeMutablePointer<Int32>,
                                     _ slot: Int, _ v: Double) throws(FCIDUMPError) {
            let first = lines[slot]
            if first == 0 {
                values[slot] = v
                lines[slot] = Int32(truncatingIfNeeded: min(line, Int(Int32.max)))
            } else {
                let a = values[slot]
                if a != v && abs(a - v) > duplicateTolerance * max(abs(a), abs(v), 1e-2) {
                    throw fail(.conflictingDuplicate(firstLine: Int(first), firstValue: a, value: v))
                }
            }
        }

        try DecimalText.withScanner { (scanner: DecimalText.Scanner) throws(FCIDUMPError) -> Void in
            while p < end {
                while p < end, isBlank(p.pointee) { p += 1 }
                if p == end { break }
                if p.pointee == 10 { p += 1; line += 1; continue }
                // value
                let vs = p
                var value: Double
                switch scanner.scan(p, end) {
                case let .value(v, length):
                    value = v
                    p += length
                case .nonFinite(let length):
                    throw fail(.nonFinite(text(vs, vs + length)))
                case .malformed:
                    var e = p
                    while e < end, !isSpaceOrNewline(e.pointee) { e += 1 }
                    guard let v = fortranDouble(vs, e, scanner) else { throw fail(.notANumber(text(vs, e))) }
                    if !v.isFinite { throw fail(.nonFinite(text(vs, e))) }
                    value = v
                    p = e
                }
                // four indices
                var idx = (0, 0, 0, 0)
                for k in 0..<4 {
                    while p < end, isBlank(p.pointee) { p += 1 }
                    if p == end || p.pointee == 10 { throw fail(.truncatedLine) }
                    let s = p
                    var v = 0
                    if isASCIIDigit(p.pointee) {
                        // fast path: plain digits
                        while p < end, isASCIIDigit(p.pointee), v <= 1 << 40 {
                            v = v * 10 + Int(p.pointee &- 48)
                            p += 1
                        }
                        if p < end, !isSpaceOrNewline(p.pointee) {
                            while p < end, !isSpaceOrNewline(p.pointee) { p += 1 }
                            throw fail(.notANumber(text(s, p)))
                        }
                    } else {
                        while p < end, !isSpaceOrNewline(p.pointee) { p += 1 }
                        guard let w = integerToken(s, p) else { throw fail(.notANumber(text(s, p))) }
                        v = w
                    }
                    if v < 0 || v > n { throw fail(.indexOutOfRange(index: v, norb: n)) }
                    switch k {
                    case 0: idx.0 = v
                    case 1: idx.1 = v
                    case 2: idx.2 = v
                    default: idx.3 = v
                    }
                }
                while p < end, isBlank(p.pointee) { p += 1 }
                if p < end && p.pointee != 10 {
                    var e = p
                    while e < end, e.pointee != 10 { e += 1 }
                    throw fail(.unexpectedText(text(p, e)))
                }
                let (i, j, k, l) = idx
                if i > 0 && j > 0 && k > 0 && l > 0 {
                    let a = i &- 1, b = j &- 1, c = k &- 1, d = l &- 1
                    let pq = a >= b ? a &* (a &+ 1) / 2 &+ b : b &* (b &+ 1) / 2 &+ a
                    let rs = c >= d ? c &* (c &+ 1) / 2 &+ d : d &* (d &+ 1) / 2 &+ c
                    let slot = pq >= rs ? pq &* (pq &+ 1) / 2 &+ rs : rs &* (rs &+ 1) / 2 &+ pq
                    try store(eri, eriLine, slot, value)
                } else if k == 0 && l == 0 {
                    if i > 0 && j > 0 {
                        let a = i - 1, b = j - 1
                        try store(h, hLine, a >= b ? a * (a + 1) / 2 + b : b * (b + 1) / 2 + a, value)
                    } else if i > 0 && j == 0 {
                        // orbital energy record: accepted and ignored
                    } else if i == 0 && j == 0 {
                        if coreLine == 0 {
                            core = value
                            coreLine = Int32(truncatingIfNeeded: min(line, Int(Int32.max)))
                        } else if core != value && abs(core - value) > duplicateTolerance * max(abs(core), abs(value), 1e-2) {
                            throw fail(.conflictingDuplicate(firstLine: Int(coreLine), firstValue: core, value: value))
                        }
                    } else {
                        throw fail(.invalidIndexPattern(i: i, j: j, k: k, l: l))
                    }
                } else {
                    throw fail(.invalidIndexPattern(i: i, j: j, k: k, l: l))
                }
            }
        }
        rec.twoBody = Array(UnsafeBufferPointer(start: eri, count: npacked))
        var one = [Double](repeating: 0, count: n * n)
        for a in 0..<n {
            for b in 0...a {
                let v = h[a * (a + 1) / 2 + b]
                one[a + b * n] = v
                one[b + a * n] = v
            }
        }
        rec.oneBody = one
        rec.core = core
        return rec
    }

    /// A Fortran-style real such as `1.0D-03` (D/d/Q exponent letter), or nil.
    private static func fortranDouble(_ s: UnsafePointer<UInt8>, _ e: UnsafePointer<UInt8>,
                                      _ scanner: DecimalText.Scanner) -> Double? {
        let n = e - s
        guard n > 0, n <= 64 else { return nil }
        var buffer = [UInt8](repeating: 32, count: n)
        var replaced = false
        for k in 0..<n {
            var c = s[k]
            if c == 68 || c == 100 || c == 81 || c == 113 { c = 69; replaced = true }
            buffer[k] = c
        }
        guard replaced else { return nil }
        return buffer.withUnsafeBufferPointer { b -> Double? in
            switch scanner.scan(b.baseAddress!, b.baseAddress! + n) {
            case let .value(v, length) where length == n: return v
            case .nonFinite: return .infinity
            default: return nil
            }
        }
    }
}
