#include "linalg/lsqr.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "linalg/dense.h"
#include "linalg/qr.h"

namespace sketchmax {
namespace {

// z0 = R·x0, whose sum with the correction gives the compatible test its ‖z‖.
std::vector<double> upper_times(const double* R, size_t d, const double* x) {
  std::vector<double> z(d);
  for (size_t i = 0; i < d; ++i) {
    double s = 0.0;
    for (size_t j = i; j < d; ++j) s += R[i * d + j] * x[j];
    z[i] = s;
  }
  return z;
}

// out = R⁻ᵀ·(w / beta), i.e. Āᵀ·u for the normalised u = u_stored / beta.
void precond_rmatvec(const double* R, size_t d, const double* w, double beta, double* out) {
  for (size_t j = 0; j < d; ++j) out[j] = w[j] / beta;
  solve_upper_transposed(R, d, out, d);
}

// Scales v to unit norm and returns its former norm (v is left alone when that is 0).
double normalize(double* v, size_t d) {
  const double a = norm2(v, d);
  if (a > 0) for (size_t j = 0; j < d; ++j) v[j] /= a;
  return a;
}

}  // namespace

LsqrResult lsqr_preconditioned(const DenseUkernels& k, const double* A, size_t n, size_t d, const double* b,
                               const double* R, double* x, const LsqrOptions& o) {
  const size_t max_it = o.max_iterations ? o.max_iterations : 2 * d + 50;
  const double tol = o.tolerance;
  const double bnorm = norm2(b, n);
  const std::vector<double> x0(x, x + d);
  const std::vector<double> z0 = upper_times(R, d, x);
  std::vector<double> dz(d, 0.0), v(d, 0.0), w(d), Atu(d), tmp(d), dir(d);
  LsqrResult res;
  auto finish = [&](size_t itn, LsqrStop stop, double rnorm, double arnorm, double anorm) {
    solve_upper(R, d, dz.data(), d);
    for (size_t j = 0; j < d; ++j) x[j] = x0[j] + dz[j];
    res = {itn, stop, rnorm, arnorm, anorm};
    return res;
  };

  // u holds LSQR's unit vector times `scale`, so that normalising it costs no pass over n: the
  // scale is folded into the next step's alpha. The first pass forms A·x0 - b and Aᵀ(A·x0 - b),
  // i.e. r0 = b - A·x0 with scale -‖r0‖.
  std::vector<double> u(b, b + n);
  double beta = norm2_from_sumsq(lsqr_step(k, A, n, d, x, 1.0, u.data(), w.data(), o.threads), u.data(), n);
  double scale = -beta;
  double alpha = 0.0;
  if (beta > 0) {
    precond_rmatvec(R, d, w.data(), scale, v.data());
    alpha = normalize(v.data(), d);
  }
  if (beta == 0 || alpha == 0) return finish(0, LsqrStop::kExact, beta, 0.0, alpha);
  dir = v;
  double phibar = beta, rhobar = alpha, anorm = alpha, rnorm = beta, arnorm = alpha * beta;

  for (size_t itn = 1; itn <= max_it; ++itn) {
    // beta·u = Ā·v - alpha·u, then alpha·v = Āᵀ·u - beta·v.
    tmp = v;
    solve_upper(R, d, tmp.data(), d);
    const double sumsq = lsqr_step(k, A, n, d, tmp.data(), alpha / scale, u.data(), w.data(), o.threads);
    beta = norm2_from_sumsq(sumsq, u.data(), n);
    anorm = std::max(anorm, std::hypot(alpha, beta));  // column (alpha_k, beta_{k+1}) of B_k
    if (beta > 0) {
      scale = beta;
      precond_rmatvec(R, d, w.data(), beta, Atu.data());
    } else {
      std::fill(Atu.begin(), Atu.end(), 0.0);
    }
    for (size_t j = 0; j < d; ++j) v[j] = Atu[j] - beta * v[j];
    alpha = normalize(v.data(), d);
    anorm = std::max(anorm, std::hypot(beta, alpha));  // row (beta_{k+1}, alpha_{k+1}) of B_{k+1}

    // Plane rotation eliminating beta: updates the QR of B_k.
    const double rho = std::hypot(rhobar, beta);
    const double c = rhobar / rho, s = beta / rho;
    const double theta = s * alpha;
    rhobar = -c * alpha;
    const double phi = c * phibar;
    phibar = s * phibar;

    const double t1 = phi / rho, t2 = -theta / rho;
    for (size_t j = 0; j < d; ++j) {
      dz[j] += t1 * dir[j];
      dir[j] = v[j] + t2 * dir[j];
    }

    rnorm = phibar;
    arnorm = phibar * alpha * std::fabs(c);
    if (o.progress) {
      const double be = rnorm > 0 && anorm > 0 ? arnorm / (anorm * rnorm) : 0.0;
      if (!o.progress(o.progress_ctx, itn, be)) return finish(itn, LsqrStop::kCancelled, rnorm, arnorm, anorm);
    }
    if (alpha == 0 || beta == 0) return finish(itn, LsqrStop::kExact, rnorm, arnorm, anorm);
    double zz = 0.0;
    for (size_t j = 0; j < d; ++j) {
      const double zj = z0[j] + dz[j];
      zz += zj * zj;
    }
    if (rnorm <= tol * (anorm * std::sqrt(zz) + bnorm)) return finish(itn, LsqrStop::kCompatible, rnorm, arnorm, anorm);
    if (arnorm <= tol * anorm * rnorm) return finish(itn, LsqrStop::kLeastSquares, rnorm, arnorm, anorm);
  }
  return finish(max_it, LsqrStop::kMaxIterations, rnorm, arnorm, anorm);
}

}  // namespace sketchmax
