#include "linalg/qr.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <new>

#include "cpu/parallel.h"
#include "linalg/dense.h"

namespace sketchmax {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();  // 2^-52, as qr.ts EPS

// ---- unblocked column-major Householder (qr.ts) --------------------------------------------------

// LAPACK dlarfg on x = a[0 .. len): x becomes (beta, v[1..]) with H·x = beta·e_0; returns tau.
double make_reflector(double* a, size_t len) {
  if (len <= 1) return 0.0;
  const double alpha = a[0];
  const double xnorm = norm2(a + 1, len - 1);
  if (xnorm == 0.0) return 0.0;
  const double mag = std::hypot(alpha, xnorm);
  const double beta = alpha >= 0 ? -mag : mag;
  const double tau = (beta - alpha) / beta;
  // Divide rather than multiply by the reciprocal, which can overflow for tiny columns.
  const double denom = alpha - beta;
  for (size_t i = 1; i < len; ++i) a[i] /= denom;
  a[0] = beta;
  return tau;
}

// H·y for the reflector with head 1 and tail v[1 .. len), applied to y[0 .. len).
void apply_reflector(const double* v, size_t len, double tau, double* y) {
  if (tau == 0.0) return;
  double s = y[0];
  for (size_t i = 1; i < len; ++i) s += v[i] * y[i];
  s *= tau;
  y[0] -= s;
  for (size_t i = 1; i < len; ++i) y[i] -= s * v[i];
}

void swap_columns(double* work, size_t n, size_t a, size_t b) {
  std::swap_ranges(work + a * n, work + a * n + n, work + b * n);
}

// Factors the column-major n x d `work` in place (qr.ts householderQRInPlace); perm is empty or d
// entries (then pivoted).
void householder_in_place(double* work, size_t n, size_t d, double* tau, uint32_t* perm) {
  // Partial column norms for pivoting (LAPACK dlaqp2): vn1 downdated each step, vn2 its value when
  // last computed from scratch; recomputed once cancellation has eaten sqrt(eps) of it.
  std::vector<double> vn1, vn2;
  if (perm) {
    vn1.resize(d);
    vn2.resize(d);
    for (size_t j = 0; j < d; ++j) {
      perm[j] = static_cast<uint32_t>(j);
      vn1[j] = vn2[j] = norm2(work + j * n, n);
    }
  }
  const double tol3z = std::sqrt(kEps);
  for (size_t k = 0; k < d; ++k) {
    if (perm) {
      size_t p = k;
      for (size_t j = k + 1; j < d; ++j)
        if (vn1[j] > vn1[p]) p = j;
      if (p != k) {
        swap_columns(work, n, k, p);
        std::swap(perm[k], perm[p]);
        vn1[p] = vn1[k];
        vn2[p] = vn2[k];
      }
    }
    double* v = work + k * n + k;
    tau[k] = make_reflector(v, n - k);
    for (size_t j = k + 1; j < d; ++j) apply_reflector(v, n - k, tau[k], work + j * n + k);
    if (!perm) continue;
    for (size_t j = k + 1; j < d; ++j) {
      if (vn1[j] == 0.0) continue;
      const double ratio = std::fabs(work[j * n + k]) / vn1[j];
      const double temp = std::max(0.0, 1.0 - ratio * ratio);
      const double rel = vn1[j] / vn2[j];
      if (temp * rel * rel <= tol3z) {
        vn1[j] = vn2[j] = k + 1 < n ? norm2(work + j * n + k + 1, n - k - 1) : 0.0;
      } else {
        vn1[j] *= std::sqrt(temp);
      }
    }
  }
}

size_t numerical_rank(const double* work, size_t n, size_t d, double tol, bool pivoted) {
  double ref = 0.0;
  if (pivoted) {
    ref = std::fabs(work[0]);
  } else {
    for (size_t k = 0; k < d; ++k) ref = std::max(ref, std::fabs(work[k * n + k]));
  }
  if (ref == 0.0) return 0;
  size_t rank = 0;
  for (size_t k = 0; k < d; ++k) {
    if (std::fabs(work[k * n + k]) > tol * ref) ++rank;
    else if (pivoted) break;  // pivoted |R_kk| decreases: the rest are below the tolerance too
  }
  return rank;
}

void apply_qt(const HouseholderQr& f, double* y) {
  for (size_t k = 0; k < f.d; ++k) apply_reflector(f.qr.data() + k * f.n + k, f.n - k, f.tau[k], y + k);
}

void apply_q(const HouseholderQr& f, double* y) {
  for (size_t k = f.d; k-- > 0;) apply_reflector(f.qr.data() + k * f.n + k, f.n - k, f.tau[k], y + k);
}

// The d x d row-major R of a column-major factorization.
std::vector<double> get_r(const HouseholderQr& f) {
  std::vector<double> R(f.d * f.d, 0.0);
  for (size_t i = 0; i < f.d; ++i)
    for (size_t j = i; j < f.d; ++j) R[i * f.d + j] = f.qr[j * f.n + i];
  return R;
}

HouseholderQr factor_colmajor(std::vector<double> work, size_t n, size_t d, bool pivot, size_t tolerance_rows) {
  HouseholderQr f;
  f.n = n;
  f.d = d;
  f.qr = std::move(work);
  f.tau.assign(d, 0.0);
  if (pivot) f.perm.resize(d);
  householder_in_place(f.qr.data(), n, d, f.tau.data(), pivot ? f.perm.data() : nullptr);
  f.rank = numerical_rank(f.qr.data(), n, d, default_rank_tolerance(std::max(n, tolerance_rows), d), pivot);
  return f;
}

// y = argmin ‖y‖ subject to [R11 R12]·y = c[0..r) (qr.ts minimumNormSolve): with [R11 R12]ᵀ = W·U,
// y = W·U⁻ᵀ·c.
void minimum_norm_solve(const HouseholderQr& f, const double* c, double* y) {
  const size_t d = f.d, r = f.rank;
  std::vector<double> T(d * r, 0.0);  // column-major d x r: column i is row i of [R11 R12]
  for (size_t i = 0; i < r; ++i)
    for (size_t j = i; j < d; ++j) T[i * d + j] = f.qr[j * f.n + i];
  const HouseholderQr g = factor_colmajor(std::move(T), d, r, false, 0);
  std::fill(y, y + d, 0.0);
  std::copy(c, c + r, y);
  const std::vector<double> U = get_r(g);
  solve_upper_transposed(U.data(), r, y, r);
  apply_q(g, y);
}

// ---- blocked compact-WY QR of a row-major matrix -------------------------------------------------

constexpr size_t kPanel = 32;       // columns per compact-WY block
constexpr size_t kLeaf = 8;         // columns factored unblocked inside a panel
constexpr size_t kChunkRows = 256;  // rows per gemm call: keeps a column strip of B in L1
constexpr size_t kMaxRowTasks = 64;

struct Blocked {
  const DenseUkernels& k;
  double* M;
  size_t m, ld;
  double* tau;
  unsigned threads;
};

// Columns [k0, k0 + kb) of rows k0.. factored unblocked, through a column-major copy.
void factor_leaf(const Blocked& b, size_t k0, size_t kb) {
  const size_t rows = b.m - k0;
  std::vector<double> work(rows * kb);
  for (size_t i = 0; i < rows; ++i)
    for (size_t j = 0; j < kb; ++j) work[j * rows + i] = b.M[(k0 + i) * b.ld + k0 + j];
  householder_in_place(work.data(), rows, kb, b.tau + k0, nullptr);
  for (size_t i = 0; i < rows; ++i)
    for (size_t j = 0; j < kb; ++j) b.M[(k0 + i) * b.ld + k0 + j] = work[j * rows + i];
}

// How the rows of a panel's V (and of the block it updates) are split: the kb x kb unit
// lower-triangular head (task 0, from a copy), then tasks of `per_task` rows read from M in place.
struct RowTasks {
  size_t rows, kb, per_task, count;
  RowTasks(size_t rows_, size_t kb_) : rows(rows_), kb(kb_) {
    const size_t rest = rows - kb;
    const size_t want = (rest + kMaxRowTasks - 1) / kMaxRowTasks;
    per_task = std::max(kChunkRows, (want + kChunkRows - 1) / kChunkRows * kChunkRows);
    count = 1 + (rest + per_task - 1) / per_task;
  }
};

// Applies Qᵀ = I - V·Tᵀ·Vᵀ of the panel [k0, k0 + kb) to columns [c0, c1) of rows k0.. (LAPACK
// dlarft + dlarfb): W = Vᵀ·B and G = Vᵀ·V per row task, summed in task order; T from G; W ← Tᵀ·W;
// B -= V·W.
void apply_panel(const Blocked& b, size_t k0, size_t kb, size_t c0, size_t c1) {
  const size_t N = c1 - c0, ldp = kb + N;
  const RowTasks rt(b.m - k0, kb);
  std::vector<double> head(kb * kb, 0.0);  // the unit lower-triangular top of V
  for (size_t i = 0; i < kb; ++i) {
    head[i * kb + i] = 1.0;
    for (size_t j = 0; j < i; ++j) head[i * kb + j] = b.M[(k0 + i) * b.ld + k0 + j];
  }
  double* const B0 = b.M + k0 * b.ld + c0;
  const double* const V0 = b.M + k0 * b.ld + k0;
  // Calls fn(V, ldv, B, rows) for the chunks of task t, in row order.
  auto for_chunks = [&](size_t t, auto&& fn) {
    if (t == 0) {
      fn(head.data(), kb, B0, kb);
      return;
    }
    const size_t begin = kb + (t - 1) * rt.per_task, end = std::min(rt.rows, begin + rt.per_task);
    for (size_t i = begin; i < end; i += kChunkRows)
      fn(V0 + i * b.ld, b.ld, B0 + i * b.ld, std::min(kChunkRows, end - i));
  };
  std::vector<double> partials(rt.count * kb * ldp, 0.0);
  parallel_for(rt.count, b.threads, [&](size_t t) {
    double* P = partials.data() + t * kb * ldp;
    for_chunks(t, [&](const double* V, size_t ldv, double* B, size_t rows) {
      b.k.gemm_tn(kb, kb, rows, V, ldv, V, ldv, P, ldp);
      b.k.gemm_tn(kb, N, rows, V, ldv, B, b.ld, P + kb, ldp);
    });
  });
  double* const P = partials.data();
  for (size_t t = 1; t < rt.count; ++t) {
    const double* Q = partials.data() + t * kb * ldp;
    for (size_t e = 0; e < kb * ldp; ++e) P[e] += Q[e];
  }
  // T (upper triangular, H_0···H_{kb-1} = I - V·T·Vᵀ): T[0:i, i] = -tau_i·T[0:i, 0:i]·G[0:i, i].
  const double* tau = b.tau + k0;
  std::vector<double> T(kb * kb, 0.0);
  for (size_t i = 0; i < kb; ++i) {
    T[i * kb + i] = tau[i];
    for (size_t j = 0; j < i; ++j) {
      double s = 0.0;
      for (size_t l = j; l < i; ++l) s += T[j * kb + l] * P[l * ldp + i];
      T[j * kb + i] = -tau[i] * s;
    }
  }
  // W ← Tᵀ·W bottom-up: row i needs the old rows j <= i only.
  double* const W = P + kb;
  for (size_t i = kb; i-- > 0;) {
    double* wi = W + i * ldp;
    for (size_t c = 0; c < N; ++c) wi[c] *= T[i * kb + i];
    for (size_t j = 0; j < i; ++j) b.k.axpy(N, T[j * kb + i], W + j * ldp, wi);
  }
  parallel_for(rt.count, b.threads, [&](size_t t) {
    for_chunks(t, [&](const double* V, size_t ldv, double* B, size_t rows) {
      b.k.gemm_nn_sub(rows, N, kb, V, ldv, W, ldp, B, b.ld);
    });
  });
}

// Factors columns [k0, k1) in panels of nb (recursively with leaves of kLeaf), updating columns
// [k1, cend) after each panel.
void factor_range(const Blocked& b, size_t k0, size_t k1, size_t cend, size_t nb) {
  for (size_t k = k0; k < k1; k += nb) {
    const size_t kb = std::min(nb, k1 - k);
    if (kb > kLeaf) factor_range(b, k, k + kb, k + kb, kLeaf);
    else factor_leaf(b, k, kb);
    if (k + kb < cend) apply_panel(b, k, kb, k + kb, cend);
  }
}

// Column-major copy of the row-major n x d A (row stride lda).
std::vector<double> to_column_major(const double* A, size_t n, size_t d, size_t lda) {
  std::vector<double> out(n * d);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < d; ++j) out[j * n + i] = A[i * lda + j];
  return out;
}

// R·v and Rᵀ·v for the row-major upper-triangular d x d R.
void upper_times(const double* R, size_t d, const double* v, double* out) {
  for (size_t i = 0; i < d; ++i) {
    double s = 0.0;
    for (size_t j = i; j < d; ++j) s += R[i * d + j] * v[j];
    out[i] = s;
  }
}

void upper_transpose_times(const double* R, size_t d, const double* v, double* out) {
  std::fill(out, out + d, 0.0);
  for (size_t i = 0; i < d; ++i)
    for (size_t j = i; j < d; ++j) out[j] += R[i * d + j] * v[i];
}

bool normalize(double* v, size_t d) {
  const double s = norm2(v, d);
  if (!(s > 0) || !std::isfinite(s)) return false;
  for (size_t j = 0; j < d; ++j) v[j] /= s;
  return true;
}

// The fixed start of the power iterations: no special alignment to either end of the spectrum.
void power_start(double* v, size_t d) {
  for (size_t j = 0; j < d; ++j) v[j] = 1.0 + static_cast<double>((j * 7) % 5) / 10.0;
  normalize(v, d);
}

}  // namespace

void qr_blocked(const DenseUkernels& k, double* M, size_t m, size_t ncols, size_t ld, size_t nref, double* tau,
                unsigned threads) {
  const Blocked b{k, M, m, ld, tau, threads};
  factor_range(b, 0, nref, ncols, kPanel);
}

double default_rank_tolerance(size_t n, size_t d) { return static_cast<double>(std::max(n, d)) * kEps; }

HouseholderQr qr_householder(const double* A, size_t n, size_t d, size_t lda, bool pivot, size_t tolerance_rows) {
  return factor_colmajor(to_column_major(A, n, d, lda), n, d, pivot, tolerance_rows);
}

void qr_solve(const HouseholderQr& f, const double* b, double* x) {
  const size_t n = f.n, d = f.d, rank = f.rank;
  std::vector<double> c(b, b + n);
  apply_qt(f, c.data());
  std::vector<double> y(d, 0.0);
  if (rank == d) {
    std::copy(c.begin(), c.begin() + d, y.begin());
    const std::vector<double> R = get_r(f);
    solve_upper(R.data(), d, y.data(), d);
  } else if (rank > 0) {
    minimum_norm_solve(f, c.data(), y.data());
  }
  for (size_t j = 0; j < d; ++j) x[f.perm.empty() ? j : f.perm[j]] = y[j];
}

void solve_upper(const double* R, size_t ld, double* y, size_t k) {
  for (size_t i = k; i-- > 0;) {
    const double* r = R + i * ld;
    double s = y[i];
    for (size_t j = i + 1; j < k; ++j) s -= r[j] * y[j];
    y[i] = s / r[i];
  }
}

void solve_upper_transposed(const double* R, size_t ld, double* y, size_t k) {
  for (size_t i = 0; i < k; ++i) {
    const double* r = R + i * ld;
    const double yi = (y[i] /= r[i]);
    if (yi == 0.0) continue;
    for (size_t j = i + 1; j < k; ++j) y[j] -= r[j] * yi;
  }
}

double rcond_estimate(const double* R, size_t d) {
  double dmin = std::numeric_limits<double>::infinity(), dmax = 0.0;
  for (size_t k = 0; k < d; ++k) {
    const double a = std::fabs(R[k * d + k]);
    dmin = std::min(dmin, a);
    dmax = std::max(dmax, a);
  }
  if (!(dmax > 0) || !std::isfinite(dmax) || dmin == 0.0) return 0.0;
  constexpr int kIter = 8;
  std::vector<double> v(d), t(d);
  power_start(v.data(), d);
  double smax = 0.0;
  for (int it = 0; it < kIter; ++it) {
    upper_times(R, d, v.data(), t.data());
    smax = norm2(t.data(), d);
    upper_transpose_times(R, d, t.data(), v.data());
    if (!normalize(v.data(), d)) break;
  }
  power_start(v.data(), d);
  double invmin = 0.0;
  for (int it = 0; it < kIter; ++it) {
    solve_upper_transposed(R, d, v.data(), d);
    invmin = norm2(v.data(), d);  // ‖R⁻ᵀ·v‖ with ‖v‖ = 1: a lower bound on ‖R⁻¹‖
    solve_upper(R, d, v.data(), d);
    if (!std::isfinite(invmin) || !normalize(v.data(), d)) return 0.0;
  }
  const double rc = 1.0 / (std::max(smax, dmax) * invmin);
  return std::min(rc, dmin / dmax);
}

namespace {

// Rows per TSQR leaf of the compact-WY path (large d): a block of [A | b] that fits in L2 (256 KiB of
// the 512 KiB), and at least 8·(d + 1) rows so that a level shrinks the rows at least 8-fold.
size_t tsqr_leaf_rows(size_t d) {
  const size_t cols = d + 1;
  return std::max<size_t>(8 * cols, (size_t{256} * 1024) / (8 * cols));
}

// [R | c] of the row-major `rows` x (d + 1) matrix M (row stride d + 1) into out (min(rows, d)
// rows of d + 1 entries), with one thread.
void leaf_rc(const DenseUkernels& k, double* M, size_t rows, size_t d, double* out) {
  const size_t cols = d + 1, keep = std::min(rows, d);
  std::vector<double> tau(keep);
  qr_blocked(k, M, rows, cols, cols, keep, tau.data(), 1);
  for (size_t i = 0; i < keep; ++i) {
    for (size_t j = 0; j < cols; ++j) out[i * cols + j] = j < i ? 0.0 : M[i * cols + j];
  }
}

// TSQR through qr_blocked leaves, level by level (for wide [A | b], whose R no longer fits in cache).
std::vector<double> tsqr_rc_blocked(const DenseUkernels& k, const double* A, const double* b, size_t n, size_t d,
                                    unsigned threads) {
  const size_t cols = d + 1, leaf = tsqr_leaf_rows(d);
  // Level 0 reads A and b; later levels read the stacked [R | c] blocks of the previous one.
  std::vector<double> stacked;
  size_t rows = n;
  bool first = true;
  for (;;) {
    const size_t blocks = (rows + leaf - 1) / leaf;
    std::vector<size_t> offset(blocks + 1, 0);  // output rows of each block
    for (size_t t = 0; t < blocks; ++t) offset[t + 1] = offset[t] + std::min(std::min(leaf, rows - t * leaf), d);
    std::vector<double> next(offset[blocks] * cols);
    parallel_for(blocks, threads, [&](size_t t) {
      const size_t r0 = t * leaf, r = std::min(leaf, rows - r0);
      std::vector<double> M(r * cols);
      for (size_t i = 0; i < r; ++i) {
        if (first) {
          std::copy(A + (r0 + i) * d, A + (r0 + i) * d + d, M.begin() + i * cols);
          M[i * cols + d] = b[r0 + i];
        } else {
          std::copy(stacked.begin() + (r0 + i) * cols, stacked.begin() + (r0 + i + 1) * cols, M.begin() + i * cols);
        }
      }
      leaf_rc(k, M.data(), r, d, next.data() + offset[t] * cols);
    });
    stacked.swap(next);
    rows = offset[blocks];
    first = false;
    if (blocks == 1) break;
  }
  stacked.resize(d * cols, 0.0);  // n >= d, so exactly d rows remain
  return stacked;
}

// ---- TSQR by row-block updates of one R (narrow [A | b]) ----------------------------------------
//
// Each leaf (a fixed block of rows, one task) folds chunks of its rows into its own [R | c]: the QR
// of [R; B] for the chunk B by d Householder reflections, each one pass over B (reflect_rows: the
// reflection fused with the Gram row of the next column, from which that column's reflector and its
// products with the other columns follow without another pass). The leaves' R are then folded into
// the first one, in leaf order, the same way (B upper triangular: rows past the active column are
// skipped). Fixed boundaries and order: results do not depend on `threads`.

constexpr size_t kTsqrMaxCols = 129;  // wider [A | b] takes tsqr_rc_blocked

// Buffer rows hold a zero column, then a row of [A | b]: buffer column j + 1 is column j.
struct Folder {
  const DenseUkernels& k;
  size_t n, ncols, ld;
  std::vector<double> W, Z, v;  // indexed like buffer columns
  Folder(const DenseUkernels& k_, size_t n_, size_t ncols_)
      : k(k_), n(n_), ncols(ncols_), ld((ncols_ + 1 + 3) / 4 * 4), W(ncols_ + 1), Z(ncols_ + 1) {}

  // R (n x ncols, row stride ncols, upper trapezoidal) becomes the R of [R; B] for the mb buffer
  // rows B (destroyed); `upper`: B is upper trapezoidal too (B[i][j] == 0 for j < i).
  void fold(double* R, double* B, size_t mb, bool upper) {
    std::fill(W.begin(), W.end(), 0.0);
    std::fill(Z.begin(), Z.end(), 0.0);
    k.reflect_rows(upper ? std::min<size_t>(mb, 1) : mb, ncols + 1, B, ld, 0.0, W.data(), Z.data());
    for (size_t j = 0; j < n; ++j) {
      // Z[c + 1] = Σ_i B[i][j]·B[i][c] for c >= j (rows of B only; row j of R is the head).
      double* Rj = R + j * ncols;
      const double alpha = Rj[j], xnorm2 = Z[j + 1];
      bool fast = xnorm2 > 1e-290 && xnorm2 < 1e290;
      for (size_t c = j + 1; fast && c < ncols; ++c) fast = std::isfinite(Z[c + 1]);
      double s = 0.0;
      if (fast) {
        const double mag = std::hypot(alpha, std::sqrt(xnorm2));
        const double beta = alpha >= 0 ? -mag : mag;
        const double tau = (beta - alpha) / beta;
        const double inv = 1.0 / (alpha - beta);  // |alpha - beta| >= 1e-145: no overflow
        for (size_t c = j + 1; c < ncols; ++c) {
          const double w = Rj[c] + Z[c + 1] * inv;
          W[c + 1] = w;
          Rj[c] -= tau * w;
        }
        Rj[j] = beta;
        s = tau * inv;
      } else {  // also for xnorm2 == 0, which may have underflowed
        s = reflect_safely(Rj, B, upper ? std::min(mb, j + 1) : mb, j);
      }
      if (j + 1 == n) break;  // B is not needed any more
      std::fill(Z.begin() + j + 2, Z.end(), 0.0);
      k.reflect_rows(upper ? std::min(mb, j + 2) : mb, ncols - j, B + j + 1, ld, s, W.data() + j + 1,
                     Z.data() + j + 1);
    }
  }

  // Reflector j the two-pass way (squares or products out of range): v scaled into B's column j,
  // W from a pass over B; returns the scale s of reflect_rows (tau, as B holds v).
  double reflect_safely(double* Rj, double* B, size_t rows, size_t j) {
    v.resize(rows);
    for (size_t i = 0; i < rows; ++i) v[i] = B[i * ld + j + 1];
    const double xnorm = norm2(v.data(), rows);
    std::fill(W.begin(), W.end(), 0.0);
    if (xnorm == 0.0) return 0.0;
    const double alpha = Rj[j];
    const double mag = std::hypot(alpha, xnorm);
    const double beta = alpha >= 0 ? -mag : mag;
    const double tau = (beta - alpha) / beta;
    const double denom = alpha - beta;
    for (size_t i = 0; i < rows; ++i) B[i * ld + j + 1] = v[i] /= denom;
    for (size_t c = j + 1; c < ncols; ++c) W[c + 1] = Rj[c];
    for (size_t i = 0; i < rows; ++i)
      for (size_t c = j + 1; c < ncols; ++c) W[c + 1] += v[i] * B[i * ld + c + 1];
    for (size_t c = j + 1; c < ncols; ++c) Rj[c] -= tau * W[c + 1];
    Rj[j] = beta;
    return tau;
  }
};

// Rows per chunk folded at once: the chunk fits in L1 (24 KiB of the 32 KiB).
size_t tsqr_chunk_rows(size_t ld) { return std::max<size_t>(4, (size_t{24} * 1024) / (8 * ld) / 4 * 4); }

// Rows per leaf: a few chunks per R, so folding the leaves' R (2/3·d³ each) stays small.
size_t tsqr_fold_leaf_rows(size_t d, size_t chunk) {
  const size_t want = std::max<size_t>(1024, 16 * d);
  return (want + chunk - 1) / chunk * chunk;
}

std::vector<double> tsqr_rc_fold(const DenseUkernels& k, const double* A, const double* b, size_t n, size_t d,
                                 unsigned threads) {
  const size_t cols = d + 1;
  const Folder proto(k, d, cols);
  const size_t ld = proto.ld, chunk = tsqr_chunk_rows(ld), leaf = tsqr_fold_leaf_rows(d, chunk);
  const size_t leaves = (n + leaf - 1) / leaf;
  std::vector<double> Rs(leaves * d * cols, 0.0);
  parallel_for(leaves, threads, [&](size_t t) {
    Folder f(k, d, cols);
    std::vector<double> B(chunk * ld, 0.0);
    double* R = Rs.data() + t * d * cols;
    const size_t end = std::min(n, (t + 1) * leaf);
    for (size_t r0 = t * leaf; r0 < end; r0 += chunk) {
      const size_t mb = std::min(chunk, end - r0);
      for (size_t i = 0; i < mb; ++i) {
        double* row = B.data() + i * ld;
        row[0] = 0.0;
        std::copy(A + (r0 + i) * d, A + (r0 + i) * d + d, row + 1);
        row[cols] = b[r0 + i];
      }
      f.fold(R, B.data(), mb, false);
    }
  });
  Folder f(k, d, cols);
  std::vector<double> B(d * ld, 0.0);
  double* R = Rs.data();
  for (size_t t = 1; t < leaves; ++t) {
    const double* Rt = Rs.data() + t * d * cols;
    for (size_t i = 0; i < d; ++i) {
      double* row = B.data() + i * ld;
      row[0] = 0.0;
      std::copy(Rt + i * cols, Rt + i * cols + cols, row + 1);
    }
    f.fold(R, B.data(), d, true);
  }
  Rs.resize(d * cols);
  return Rs;
}

}  // namespace

std::vector<double> tsqr_rc(const DenseUkernels& k, const double* A, const double* b, size_t n, size_t d,
                            unsigned threads) {
  if (d + 1 <= kTsqrMaxCols) return tsqr_rc_fold(k, A, b, n, d, threads);
  return tsqr_rc_blocked(k, A, b, n, d, threads);
}

namespace {

constexpr size_t kScaledBlockRows = 32768;  // rows per task of the scaled TSQR

}  // namespace

std::vector<double> tsqr_rc_scaled(const DenseUkernels& k, const double* A, const double* b, const double* scale,
                                   size_t n, size_t d, unsigned threads) {
  if (!scale) {
    if (b) return tsqr_rc(k, A, b, n, d, threads);
    return tsqr_rc(k, A, std::vector<double>(n, 0.0).data(), n, d, threads);
  }
  const size_t chunk = std::min(kScaledBlockRows, std::max(8 * d, scaled_chunk_rows(d)));
  const size_t blocks = (n + kScaledBlockRows - 1) / kScaledBlockRows;
  std::vector<double> stack(blocks * d * d);  // block t's R in rows [t·d, t·d + d)
  std::vector<double> stack_c(blocks * d);    // and its c
  std::atomic<bool> ok{true};
  parallel_for(blocks, threads, [&](size_t t) {
    try {
      std::vector<double> buf((d + chunk) * d, 0.0), rhs(d + chunk, 0.0);
      const size_t end = std::min(n, (t + 1) * kScaledBlockRows);
      for (size_t r0 = t * kScaledBlockRows; r0 < end; r0 += chunk) {
        const size_t rows = std::min(chunk, end - r0);
        scale_rows(A, d, scale, r0, rows, buf.data() + d * d);
        for (size_t i = 0; i < rows; ++i) rhs[d + i] = b ? scale[r0 + i] * b[r0 + i] : 0.0;
        const std::vector<double> Rc = tsqr_rc(k, buf.data(), rhs.data(), d + rows, d, 1);
        for (size_t i = 0; i < d; ++i) {
          std::copy_n(Rc.begin() + i * (d + 1), d, buf.begin() + i * d);
          rhs[i] = Rc[i * (d + 1) + d];
        }
      }
      std::copy_n(buf.begin(), d * d, stack.begin() + t * d * d);
      std::copy_n(rhs.begin(), d, stack_c.begin() + t * d);
    } catch (...) {  // std::bad_alloc
      ok = false;
    }
  });
  if (!ok) throw std::bad_alloc();
  return tsqr_rc(k, stack.data(), stack_c.data(), blocks * d, d, threads);
}

}  // namespace sketchmax
