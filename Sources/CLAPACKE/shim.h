// LAPACKE with complex numbers as structs, so complex routines import and the layout
// matches swift-numerics Complex<Double> (16 bytes, two Doubles).
#define HAVE_LAPACK_CONFIG_H 1
#define LAPACK_COMPLEX_STRUCTURE 1
#include <lapacke.h>
