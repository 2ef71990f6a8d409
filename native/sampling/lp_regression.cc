// lp_regression (lp_regression.h): lib/sampling/lp_regression.ts in C++. The comments of that file
// explain each method; here each function names its TypeScript twin, and the operations keep its
// order so the iterates match to rounding.
#include "sampling/lp_regression.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>
#include <vector>

#include "cpu/dispatch.h"
#include "linalg/lstsq.h"
#include "linalg/qr.h"

namespace sketchmax {
namespace {

using Vec = std::vector<double>;

constexpr double kEpsFloor = 1e-15;  // EPS_FLOOR
constexpr double kIpmSigma = 0.1;    // IPM_SIGMA
constexpr double kIpmStep = 0.995;   // IPM_STEP
constexpr double kIpmGap = 1e-10;    // IPM_GAP
constexpr double kMinValue = std::numeric_limits<double>::denorm_min();  // Number.MIN_VALUE

double sign(double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0; }

struct Problem {
  const KernelTable& kernels;
  const double* A;
  Vec b, w;
  double p;
  size_t n, d;
  unsigned threads;
};

// residuals: r = A·x − b.
void residuals(const Problem& P, const Vec& x, Vec& r) {
  for (size_t i = 0; i < P.n; ++i) {
    double s = -P.b[i];
    for (size_t j = 0; j < P.d; ++j) s += P.A[i * P.d + j] * x[j];
    r[i] = s;
  }
}

// objective: Σ w_i |r_i|^p (r overwritten with the residuals).
double objective(const Problem& P, const Vec& x, Vec& r) {
  residuals(P, x, r);
  double f = 0;
  for (size_t i = 0; i < P.n; ++i) {
    const double ri = std::fabs(r[i]);
    f += P.w[i] * (P.p == 1 ? ri : P.p == 2 ? ri * ri : std::pow(ri, P.p));
  }
  return f;
}

// The LsRequest {h, z}: argmin Σ h_i (a_iᵀx − z_i)² by the row-scaled native TSQR (nativeLs).
Vec weighted_ls(const Problem& P, const Vec& h, const Vec& z) {
  Vec scale(P.n), x(P.d);
  for (size_t i = 0; i < P.n; ++i) scale[i] = std::sqrt(h[i]);
  LstsqOptions o;
  o.method = LstsqMethod::kQr;
  o.tolerance = 1e-12;
  o.max_iterations = 1;
  o.threads = P.threads;
  o.row_scale = scale.data();
  LstsqInfo info;
  if (lstsq(P.kernels, P.A, P.n, P.d, z.data(), o, x.data(), &info) != kLstsqOk) throw std::bad_alloc();
  return x;
}

struct SmallSolve {
  Vec x;
  size_t rank;
};

// qrSolve on a small row-major k x d system (pivoted QR, minimum-norm when rank-deficient).
SmallSolve small_solve(const Vec& M, size_t k, size_t d, const Vec& rhs) {
  const HouseholderQr f = qr_householder(M.data(), k, d, d, true);
  SmallSolve s{Vec(d), f.rank};
  qr_solve(f, rhs.data(), s.x.data());
  return s;
}

// certifiedL1.
bool certified_l1(const Problem& P, const Vec& r, const std::vector<size_t>& S) {
  const size_t n = P.n, d = P.d;
  std::vector<unsigned char> in_s(n, 0);
  for (size_t i : S) in_s[i] = 1;
  Vec rhs(d, 0.0);
  for (size_t i = 0; i < n; ++i) {
    if (in_s[i]) continue;
    const double sg = sign(r[i]) * P.w[i];
    for (size_t j = 0; j < d; ++j) rhs[j] -= sg * P.A[i * d + j];
  }
  Vec M(d * d, 0.0);
  for (size_t t = 0; t < S.size(); ++t)
    for (size_t j = 0; j < d; ++j) M[j * d + t] = P.w[S[t]] * P.A[S[t] * d + j];
  const SmallSolve sol = small_solve(M, d, d, rhs);
  if (sol.rank < d) return false;
  for (size_t t = 0; t < d; ++t)
    if (!(std::fabs(sol.x[t]) <= 1 + 1e-9)) return false;
  return true;
}

// candidateRows: rows of positive weight by increasing |r_i| (ties by index), in two parts — the 8·d
// smallest first (parts[0]), the others (parts[1]) only for basic_solution to read when the first
// hold no d independent rows. Small problems get one part with every row.
struct Candidates {
  const Problem& P;
  const Vec& r;
  double cut = std::numeric_limits<double>::infinity();  // |r_i| <= cut: the first part

  void sort_by_residual(std::vector<size_t>& list) const {
    std::sort(list.begin(), list.end(), [&](size_t i, size_t j) {
      const double a = std::fabs(r[i]), b = std::fabs(r[j]);
      return a != b ? a < b : i < j;
    });
  }

  Candidates(const Problem& problem, const Vec& residuals) : P(problem), r(residuals) {
    const size_t k = 8 * P.d;
    if (P.n <= 4 * k) return;
    Vec mags;
    for (size_t i = 0; i < P.n; ++i)
      if (P.w[i] > 0) mags.push_back(std::fabs(r[i]));
    if (mags.size() <= k) return;
    std::nth_element(mags.begin(), mags.begin() + (k - 1), mags.end());
    cut = mags[k - 1];
  }

  std::vector<size_t> part(int which) const {
    std::vector<size_t> out;
    for (size_t i = 0; i < P.n; ++i)
      if (P.w[i] > 0 && (which == 0) == (std::fabs(r[i]) <= cut)) out.push_back(i);
    sort_by_residual(out);
    return out;
  }
};

struct Basic {
  Vec x;
  std::vector<size_t> rows;
};

// basicSolution: interpolate the first d independent candidate rows; false when there are fewer.
bool basic_solution(const Problem& P, const Vec& r, Basic* out) {
  const size_t d = P.d;
  const Candidates candidates(P, r);
  std::vector<Vec> basis;
  std::vector<size_t> chosen;
  for (int which = 0; which < 2 && chosen.size() < d; ++which) {
    for (size_t i : candidates.part(which)) {
      if (chosen.size() == d) break;
      Vec v(P.A + i * d, P.A + (i + 1) * d);
      double nrm0 = 0;
      for (size_t j = 0; j < d; ++j) nrm0 += v[j] * v[j];
      if (nrm0 == 0) continue;
      for (int pass = 0; pass < 2; ++pass) {
        for (const Vec& u : basis) {
          double dot = 0;
          for (size_t j = 0; j < d; ++j) dot += u[j] * v[j];
          for (size_t j = 0; j < d; ++j) v[j] -= dot * u[j];
        }
      }
      double nrm = 0;
      for (size_t j = 0; j < d; ++j) nrm += v[j] * v[j];
      if (nrm <= 1e-20 * nrm0) continue;
      const double s = 1 / std::sqrt(nrm);
      for (size_t j = 0; j < d; ++j) v[j] *= s;
      basis.push_back(std::move(v));
      chosen.push_back(i);
    }
  }
  if (chosen.size() < d) return false;
  Vec M(d * d), rhs(d);
  for (size_t t = 0; t < d; ++t) {
    std::copy(P.A + chosen[t] * d, P.A + (chosen[t] + 1) * d, M.begin() + t * d);
    rhs[t] = P.b[chosen[t]];
  }
  out->x = small_solve(M, d, d, rhs).x;
  out->rows = chosen;
  return true;
}

// certifiedByDual.
bool certified_by_dual(const Problem& P, const Vec& r, const std::vector<size_t>& S, const Vec& y_ipm) {
  const size_t n = P.n, d = P.d;
  double scale = 0;
  for (size_t i = 0; i < n; ++i) scale = std::max(scale, std::fabs(r[i]));
  const double zero_tol = 1e-12 * std::max(scale, kMinValue);
  std::vector<unsigned char> in_z(n, 0);
  for (size_t i : S) in_z[i] = 1;
  for (size_t i = 0; i < n; ++i)
    if (P.w[i] > 0 && std::fabs(r[i]) <= zero_tol) in_z[i] = 1;
  Vec rhs(d, 0.0), G(d * d, 0.0);
  double size = 0;
  for (size_t i = 0; i < n; ++i) {
    const double* a = P.A + i * d;
    for (size_t j = 0; j < d; ++j) size += P.w[i] * std::fabs(a[j]);
    if (!in_z[i]) {
      const double c = P.w[i] * sign(r[i]);
      for (size_t j = 0; j < d; ++j) rhs[j] -= c * a[j];
      continue;
    }
    for (size_t j = 0; j < d; ++j)
      for (size_t k = 0; k < d; ++k) G[j * d + k] += a[j] * a[k];
  }
  Vec y = y_ipm, e(d);
  for (int round = 0; round < 100; ++round) {
    e = rhs;
    for (size_t i = 0; i < n; ++i) {
      if (!in_z[i]) continue;
      y[i] = std::min(P.w[i], std::max(-P.w[i], y[i]));
      for (size_t j = 0; j < d; ++j) e[j] -= y[i] * P.A[i * d + j];
    }
    double err = 0;
    for (size_t j = 0; j < d; ++j) err = std::max(err, std::fabs(e[j]));
    if (err <= 1e-12 * size) return true;
    const SmallSolve sol = small_solve(G, d, d, e);
    if (sol.rank < d) return false;
    for (size_t i = 0; i < n; ++i) {
      if (!in_z[i]) continue;
      for (size_t j = 0; j < d; ++j) y[i] += P.A[i * d + j] * sol.x[j];
    }
  }
  return false;
}

struct Polished {
  Vec x;
  double f;
  bool certified;
};

// polishVertex (r: the residuals of x0 on entry, overwritten).
Polished polish_vertex(const Problem& P, const Vec& x0, Vec& r, const Vec& y) {
  Vec x = x0, rv(P.n);
  double f = objective(P, x, r);
  std::vector<size_t> vertex;
  bool at_vertex = false;
  for (int round = 0; round < 20 && f > 0; ++round) {
    Basic basic;
    if (!basic_solution(P, r, &basic)) break;
    const double fv = objective(P, basic.x, rv);
    if (!(fv <= f * (1 + 1e-13))) break;
    const bool improved = fv < f * (1 - 1e-15);
    x = basic.x;
    f = fv;
    r = rv;
    vertex = basic.rows;
    at_vertex = true;
    if (!improved) break;
  }
  f = objective(P, x, r);
  const bool certified = f == 0 || (at_vertex && (certified_l1(P, r, vertex) || certified_by_dual(P, r, vertex, y)));
  return {x, f, certified};
}

// solveL1Ipm.
LpResult solve_l1_ipm(const Problem& P, Vec x, double tol, size_t max_it, double* out) {
  const size_t n = P.n, d = P.d;
  const Vec& w = P.w;
  const Vec& b = P.b;
  Vec r(n);
  residuals(P, x, r);
  double scale = 0, wsum = 0;
  for (size_t i = 0; i < n; ++i) {
    r[i] = -r[i];
    scale += w[i] * std::fabs(r[i]);
  }
  size_t iterations = 0;
  if (scale == 0) {
    std::copy(x.begin(), x.end(), out);
    return {0.0, 0, true};
  }
  for (size_t i = 0; i < n; ++i) wsum += w[i];
  const double shift = std::max(scale / std::max(wsum, kMinValue), kMinValue) * 0.1;
  Vec a(n, 0.0), z(n, 0.0), t(n, 0.0);
  size_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!(w[i] > 0)) continue;
    ++m;
    a[i] = w[i] / 2;
    z[i] = std::max(-r[i], 0.0) + shift;
    t[i] = std::max(r[i], 0.0) + shift;
  }
  Vec h(n, 0.0), zr(n, 0.0), rho(n, 0.0), D(n, 0.0), da(n, 0.0), ax(n, 0.0);
  const double gap_tol = std::max(tol, kIpmGap);
  bool converged = false;
  while (iterations < max_it) {
    double primal = 0, dual = 0, comp = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!(w[i] > 0)) continue;
      primal += w[i] * std::fabs(r[i]);
      dual += b[i] * (2 * a[i] - w[i]);
      comp += a[i] * z[i] + (w[i] - a[i]) * t[i];
    }
    if (primal - dual <= gap_tol * primal) {
      converged = true;
      break;
    }
    if (!(comp > gap_tol * primal)) break;
    const double mu = (kIpmSigma * comp) / (2 * static_cast<double>(m));
    for (size_t i = 0; i < n; ++i) {
      if (!(w[i] > 0)) {
        h[i] = 0;
        zr[i] = 0;
        continue;
      }
      const double si = w[i] - a[i];
      D[i] = z[i] / a[i] + t[i] / si;
      rho[i] = r[i] + mu / a[i] - mu / si;
      h[i] = 1 / D[i];
      zr[i] = rho[i] - D[i] * (w[i] / 2 - a[i]);
    }
    const Vec dx = weighted_ls(P, h, zr);
    ++iterations;
    bool finite = true;
    for (double v : dx) finite = finite && std::isfinite(v);
    if (!finite) break;
    double ap = 1, ad = 1;
    for (size_t i = 0; i < n; ++i) {
      if (!(w[i] > 0)) continue;
      double s = 0;
      for (size_t j = 0; j < d; ++j) s += P.A[i * d + j] * dx[j];
      ax[i] = s;
      const double si = w[i] - a[i];
      const double dai = da[i] = (rho[i] - s) / D[i];
      const double dzi = (mu - a[i] * z[i] - z[i] * dai) / a[i];
      const double dti = (mu - si * t[i] + t[i] * dai) / si;
      if (dai < 0) ap = std::min(ap, -a[i] / dai);
      if (dai > 0) ap = std::min(ap, si / dai);
      if (dzi < 0) ad = std::min(ad, -z[i] / dzi);
      if (dti < 0) ad = std::min(ad, -t[i] / dti);
      D[i] = dzi;
      rho[i] = dti;
    }
    ap = std::min(1.0, kIpmStep * ap);
    ad = std::min(1.0, kIpmStep * ad);
    for (size_t j = 0; j < d; ++j) x[j] += ad * dx[j];
    for (size_t i = 0; i < n; ++i) {
      if (!(w[i] > 0)) continue;
      a[i] = std::min(w[i], std::max(0.0, a[i] + ap * da[i]));
      z[i] += ad * D[i];
      t[i] += ad * rho[i];
      r[i] -= ad * ax[i];
    }
  }
  Vec y(n, 0.0);
  for (size_t i = 0; i < n; ++i) y[i] = w[i] > 0 ? w[i] - 2 * a[i] : 0;
  Vec rr(n);
  residuals(P, x, rr);
  const Polished end = polish_vertex(P, x, rr, y);
  std::copy(end.x.begin(), end.x.end(), out);
  return {end.f, iterations, converged || end.certified};
}

// solveNewton.
LpResult solve_newton(const Problem& P, Vec x, double tol, size_t max_it, double* out) {
  const size_t n = P.n, d = P.d;
  const double p = P.p;
  Vec r(n), h(n), z(n), g(d), xt(d), rt(n);
  double f = objective(P, x, r);
  double scale = 0;
  for (size_t i = 0; i < n; ++i) scale = std::max(scale, std::fabs(r[i]));
  const double eps_min = kEpsFloor * (1 + scale);
  double eps = std::max(scale / 10, eps_min);
  size_t iterations = 0;
  bool converged = f == 0;
  while (!converged && iterations < max_it) {
    double mean = 0;
    if (p > 2) {
      for (size_t i = 0; i < n; ++i) mean += std::pow(std::fabs(r[i]), p - 2);
      mean = mean / static_cast<double>(n);
    }
    const double delta = p > 2 ? std::max(1e-12 * mean, kMinValue) : 0;
    std::fill(g.begin(), g.end(), 0.0);
    for (size_t i = 0; i < n; ++i) {
      const double ai = std::fabs(r[i]);
      const double gi = P.w[i] * p * sign(r[i]) * std::pow(ai, p - 1);
      const double rho = p < 2 ? std::pow(std::max(ai, eps), p - 2) : std::pow(ai, p - 2) + delta;
      h[i] = P.w[i] * p * (p - 1) * rho;
      z[i] = h[i] > 0 ? -gi / h[i] : 0;
      for (size_t j = 0; j < d; ++j) g[j] += gi * P.A[i * d + j];
    }
    const Vec step = weighted_ls(P, h, z);
    ++iterations;
    double slope = 0;
    for (size_t j = 0; j < d; ++j) slope += g[j] * step[j];
    if (!(slope < 0) || -slope <= tol * f) {
      converged = true;
      break;
    }
    double alpha = 1, ft = f;
    for (int k = 0; k < 60; ++k) {
      for (size_t j = 0; j < d; ++j) xt[j] = x[j] + alpha * step[j];
      ft = objective(P, xt, rt);
      if (ft <= f + 1e-4 * alpha * slope) break;
      alpha /= 2;
    }
    if (!(ft < f)) {
      converged = -slope <= 1e3 * tol * f + 1e-300;
      break;
    }
    const double dec = (f - ft) / f;
    x = xt;
    r = rt;
    f = ft;
    if (p < 2) eps = std::max(eps / 2, eps_min);
    if (dec <= tol && alpha == 1) {
      converged = true;
      break;
    }
    if (f == 0) converged = true;
  }
  f = objective(P, x, r);
  std::copy(x.begin(), x.end(), out);
  return {f, iterations, converged};
}

// lineSearch: argmin over α of Σ |ρ_i − α·u_i|^p by bisection on the derivative's sign (to 1e-15).
double line_search(const Vec& rho, const Vec& u, double p) {
  auto slope = [&](double a) {
    double s = 0;
    for (size_t i = 0; i < rho.size(); ++i) {
      const double v = rho[i] - a * u[i];
      s -= u[i] * sign(v) * std::pow(std::fabs(v), p - 1);
    }
    return s;
  };
  double lo = -3, hi = 3;
  for (int k = 0; k < 60 && slope(hi) < 0; ++k) {
    lo = hi;
    hi = 2 * hi;
  }
  for (int k = 0; k < 60 && slope(lo) > 0; ++k) {
    hi = lo;
    lo = 2 * lo;
  }
  for (int k = 0; k < 100 && hi - lo > 1e-15 * std::max(1.0, std::fabs(hi)); ++k) {
    const double mid = (lo + hi) / 2;
    if (slope(mid) > 0)
      hi = mid;
    else
      lo = mid;
  }
  return (lo + hi) / 2;
}

// padShortfall: the paper's Reduce test.
bool pad_shortfall(const Vec& rho, const Vec& u, const Vec& R, double s_pad, double pad, double p) {
  double sq = 0, up = 0, gu = 0, ru = 0;
  for (size_t i = 0; i < rho.size(); ++i) {
    sq += (R[i] + s_pad) * u[i] * u[i];
    up += std::pow(std::fabs(u[i]), p);
    gu += p * R[i] * rho[i] * u[i];
    ru += R[i] * u[i] * u[i];
  }
  const double lambda = 16 * p;
  if (sq >= lambda * pad) return true;
  const double norm = std::pow(up, 1 / p);
  const double k = p * norm * std::pow(norm / (2 * p * sq), 1 / (p - 1));
  const double a0 = std::min(1 / (16 * lambda), 1 / (std::pow(16 * lambda, 1 / (p - 1)) * k));
  const double gamma = a0 * gu - 2 * p * p * a0 * a0 * ru - std::pow(p, p) * std::pow(a0, p) * up;
  return gamma < 0.25 * a0 * pad;
}

// solvePIrls.
LpResult solve_p_irls(const Problem& P, Vec x, double tol, size_t max_it, double* out) {
  const size_t n = P.n, d = P.d;
  const double p = P.p;
  Vec root(n);
  double m = 0;
  for (size_t i = 0; i < n; ++i) {
    root[i] = P.w[i] > 0 ? std::pow(P.w[i], 1 / p) : 0;
    if (P.w[i] > 0) ++m;
  }
  Vec rho(n);
  auto scaled_residual = [&](const Vec& xx, Vec& o) {
    residuals(P, xx, o);
    for (size_t i = 0; i < n; ++i) o[i] *= root[i];
  };
  auto pnorm = [&](const Vec& v) {
    double f = 0;
    for (size_t i = 0; i < n; ++i) f += std::pow(std::fabs(v[i]), p);
    return f;
  };
  scaled_residual(x, rho);
  double f = pnorm(rho), l2 = 0;
  for (size_t i = 0; i < n; ++i) l2 += rho[i] * rho[i];
  const double lbp = std::pow(std::sqrt(l2) / std::pow(std::max(m, 1.0), 0.5 - 1 / p), p);
  double pad = (f - lbp) / (16 * p);
  const double eps = std::max(tol, 1e-15);
  Vec R(n), g(n), h(n), z(n), u(n), trial(n);
  size_t iterations = 0;
  while (f > 0 && pad > (2 * eps * f) / (16 * p * (1 + eps)) && iterations < max_it) {
    const double s_pad = 0.5 * std::pow(pad / m, (p - 2) / p);
    for (size_t i = 0; i < n; ++i) {
      R[i] = std::pow(std::fabs(rho[i]), p - 2);
      g[i] = p * R[i] * rho[i];
      const double r1 = R[i] + s_pad;
      h[i] = r1 * root[i] * root[i];
      z[i] = root[i] > 0 ? g[i] / (r1 * root[i]) : 0;
    }
    const Vec inv = weighted_ls(P, h, z);
    ++iterations;
    double quad = 0;
    for (size_t i = 0; i < n; ++i) {
      double t = 0;
      for (size_t j = 0; j < d; ++j) t += P.A[i * d + j] * inv[j];
      u[i] = root[i] * t;
      quad += g[i] * u[i];
    }
    if (!(quad > 0)) break;
    const double c = pad / (2 * quad);
    for (size_t i = 0; i < n; ++i) u[i] *= c;
    const double alpha = line_search(rho, u, p);
    bool reduce = pad_shortfall(rho, u, R, s_pad, pad, p);
    for (size_t i = 0; i < n; ++i) trial[i] = rho[i] - alpha * u[i];
    const double ft = pnorm(trial);
    if (ft < f) {
      for (size_t j = 0; j < d; ++j) x[j] -= alpha * c * inv[j];
      scaled_residual(x, rho);
      f = pnorm(rho);
    } else {
      reduce = true;
    }
    if (reduce) pad /= 2;
    pad = std::min(pad, (f - lbp) / (16 * p));
  }
  const bool converged = f == 0 || pad <= (2 * eps * f) / (16 * p * (1 + eps));
  Vec r(n);
  const double obj = objective(P, x, r);
  std::copy(x.begin(), x.end(), out);
  return {obj, iterations, converged};
}

}  // namespace

LpResult lp_regression(const KernelTable& kernels, const double* A, size_t n, size_t d, const double* b,
                       const LpOptions& o, double* x) {
  Problem P{kernels, A, Vec(b, b + n), Vec(n, 1.0), o.p, n, d, o.threads ? o.threads : 1};
  if (o.weights) P.w.assign(o.weights, o.weights + n);
  const Vec x0 = weighted_ls(P, P.w, P.b);  // lpSolver's start
  if (P.p == 2) {
    Vec r(n);
    std::copy(x0.begin(), x0.end(), x);
    return {objective(P, x0, r), 1, true};
  }
  if (P.p > 2 && o.p_irls) return solve_p_irls(P, x0, o.tolerance, o.max_iterations, x);
  return P.p == 1 ? solve_l1_ipm(P, x0, o.tolerance, o.max_iterations, x)
                  : solve_newton(P, x0, o.tolerance, o.max_iterations, x);
}

}  // namespace sketchmax
