// Row-wise softmax and log-softmax over a rows x cols row-major array, composed from the passes
// of one kernel table. Shapes are validated by the caller; this layer checks nothing but n >= 1.
#ifndef SKETCHMAX_SOFTMAX_SOFTMAX_H_
#define SKETCHMAX_SOFTMAX_SOFTMAX_H_

#include <cstddef>

#include "cpu/dispatch.h"

namespace sketchmax {

enum class SoftmaxAlgorithm { kThreePassReload = 0, kThreePassRecompute = 1 };

// y may equal x (in place); partial overlap is not allowed.
void softmax_rows(const KernelTable& k, SoftmaxAlgorithm algorithm, bool log, const float* x,
                  float* y, size_t rows, size_t cols);
void softmax_rows(const KernelTable& k, SoftmaxAlgorithm algorithm, bool log, const double* x,
                  double* y, size_t rows, size_t cols);

}  // namespace sketchmax

#endif  // SKETCHMAX_SOFTMAX_SOFTMAX_H_
