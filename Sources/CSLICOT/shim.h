// SLICOT ships no C header: the Fortran routines used by LowRank are declared here.
// INTEGER arguments are 32-bit and passed by pointer; each CHARACTER argument adds a hidden
// length argument (size_t) at the end, in order.
#include <stddef.h>

// SB03OD: Cholesky factor U of the solution of a stable Lyapunov equation (Hammarling's method),
//   op(A)' X + X op(A) = -scale^2 op(B)' op(B),  X = op(U)' op(U).
void sb03od_(const char *dico, const char *fact, const char *trans, const int *n, const int *m,
             double *a, const int *lda, double *q, const int *ldq, double *b, const int *ldb,
             double *scale, double *wr, double *wi, double *dwork, const int *ldwork, int *info,
             size_t dico_len, size_t fact_len, size_t trans_len);
