// The native least-squares solver behind sketchmax.lstsq: the C++ twin of lib/linalg/lstsq_js.ts,
// same methods, defaults, stopping rules and fallbacks (that file documents them), over the dense
// kernels of the ISA in effect and up to `threads` threads. Results do not depend on the thread
// count; across ISAs and against the TypeScript backend they agree to rounding.
#ifndef SKETCHMAX_LINALG_LSTSQ_H_
#define SKETCHMAX_LINALG_LSTSQ_H_

#include <cstddef>
#include <cstdint>

#include "sketch/sketch.h"

namespace sketchmax {

struct KernelTable;

enum class LstsqMethod { kQr = 0, kSketchAndSolve = 1, kSketchPrecondition = 2 };

struct LstsqOptions {
  LstsqMethod method = LstsqMethod::kSketchPrecondition;  // already resolved ('auto' is decided in TS)
  SketchSpec sketch{};           // kind, rows, key, nnz_per_column (used by the randomized methods)
  double tolerance = 1e-16;      // LSQR backward-error tolerance (lsqr.ts)
  size_t max_iterations = 100;   // per LSQR pass
  size_t refinement_passes = 2;  // LSQR passes of 'sketch-precondition'
  double rcond_min = 1e-13;      // S·A counts as rank-deficient below this rcond estimate -> 'qr'
  unsigned threads = 1;
  // 'qr' only: solve min ‖diag(row_scale)·(A·x − b)‖₂ (the weighted subproblems of lpRegression)
  // without a scaled copy of A; null: unweighted. residual_norm is then the weighted one.
  const double* row_scale = nullptr;
};

struct LstsqInfo {
  LstsqMethod method = LstsqMethod::kQr;  // the method that produced x ('qr' after a fallback)
  size_t iterations = 0;                  // LSQR iterations summed over the passes
  size_t rank = 0;
  size_t sketch_rows = 0;                 // rows of the sketch formed (also on fallback), 0 if none
  bool converged = true;
  double residual_norm = 0.0;             // ‖b - A·x‖₂ recomputed
};

// Progress callback, called from the solving thread after every LSQR iteration; returning false
// stops the solve (lstsq then returns kLstsqCancelled).
struct LstsqProgress {
  bool (*fn)(void* ctx, size_t pass, size_t iteration, double backward_error_estimate) = nullptr;
  void* ctx = nullptr;
};

enum LstsqStatus { kLstsqOk = 0, kLstsqOutOfMemory = 1, kLstsqCancelled = 2 };

// min ‖A·x - b‖₂ for row-major A (n x d, n >= d >= 1, finite; the caller validated everything).
// Writes x (d entries) and info. A and b are not modified.
LstsqStatus lstsq(const KernelTable& kernels, const double* A, size_t n, size_t d, const double* b,
                  const LstsqOptions& options, double* x, LstsqInfo* info, LstsqProgress progress = {});

}  // namespace sketchmax

#endif  // SKETCHMAX_LINALG_LSTSQ_H_
