// ScaLAPACK and BLACS (Debian's libscalapack-openmpi) ship no C header. These are the entry points LowRank calls:
// the C interface of BLACS (Cblacs_*) and the Fortran ScaLAPACK routines (trailing underscore, arguments by
// reference, and gfortran's hidden length argument for each CHARACTER argument, appended at the end).
#include <stddef.h>

void Cblacs_get(int context, int what, int *value);
void Cblacs_gridinit(int *context, const char *order, int nprow, int npcol);
void Cblacs_gridinfo(int context, int *nprow, int *npcol, int *myrow, int *mycol);
void Cblacs_gridexit(int context);

int numroc_(const int *n, const int *nb, const int *iproc, const int *isrcproc, const int *nprocs);
void descinit_(int *desc, const int *m, const int *n, const int *mb, const int *nb, const int *irsrc,
               const int *icsrc, const int *ictxt, const int *lld, int *info);
void pdsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *ia, const int *ja,
              const int *desca, double *w, double *z, const int *iz, const int *jz, const int *descz,
              double *work, const int *lwork, int *iwork, const int *liwork, int *info,
              size_t jobz_length, size_t uplo_length);
