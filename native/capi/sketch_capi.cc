// C API: sketch application S·[A | b] over native/sketch, with the JavaScript sketch()'s checks.
#include "capi/capi_internal.h"
#include "sketch/sketch.h"

namespace sketchmax {
namespace capi {
namespace {

constexpr size_t kDefaultNnz = 8;  // lib/sketch/sketch.ts DEFAULT_NNZ

bool known_kind(sketchmax_sketch_kind_t kind) {
  return kind == SKETCHMAX_SKETCH_GAUSSIAN || kind == SKETCHMAX_SKETCH_RADEMACHER || kind == SKETCHMAX_SKETCH_SRHT ||
         kind == SKETCHMAX_SKETCH_COUNTSKETCH || kind == SKETCHMAX_SKETCH_SPARSE_SIGN;
}

size_t pow2_at_least(size_t n) {
  size_t N = 1;
  while (N < n && N <= SIZE_MAX / 2) N *= 2;
  return N;
}

}  // namespace

// Checks the operator (kind, m, nnz) for an n-row input and fills spec; shared with lstsq_capi.cc.
sketchmax_status_t sketch_spec(sketchmax_sketch_kind_t kind, size_t m, uint64_t seed, size_t nnz, size_t n,
                               SketchSpec* spec) {
  if (!known_kind(kind)) return SKETCHMAX_ERROR_INVALID_ARGUMENT;
  const size_t max_rows = kind == SKETCHMAX_SKETCH_SRHT ? pow2_at_least(n) : n;
  if (m == 0 || m > max_rows) return SKETCHMAX_ERROR_INVALID_SIZE;
  if (kind != SKETCHMAX_SKETCH_SPARSE_SIGN && nnz != 0) return SKETCHMAX_ERROR_INVALID_ARGUMENT;
  if (kind == SKETCHMAX_SKETCH_SPARSE_SIGN && nnz > m) return SKETCHMAX_ERROR_INVALID_ARGUMENT;
  spec->kind = static_cast<SketchKind>(kind);
  spec->rows = m;
  seed_key(seed, spec->key);
  spec->nnz_per_column = kind == SKETCHMAX_SKETCH_SPARSE_SIGN ? (nnz ? nnz : (m < kDefaultNnz ? m : kDefaultNnz)) : 1;
  return SKETCHMAX_OK;
}

}  // namespace capi
}  // namespace sketchmax

using namespace sketchmax::capi;

extern "C" sketchmax_status_t sketchmax_sketch(sketchmax_sketch_kind_t kind, size_t m, uint64_t seed,
                                               size_t nnz_per_column, const double* A, size_t n, size_t d,
                                               const double* b, double* out, unsigned threads) {
  if (!A || !out) return SKETCHMAX_ERROR_NULL_POINTER;
  if (threads > kMaxThreads) return SKETCHMAX_ERROR_INVALID_ARGUMENT;
  if (n == 0 || d == 0 || !product_fits(n, d, sizeof(double))) return SKETCHMAX_ERROR_INVALID_SIZE;
  sketchmax::SketchSpec spec;
  const sketchmax_status_t s = sketch_spec(kind, m, seed, nnz_per_column, n, &spec);
  if (s != SKETCHMAX_OK) return s;
  const size_t k = d + (b ? 1 : 0);
  if (!product_fits(m, k, sizeof(double))) return SKETCHMAX_ERROR_INVALID_SIZE;
  const size_t out_bytes = m * k * sizeof(double);
  if (overlaps(out, out_bytes, A, n * d * sizeof(double)) || (b && overlaps(out, out_bytes, b, n * sizeof(double))))
    return SKETCHMAX_ERROR_OVERLAP;
  if (!all_finite(A, n * d) || (b && !all_finite(b, n))) return SKETCHMAX_ERROR_NOT_FINITE;
  return guarded([&] {
    return sketchmax::sketch_apply(current_kernels(), spec, A, n, d, b, out, threads ? threads : 1)
               ? SKETCHMAX_OK
               : SKETCHMAX_ERROR_OUT_OF_MEMORY;
  });
}
