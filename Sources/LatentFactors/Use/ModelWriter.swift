import LowRankKernels
import LowRankIO

extension FactorModel {
    /// File names of a model folder written by ``write(to:)``.
    public enum FileName {
        /// U, users × k, float64 `.npy` (row u is u_u).
        public static let userFactors = "user_factors.npy"
        /// V, items × k, float64 `.npy` (row i is v_i).
        public static let itemFactors = "item_factors.npy"
        /// b, length users, float64 `.npy`.
        public static let userBiases = "user_biases.npy"
        /// c, length items, float64 `.npy`.
        public static let itemBiases = "item_biases.npy"
        /// μ as one decimal number on one line (shortest text that reads back to the same double).
        public static let globalMean = "global_mean.txt"
        /// The user ids, one per line, in index order (line u + 1 is user u).
        public static let userIds = "user_ids.txt"
        /// The item ids, one per line, in index order.
        public static let itemIds = "item_ids.txt"
    }

    /// Writes the model into the folder `directory` atomically (``AtomicDirectory``: the folder appears complete
    /// or not at all; an existing folder is replaced only when it is an earlier output or empty): the files of
    /// ``FileName`` — `user_factors.npy` (users × k), `item_factors.npy` (items × k), `user_biases.npy`,
    /// `item_biases.npy`, `global_mean.txt`, `user_ids.txt` and `item_ids.txt`. The `.npy` files are version 1.0,
    /// float64, `fortran_order: True`, readable by `numpy.load`.
    /// - Throws: ``FileWriteError`` for a refused target, a failed write, or an empty id or one containing a line
    ///   break (it could not be read back one per line); ``NumPyError`` from the array writer.
    public func write(to directory: String) throws {
        for (kind, ids) in [("user", userIds), ("item", itemIds)] {
            if let bad = ids.first(where: { $0.isEmpty || $0.contains(where: \.isNewline) }) {
                throw FileWriteError(path: directory, reason: "\(kind) id \(bad.debugDescription) is empty or contains a line break")
            }
        }
        try AtomicDirectory.write(to: directory) { folder in
            func path(_ name: String) -> String { folder + "/" + name }
            try NumPy.write(userFactors.transposed, to: path(FileName.userFactors))
            try NumPy.write(itemFactors.transposed, to: path(FileName.itemFactors))
            try NumPy.write(vector: userBiases, to: path(FileName.userBiases))
            try NumPy.write(vector: itemBiases, to: path(FileName.itemBiases))
            try AtomicFile.write(Array("\(globalMean)\n".utf8), to: path(FileName.globalMean))
            try AtomicFile.write(Array(userIds.map { $0 + "\n" }.joined().utf8), to: path(FileName.userIds))
            try AtomicFile.write(Array(itemIds.map { $0 + "\n" }.joined().utf8), to: path(FileName.itemIds))
        }
    }
}
