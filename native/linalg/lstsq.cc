// lstsq (lstsq.h): the methods of lib/linalg/lstsq_js.ts over the native dense kernels.
#include "linalg/lstsq.h"

#include <algorithm>
#include <new>
#include <vector>

#include "cpu/dispatch.h"
#include "cpu/parallel.h"
#include "linalg/dense.h"
#include "linalg/lsqr.h"
#include "linalg/qr.h"

namespace sketchmax {
namespace {

// 'qr' takes the unpivoted blocked factorization when its R is this far from the rank tolerance
// of pivoted QR (the rcond estimate can exceed the true rcond by a modest factor); closer to
// rank deficiency it redoes the factorization pivoted, as qr.ts qrSolve always does.
constexpr double kPivotMargin = 1e3;

struct Problem {
  const KernelTable& kernels;
  const double* A;
  size_t n, d;
  const double* b;
  const LstsqOptions& options;
};

struct Cancelled {};  // thrown when the progress callback stops the solve

// x from the d x d upper triangle of the row-major factored [· | c] (row stride d + 1) and its
// column d (= Qᵀ·rhs); R is also copied out.
void solve_factored(const std::vector<double>& M, size_t d, std::vector<double>* R, double* x) {
  R->assign(d * d, 0.0);
  for (size_t i = 0; i < d; ++i) {
    std::copy(M.begin() + i * (d + 1) + i, M.begin() + i * (d + 1) + d, R->begin() + i * d + i);
    x[i] = M[i * (d + 1) + d];
  }
  solve_upper(R->data(), d, x, d);
}

// 'qr': TSQR of [A | b]; pivoted QR (rank, minimum-norm solution) only when R is nearly
// rank-deficient. Returns the rank.
size_t solve_qr(const Problem& p, double* x) {
  const size_t n = p.n, d = p.d;
  const std::vector<double> Rc = tsqr_rc_scaled(p.kernels.dense, p.A, p.b, p.options.row_scale, n, d, p.options.threads);
  {
    std::vector<double> R;
    solve_factored(Rc, d, &R, x);
    if (rcond_estimate(R.data(), d) > kPivotMargin * default_rank_tolerance(n, d)) return d;
  }
  // Nearly rank-deficient: pivoted QR of the small [R | c] instead of A. A = Q·R with Q orthogonal,
  // so R has A's column norms and singular values and the same least-squares solutions: the same
  // rank decision (with A's tolerance) and minimum-norm solution, for O(d³) instead of O(n·d²)
  // unblocked work over A (a minute at 200,000 x 500).
  const HouseholderQr f = qr_householder(Rc.data(), d, d, d + 1, true, n);
  std::vector<double> c(d);
  for (size_t i = 0; i < d; ++i) c[i] = Rc[i * (d + 1) + d];
  qr_solve(f, c.data(), x);
  return f.rank;
}

// The sketch S·[A | b], the QR of S·A and the sketch-and-solve x; false (x untouched) when S·A
// looks rank-deficient (rcond estimate below rcond_min).
bool sketch_stage(const Problem& p, std::vector<double>* R, double* x) {
  const size_t m = p.options.sketch.rows, d = p.d;
  std::vector<double> SAb(m * (d + 1));
  if (!sketch_apply(p.kernels, p.options.sketch, p.A, p.n, d, p.b, SAb.data(), p.options.threads))
    throw std::bad_alloc();
  std::vector<double> tau(d), xs(d);
  qr_blocked(p.kernels.dense, SAb.data(), m, d + 1, d + 1, d, tau.data(), p.options.threads);
  solve_factored(SAb, d, R, xs.data());
  if (!(rcond_estimate(R->data(), d) >= p.options.rcond_min)) return false;
  std::copy(xs.begin(), xs.end(), x);
  return true;
}

struct PassProgress {
  LstsqProgress progress;
  size_t pass;
  static bool call(void* ctx, size_t iteration, double backward_error) {
    const PassProgress* pp = static_cast<const PassProgress*>(ctx);
    return pp->progress.fn(pp->progress.ctx, pp->pass, iteration, backward_error);
  }
};

// SPIR's refinement passes from the sketch-and-solve x (lstsq_js.ts sketchPrecondition).
void refine(const Problem& p, const std::vector<double>& R, double* x, LstsqInfo* info, LstsqProgress progress) {
  PassProgress pp{progress, 0};
  LsqrOptions lo;
  lo.tolerance = p.options.tolerance;
  lo.max_iterations = p.options.max_iterations;
  lo.threads = p.options.threads;
  if (progress.fn) {
    lo.progress = &PassProgress::call;
    lo.progress_ctx = &pp;
  }
  for (size_t pass = 0; pass < p.options.refinement_passes; ++pass) {
    pp.pass = pass + 1;  // 1-based, as the TypeScript backend reports it
    const LsqrResult r = lsqr_preconditioned(p.kernels.dense, p.A, p.n, p.d, p.b, R.data(), x, lo);
    info->iterations += r.iterations;
    if (r.stop == LsqrStop::kCancelled) throw Cancelled{};
    info->converged = r.converged();
  }
}

double residual_norm(const Problem& p, const double* x) {
  std::vector<double> r(p.n);
  matvec(p.kernels.dense, p.A, p.n, p.d, x, r.data(), p.options.threads);
  const double* s = p.options.row_scale;
  for (size_t i = 0; i < p.n; ++i) r[i] = s ? s[i] * (p.b[i] - r[i]) : p.b[i] - r[i];
  return norm2(r.data(), p.n);
}

void solve(const Problem& p, double* x, LstsqInfo* info, LstsqProgress progress) {
  *info = LstsqInfo{};
  info->rank = p.d;
  const LstsqMethod method = p.options.method;
  bool randomized_ok = false;
  std::vector<double> R;
  if (method != LstsqMethod::kQr) {
    info->sketch_rows = p.options.sketch.rows;
    randomized_ok = sketch_stage(p, &R, x);
  }
  if (randomized_ok) {
    info->method = method;
    if (method == LstsqMethod::kSketchPrecondition) refine(p, R, x, info, progress);
  } else {
    info->method = LstsqMethod::kQr;
    info->rank = solve_qr(p, x);
  }
  info->residual_norm = residual_norm(p, x);
}

}  // namespace

LstsqStatus lstsq(const KernelTable& kernels, const double* A, size_t n, size_t d, const double* b,
                  const LstsqOptions& options, double* x, LstsqInfo* info, LstsqProgress progress) {
  try {
    solve(Problem{kernels, A, n, d, b, options}, x, info, progress);
    return kLstsqOk;
  } catch (const Cancelled&) {
    return kLstsqCancelled;
  } catch (...) {  // std::bad_alloc, or std::length_error for sizes no allocation could hold
    return kLstsqOutOfMemory;
  }
}

}  // namespace sketchmax
