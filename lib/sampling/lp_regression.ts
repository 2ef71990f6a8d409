// ℓp regression solvers: x = argmin f(x),
// f(x) = Σ_i w_i |a_iᵀx − b_i|^p, 1 <= p < ∞, w_i >= 0 (default 1). notes/sensitivity-sampling.md §3.
//
// Every weighted least-squares subproblem min Σ h_i (a_iᵀx − z_i)² is solved by qrSolve (pivoted
// Householder QR, minimum-norm when rank-deficient) on the rows scaled by √h_i, never by normal
// equations.
//  - p = 2: one weighted least-squares solve (iterations = 1).
//  - p = 1: a primal-dual interior-point method on the dual linear program (solveL1Ipm: Frisch–Newton,
//    Portnoy & Koenker 1997), one weighted least-squares solve per iteration, to a relative duality gap
//    of 1e-10; then a vertex polish: the ℓ1 optimum is attained at a basic solution (d rows
//    interpolated exactly), so from the current x we take the rows with the smallest |r_i| that are
//    linearly independent, interpolate them, and keep the result if f does not increase, repeating
//    while it decreases (at most 20 times). The final vertex is checked against the LP optimality (KKT)
//    conditions — a dual u with |u_i| <= 1 on the interpolated rows (certifiedL1) — so converged means
//    the gap was closed or the vertex is certified optimal. [measured] 20000 x 50 with Cauchy noise:
//    33 solves, where smoothed IRLS (the first implementation) needed 263 and stopped 2.4e-10 above
//    the optimum.
//  - 1 < p < 2 and p > 2: a damped Newton method on the true objective. Step Δ solves
//    (Aᵀ H A) Δ = −∇f with ∇f = Aᵀ(w p sign(r)|r|^{p−1}) and H = diag(w p (p−1) ρ_i), where
//    ρ_i = max(|r_i|, ε)^{p−2} for p < 2 (ε-smoothing of the infinite curvature at r_i = 0, ε halved
//    every iteration down to EPS_FLOOR·scale; dividing by 10 made rows near r = 0 stiff too early:
//    [measured] 20,000 x 50 at p = 1.5, 500 solves without converging, 4e-7 above the optimum, against
//    23 solves to it when halving) and ρ_i = |r_i|^{p−2} + δ for p > 2 (δ = 1e-12 ×
//    the mean of |r|^{p−2}, so the metric stays positive definite when residuals vanish). Armijo
//    backtracking (c = 1e-4, halving) on the true f. This is a descent method with a bounded,
//    positive-definite metric on a convex C¹ function, hence globally convergent (standard
//    gradient-related-direction argument, e.g. Bertsekas, Nonlinear Programming, Prop. 1.2.1), and
//    Newton-fast near the optimum where no residual is 0.
//  - p > 2 with method 'p-irls': p-IRLS (Adil–Peng–Sachdeva 2019, solvePIrls below), stopping at its
//    (1 + tolerance)-optimality certificate. It reaches the same optimum (to 1e-14 relative on the
//    tests' problems) with 3–10x more solves than Newton, which is why Newton is the default.
// Start: the weighted least-squares solution. Stop (converged = true) when the relative decrease of f
// over an iteration is <= tolerance (default 1e-12) and, for Newton, the Newton decrement
// −∇fᵀΔ <= tolerance·f; or f = 0. iterations counts least-squares solves after the start.
//
// The solvers are generators: each weighted least-squares solve over all rows is yielded as an
// LsRequest {h, z} and the caller sends back x = argmin Σ h_i (a_iᵀx − z_i)². The caller decides
// who solves it — qrSolve here (weightedLsJs), the native TSQR, synchronously or on the thread pool
// (lp_regression_api.ts) — so one implementation of each method serves every backend and the async
// form. The small d x d solves of the vertex polish stay in TypeScript.
import { rangeError, typeError } from '../errors';
import { qrSolve } from '../linalg/qr';
import { checkFinite, checkMatrix, type Matrix } from '../sketch/matrix';
import { float64Data } from '../sketch/sketch';
import { checkEnum, checkOptions, checkRowVector } from '../validate';

const FN = 'lpRegression';
const KNOWN = ['weights', 'tolerance', 'maxIterations', 'method'] as const;
export const LP_KNOWN_OPTIONS = KNOWN;
const { abs, max, pow, sqrt } = Math;

/** Smallest smoothing, relative to the data scale. */
const EPS_FLOOR = 1e-15;
/** p = 1 interior point: centering σ, fraction of the step to the boundary, and the smallest relative duality gap it aims for (the vertex polish takes it the rest of the way). */
const IPM_SIGMA = 0.1;
const IPM_STEP = 0.995;
const IPM_GAP = 1e-10;
export const LP_DEFAULTS = { tolerance: 1e-12, maxIterations: 500 } as const;

export interface LpRegressionOptions {
  /** Nonnegative row weights w_i (default all 1), length A.rows. */
  weights?: Float64Array | Float32Array;
  /** Relative stopping tolerance on f (default 1e-12). */
  tolerance?: number;
  /** Cap on least-squares solves (default 500). */
  maxIterations?: number;
  /**
   * The method for p > 2: 'newton' (default; damped Newton, see the file comment) or 'p-irls'
   * (Adil–Peng–Sachdeva). Both are globally convergent; Newton needed 3–14 solves where p-IRLS needed
   * 39–43 on the tests' 2000 x 10 problems at p = 3, 4, 8 [measured]. Ignored for p <= 2.
   */
  method?: 'auto' | 'newton' | 'p-irls';
}

export interface LpRegressionResult {
  x: Float64Array;
  /** Σ w_i |a_iᵀx − b_i|^p at the returned x. */
  objective: number;
  iterations: number;
  converged: boolean;
}

/** A weighted ℓp problem over float64 data (A read-only, possibly the caller's array; b and w copies). */
export interface Problem {
  A: { data: Float64Array; rows: number; cols: number };
  b: Float64Array;
  w: Float64Array;
  p: number;
  n: number;
  d: number;
}

function residuals(P: Problem, x: Float64Array, r: Float64Array): Float64Array {
  const { A, b, n, d } = P;
  const a = A.data;
  for (let i = 0; i < n; i++) {
    let s = -b[i];
    for (let j = 0; j < d; j++) s += a[i * d + j] * x[j];
    r[i] = s;
  }
  return r;
}

function objective(P: Problem, x: Float64Array, r: Float64Array): number {
  residuals(P, x, r);
  let f = 0;
  const { p, w } = P;
  for (let i = 0; i < P.n; i++) {
    const ri = abs(r[i]);
    f += w[i] * (p === 1 ? ri : p === 2 ? ri * ri : pow(ri, p));
  }
  return f;
}

/** One weighted least-squares subproblem: x = argmin Σ h_i (a_iᵀx − z_i)² over the problem's rows. */
export interface LsRequest {
  h: Float64Array;
  z: Float64Array;
}

/** A solver run: yields its least-squares subproblems, receives their solutions, returns the result. */
export type LpSolver = Generator<LsRequest, LpRegressionResult, Float64Array>;

/** argmin Σ h_i (a_iᵀx − z_i)² by QR on scaled rows. */
export function weightedLsJs(P: Problem, { h, z }: LsRequest): Float64Array {
  const { A, n, d } = P;
  const data = new Float64Array(n * d);
  const rhs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = sqrt(h[i]);
    for (let j = 0; j < d; j++) data[i * d + j] = s * A.data[i * d + j];
    rhs[i] = s * z[i];
  }
  return qrSolve({ data, rows: n, cols: d }, rhs).x;
}

/** Resolved arguments of an ℓp regression: the problem and the stopping rule. */
export interface ResolvedLp {
  P: Problem;
  tolerance: number;
  maxIterations: number;
  method: 'newton' | 'p-irls';
}

/**
 * Checks the arguments of lpRegression(A, b, p, options) for function `fn` (options may carry the
 * `extra` names, checked by the caller). A is used in place when it is a Float64Array (converted
 * otherwise) and only ever read; b and the weights are copied. The caller's arrays are never modified.
 */
export function resolveLp<O extends LpRegressionOptions>(fn: string, A: unknown, b: unknown, p: unknown, options: unknown, extra: readonly string[] = []): { r: ResolvedLp; o: Partial<O> } {
  const o = checkOptions<O>(fn, options, [...KNOWN, ...extra]);
  const M = checkMatrix(fn, 'A', A);
  const bb = checkRowVector(fn, 'b', b, M.rows);
  if (typeof p !== 'number') throw typeError(fn, 'p', 'must be a number', p);
  if (!Number.isFinite(p) || p < 1) throw rangeError(fn, 'p', 'must be a finite number >= 1', p);
  checkFinite(fn, 'A', M, 'b', bb, 1);
  const n = M.rows;
  const d = M.cols;
  const w = new Float64Array(n).fill(1);
  if (o.weights !== undefined) {
    const ww = checkRowVector(fn, 'options.weights', o.weights, n);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(ww[i]) || ww[i] < 0) throw rangeError(fn, `options.weights[${i}]`, 'must be finite and nonnegative', ww[i]);
      w[i] = ww[i];
    }
  }
  const tolerance = o.tolerance ?? LP_DEFAULTS.tolerance;
  if (typeof tolerance !== 'number') throw typeError(fn, 'options.tolerance', 'must be a number', tolerance);
  if (!(tolerance >= 0 && tolerance < 1)) throw rangeError(fn, 'options.tolerance', 'must be in [0, 1)', tolerance);
  const maxIterations = o.maxIterations ?? LP_DEFAULTS.maxIterations;
  if (typeof maxIterations !== 'number') throw typeError(fn, 'options.maxIterations', 'must be a number', maxIterations);
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 1) throw rangeError(fn, 'options.maxIterations', 'must be a positive integer', maxIterations);
  const method = o.method === undefined || o.method === 'auto' ? 'newton' : checkEnum(fn, 'options.method', o.method, ['auto', 'newton', 'p-irls'] as const);
  // A is only read: no copy of a Float64Array (10^6 x 50 is 400 MB); b is small and copied.
  const P: Problem = { A: { data: float64Data(M.data), rows: n, cols: d }, b: Float64Array.from(bb), w, p, n, d };
  return { r: { P, tolerance, maxIterations, method: method === 'auto' ? 'newton' : method }, o };
}

/** The solver for P (see the file comment), as a generator of least-squares subproblems. */
export function* lpSolver({ P, tolerance, maxIterations, method }: ResolvedLp): LpSolver {
  const x0 = yield { h: P.w, z: P.b };
  if (P.p === 2) {
    const r = new Float64Array(P.n);
    return { x: x0, objective: objective(P, x0, r), iterations: 1, converged: true };
  }
  if (P.p > 2 && method === 'p-irls') return yield* solvePIrls(P, x0, tolerance, maxIterations);
  return P.p === 1 ? yield* solveL1Ipm(P, x0, tolerance, maxIterations) : yield* solveNewton(P, x0, tolerance, maxIterations);
}

/** Runs a solver to the end, answering its subproblems with `solve`. */
export function runSolver(gen: LpSolver, solve: (req: LsRequest) => Float64Array): LpRegressionResult {
  let step = gen.next();
  while (!step.done) step = gen.next(solve(step.value));
  return step.value;
}

/** Σ w_i |a_iᵀx − b_i|^p of P at x. */
export function lpObjective(P: Problem, x: Float64Array): number {
  return objective(P, x, new Float64Array(P.n));
}

/** min Σ w_i |a_iᵀx − b_i|^p in TypeScript (see the file comment). A, b and options are not modified. */
export function lpRegressionJs(A: Matrix, b: Float64Array | Float32Array, p: number, options?: LpRegressionOptions): LpRegressionResult {
  const { r } = resolveLp(FN, A, b, p, options);
  return runSolver(lpSolver(r), (req) => weightedLsJs(r.P, req));
}

/**
 * p = 1 by a primal-dual interior-point method on the dual LP of weighted least absolute deviations
 * (the Frisch–Newton approach of Portnoy & Koenker 1997): max bᵀy s.t. Aᵀy = 0, |y_i| <= w_i, written
 * with a = (y + w)/2 as max bᵀa s.t. Aᵀa = Aᵀw/2, 0 <= a <= w. The equality multipliers are the
 * regression coefficients x; z, t >= 0 are the multipliers of a >= 0 and a <= w (z − t = A·x − b at
 * the optimum). Each Newton step on the perturbed KKT conditions (a_i z_i = s_i t_i = σμ, s = w − a)
 * reduces to one weighted least-squares problem: with D = z/a + t/s and
 * ρ = r + z − t + σμ/a − z − σμ/s + t (r = b − A·x), Δx = argmin Σ (1/D_i)(a_iᵀΔx − (ρ_i − D_i q_i))²,
 * q = w/2 − a, then Δa = (ρ − A·Δx)/D. Centering σ = IPM_SIGMA, steps to 0.995 of the boundary, start
 * at a = w/2 (feasible) and x = the least-squares solution. Stop when the duality gap
 * Σ w|r| − bᵀ(2a − w) is <= max(tolerance, IPM_GAP)·Σ w|r|; the vertex polish then moves to the LP
 * optimum itself and certifies it. Rows of weight 0 do not take part.
 */
function* solveL1Ipm(P: Problem, x0: Float64Array, tol: number, maxIt: number): LpSolver {
  const { n, d, w, b, A } = P;
  const x = Float64Array.from(x0);
  const r = new Float64Array(n);
  residuals(P, x, r); // r = A·x − b here; negated below
  let scale = 0;
  for (let i = 0; i < n; i++) {
    r[i] = -r[i];
    scale += w[i] * abs(r[i]);
  }
  let iterations = 0;
  if (scale === 0) return { x, objective: 0, iterations, converged: true };
  const shift = max(scale / max(sumOf(w), Number.MIN_VALUE), Number.MIN_VALUE) * 0.1;
  const a = new Float64Array(n);
  const z = new Float64Array(n);
  const t = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (!(w[i] > 0)) continue;
    m++;
    a[i] = w[i] / 2;
    z[i] = max(-r[i], 0) + shift;
    t[i] = max(r[i], 0) + shift;
  }
  const h = new Float64Array(n);
  const zr = new Float64Array(n);
  const rho = new Float64Array(n);
  const D = new Float64Array(n);
  const da = new Float64Array(n);
  const ax = new Float64Array(n);
  const gapTol = max(tol, IPM_GAP);
  let converged = false;
  while (iterations < maxIt) {
    let primal = 0;
    let dual = 0;
    let comp = 0;
    for (let i = 0; i < n; i++) {
      if (!(w[i] > 0)) continue;
      primal += w[i] * abs(r[i]);
      dual += b[i] * (2 * a[i] - w[i]);
      comp += a[i] * z[i] + (w[i] - a[i]) * t[i];
    }
    if (primal - dual <= gapTol * primal) {
      converged = true;
      break;
    }
    // Complementarity at the same level ends it too: on degenerate LPs the weights 1/D then span
    // ~1e20, the solves lose the equality Aᵀa = Aᵀw/2, and bᵀy stops being a trustworthy bound
    // (the vertex polish and its certificate decide optimality instead).
    if (!(comp > gapTol * primal)) break;
    const mu = (IPM_SIGMA * comp) / (2 * m);
    for (let i = 0; i < n; i++) {
      if (!(w[i] > 0)) {
        h[i] = 0;
        zr[i] = 0;
        continue;
      }
      const si = w[i] - a[i];
      D[i] = z[i] / a[i] + t[i] / si;
      rho[i] = r[i] + mu / a[i] - mu / si;
      h[i] = 1 / D[i];
      zr[i] = rho[i] - D[i] * (w[i] / 2 - a[i]);
    }
    const dx = yield { h, z: zr };
    iterations++;
    if (!dx.every(Number.isFinite)) break;
    let ap = 1;
    let ad = 1;
    for (let i = 0; i < n; i++) {
      if (!(w[i] > 0)) continue;
      let s = 0;
      for (let j = 0; j < d; j++) s += A.data[i * d + j] * dx[j];
      ax[i] = s;
      const si = w[i] - a[i];
      const dai = (da[i] = (rho[i] - s) / D[i]);
      const dzi = (mu - a[i] * z[i] - z[i] * dai) / a[i];
      const dti = (mu - si * t[i] + t[i] * dai) / si;
      if (dai < 0) ap = Math.min(ap, -a[i] / dai);
      if (dai > 0) ap = Math.min(ap, si / dai);
      if (dzi < 0) ad = Math.min(ad, -z[i] / dzi);
      if (dti < 0) ad = Math.min(ad, -t[i] / dti);
      // Keep the directions of z and t for the update below (in D and rho, free now).
      D[i] = dzi;
      rho[i] = dti;
    }
    ap = Math.min(1, IPM_STEP * ap);
    ad = Math.min(1, IPM_STEP * ad);
    for (let j = 0; j < d; j++) x[j] += ad * dx[j];
    for (let i = 0; i < n; i++) {
      if (!(w[i] > 0)) continue;
      a[i] = Math.min(w[i], max(0, a[i] + ap * da[i]));
      z[i] += ad * D[i];
      t[i] += ad * rho[i];
      r[i] -= ad * ax[i];
    }
  }
  // The dual iterate in the sign convention of the certificates (residuals r = A·x − b there, and
  // y_i → −w_i·sign(r_i)·(−1) = w_i·sign(A·x − b)_i... i.e. y = w − 2a), for a degenerate vertex.
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = w[i] > 0 ? w[i] - 2 * a[i] : 0;
  const end = polishVertex(P, x, residuals(P, x, new Float64Array(n)), y);
  return { x: end.x, objective: end.f, iterations, converged: converged || end.certified };
}

function sumOf(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}

/**
 * Vertex polish toward the exact LP optimum from x (r = its residuals on entry; overwritten): move to
 * the basic solution of the rows with the smallest |r_i| while that does not increase f (at most 20
 * times), then check the LP optimality certificate at the vertex reached. Returns x itself when no
 * vertex is at least as good.
 */
function polishVertex(P: Problem, x0: Float64Array, r: Float64Array, y: Float64Array): { x: Float64Array; f: number; certified: boolean } {
  const n = P.n;
  let x = x0;
  let f = objective(P, x, r);
  let vertex: number[] | null = null;
  for (let round = 0; round < 20 && f > 0; round++) {
    const basic = basicSolution(P, r);
    if (!basic) break;
    const rv = new Float64Array(n);
    const fv = objective(P, basic.x, rv);
    // A vertex as good as x up to rounding is taken too: it is where the certificate can be checked.
    if (!(fv <= f * (1 + 1e-13))) break;
    const improved = fv < f * (1 - 1e-15);
    x = basic.x;
    f = fv;
    r.set(rv);
    vertex = basic.rows;
    if (!improved) break;
  }
  f = objective(P, x, r);
  return { x, f, certified: f === 0 || (vertex !== null && (certifiedL1(P, r, vertex) || certifiedByDual(P, r, vertex, y))) };
}

/**
 * KKT for min Σ w_i |r_i| at a vertex whose rows S interpolate (|S| = d, independent): optimal iff
 * some u with |u_i| <= 1 solves Σ_{i∈S} w_i u_i a_i = −Σ_{i∉S} w_i sign(r_i) a_i.
 */
function certifiedL1(P: Problem, r: Float64Array, S: number[]): boolean {
  const { A, n, d, w } = P;
  const inS = new Uint8Array(n);
  for (const i of S) inS[i] = 1;
  const rhs = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    if (inS[i]) continue;
    const sg = Math.sign(r[i]) * w[i];
    for (let j = 0; j < d; j++) rhs[j] -= sg * A.data[i * d + j];
  }
  const M = new Float64Array(d * d); // row j, column t: w_{S_t} A[S_t][j]
  S.forEach((i, t) => {
    for (let j = 0; j < d; j++) M[j * d + t] = w[i] * A.data[i * d + j];
  });
  const sol = qrSolve({ data: M, rows: d, cols: d }, rhs);
  if (sol.rank < d) return false;
  for (let t = 0; t < d; t++) if (!(abs(sol.x[t]) <= 1 + 1e-9)) return false;
  return true;
}

/**
 * Rows of positive weight in increasing |r_i|: first the 8·d smallest (found through a typed-array
 * sort of |r|, no index comparator over all n rows), then, if those hold no d independent rows, all.
 */
function* candidateRows(P: Problem, r: Float64Array): Generator<number> {
  const { n, d, w } = P;
  const byResidual = (list: number[]): number[] => list.sort((i, j) => abs(r[i]) - abs(r[j]) || i - j);
  const k = 8 * d;
  if (n > 4 * k) {
    const mags = new Float64Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) if (w[i] > 0) mags[m++] = abs(r[i]);
    const sorted = mags.subarray(0, m).sort();
    if (m > k) {
      const cut = sorted[k - 1];
      const first: number[] = [];
      for (let i = 0; i < n; i++) if (w[i] > 0 && abs(r[i]) <= cut) first.push(i);
      yield* byResidual(first);
      const rest: number[] = [];
      for (let i = 0; i < n; i++) if (w[i] > 0 && abs(r[i]) > cut) rest.push(i);
      yield* byResidual(rest);
      return;
    }
  }
  const all: number[] = [];
  for (let i = 0; i < n; i++) if (w[i] > 0) all.push(i);
  yield* byResidual(all);
}

/**
 * The LP certificate at a degenerate vertex (more than d rows fitted exactly, where the basis check of
 * certifiedL1 may fail at an optimal point): a dual y with |y_i| <= w_i, y_i = w_i·sign(r_i) on the
 * rows not fitted, and Σ y_i a_i = 0 (to 1e-12 of Σ w_i|a_i|). Starts on the fitted rows Z from the
 * interior-point dual, which is near every optimal dual there, and alternates minimum-norm corrections
 * of the equality with clamping to the box (at most 100 rounds).
 */
function certifiedByDual(P: Problem, r: Float64Array, S: number[], yIpm: Float64Array): boolean {
  const { A, n, d, w } = P;
  let scale = 0;
  for (let i = 0; i < n; i++) scale = max(scale, abs(r[i]));
  const zeroTol = 1e-12 * max(scale, Number.MIN_VALUE);
  const inZ = new Uint8Array(n);
  for (const i of S) inZ[i] = 1;
  for (let i = 0; i < n; i++) if (w[i] > 0 && abs(r[i]) <= zeroTol) inZ[i] = 1;
  // Fixed part: rhs = −Σ_{not Z} w_i sign(r_i) a_i; its size sets the equality's tolerance.
  const rhs = new Float64Array(d);
  const G = new Float64Array(d * d);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) size += w[i] * abs(A.data[o + j]);
    if (!inZ[i]) {
      const c = w[i] * Math.sign(r[i]);
      for (let j = 0; j < d; j++) rhs[j] -= c * A.data[o + j];
      continue;
    }
    for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) G[j * d + k] += A.data[o + j] * A.data[o + k];
  }
  const y = Float64Array.from(yIpm);
  const e = new Float64Array(d);
  // Alternating projections between {y_Z : Σ_Z y_i a_i = rhs} (minimum-norm correction through the
  // normal equations of A_Z) and the box |y_i| <= w_i: certified once the clamped y meets the
  // equality to rounding.
  for (let round = 0; round < 100; round++) {
    e.set(rhs);
    for (let i = 0; i < n; i++) {
      if (!inZ[i]) continue;
      y[i] = Math.min(w[i], max(-w[i], y[i]));
      for (let j = 0; j < d; j++) e[j] -= y[i] * A.data[i * d + j];
    }
    let err = 0;
    for (let j = 0; j < d; j++) err = max(err, abs(e[j]));
    if (err <= 1e-12 * size) return true;
    const sol = qrSolve({ data: G, rows: d, cols: d }, e);
    if (sol.rank < d) return false;
    for (let i = 0; i < n; i++) {
      if (!inZ[i]) continue;
      for (let j = 0; j < d; j++) y[i] += A.data[i * d + j] * sol.x[j];
    }
  }
  return false;
}

/** Interpolates up to d independent rows with the smallest |r_i| (positive weight); null if none. */
function basicSolution(P: Problem, r: Float64Array): { x: Float64Array; rows: number[] } | null {
  const { A, d } = P;
  const basis: Float64Array[] = [];
  const chosen: number[] = [];
  for (const i of candidateRows(P, r)) {
    if (chosen.length === d) break;
    const v = Float64Array.from(A.data.subarray(i * d, (i + 1) * d));
    let nrm0 = 0;
    for (let j = 0; j < d; j++) nrm0 += v[j] * v[j];
    if (nrm0 === 0) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (const u of basis) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += u[j] * v[j];
        for (let j = 0; j < d; j++) v[j] -= dot * u[j];
      }
    }
    let nrm = 0;
    for (let j = 0; j < d; j++) nrm += v[j] * v[j];
    if (nrm <= 1e-20 * nrm0) continue;
    const s = 1 / sqrt(nrm);
    for (let j = 0; j < d; j++) v[j] *= s;
    basis.push(v);
    chosen.push(i);
  }
  if (chosen.length === 0) return null;
  const k = chosen.length;
  const data = new Float64Array(k * d);
  const rhs = new Float64Array(k);
  chosen.forEach((i, t) => {
    data.set(A.data.subarray(i * d, (i + 1) * d), t * d);
    rhs[t] = P.b[i];
  });
  if (k < d) return null;
  return { x: qrSolve({ data, rows: k, cols: d }, rhs).x, rows: chosen };
}

function* solveNewton(P: Problem, x0: Float64Array, tol: number, maxIt: number): LpSolver {
  const { n, d, w, p, A } = P;
  const r = new Float64Array(n);
  const h = new Float64Array(n);
  const z = new Float64Array(n);
  const g = new Float64Array(d);
  const xt = new Float64Array(d);
  const rt = new Float64Array(n);
  let x = Float64Array.from(x0);
  let f = objective(P, x, r);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = max(scale, abs(r[i]));
  const epsMin = EPS_FLOOR * (1 + scale);
  let eps = max(scale / 10, epsMin);
  let iterations = 0;
  let converged = f === 0;
  while (!converged && iterations < maxIt) {
    // Gradient, metric and the Newton step Δ = argmin Σ h_i (a_iᵀΔ + t_i)², t_i = ∇_i / h_i.
    let mean = 0;
    if (p > 2) {
      for (let i = 0; i < n; i++) mean += pow(abs(r[i]), p - 2);
      mean = mean / n;
    }
    const delta = p > 2 ? max(1e-12 * mean, Number.MIN_VALUE) : 0;
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const ai = abs(r[i]);
      const gi = w[i] * p * Math.sign(r[i]) * pow(ai, p - 1);
      const rho = p < 2 ? pow(max(ai, eps), p - 2) : pow(ai, p - 2) + delta;
      h[i] = w[i] * p * (p - 1) * rho;
      z[i] = h[i] > 0 ? -gi / h[i] : 0;
      for (let j = 0; j < d; j++) g[j] += gi * A.data[i * d + j];
    }
    const step = yield { h, z };
    iterations++;
    let slope = 0;
    for (let j = 0; j < d; j++) slope += g[j] * step[j];
    if (!(slope < 0) || -slope <= tol * f) {
      converged = true;
      break;
    }
    let alpha = 1;
    let ft = f;
    for (let k = 0; k < 60; k++) {
      for (let j = 0; j < d; j++) xt[j] = x[j] + alpha * step[j];
      ft = objective(P, xt, rt);
      if (ft <= f + 1e-4 * alpha * slope) break;
      alpha /= 2;
    }
    if (!(ft < f)) {
      converged = -slope <= 1e3 * tol * f + 1e-300;
      break;
    }
    const dec = (f - ft) / f;
    x = Float64Array.from(xt);
    r.set(rt);
    f = ft;
    if (p < 2) eps = max(eps / 2, epsMin);
    if (dec <= tol && alpha === 1) {
      converged = true;
      break;
    }
    if (f === 0) converged = true;
  }
  f = objective(P, x, r);
  return { x, objective: f, iterations, converged };
}

/**
 * p-IRLS (Adil, Peng, Sachdeva, NeurIPS 2019) for p > 2 on the rows scaled by w_i^{1/p} (so the
 * objective is Σ |ρ_i|^p, ρ = W^{1/p}(Ax − b)). Each step solves one "padded" weighted least-squares
 * problem with resistances |ρ_i|^{p−2} + s, s = ½·(i/m)^{(p−2)/p}, moves along it by an exact line
 * search on the true objective, and halves the padding i whenever the step is rejected or its
 * predicted progress falls short (the paper's test); i is also kept below (f − lb^p)/(16p), lb =
 * ‖ρ(x_LS)‖₂/m^{1/2−1/p} a lower bound on the optimum's ‖ρ‖_p. It stops when i <= 2ε·f/(16p(1 + ε)),
 * which certifies f <= (1 + ε)·OPT (ε = tolerance), or after maxIt solves. Geometric convergence for
 * every p >= 2, without the divergence of plain IRLS for p > 3.
 */
function* solvePIrls(P: Problem, x0: Float64Array, tol: number, maxIt: number): LpSolver {
  const { n, d, p, w, A } = P;
  const root = new Float64Array(n); // w_i^{1/p}
  let m = 0;
  for (let i = 0; i < n; i++) {
    root[i] = w[i] > 0 ? pow(w[i], 1 / p) : 0;
    if (w[i] > 0) m++;
  }
  const rho = new Float64Array(n);
  const scaledResidual = (x: Float64Array, out: Float64Array): Float64Array => {
    residuals(P, x, out);
    for (let i = 0; i < n; i++) out[i] *= root[i];
    return out;
  };
  const pnorm = (v: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < n; i++) f += pow(abs(v[i]), p);
    return f;
  };
  let x = Float64Array.from(x0);
  scaledResidual(x, rho);
  let f = pnorm(rho);
  let l2 = 0;
  for (let i = 0; i < n; i++) l2 += rho[i] * rho[i];
  const lbp = pow(sqrt(l2) / pow(max(m, 1), 0.5 - 1 / p), p); // lb^p
  let pad = (f - lbp) / (16 * p);
  const eps = max(tol, 1e-15);
  const R = new Float64Array(n);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const z = new Float64Array(n);
  const u = new Float64Array(n); // A'·Δ
  const trial = new Float64Array(n);
  let iterations = 0;
  while (f > 0 && pad > (2 * eps * f) / (16 * p * (1 + eps)) && iterations < maxIt) {
    const sPad = 0.5 * pow(pad / m, (p - 2) / p);
    for (let i = 0; i < n; i++) {
      R[i] = pow(abs(rho[i]), p - 2);
      g[i] = p * R[i] * rho[i];
      const r1 = R[i] + sPad;
      h[i] = r1 * root[i] * root[i];
      z[i] = root[i] > 0 ? g[i] / (r1 * root[i]) : 0;
    }
    const inv = yield { h, z };
    iterations++;
    // u = A'·inv, quadform = gᵀu; Δ = pad·inv/(2·quadform), so A'Δ = pad·u/(2·quadform).
    let quad = 0;
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let j = 0; j < d; j++) t += A.data[i * d + j] * inv[j];
      u[i] = root[i] * t;
      quad += g[i] * u[i];
    }
    if (!(quad > 0)) break; // no descent direction left: at the optimum to rounding
    const c = pad / (2 * quad);
    for (let i = 0; i < n; i++) u[i] *= c;
    const alpha = lineSearch(rho, u, p);
    let reduce = padShortfall(rho, u, R, sPad, pad, p);
    for (let i = 0; i < n; i++) trial[i] = rho[i] - alpha * u[i];
    const ft = pnorm(trial);
    if (ft < f) {
      for (let j = 0; j < d; j++) x[j] -= alpha * c * inv[j];
      scaledResidual(x, rho); // recomputed from x, not updated, so rounding does not accumulate
      f = pnorm(rho);
    } else {
      reduce = true;
    }
    if (reduce) pad /= 2;
    pad = Math.min(pad, (f - lbp) / (16 * p));
  }
  const converged = f === 0 || pad <= (2 * eps * f) / (16 * p * (1 + eps));
  x = Float64Array.from(x);
  return { x, objective: objective(P, x, new Float64Array(n)), iterations, converged };
}

/**
 * argmin over α of Σ |ρ_i − α·u_i|^p (convex in α): bisection on the derivative's sign, to 1e-15
 * relative. A coarser stop (1e-6 before) let the rounding of pow decide where the bisection ended,
 * so the C++ port (native/sampling/lp_regression.cc) drifted 1e-6 from these iterates.
 */
function lineSearch(rho: Float64Array, u: Float64Array, p: number): number {
  const slope = (a: number): number => {
    let s = 0;
    for (let i = 0; i < rho.length; i++) {
      const v = rho[i] - a * u[i];
      s -= u[i] * Math.sign(v) * pow(abs(v), p - 1);
    }
    return s;
  };
  let lo = -3;
  let hi = 3;
  for (let k = 0; k < 60 && slope(hi) < 0; k++) [lo, hi] = [hi, 2 * hi];
  for (let k = 0; k < 60 && slope(lo) > 0; k++) [hi, lo] = [lo, 2 * lo];
  for (let k = 0; k < 100 && hi - lo > 1e-15 * max(1, abs(hi)); k++) {
    const mid = (lo + hi) / 2;
    if (slope(mid) > 0) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

/** The paper's progress test (Reduce_i): true when the padding should be halved. */
function padShortfall(rho: Float64Array, u: Float64Array, R: Float64Array, sPad: number, pad: number, p: number): boolean {
  const n = rho.length;
  let sq = 0;
  let up = 0;
  let gu = 0;
  let ru = 0;
  for (let i = 0; i < n; i++) {
    sq += (R[i] + sPad) * u[i] * u[i];
    up += pow(abs(u[i]), p);
    gu += p * R[i] * rho[i] * u[i];
    ru += R[i] * u[i] * u[i];
  }
  const lambda = 16 * p;
  if (sq >= lambda * pad) return true;
  const norm = pow(up, 1 / p);
  const k = p * norm * pow(norm / (2 * p * sq), 1 / (p - 1));
  const a0 = Math.min(1 / (16 * lambda), 1 / (pow(16 * lambda, 1 / (p - 1)) * k));
  // The residual problem's value at a0·Δ: gᵀ(a0·u) − 2p²·(a0·u)ᵀR(a0·u) − p^p·‖a0·u‖_p^p.
  const gamma = a0 * gu - 2 * p * p * a0 * a0 * ru - pow(p, p) * pow(a0, p) * up;
  return gamma < 0.25 * a0 * pad;
}
