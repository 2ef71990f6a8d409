// Two-pass softmax passes (extended-exponent sum; scale by 2^(n - E)) for the scalar ISA, float
// and double, instantiated from two_pass_passes.h with this ISA's unroll (vectors per step,
// accumulators).
#include "softmax/simd_scalar.h"
#include "softmax/softmax_ukernels.h"
#include "softmax/two_pass_passes.h"

namespace sketchmax {

SKETCHMAX_DEFINE_TWO_PASS_UKERNELS(ScalarF32, f32_scalar, 4, 2)
SKETCHMAX_DEFINE_TWO_PASS_UKERNELS(ScalarF64, f64_scalar, 4, 2)

}  // namespace sketchmax
