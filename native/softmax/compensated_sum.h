// Neumaier-compensated double accumulator, used to combine per-block partial sums so that the
// total does not drift with the row length (a plain float accumulator is off by ~1e-3 at 2^26).
// Header-only and in an anonymous namespace: every ISA unit gets its own internal copy.
#ifndef SKETCHMAX_SOFTMAX_COMPENSATED_SUM_H_
#define SKETCHMAX_SOFTMAX_COMPENSATED_SUM_H_

#include <cmath>

namespace sketchmax {
namespace {

struct CompensatedSum {
  double sum = 0.0;
  double carry = 0.0;
  void add(double v) {
    const double t = sum + v;
    if (std::fabs(sum) >= std::fabs(v)) {
      carry += (sum - t) + v;
    } else {
      carry += (v - t) + sum;
    }
    sum = t;
  }
  double value() const { return sum + carry; }
};

// Elements per block: each SIMD accumulator lane sums at most a few dozen terms in the working
// precision before the block's total joins the compensated double sum.
constexpr size_t kSumBlock = 1024;

}  // namespace
}  // namespace sketchmax

#endif  // SKETCHMAX_SOFTMAX_COMPENSATED_SUM_H_
