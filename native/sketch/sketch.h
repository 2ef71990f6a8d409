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

struct KernelTable;

// out (m x k row-major, k = d + (b ? 1 : 0)) += S[:, row0 : row0 + n]·[A | b]: the contribution of
// the n rows of A (row-major, n x d) that are rows row0.. of the whole matrix. Summing the calls
// over a partition of the rows gives S·[A | b] to rounding. SRHT needs the whole matrix at once
// (row0 = 0, n the total rows). Uses the kernels of `kernels` and up to `threads` threads; S (every
// random choice) never depends on either, and neither do the results for the sparse kinds.
// Returns false, touching no memory, for arguments the TypeScript layer refuses (SRHT with row0 != 0
// or rows > N, nnz_per_column outside [1, rows], rows = 0), and when memory or threads could not be
// had (out is then unspecified).
bool sketch_accumulate(const KernelTable& kernels, const SketchSpec& spec, const double* A, size_t n, size_t d,
                       const double* b, uint64_t row0, double* out, unsigned threads);

// out = S·[A | b] (overwrites out): sketch_accumulate from zero with row0 = 0.
bool sketch_apply(const KernelTable& kernels, const SketchSpec& spec, const double* A, size_t n, size_t d,
                  const double* b, double* out, unsigned threads);

}  // namespace sketchmax

#endif  // SKETCHMAX_SKETCH_SKETCH_H_
