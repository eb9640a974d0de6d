import LowRankKernels

/// One allocation that holds both enlarged operators of a two-site update: Lw at its front, Rwᵀ right after it.
///
/// Along a sweep the left operators peak on one side of the chain's centre and the right ones on the other (H10,
/// M = 500: 382 MB and 6 MB at one bond, 6 MB and 382 MB four bonds earlier, 118 MB each between). Separate buffers
/// kept at their largest hold both peaks at once; one buffer sized to the largest *sum* of an update's two needs holds
/// the peak of a single update, and once it has grown it is reused without being faulted in again. The engine
/// replaces it by a larger one when an update needs more (with ``headroom``); an operator placed in it keeps it
/// alive.
final class OperatorArena: @unchecked Sendable {  // operators write disjoint ranges; one update at a time
    /// The first double.
    let base: UnsafeMutablePointer<Double>
    /// Doubles available.
    let capacity: Int

    /// A new arena gets 1/headroom more than asked for: blocks grow by a few states from one update to the next,
    /// and a small margin keeps the peak (the arena is most of an ab initio run's memory) close to the need.
    static let headroom = 32

    /// An arena of `capacity` doubles (contents undefined), advised for huge pages when large.
    init(capacity: Int) {
        self.capacity = Swift.max(0, capacity)
        base = .allocate(capacity: Swift.max(1, capacity))
        LargeBuffer.adviseHugePages(base, count: self.capacity)
    }

    deinit { base.deallocate() }
}
