// The dense microkernels (dense_ukernels.h) for the avx512 ISA, instantiated from dense_kernels_impl.h.
#include "linalg/vec_avx512.h"
#include "linalg/dense_kernels_impl.h"
#include "linalg/dense_ukernels.h"

namespace sketchmax {

SKETCHMAX_DEFINE_DENSE_UKERNELS(VecAvx512, avx512)

}  // namespace sketchmax
