// leverage_scores (leverage.h): exact scores from a TSQR of diag(scale)·A, then a pivoted QR of its
// small R; approximate scores (DMMW12) from a pivoted QR of a sparse-sign sketch and a Gaussian JL
// matrix (no JL matrix when it would have at least as many columns as the rank); exact scores of
// [A | b] from A and b without forming [A | b]. The per-row work runs in the ISA's solve_norms_rows / product_norms_rows kernels.
#include "sampling/leverage.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <new>
#include <vector>

#include "cpu/dispatch.h"
#include "cpu/parallel.h"
#include "linalg/dense.h"
#include "linalg/qr.h"
#include "sketch/random_choices.h"
#include "sketch/sketch.h"

namespace sketchmax {
namespace {

constexpr size_t kRowBlock = 4096;                // rows per task of the row loops

// Calls fn(begin, rows, work) for the fixed blocks of kRowBlock rows, each with its own work space
// of work_size doubles (throws std::bad_alloc when one cannot be had).
template <class F>
void for_row_blocks(size_t n, size_t work_size, unsigned threads, F&& fn) {
  std::atomic<bool> ok{true};
  parallel_for((n + kRowBlock - 1) / kRowBlock, threads, [&](size_t t) {
    std::unique_ptr<double[]> work(new (std::nothrow) double[work_size]);
    if (!work) {
      ok = false;
      return;
    }
    const size_t begin = t * kRowBlock;
    fn(begin, std::min(kRowBlock, n - begin), work.get());
  });
  if (!ok) throw std::bad_alloc();
}

// tau_i ← scale_i²·tau_i for the rows of a block, exactly 0 where scale_i is 0.
void apply_scale(const double* scale, size_t begin, size_t rows, double* tau) {
  if (!scale) return;
  for (size_t i = begin; i < begin + rows; ++i) tau[i] = scale[i] == 0.0 ? 0.0 : scale[i] * scale[i] * tau[i];
}

// Rows of the gather buffer for [a_i | b_i] (a few hundred KB at d = 50).
constexpr size_t kGatherRows = 256;

// The r x r upper-triangular R₁₁ (row-major) of a pivoted factor.
std::vector<double> leading_block(const HouseholderQr& f) {
  const size_t r = f.rank;
  std::vector<double> R11(r * r, 0.0);
  for (size_t i = 0; i < r; ++i)
    for (size_t j = i; j < r; ++j) R11[i * r + j] = f.qr[j * f.n + i];
  return R11;
}

// τ_i = s_i²·‖R⁻ᵀ·(x_i)_P‖² for every row x_i of A (b null) or of [A | b] (gathered block by block,
// never copied whole); R (r x r, row-major upper triangular) and the r column indices P.
void solve_rows(const KernelTable& kt, const std::vector<double>& R, const uint32_t* cols, const double* A,
                const double* b, size_t n, size_t d, const double* scale, unsigned threads, double* tau) {
  const size_t r = static_cast<size_t>(std::sqrt(static_cast<double>(R.size())) + 0.5), D = d + 1;
  const auto solve = kt.dense.solve_norms_rows;
  const size_t solve_work = r * (kNormsGroupRows + 1);
  for_row_blocks(n, solve_work + (b ? kGatherRows * D : 0), threads, [&](size_t begin, size_t rows, double* work) {
    if (!b) {
      solve(rows, r, R.data(), r, A + begin * d, d, cols, work, tau + begin);
    } else {
      double* ab = work + solve_work;
      for (size_t g = begin; g < begin + rows; g += kGatherRows) {
        const size_t count = std::min(kGatherRows, begin + rows - g);
        for (size_t i = 0; i < count; ++i) {
          std::copy_n(A + (g + i) * d, d, ab + i * D);
          ab[i * D + d] = b[g + i];
        }
        solve(count, r, R.data(), r, ab, D, cols, work, tau + g);
      }
    }
    apply_scale(scale, begin, rows, tau);
  });
}

// ‖diag(scale)·(b − A·x)‖ for the minimum-norm least-squares x of diag(scale)·(A·x ≈ b), from the
// TSQR's [R | c] (row-major d x (d + 1)).
double scaled_residual(const KernelTable& kt, const std::vector<double>& Rc, const double* A, const double* b,
                       size_t n, size_t d, const double* scale, unsigned threads) {
  const HouseholderQr f = qr_householder(Rc.data(), d, d, d + 1, true, n);
  std::vector<double> c(d), x(d), r(n);
  for (size_t i = 0; i < d; ++i) c[i] = Rc[i * (d + 1) + d];
  qr_solve(f, c.data(), x.data());
  matvec(kt.dense, A, n, d, x.data(), r.data(), threads);
  for (size_t i = 0; i < n; ++i) r[i] = (scale ? scale[i] : 1.0) * (b[i] - r[i]);
  return norm2(r.data(), n);
}

// Exact scores: R₁₁ and P from the pivoted QR of the TSQR's R with B's rank tolerance, B =
// diag(scale)·A. With b, B = diag(scale)·[A | b] without an n x (d + 1) copy: its R is the triangle
// [[R, c], [0, ρ]] from the TSQR of diag(scale)·A with right-hand side diag(scale)·b and the
// residual norm ρ (what a TSQR of the copy would put in the corner).
size_t exact(const KernelTable& kt, const double* A, const double* b, size_t n, size_t d, const double* scale,
             unsigned threads, double* tau) {
  const std::vector<double> Rc = tsqr_rc_scaled(kt.dense, A, b, scale, n, d, threads);
  HouseholderQr f;
  if (!b) {
    f = qr_householder(Rc.data(), d, d, d + 1, true, n);
  } else {
    const size_t D = d + 1;
    std::vector<double> T(D * D, 0.0);
    for (size_t i = 0; i < d; ++i) std::copy_n(Rc.begin() + i * D, D, T.begin() + i * D);
    T[d * D + d] = scaled_residual(kt, Rc, A, b, n, d, scale, threads);
    f = qr_householder(T.data(), D, D, D, true, n);
  }
  if (f.rank > 0) solve_rows(kt, leading_block(f), f.perm.data(), A, b, n, d, scale, threads, tau);
  return f.rank;
}

// S·diag(scale)·A (m x d) into out: the sparse-sign sketch accumulated over chunks of scaled rows,
// bit for bit the sketch of the scaled matrix in one call (each entry sums its input rows in
// ascending order either way).
void sketch_scaled(const KernelTable& kt, const SketchSpec& spec, const double* A, size_t n, size_t d,
                   const double* scale, double* out, unsigned threads) {
  std::fill(out, out + spec.rows * d, 0.0);
  const size_t chunk = scale ? std::min(n, scaled_chunk_rows(d)) : n;
  std::vector<double> buf(scale ? chunk * d : 0);
  for (size_t r0 = 0; r0 < n; r0 += chunk) {
    const size_t rows = std::min(chunk, n - r0);
    if (scale) scale_rows(A, d, scale, r0, rows, buf.data());
    const double* src = scale ? buf.data() : A + r0 * d;
    if (!sketch_accumulate(kt, spec, src, rows, d, nullptr, r0, out, threads)) throw std::bad_alloc();
  }
}

// G = R₁₁⁻¹·Π_r/√k (r x k, row-major) with approximateLeverage's operations in its order (row c of
// Π is dense_column(jlKey, gaussian, c, k)).
std::vector<double> jl_solve(const HouseholderQr& f, const uint32_t key[2], size_t k) {
  const size_t r = f.rank, m = f.n;
  const PhiloxKey jl{key[0], key[1] ^ kJlKeyXor};
  std::vector<double> G(r * k);
  const double scale = 1.0 / std::sqrt(static_cast<double>(k));
  for (size_t c = 0; c < r; ++c) {
    double* g = G.data() + c * k;
    dense_column(jl, true, c, k, g);
    for (size_t t = 0; t < k; ++t) g[t] = g[t] * scale;
  }
  for (size_t i = r; i-- > 0;) {
    double* gi = G.data() + i * k;
    for (size_t j = i + 1; j < r; ++j) {
      const double rij = f.qr[j * m + i];
      if (rij == 0.0) continue;
      const double* gj = G.data() + j * k;
      for (size_t t = 0; t < k; ++t) gi[t] -= rij * gj[t];
    }
    const double rii = f.qr[i * m + i];
    for (size_t t = 0; t < k; ++t) gi[t] /= rii;
  }
  return G;
}

// τ̃_i = s_i²·‖(a_i)_{P_r}·G‖², R₁₁ and P from the pivoted QR of S·B (of B when m >= n); when
// k >= r, τ̃_i = s_i²·‖R₁₁⁻ᵀ·(a_i)_{P_r}‖² instead (cheaper, and only the sketch approximates).
size_t approximate(const KernelTable& kt, const double* A, size_t n, size_t d, const double* scale,
                   const LeverageOptions& o, double* tau) {
  const size_t m = o.sketch_rows, k = o.jl_columns;
  HouseholderQr f;
  {
    std::vector<double> B;
    const double* src = A;
    size_t rows = n;
    if (m < n) {
      const SketchSpec spec{SketchKind::kSparseSign, m, {o.key[0], o.key[1]}, o.nnz_per_column};
      B.resize(m * d);
      sketch_scaled(kt, spec, A, n, d, scale, B.data(), o.threads);
      src = B.data();
      rows = m;
    } else if (scale) {
      B.resize(n * d);
      scale_rows(A, d, scale, 0, n, B.data());
      src = B.data();
    }
    f = qr_householder(src, rows, d, d, true);
  }
  const size_t r = f.rank;
  if (r == 0) return 0;
  if (k >= r) {  // the JL step would not reduce the dimension: exact norms against the sketch's R
    solve_rows(kt, leading_block(f), f.perm.data(), A, nullptr, n, d, scale, o.threads, tau);
    return r;
  }
  const std::vector<double> G = jl_solve(f, o.key, k);
  const auto product = kt.dense.product_norms_rows;
  for_row_blocks(n, r * (kNormsGroupRows + 1), o.threads, [&](size_t begin, size_t rows, double* work) {
    product(rows, r, k, G.data(), k, A + begin * d, d, f.perm.data(), work, tau + begin);
    apply_scale(scale, begin, rows, tau);
  });
  return r;
}

}  // namespace

LeverageStatus leverage_scores(const KernelTable& kernels, const double* A, const double* b, size_t n, size_t d,
                               const double* scale, const LeverageOptions& options, double* tau, size_t* rank) {
  std::fill(tau, tau + n, 0.0);
  *rank = 0;
  if (n == 0 || d == 0) return kLeverageOk;
  LeverageOptions o = options;
  o.threads = std::max(1u, o.threads);
  try {
    switch (o.method) {
      case LeverageMethod::kExact:
        *rank = exact(kernels, A, b, n, d, scale, o.threads, tau);
        break;
      case LeverageMethod::kApproximate:
        *rank = approximate(kernels, A, n, d, scale, o, tau);
        break;
    }
    return kLeverageOk;
  } catch (...) {  // std::bad_alloc, or std::length_error for sizes no allocation could hold
    return kLeverageOutOfMemory;
  }
}

}  // namespace sketchmax
