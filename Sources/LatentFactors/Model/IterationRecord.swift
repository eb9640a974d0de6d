/// One iteration (sweep, epoch, or λ-path step) of a fit, as passed to the observer and kept in the result's history.
///
/// `trainRMSE` is √((1/|Ω|) Σ_Ω (r̂_ui − M_ui)²) on the training ratings, `nil` where it does not apply (implicit
/// feedback, where the targets are preferences rather than ratings).
public struct IterationRecord: Sendable, Equatable {
    /// Iteration number, from 1.
    public let iteration: Int
    /// The method's objective after the iteration (each method's documentation states it).
    public let objective: Double
    /// Training RMSE after the iteration, or `nil` where it does not apply.
    public let trainRMSE: Double?
    /// Wall-clock seconds since the fit started.
    public let seconds: Double

    /// A record with the given values.
    public init(iteration: Int, objective: Double, trainRMSE: Double?, seconds: Double) {
        self.iteration = iteration
        self.objective = objective
        self.trainRMSE = trainRMSE
        self.seconds = seconds
    }
}
