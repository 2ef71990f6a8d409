// C API: leverage scores, Lewis weights, row samples and ℓp regression over native/sampling, with the checks and
// defaults of lib/sampling (leverage.ts approximateSizes, lewis.ts LEWIS_DEFAULTS, sample_rows.ts, lp_regression.ts LP_DEFAULTS).
#include <algorithm>
#include <cmath>
#include <vector>

#include "capi/capi_internal.h"
#include "sampling/leverage.h"
#include "sampling/lewis.h"
#include "sampling/lp_regression.h"
#include "sampling/sample_rows.h"

namespace sketchmax {
namespace capi {
namespace {

// leverage.ts SKETCH_C, SKETCH_NNZ, JL_C and the default ε.
constexpr double kSketchC = 16, kJlC = 12, kDefaultEpsilon = 0.5;
constexpr size_t kSketchNnz = 8;
constexpr double kLewisTolerance = 1e-8;
constexpr size_t kLewisMaxIterations = 1000;

// Shared checks of a tall finite A (n x d, n >= d + extra >= 1) and its optional column b.
sketchmax_status_t check_tall(const double* A, size_t n, size_t d, const double* b, unsigned threads) {
  if (!A) return SKETCHMAX_ERROR_NULL_POINTER;
  if (d == 0 || !product_fits(n, d, sizeof(double)) || n < d + (b ? 1 : 0)) return SKETCHMAX_ERROR_INVALID_SIZE;
  if (threads > kMaxThreads) return SKETCHMAX_ERROR_INVALID_ARGUMENT;
  if (!all_finite(A, n * d) || (b && !all_finite(b, n))) return SKETCHMAX_ERROR_NOT_FINITE;
  return SKETCHMAX_OK;
}

bool output_overlaps(const void* out, size_t out_bytes, const double* A, size_t n, size_t d, const double* b) {
  return overlaps(out, out_bytes, A, n * d * sizeof(double)) || (b && overlaps(out, out_bytes, b, n * sizeof(double)));
}

}  // namespace
}  // namespace capi
}  // namespace sketchmax

using namespace sketchmax::capi;
using sketchmax::LeverageMethod;

extern "C" {

sketchmax_status_t sketchmax_leverage_scores(const double* A, size_t n, size_t d, const double* b,
                                             sketchmax_leverage_method_t method, double epsilon, uint64_t seed,
                                             unsigned threads, double* tau, size_t* rank) {
  if (!A || !tau) return SKETCHMAX_ERROR_NULL_POINTER;
  if (method != SKETCHMAX_LEVERAGE_EXACT && method != SKETCHMAX_LEVERAGE_APPROXIMATE) return SKETCHMAX_ERROR_INVALID_ARGUMENT;
  if (method == SKETCHMAX_LEVERAGE_APPROXIMATE) {
    if (b) return SKETCHMAX_ERROR_INVALID_ARGUMENT;  // [A | b] has exact scores only
    if (epsilon == 0) epsilon = kDefaultEpsilon;
    if (!(epsilon > 0 && epsilon < 1)) return SKETCHMAX_ERROR_INVALID_ARGUMENT;
  }
  sketchmax_status_t s = check_tall(A, n, d, b, threads);
  if (s != SKETCHMAX_OK) return s;
  if (output_overlaps(tau, n * sizeof(double), A, n, d, b)) return SKETCHMAX_ERROR_OVERLAP;
  sketchmax::LeverageOptions o;
  o.threads = threads ? threads : 1;
  if (method == SKETCHMAX_LEVERAGE_APPROXIMATE) {
    // approximateSizes: m = max(d, ⌈16d/ε²⌉), k = ⌈12·ln(max(n, 2))/ε²⌉.
    o.method = LeverageMethod::kApproximate;
    seed_key(seed, o.key);
    const double e2 = epsilon * epsilon;
    o.sketch_rows = std::max<size_t>(d, static_cast<size_t>(std::ceil(kSketchC * static_cast<double>(d) / e2)));
    o.jl_columns = static_cast<size_t>(std::ceil(kJlC * std::log(std::max<double>(static_cast<double>(n), 2)) / e2));
    o.nnz_per_column = kSketchNnz;
  }
  return guarded([&] {
    size_t r = 0;
    if (sketchmax::leverage_scores(current_kernels(), A, b, n, d, nullptr, o, tau, &r) != sketchmax::kLeverageOk)
      return SKETCHMAX_ERROR_OUT_OF_MEMORY;
    if (rank) *rank = r;
    return SKETCHMAX_OK;
  });
}

sketchmax_status_t sketchmax_lewis_weights(const double* A, size_t n, size_t d, const double* b, double p,
                                           double tolerance, size_t max_iterations, unsigned threads, double* w,
                                           sketchmax_lewis_info_t* info) {
  if (!A || !w) return SKETCHMAX_ERROR_NULL_POINTER;
  if (!(p >= 1 && std::isfinite(p))) return SKETCHMAX_ERROR_INVALID_ARGUMENT;
  if (tolerance == 0) tolerance = kLewisTolerance;
  if (!(tolerance > 0 && std::isfinite(tolerance))) return SKETCHMAX_ERROR_INVALID_ARGUMENT;
  sketchmax_status_t s = check_tall(A, n, d, b, threads);
  if (s != SKETCHMAX_OK) return s;
  if (output_overlaps(w, n * sizeof(double), A, n, d, b)) return SKETCHMAX_ERROR_OVERLAP;
  sketchmax::LewisOptions o;
  o.p = p;
  o.tolerance = tolerance;
  o.max_iterations = max_iterations ? max_iterations : kLewisMaxIterations;
  o.threads = threads ? threads : 1;
  return guarded([&] {
    sketchmax::LewisResult r;
    if (sketchmax::lewis_weights(current_kernels(), A, b, n, d, o, w, &r) != sketchmax::kLewisOk)
      return SKETCHMAX_ERROR_OUT_OF_MEMORY;
    if (info) {
      info->iterations = r.iterations;
      info->residual = r.residual;
      info->converged = r.converged ? 1 : 0;
      info->rank = r.rank;
    }
    return SKETCHMAX_OK;
  });
}

sketchmax_status_t sketchmax_sample_rows(const double* scores, size_t n, size_t size, uint64_t seed, int replacement,
                                         uint32_t* indices, double* weights, double* probabilities, size_t capacity,
                                         sketchmax_row_sample_t* sample) {
  if (!scores || !indices || !weights || !probabilities || !sample) return SKETCHMAX_ERROR_NULL_POINTER;
  if (n == 0 || n > UINT32_MAX || !product_fits(n, 1, sizeof(double)) || size == 0 || size > n)
    return SKETCHMAX_ERROR_INVALID_SIZE;
  size_t positive = 0;
  double total = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(scores[i])) return SKETCHMAX_ERROR_NOT_FINITE;
    if (scores[i] < 0) return SKETCHMAX_ERROR_INVALID_ARGUMENT;
    if (scores[i] > 0) ++positive;
    total += scores[i];
  }
  if (positive == 0) return SKETCHMAX_ERROR_INVALID_ARGUMENT;
  if (!std::isfinite(total)) return SKETCHMAX_ERROR_NOT_FINITE;
  if (!replacement && size > positive) return SKETCHMAX_ERROR_INVALID_SIZE;
  const size_t sb = n * sizeof(double), cap = std::min(capacity, n);  // no sample has more than n rows
  if (overlaps(indices, cap * sizeof(uint32_t), scores, sb) || overlaps(weights, cap * sizeof(double), scores, sb) ||
      overlaps(probabilities, cap * sizeof(double), scores, sb))
    return SKETCHMAX_ERROR_OVERLAP;
  return guarded([&] {
    uint32_t key[2];
    seed_key(seed, key);
    const sketchmax::RowSample r = sketchmax::sample_rows(scores, n, size, key, replacement != 0);
    const size_t count = r.indices.size();
    sample->count = count;
    sample->expected_size = r.expected_size;
    if (count > capacity) return SKETCHMAX_ERROR_BUFFER_TOO_SMALL;
    std::copy(r.indices.begin(), r.indices.end(), indices);
    std::copy(r.weights.begin(), r.weights.end(), weights);
    std::copy(r.probabilities.begin(), r.probabilities.end(), probabilities);
    return SKETCHMAX_OK;
  });
}

void sketchmax_lp_options_init(sketchmax_lp_options_t* options) {
  if (!options) return;
  options->weights = nullptr;
  options->tolerance = 1e-12;
  options->max_iterations = 500;
  options->method = SKETCHMAX_LP_AUTO;
  options->threads = 1;
}

sketchmax_status_t sketchmax_lp_regression(const double* A, size_t n, size_t d, const double* b, double p,
                                           const sketchmax_lp_options_t* options, double* x, sketchmax_lp_info_t* info) {
  if (!A || !b || !x) return SKETCHMAX_ERROR_NULL_POINTER;
  sketchmax_lp_options_t o;
  sketchmax_lp_options_init(&o);
  if (options) o = *options;
  if (!(p >= 1 && std::isfinite(p)) || !(o.tolerance >= 0 && o.tolerance < 1) || o.max_iterations == 0 ||
      (o.method != SKETCHMAX_LP_AUTO && o.method != SKETCHMAX_LP_NEWTON && o.method != SKETCHMAX_LP_P_IRLS))
    return SKETCHMAX_ERROR_INVALID_ARGUMENT;
  const sketchmax_status_t s = check_tall(A, n, d, nullptr, o.threads);
  if (s != SKETCHMAX_OK) return s;
  if (!all_finite(b, n)) return SKETCHMAX_ERROR_NOT_FINITE;
  if (o.weights) {
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(o.weights[i])) return SKETCHMAX_ERROR_NOT_FINITE;
      if (o.weights[i] < 0) return SKETCHMAX_ERROR_INVALID_ARGUMENT;
    }
  }
  if (output_overlaps(x, d * sizeof(double), A, n, d, b) ||
      (o.weights && overlaps(x, d * sizeof(double), o.weights, n * sizeof(double))))
    return SKETCHMAX_ERROR_OVERLAP;
  sketchmax::LpOptions lo;
  lo.p = p;
  lo.weights = o.weights;
  lo.tolerance = o.tolerance;
  lo.max_iterations = o.max_iterations;
  lo.p_irls = o.method == SKETCHMAX_LP_P_IRLS;
  lo.threads = o.threads ? o.threads : 1;
  return guarded([&] {
    std::vector<double> xs(d);
    const sketchmax::LpResult r = sketchmax::lp_regression(current_kernels(), A, n, d, b, lo, xs.data());
    std::copy(xs.begin(), xs.end(), x);
    if (info) {
      info->objective = r.objective;
      info->iterations = r.iterations;
      info->converged = r.converged ? 1 : 0;
    }
    return SKETCHMAX_OK;
  });
}

}  // extern "C"
