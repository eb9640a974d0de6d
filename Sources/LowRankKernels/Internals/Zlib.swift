// The C seam for gzip input: zlib's streaming inflate (gzip wrapper, multi-member).
import CZlib

/// How inflating a buffer ended.
enum InflateOutcome {
    /// Every member was inflated and its CRC-32 and length checked.
    case finished
    /// The output callback asked to stop.
    case stopped
    /// The stream is damaged (zlib's message).
    case corrupt(String)
    /// The input ends inside a member.
    case truncated
}

/// Bytes of output produced per `inflate` call, handed to the caller before the next call.
let inflateChunkBytes = 1 << 20

/// Inflates every gzip member in `input` (RFC 1952; concatenated members as produced by `cat a.gz b.gz`), using
/// `inflateInit2_` with window bits 16 + MAX_WBITS (gzip header and CRC-32/ISIZE trailer checked by zlib).
/// The output is streamed: `emit` receives each piece (at most ``inflateChunkBytes``) as soon as it is produced and
/// returns `false` to stop, so a caller can refuse a stream long before it is fully inflated.
/// Trailing zero padding after the last member is ignored, as gzip(1) does.
func zlibGunzip(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Bool) -> InflateOutcome {
    let total = input.count
    guard let inBase = input.baseAddress?.assumingMemoryBound(to: UInt8.self), total > 0 else { return .finished }
    let out = UnsafeMutablePointer<UInt8>.allocate(capacity: inflateChunkBytes)
    defer { out.deallocate() }
    var consumed = 0
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
        var memberDone = false
        while !memberDone {
            let chunkIn = min(total - consumed, Int(UInt32.max >> 1))
            stream.next_in = UnsafeMutablePointer(mutating: inBase + consumed)
            stream.avail_in = UInt32(chunkIn)
            stream.next_out = out
            stream.avail_out = UInt32(inflateChunkBytes)
            let status = inflate(&stream, Z_NO_FLUSH)
            consumed += chunkIn - Int(stream.avail_in)
            let produced = inflateChunkBytes - Int(stream.avail_out)
            if produced > 0 && !emit(UnsafeRawBufferPointer(start: out, count: produced)) { return .stopped }
            switch status {
            case Z_STREAM_END:
                memberDone = true
            case Z_OK:
                // Room left in the output means zlib used up the input: more is needed.
                if consumed == total && stream.avail_out != 0 { return .truncated }
            case Z_BUF_ERROR:
                // No progress possible with a fresh output buffer: the input ran out mid-stream.
                return .truncated
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                return .corrupt(message)
            }
        }
    }
    return .finished
}
