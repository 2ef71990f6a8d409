// lewis_weights (lewis.h): lib/sampling/lewis.ts lewisIteration in C++, same operations in the same
// order (only pow, log and cbrt may round differently from V8's).
#include "sampling/lewis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace sketchmax {
namespace {

// ω = 2/(2 − c), c = 1 − p/2 (p <= 2) or 1 − 2/p (lewis.ts relaxation).
double relaxation(double p) {
  const double c = p <= 2 ? 1 - p / 2 : 1 - 2 / p;
  return 2 / (2 - c);
}

// x^step, by cube roots for p = 1's relaxed step 2/3 (lewis.ts stepPower).
double step_power(double x, double step) {
  if (step != 2.0 / 3.0) return std::pow(x, step);
  const double r = std::cbrt(x);
  return r * r;
}

bool nonzero_row(const double* A, const double* b, size_t d, size_t i) {
  if (b && b[i] != 0) return true;
  for (size_t j = 0; j < d; ++j)
    if (A[i * d + j] != 0) return true;
  return false;
}

}  // namespace

LeverageStatus lewis_weights(const KernelTable& kernels, const double* A, const double* b, size_t n, size_t d,
                             const LewisOptions& o, double* w, LewisResult* result) {
  const double D = static_cast<double>(b ? d + 1 : d);
  std::vector<unsigned char> active(n);
  for (size_t i = 0; i < n; ++i) {
    active[i] = nonzero_row(A, b, d, i) ? 1 : 0;
    w[i] = active[i] ? D / static_cast<double>(n) : 0.0;
  }
  const double e = 0.5 - 1 / o.p;  // row scale w_i^e
  LeverageOptions lo;
  lo.threads = o.threads;
  std::vector<double> scale(n), tau(n);
  size_t iterations = 0, rank = 0;
  double residual = std::numeric_limits<double>::infinity(), last = residual, omega = relaxation(o.p);
  for (;;) {
    for (size_t i = 0; i < n; ++i)
      scale[i] = active[i] ? (e == 0 ? 1 : e == -0.5 ? 1 / std::sqrt(w[i]) : std::pow(w[i], e)) : 0;
    const LeverageStatus s = leverage_scores(kernels, A, b, n, d, scale.data(), lo, tau.data(), &rank);
    if (s != kLeverageOk) return s;
    double lowest = 1, highest = 1;
    bool dropped = false;
    for (size_t i = 0; i < n; ++i) {
      if (!active[i]) continue;
      if (!(tau[i] > 0)) {  // leverage exactly 0: the row leaves the iteration (lewis.ts)
        active[i] = 0;
        w[i] = 0;
        dropped = true;
        continue;
      }
      const double ratio = w[i] / tau[i];
      if (ratio < lowest)
        lowest = ratio;
      else if (ratio > highest)
        highest = ratio;
    }
    residual = dropped ? std::numeric_limits<double>::infinity() : std::max(std::log(highest), -std::log(lowest));
    if (residual <= o.tolerance || iterations >= o.max_iterations) break;
    if (residual > last) omega = 1;
    last = residual;
    const double step = (iterations == 0 ? 1 : omega) * (o.p <= 2 ? o.p / 2 : 1);
    for (size_t i = 0; i < n; ++i)
      if (active[i]) w[i] = step == 1 ? tau[i] : w[i] * step_power(tau[i] / w[i], step);
    double total = 0;
    for (size_t i = 0; i < n; ++i)
      if (active[i]) total += w[i];
    if (total > 0 && rank > 0)
      for (size_t i = 0; i < n; ++i)
        if (active[i]) w[i] *= static_cast<double>(rank) / total;
    ++iterations;
  }
  result->iterations = iterations;
  result->residual = residual;
  result->converged = residual <= o.tolerance;
  result->rank = rank;
  return kLeverageOk;
}

}  // namespace sketchmax
