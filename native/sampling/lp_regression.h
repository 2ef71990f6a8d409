// ℓp regression in C++: the solvers of lib/sampling/lp_regression.ts (which documents every method,
// constant and stopping rule) step for step — p = 2 one weighted least-squares solve; p = 1 the
// interior-point method on the dual LP, the vertex polish and the LP certificates; 1 < p < ∞ damped
// Newton; p > 2 optionally p-IRLS — with every weighted least-squares subproblem solved by the native
// TSQR (linalg/lstsq.h, method 'qr', row-scaled), as the addon's backend solves them. Used by the C
// API; x agrees with the JavaScript lpRegression to rounding.
#ifndef SKETCHMAX_SAMPLING_LP_REGRESSION_H_
#define SKETCHMAX_SAMPLING_LP_REGRESSION_H_

#include <cstddef>

namespace sketchmax {

struct KernelTable;

struct LpOptions {
  double p = 1.0;                  // finite, >= 1
  const double* weights = nullptr; // n nonnegative finite weights; null: all 1
  double tolerance = 1e-12;        // in [0, 1)
  size_t max_iterations = 500;     // least-squares solves, >= 1
  bool p_irls = false;             // p > 2 only: p-IRLS instead of Newton
  unsigned threads = 1;
};

struct LpResult {
  double objective = 0.0;  // Σ w_i |a_iᵀx − b_i|^p at x
  size_t iterations = 0;   // least-squares solves after the start
  bool converged = false;
};

// x (d entries) = argmin Σ w_i |a_iᵀx − b_i|^p for finite row-major A (n x d) and b (n). The caller
// validated everything. Throws std::bad_alloc.
LpResult lp_regression(const KernelTable& kernels, const double* A, size_t n, size_t d, const double* b,
                       const LpOptions& options, double* x);

}  // namespace sketchmax

#endif  // SKETCHMAX_SAMPLING_LP_REGRESSION_H_
