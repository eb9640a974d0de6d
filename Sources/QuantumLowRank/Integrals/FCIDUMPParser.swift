// Streaming byte-level FCIDUMP parser. Depends only on the standard library, FCIDUMPError.swift and
// LowRankIO's DecimalText (DecimalText.swift + DecimalParsing.swift + PowersOfFive.swift), so
// scripts/fuzz-fcidump can compile it standalone with -D FCIDUMP_FUZZ.
#if !FCIDUMP_FUZZ
import LowRankKernels
import LowRankIO
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

/// Two records of one unique integral agree when |a − b| ≤ 1e-10 · max(1, |a|, |b|): relative 1e-10, with an
/// absolute floor of 1e-10. PySCF's `fcidump.from_scf`/`from_mo` write 4-fold symmetric files in which (ij|kl) and
/// (kl|ij) are both present and were computed separately, so they differ in the last bits (3e-14 absolute near
/// 1e-14, 1e-11 relative near 2.5e-3); such copies are not conflicts. The first occurrence is kept.
let duplicateTolerance = 1e-10

/// `true` when two values given for one integral agree to ``duplicateTolerance``.
@inline(__always) func duplicatesAgree(_ a: Double, _ b: Double) -> Bool {
    a == b || abs(a - b) <= duplicateTolerance * max(1, abs(a), abs(b))
}

/// What the namelist holds, and where the integrals start.
struct FCIDUMPHeader {
    var records = FCIDUMPRecords()
    /// Offset of the first byte after the terminator's line.
    var integralsOffset = 0
    /// The 1-based line of the first integral line, and of the terminator (`&END` or `/`).
    var integralsLine = 1
    var terminatorLine = 1
}

/// What the first bytes of a (partially read) FCIDUMP text say about its size; see ``FCIDUMPParser/probe(_:maximumOrbitals:)``.
enum FCIDUMPProbe: Equatable {
    /// The namelist is not complete yet.
    case incomplete
    /// The namelist is invalid (or absent): parsing the text read so far reports the error.
    case invalid
    /// The namelist is complete and valid: the whole text has at most `bytes` bytes.
    case bounded(bytes: Int, norb: Int)
}

enum FCIDUMPParser {
    /// No line (namelist or integral) may be longer than this many bytes (the line feed excluded). ORBSYM on one line
    /// for NORB = 256 takes about 1 KB; integral lines about 40.
    static let maximumLineLength = 1 << 16
    /// The namelist must end (its terminator must start) within the first 1 MiB of the file.
    static let maximumNamelistBytes = 1 << 20
    /// An integral record line, blanks included, is assumed to need at most this many bytes when bounding the size
    /// of the text from NORB.
    static let maximumBytesPerRecord = 128

    /// The largest number of integral records NORB = n allows: every unique (ij|kl) in all 8 orderings, every h_ij
    /// in both orders, n orbital energies, the core energy, and 64 spare; saturating instead of overflowing.
    static func maximumRecords(norb n: Int) -> Int {
        let (npair, o1) = n.multipliedReportingOverflow(by: n + 1)
        let pairs = npair / 2
        let (np, o2) = pairs.multipliedReportingOverflow(by: pairs + 1)
        let (eight, o3) = (np / 2).multipliedReportingOverflow(by: 8)
        if o1 || o2 || o3 || eight > Int.max / 2 { return Int.max / 2 }
        return eight + 2 * pairs + n + 1 + 64
    }

    /// The largest size in bytes of a whole FCIDUMP text whose namelist ends at `integralsOffset` and declares NORB = n.
    static func maximumTextBytes(norb n: Int, integralsOffset: Int) -> Int {
        let (body, o) = maximumRecords(norb: n).multipliedReportingOverflow(by: maximumBytesPerRecord)
        return o || body > Int.max / 2 ? Int.max / 2 : integralsOffset + body
    }

    /// Looks at the first bytes of an FCIDUMP text (a gzip file being inflated): once the namelist is complete, the
    /// bound on the whole text; `invalid` when the namelist is bad or does not end within
    /// ``maximumNamelistBytes`` (a parse of the same bytes then reports why).
    static func probe(_ bytes: UnsafeRawBufferPointer, maximumOrbitals: Int) -> FCIDUMPProbe {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else {
            return .incomplete
        }
        let end = base + bytes.count
        var p = base
        if bytes.count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { p += 3 }
        while p < end, isSpaceOrNewline(p.pointee) || p.pointee == 44 { p += 1 }
        let tooLong = bytes.count > maximumNamelistBytes + maximumLineLength + 1
        if p == end { return tooLong ? .invalid : .incomplete }
        guard p.pointee == 38 || p.pointee == 36 else { return .invalid }
        // The parser stops at the first '/', '&' or '$' after the opening one (terminator or error); once that
        // line is complete, the namelist's fate is decided by these bytes alone.
        p += 1
        while p < end, p.pointee != 47, p.pointee != 38, p.pointee != 36 { p += 1 }
        while p < end, p.pointee != 10 { p += 1 }
        if p == end { return tooLong ? .invalid : .incomplete }
        let header: FCIDUMPHeader
        do {
            header = try parseNamelist(UnsafeRawBufferPointer(start: base, count: p + 1 - base), name: "",
                                       maximumOrbitals: maximumOrbitals)
        } catch {
            return .invalid
        }
        let n = header.records.norb
        return .bounded(bytes: maximumTextBytes(norb: n, integralsOffset: header.integralsOffset), norb: n)
    }

    /// Parses the namelist at the start of `bytes` (after a UTF-8 byte-order mark, if any) and checks it.
    static func parseNamelist(_ bytes: UnsafeRawBufferPointer, name: String,
                              maximumOrbitals: Int) throws(FCIDUMPError) -> FCIDUMPHeader {
        if bytes.isEmpty {
            throw FCIDUMPError(file: name, line: 1, kind: .malformedNamelist("empty file, expected &FCI"))
        }
        let start = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let end = start + bytes.count
        var p = start
        if bytes.count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { p += 3 }
        var line = 1
        var lineStart = p
        func fail(_ kind: FCIDUMPError.Kind) -> FCIDUMPError { FCIDUMPError(file: name, line: line, kind: kind) }
        func newline() throws(FCIDUMPError) {
            if p - lineStart > maximumLineLength { throw fail(.lineTooLong(limit: maximumLineLength)) }
            line += 1
            lineStart = p + 1
        }

        func skipSpace() throws(FCIDUMPError) {
            while p < end, isSpaceOrNewline(p.pointee) || p.pointee == 44 {
                if p.pointee == 10 { try newline() }
                p += 1
            }
            if p - start > maximumNamelistBytes {
                throw fail(.malformedNamelist("no &END or / terminator within the first \(maximumNamelistBytes) bytes"))
            }
            if p == end && p - lineStart > maximumLineLength { throw fail(.lineTooLong(limit: maximumLineLength)) }
        }
        func word() -> String {
            let s = p
            while p < end, (p.pointee | 0x20) &- 97 < 26 || isASCIIDigit(p.pointee) || p.pointee == 95 { p += 1 }
            return text(s, p, limit: 64).uppercased()
        }
        try skipSpace()
        guard p < end, p.pointee == 38 || p.pointee == 36 else {  // & $
            throw fail(.malformedNamelist("expected &FCI at the start of the file"))
        }
        p += 1
        guard word() == "FCI" else { throw fail(.malformedNamelist("expected &FCI at the start of the file")) }
        var rec = FCIDUMPRecords()
        var haveNORB = false, haveMS2 = false
        var key: String? = nil
        var valuesForKey = 0
        namelist: while true {
            try skipSpace()
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
            // A line `value i j k l` here means the namelist was never closed.
            if isFirstOnLine(s, lineStart), looksLikeIntegralLine(s, end) {
                throw fail(.malformedNamelist("no &END or / terminator before the integrals (line \(line))"))
            }
            guard let k = key else {
                throw fail(.malformedNamelist("value '\(text(s, tokenEnd))' before any NAME="))
            }
            valuesForKey += 1
            switch k {
            case "NORB", "NELEC", "MS2", "ISYM", "ORBSYM", "IUHF":
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
                case "MS2": rec.ms2 = v; haveMS2 = true
                case "IUHF": if v != 0 { throw fail(.unrestricted) }
                default: rec.isym = v
                }
            case "UHF":
                // A Fortran logical: .TRUE., .T., T, TRUE (any case) or the false forms.
                var w = text(s, tokenEnd, limit: 16).uppercased()
                if w.hasPrefix(".") { w.removeFirst() }
                if w.hasPrefix("T") { throw fail(.unrestricted) }
                if !w.hasPrefix("F") { throw fail(.malformedNamelist("UHF value '\(text(s, tokenEnd))' is not a logical")) }
            default:
                break  // other namelist entries (TREL, ST, …) are accepted and ignored
            }
        }
        // The rest of the terminator's line is ignored; header errors below point at the terminator's line.
        let terminatorLine = line
        if p - start > maximumNamelistBytes {
            throw fail(.malformedNamelist("no &END or / terminator within the first \(maximumNamelistBytes) bytes"))
        }
        while p < end, p.pointee != 10 { p += 1 }
        if p - lineStart > maximumLineLength { throw fail(.lineTooLong(limit: maximumLineLength)) }
        if p < end { p += 1; line += 1 }
        var header = FCIDUMPHeader()
        header.integralsOffset = p - start
        header.integralsLine = line
        header.terminatorLine = terminatorLine
        line = terminatorLine
        guard haveNORB else { throw fail(.missingNORB) }
        let n = rec.norb
        guard n >= 1 else { throw fail(.malformedNamelist("NORB = \(n) must be positive")) }
        guard n <= maximumOrbitals else { throw fail(.tooManyOrbitals(norb: n, limit: maximumOrbitals)) }
        guard rec.nelec >= 0 else { throw fail(.malformedNamelist("NELEC = \(rec.nelec) is negative")) }
        if !haveMS2 { rec.ms2 = rec.nelec % 2 }
        try checkElectrons(norb: n, nelec: rec.nelec, ms2: rec.ms2, fail: fail)
        if rec.orbsym.isEmpty {
            rec.orbsym = [Int](repeating: 1, count: n)
        } else if rec.orbsym.count != n {
            throw fail(.malformedNamelist("ORBSYM has \(rec.orbsym.count) entries, NORB = \(n)"))
        }
        header.records = rec
        return header
    }

    /// NELEC ≤ 2·NORB, NELEC and MS2 of equal parity, |MS2| ≤ NELEC and |MS2| ≤ 2·NORB − NELEC (enough orbitals for
    /// the unpaired electrons).
    static func checkElectrons(norb n: Int, nelec: Int, ms2: Int,
                               fail: (FCIDUMPError.Kind) -> FCIDUMPError) throws(FCIDUMPError) {
        func bad(_ why: String) -> FCIDUMPError { fail(.inconsistentHeader(why)) }
        if nelec > 2 * n { throw bad("NELEC = \(nelec) exceeds 2·NORB = \(2 * n)") }
        if (nelec - ms2) % 2 != 0 { throw bad("NELEC = \(nelec) and MS2 = \(ms2) have different parity") }
        if abs(ms2) > nelec { throw bad("|MS2| = \(abs(ms2)) exceeds NELEC = \(nelec)") }
        if abs(ms2) > 2 * n - nelec {
            throw bad("|MS2| = \(abs(ms2)) exceeds 2·NORB − NELEC = \(2 * n - nelec) (not enough orbitals for that spin)")
        }
    }

    /// `true` when only blanks precede `s` on the line starting at `lineStart`.
    static func isFirstOnLine(_ s: UnsafePointer<UInt8>, _ lineStart: UnsafePointer<UInt8>) -> Bool {
        var q = lineStart
        while q < s, isBlank(q.pointee) { q += 1 }
        return q == s
    }

    /// `true` when the line starting at `s` is exactly `value i j k l`: a real number written with a decimal point
    /// or an exponent, then four unsigned integers, separated by blanks only.
    static func looksLikeIntegralLine(_ s: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
        var p = s
        var tokens = 0
        while p < end, p.pointee != 10 {
            while p < end, isBlank(p.pointee) { p += 1 }
            if p == end || p.pointee == 10 { break }
            let t = p
            while p < end, !isSpaceOrNewline(p.pointee) { p += 1 }
            tokens += 1
            if tokens == 1 {
                var digits = 0, marks = 0
                for q in t..<p {
                    let c = q.pointee
                    if isASCIIDigit(c) { digits += 1; continue }
                    if c == 46 || (c | 0x20) == 101 || (c | 0x20) == 100 { marks += 1; continue }  // . e d
                    if c == 43 || c == 45 { continue }
                    return false
                }
                if digits == 0 || marks == 0 { return false }
            } else {
                if tokens > 5 { return false }
                for q in t..<p where !isASCIIDigit(q.pointee) { return false }
            }
        }
        return tokens == 5
    }

    /// Parses the whole text of an FCIDUMP file (Knowles & Handy, Comput. Phys. Commun. 54, 75 (1989)).
    static func parse(_ bytes: UnsafeRawBufferPointer, name: String,
                      maximumOrbitals: Int) throws(FCIDUMPError) -> FCIDUMPRecords {
        let header = try parseNamelist(bytes, name: name, maximumOrbitals: maximumOrbitals)
        var rec = header.records
        let n = rec.norb
        let start = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let end = start + bytes.count
        var p = start + header.integralsOffset
        var line = header.terminatorLine
        func fail(_ kind: FCIDUMPError.Kind) -> FCIDUMPError { FCIDUMPError(file: name, line: line, kind: kind) }
        let maximumRecords = maximumRecords(norb: n)
        let maximumBytes = maximumTextBytes(norb: n, integralsOffset: header.integralsOffset)
        if bytes.count > maximumBytes { throw fail(.tooLarge(bytes: maximumBytes, norb: n)) }

        // MARK: integrals
        line = header.integralsLine
        var lineStart = p
        var records = 0
        let npair = n * (n + 1) / 2
        let (npacked2, overflow) = npair.multipliedReportingOverflow(by: npair + 1)
        if overflow { throw fail(.tooManyOrbitals(norb: n, limit: maximumOrbitals)) }
        let npacked = npacked2 / 2
        #if !FCIDUMP_FUZZ
        // The packed (pq|rs) with its line numbers, then the ERITensor and supermatrix the caller builds from it.
        do {
            try MemoryBudget.require(12 * Double(npacked) + 8 * Double(npacked) + 8 * Double(npair) * Double(npair),
                                     for: "the integrals of NORB = \(n)")
        } catch {
            throw fail(.io(error.description))
        }
        #endif
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
                if !duplicatesAgree(a, v) {
                    throw fail(.conflictingDuplicate(firstLine: Int(first), firstValue: a, value: v))
                }
            }
        }

        try DecimalText.withScanner { (scanner: DecimalText.Scanner) throws(FCIDUMPError) -> Void in
            while p < end {
                while p < end, isBlank(p.pointee) { p += 1 }
                if p == end { break }
                if p.pointee == 10 {
                    if p - lineStart > maximumLineLength { throw fail(.lineTooLong(limit: maximumLineLength)) }
                    p += 1
                    line += 1
                    lineStart = p
                    continue
                }
                records += 1
                if records > maximumRecords { throw fail(.tooManyRecords(limit: maximumRecords, norb: n)) }
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
                        } else if !duplicatesAgree(core, value) {
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
        if p - lineStart > maximumLineLength { throw fail(.lineTooLong(limit: maximumLineLength)) }
        if records == 0 {
            line = header.terminatorLine
            throw fail(.noIntegrals)
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
