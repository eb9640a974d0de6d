/// The size check for MATLAB v4 files (no header text; a sequence of matrices, each a 20-byte header
/// `type, mrows, ncols, imagf, namlen` as 32-bit integers, the name, then the data).
///
/// matio allocates what a v4 header claims before reading (the fuzzer found a 20-byte header asking for terabytes),
/// so every matrix must have a valid type (`M·1000 + O·100 + P·10 + T` with IEEE byte order M ∈ {0, 1}, O = 0,
/// P ≤ 5, T ≤ 2), `imagf` ∈ {0, 1}, a name of 1…4096 bytes, and data `mrows·ncols·size(P)·(1 + imagf)` that lie
/// inside the file. The values are not otherwise checked. A file whose first header is not a v4 header is refused as
/// not a .mat file.
enum MATv4Validator {
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
            offset += 20 + Int(nameLength) + dataBytes
        }
    }
}
