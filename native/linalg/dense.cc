#include "linalg/dense.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu/parallel.h"

namespace sketchmax {
namespace {

size_t block_count(size_t n) { return (n + kDenseRowBlock - 1) / kDenseRowBlock; }

// Rows [begin, end) of block t.
struct RowRange {
  size_t begin, rows;
};
RowRange block_rows(size_t t, size_t n) {
  const size_t begin = t * kDenseRowBlock;
  return {begin, std::min(kDenseRowBlock, n - begin)};
}

// Sums the blocks' partial vectors (d entries each, in block order) into out.
void reduce_partials(const std::vector<double>& partials, size_t blocks, size_t d, double* out) {
  std::copy(partials.begin(), partials.begin() + d, out);
  for (size_t t = 1; t < blocks; ++t) {
    const double* p = partials.data() + t * d;
    for (size_t c = 0; c < d; ++c) out[c] += p[c];
  }
}

}  // namespace

void matvec(const DenseUkernels& k, const double* A, size_t n, size_t d, const double* x, double* y,
            unsigned threads) {
  parallel_for(block_count(n), threads, [&](size_t t) {
    const RowRange r = block_rows(t, n);
    k.dot_rows(r.rows, d, A + r.begin * d, d, x, y + r.begin);
  });
}

void matvec_t(const DenseUkernels& k, const double* A, size_t n, size_t d, const double* u, double* y,
              unsigned threads) {
  const size_t blocks = block_count(n);
  if (blocks == 0) {
    std::fill(y, y + d, 0.0);
    return;
  }
  std::vector<double> partials(blocks * d, 0.0);
  parallel_for(blocks, threads, [&](size_t t) {
    const RowRange r = block_rows(t, n);
    k.axpy_rows(r.rows, d, A + r.begin * d, d, u + r.begin, partials.data() + t * d);
  });
  reduce_partials(partials, blocks, d, y);
}

double lsqr_step(const DenseUkernels& k, const double* A, size_t n, size_t d, const double* v, double alpha,
                 double* u, double* w, unsigned threads) {
  const size_t blocks = block_count(n);
  if (blocks == 0) {
    std::fill(w, w + d, 0.0);
    return 0.0;
  }
  std::vector<double> partials(blocks * d, 0.0);
  std::vector<double> sumsq(blocks);
  parallel_for(blocks, threads, [&](size_t t) {
    const RowRange r = block_rows(t, n);
    sumsq[t] = k.lsqr_rows(r.rows, d, A + r.begin * d, d, v, alpha, u + r.begin, partials.data() + t * d);
  });
  reduce_partials(partials, blocks, d, w);
  double s = 0.0;
  for (double p : sumsq) s += p;
  return s;
}

size_t first_non_finite(const double* a, size_t len, unsigned threads) {
  constexpr size_t kChunk = 1 << 16;
  const size_t chunks = (len + kChunk - 1) / kChunk;
  std::vector<size_t> first(chunks, len);
  parallel_for(chunks, threads, [&](size_t t) {
    const size_t begin = t * kChunk, end = std::min(len, begin + kChunk);
    // x·0 is 0 for finite x and NaN for NaN or ±inf; four sums keep the loop from waiting on one.
    double s[4] = {0.0, 0.0, 0.0, 0.0};
    size_t i = begin;
    for (; i + 4 <= end; i += 4) {
      for (int q = 0; q < 4; ++q) s[q] += a[i + q] * 0.0;
    }
    for (; i < end; ++i) s[0] += a[i] * 0.0;
    if (s[0] + s[1] + s[2] + s[3] == 0.0) return;
    for (i = begin; i < end; ++i) {
      if (!std::isfinite(a[i])) {
        first[t] = i;
        return;
      }
    }
  });
  for (size_t f : first) {
    if (f != len) return f;
  }
  return len;
}

double norm2(const double* a, size_t len) {
  double s = 0.0;
  for (size_t i = 0; i < len; ++i) s += a[i] * a[i];
  return norm2_from_sumsq(s, a, len);
}

double norm2_from_sumsq(double sumsq, const double* a, size_t len) {
  if (sumsq > 1e-290 && sumsq < 1e290) return std::sqrt(sumsq);
  // The squares may have overflowed or underflowed (to 0 for entries below 1e-162): rescale.
  double scale = 0.0;
  for (size_t i = 0; i < len; ++i) scale = std::max(scale, std::fabs(a[i]));
  if (scale == 0.0 || !std::isfinite(scale)) return scale;
  double s = 0.0;
  for (size_t i = 0; i < len; ++i) {
    const double t = a[i] / scale;
    s += t * t;
  }
  return scale * std::sqrt(s);
}

void scale_rows(const double* A, size_t d, const double* scale, size_t begin, size_t rows, double* out) {
  const double* a = A + begin * d;
  for (size_t i = 0; i < rows; ++i) {
    const double s = scale[begin + i];
    for (size_t j = 0; j < d; ++j) out[i * d + j] = s * a[i * d + j];
  }
}

}  // namespace sketchmax
