// C API: softmax and log-softmax (f32, f64) over the softmax driver of native/softmax.
#include "capi/capi_internal.h"
#include "softmax/softmax.h"

namespace sketchmax {
namespace capi {
namespace {

bool to_algorithm(sketchmax_softmax_algorithm_t a, SoftmaxAlgorithm* out) {
  switch (a) {
    case SKETCHMAX_SOFTMAX_AUTO: *out = SoftmaxAlgorithm::kAuto; return true;
    case SKETCHMAX_SOFTMAX_TWO_PASS: *out = SoftmaxAlgorithm::kTwoPass; return true;
    case SKETCHMAX_SOFTMAX_THREE_PASS_RELOAD: *out = SoftmaxAlgorithm::kThreePassReload; return true;
    case SKETCHMAX_SOFTMAX_THREE_PASS_RECOMPUTE: *out = SoftmaxAlgorithm::kThreePassRecompute; return true;
    default: return false;
  }
  return false;
}

template <class T>
sketchmax_status_t softmax(const T* x, T* y, size_t rows, size_t cols, sketchmax_softmax_algorithm_t algorithm,
                           bool log) {
  if (!x || !y) return SKETCHMAX_ERROR_NULL_POINTER;
  if (rows == 0 || cols == 0 || !product_fits(rows, cols, sizeof(T))) return SKETCHMAX_ERROR_INVALID_SIZE;
  SoftmaxAlgorithm a;
  if (!to_algorithm(algorithm, &a)) return SKETCHMAX_ERROR_INVALID_ARGUMENT;
  const size_t bytes = rows * cols * sizeof(T);
  if (static_cast<const void*>(x) != static_cast<const void*>(y) && overlaps(x, bytes, y, bytes))
    return SKETCHMAX_ERROR_OVERLAP;
  return guarded([&] {
    softmax_rows(current_kernels(), a, log, x, y, rows, cols);
    return SKETCHMAX_OK;
  });
}

}  // namespace
}  // namespace capi
}  // namespace sketchmax

using sketchmax::capi::softmax;

extern "C" {

sketchmax_status_t sketchmax_softmax_f32(const float* x, float* y, size_t rows, size_t cols,
                                         sketchmax_softmax_algorithm_t algorithm) {
  return softmax(x, y, rows, cols, algorithm, false);
}
sketchmax_status_t sketchmax_softmax_f64(const double* x, double* y, size_t rows, size_t cols,
                                         sketchmax_softmax_algorithm_t algorithm) {
  return softmax(x, y, rows, cols, algorithm, false);
}
sketchmax_status_t sketchmax_log_softmax_f32(const float* x, float* y, size_t rows, size_t cols,
                                             sketchmax_softmax_algorithm_t algorithm) {
  return softmax(x, y, rows, cols, algorithm, true);
}
sketchmax_status_t sketchmax_log_softmax_f64(const double* x, double* y, size_t rows, size_t cols,
                                             sketchmax_softmax_algorithm_t algorithm) {
  return softmax(x, y, rows, cols, algorithm, true);
}

}  // extern "C"
