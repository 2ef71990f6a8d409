// Sketch application S·[A | b] for the five kinds, with the random choices of random_choices.h, so
// the result is bit for bit the TypeScript backend's (lib/sketch/sketch_js.ts) for every kind but
// Gaussian (whose entries agree to a few ulp): each output entry accumulates over the input rows in
// the same order with the same operations. Scalar reference implementation; SIMD variants must keep
// that per-entry order (vectorise across columns only) to stay bit-identical.
#ifndef SKETCHMAX_SKETCH_SKETCH_H_
#define SKETCHMAX_SKETCH_SKETCH_H_

#include <cstddef>
#include <cstdint>

namespace sketchmax {

enum class SketchKind { kGaussian = 0, kRademacher = 1, kSrht = 2, kCountSketch = 3, kSparseSign = 4 };

struct SketchSpec {
  SketchKind kind;
  size_t rows;                 // m
  uint32_t key[2];             // Philox key from the seed
  size_t nnz_per_column;       // sparse sign only (CountSketch uses 1)
};

// out (m x k row-major, k = d + (b ? 1 : 0)) = S·[A | b]; A is n x d row-major; out is overwritten.
// Returns false only when memory for SRHT's padded copy could not be allocated.
bool sketch_apply(const SketchSpec& spec, const double* A, size_t n, size_t d, const double* b,
                  double* out);

}  // namespace sketchmax

#endif  // SKETCHMAX_SKETCH_SKETCH_H_
