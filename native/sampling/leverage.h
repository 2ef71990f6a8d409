// Leverage scores of diag(scale)·A, the O(n·d²) inner step of ℓp Lewis weights: the C++ twin of
// lib/sampling/leverage.ts (exactLeverage, approximateLeverage), which documents both methods.
// Results agree with the TypeScript backend and across ISAs to rounding, and do not depend on the
// thread count (rows are processed in fixed blocks, each score from its own row only).
#ifndef SKETCHMAX_SAMPLING_LEVERAGE_H_
#define SKETCHMAX_SAMPLING_LEVERAGE_H_

#include <cstddef>
#include <cstdint>

namespace sketchmax {

struct KernelTable;

enum class LeverageMethod { kExact = 0, kApproximate = 1 };

// Xored into the high word of the key to give the JL matrix its own key (leverage.ts JL_KEY_XOR).
constexpr uint32_t kJlKeyXor = 0x4a4c5031;  // 'JLP1'

struct LeverageOptions {
  LeverageMethod method = LeverageMethod::kExact;
  // Approximate only: the Philox key of the sparse-sign sketch (the JL matrix's is derived from it),
  // the sketch's rows m (m >= n: no sketch, R from diag(scale)·A itself), its nonzeros per column,
  // and the JL columns k.
  uint32_t key[2] = {0, 0};
  size_t sketch_rows = 0;
  size_t nnz_per_column = 8;
  size_t jl_columns = 0;
  unsigned threads = 1;
};

enum LeverageStatus { kLeverageOk = 0, kLeverageOutOfMemory = 1 };

// tau (n entries) = the leverage scores of diag(scale)·A for row-major A (n x d, finite; scale null
// for the identity), *rank = the numerical rank r of the QR they come from. With b (n entries,
// finite; exact method only) the scores are those of diag(scale)·[A | b], n x (d + 1), computed
// without forming it (needs n >= d + 1). A zero row or a zero scale gets exactly 0. The caller
// validated everything (n >= d; for a sketch, d <= m and 1 <= nnz_per_column <= m). On
// kLeverageOutOfMemory tau and rank are unspecified.
LeverageStatus leverage_scores(const KernelTable& kernels, const double* A, const double* b, size_t n, size_t d,
                               const double* scale, const LeverageOptions& options, double* tau, size_t* rank);

}  // namespace sketchmax

#endif  // SKETCHMAX_SAMPLING_LEVERAGE_H_
