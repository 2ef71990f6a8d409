// Two-pass softmax passes (extended-exponent sum; scale by 2^(n - E)) for the avx512 ISA, float
// and double, instantiated from two_pass_passes.h with this ISA's unroll (vectors per step,
// accumulators).
#include "softmax/simd_avx512.h"
#include "softmax/softmax_ukernels.h"
#include "softmax/two_pass_passes.h"

namespace sketchmax {

SKETCHMAX_DEFINE_TWO_PASS_UKERNELS(Avx512F32, f32_avx512, 8, 2)
SKETCHMAX_DEFINE_TWO_PASS_UKERNELS(Avx512F64, f64_avx512, 8, 2)

}  // namespace sketchmax
