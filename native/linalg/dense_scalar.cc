// The dense microkernels (dense_ukernels.h) for the scalar ISA, instantiated from dense_kernels_impl.h.
#include "linalg/vec_scalar.h"
#include "linalg/dense_kernels_impl.h"
#include "linalg/dense_ukernels.h"

namespace sketchmax {

SKETCHMAX_DEFINE_DENSE_UKERNELS(VecScalar, scalar)

}  // namespace sketchmax
