// Per-row composition of the softmax passes, the guards of the two-pass algorithm, and the choice
// made by 'auto'. ISA-neutral: it calls kernels through the table.
#include "softmax/softmax.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "cpu/cache_info.h"
#include "softmax/exp_constants.h"

namespace sketchmax {
namespace {

const SoftmaxUkernels<float>& passes(const KernelTable& k, const float*) { return k.softmax_f32; }
const SoftmaxUkernels<double>& passes(const KernelTable& k, const double*) { return k.softmax_f64; }

template <typename T>
struct TwoPassGuard;
template <>
struct TwoPassGuard<float> {
  static constexpr double floor = expc::kTwoPassFloorF, limit = expc::kTwoPassLimitF,
                          margin = expc::kTwoPassMarginF, cutoff = expc::kCutoffF;
};
template <>
struct TwoPassGuard<double> {
  static constexpr double floor = expc::kTwoPassFloorD, limit = expc::kTwoPassLimitD,
                          margin = expc::kTwoPassMarginD, cutoff = expc::kCutoffD;
};

// Three-pass. Special values need no branch: a NaN, +inf or all -inf row makes x - max NaN
// somewhere, the sum NaN and so every output NaN; -inf entries under a finite max give 0.
template <typename T>
void three_pass_row(const SoftmaxUkernels<T>& p, SoftmaxAlgorithm algorithm, bool log, const T* x,
                    T* y, size_t n) {
  const T max = p.rmax(n, x);
  if (log) {
    const double lse = std::log(p.raddexp(n, x, max));
    p.vlogsub(n, x, max, lse, y);
  } else if (algorithm == SoftmaxAlgorithm::kThreePassRecompute) {
    const double sum = p.raddexp(n, x, max);
    p.vscaleexp(n, x, max, static_cast<T>(1.0 / sum), y);
  } else {
    const double sum = p.raddstoreexp(n, x, max, y);
    p.vscale(n, y, static_cast<T>(1.0 / sum), y);
  }
}

// Two-pass with guards: pass 1 gives sum exp(x) = m * 2^e and the max. Rows whose sum is NaN (NaN
// or +inf inside), whose max is beyond the accurate range of extexp, or whose every element was
// clamped (all -inf, all -FLT_MAX) are redone with three-pass reload: the same answers as three-pass
// on every special row, for the price of one wasted read on those rare rows only.
// Rows shorter than this run three-pass even when two-pass is asked for: two-pass saves memory
// traffic only on long rows, and on a row of a few elements three-pass is exact where the
// extended-exponent sum is not (a one-element row gives exactly 1 and log-probability 0).
constexpr size_t kTwoPassMinCols = 16;

template <typename T>
void two_pass_row(const SoftmaxUkernels<T>& p, bool log, const T* x, T* y, size_t n) {
  using G = TwoPassGuard<T>;
  if (n < kTwoPassMinCols) {
    three_pass_row(p, SoftmaxAlgorithm::kThreePassReload, log, x, y, n);
    return;
  }
  ExtSum<T> s;
  p.raddextexp(n, x, &s);
  const double max = s.max;
  if (!(s.m == s.m) || !(max <= G::limit) || max < G::floor + G::margin) {
    three_pass_row(p, SoftmaxAlgorithm::kThreePassReload, log, x, y, n);
    return;
  }
  if (log) {
    // lse = ln m + e ln2; y = (x - e ln2_hi) - (e ln2_lo + ln m), the first subtraction exact in
    // vlogsub. For float, e ln2_hi is not a float: subtract all of lse in double instead.
    const double e_hi = -s.e * expc::kMinusLn2HiD, e_lo = -s.e * expc::kMinusLn2LoD;
    if (sizeof(T) == 4) {
      p.vlogsub(n, x, T(0), (e_hi + e_lo) + std::log(s.m), y);
    } else {
      p.vlogsub(n, x, static_cast<T>(e_hi), e_lo + std::log(s.m), y);
    }
    return;
  }
  // Terms with x - max below ln(smallest normal) are exactly 0, as in three-pass.
  const T threshold = static_cast<T>(max + G::cutoff);
  p.vscaleextexp(n, x, static_cast<T>(1.0 / s.m), static_cast<T>(s.e), threshold, y);
}

template <typename T>
void rows_impl(const KernelTable& k, SoftmaxAlgorithm algorithm, bool log, const T* x, T* y,
               size_t rows, size_t cols) {
  const auto& p = passes(k, x);
  if (algorithm == SoftmaxAlgorithm::kAuto) algorithm = softmax_auto_algorithm(k.isa, cols, sizeof(T));
  for (size_t r = 0; r < rows; ++r) {
    if (algorithm == SoftmaxAlgorithm::kTwoPass) {
      two_pass_row(p, log, x + r * cols, y + r * cols, cols);
    } else {
      three_pass_row(p, algorithm, log, x + r * cols, y + r * cols, cols);
    }
  }
}

}  // namespace

size_t softmax_two_pass_min_bytes(Isa isa) {
  // Two-pass does ~1.5x the arithmetic of three-pass reload but moves 12 bytes per float instead of
  // 20, so it wins only once memory traffic dominates: when a row's input and output no longer fit
  // in this core's share of the last-level cache (npm run bench, on AVX2: reload is faster up to
  // 8 MiB of traffic, two-pass from 32 MiB on, 1.2x at 512 MiB). The scalar path is compute-bound at
  // every size (two-pass computes exp twice), so there 'auto' never picks it.
  if (isa == Isa::kScalar) return std::numeric_limits<size_t>::max();
  return cache_info().l3_per_core_bytes;
}

SoftmaxAlgorithm softmax_auto_algorithm(Isa isa, size_t cols, size_t elem_size) {
  // Input plus output bytes of one row.
  const size_t bytes = 2 * cols * elem_size;
  return bytes >= softmax_two_pass_min_bytes(isa) ? SoftmaxAlgorithm::kTwoPass
                                                  : SoftmaxAlgorithm::kThreePassReload;
}

void softmax_rows(const KernelTable& k, SoftmaxAlgorithm algorithm, bool log, const float* x,
                  float* y, size_t rows, size_t cols) {
  rows_impl(k, algorithm, log, x, y, rows, cols);
}

void softmax_rows(const KernelTable& k, SoftmaxAlgorithm algorithm, bool log, const double* x,
                  double* y, size_t rows, size_t cols) {
  rows_impl(k, algorithm, log, x, y, rows, cols);
}

}  // namespace sketchmax
