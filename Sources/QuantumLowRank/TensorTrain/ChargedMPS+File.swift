import Foundation
import LowRankKernels

/// The state file of `lowrank dmrg --save-state` / `--initial-state`: one file, three parts.
///
/// 1. The line `LOWRANK-MPS 1`.
/// 2. One line of JSON: `sites` (L), `physical_dimensions` (L numbers d_k), `bond_dimensions` (L + 1 numbers χ_k),
///    `site_charges` and `bond_charges` (per site / per bond, one `[first, second, parity]` triple per basis state,
///    ``QuantumNumber``'s components), `dtype` `"<f8"` and `layout` `"column-major [bond k, site k, bond k+1]"`.
/// 3. The site tensors one after the other, Σ_k χ_k d_k χ_{k+1} float64 numbers, little-endian, each tensor
///    column-major as in ``MPS``; nothing after them.
///
/// Reading checks every field, the exact byte count and the charge rule, so a damaged or hostile file is refused with
/// ``ChargedMPSError/badFile(path:reason:)`` before anything of its claimed size is allocated.
extension ChargedMPS {
    /// The first line of a state file.
    public static let fileMagic = "LOWRANK-MPS 1"
    /// The longest header line read (64 MiB): charges take a few bytes per bond state.
    static let maximumHeaderBytes = 64 << 20

    /// The file's bytes (see the type's description of the format).
    public func serialized() -> [UInt8] {
        func triples(_ charges: [QuantumNumber]) -> [[Int]] { charges.map { [$0.first, $0.second, $0.parity] } }
        let header: [String: Any] = [
            "sites": sites,
            "physical_dimensions": state.physicalDimensions,
            "bond_dimensions": state.bondDimensions,
            "site_charges": siteCharges.map(triples),
            "bond_charges": bondCharges.map(triples),
            "dtype": "<f8",
            "layout": "column-major [bond k, site k, bond k+1]",
        ]
        let json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{}".utf8)
        var out = Array((Self.fileMagic + "\n").utf8) + Array(json) + [UInt8(ascii: "\n")]
        for t in state.tensors {
            out.reserveCapacity(out.count + 8 * t.elements.count)
            for v in t.elements { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        }
        return out
    }

    /// Reads a state file's bytes; `path` names the file in errors. Throws ``ChargedMPSError/badFile(path:reason:)``
    /// for a wrong first line, a header that is not one JSON line with the fields above, dimensions that disagree,
    /// a byte count other than the header's, a NaN or infinite entry, or tensors that break the charge rule.
    public init(serialized bytes: [UInt8], path: String) throws(ChargedMPSError) {
        func bad(_ reason: String) -> ChargedMPSError { .badFile(path: path, reason: reason) }
        let magic = Array((Self.fileMagic + "\n").utf8)
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw bad("not a LowRank state file (first line is not \"\(Self.fileMagic)\")")
        }
        let headerEnd = bytes[magic.count..<Swift.min(bytes.count, magic.count + Self.maximumHeaderBytes)]
            .firstIndex(of: UInt8(ascii: "\n"))
        guard let headerEnd else { throw bad("no end of the header line within \(Self.maximumHeaderBytes) bytes") }
        let object = try? JSONSerialization.jsonObject(with: Data(bytes[magic.count..<headerEnd]))
        guard let header = object as? [String: Any] else { throw bad("line 2: the header is not a JSON object") }
        /// A JSON number that is a whole number (not a fraction, not a boolean's 0/1 in disguise of 2.5).
        func whole(_ value: Any) -> Int? {
            guard let n = value as? NSNumber, n.doubleValue.isFinite, abs(n.doubleValue) < 0x1p53,
                  n.doubleValue == n.doubleValue.rounded() else { return nil }
            return Int(n.doubleValue)
        }
        func ints(_ key: String, count: Int?) throws(ChargedMPSError) -> [Int] {
            guard let values = header[key] as? [Any], let numbers = Optional(values.compactMap(whole)),
                  numbers.count == values.count, count.map({ numbers.count == $0 }) ?? true,
                  numbers.allSatisfy({ $0 >= 1 && $0 <= 1 << 30 }) else {
                throw bad("header field \(key): expected \(count.map(String.init) ?? "a list of") whole numbers in 1…2³⁰")
            }
            return numbers
        }
        guard let sites = header["sites"].flatMap(whole), sites >= 1, sites <= 1 << 20 else {
            throw bad("header field sites: expected a whole number in 1…2²⁰")
        }
        let physical = try ints("physical_dimensions", count: sites)
        let bonds = try ints("bond_dimensions", count: sites + 1)
        func charges(_ key: String, dimensions: [Int]) throws(ChargedMPSError) -> [[QuantumNumber]] {
            guard let lists = header[key] as? [Any], lists.count == dimensions.count else {
                throw bad("header field \(key): expected \(dimensions.count) lists of charges")
            }
            var out: [[QuantumNumber]] = []
            for (k, list) in lists.enumerated() {
                guard let triples = list as? [Any], triples.count == dimensions[k] else {
                    throw bad("header field \(key)[\(k)]: expected \(dimensions[k]) charges")
                }
                var row: [QuantumNumber] = []
                row.reserveCapacity(triples.count)
                for triple in triples {
                    guard let parts = triple as? [Any], parts.count == 3,
                          let first = whole(parts[0]), let second = whole(parts[1]),
                          let parity = whole(parts[2]), parity == 0 || parity == 1,
                          abs(first) <= 1 << 30, abs(second) <= 1 << 30 else {
                        throw bad("header field \(key)[\(k)]: each charge must be [first, second, parity 0 or 1]")
                    }
                    var q = QuantumNumber(first, second)
                    if parity == 1 { q = q + QuantumNumber(parity: 1) }
                    row.append(q)
                }
                out.append(row)
            }
            return out
        }
        let siteCharges = try charges("site_charges", dimensions: physical)
        let bondCharges = try charges("bond_charges", dimensions: bonds)
        if let dtype = header["dtype"], dtype as? String != "<f8" { throw bad("header field dtype: only \"<f8\" is read") }
        // Σ χ_k d_k χ_{k+1} numbers, overflow-checked, must be exactly what follows the header.
        var counts: [Int] = []
        var total = 0
        for k in 0..<sites {
            let (ab, o1) = bonds[k].multipliedReportingOverflow(by: physical[k])
            let (abc, o2) = ab.multipliedReportingOverflow(by: bonds[k + 1])
            let (sum, o3) = total.addingReportingOverflow(abc)
            guard !o1, !o2, !o3 else { throw bad("header: the tensor sizes overflow") }
            counts.append(abc)
            total = sum
        }
        let dataStart = headerEnd + 1, available = bytes.count - dataStart
        guard total <= available / 8, available == 8 * total else {
            throw bad("expected \(total) float64 numbers (\(8 * total) bytes) after the header, found \(available) bytes")
        }
        var tensors: [Tensor<Double>] = []
        var offset = dataStart
        for k in 0..<sites {
            var values = [Double](repeating: 0, count: counts[k])
            for i in 0..<counts[k] {
                var raw: UInt64 = 0
                for b in 0..<8 { raw |= UInt64(bytes[offset + b]) << (8 * UInt64(b)) }
                let v = Double(bitPattern: raw)
                guard v.isFinite else { throw bad("site \(k): entry \(i) (byte \(offset)) is not finite") }
                values[i] = v
                offset += 8
            }
            tensors.append(Tensor(uncheckedShape: [bonds[k], physical[k], bonds[k + 1]], elements: values))
        }
        guard let state = try? MPS<Double>(tensors: tensors) else { throw bad("the site tensors do not chain") }
        do {
            try self.init(state: state, siteCharges: siteCharges, bondCharges: bondCharges)
        } catch {
            throw bad(error.description.replacingOccurrences(of: "charged MPS: ", with: ""))
        }
    }
}
