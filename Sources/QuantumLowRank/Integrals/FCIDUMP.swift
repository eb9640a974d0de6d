import LowRankKernels
import LowRankIO

/// A molecular Hamiltonian in Molpro's FCIDUMP format (Knowles & Handy, Comput. Phys. Commun. 54, 75 (1989)):
///
///   H = E_core + Σ_pq h_pq Σ_σ a†_pσ a_qσ + ½ Σ_pqrs (pq|rs) Σ_στ a†_pσ a†_rτ a_sτ a_qσ
///
/// over `orbitals` spatial orbitals, with chemist-notation integrals (pq|rs) (8-fold symmetric, real).
///
/// File layout: a Fortran namelist `&FCI NORB=n, NELEC=N, MS2=2S, ORBSYM=…, ISYM=… &END` (or `/`), in any case and
/// layout, followed by lines `value i j k l` with 1-based indices: all four > 0 is (ij|kl) in any of its eight
/// orderings; `k = l = 0` is h_ij; `i > 0, j = k = l = 0` is an orbital energy (ignored); all zero is E_core.
/// Only restricted (RHF-type) files are read: `UHF=.TRUE.` is refused.
public struct FCIDUMP: Equatable, Sendable {
    /// NORB, the number of spatial orbitals n.
    public var orbitals: Int
    /// NELEC, the number of electrons.
    public var electrons: Int
    /// MS2 = 2S, twice the spin projection.
    public var ms2: Int
    /// ORBSYM, the irreducible representation of each orbital (Molpro numbering; all 1 when absent).
    public var orbsym: [Int]
    /// ISYM, the irreducible representation of the state.
    public var isym: Int
    /// One-electron integrals h_pq (n×n, symmetric).
    public var h: Matrix<Double>
    /// Two-electron integrals (pq|rs).
    public var eri: ERITensor
    /// E_core: nuclear repulsion plus frozen-core energy.
    public var coreEnergy: Double

    /// Assembles a Hamiltonian; `orbsym` defaults to all 1.
    public init(orbitals: Int, electrons: Int, ms2: Int = 0, orbsym: [Int]? = nil, isym: Int = 1,
                h: Matrix<Double>, eri: ERITensor, coreEnergy: Double) throws {
        guard h.rows == orbitals, h.columns == orbitals, eri.orbitals == orbitals else {
            throw LinearAlgebraError.dimensionMismatch(operation: "FCIDUMP", lhs: "NORB = \(orbitals)",
                                                       rhs: "h \(h.shapeDescription), ERIs over \(eri.orbitals) orbitals")
        }
        self.orbitals = orbitals
        self.electrons = electrons
        self.ms2 = ms2
        self.orbsym = orbsym ?? [Int](repeating: 1, count: orbitals)
        self.isym = isym
        self.h = h
        self.eri = eri
        self.coreEnergy = coreEnergy
    }

    /// The default cap on NORB (n = 256 already means a 4.3 GB packed tensor).
    public static let defaultMaximumOrbitals = 256

    /// Reads an FCIDUMP file, decompressing it first when it is gzip-compressed.
    ///
    /// Only regular files are read (``InputFile``: a FIFO or device is refused with "PATH: not a regular file (a
    /// FIFO)"). A gzip file is inflated in chunks (``Gzip/readFile(_:maximumBytes:maximumLineLength:inspect:)``) and
    /// refused as soon as a line exceeds 64 KiB or, once the namelist is read, the text exceeds what NORB allows
    /// (every unique integral in all 8 orderings, h_ij in both, orbital energies and core, 128 bytes a line), so a
    /// small file inflating to gigabytes of blanks fails at once; there is no fixed cap on the decompressed size.
    /// - Throws: ``FCIDUMPError`` naming the file (and the 1-based line for parse errors).
    public static func read(_ path: String, maximumOrbitals: Int = defaultMaximumOrbitals) throws(FCIDUMPError) -> FCIDUMP {
        let bytes: [UInt8]
        var norb = 0
        do {
            bytes = try Gzip.readFile(path, maximumLineLength: FCIDUMPParser.maximumLineLength) { text in
                switch FCIDUMPParser.probe(text, maximumOrbitals: maximumOrbitals) {
                case .incomplete: return .proceed
                case .invalid: return .stop
                case let .bounded(limit, n):
                    norb = n
                    return .limit(bytes: limit, reason: "NORB = \(n)")
                }
            }
        } catch {
            switch error {
            case let .lineTooLong(_, line, limit):
                throw FCIDUMPError(file: path, line: line, kind: .lineTooLong(limit: limit))
            case let .exceedsTextLimit(_, limit, _):
                throw FCIDUMPError(file: path, line: 0, kind: .tooLarge(bytes: limit, norb: norb))
            default:
                throw FCIDUMPError(file: path, line: 0, kind: .io(error.reason))
            }
        }
        return try parse(bytes: bytes, name: path, maximumOrbitals: maximumOrbitals)
    }

    /// Parses the text of an FCIDUMP file; `name` labels errors.
    public static func parse(bytes: [UInt8], name: String,
                             maximumOrbitals: Int = defaultMaximumOrbitals) throws(FCIDUMPError) -> FCIDUMP {
        var result: Result<FCIDUMP, FCIDUMPError>!
        bytes.withUnsafeBytes { raw in
            do throws(FCIDUMPError) {
                result = .success(try parse(bytes: raw, name: name, maximumOrbitals: maximumOrbitals))
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses the text of an FCIDUMP file held in `bytes`; `name` labels errors.
    ///
    /// Streaming, byte-level: no per-line allocation; values are converted with ``DecimalText`` (correctly rounded;
    /// Fortran `D` exponents accepted). LF or CRLF line ends, and a UTF-8 byte-order mark at the start, are accepted.
    /// Each unique integral may appear more than once only with values a, b agreeing as
    /// |a − b| ≤ 1e-10 · max(1, |a|, |b|) (PySCF's 4-fold files hold (ij|kl) and (kl|ij) computed separately); the
    /// first occurrence is kept. The header is checked against itself and the data: NELEC ≤ 2·NORB, NELEC and MS2 of
    /// equal parity, |MS2| ≤ min(NELEC, 2·NORB − NELEC) (MS2 defaults to NELEC mod 2), no `UHF=.TRUE.`/`IUHF≠0`, at
    /// least one integral line, lines of at most 64 KiB, and no more integral lines than NORB allows.
    public static func parse(bytes: UnsafeRawBufferPointer, name: String,
                             maximumOrbitals: Int = defaultMaximumOrbitals) throws(FCIDUMPError) -> FCIDUMP {
        let r = try FCIDUMPParser.parse(bytes, name: name, maximumOrbitals: maximumOrbitals)
        do {
            let h = try Matrix(rows: r.norb, columns: r.norb, elements: r.oneBody)
            return try FCIDUMP(orbitals: r.norb, electrons: r.nelec, ms2: r.ms2, orbsym: r.orbsym, isym: r.isym,
                               h: h, eri: ERITensor(orbitals: r.norb, packed: r.twoBody), coreEnergy: r.core)
        } catch {
            // The parser sizes every array from NORB, so this cannot happen; report rather than trap.
            throw FCIDUMPError(file: name, line: 0, kind: .unexpectedText("internal size mismatch: \(error)"))
        }
    }

    /// The file text: the namelist, then every non-zero unique (ij|kl) once (i ≥ j, k ≥ l, ij ≥ kl, Molpro order),
    /// every non-zero h_ij with i ≥ j, and E_core on a `0 0 0 0` line. Values are written in Swift's shortest
    /// round-trip form, so reading the text back reproduces every double exactly.
    public func text() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + eri.packed.count * 24)
        func put(_ s: String) { out.append(contentsOf: s.utf8) }
        put(" &FCI NORB=\(orbitals),NELEC=\(electrons),MS2=\(ms2),\n  ORBSYM=")
        put(orbsym.map(String.init).joined(separator: ",") + ",\n  ISYM=\(isym),\n &END\n")
        var digits = [UInt8](repeating: 0, count: 8)
        func putIndex(_ v: Int) {
            out.append(32)
            var x = v, k = 0
            repeat { digits[k] = UInt8(48 + x % 10); x /= 10; k += 1 } while x > 0
            while k > 0 { k -= 1; out.append(digits[k]) }
        }
        func record(_ v: Double, _ i: Int, _ j: Int, _ k: Int, _ l: Int) {
            put(v.description)
            putIndex(i); putIndex(j); putIndex(k); putIndex(l)
            out.append(10)
        }
        let n = orbitals
        eri.packed.withUnsafeBufferPointer { e in
            for i in 0..<n {
                for j in 0...i {
                    let ij = i * (i + 1) / 2 + j
                    for k in 0...i {
                        for l in 0...k {
                            let kl = k * (k + 1) / 2 + l
                            if kl > ij { break }
                            let v = e[ij * (ij + 1) / 2 + kl]
                            if v != 0 { record(v, i + 1, j + 1, k + 1, l + 1) }
                        }
                    }
                }
            }
        }
        for i in 0..<n {
            for j in 0...i where h[i, j] != 0 { record(h[i, j], i + 1, j + 1, 0, 0) }
        }
        record(coreEnergy, 0, 0, 0, 0)
        return out
    }

    /// Writes ``text()`` to `path` atomically (temporary file in the same directory, `fsync`, `rename`).
    /// - Throws: ``FCIDUMPError`` with kind `.io`.
    public func write(to path: String) throws(FCIDUMPError) {
        do {
            try AtomicFile.write(text(), to: path)
        } catch {
            throw FCIDUMPError(file: path, line: 0, kind: .io(error.reason))
        }
    }
}
