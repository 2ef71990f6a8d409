// Row-wise softmax and log-softmax over a rows x cols row-major array, composed from the passes
// of one kernel table. Shapes are validated by the caller; this layer checks nothing but n >= 1.
#ifndef SKETCHMAX_SOFTMAX_SOFTMAX_H_
#define SKETCHMAX_SOFTMAX_SOFTMAX_H_

#include <cstddef>

#include "cpu/dispatch.h"

namespace sketchmax {

enum class SoftmaxAlgorithm {
  kThreePassReload = 0,
  kThreePassRecompute = 1,
  kTwoPass = 2,
  kAuto = 3,  // per row length and ISA: see softmax_auto_algorithm()
};

// What 'auto' runs for rows of `cols` elements of `elem_size` bytes on `isa`.
SoftmaxAlgorithm softmax_auto_algorithm(Isa isa, size_t cols, size_t elem_size);
// The row size in bytes from which 'auto' picks two-pass on `isa` (SIZE_MAX: never).
size_t softmax_two_pass_min_bytes(Isa isa);

// y may equal x (in place); partial overlap is not allowed.
void softmax_rows(const KernelTable& k, SoftmaxAlgorithm algorithm, bool log, const float* x,
                  float* y, size_t rows, size_t cols);
void softmax_rows(const KernelTable& k, SoftmaxAlgorithm algorithm, bool log, const double* x,
                  double* y, size_t rows, size_t cols);

}  // namespace sketchmax

#endif  // SKETCHMAX_SOFTMAX_SOFTMAX_H_
