// C API: least squares over native/linalg/lstsq, with the option defaults and 'auto' rule of
// lib/linalg/lstsq_options.ts (so a call with the same options runs the same method and sketch).
#include <algorithm>
#include <cmath>
#include <vector>

#include "capi/capi_internal.h"
#include "linalg/lstsq.h"
#include "sketch/sketch.h"

namespace sketchmax {
namespace capi {

sketchmax_status_t sketch_spec(sketchmax_sketch_kind_t kind, size_t m, uint64_t seed, size_t nnz, size_t n,
                               SketchSpec* spec);

namespace {

// lstsq_options.ts: AUTO_MIN_COLS, AUTO_MIN_ROWS_PER_COL, AUTO_SKETCH_AND_SOLVE_TOLERANCE and the
// sketch-size defaults (LSTSQ_DEFAULTS).
constexpr size_t kAutoMinCols = 150;
constexpr size_t kAutoMinRowsPerCol = 25;
constexpr double kAutoSketchAndSolveTolerance = 0.25;
constexpr size_t kSolveRowsPerColumn = 20;
constexpr size_t kPreconditionRowsPerColumn = 12;
constexpr size_t kMaxPreconditionRowsPerColumn = 40;

sketchmax_lstsq_method_t choose_method(size_t n, size_t d, double tolerance) {
  if (d < kAutoMinCols || n / kAutoMinRowsPerCol < d) return SKETCHMAX_LSTSQ_QR;
  if (tolerance >= kAutoSketchAndSolveTolerance) return SKETCHMAX_LSTSQ_SKETCH_AND_SOLVE;
  return SKETCHMAX_LSTSQ_SKETCH_PRECONDITION;
}

// γ·d with γ = clamp(⌊4n/d²⌋, 12, 40), at most n (preconditionSketchRows).
size_t precondition_rows(size_t n, size_t d) {
  const double g = std::floor(4.0 * static_cast<double>(n) / (static_cast<double>(d) * static_cast<double>(d)));
  const size_t gamma = static_cast<size_t>(std::min<double>(kMaxPreconditionRowsPerColumn,
                                                            std::max<double>(kPreconditionRowsPerColumn, g)));
  return std::min(gamma * d, n);
}

}  // namespace
}  // namespace capi
}  // namespace sketchmax

using namespace sketchmax::capi;

extern "C" {

void sketchmax_lstsq_options_init(sketchmax_lstsq_options_t* options) {
  if (!options) return;
  options->method = SKETCHMAX_LSTSQ_AUTO;
  options->sketch_kind = SKETCHMAX_SKETCH_SPARSE_SIGN;
  options->sketch_rows = 0;
  options->nnz_per_column = 0;
  options->seed = 0;
  options->tolerance = 1e-16;
  options->max_iterations = 100;
  options->threads = 1;
}

sketchmax_status_t sketchmax_lstsq(const double* A, size_t n, size_t d, const double* b,
                                   const sketchmax_lstsq_options_t* options, double* x, sketchmax_lstsq_info_t* info) {
  if (!A || !b || !x) return SKETCHMAX_ERROR_NULL_POINTER;
  if (d == 0 || n < d || !product_fits(n, d, sizeof(double))) return SKETCHMAX_ERROR_INVALID_SIZE;
  sketchmax_lstsq_options_t o;
  sketchmax_lstsq_options_init(&o);
  if (options) o = *options;
  if (!(o.tolerance > 0 && o.tolerance < 1) || o.max_iterations == 0 || o.threads > kMaxThreads)
    return SKETCHMAX_ERROR_INVALID_ARGUMENT;
  sketchmax_lstsq_method_t method = o.method;
  if (method == SKETCHMAX_LSTSQ_AUTO) method = choose_method(n, d, o.tolerance);
  if (method != SKETCHMAX_LSTSQ_QR && method != SKETCHMAX_LSTSQ_SKETCH_AND_SOLVE &&
      method != SKETCHMAX_LSTSQ_SKETCH_PRECONDITION)
    return SKETCHMAX_ERROR_INVALID_ARGUMENT;
  const size_t rows = o.sketch_rows ? o.sketch_rows
                      : method == SKETCHMAX_LSTSQ_SKETCH_AND_SOLVE ? std::min(kSolveRowsPerColumn * d, n)
                                                                   : precondition_rows(n, d);
  sketchmax::LstsqOptions lo;
  const sketchmax_status_t s = sketch_spec(o.sketch_kind, rows, o.seed, o.nnz_per_column, n, &lo.sketch);
  if (s != SKETCHMAX_OK) return s;
  if (rows < d) return SKETCHMAX_ERROR_INVALID_SIZE;
  const size_t ab = n * d * sizeof(double), xb = d * sizeof(double);
  if (overlaps(x, xb, A, ab) || overlaps(x, xb, b, n * sizeof(double))) return SKETCHMAX_ERROR_OVERLAP;
  if (!all_finite(A, n * d) || !all_finite(b, n)) return SKETCHMAX_ERROR_NOT_FINITE;
  lo.method = static_cast<sketchmax::LstsqMethod>(method - 1);
  lo.tolerance = o.tolerance;
  lo.max_iterations = o.max_iterations;
  lo.threads = o.threads ? o.threads : 1;
  return guarded([&] {
    std::vector<double> xs(d);
    sketchmax::LstsqInfo li;
    if (sketchmax::lstsq(current_kernels(), A, n, d, b, lo, xs.data(), &li) != sketchmax::kLstsqOk)
      return SKETCHMAX_ERROR_OUT_OF_MEMORY;
    std::copy(xs.begin(), xs.end(), x);
    if (info) {
      info->method = static_cast<sketchmax_lstsq_method_t>(static_cast<int>(li.method) + 1);
      info->iterations = li.iterations;
      info->rank = li.rank;
      info->sketch_rows = li.sketch_rows;
      info->converged = li.converged ? 1 : 0;
      info->residual_norm = li.residual_norm;
    }
    return SKETCHMAX_OK;
  });
}

}  // extern "C"
