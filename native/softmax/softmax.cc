// Per-row composition of the softmax passes. ISA-neutral: it calls kernels through the table.
#include "softmax/softmax.h"

#include <cmath>

namespace sketchmax {
namespace {

const SoftmaxUkernels<float>& passes(const KernelTable& k, const float*) { return k.softmax_f32; }
const SoftmaxUkernels<double>& passes(const KernelTable& k, const double*) { return k.softmax_f64; }

// Special values need no branch here: a NaN, +inf or all -inf row makes x - max NaN somewhere, the
// sum NaN and so every output NaN; -inf entries under a finite max give exp(-inf) = 0.
template <typename T>
void row(const SoftmaxUkernels<T>& p, SoftmaxAlgorithm algorithm, bool log, const T* x, T* y,
         size_t n) {
  const T max = p.rmax(n, x);
  if (log) {
    const double lse = std::log(p.raddexp(n, x, max));
    p.vlogsub(n, x, max, lse, y);
  } else if (algorithm == SoftmaxAlgorithm::kThreePassReload) {
    const double sum = p.raddstoreexp(n, x, max, y);
    p.vscale(n, y, static_cast<T>(1.0 / sum), y);
  } else {
    const double sum = p.raddexp(n, x, max);
    p.vscaleexp(n, x, max, static_cast<T>(1.0 / sum), y);
  }
}

template <typename T>
void rows_impl(const KernelTable& k, SoftmaxAlgorithm algorithm, bool log, const T* x, T* y,
               size_t rows, size_t cols) {
  const auto& p = passes(k, x);
  for (size_t r = 0; r < rows; ++r) row(p, algorithm, log, x + r * cols, y + r * cols, cols);
}

}  // namespace

void softmax_rows(const KernelTable& k, SoftmaxAlgorithm algorithm, bool log, const float* x,
                  float* y, size_t rows, size_t cols) {
  rows_impl(k, algorithm, log, x, y, rows, cols);
}

void softmax_rows(const KernelTable& k, SoftmaxAlgorithm algorithm, bool log, const double* x,
                  double* y, size_t rows, size_t cols) {
  rows_impl(k, algorithm, log, x, y, rows, cols);
}

}  // namespace sketchmax
