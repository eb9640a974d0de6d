// Structural check of one MATLAB v5 miMATRIX element (MATLAB "MAT-File Format", ch. 1, "Data Element Format"
// and "miMATRIX Format"), read sequentially from an uncompressed byte range or from an inflating zlib stream.

/// Why a v5 element was refused; `reason` is the text shown in parentheses.
struct MATv5Failure: Error {
    var reason: String
}

/// Sequential bytes of one element: from the file itself or from a zlib stream.
protocol MATv5Source {
    /// The next `count` bytes (small reads: tags, flags, dimensions, names).
    mutating func read(_ count: Int) throws(MATv5Failure) -> [UInt8]
    /// Skips `count` bytes (payloads).
    mutating func skip(_ count: Int) throws(MATv5Failure)
}

/// An uncompressed byte range of the file.
struct MATv5MemorySource: MATv5Source {
    let bytes: UnsafeRawBufferPointer
    var position: Int
    let end: Int

    mutating func read(_ count: Int) throws(MATv5Failure) -> [UInt8] {
        guard count <= end - position else { throw MATv5Failure(reason: "element ends early") }
        defer { position += count }
        return Array(UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)]))
    }

    mutating func skip(_ count: Int) throws(MATv5Failure) {
        guard count <= end - position else { throw MATv5Failure(reason: "element ends early") }
        position += count
    }
}

/// The inflated bytes of a miCOMPRESSED element.
struct MATv5InflatingSource: MATv5Source {
    let inflater: ZlibInflater

    mutating func read(_ count: Int) throws(MATv5Failure) -> [UInt8] {
        let (bytes, status) = inflater.read(count)
        try Self.check(status)
        return bytes
    }

    mutating func skip(_ count: Int) throws(MATv5Failure) {
        try Self.check(inflater.skip(count))
    }

    static func check(_ status: ZlibReadStatus) throws(MATv5Failure) {
        switch status {
        case .ok: return
        case .endOfStream: throw MATv5Failure(reason: "inflated data ends inside the variable")
        case .truncated: throw MATv5Failure(reason: "truncated compressed stream")
        case .corrupt(let reason): throw MATv5Failure(reason: reason)
        }
    }
}

/// Walks the subelements of miMATRIX elements, checking that every size lies inside its parent and that the
/// array data have exactly the size the dimensions imply, so that matio never reads past an element.
struct MATv5MatrixWalker<Source: MATv5Source> {
    var source: Source
    /// `true` for big-endian files ('MI' indicator).
    let bigEndian: Bool
    /// The top-level variable's name, once read (for messages).
    var name: String?

    static var maximumDepth: Int { 32 }

    /// One data element tag: type, byte count, and the inline bytes of a small data element.
    struct Tag {
        var type: UInt32
        var size: Int
        var inline: [UInt8]?
        /// Bytes the element occupies after its tag (payload and padding to 8 bytes, or 0 for small elements).
        var span: Int
    }

    func word(_ b: [UInt8], _ at: Int) -> UInt32 {
        let v = UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
        return bigEndian ? v.byteSwapped : v
    }

    /// Reads a tag inside a parent with `budget` bytes left, checking that the element fits.
    mutating func tag(_ budget: inout Int, what: String) throws(MATv5Failure) -> Tag {
        guard budget >= 8 else { throw MATv5Failure(reason: "\(what) missing: the element ends") }
        let b = try source.read(8)
        budget -= 8
        let first = word(b, 0)
        if first >> 16 != 0 {
            // Small data element: size in the upper 16 bits, data in the next 4 bytes.
            let size = Int(first >> 16)
            guard size <= 4 else { throw MATv5Failure(reason: "\(what): small data element of \(size) bytes") }
            let data = Array(b[4..<(4 + size)])
            return Tag(type: first & 0xFFFF, size: size, inline: data, span: 0)
        }
        let size = Int(word(b, 4))
        guard size <= budget else {
            throw MATv5Failure(reason: "\(what) of \(size) bytes runs past the end of its element (\(budget) bytes left)")
        }
        let padded = size + (8 - size % 8) % 8
        return Tag(type: first, size: size, inline: nil, span: min(padded, budget))
    }

    /// The payload of `tag` as bytes (small payloads only), consuming its span.
    mutating func payload(_ tag: Tag, _ budget: inout Int) throws(MATv5Failure) -> [UInt8] {
        if let inline = tag.inline { return inline }
        let bytes = try source.read(tag.size)
        try source.skip(tag.span - tag.size)
        budget -= tag.span
        return bytes
    }

    /// Skips the payload of `tag`.
    mutating func skip(_ tag: Tag, _ budget: inout Int) throws(MATv5Failure) {
        guard tag.inline == nil else { return }
        try source.skip(tag.span)
        budget -= tag.span
    }

    /// Bytes per element of a numeric data type (miINT8 … miUINT64), or `nil`.
    static func elementSize(_ type: UInt32) -> Int? {
        switch type {
        case 1, 2: return 1        // miINT8, miUINT8
        case 3, 4: return 2        // miINT16, miUINT16
        case 5, 6, 7: return 4     // miINT32, miUINT32, miSINGLE
        case 9, 12, 13: return 8   // miDOUBLE, miINT64, miUINT64
        default: return nil
        }
    }

    /// Checks the content of a miMATRIX element of `size` bytes (its tag already read).
    mutating func matrix(size: Int, depth: Int) throws(MATv5Failure) {
        guard depth < Self.maximumDepth else { throw MATv5Failure(reason: "nesting deeper than \(Self.maximumDepth)") }
        var budget = size
        if budget == 0 { return }  // an empty array (MATLAB writes these inside cells)
        // Array flags: miUINT32, 8 bytes.
        let flagsTag = try tag(&budget, what: "array flags")
        guard flagsTag.type == 6, flagsTag.size == 8 else {
            throw MATv5Failure(reason: "array flags subelement has type \(flagsTag.type) and \(flagsTag.size) bytes, expected miUINT32 of 8")
        }
        let flags = try payload(flagsTag, &budget)
        let classCode = word(flags, 0) & 0xFF
        let isComplex = word(flags, 0) & 0x0800 != 0
        guard (1...17).contains(classCode) else { throw MATv5Failure(reason: "unknown array class \(classCode)") }
        // Dimensions: miINT32, at least two.
        let dimsTag = try tag(&budget, what: "dimensions")
        guard dimsTag.type == 5, dimsTag.size % 4 == 0, dimsTag.size >= 8, dimsTag.size <= 4 * 64 else {
            throw MATv5Failure(reason: "dimensions subelement has type \(dimsTag.type) and \(dimsTag.size) bytes")
        }
        let dimBytes = try payload(dimsTag, &budget)
        var dims: [Int] = []
        for k in 0..<(dimBytes.count / 4) {
            let d = Int32(bitPattern: word(dimBytes, 4 * k))
            guard d >= 0 else { throw MATv5Failure(reason: "negative dimension \(d)") }
            dims.append(Int(d))
        }
        var count = 1
        for d in dims {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, p <= Int(UInt32.max) else { throw MATv5Failure(reason: "dimensions \(dims) too large") }
            count = p
        }
        // Array name: miINT8 (possibly a small element).
        let nameTag = try tag(&budget, what: "array name")
        guard nameTag.type == 1 || nameTag.type == 2 else {
            throw MATv5Failure(reason: "array name subelement has type \(nameTag.type)")
        }
        guard nameTag.size <= 4096 else { throw MATv5Failure(reason: "array name of \(nameTag.size) bytes") }
        let nameBytes = try payload(nameTag, &budget)
        if depth == 0 { name = String(decoding: nameBytes, as: UTF8.self) }

        switch classCode {
        case 1, 16:  // cell, and function handle (matio reads it as a cell: one pointer per element): one miMATRIX each
            try children(count, &budget, depth: depth)
        case 2, 3:  // struct, object: [class name], field name length, field names, fields
            if classCode == 3 {
                let classTag = try tag(&budget, what: "class name")
                guard classTag.type == 1 else { throw MATv5Failure(reason: "class name subelement has type \(classTag.type)") }
                try skip(classTag, &budget)
            }
            let lengthTag = try tag(&budget, what: "field name length")
            guard lengthTag.type == 5, lengthTag.size == 4 else {
                throw MATv5Failure(reason: "field name length subelement has type \(lengthTag.type) and \(lengthTag.size) bytes")
            }
            let length = Int(word(try payload(lengthTag, &budget), 0))
            let namesTag = try tag(&budget, what: "field names")
            guard namesTag.type == 1, length > 0 || namesTag.size == 0, length == 0 || namesTag.size % length == 0 else {
                throw MATv5Failure(reason: "field names subelement of \(namesTag.size) bytes for names of \(length) bytes")
            }
            let fields = length == 0 ? 0 : namesTag.size / length
            try skip(namesTag, &budget)
            let (total, overflow) = count.multipliedReportingOverflow(by: fields)
            guard !overflow else { throw MATv5Failure(reason: "too many struct fields") }
            try children(total, &budget, depth: depth)
        case 5:  // sparse: ir, jc, pr [, pi]
            guard dims.count == 2 else { throw MATv5Failure(reason: "sparse array with \(dims.count) dimensions") }
            let ir = try tag(&budget, what: "row indices")
            guard ir.type == 5 || ir.type == 6, ir.size % 4 == 0 else {
                throw MATv5Failure(reason: "row index subelement has type \(ir.type) and \(ir.size) bytes")
            }
            try skip(ir, &budget)
            let jc = try tag(&budget, what: "column pointers")
            guard jc.type == 5 || jc.type == 6, jc.size == 4 * (dims[1] + 1) else {
                throw MATv5Failure(reason: "column pointer subelement has \(jc.size) bytes for \(dims[1]) columns")
            }
            try skip(jc, &budget)
            for part in isComplex ? ["real part", "imaginary part"] : ["real part"] {
                let data = try tag(&budget, what: part)
                guard let width = Self.elementSize(data.type), data.size % width == 0 else {
                    throw MATv5Failure(reason: "\(part) subelement has type \(data.type) and \(data.size) bytes")
                }
                try skip(data, &budget)
            }
        case 4, 6...15:  // char and numeric: real [, imaginary] part of exactly count elements
            for part in isComplex ? ["real part", "imaginary part"] : ["real part"] {
                let data = try tag(&budget, what: part)
                if classCode == 4, (16...18).contains(data.type) {
                    try skip(data, &budget)  // UTF-8/16/32 text: length varies with the characters
                    continue
                }
                guard let width = Self.elementSize(data.type) else {
                    throw MATv5Failure(reason: "\(part) subelement has data type \(data.type)")
                }
                guard data.size == count * width else {
                    throw MATv5Failure(reason: "\(part) has \(data.size) bytes, but dimensions \(dims.map(String.init).joined(separator: "×")) need \(count * width)")
                }
                try skip(data, &budget)
            }
        default:  // opaque objects: subelements in bounds only
            while budget > 0 {
                let t = try tag(&budget, what: "subelement")
                try skip(t, &budget)
            }
        }
        try source.skip(budget)  // trailing bytes inside the element (within bounds)
    }

    /// `n` nested miMATRIX elements.
    mutating func children(_ n: Int, _ budget: inout Int, depth: Int) throws(MATv5Failure) {
        for _ in 0..<n {
            let t = try tag(&budget, what: "nested array")
            guard t.type == 14, t.inline == nil else { throw MATv5Failure(reason: "nested element of type \(t.type), expected miMATRIX") }
            guard t.size % 8 == 0 else { throw MATv5Failure(reason: "nested array of \(t.size) bytes, not a multiple of 8") }
            try matrix(size: t.size, depth: depth + 1)
            budget -= t.span
        }
    }
}
