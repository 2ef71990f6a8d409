// Three-pass softmax and log-softmax passes (max; sum with or without storing exp; scale or
// log-subtract) for the scalar ISA, float and double, instantiated from softmax_passes.h.
#include "softmax/simd_scalar.h"
#include "softmax/softmax_passes.h"
#include "softmax/softmax_ukernels.h"

namespace sketchmax {

SKETCHMAX_DEFINE_SOFTMAX_UKERNELS(ScalarF32, f32_scalar)
SKETCHMAX_DEFINE_SOFTMAX_UKERNELS(ScalarF64, f64_scalar)

}  // namespace sketchmax
