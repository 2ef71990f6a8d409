// The dense microkernels of dense_ukernels.h as templates over a vector traits type (vec_<isa>.h).
// Each ISA unit (dense_<isa>.cc) includes this with its own traits and instantiates it once through
// SKETCHMAX_DEFINE_DENSE_UKERNELS; everything here is in an anonymous namespace, so an AVX-512
// instantiation can never be linked into a scalar caller.
#ifndef SKETCHMAX_LINALG_DENSE_KERNELS_IMPL_H_
#define SKETCHMAX_LINALG_DENSE_KERNELS_IMPL_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "linalg/dense_ukernels.h"

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

// ---- leverage-score row loops (solve_norms_rows, product_norms_rows) ----------------------------

// Calls fn(w, out + i) for the groups of W rows i .. i + w - 1 of A, each first gathered through
// `cols` into the interleaved Y (r x W: Y[j·W + l] = x_{i+l}[j]). Lanes l >= w are zero: padding
// lanes run the same arithmetic on zeros and fn discards their results.
template <size_t W, class F>
inline void for_row_groups(size_t rows, size_t r, const double* A, size_t lda, const uint32_t* cols, double* Y,
                           double* out, F&& fn) {
  for (size_t i = 0; i < rows; i += W) {
    const size_t w = std::min(W, rows - i);
    for (size_t l = 0; l < W; ++l) {
      if (l < w) {
        const double* a = A + (i + l) * lda;
        for (size_t j = 0; j < r; ++j) Y[j * W + l] = a[cols[j]];
      } else {
        for (size_t j = 0; j < r; ++j) Y[j * W + l] = 0.0;
      }
    }
    fn(w, out + i);
  }
}

// KB steps of the forward substitution Rᵀ·y = x, from row k0 of R, for the U vectors of lanes of Y:
// y_k0 .. y_k0+KB-1 are finished in registers (their squares summed into t), then subtracted from
// every later entry, so Y is read and written once per KB steps. Each entry still takes its
// updates y_j -= R_kj·y_k for k ascending, as the scalar reference does.
template <class T, int U, int KB>
inline void solve_step(size_t k0, size_t r, const double* R, size_t ldr, const double* inv, double* Y,
                       typename T::V* t) {
  using V = typename T::V;
  constexpr size_t W = U * T::kLanes;
  V y[KB][U];
  for (int q = 0; q < KB; ++q) {
    const size_t kq = k0 + q;
    for (int u = 0; u < U; ++u) y[q][u] = T::load(Y + kq * W + u * T::kLanes);
    for (int p = 0; p < q; ++p) {
      const V c = T::set1(-R[(k0 + p) * ldr + kq]);
      for (int u = 0; u < U; ++u) y[q][u] = T::fmadd(c, y[p][u], y[q][u]);
    }
    const V s = T::set1(inv[kq]);
    for (int u = 0; u < U; ++u) {
      y[q][u] = T::mul(y[q][u], s);
      t[u] = T::fmadd(y[q][u], y[q][u], t[u]);
    }
  }
  for (size_t j = k0 + KB; j < r; ++j) {
    V c[KB];
    for (int q = 0; q < KB; ++q) c[q] = T::set1(-R[(k0 + q) * ldr + j]);
    for (int u = 0; u < U; ++u) {
      double* yj = Y + j * W + u * T::kLanes;
      V v = T::load(yj);
      for (int q = 0; q < KB; ++q) v = T::fmadd(c[q], y[q][u], v);
      T::store(yj, v);
    }
  }
}

// One row per lane, U vectors of rows per group: the substitution's dependency chain runs across
// rows in parallel instead of along one row's short vectors; three steps per sweep of Y (fastest of
// 1-8 steps x 1-8 vectors on Zen AVX2 at r = 50). Dividing by R_kk is a multiply by its reciprocal
// (one more rounding; the relative accuracy of tiny scores is unchanged).
template <class T>
void solve_norms_rows_t(size_t rows, size_t r, const double* R, size_t ldr, const double* A, size_t lda,
                        const uint32_t* cols, double* work, double* out) {
  using V = typename T::V;
  constexpr int U = T::kLanes >= 8 ? 2 : 4;
  constexpr int KB = 3;
  constexpr size_t W = U * T::kLanes;
  static_assert(W <= kNormsGroupRows, "the caller's work space holds kNormsGroupRows lanes");
  double* const inv = work;
  double* const Y = work + r;
  for (size_t k = 0; k < r; ++k) inv[k] = 1.0 / R[k * ldr + k];
  for_row_groups<W>(rows, r, A, lda, cols, Y, out, [&](size_t w, double* o) {
    V t[U];
    for (V& v : t) v = T::zero();
    size_t k = 0;
    for (; k + KB <= r; k += KB) solve_step<T, U, KB>(k, r, R, ldr, inv, Y, t);
    for (; k < r; ++k) solve_step<T, U, 1>(k, r, R, ldr, inv, Y, t);
    double sums[W];
    for (int u = 0; u < U; ++u) T::store(sums + u * T::kLanes, t[u]);
    std::copy(sums, sums + w, o);
  });
}

constexpr size_t kProductRows = 4;  // rows of one product tile

// y = x_q·G[:, columns] for the kProductRows gathered rows X (r x kProductRows, interleaved) and NV
// vectors of columns (masked when NV == 1 and not `full`: masked lanes stay 0), then sq[q] += y².
template <class T, int NV>
inline void product_tile(size_t r, const double* X, const double* G, size_t ldg, typename T::M m, bool full,
                         typename T::V* sq) {
  using V = typename T::V;
  V acc[kProductRows][NV];
  for (auto& row : acc)
    for (V& a : row) a = T::zero();
  for (size_t j = 0; j < r; ++j) {
    V b[NV];
    for (int v = 0; v < NV; ++v) b[v] = full ? T::load(G + j * ldg + v * T::kLanes) : T::maskz_load(m, G + j * ldg);
    for (size_t q = 0; q < kProductRows; ++q) {
      const V a = T::set1(X[j * kProductRows + q]);
      for (int v = 0; v < NV; ++v) acc[q][v] = T::fmadd(a, b[v], acc[q][v]);
    }
  }
  for (size_t q = 0; q < kProductRows; ++q)
    for (int v = 0; v < NV; ++v) sq[q] = T::fmadd(acc[q][v], acc[q][v], sq[q]);
}

template <class T>
void product_norms_rows_t(size_t rows, size_t r, size_t k, const double* G, size_t ldg, const double* A, size_t lda,
                          const uint32_t* cols, double* work, double* out) {
  using V = typename T::V;
  constexpr size_t kStep = 2 * T::kLanes;
  const auto all = T::tail(T::kLanes);
  for_row_groups<kProductRows>(rows, r, A, lda, cols, work, out, [&](size_t w, double* o) {
    V sq[kProductRows];
    for (V& v : sq) v = T::zero();
    size_t c = 0;
    for (; c + kStep <= k; c += kStep) product_tile<T, 2>(r, work, G + c, ldg, all, true, sq);
    for (; c < k; c += T::kLanes) {
      const bool full = c + T::kLanes <= k;
      product_tile<T, 1>(r, work, G + c, ldg, full ? all : T::tail(k - c), full, sq);
    }
    for (size_t q = 0; q < w; ++q) o[q] = T::hsum(sq[q]);
  });
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
  }                                                                                                      \
  void solve_norms_rows_##suffix(size_t rows, size_t r, const double* R, size_t ldr, const double* A,    \
                                 size_t lda, const uint32_t* cols, double* work, double* out) {           \
    solve_norms_rows_t<T>(rows, r, R, ldr, A, lda, cols, work, out);                                      \
  }                                                                                                      \
  void product_norms_rows_##suffix(size_t rows, size_t r, size_t k, const double* G, size_t ldg,         \
                                   const double* A, size_t lda, const uint32_t* cols, double* work,       \
                                   double* out) {                                                         \
    product_norms_rows_t<T>(rows, r, k, G, ldg, A, lda, cols, work, out);                                 \
  }

#endif  // SKETCHMAX_LINALG_DENSE_KERNELS_IMPL_H_
