// Unit tests of the dense microkernels (one ISA per run: argv[1]) and of the least-squares solver
// built on them (QR, LSQR, lstsq). Exit 0 on success, 1 on failure, 77 (skipped) when the CPU lacks
// the ISA.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "cpu/dispatch.h"
#include "tests/test_support.h"
#include "linalg/dense.h"
#include "linalg/lstsq.h"
#include "linalg/qr.h"

using namespace sketchmax;

namespace {

using test::check;
using test::g_failures;
using test::gaussian;
using test::same_bits;

const size_t kCols[] = {1, 3, 7, 33, 101};
const size_t kRows[] = {1, 3, 5, 33};

void test_row_kernels(const DenseUkernels& k) {
  for (size_t cols : kCols) {
    for (size_t rows : kRows) {
      const size_t lda = cols + 3;  // a row stride wider than the row
      const std::vector<double> A = gaussian(rows * lda, rows * 131 + cols);
      const std::vector<double> x = gaussian(cols, 7), y0 = gaussian(rows, 8), w0 = gaussian(cols, 9);
      // dot_rows
      std::vector<double> y(rows);
      k.dot_rows(rows, cols, A.data(), lda, x.data(), y.data());
      for (size_t i = 0; i < rows; ++i) {
        double s = 0, mag = 0;
        for (size_t c = 0; c < cols; ++c) s += A[i * lda + c] * x[c], mag += std::fabs(A[i * lda + c] * x[c]);
        check(std::fabs(y[i] - s) <= 1e-14 * mag, "dot_rows", y[i], s);
      }
      // axpy_rows
      std::vector<double> w = w0;
      k.axpy_rows(rows, cols, A.data(), lda, y0.data(), w.data());
      for (size_t c = 0; c < cols; ++c) {
        double s = w0[c], mag = std::fabs(w0[c]);
        for (size_t i = 0; i < rows; ++i) s += y0[i] * A[i * lda + c], mag += std::fabs(y0[i] * A[i * lda + c]);
        check(std::fabs(w[c] - s) <= 1e-14 * mag, "axpy_rows", w[c], s);
      }
      // lsqr_rows
      std::vector<double> u = y0;
      w = w0;
      const double alpha = 0.75;
      const double sumsq = k.lsqr_rows(rows, cols, A.data(), lda, x.data(), alpha, u.data(), w.data());
      std::vector<double> ur(rows);
      double ss = 0;
      for (size_t i = 0; i < rows; ++i) {
        double s = 0, mag = 0;
        for (size_t c = 0; c < cols; ++c) s += A[i * lda + c] * x[c], mag += std::fabs(A[i * lda + c] * x[c]);
        ur[i] = s - alpha * y0[i];
        ss += ur[i] * ur[i];
        check(std::fabs(u[i] - ur[i]) <= 1e-14 * (mag + std::fabs(alpha * y0[i])), "lsqr_rows u", u[i], ur[i]);
      }
      check(std::fabs(sumsq - ss) <= 1e-12 * ss, "lsqr_rows sumsq", sumsq, ss);
      for (size_t c = 0; c < cols; ++c) {
        double s = w0[c], mag = std::fabs(w0[c]);
        for (size_t i = 0; i < rows; ++i) s += ur[i] * A[i * lda + c], mag += std::fabs(ur[i] * A[i * lda + c]);
        check(std::fabs(w[c] - s) <= 1e-12 * mag, "lsqr_rows w", w[c], s);
      }
    }
    // axpy and butterfly: exact (multiply then add).
    const std::vector<double> x = gaussian(cols, 11), y0 = gaussian(cols, 12);
    std::vector<double> y = y0, want(cols);
    k.axpy(cols, 0.3, x.data(), y.data());
    for (size_t c = 0; c < cols; ++c) {
      const double prod = 0.3 * x[c];
      want[c] = y0[c] + prod;
    }
    check(same_bits(y.data(), want.data(), cols), "axpy bits");
    std::vector<double> p = x, q = y0, wp(cols), wq(cols);
    k.butterfly(cols, p.data(), q.data());
    for (size_t c = 0; c < cols; ++c) wp[c] = x[c] + y0[c], wq[c] = x[c] - y0[c];
    check(same_bits(p.data(), wp.data(), cols) && same_bits(q.data(), wq.data(), cols), "butterfly bits");
    // scatter_axpy: each of 5 destination rows (with a gap between them) gets axpy's exact result;
    // the gap entries are left alone.
    const size_t dests = 5, stride = cols + 3;
    std::vector<double> Y = gaussian(dests * stride, 13), Y0 = Y;
    const double alphas[dests] = {0.5, -0.25, 1.0 / 3.0, -1.75, 2.0};
    double* ys[dests];
    for (size_t t = 0; t < dests; ++t) ys[t] = Y.data() + t * stride;
    k.scatter_axpy(cols, x.data(), dests, alphas, ys);
    std::vector<double> Ywant = Y0;
    for (size_t t = 0; t < dests; ++t) {
      for (size_t c = 0; c < cols; ++c) {
        const double prod = alphas[t] * x[c];
        Ywant[t * stride + c] = Y0[t * stride + c] + prod;
      }
    }
    check(same_bits(Y.data(), Ywant.data(), Y.size()), "scatter_axpy bits");
  }
}

void test_gemm(const DenseUkernels& k) {
  const size_t sizes[] = {1, 3, 7, 33};
  for (size_t M : sizes) {
    for (size_t N : kCols) {
      for (size_t K : {size_t{1}, size_t{5}, size_t{40}}) {
        // gemm_tn: A is K x M, B is K x N; bit-identical to the in-order loop.
        const size_t lda = M + 1, ldb = N + 2, ldc = N + 3;
        const std::vector<double> A = gaussian(K * lda, M * 7 + K), B = gaussian(K * ldb, N * 5 + K);
        const std::vector<double> C0 = gaussian(M * ldc, 3);
        std::vector<double> C = C0, W = C0;
        k.gemm_tn(M, N, K, A.data(), lda, B.data(), ldb, C.data(), ldc);
        for (size_t i = 0; i < M; ++i)
          for (size_t j = 0; j < N; ++j)
            for (size_t p = 0; p < K; ++p) {
              const double prod = A[p * lda + i] * B[p * ldb + j];
              W[i * ldc + j] = W[i * ldc + j] + prod;
            }
        check(same_bits(C.data(), W.data(), C.size()), "gemm_tn bits");
        // gemm_nn_sub: A is M x K; agrees to rounding.
        const size_t lda2 = K + 1;
        const std::vector<double> A2 = gaussian(M * lda2, M + K * 3);
        C = C0;
        k.gemm_nn_sub(M, N, K, A2.data(), lda2, B.data(), ldb, C.data(), ldc);
        for (size_t i = 0; i < M; ++i)
          for (size_t j = 0; j < N; ++j) {
            double s = C0[i * ldc + j], mag = std::fabs(s);
            for (size_t p = 0; p < K; ++p) s -= A2[i * lda2 + p] * B[p * ldb + j], mag += std::fabs(A2[i * lda2 + p] * B[p * ldb + j]);
            check(std::fabs(C[i * ldc + j] - s) <= 1e-14 * mag, "gemm_nn_sub", C[i * ldc + j], s);
          }
        for (size_t i = 0; i < M; ++i)  // the padding between rows is left alone
          for (size_t j = N; j < ldc; ++j) check(C[i * ldc + j] == C0[i * ldc + j], "gemm_nn_sub padding");
      }
    }
  }
}

void test_reflect_rows(const DenseUkernels& k) {
  for (size_t cols : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{33}, size_t{101}}) {
    for (size_t rows : {size_t{1}, size_t{3}, size_t{5}, size_t{33}, size_t{70}, size_t{131}}) {
      const size_t ldb = cols + 3;
      const std::vector<double> B0 = gaussian(rows * ldb, rows * 17 + cols), w = gaussian(cols, 31), z0 = gaussian(cols, 32);
      const double s = 0.37;
      std::vector<double> B = B0, z = z0, WB = B0, wz = z0, mag(cols, 0.0);
      k.reflect_rows(rows, cols, B.data(), ldb, s, w.data(), z.data());
      for (size_t c = 0; c < cols; ++c) mag[c] = std::fabs(z0[c]);
      for (size_t i = 0; i < rows; ++i) {
        double* row = WB.data() + i * ldb;
        const double u = s * row[0];
        for (size_t c = 1; c < cols; ++c) row[c] -= u * w[c];
        for (size_t c = 1; c < cols; ++c) wz[c] += row[1] * row[c], mag[c] += std::fabs(row[1] * row[c]);
      }
      for (size_t i = 0; i < rows; ++i)
        for (size_t c = 0; c < ldb; ++c) {
          const double got = B[i * ldb + c], want = WB[i * ldb + c];
          if (c == 0 || c >= cols) {
            check(got == B0[i * ldb + c], "reflect_rows untouched", got, want);
          } else {
            const double scale = std::fabs(B0[i * ldb + c]) + std::fabs(s * B0[i * ldb] * w[c]);
            check(std::fabs(got - want) <= 1e-15 * scale, "reflect_rows B", got, want);
          }
        }
      check(z[0] == z0[0], "reflect_rows z[0]", z[0], z0[0]);
      for (size_t c = 1; c < cols; ++c) check(std::fabs(z[c] - wz[c]) <= 1e-14 * mag[c], "reflect_rows z", z[c], wz[c]);
    }
  }
}

void test_dense_drivers(const DenseUkernels& k) {
  const size_t n = 5000, d = 13;
  const std::vector<double> A = gaussian(n * d, 21), x = gaussian(d, 22), u0 = gaussian(n, 23);
  std::vector<double> y1(n), y2(n), w1(d), w2(d), u1 = u0, u2 = u0;
  matvec(k, A.data(), n, d, x.data(), y1.data(), 1);
  matvec(k, A.data(), n, d, x.data(), y2.data(), 2);
  check(same_bits(y1.data(), y2.data(), n), "matvec threads");
  matvec_t(k, A.data(), n, d, u0.data(), w1.data(), 1);
  matvec_t(k, A.data(), n, d, u0.data(), w2.data(), 2);
  check(same_bits(w1.data(), w2.data(), d), "matvec_t threads");
  for (size_t c = 0; c < d; ++c) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += A[i * d + c] * u0[i];
    check(std::fabs(w1[c] - s) <= 1e-12 * std::sqrt(double(n)), "matvec_t", w1[c], s);
  }
  const double s1 = lsqr_step(k, A.data(), n, d, x.data(), 0.5, u1.data(), w1.data(), 1);
  const double s2 = lsqr_step(k, A.data(), n, d, x.data(), 0.5, u2.data(), w2.data(), 2);
  check(s1 == s2 && same_bits(u1.data(), u2.data(), n) && same_bits(w1.data(), w2.data(), d), "lsqr_step threads");
  for (size_t i = 0; i < n; ++i) check(std::fabs(u1[i] - (y1[i] - 0.5 * u0[i])) <= 1e-12, "lsqr_step u");
}

// ‖Q·[R | c] - [A | b]‖_F / ‖[A | b]‖_F for a qr_blocked output F of the m x ncols input X.
double reconstruction_error(const std::vector<double>& X, const std::vector<double>& F, const std::vector<double>& tau,
                            size_t m, size_t ncols, size_t nref) {
  std::vector<double> Y = F;
  for (size_t i = 0; i < m; ++i)
    for (size_t j = 0; j < std::min(i, nref); ++j) Y[i * ncols + j] = 0.0;
  for (size_t kk = nref; kk-- > 0;) {
    for (size_t j = 0; j < ncols; ++j) {
      double s = Y[kk * ncols + j];
      for (size_t i = kk + 1; i < m; ++i) s += F[i * ncols + kk] * Y[i * ncols + j];
      s *= tau[kk];
      Y[kk * ncols + j] -= s;
      for (size_t i = kk + 1; i < m; ++i) Y[i * ncols + j] -= s * F[i * ncols + kk];
    }
  }
  double e = 0, a = 0;
  for (size_t i = 0; i < X.size(); ++i) e += (Y[i] - X[i]) * (Y[i] - X[i]), a += X[i] * X[i];
  return std::sqrt(e / a);
}

double rel_diff(const double* x, const double* y, size_t d) {
  double e = 0, a = 0;
  for (size_t j = 0; j < d; ++j) e += (x[j] - y[j]) * (x[j] - y[j]), a += y[j] * y[j];
  return std::sqrt(e / a);
}

void test_qr(const DenseUkernels& k) {
  struct Shape {
    size_t m, d;
  };
  for (Shape s : {Shape{1, 1}, Shape{9, 9}, Shape{300, 37}, Shape{1200, 70}, Shape{600, 101}}) {
    const size_t m = s.m, d = s.d, nc = d + 1;
    const std::vector<double> X = gaussian(m * nc, m + d);
    std::vector<double> F1 = X, F2 = X, tau1(d), tau2(d);
    qr_blocked(k, F1.data(), m, nc, nc, d, tau1.data(), 1);
    qr_blocked(k, F2.data(), m, nc, nc, d, tau2.data(), 2);
    check(same_bits(F1.data(), F2.data(), F1.size()) && same_bits(tau1.data(), tau2.data(), d), "qr_blocked threads");
    const double err = reconstruction_error(X, F1, tau1, m, nc, d);
    check(err <= 1e-14, "qr_blocked reconstruction", err, 1e-14);
    if (m == d) continue;
    // Against pivoted QR on the same (full-rank) problem.
    std::vector<double> A(m * d), b(m), R(d * d), x1(d), x2(d);
    for (size_t i = 0; i < m; ++i) {
      std::copy(X.begin() + i * nc, X.begin() + i * nc + d, A.begin() + i * d);
      b[i] = X[i * nc + d];
    }
    for (size_t i = 0; i < d; ++i) {
      for (size_t j = i; j < d; ++j) R[i * d + j] = F1[i * nc + j];
      x1[i] = F1[i * nc + d];
    }
    solve_upper(R.data(), d, x1.data(), d);
    const HouseholderQr f = qr_householder(A.data(), m, d, d, true);
    check(f.rank == d, "qrcp rank", double(f.rank), double(d));
    qr_solve(f, b.data(), x2.data());
    const double dx = rel_diff(x1.data(), x2.data(), d);
    check(dx <= 1e-12, "qr_blocked vs qrcp", dx, 1e-12);
    const double rc = rcond_estimate(R.data(), d);
    check(rc > 1e-3 && rc <= 1, "rcond of a Gaussian R", rc, 0.1);
  }
}

// tsqr_rc against pivoted QR, including badly scaled columns (the reflectors' two-pass fallback).
void test_tsqr(const DenseUkernels& k) {
  struct Shape {
    size_t n, d;
    double scale;
  };
  for (Shape sh : {Shape{1, 1, 1}, Shape{7, 5, 1}, Shape{3001, 1, 1}, Shape{5000, 13, 1}, Shape{4099, 50, 1},
                   Shape{2500, 130, 1}, Shape{3000, 20, 1e200}, Shape{3000, 20, 1e-200}, Shape{3000, 20, 1e150}}) {
    const size_t n = sh.n, d = sh.d;
    const std::vector<double> A0 = gaussian(n * d, n * 3 + d), b = gaussian(n, n + 1);
    std::vector<double> A = A0;
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < d; j += 2) A[i * d + j] *= sh.scale;  // every other column scaled
    const std::vector<double> Rc1 = tsqr_rc(k, A.data(), b.data(), n, d, 1);
    const std::vector<double> Rc2 = tsqr_rc(k, A.data(), b.data(), n, d, 2);
    check(Rc1.size() == d * (d + 1) && same_bits(Rc1.data(), Rc2.data(), Rc1.size()), "tsqr_rc threads");
    std::vector<double> R(d * d, 0.0), x1(d), x2(d);
    bool lower_zero = true;
    for (size_t i = 0; i < d; ++i) {
      for (size_t j = 0; j < i; ++j) lower_zero = lower_zero && Rc1[i * (d + 1) + j] == 0.0;
      for (size_t j = i; j < d; ++j) R[i * d + j] = Rc1[i * (d + 1) + j];
      x1[i] = Rc1[i * (d + 1) + d];
    }
    check(lower_zero, "tsqr_rc lower triangle");
    solve_upper(R.data(), d, x1.data(), d);
    // The reference solves the unscaled problem: x scales inversely with its column.
    const HouseholderQr f = qr_householder(A0.data(), n, d, d, true);
    qr_solve(f, b.data(), x2.data());
    for (size_t j = 0; j < d; j += 2) x1[j] *= sh.scale;
    const double dx = rel_diff(x1.data(), x2.data(), d);
    check(dx <= 1e-11, "tsqr_rc vs qrcp", dx, 1e-11);
  }
}

struct Case {
  size_t n, d;
  std::vector<double> A, b, xref;
  double rref;
};

Case make_case(size_t n, size_t d, uint64_t seed, bool deficient) {
  Case c{n, d, gaussian(n * d, seed), gaussian(n, seed + 1), std::vector<double>(d), 0};
  if (deficient)
    for (size_t i = 0; i < n; ++i) c.A[i * d + d - 1] = c.A[i * d] + c.A[i * d + 1];  // rank d - 1
  const HouseholderQr f = qr_householder(c.A.data(), n, d, d, true);
  qr_solve(f, c.b.data(), c.xref.data());
  std::vector<double> r(n);
  for (size_t i = 0; i < n; ++i) {
    double s = 0;
    for (size_t j = 0; j < d; ++j) s += c.A[i * d + j] * c.xref[j];
    r[i] = c.b[i] - s;
  }
  c.rref = norm2(r.data(), n);
  return c;
}

LstsqOptions options_for(LstsqMethod method, size_t rows, unsigned threads) {
  LstsqOptions o;
  o.method = method;
  o.sketch = SketchSpec{SketchKind::kSparseSign, rows, {12345u, 678u}, 8};
  o.threads = threads;
  return o;
}

bool cancel_at_third(void*, size_t, size_t iteration, double) { return iteration < 3; }

void test_lstsq(const KernelTable& kt) {
  for (bool deficient : {false, true}) {
    for (auto [n, d] : {std::pair<size_t, size_t>{2000, 20}, {3000, 45}}) {
      const Case c = make_case(n, d, n + d + deficient, deficient);
      for (LstsqMethod method : {LstsqMethod::kQr, LstsqMethod::kSketchAndSolve, LstsqMethod::kSketchPrecondition}) {
        const size_t rows = method == LstsqMethod::kSketchAndSolve ? 20 * d : 12 * d;
        std::vector<double> x1(d), x2(d);
        LstsqInfo i1, i2;
        const LstsqStatus s1 = lstsq(kt, c.A.data(), n, d, c.b.data(), options_for(method, rows, 1), x1.data(), &i1);
        const LstsqStatus s2 = lstsq(kt, c.A.data(), n, d, c.b.data(), options_for(method, rows, 2), x2.data(), &i2);
        check(s1 == kLstsqOk && s2 == kLstsqOk, "lstsq status");
        check(same_bits(x1.data(), x2.data(), d) && i1.iterations == i2.iterations &&
                  i1.residual_norm == i2.residual_norm, "lstsq threads");
        check(i1.sketch_rows == (method == LstsqMethod::kQr ? 0 : rows), "sketch_rows", double(i1.sketch_rows), double(rows));
        if (deficient) {
          check(i1.method == LstsqMethod::kQr && i1.rank == d - 1, "deficient -> qr, rank", double(i1.rank), double(d - 1));
        } else {
          check(i1.method == method && i1.rank == d, "method and rank");
        }
        const double dx = rel_diff(x1.data(), c.xref.data(), d);
        const double dr = std::fabs(i1.residual_norm - c.rref) / c.rref;
        if (method == LstsqMethod::kSketchAndSolve && !deficient) {
          check(dr <= 0.2, "sketch-and-solve residual", dr, 0.2);
        } else {
          check(dx <= 1e-10, "lstsq x vs qrcp", dx, 1e-10);
          check(dr <= 1e-12, "lstsq residual", dr, 1e-12);
        }
        if (method == LstsqMethod::kSketchPrecondition && !deficient) {
          check(i1.converged && i1.iterations > 0 && i1.iterations < 100, "lsqr iterations", double(i1.iterations), 30);
        }
      }
    }
  }
  // Cancellation from the progress callback.
  const Case c = make_case(2000, 20, 5, false);
  std::vector<double> x(20);
  LstsqInfo info;
  const LstsqStatus s = lstsq(kt, c.A.data(), 2000, 20, c.b.data(), options_for(LstsqMethod::kSketchPrecondition, 240, 2),
                              x.data(), &info, LstsqProgress{cancel_at_third, nullptr});
  check(s == kLstsqCancelled, "cancelled", s, kLstsqCancelled);
}

}  // namespace

int main(int argc, char** argv) {
  Isa isa;
  int exit_code = 0;
  if (!test::select_isa(argc, argv, &isa, &exit_code)) return exit_code;
  const KernelTable& kt = kernel_table(isa);
  test_row_kernels(kt.dense);
  test_gemm(kt.dense);
  test_reflect_rows(kt.dense);
  test_dense_drivers(kt.dense);
  test_qr(kt.dense);
  test_tsqr(kt.dense);
  test_lstsq(kt);
  std::printf("%s: %s\n", isa_name(isa), g_failures ? "FAILED" : "ok");
  return g_failures ? 1 : 0;
}
