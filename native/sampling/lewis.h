// ℓp Lewis weights in C++: the iteration of lib/sampling/lewis.ts (lewisIteration, which documents
// the method, the acceleration, the rescaling and the residual), step for step, over the exact
// leverage scores of leverage.h. Used by the native backend (lib/sampling/scores.ts, through
// native/addon/sampling_binding.cc) and the C API; the weights agree with the TypeScript driver's to
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

enum LewisStatus { kLewisOk = 0, kLewisOutOfMemory = 1, kLewisCancelled = 2 };

// Asked before every leverage computation (the iteration's only long step); returning false stops it
// with kLewisCancelled. The async binding's AbortSignal.
struct LewisHook {
  bool (*keep_going)(void* ctx) = nullptr;
  void* ctx = nullptr;
};

// w (n entries) = the Lewis weights of A (n x d, finite, n >= d), or of [A | b] when b is not null
// (n >= d + 1). The caller validated everything. Any status but kLewisOk leaves w and result unspecified.
LewisStatus lewis_weights(const KernelTable& kernels, const double* A, const double* b, size_t n, size_t d,
                          const LewisOptions& options, double* w, LewisResult* result, LewisHook hook = {});

}  // namespace sketchmax

#endif  // SKETCHMAX_SAMPLING_LEWIS_H_
