extension Communicator {
    /// Runs `count` independent tasks, task `t` on rank `t mod P`, and returns every task's result on every rank, in
    /// task order (one all-gather). For one process it simply runs them in order. List the costliest tasks first:
    /// rank `r` gets tasks `r, r + P, r + 2P, …`.
    ///
    /// When a task throws on one rank, every rank throws (``agree(_:)``), so none is left in the all-gather.
    public func shareTasks(count: Int, _ body: (Int) throws -> [Double]) throws -> [[Double]] {
        let mine = try agree {
            try Swift.stride(from: rank, to: max(0, count), by: size).map { task in (task, try body(task)) }
        }
        guard size > 1 else { return mine.map(\.1) }
        // [task, length, values…] per task, concatenated.
        var packed: [Double] = []
        for (task, values) in mine { packed += [Double(task), Double(values.count)] + values }
        let all = try allgatherv(packed)
        var results = [[Double]](repeating: [], count: count)
        var position = 0
        while position + 2 <= all.count {
            let task = Int(all[position]), length = Int(all[position + 1])
            guard task >= 0, task < count, length >= 0, position + 2 + length <= all.count else {
                throw CommunicatorError.invalidArgument(function: "shareTasks", reason: "malformed task results")
            }
            results[task] = Array(all[(position + 2)..<(position + 2 + length)])
            position += 2 + length
        }
        return results
    }
}
