// lewis_weights (lewis.h): lib/sampling/lewis.ts lewisIteration and LewisState in C++, the same
// operations in the same order (only log, exp and sqrt may round differently from V8's).
#include "sampling/lewis.h"

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "sampling/anderson.h"

namespace sketchmax {
namespace {

constexpr size_t kAndersonDepth = 4;  // lewis.ts ANDERSON_DEPTH
constexpr int kMaxRestarts = 3;       // lewis.ts MAX_RESTARTS
constexpr double kJacobiMaxP = 4;     // lewis.ts JACOBI_MAX_P

double plain_step(double p) { return p <= 2 ? p / 2 : 1; }
double jacobi_step(double p, double tau) { return p / (2 + (p - 2) * tau); }

bool nonzero_row(const double* A, const double* b, size_t d, size_t i) {
  if (b && b[i] != 0) return true;
  for (size_t j = 0; j < d; ++j)
    if (A[i * d + j] != 0) return true;
  return false;
}

// lewis.ts LewisState: the iterate and its per-row passes.
class LewisState {
 public:
  LewisState(const double* A, const double* b, size_t n, size_t d, double p, double* w)
      : n_(n), p_(p), e_(0.5 - 1 / p), jacobi_(p < kJacobiMaxP), w_(w), active_(n), x_(n), next_(n), f_(n) {
    const double D = static_cast<double>(b ? d + 1 : d);
    const double x0 = std::log(D / static_cast<double>(n));
    for (size_t i = 0; i < n; ++i) {
      active_[i] = nonzero_row(A, b, d, i) ? 1 : 0;
      x_[i] = active_[i] ? x0 : 0.0;
      w_[i] = active_[i] ? D / static_cast<double>(n) : 0.0;
    }
  }

  void scales(double* scale) const {
    for (size_t i = 0; i < n_; ++i) {
      if (!active_[i])
        scale[i] = 0;
      else if (e_ == 0)
        scale[i] = 1;
      else if (e_ == -0.5)
        scale[i] = 1 / std::sqrt(w_[i]);
      else
        scale[i] = std::exp(e_ * x_[i]);
    }
  }

  bool drop_zero_leverage(const double* tau) {
    bool dropped = false;
    for (size_t i = 0; i < n_; ++i) {
      if (!active_[i] || tau[i] > 0) continue;
      active_[i] = 0;
      x_[i] = 0;
      w_[i] = 0;
      dropped = true;
    }
    return dropped;
  }

  double increments(const double* tau, bool accelerated) {
    const bool jacobi = accelerated && jacobi_;
    const double plain = plain_step(p_);
    double residual = 0;
    for (size_t i = 0; i < n_; ++i) {
      if (!active_[i]) {
        f_[i] = 0;
        continue;
      }
      const double r = std::log(tau[i]) - x_[i];
      const double a = std::fabs(r);
      if (a > residual) residual = a;
      f_[i] = (jacobi ? jacobi_step(p_, tau[i]) : plain) * r;
    }
    return residual;
  }

  void plain_update() {
    for (size_t i = 0; i < n_; ++i) next_[i] = x_[i] + f_[i];
  }

  void accelerated_update(Anderson& anderson) { anderson.step(x_.data(), f_.data(), next_.data()); }

  void advance(size_t rank) {
    double total = 0;
    for (size_t i = 0; i < n_; ++i) {
      w_[i] = active_[i] ? std::exp(next_[i]) : 0.0;
      total += w_[i];
    }
    const double factor = total > 0 && rank > 0 ? static_cast<double>(rank) / total : 1.0;
    const double shift = std::log(factor);
    for (size_t i = 0; i < n_; ++i) {
      if (!active_[i]) {
        next_[i] = 0;
        continue;
      }
      next_[i] += shift;
      w_[i] *= factor;
    }
    std::swap(x_, next_);
  }

 private:
  size_t n_;
  double p_, e_;
  bool jacobi_;
  double* w_;
  std::vector<unsigned char> active_;
  std::vector<double> x_, next_, f_;
};

}  // namespace

LewisStatus lewis_weights(const KernelTable& kernels, const double* A, const double* b, size_t n, size_t d,
                          const LewisOptions& o, double* w, LewisResult* result, LewisHook hook) {
  LewisState s(A, b, n, d, o.p, w);
  Anderson anderson(n, kAndersonDepth);
  LeverageOptions lo;
  lo.threads = o.threads;
  std::vector<double> scale(n), tau(n);
  size_t iterations = 0, rank = 0;
  int restarts = 0;
  bool accelerated = true;
  double residual = std::numeric_limits<double>::infinity(), last = residual;
  for (;;) {
    if (hook.keep_going && !hook.keep_going(hook.ctx)) return kLewisCancelled;
    s.scales(scale.data());
    if (leverage_scores(kernels, A, b, n, d, scale.data(), lo, tau.data(), &rank) != kLeverageOk) return kLewisOutOfMemory;
    const bool dropped = s.drop_zero_leverage(tau.data());
    residual = s.increments(tau.data(), accelerated);
    if (dropped) {
      residual = std::numeric_limits<double>::infinity();
      anderson.reset();
      last = residual;
    }
    if (residual <= o.tolerance || iterations >= o.max_iterations) break;
    if (accelerated && residual > last) {
      anderson.reset();
      if (++restarts >= kMaxRestarts) {
        accelerated = false;
        s.increments(tau.data(), false);
      }
    }
    last = residual;
    if (accelerated)
      s.accelerated_update(anderson);
    else
      s.plain_update();
    s.advance(rank);
    ++iterations;
  }
  result->iterations = iterations;
  result->residual = residual;
  result->converged = residual <= o.tolerance;
  result->rank = rank;
  return kLewisOk;
}

}  // namespace sketchmax
