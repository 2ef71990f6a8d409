// The dense microkernels (dense_ukernels.h) for the avx2 ISA, instantiated from dense_kernels_impl.h.
#include "linalg/vec_avx2.h"
#include "linalg/dense_kernels_impl.h"
#include "linalg/dense_ukernels.h"

namespace sketchmax {

SKETCHMAX_DEFINE_DENSE_UKERNELS(VecAvx2, avx2)

}  // namespace sketchmax
