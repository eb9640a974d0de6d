// The C seam for gzip input: zlib's streaming inflate (gzip wrapper, multi-member).
import CZlib

/// Outcome of inflating a whole buffer.
enum InflateOutcome {
    case ok([UInt8])
    case corrupt(String)
    case truncated
}

/// Inflates every gzip member in `input` (RFC 1952; concatenated members as produced by `cat a.gz b.gz`), using
/// `inflateInit2_` with window bits 16 + MAX_WBITS (gzip header and CRC-32/ISIZE trailer checked by zlib).
/// `expected` sizes the output buffer up front (from the ISIZE trailer); the buffer grows if it is short.
/// Trailing zero padding after the last member is ignored, as gzip(1) does.
func zlibGunzip(_ input: UnsafeRawBufferPointer, expected: Int, limit: Int) -> InflateOutcome {
    var output = [UInt8](repeating: 0, count: max(expected, 1024))
    var produced = 0
    var consumed = 0
    let total = input.count
    guard let inBase = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return .ok([]) }
    while consumed < total {
        // Skip zero padding between/after members.
        if input[consumed] == 0 {
            var k = consumed
            while k < total, input[k] == 0 { k += 1 }
            if k == total { break }
            return .corrupt("unexpected bytes after gzip member at offset \(consumed)")
        }
        var stream = z_stream()
        let initStatus = inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else { return .corrupt("inflateInit2 failed (\(initStatus))") }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: inBase + consumed)
        var memberDone = false
        while !memberDone {
            let chunkIn = min(total - consumed, Int(UInt32.max >> 1))
            stream.next_in = UnsafeMutablePointer(mutating: inBase + consumed)
            stream.avail_in = UInt32(chunkIn)
            if produced == output.count {
                if output.count >= limit { return .corrupt("decompressed data exceeds \(limit) bytes") }
                output.append(contentsOf: repeatElement(0, count: min(max(output.count, 1 << 16), limit - output.count + 1)))
            }
            let room = min(output.count - produced, Int(UInt32.max >> 1))
            let status: Int32 = output.withUnsafeMutableBufferPointer { out in
                stream.next_out = out.baseAddress! + produced
                stream.avail_out = UInt32(room)
                return inflate(&stream, Z_NO_FLUSH)
            }
            let usedIn = chunkIn - Int(stream.avail_in)
            let usedOut = room - Int(stream.avail_out)
            consumed += usedIn
            produced += usedOut
            switch status {
            case Z_STREAM_END:
                memberDone = true
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible: either output is full (grow and retry) or input ran out mid-stream.
                if stream.avail_out == 0 { continue }
                return .truncated
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                return .corrupt(message)
            }
            if consumed == total && !memberDone && stream.avail_out != 0 { return .truncated }
        }
    }
    output.removeSubrange(produced...)
    return .ok(output)
}
