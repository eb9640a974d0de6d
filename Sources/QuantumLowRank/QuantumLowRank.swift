/// QuantumLowRank: low-rank factorizations of molecular Hamiltonians (FCIDUMP integrals,
/// pivoted-Cholesky and double-factorized electron-repulsion tensors) and tensor trains (``Tensor``,
/// ``TensorTrain``).
public enum QuantumLowRank {
    /// The module version.
    public static let version = "0.1.0"
}
