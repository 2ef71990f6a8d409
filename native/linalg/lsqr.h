// Preconditioned LSQR with a warm start: the C++ twin of lib/linalg/lsqr.ts (same recurrences,
// stopping tests and lower-bound estimate of ‖Ā‖; that file documents them) on Ā = A·R⁻¹ for a
// row-major n x d A. One iteration is one pass over A (dense.h lsqr_step): R⁻¹ is applied to v
// before the pass and R⁻ᵀ to Aᵀ·u after it. Throws std::bad_alloc.
#ifndef SKETCHMAX_LINALG_LSQR_H_
#define SKETCHMAX_LINALG_LSQR_H_

#include <cstddef>

#include "linalg/dense_ukernels.h"

namespace sketchmax {

struct LsqrOptions {
  double tolerance = 1e-14;   // atol = btol of both stopping tests
  size_t max_iterations = 0;  // 0: 2·d + 50, as lsqr.ts
  unsigned threads = 1;
  // Called after every iteration with ‖Āᵀr‖/(‖Ā‖·‖r‖) (0 when r = 0); returning false cancels.
  bool (*progress)(void* ctx, size_t iteration, double backward_error_estimate) = nullptr;
  void* progress_ctx = nullptr;
};

enum class LsqrStop { kExact, kCompatible, kLeastSquares, kMaxIterations, kCancelled };

struct LsqrResult {
  size_t iterations = 0;
  LsqrStop stop = LsqrStop::kExact;
  double residual_norm = 0.0;  // ‖r‖ from the recurrence
  double norm_atr = 0.0;       // ‖Āᵀr‖ from the recurrence
  double norm_a = 0.0;         // the lower estimate of ‖Ā‖₂ the tests used
  bool converged() const { return stop != LsqrStop::kMaxIterations && stop != LsqrStop::kCancelled; }
};

// min ‖A·x - b‖ by LSQR on A·R⁻¹ (R: d x d row-major upper triangular, below-diagonal entries
// ignored), starting from x (d entries, overwritten by the solution): the correction problem for
// r0 = b - A·x formed explicitly, so calling it again on its own answer is a refinement step.
LsqrResult lsqr_preconditioned(const DenseUkernels& k, const double* A, size_t n, size_t d, const double* b,
                               const double* R, double* x, const LsqrOptions& options);

}  // namespace sketchmax

#endif  // SKETCHMAX_LINALG_LSQR_H_
