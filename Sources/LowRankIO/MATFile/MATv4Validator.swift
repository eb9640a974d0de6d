/// The size check for MATLAB v4 files (no header text; a sequence of matrices, each a 20-byte header
/// `type, mrows, ncols, imagf, namlen` as 32-bit integers, the name, then the data).
///
/// matio allocates what a v4 header claims before reading (the fuzzer found a 20-byte header asking for terabytes),
/// so every matrix must have a valid type (`M·1000 + O·100 + P·10 + T` with IEEE byte order M ∈ {0, 1}, O = 0,
/// P ≤ 5, T ≤ 2), `imagf` ∈ {0, 1}, a name of 1…4096 bytes, and data `mrows·ncols·size(P)·(1 + imagf)` that lie
/// inside the file. A sparse matrix (T = 2) stores its nonzeros as rows `i, j, re(, im)` with a last row `m, n, 0`
/// giving its size: it must have `ncols` 3 or 4 and at least that last row, and its column count n a whole number
/// with n + 1 ≤ 2²⁰ + 8 × (file size), because matio allocates the n + 1 column pointers from it (a 22-byte
/// sparse header with no columns asked matio for 7.8 GB). Other values are not checked. A file whose first header is
/// not a v4 header is refused as not a .mat file.
enum MATv4Validator {
    /// The value at byte `at` stored in v4 precision P (0 double, 1 single, 2 int32, 3 int16, 4 uint16, 5 uint8).
    static func element(_ bytes: UnsafeRawBufferPointer, at: Int, precision: Int, swapped: Bool) -> Double {
        let width = [8, 4, 4, 2, 2, 1][precision]
        var raw: UInt64 = 0
        for b in 0..<width {
            let byte = UInt64(bytes[at + b])
            raw |= swapped ? byte << (8 * UInt64(width - 1 - b)) : byte << (8 * UInt64(b))
        }
        switch precision {
        case 0: return Double(bitPattern: raw)
        case 1: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw)))
        case 2: return Double(Int32(bitPattern: UInt32(truncatingIfNeeded: raw)))
        case 3: return Double(Int16(bitPattern: UInt16(truncatingIfNeeded: raw)))
        case 4: return Double(UInt16(truncatingIfNeeded: raw))
        default: return Double(UInt8(truncatingIfNeeded: raw))
        }
    }

    static func validate(bytes: UnsafeRawBufferPointer, path: String) throws(MATFile.Error) {
        let n = bytes.count
        var offset = 0
        var index = 0
        while offset < n {
            index += 1
            guard n - offset >= 20 else {
                if index == 1 { throw .cannotOpen(file: path) }
                throw .corrupt(file: path, variable: nil, reason: "truncated v4 matrix header #\(index) at byte \(offset)")
            }
            func int(_ k: Int, swapped: Bool) -> Int32 {
                var v: UInt32 = 0
                for b in 0..<4 { v |= UInt32(bytes[offset + 4 * k + b]) << (8 * UInt32(b)) }
                return Int32(bitPattern: swapped ? v.byteSwapped : v)
            }
            func validType(_ t: Int32) -> Bool {
                t >= 0 && t <= 1052 && t / 1000 <= 1 && (t / 100) % 10 == 0 && (t / 10) % 10 <= 5 && t % 10 <= 2
            }
            var swapped = false
            if !validType(int(0, swapped: false)) {
                swapped = true
                guard validType(int(0, swapped: true)) else {
                    if index == 1 { throw .cannotOpen(file: path) }
                    throw .corrupt(file: path, variable: .init(name: nil, index: index, compressed: false),
                                   reason: "v4 matrix at byte \(offset) has an unknown type")
                }
            }
            let type = int(0, swapped: swapped), rows = int(1, swapped: swapped), columns = int(2, swapped: swapped)
            let imaginary = int(3, swapped: swapped), nameLength = int(4, swapped: swapped)
            let location = MATFile.VariableLocation(name: nil, index: index, compressed: false)
            guard rows >= 0, columns >= 0, imaginary == 0 || imaginary == 1, (1...4096).contains(nameLength) else {
                if index == 1 { throw .cannotOpen(file: path) }
                throw .corrupt(file: path, variable: location, reason: "v4 matrix at byte \(offset) has an invalid header")
            }
            let width = [8, 4, 4, 2, 2, 1][Int((type / 10) % 10)]
            let (cells, o1) = Int(rows).multipliedReportingOverflow(by: Int(columns))
            let (bytesPerPart, o2) = cells.multipliedReportingOverflow(by: width)
            let (dataBytes, o3) = bytesPerPart.multipliedReportingOverflow(by: 1 + Int(imaginary))
            let available = n - offset - 20 - Int(nameLength)
            guard !o1, !o2, !o3, available >= 0, dataBytes <= available else {
                throw .corrupt(file: path, variable: location,
                               reason: "v4 matrix at byte \(offset) (\(rows)×\(columns)) needs more data than the file holds")
            }
            if type % 10 == 2 {
                guard columns == 3 || columns == 4, rows >= 1 else {
                    throw .corrupt(file: path, variable: location,
                                   reason: "v4 sparse matrix at byte \(offset) has \(rows) rows and \(columns) columns (needs ≥ 1 and 3 or 4)")
                }
                // Column 1 (the column indices), last row: n, in precision P.
                let at = offset + 20 + Int(nameLength) + (Int(rows) + Int(rows) - 1) * width
                let n = element(bytes, at: at, precision: Int((type / 10) % 10), swapped: swapped)
                let limit = Double(1 << 20) + 8 * Double(bytes.count)
                guard n.isFinite, n >= 0, n == n.rounded(), n + 1 <= limit else {
                    throw .corrupt(file: path, variable: location,
                                   reason: "v4 sparse matrix at byte \(offset) declares \(n) columns (at most \(Int(limit) - 1) for this file)")
                }
            }
            offset += 20 + Int(nameLength) + dataBytes
        }
    }
}
