// Run-time kernel dispatch: one immutable table of kernel pointers per ISA, chosen from what the
// CPU supports. Tables are static constant data; callers hold a pointer to the one in effect.
#ifndef SKETCHMAX_CPU_DISPATCH_H_
#define SKETCHMAX_CPU_DISPATCH_H_

#include "linalg/dense_ukernels.h"
#include "softmax/softmax_ukernels.h"

namespace sketchmax {

enum class Isa { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

struct KernelTable {
  Isa isa;
  SoftmaxUkernels<float> softmax_f32;
  SoftmaxUkernels<double> softmax_f64;
  DenseUkernels dense;
};

// The best ISA this CPU and OS can run (detected once, thread-safe).
Isa best_isa();
// Whether this CPU can run `isa` (and this build contains it).
bool isa_supported(Isa isa);
// The kernel table of `isa`; falls back to best_isa() when it is not supported.
const KernelTable& kernel_table(Isa isa);

const char* isa_name(Isa isa);
// Parses "scalar", "avx2", "avx512"; returns false for anything else.
bool parse_isa(const char* name, Isa* out);

}  // namespace sketchmax

#endif  // SKETCHMAX_CPU_DISPATCH_H_
