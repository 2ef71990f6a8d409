// Three-pass softmax and log-softmax passes (max; sum with or without storing exp; scale or
// log-subtract) for the avx512 ISA, float and double, instantiated from softmax_passes.h.
#include "softmax/simd_avx512.h"
#include "softmax/softmax_passes.h"
#include "softmax/softmax_ukernels.h"

namespace sketchmax {

SKETCHMAX_DEFINE_SOFTMAX_UKERNELS(Avx512F32, f32_avx512)
SKETCHMAX_DEFINE_SOFTMAX_UKERNELS(Avx512F64, f64_avx512)

}  // namespace sketchmax
