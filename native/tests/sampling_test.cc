// Unit tests of the leverage-score kernels (solve_norms_rows, product_norms_rows; one ISA per run:
// argv[1]), of the leverage-score driver built on them and of the Lewis driver's stop hook. Exit 0 on success, 1 on failure, 77
// (skipped) when the CPU lacks the ISA.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

#include "cpu/dispatch.h"
#include "tests/test_support.h"
#include "linalg/qr.h"
#include "sampling/leverage.h"
#include "sampling/lewis.h"

using namespace sketchmax;

namespace {

using test::check;
using test::g_failures;
using test::gaussian;
using test::same_bits;

bool close(double got, double want, double rel) { return std::fabs(got - want) <= rel * std::fabs(want); }

// A well-conditioned r x r upper-triangular R (row stride ldr): diagonal of magnitude in [1, 2]
// with both signs, small off-diagonal entries.
std::vector<double> upper_triangle(size_t r, size_t ldr, uint64_t seed) {
  std::vector<double> R = gaussian(r * ldr, seed);
  for (size_t i = 0; i < r; ++i) {
    for (size_t j = 0; j < i; ++j) R[i * ldr + j] = 0.0;
    R[i * ldr + i] = (i % 2 ? -1.0 : 1.0) * (1.0 + std::fabs(R[i * ldr + i]) / 4.0);
    for (size_t j = i + 1; j < r; ++j) R[i * ldr + j] *= 0.3;
  }
  return R;
}

// r of the d columns, in a scrambled order.
std::vector<uint32_t> column_choice(size_t r, size_t d, uint64_t seed) {
  std::vector<uint32_t> cols(d);
  std::iota(cols.begin(), cols.end(), 0u);
  std::shuffle(cols.begin(), cols.end(), std::mt19937_64(seed));
  cols.resize(r);
  return cols;
}

const size_t kRowsShapes[] = {0, 1, 3, 8, 17, 37};

void test_solve_norms_rows(const DenseUkernels& k) {
  for (size_t r : {1, 2, 3, 4, 5, 7, 9, 17, 33}) {
    for (size_t rows : kRowsShapes) {
      const size_t d = r + 2, lda = d + 3, ldr = r + 1;
      const std::vector<double> R = upper_triangle(r, ldr, r * 7 + rows);
      std::vector<double> A = gaussian(std::max<size_t>(rows, 1) * lda, r * 11 + rows);
      // Rows scaled over 60 orders of magnitude: every score must keep its relative accuracy.
      for (size_t i = 0; i < rows; ++i)
        for (size_t j = 0; j < lda; ++j) A[i * lda + j] *= std::pow(10.0, -double(i % 7) * 10.0);
      if (rows > 2) std::fill(A.begin() + 2 * lda, A.begin() + 3 * lda, 0.0);  // a zero row
      const std::vector<uint32_t> cols = column_choice(r, d, r + rows);
      std::vector<double> work(r * (kNormsGroupRows + 1)), out(rows + 1, -7.0);
      k.solve_norms_rows(rows, r, R.data(), ldr, A.data(), lda, cols.data(), work.data(), out.data());
      for (size_t i = 0; i < rows; ++i) {
        std::vector<double> y(r);
        for (size_t j = 0; j < r; ++j) y[j] = A[i * lda + cols[j]];
        double t = 0;
        for (size_t kk = 0; kk < r; ++kk) {
          y[kk] /= R[kk * ldr + kk];
          t += y[kk] * y[kk];
          for (size_t j = kk + 1; j < r; ++j) y[j] -= R[kk * ldr + j] * y[kk];
        }
        if (i == 2) check(out[i] == 0.0, "solve_norms_rows zero row", out[i], 0.0);
        else check(close(out[i], t, 1e-13), "solve_norms_rows", out[i], t);
      }
      check(out[rows] == -7.0, "solve_norms_rows writes only its rows");
    }
  }
}

void test_product_norms_rows(const DenseUkernels& k) {
  for (size_t r : {1, 2, 3, 5, 17}) {
    for (size_t kc : {1, 3, 4, 7, 8, 9, 16, 17, 33, 100}) {
      for (size_t rows : kRowsShapes) {
        const size_t d = r + 1, lda = d + 2, ldg = kc + 3;
        const std::vector<double> G = gaussian(r * ldg, r * 13 + kc);
        std::vector<double> A = gaussian(std::max<size_t>(rows, 1) * lda, r + kc * 5 + rows);
        for (size_t i = 0; i < rows; ++i)
          for (size_t j = 0; j < lda; ++j) A[i * lda + j] *= std::pow(10.0, -double(i % 5) * 12.0);
        if (rows > 2) std::fill(A.begin() + 2 * lda, A.begin() + 3 * lda, 0.0);
        const std::vector<uint32_t> cols = column_choice(r, d, r * kc + rows);
        std::vector<double> work(r * (kNormsGroupRows + 1)), out(rows + 1, -7.0);
        k.product_norms_rows(rows, r, kc, G.data(), ldg, A.data(), lda, cols.data(), work.data(), out.data());
        for (size_t i = 0; i < rows; ++i) {
          double t = 0, mag = 0;
          for (size_t c = 0; c < kc; ++c) {
            double y = 0, ym = 0;
            for (size_t j = 0; j < r; ++j) y += A[i * lda + cols[j]] * G[j * ldg + c], ym += std::fabs(A[i * lda + cols[j]] * G[j * ldg + c]);
            t += y * y;
            mag += ym * ym;
          }
          if (i == 2) check(out[i] == 0.0, "product_norms_rows zero row", out[i], 0.0);
          else check(std::fabs(out[i] - t) <= 1e-13 * mag, "product_norms_rows", out[i], t);
        }
        check(out[rows] == -7.0, "product_norms_rows writes only its rows");
      }
    }
  }
}

// Leverage scores by the reference recipe (leverage.ts exactLeverage): pivoted QR of diag(s)·A,
// then one forward substitution per row.
std::vector<double> reference_exact(const std::vector<double>& A, size_t n, size_t d, const double* scale, size_t* rank) {
  std::vector<double> B = A;
  if (scale)
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < d; ++j) B[i * d + j] *= scale[i];
  const HouseholderQr f = qr_householder(B.data(), n, d, d, true);
  const size_t r = f.rank;
  *rank = r;
  std::vector<double> tau(n, 0.0), y(r);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < r; ++j) y[j] = B[i * d + f.perm[j]];
    double t = 0;
    for (size_t kk = 0; kk < r; ++kk) {
      y[kk] /= f.qr[kk * n + kk];
      t += y[kk] * y[kk];
      for (size_t j = kk + 1; j < r; ++j) y[j] -= f.qr[j * n + kk] * y[kk];
    }
    tau[i] = t;
  }
  return tau;
}

struct Run {
  std::vector<double> tau;
  size_t rank;
};

Run run(const KernelTable& kt, const std::vector<double>& A, size_t n, size_t d, const double* scale,
        LeverageOptions o) {
  Run out{std::vector<double>(n, -1.0), 12345};
  check(leverage_scores(kt, A.data(), nullptr, n, d, scale, o, out.tau.data(), &out.rank) == kLeverageOk, "leverage status");
  return out;
}

LeverageOptions exact_options(unsigned threads) {
  LeverageOptions o;
  o.threads = threads;
  return o;
}

LeverageOptions approximate_options(size_t m, size_t k, unsigned threads) {
  LeverageOptions o;
  o.method = LeverageMethod::kApproximate;
  o.key[0] = 1234567u;
  o.key[1] = 89u;
  o.sketch_rows = m;
  o.jl_columns = k;
  o.threads = threads;
  return o;
}

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

void test_known_answers(const KernelTable& kt) {
  // [I_d; I_d]: every score 1/2; with the second copy scaled to zero, 1 and 0.
  const size_t d = 6, n = 2 * d;
  std::vector<double> A(n * d, 0.0);
  for (size_t i = 0; i < n; ++i) A[i * d + i % d] = 1.0;
  Run e = run(kt, A, n, d, nullptr, exact_options(1));
  check(e.rank == d, "[I; I] rank", double(e.rank), double(d));
  for (double t : e.tau) check(close(t, 0.5, 1e-14), "[I; I] scores", t, 0.5);
  // Scales 1e-120 and 1 on the two copies of row 0, 0 on the other copies: scores 1e-240 (to full
  // relative accuracy), 1, and 1 and 0 for the others.
  std::vector<double> s(n, 1.0);
  std::fill(s.begin() + d + 1, s.end(), 0.0);
  s[0] = 1e-120;
  e = run(kt, A, n, d, s.data(), exact_options(1));
  check(close(e.tau[0], 1e-240, 1e-14), "[I; I] tiny score", e.tau[0], 1e-240);
  for (size_t i = 1; i < n; ++i) check(i <= d ? close(e.tau[i], 1.0, 1e-14) : e.tau[i] == 0.0, "[I; I] scaled scores", e.tau[i], i <= d);
  const Run a = run(kt, A, n, d, nullptr, approximate_options(n, 64, 1));
  check(a.rank == d, "approximate [I; I] rank", double(a.rank), double(d));

  // Orthonormal columns (modified Gram-Schmidt twice): τ_i = ‖q_i‖².
  const size_t n2 = 300, d2 = 9;
  std::vector<double> Q = gaussian(n2 * d2, 5);
  for (int pass = 0; pass < 2; ++pass)
    for (size_t j = 0; j < d2; ++j) {
      for (size_t p = 0; p < j; ++p) {
        double dot = 0;
        for (size_t i = 0; i < n2; ++i) dot += Q[i * d2 + p] * Q[i * d2 + j];
        for (size_t i = 0; i < n2; ++i) Q[i * d2 + j] -= dot * Q[i * d2 + p];
      }
      double nn = 0;
      for (size_t i = 0; i < n2; ++i) nn += Q[i * d2 + j] * Q[i * d2 + j];
      for (size_t i = 0; i < n2; ++i) Q[i * d2 + j] /= std::sqrt(nn);
    }
  e = run(kt, Q, n2, d2, nullptr, exact_options(2));
  for (size_t i = 0; i < n2; ++i) {
    double want = 0;
    for (size_t j = 0; j < d2; ++j) want += Q[i * d2 + j] * Q[i * d2 + j];
    check(close(e.tau[i], want, 1e-12), "orthonormal columns", e.tau[i], want);
  }
}

void test_exact(const KernelTable& kt) {
  struct Shape {
    size_t n, d;
    bool deficient, scaled;
  };
  for (Shape sh : {Shape{1, 1, false, false}, Shape{5, 5, false, true}, Shape{40, 3, false, false},
                   Shape{2000, 17, false, true}, Shape{3000, 50, true, false}, Shape{1500, 8, true, true},
                   Shape{70000, 7, false, true}}) {
    const size_t n = sh.n, d = sh.d;
    std::vector<double> A = gaussian(n * d, n + d);
    if (sh.deficient)  // rank d - 2: two columns repeat combinations of others
      for (size_t i = 0; i < n; ++i) {
        A[i * d + d - 1] = A[i * d] - 2 * A[i * d + 1];
        A[i * d + d - 2] = 0.5 * A[i * d + 2];
      }
    if (n > 3) std::fill(A.begin() + 3 * d, A.begin() + 4 * d, 0.0);  // a zero row
    std::vector<double> s;
    if (sh.scaled) {
      s = gaussian(n, n);
      for (size_t i = 0; i < n; i += 5) s[i] = 0.0;
      for (size_t i = 1; i < n; i += 7) s[i] *= 1e-15;  // tiny scores (1e-30 and below)
    }
    const double* scale = sh.scaled ? s.data() : nullptr;
    size_t rank_ref;
    const std::vector<double> want = reference_exact(A, n, d, scale, &rank_ref);
    const Run r1 = run(kt, A, n, d, scale, exact_options(1));
    const Run r2 = run(kt, A, n, d, scale, exact_options(2));
    check(r1.rank == rank_ref && r2.rank == rank_ref, "exact rank", double(r1.rank), double(rank_ref));
    check(same_bits(r1.tau.data(), r2.tau.data(), n), "exact threads");
    const size_t rank = sh.deficient ? d - 2 : d;
    if (n >= 10 * d) check(r1.rank == rank, "exact rank (known)", double(r1.rank), double(rank));
    if (!sh.scaled) check(close(sum(r1.tau), double(rank), 1e-10), "exact sum = rank", sum(r1.tau), double(rank));
    double worst = 0;
    for (size_t i = 0; i < n; ++i) {
      if (want[i] == 0.0 || (scale && scale[i] == 0.0)) {
        check(r1.tau[i] == 0.0, "exact zero score", r1.tau[i], 0.0);
        continue;
      }
      worst = std::max(worst, std::fabs(r1.tau[i] - want[i]) / want[i]);
    }
    check(worst <= 1e-10, "exact vs reference (relative, tiny scores too)", worst, 1e-10);
    if (n > 3) check(r1.tau[3] == 0.0, "exact zero row", r1.tau[3], 0.0);
  }
  // n = 0 and d = 0.
  std::vector<double> none;
  Run z = run(kt, none, 0, 3, nullptr, exact_options(1));
  check(z.rank == 0 && z.tau.empty(), "n = 0");
  const std::vector<double> A(4, 0.0);
  z = run(kt, A, 4, 1, nullptr, exact_options(1));
  check(z.rank == 0 && sum(z.tau) == 0.0, "zero matrix: rank 0, scores 0", double(z.rank), 0.0);
}

void test_approximate(const KernelTable& kt) {
  struct Shape {
    size_t n, d, m, k;
    bool scaled;
    double bound;  // max |τ̃/τ − 1|
  };
  // k >= d: row solves against the sketch's R; the last shape (k < d) takes the JL step, whose
  // 100 columns give a looser bound (relative s.d. √(2/k) ≈ 0.14 per row).
  for (Shape sh : {Shape{300, 5, 300, 6000, false, 0.5}, Shape{400, 4, 400, 6000, true, 0.5},
                   Shape{20000, 6, 1500, 3000, false, 0.5}, Shape{50000, 10, 2600, 800, true, 0.5},
                   Shape{3000, 120, 2500, 100, true, 0.9}}) {
    const size_t n = sh.n, d = sh.d;
    std::vector<double> A = gaussian(n * d, 3 * n + d);
    std::fill(A.begin() + d, A.begin() + 2 * d, 0.0);  // a zero row
    std::vector<double> s;
    if (sh.scaled) {
      s = gaussian(n, n + 1);
      for (size_t i = 0; i < n; i += 6) s[i] = 0.0;
    }
    const double* scale = sh.scaled ? s.data() : nullptr;
    const Run e = run(kt, A, n, d, scale, exact_options(1));
    const Run a1 = run(kt, A, n, d, scale, approximate_options(sh.m, sh.k, 1));
    const Run a2 = run(kt, A, n, d, scale, approximate_options(sh.m, sh.k, 2));
    check(same_bits(a1.tau.data(), a2.tau.data(), n) && a1.rank == a2.rank, "approximate threads");
    check(a1.rank == d, "approximate rank", double(a1.rank), double(d));
    check(a1.tau[1] == 0.0, "approximate zero row", a1.tau[1], 0.0);
    double worst = 0;
    for (size_t i = 0; i < n; ++i) {
      if (scale && scale[i] == 0.0) {
        check(a1.tau[i] == 0.0, "approximate zero scale", a1.tau[i], 0.0);
      } else if (e.tau[i] > 0) {
        worst = std::max(worst, std::fabs(a1.tau[i] / e.tau[i] - 1));
      }
    }
    check(worst < sh.bound, "approximate within 1 ± bound of exact", worst, sh.bound);
    // With a scale: the same as the scaled matrix without one (the sketch of the same rows).
    if (scale) {
      std::vector<double> B = A;
      for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < d; ++j) B[i * d + j] *= s[i];
      const Run b = run(kt, B, n, d, nullptr, approximate_options(sh.m, sh.k, 2));
      double dev = 0;
      for (size_t i = 0; i < n; ++i)
        if (b.tau[i] > 0) dev = std::max(dev, std::fabs(a1.tau[i] - b.tau[i]) / b.tau[i]);
      check(dev <= 1e-11, "approximate scale = scaled matrix", dev, 1e-11);
    }
  }
}

}  // namespace

// The exact scores of [A | b] from A and b equal those of the copy [A | b] (rank included), for b
// off col(A), in col(A) and zero, with and without a row scale; threads do not change a bit.
void test_augmented(const KernelTable& kt) {
  const size_t n = 5000, d = 12, D = d + 1;
  const std::vector<double> A = gaussian(n * d, 77);
  std::vector<double> noisy = gaussian(n, 78), in_range(n, 0.0), zero(n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < d; ++j) in_range[i] += double(j + 1) * A[i * d + j];
  std::vector<double> s = gaussian(n, 79);
  for (size_t i = 0; i < n; i += 4) s[i] = 0.0;
  for (const std::vector<double>* b : {&noisy, &in_range, &zero}) {
    std::vector<double> M(n * D);
    for (size_t i = 0; i < n; ++i) {
      std::copy_n(A.begin() + i * d, d, M.begin() + i * D);
      M[i * D + d] = (*b)[i];
    }
    for (const double* scale : {static_cast<const double*>(nullptr), static_cast<const double*>(s.data())}) {
      const Run want = run(kt, M, n, D, scale, exact_options(2));
      Run got1{std::vector<double>(n, -1.0), 0}, got2{std::vector<double>(n, -1.0), 0};
      check(leverage_scores(kt, A.data(), b->data(), n, d, scale, exact_options(1), got1.tau.data(), &got1.rank) ==
                kLeverageOk, "augmented status");
      check(leverage_scores(kt, A.data(), b->data(), n, d, scale, exact_options(2), got2.tau.data(), &got2.rank) ==
                kLeverageOk, "augmented status");
      const size_t rank = b == &noisy ? D : d;
      check(got1.rank == rank && want.rank == rank, "augmented rank", double(got1.rank), double(rank));
      check(same_bits(got1.tau.data(), got2.tau.data(), n), "augmented threads");
      double worst = 0;
      for (size_t i = 0; i < n; ++i) {
        if (want.tau[i] == 0.0) {
          check(got1.tau[i] == 0.0, "augmented zero score", got1.tau[i], 0.0);
          continue;
        }
        worst = std::max(worst, std::fabs(got1.tau[i] - want.tau[i]) / want.tau[i]);
      }
      check(worst <= 1e-10, "augmented = copy", worst, 1e-10);
    }
  }
}

// The Lewis driver asks its hook once before every leverage computation (iterations + 1 times); a
// hook that says stop before the k-th computation ends it with kLewisCancelled after k − 1; the
// hook does not change the weights.
struct HookCount {
  size_t calls = 0, stop_at = 0;
};

void test_lewis_hook(const KernelTable& kt) {
  const size_t n = 3000, d = 6;
  std::vector<double> A = gaussian(n * d, 91);
  for (size_t i = 0; i < n; i += 7)
    for (size_t j = 0; j < d; ++j) A[i * d + j] *= 30.0;  // uneven leverage: several updates
  LewisOptions o;
  o.threads = 2;
  LewisHook hook;
  std::vector<double> plain(n), hooked(n);
  LewisResult r0, r1;
  check(lewis_weights(kt, A.data(), nullptr, n, d, o, plain.data(), &r0) == kLewisOk, "lewis status");
  check(r0.converged && r0.iterations >= 3, "lewis updates", double(r0.iterations), 3.0);
  HookCount count;
  hook.ctx = &count;
  hook.keep_going = [](void* ctx) {
    ++static_cast<HookCount*>(ctx)->calls;
    return true;
  };
  check(lewis_weights(kt, A.data(), nullptr, n, d, o, hooked.data(), &r1, hook) == kLewisOk, "hooked status");
  check(count.calls == r0.iterations + 1, "hook calls", double(count.calls), double(r0.iterations + 1));
  check(same_bits(plain.data(), hooked.data(), n) && r1.iterations == r0.iterations, "hook changes nothing");
  HookCount stop;
  stop.stop_at = 2;
  hook.ctx = &stop;
  hook.keep_going = [](void* ctx) {
    auto* h = static_cast<HookCount*>(ctx);
    return ++h->calls < h->stop_at;
  };
  check(lewis_weights(kt, A.data(), nullptr, n, d, o, hooked.data(), &r1, hook) == kLewisCancelled, "cancelled status");
  check(stop.calls == 2, "stops at the asked computation", double(stop.calls), 2.0);
}

int main(int argc, char** argv) {
  Isa isa;
  int exit_code = 0;
  if (!test::select_isa(argc, argv, &isa, &exit_code)) return exit_code;
  const KernelTable& kt = kernel_table(isa);
  test_solve_norms_rows(kt.dense);
  test_product_norms_rows(kt.dense);
  test_known_answers(kt);
  test_exact(kt);
  test_approximate(kt);
  test_augmented(kt);
  test_lewis_hook(kt);
  std::printf("%s: %s\n", isa_name(isa), g_failures ? "FAILED" : "ok");
  return g_failures ? 1 : 0;
}
