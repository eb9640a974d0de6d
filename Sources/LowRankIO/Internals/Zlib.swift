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

// MARK: - zlib streams (RFC 1950) read incrementally, for MATLAB v5 miCOMPRESSED elements

/// Result of one ``ZlibInflater`` request.
enum ZlibReadStatus: Equatable {
    /// The request was satisfied.
    case ok
    /// The stream ended (Adler-32 checked) before the requested bytes were produced.
    case endOfStream
    /// The input ran out before the stream's end.
    case truncated
    /// zlib refused the data; the payload is zlib's message (e.g. "incorrect data check").
    case corrupt(String)
}

/// Inflates one zlib-wrapped stream (window bits `MAX_WBITS`, Adler-32 trailer verified by zlib at the stream end)
/// from a buffer on demand: callers read the output a few bytes at a time or skip it through a fixed scratch
/// buffer, so the inflated data is never held in full. The `z_stream` lives at a fixed address (zlib checks that).
final class ZlibInflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private let inputCount: Int
    private var initialized = false
    private var ended = false
    private var failure: ZlibReadStatus?
    private var scratch = [UInt8](repeating: 0, count: 1 << 16)

    /// Total number of output bytes produced so far.
    private(set) var produced = 0

    /// `input` must stay valid for the inflater's lifetime and hold at most `UInt32.max` bytes.
    init(input: UnsafeRawBufferPointer) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        inputCount = input.count
        guard input.count <= Int(UInt32.max) else { failure = .corrupt("element larger than 4 GiB"); return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.pointee.avail_in = UInt32(input.count)
        let status = inflateInit_(stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if status == Z_OK { initialized = true } else { failure = .corrupt("inflateInit failed (\(status))") }
    }

    deinit {
        if initialized { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Input bytes consumed so far.
    var consumed: Int { inputCount - Int(stream.pointee.avail_in) }

    /// Fills `destination` completely with the next output bytes.
    func read(into destination: UnsafeMutableRawBufferPointer) -> ZlibReadStatus {
        guard let base = destination.baseAddress, destination.count > 0 else { return failure ?? .ok }
        return pump(base, destination.count)
    }

    /// Reads `count` output bytes (callers keep `count` small; large runs go through ``skip(_:)``).
    func read(_ count: Int) -> (bytes: [UInt8], status: ZlibReadStatus) {
        var out = [UInt8](repeating: 0, count: count)
        let status = out.withUnsafeMutableBytes { read(into: $0) }
        return (out, status)
    }

    /// Discards the next `count` output bytes through the scratch buffer.
    func skip(_ count: Int) -> ZlibReadStatus {
        var left = count
        while left > 0 {
            let n = min(left, scratch.count)
            let status = scratch.withUnsafeMutableBytes { read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<n])) }
            if status != .ok { return status }
            left -= n
        }
        return failure ?? .ok
    }

    /// Inflates (and discards) the rest of the stream up to its end, so that zlib verifies the Adler-32 trailer.
    /// `.ok` means the stream ended cleanly; input bytes left after it are reported through ``consumed``.
    func finish() -> ZlibReadStatus {
        while !ended {
            let status = scratch.withUnsafeMutableBytes { read(into: $0) }
            switch status {
            case .ok, .endOfStream: continue
            default: return status
            }
        }
        return failure ?? .ok
    }

    /// Inflates into `base[0..<count]`; `.ok` only when all `count` bytes were produced.
    private func pump(_ base: UnsafeMutableRawPointer, _ count: Int) -> ZlibReadStatus {
        if let failure { return failure }
        if ended { return .endOfStream }
        var filled = 0
        while filled < count {
            let room = min(count - filled, Int(UInt32.max >> 1))
            stream.pointee.next_out = (base + filled).assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = UInt32(room)
            let status = inflate(stream, Z_NO_FLUSH)
            let made = room - Int(stream.pointee.avail_out)
            filled += made
            produced += made
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                ended = true
                return filled == count ? .ok : .endOfStream
            case Z_BUF_ERROR:
                if stream.pointee.avail_in == 0 { failure = .truncated; return .truncated }
                if made == 0 { failure = .corrupt("no progress"); return .corrupt("no progress") }
                continue
            case Z_NEED_DICT:
                failure = .corrupt("needs a preset dictionary")
                return .corrupt("needs a preset dictionary")
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                failure = .corrupt(message)
                return .corrupt(message)
            }
        }
        return .ok
    }
}

/// zlib-wrapped deflate of `bytes` (`compress2`, RFC 1950), as MATLAB writes miCOMPRESSED elements; `nil` on failure.
func zlibCompress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8]? {
    var length = compressBound(uLong(bytes.count))
    var out = [UInt8](repeating: 0, count: Int(length))
    let status = out.withUnsafeMutableBufferPointer { o in
        bytes.withUnsafeBufferPointer { i in compress2(o.baseAddress, &length, i.baseAddress, uLong(i.count), level) }
    }
    guard status == Z_OK else { return nil }
    return Array(out.prefix(Int(length)))
}
