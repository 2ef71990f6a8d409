// Scalar sketch application (see sketch.h for the bit-identity contract with the TypeScript twin).
#include "sketch/sketch.h"

#include <cmath>
#include <new>
#include <vector>

#include "sketch/random_choices.h"

namespace sketchmax {
namespace {

// Row j of [A | b] into a (k = d + 1 when b is given).
inline void read_row(const double* A, size_t d, const double* b, size_t j, double* a) {
  for (size_t c = 0; c < d; ++c) a[c] = A[j * d + c];
  if (b) a[d] = b[j];
}

void dense(PhiloxKey key, bool gaussian, const double* A, size_t n, size_t d, const double* b,
           size_t m, double* out) {
  const size_t k = d + (b ? 1 : 0);
  std::vector<double> s(m), a(k);
  const double scale = 1.0 / std::sqrt(static_cast<double>(m));
  for (size_t j = 0; j < n; ++j) {
    dense_column(key, gaussian, j, m, s.data());
    read_row(A, d, b, j, a.data());
    for (size_t r = 0; r < m; ++r) {
      const double sr = s[r] * scale;
      double* o = out + r * k;
      for (size_t c = 0; c < k; ++c) o[c] += sr * a[c];
    }
  }
}

// Unnormalised Walsh-Hadamard transform over the N rows of a row-major N x k array, in the same
// butterfly order as fwhtRows in TypeScript.
void fwht_rows(double* X, size_t N, size_t k) {
  for (size_t h = 1; h < N; h <<= 1) {
    for (size_t i = 0; i < N; i += h << 1) {
      for (size_t j = i; j < i + h; ++j) {
        double* p = X + j * k;
        double* q = X + (j + h) * k;
        for (size_t c = 0; c < k; ++c) {
          const double u = p[c], v = q[c];
          p[c] = u + v;
          q[c] = u - v;
        }
      }
    }
  }
}

bool srht(PhiloxKey key, const double* A, size_t n, size_t d, const double* b, size_t m, double* out) {
  const size_t k = d + (b ? 1 : 0);
  size_t N = 1;
  while (N < n) N *= 2;
  std::vector<double> X;
  try {
    X.assign(N * k, 0.0);
  } catch (const std::bad_alloc&) {
    return false;
  }
  std::vector<double> a(k);
  for (size_t j = 0; j < n; ++j) {
    const double sgn = srht_sign(key, j);
    read_row(A, d, b, j, a.data());
    for (size_t c = 0; c < k; ++c) X[j * k + c] = sgn * a[c];
  }
  fwht_rows(X.data(), N, k);
  const std::vector<uint64_t> rows = srht_rows(key, N, m);
  const double scale = 1.0 / std::sqrt(static_cast<double>(m));
  for (size_t r = 0; r < m; ++r)
    for (size_t c = 0; c < k; ++c) out[r * k + c] = scale * X[rows[r] * k + c];
  return true;
}

void sparse(PhiloxKey key, const double* A, size_t n, size_t d, const double* b, size_t m, size_t s,
            double* out) {
  const size_t k = d + (b ? 1 : 0);
  std::vector<uint64_t> buckets(s);
  std::vector<double> signs(s), a(k);
  const double scale = 1.0 / std::sqrt(static_cast<double>(s));
  for (size_t j = 0; j < n; ++j) {
    sparse_column(key, j, m, s, buckets.data(), signs.data());
    read_row(A, d, b, j, a.data());
    for (size_t t = 0; t < s; ++t) {
      double* o = out + buckets[t] * k;
      const double v = signs[t] * scale;
      for (size_t c = 0; c < k; ++c) o[c] += v * a[c];
    }
  }
}

}  // namespace

bool sketch_apply(const KernelTable& kernels, const SketchSpec& spec, const double* A, size_t n, size_t d,
                  const double* b, double* out, unsigned threads) {
  const size_t k = d + (b ? 1 : 0);
  for (size_t i = 0; i < spec.rows * k; ++i) out[i] = 0.0;
  return sketch_accumulate(kernels, spec, A, n, d, b, 0, out, threads);
}

// TODO(sketch kernels): row0, kernels and threads are not used yet.
bool sketch_accumulate(const KernelTable&, const SketchSpec& spec, const double* A, size_t n, size_t d,
                       const double* b, uint64_t, double* out, unsigned) {
  const PhiloxKey key{spec.key[0], spec.key[1]};
  switch (spec.kind) {
    case SketchKind::kGaussian:
    case SketchKind::kRademacher:
      dense(key, spec.kind == SketchKind::kGaussian, A, n, d, b, spec.rows, out);
      return true;
    case SketchKind::kSrht:
      return srht(key, A, n, d, b, spec.rows, out);
    case SketchKind::kCountSketch:
      sparse(key, A, n, d, b, spec.rows, 1, out);
      return true;
    case SketchKind::kSparseSign:
      sparse(key, A, n, d, b, spec.rows, spec.nnz_per_column, out);
      return true;
  }
  return true;
}

}  // namespace sketchmax
