// ℓp Lewis weights in C++: the iteration of lib/sampling/lewis.ts (lewisIteration, which documents
// the method, the acceleration, the rescaling and the residual), step for step, over the exact
// leverage scores of leverage.h. Used by the C API; the weights agree with the TypeScript driver's to
// rounding and do not depend on the thread count.
#ifndef SKETCHMAX_SAMPLING_LEWIS_H_
#define SKETCHMAX_SAMPLING_LEWIS_H_

#include <cstddef>

#include "sampling/leverage.h"

namespace sketchmax {

struct LewisOptions {
  double p = 1.0;  // finite, >= 1
  double tolerance = 1e-8;
  size_t max_iterations = 1000;
  unsigned threads = 1;
};

struct LewisResult {
  size_t iterations = 0;
  double residual = 0.0;
  bool converged = false;
  size_t rank = 0;
};

// w (n entries) = the Lewis weights of A (n x d, finite, n >= d), or of [A | b] when b is not null
// (n >= d + 1). The caller validated everything. kLeverageOutOfMemory leaves w unspecified.
LeverageStatus lewis_weights(const KernelTable& kernels, const double* A, const double* b, size_t n, size_t d,
                             const LewisOptions& options, double* w, LewisResult* result);

}  // namespace sketchmax

#endif  // SKETCHMAX_SAMPLING_LEWIS_H_
