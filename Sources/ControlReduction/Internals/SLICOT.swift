// The C seam to SLICOT (Fortran 77, from Debian's libslicot-dev).
import CSLICOT

enum SLICOT {
    /// Calls SB03OD for the continuous-time equation; `trans` = "N" solves Aᵀ X + X A = −s² BᵀB
    /// (B is m×n, X = UᵀU), "T" solves A X + X Aᵀ = −s² B Bᵀ (B is n×m, X = U Uᵀ).
    /// `a` is overwritten by the Schur form; `b` (ldb × max(m, n)) receives U.
    static func sb03od(trans: Character, n: Int, m: Int, a: inout [Double], b: inout [Double], ldb: Int)
        -> (info: Int32, scale: Double) {
        var nn = Int32(n), mm = Int32(m), lda = Int32(Swift.max(1, n)), ldq = Int32(Swift.max(1, n))
        var ldbb = Int32(ldb)
        var q = [Double](repeating: 0, count: Swift.max(1, n * n))
        var wr = [Double](repeating: 0, count: Swift.max(1, n)), wi = wr
        var ldwork = Int32(Swift.max(1, 4 * n + Swift.min(m, n), n * 64))
        var dwork = [Double](repeating: 0, count: Int(ldwork))
        var scale = 1.0
        var info: Int32 = 0
        var dico = CChar(UInt8(ascii: "C")), fact = CChar(UInt8(ascii: "N"))
        var tr = CChar(UInt8(ascii: trans == "T" ? "T" : "N"))
        sb03od_(&dico, &fact, &tr, &nn, &mm, &a, &lda, &q, &ldq, &b, &ldbb, &scale, &wr, &wi, &dwork, &ldwork,
                &info, 1, 1, 1)
        _ = (ldwork, lda, ldq)
        return (info, scale)
    }
}
