// The dense microkernels of dense_ukernels.h as templates over a vector traits type (vec_<isa>.h).
// Each ISA unit (dense_<isa>.cc) includes this with its own traits and instantiates it once through
// SKETCHMAX_DEFINE_DENSE_UKERNELS; everything here is in an anonymous namespace, so an AVX-512
// instantiation can never be linked into a scalar caller.
#ifndef SKETCHMAX_LINALG_DENSE_KERNELS_IMPL_H_
#define SKETCHMAX_LINALG_DENSE_KERNELS_IMPL_H_

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace sketchmax {
namespace {

// A · x for up to four rows at once (R rows), sharing the loads of x.
template <class T, int R>
inline void dots(size_t cols, const double* A, size_t lda, const double* x, double* out) {
  using V = typename T::V;
  V acc[R];
  for (int r = 0; r < R; ++r) acc[r] = T::zero();
  size_t c = 0;
  for (; c + T::kLanes <= cols; c += T::kLanes) {
    const V xv = T::load(x + c);
    for (int r = 0; r < R; ++r) acc[r] = T::fmadd(T::load(A + r * lda + c), xv, acc[r]);
  }
  if (c < cols) {
    const auto m = T::tail(cols - c);
    const V xv = T::maskz_load(m, x + c);
    for (int r = 0; r < R; ++r) acc[r] = T::fmadd(T::maskz_load(m, A + r * lda + c), xv, acc[r]);
  }
  for (int r = 0; r < R; ++r) out[r] = T::hsum(acc[r]);
}

// w += Σ_r y[r] · A_r over R rows, loading and storing each chunk of w once.
template <class T, int R>
inline void axpys(size_t cols, const double* A, size_t lda, const double* y, double* w) {
  using V = typename T::V;
  V yv[R];
  for (int r = 0; r < R; ++r) yv[r] = T::set1(y[r]);
  size_t c = 0;
  for (; c + T::kLanes <= cols; c += T::kLanes) {
    V acc = T::load(w + c);
    for (int r = 0; r < R; ++r) acc = T::fmadd(T::load(A + r * lda + c), yv[r], acc);
    T::store(w + c, acc);
  }
  if (c < cols) {
    const auto m = T::tail(cols - c);
    V acc = T::maskz_load(m, w + c);
    for (int r = 0; r < R; ++r) acc = T::fmadd(T::maskz_load(m, A + r * lda + c), yv[r], acc);
    T::mask_store(w + c, m, acc);
  }
}

template <class T>
void dot_rows_t(size_t rows, size_t cols, const double* A, size_t lda, const double* x, double* y) {
  size_t i = 0;
  for (; i + 4 <= rows; i += 4) dots<T, 4>(cols, A + i * lda, lda, x, y + i);
  for (; i < rows; ++i) dots<T, 1>(cols, A + i * lda, lda, x, y + i);
}

template <class T>
void axpy_rows_t(size_t rows, size_t cols, const double* A, size_t lda, const double* y, double* w) {
  size_t i = 0;
  for (; i + 4 <= rows; i += 4) axpys<T, 4>(cols, A + i * lda, lda, y + i, w);
  for (; i < rows; ++i) axpys<T, 1>(cols, A + i * lda, lda, y + i, w);
}

// Four rows at a time: their dots, then one sweep of w; rows are read twice from L1, once from memory.
template <class T>
double lsqr_rows_t(size_t rows, size_t cols, const double* A, size_t lda, const double* v, double alpha,
                   double* u, double* w) {
  double sumsq = 0.0;
  size_t i = 0;
  double t[4];
  for (; i + 4 <= rows; i += 4) {
    dots<T, 4>(cols, A + i * lda, lda, v, t);
    for (int r = 0; r < 4; ++r) {
      u[i + r] = t[r] - alpha * u[i + r];
      sumsq += u[i + r] * u[i + r];
    }
    axpys<T, 4>(cols, A + i * lda, lda, u + i, w);
  }
  for (; i < rows; ++i) {
    dots<T, 1>(cols, A + i * lda, lda, v, t);
    u[i] = t[0] - alpha * u[i];
    sumsq += u[i] * u[i];
    axpys<T, 1>(cols, A + i * lda, lda, u + i, w);
  }
  return sumsq;
}

template <class T>
void axpy_t(size_t k, double alpha, const double* x, double* y) {
  const typename T::V a = T::set1(alpha);
  size_t c = 0;
  for (; c + T::kLanes <= k; c += T::kLanes) T::store(y + c, T::add(T::load(y + c), T::mul(a, T::load(x + c))));
  if (c < k) {
    const auto m = T::tail(k - c);
    T::mask_store(y + c, m, T::add(T::maskz_load(m, y + c), T::mul(a, T::maskz_load(m, x + c))));
  }
}

template <class T>
void butterfly_t(size_t k, double* p, double* q) {
  size_t c = 0;
  for (; c + T::kLanes <= k; c += T::kLanes) {
    const typename T::V u = T::load(p + c), v = T::load(q + c);
    T::store(p + c, T::add(u, v));
    T::store(q + c, T::sub(u, v));
  }
  if (c < k) {
    const auto m = T::tail(k - c);
    const typename T::V u = T::maskz_load(m, p + c), v = T::maskz_load(m, q + c);
    T::mask_store(p + c, m, T::add(u, v));
    T::mask_store(q + c, m, T::sub(u, v));
  }
}

// One register tile of C: R rows (R <= 4) by NV vectors of columns (masked when NV == 1 and `m` is
// partial). Two full vectors per row give 2R independent accumulators, enough to hide the add
// latency. kTransA: A is K x M (element (i, p) at A[p * lda + i]); otherwise M x K (A[i * lda + p]).
// kSub: C -= A·B; otherwise C += A·B. Each entry is updated in place, p ascending, mul then add/sub.
template <class T, int R, int NV, bool kTransA, bool kSub>
inline void gemm_tile(size_t K, const double* A, size_t lda, const double* B, size_t ldb, double* C, size_t ldc,
                      typename T::M m, bool full) {
  using V = typename T::V;
  V acc[R][NV];
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < NV; ++v)
      acc[r][v] = full ? T::load(C + r * ldc + v * T::kLanes) : T::maskz_load(m, C + r * ldc);
  for (size_t p = 0; p < K; ++p) {
    V b[NV];
    for (int v = 0; v < NV; ++v) b[v] = full ? T::load(B + p * ldb + v * T::kLanes) : T::maskz_load(m, B + p * ldb);
    for (int r = 0; r < R; ++r) {
      const V a = T::set1(kTransA ? A[p * lda + r] : A[r * lda + p]);
      for (int v = 0; v < NV; ++v) {
        const V prod = T::mul(a, b[v]);
        acc[r][v] = kSub ? T::sub(acc[r][v], prod) : T::add(acc[r][v], prod);
      }
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int v = 0; v < NV; ++v) {
      if (full) T::store(C + r * ldc + v * T::kLanes, acc[r][v]);
      else T::mask_store(C + r * ldc, m, acc[r][v]);
    }
  }
}

// Rows of C in groups of four (then singly) for one column block of NV vectors.
template <class T, int NV, bool kTransA, bool kSub>
inline void gemm_columns(size_t M, size_t K, const double* A, size_t lda, const double* B, size_t ldb, double* C,
                         size_t ldc, typename T::M m, bool full) {
  size_t i = 0;
  for (; i + 4 <= M; i += 4) {
    const double* Ai = kTransA ? A + i : A + i * lda;
    gemm_tile<T, 4, NV, kTransA, kSub>(K, Ai, lda, B, ldb, C + i * ldc, ldc, m, full);
  }
  for (; i < M; ++i) {
    const double* Ai = kTransA ? A + i : A + i * lda;
    gemm_tile<T, 1, NV, kTransA, kSub>(K, Ai, lda, B, ldb, C + i * ldc, ldc, m, full);
  }
}

template <class T, bool kTransA, bool kSub>
void gemm_t(size_t M, size_t N, size_t K, const double* A, size_t lda, const double* B, size_t ldb, double* C,
            size_t ldc) {
  const auto all = T::tail(T::kLanes);
  size_t j = 0;
  for (; j + 2 * T::kLanes <= N; j += 2 * T::kLanes)
    gemm_columns<T, 2, kTransA, kSub>(M, K, A, lda, B + j, ldb, C + j, ldc, all, true);
  for (; j < N; j += T::kLanes) {
    const bool full = j + T::kLanes <= N;
    gemm_columns<T, 1, kTransA, kSub>(M, K, A, lda, B + j, ldb, C + j, ldc, full ? all : T::tail(N - j), full);
  }
}


// NV vectors of columns from c over rows [0, rows) of reflect_rows_t: each chunk of B is loaded and
// stored once, its Gram sums kept in registers (two partial sums, even and odd rows).
template <class T, int NV>
inline void reflect_columns(size_t rows, size_t c, double* B, size_t ldb, const double* nus, const double* as,
                            const double* w, double* z) {
  using V = typename T::V;
  V wv[NV], z0[NV], z1[NV];
  for (int v = 0; v < NV; ++v) {
    wv[v] = T::load(w + c + v * T::kLanes);
    z0[v] = T::load(z + c + v * T::kLanes);
    z1[v] = T::zero();
  }
  double* Bc = B + c;
  size_t i = 0;
  for (; i + 2 <= rows; i += 2, Bc += 2 * ldb) {
    const V u0 = T::set1(nus[i]), a0 = T::set1(as[i]), u1 = T::set1(nus[i + 1]), a1 = T::set1(as[i + 1]);
    for (int v = 0; v < NV; ++v) {
      const V b0 = T::fmadd(u0, wv[v], T::load(Bc + v * T::kLanes));
      const V b1 = T::fmadd(u1, wv[v], T::load(Bc + ldb + v * T::kLanes));
      T::store(Bc + v * T::kLanes, b0);
      T::store(Bc + ldb + v * T::kLanes, b1);
      z0[v] = T::fmadd(a0, b0, z0[v]);
      z1[v] = T::fmadd(a1, b1, z1[v]);
    }
  }
  if (i < rows) {
    const V u0 = T::set1(nus[i]), a0 = T::set1(as[i]);
    for (int v = 0; v < NV; ++v) {
      const V b0 = T::fmadd(u0, wv[v], T::load(Bc + v * T::kLanes));
      T::store(Bc + v * T::kLanes, b0);
      z0[v] = T::fmadd(a0, b0, z0[v]);
    }
  }
  for (int v = 0; v < NV; ++v) T::store(z + c + v * T::kLanes, T::add(z0[v], z1[v]));
}

// u·w + b rounded once, as T::fmadd computes each lane (a multiply then an add for the scalar ISA,
// whose unit has no FMA instruction; std::fma is inlined as one in the vector units).
template <class T>
inline double fmadd1(double u, double w, double b) {
  if constexpr (T::kLanes > 1) {
    return std::fma(u, w, b);
  } else {
    return T::fmadd(u, w, b);
  }
}

// reflect_rows over at most kReflectRows rows: the h = (cols - 1) % kLanes leading columns scalar
// (masked stores are slow on some CPUs), the rest column block by column block.
constexpr size_t kReflectRows = 64;

template <class T>
void reflect_block(size_t rows, size_t cols, double* B, size_t ldb, double s, const double* w, double* z) {
  double nus[kReflectRows], as[kReflectRows];
  for (size_t i = 0; i < rows; ++i) {
    nus[i] = -(s * B[i * ldb]);
    as[i] = fmadd1<T>(nus[i], w[1], B[i * ldb + 1]);  // the new column 1, as the loops below compute it
  }
  const size_t h = (cols - 1) % T::kLanes;
  size_t c = 1;
  for (; c < 1 + h; ++c) {
    double zc = z[c];
    for (size_t i = 0; i < rows; ++i) {
      const double b = fmadd1<T>(nus[i], w[c], B[i * ldb + c]);
      B[i * ldb + c] = b;
      zc = fmadd1<T>(as[i], b, zc);
    }
    z[c] = zc;
  }
  for (; c + 2 * T::kLanes <= cols; c += 2 * T::kLanes) reflect_columns<T, 2>(rows, c, B, ldb, nus, as, w, z);
  if (c < cols) reflect_columns<T, 1>(rows, c, B, ldb, nus, as, w, z);
}

template <class T>
void reflect_rows_t(size_t rows, size_t cols, double* B, size_t ldb, double s, const double* w, double* z) {
  if (cols < 2) return;
  for (size_t i = 0; i < rows; i += kReflectRows)
    reflect_block<T>(std::min(kReflectRows, rows - i), cols, B + i * ldb, ldb, s, w, z);
}

// Blocks of kScatterVecs vectors of x stay in registers while every destination row takes its
// multiple; x is read once per input row instead of once per bucket.
template <class T>
void scatter_axpy_t(size_t k, const double* x, size_t count, const double* alphas, double* const* ys) {
  using V = typename T::V;
  constexpr size_t kScatterVecs = 4;
  constexpr size_t kStep = kScatterVecs * T::kLanes;
  size_t c = 0;
  for (; c + kStep <= k; c += kStep) {
    V xv[kScatterVecs];
    for (size_t q = 0; q < kScatterVecs; ++q) xv[q] = T::load(x + c + q * T::kLanes);
    for (size_t t = 0; t < count; ++t) {
      const V a = T::set1(alphas[t]);
      double* y = ys[t] + c;
      for (size_t q = 0; q < kScatterVecs; ++q) {
        T::store(y + q * T::kLanes, T::add(T::load(y + q * T::kLanes), T::mul(a, xv[q])));
      }
    }
  }
  for (; c + T::kLanes <= k; c += T::kLanes) {
    const V xv = T::load(x + c);
    for (size_t t = 0; t < count; ++t) T::store(ys[t] + c, T::add(T::load(ys[t] + c), T::mul(T::set1(alphas[t]), xv)));
  }
  if (c < k) {
    const auto m = T::tail(k - c);
    const V xv = T::maskz_load(m, x + c);
    for (size_t t = 0; t < count; ++t) {
      T::mask_store(ys[t] + c, m, T::add(T::maskz_load(m, ys[t] + c), T::mul(T::set1(alphas[t]), xv)));
    }
  }
}

}  // namespace
}  // namespace sketchmax

// Defines the extern kernels of dense_ukernels.h for one ISA from traits type T.
#define SKETCHMAX_DEFINE_DENSE_UKERNELS(T, suffix)                                                       \
  void dot_rows_##suffix(size_t rows, size_t cols, const double* A, size_t lda, const double* x, double* y) { \
    dot_rows_t<T>(rows, cols, A, lda, x, y);                                                              \
  }                                                                                                      \
  void axpy_rows_##suffix(size_t rows, size_t cols, const double* A, size_t lda, const double* y, double* w) { \
    axpy_rows_t<T>(rows, cols, A, lda, y, w);                                                             \
  }                                                                                                      \
  double lsqr_rows_##suffix(size_t rows, size_t cols, const double* A, size_t lda, const double* v,       \
                            double alpha, double* u, double* w) {                                         \
    return lsqr_rows_t<T>(rows, cols, A, lda, v, alpha, u, w);                                            \
  }                                                                                                      \
  void axpy_##suffix(size_t k, double alpha, const double* x, double* y) { axpy_t<T>(k, alpha, x, y); }   \
  void butterfly_##suffix(size_t k, double* p, double* q) { butterfly_t<T>(k, p, q); }                    \
  void gemm_tn_##suffix(size_t M, size_t N, size_t K, const double* A, size_t lda, const double* B,      \
                        size_t ldb, double* C, size_t ldc) {                                              \
    gemm_t<T, true, false>(M, N, K, A, lda, B, ldb, C, ldc);                                              \
  }                                                                                                      \
  void gemm_nn_sub_##suffix(size_t M, size_t N, size_t K, const double* A, size_t lda, const double* B,  \
                            size_t ldb, double* C, size_t ldc) {                                          \
    gemm_t<T, false, true>(M, N, K, A, lda, B, ldb, C, ldc);                                              \
  }                                                                                                      \
  void reflect_rows_##suffix(size_t rows, size_t cols, double* B, size_t ldb, double s, const double* w, \
                             double* z) {                                                                 \
    reflect_rows_t<T>(rows, cols, B, ldb, s, w, z);                                                       \
  }                                                                                                      \
  void scatter_axpy_##suffix(size_t k, const double* x, size_t count, const double* alphas,              \
                             double* const* ys) {                                                         \
    scatter_axpy_t<T>(k, x, count, alphas, ys);                                                           \
  }

#endif  // SKETCHMAX_LINALG_DENSE_KERNELS_IMPL_H_
