// Three-pass softmax and log-softmax passes (max; sum with or without storing exp; scale or
// log-subtract) for the avx2 ISA, float and double, instantiated from softmax_passes.h.
#include "softmax/simd_avx2.h"
#include "softmax/softmax_passes.h"
#include "softmax/softmax_ukernels.h"

namespace sketchmax {

SKETCHMAX_DEFINE_SOFTMAX_UKERNELS(Avx2F32, f32_avx2)
SKETCHMAX_DEFINE_SOFTMAX_UKERNELS(Avx2F64, f64_avx2)

}  // namespace sketchmax
