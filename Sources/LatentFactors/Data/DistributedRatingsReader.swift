import LowRankDistributed

/// Reads one ratings file in parallel by byte ranges over the ranks of a ``Communicator``: rank p reads and parses
/// only part p of ``RatingsReader/layout(_:format:parts:)`` (the preamble and about 1/P of the data bytes), the
/// parsed parts are exchanged (ids as text, records as 32-bit indices, values and line numbers), and every rank
/// merges them (``Ratings/init(parts:path:duplicates:)``) into the ratings the serial reader gives for the whole
/// file: the same ids in the same order, the same entries, the same error with the same line for a faulty file.
///
/// Every rank ends with the whole ``Ratings`` (the distributed ALS drivers then keep their blocks); the parse, which
/// dominates reading, is what is divided. Volume: about 24 bytes per rating plus the ids' text, gathered by each rank.
public enum DistributedRatingsReader {
    /// Reads `path` with `communicator.size` ranks; with one rank, ``RatingsReader/read(_:format:duplicates:)``.
    /// Every rank must call it with the same arguments.
    /// - Throws: ``RatingsError`` on every rank when the file is faulty (the fault first in file order), or when a
    ///   rank cannot read it (that rank; the others ``CommunicatorError/peerFailed(rank:)``); ``CommunicatorError``
    ///   for MPI failures.
    public static func read(_ path: String, format: RatingsFormat = .movieLens, duplicates: DuplicatePolicy = .refuse,
                            communicator: Communicator) throws -> Ratings {
        guard communicator.size > 1 else { return try RatingsReader.read(path, format: format, duplicates: duplicates) }
        // Rank 0 cuts the file and broadcasts the cuts, so that every rank reads by the same layout.
        let found = try communicator.agree {
            communicator.rank == 0 ? try RatingsReader.layout(path, format: format, parts: communicator.size) : nil
        }
        let layout = try shared(found, path: path, format: format, communicator: communicator)
        let part = try communicator.agree { try RatingsReader.readPart(layout, part: communicator.rank) }
        let parts = try exchange(part, path: path, communicator: communicator)
        return try Ratings(parts: parts, path: path, duplicates: duplicates)
    }

    /// Rank 0's layout on every rank: its preamble and its cuts, broadcast.
    static func shared(_ layout: RatingsFileLayout?, path: String, format: RatingsFormat,
                       communicator: Communicator) throws -> RatingsFileLayout {
        let numbers = try communicator.broadcast(
            layout.map { [$0.preambleLines] + $0.dataRanges.map(\.lowerBound) + [$0.dataRanges.last?.upperBound ?? 0] } ?? [],
            root: 0)
        let preamble = try communicator.broadcast(layout?.preamble ?? [], root: 0)
        guard numbers.count == communicator.size + 2 else {
            throw RatingsError(path: path, line: nil, reason: "rank 0 sent no layout")
        }
        let cuts = Array(numbers.dropFirst())
        return RatingsFileLayout(path: path, format: format, preamble: preamble, preambleLines: numbers[0],
                                 dataRanges: (0..<communicator.size).map { cuts[$0]..<cuts[$0 + 1] })
    }

    /// Every rank's part, in rank order (one all-gather of the counts, then one per array).
    static func exchange(_ part: RatingsPart, path: String, communicator: Communicator) throws -> [RatingsPart] {
        let userText = joined(part.userIds), itemText = joined(part.itemIds)
        let reason = Array((part.failure?.reason ?? "").utf8)
        let counts = [part.userIds.count, userText.count, part.itemIds.count, itemText.count, part.values.count,
                      part.preambleLines, part.dataLineFeeds, part.lastLine, part.declaredEntries ?? -1,
                      part.failure == nil ? 0 : 1, part.failure?.line ?? -1, reason.count]
        let allCounts = try communicator.allgatherv(counts)
        let allUserText = try communicator.allgatherv(userText), allItemText = try communicator.allgatherv(itemText)
        let allUsers = try communicator.allgatherv(part.users), allItems = try communicator.allgatherv(part.items)
        let allValues = try communicator.allgatherv(part.values), allLines = try communicator.allgatherv(part.lines)
        let allReasons = try communicator.allgatherv(reason)
        var parts: [RatingsPart] = []
        var userTextStart = 0, itemTextStart = 0, recordStart = 0, reasonStart = 0
        for rank in 0..<communicator.size {
            let c = Array(allCounts[(rank * counts.count)..<((rank + 1) * counts.count)])
            let records = recordStart..<(recordStart + c[4])
            let reasonText = String(decoding: allReasons[reasonStart..<(reasonStart + c[11])], as: UTF8.self)
            parts.append(RatingsPart(
                userIds: split(allUserText[userTextStart..<(userTextStart + c[1])], count: c[0]),
                itemIds: split(allItemText[itemTextStart..<(itemTextStart + c[3])], count: c[2]),
                users: Array(allUsers[records]), items: Array(allItems[records]), values: Array(allValues[records]),
                lines: Array(allLines[records]), preambleLines: c[5], dataLineFeeds: c[6], lastLine: c[7],
                declaredEntries: c[8] < 0 ? nil : c[8],
                failure: c[9] == 0 ? nil : RatingsError(path: path, line: c[10] < 0 ? nil : c[10],
                                                        reason: reasonText)))
            userTextStart += c[1]
            itemTextStart += c[3]
            recordStart += c[4]
            reasonStart += c[11]
        }
        return parts
    }

    /// Ids joined by line feeds (a line feed never occurs in an id: the reader splits lines on it).
    static func joined(_ ids: [String]) -> [UInt8] {
        var text: [UInt8] = []
        for (k, id) in ids.enumerated() {
            if k > 0 { text.append(0x0A) }
            text.append(contentsOf: id.utf8)
        }
        return text
    }

    /// The `count` ids of a text made by ``joined(_:)``.
    static func split(_ text: ArraySlice<UInt8>, count: Int) -> [String] {
        guard count > 0 else { return [] }
        return text.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }
}
