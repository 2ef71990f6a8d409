// ℓp sensitivities, their total, and the machinery shared with the distortion measure (issue 5,
// TypeScript). notes/sensitivity-sampling.md §1.1–1.2, §2.4–2.6.
//
// σ_i = sup_{Ax≠0} |a_iᵀx|^p / ‖Ax‖_p^p = 1 / min{ ‖Ax‖_p^p : ⟨a_i, x⟩ = 1 }   (notes §1.1, convex form).
//
// Coordinates. σ is a function of col(A) only (invariant under A → AR, R invertible), so everything
// runs on U = A·P_r·R₁₁⁻¹ (P_r: the first r pivot columns of the column-pivoted Householder QR of A,
// r its numerical rank, R₁₁ the leading r x r block; U = Q_r has orthonormal columns). This drops the
// null directions of a rank-deficient A, and hands the per-row solver a perfectly conditioned matrix
// whatever the scaling of A. Row i becomes u_i = R₁₁⁻ᵀ·(a_i)_{P_r}, with ‖u_i‖² = τ_i (leverage).
//
// One row (notes §2.4 reparametrization): x = x₀ + N·z with x₀ = u/‖u‖² and N the last r − 1 columns
// of the Householder reflector H with H·u = ∓‖u‖·e₀ (an orthonormal basis of u^⊥). Then
//     1/σ = min_z Σ_k w_k |t_kᵀ(x₀ + N z)|^p = min_z ‖(T N) z − (−T x₀)‖_{p,w}^p,
// an unconstrained weighted ℓp regression with r − 1 unknowns, solved by lpRegressionJs
// (lp_regression.ts; T = U and w = 1 for the exact sensitivities, T = the sampled rows of U with
// w = 1/q for the approximate ones). r = 1 needs no solve: x is fixed by the constraint.
//
// Rounding. The exact σ_i lies in [0, 1] (the row itself contributes |u·x|^p = 1 to the minimum), so
// 1/f > 1 can only be rounding: we clamp to 1. The solver returns a feasible point, so an inexact solve
// errs low (1/f <= σ_i); with the default tolerance the relative error is ~1e-12 (Newton) and the LP
// optimum for p = 1 (vertex polish). Against an embedding (approximate) σ̂_i can exceed 1 or be
// infinite (a direction the sample misses); it is clamped to 1, still an upper bound of σ_i <= 1.
//
// Reuse. Rows that are parallel in U coordinates (duplicates, flattened copies a_i/k^{1/p}) share one
// solve: σ(c·a) = |c|^p·σ(a) against the same matrix. Parallel means equal unit directions (sign
// fixed by the largest entry) to PARALLEL_TOL after a hash on rounded entries; a hash miss only costs
// a solve. Warm starts are not possible through lpRegressionJs(A, b, p, {tolerance, maxIterations,
// weights}): every solver there starts from the weighted least-squares solution, which is
// translation-equivariant, so shifting b by a previous optimum starts from the same point.
//
// Methods of lpSensitivitiesJs:
//  - 'exact' (default): one regression per nonzero, non-parallel row over all n rows: cost
//    O(n²·r²·iterations) (n regressions, each `iterations` least-squares solves of n x (r − 1)).
//    [measured, Node 20, one core, lp_regression.ts as of this writing] Gaussian 2000 x 8: ≈ 21 ms per
//    row at p = 1 (≈ 41 s for all rows), ≈ 14 ms at p = 1.5 (≈ 27 s), ≈ 10 ms at p = 3 (≈ 20 s);
//    'approximate' at p = 1 with the default 160-row embedding: ≈ 4.6 s. p = 2: the leverage scores
//    (exactLeverage), no solve.
//  - 'approximate': an ℓp Lewis-weight embedding SU with embeddingRows rows (default
//    EMBEDDING_ROWS_PER_COLUMN·r^{max(1, p/2)} = 20·r for p <= 2, capped at n; Bernoulli
//    water-filling, sampleRowsFromScoresJs, seed),
//    then σ̂_i = sup_x |u_iᵀx|^p / ‖SUx‖_p^p by the same per-row problem against SU with weights 1/q:
//    cost O(n·m·r²·iterations), m the realized sample size. If SU's rank falls below r (the sample
//    missed a direction), the target size is doubled and the (nested) sample redrawn. When the target
//    reaches the number of nonzero rows the exact method runs instead and `method` says 'exact'.
//    σ̂_i = (1 ± ε′)σ_i when SU is a (1 ± ε′) ℓp embedding of col(A).
//  - 'upper-bound': from Lewis weights w, σ_i <= w_i/γ (p <= 2) and σ_i <= γ^{−p/2}·‖w‖₁^{p/2−1}·w_i
//    (p > 2) (notes §1.2, one-sided γ-Lewis row, [paper, Lemma 6.2.4]). For weights computed here
//    γ = e^{−residual} of the Lewis iteration and ‖w‖₁ their sum (so the bound holds for the weights
//    actually returned, not just the exact fixed point); for options.lewis the weights are taken as
//    exact: γ = 1, ‖w‖₁ → rank(A). Clamped to 1 (σ_i <= 1 always). No solves.
// p = 2 with 'approximate' also returns the exact leverage scores (they are cheaper than any sample).
//
// totalSensitivityJs: 'exact' sums the exact sensitivities; 'estimate' is the importance-sampling
// estimator of notes §2.5: K iid rows i ~ w_i/‖w‖₁ (Lewis weights), X = ‖w‖₁·σ_i/w_i with the exact
// σ_i (E X = 𝔖 for any positive w, so Lewis-weight accuracy affects only the variance), total = mean X,
// standardError = sample standard deviation / √K (Infinity for K = 1). Draw t uses uniform53(w0, w1)
// of the Philox block at counter (t mod 2^32, floor(t / 2^32), 0, STREAM_TOTAL_SENSITIVITY = 8) under
// the seed's key, inverted on the cumulative weights (smallest i with cumsum_i > u·‖w‖₁). Repeated
// rows reuse their σ. Default K = min(TOTAL_SAMPLES_MAX, ceil(TOTAL_SAMPLES_C·r^{|1−p/2|})): since
// Var(X)/𝔖² <= r^{|1−p/2|} (notes §2.5), the relative standard error is at most 1/√TOTAL_SAMPLES_C = 1/4.
import { rangeError } from '../errors';
import { householderQRInPlace, solveUpper } from '../linalg/qr';
import { seedToKey } from '../random/philox';
import type { Matrix } from '../sketch/matrix';
import { block, uniform53 } from '../sketch/random_choices';
import { checkEnum, checkFloatArray, checkOptions, checkPositiveInteger } from '../validate';
import { checkTallFiniteMatrix, exactLeverage } from './leverage';
import { checkP, lewisWeightsJs } from './lewis';
import { lpRegressionJs } from './lp_regression';
import { sampleRowsFromScoresJs, searchCumulative } from './sample_rows';

const { abs, ceil, exp, min, max, pow, round, sqrt } = Math;

/** Default embedding size of 'approximate': this many sampled rows per dimension of col(A). */
export const EMBEDDING_ROWS_PER_COLUMN = 20;
/**
 * The default 'approximate' embedding size: EMBEDDING_ROWS_PER_COLUMN·r^{max(1, p/2)}, the shape of
 * the Lewis-sampling bound (Theorem C of the notes: ~d rows for p <= 2, ~d^{p/2} for p > 2; with fewer
 * rows SU is not an ℓp embedding and σ̂ is off by more than the sample's distortion). Not capped here.
 */
export function defaultEmbeddingRows(r: number, p: number): number {
  return ceil(EMBEDDING_ROWS_PER_COLUMN * pow(r, max(1, p / 2)));
}
/** Philox stream (counter word 3) of the row draws of totalSensitivity 'estimate'. */
export const STREAM_TOTAL_SENSITIVITY = 8;
/** Default estimator draws K = ceil(TOTAL_SAMPLES_C·r^{|1−p/2|}): relative standard error <= 1/4. */
export const TOTAL_SAMPLES_C = 16;
/** Cap on the default K (r^{|1−p/2|} explodes for large p); pass `samples` to go beyond. */
export const TOTAL_SAMPLES_MAX = 4096;
/** Relative stopping tolerance of each per-row regression (the lpRegression default). */
export const ROW_TOLERANCE = 1e-12;
/**
 * Per-row tolerance of 'approximate': its σ̂ are (1 ± ε′) approximations through the embedding, so a
 * 1e-6-accurate minimum changes nothing that matters and takes a third of the solves of 1e-12.
 */
export const APPROX_ROW_TOLERANCE = 1e-6;
/** Cap on least-squares solves per row (the lpRegression default). */
export const ROW_MAX_ITERATIONS = 500;
/** Two unit row directions closer than this (max-norm) count as parallel and share a solve. */
export const PARALLEL_TOL = 1e-12;
/** Hash grid of the parallel-row cache: unit entries rounded to multiples of 2^-30. */
const HASH_SCALE = 2 ** 30;

export const SENSITIVITY_DEFAULTS = { method: 'exact', seed: 0 } as const;
export const TOTAL_SENSITIVITY_DEFAULTS = { method: 'exact', seed: 0 } as const;

export type SensitivityMethod = 'exact' | 'approximate' | 'upper-bound';

export interface SensitivityOptions {
  /** 'exact' (default), 'approximate' (against a Lewis-sampled embedding) or 'upper-bound' (Lewis). */
  method?: SensitivityMethod;
  /** Philox seed of the 'approximate' embedding sample; default 0. */
  seed?: number | bigint;
  /** Target rows of the 'approximate' embedding; default 20·rank^{max(1, p/2)}, capped at n. */
  embeddingRows?: number;
  /** Precomputed ℓp Lewis weights (length A.rows) for 'upper-bound' and 'approximate'. */
  lewis?: Float64Array | Float32Array;
}

export interface SensitivityResult {
  /** σ_i (or σ̂_i, or the upper bound), length n, in [0, 1]. */
  sensitivities: Float64Array;
  /** Σ σ_i. */
  total: number;
  /** The method that produced the numbers ('approximate' may resolve to 'exact', see the file comment). */
  method: SensitivityMethod;
  /** Per-row convex problems solved (regressions plus closed-form rank-1 rows). */
  evaluations: number;
  /** Every per-row regression met its stopping rule (an unconverged row errs low, never high). */
  converged: boolean;
}

export interface TotalSensitivityOptions {
  /** 'exact' (default: all n sensitivities) or 'estimate' (notes §2.5 importance sampling). */
  method?: 'exact' | 'estimate';
  /** Estimator draws K; default min(4096, ceil(16·rank^{|1−p/2|})). */
  samples?: number;
  /** Philox seed of the estimator's draws; default 0. */
  seed?: number | bigint;
}

export interface TotalSensitivityResult {
  /** 𝔖 = Σ σ_i, or its estimate. */
  total: number;
  /** Standard error of the estimate (0 when exact; Infinity when samples = 1). */
  standardError: number;
  /** Per-row convex problems solved. */
  evaluations: number;
  method: 'exact' | 'estimate';
}

// ---------------------------------------------------------------------------------------------
// Column basis.

/** An orthonormal basis U = A·P_r·R₁₁⁻¹ of col(A) and the map between coordinates. */
export interface ColumnBasis {
  n: number;
  d: number;
  /** Numerical rank (pivoted QR, default tolerance). */
  r: number;
  /** n x r row-major; row i is u_i = R₁₁⁻ᵀ·(a_i)_{P_r}. */
  U: Float64Array;
  /** Rows 0..r−1 of R, r x d row-major, in pivoted column order (R₁₁ is its leading r x r block). */
  R: Float64Array;
  /** Pivot order: column j of A·P is column perm[j] of A. */
  perm: Uint32Array;
}

export function columnBasis(A: Matrix): ColumnBasis {
  const { rows: n, cols: d, data } = A;
  const work = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) work[j * n + i] = data[i * d + j];
  const f = householderQRInPlace(work, n, d, { pivot: true });
  const r = f.rank;
  const perm = f.perm!;
  const R = new Float64Array(r * d);
  for (let i = 0; i < r; i++) for (let j = i; j < d; j++) R[i * d + j] = work[j * n + i];
  const U = new Float64Array(n * r);
  for (let i = 0; i < n; i++) {
    const y = U.subarray(i * r, (i + 1) * r);
    for (let j = 0; j < r; j++) y[j] = data[i * d + perm[j]];
    // y ← R₁₁⁻ᵀ·y (forward substitution, rows of R read contiguously).
    for (let k = 0; k < r; k++) {
      const yk = (y[k] /= R[k * d + k]);
      if (yk === 0) continue;
      for (let j = k + 1; j < r; j++) y[j] -= R[k * d + j] * yk;
    }
  }
  return { n, d, r, U, R, perm };
}

/** x in A's coordinates with A·x = U·y (the component in A's numerical null space is zero). */
export function toOriginal(B: ColumnBasis, y: ArrayLike<number>): Float64Array {
  const { r, d, R, perm } = B;
  // R₁₁ is the leading r x r block of R, row stride d.
  const z = solveUpper(R, d, Float64Array.from(y), r);
  const x = new Float64Array(d);
  for (let j = 0; j < r; j++) x[perm[j]] = z[j];
  return x;
}

/** y with U·y = A·x up to the dropped null directions: y = [R₁₁ R₁₂]·Pᵀx. */
export function fromOriginal(B: ColumnBasis, x: ArrayLike<number>): Float64Array {
  const { r, d, R, perm } = B;
  const y = new Float64Array(r);
  for (let i = 0; i < r; i++) {
    let s = 0;
    for (let j = i; j < d; j++) s += R[i * d + j] * x[perm[j]];
    y[i] = s;
  }
  return y;
}

// ---------------------------------------------------------------------------------------------
// One row.

/** The rows the denominators run over: T (m x r row-major) with weights w (null: all 1). */
export interface Target {
  T: Float64Array;
  m: number;
  r: number;
  w: Float64Array | null;
  /** Relative stopping tolerance of the per-row regression (default ROW_TOLERANCE). */
  tolerance?: number;
}

export interface RowSolution {
  /** 1/min, clamped to [0, 1]. */
  sigma: number;
  /** The minimizer in U coordinates (u·y = 1). */
  y: Float64Array;
  converged: boolean;
}

/** σ of the constraint vector u (nonzero, length r) against the target: see the file comment. */
export function solveRow(target: Target, u: ArrayLike<number>, p: number): RowSolution {
  const { T, m, r, w } = target;
  let uu = 0;
  for (let j = 0; j < r; j++) uu += u[j] * u[j];
  const x0 = Float64Array.from({ length: r }, (_, j) => u[j] / uu);
  if (r === 1) return { sigma: clampSigma(1 / weightedPowerSum(target, x0, p)), y: x0, converged: true };
  // Householder vector v with H·u = −sign(u₀)‖u‖e₀ (sign chosen so v₀ never cancels).
  const v = Float64Array.from({ length: r }, (_, j) => u[j]);
  v[0] += (u[0] >= 0 ? 1 : -1) * sqrt(uu);
  let vv = 0;
  for (let j = 0; j < r; j++) vv += v[j] * v[j];
  const beta = 2 / vv;
  const C = new Float64Array(m * (r - 1));
  const b = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const o = k * r;
    let tv = 0;
    let tx = 0;
    for (let j = 0; j < r; j++) {
      tv += T[o + j] * v[j];
      tx += T[o + j] * x0[j];
    }
    const s = beta * tv;
    for (let j = 1; j < r; j++) C[k * (r - 1) + j - 1] = T[o + j] - s * v[j];
    b[k] = -tx;
  }
  const res = lpRegressionJs({ data: C, rows: m, cols: r - 1 }, b, p, {
    tolerance: target.tolerance ?? ROW_TOLERANCE,
    maxIterations: ROW_MAX_ITERATIONS,
    ...(w ? { weights: w } : {}),
  });
  // y = x₀ + H·[0; z].
  const zz = new Float64Array(r);
  zz.set(res.x, 1);
  let vz = 0;
  for (let j = 0; j < r; j++) vz += v[j] * zz[j];
  const y = new Float64Array(r);
  for (let j = 0; j < r; j++) y[j] = x0[j] + zz[j] - beta * vz * v[j];
  // σ from the objective at the y we return (not the solver's figure), so σ and the maximizer always
  // agree. A non-finite solution falls back to x₀ (the ℓ2-optimal feasible point when T = U), a valid
  // but weaker lower bound, and is reported as not converged — never silently clamped.
  const f = weightedPowerSum(target, y, p);
  if (!(f > 0 && f < Infinity) || !res.converged) {
    const f0 = weightedPowerSum(target, x0, p);
    if (!(f > 0 && f < Infinity) || f0 < f) return { sigma: clampSigma(1 / f0), y: x0, converged: false };
  }
  return { sigma: clampSigma(1 / f), y, converged: res.converged };
}

/** Clamps to 1: rounding in the exact case, an unbounded or > 1 ratio against an embedding. */
function clampSigma(s: number): number {
  return s > 1 ? 1 : s;
}

/** Σ_k w_k |t_kᵀy|^p. */
export function weightedPowerSum(target: Target, y: ArrayLike<number>, p: number): number {
  const { T, m, r, w } = target;
  let f = 0;
  for (let k = 0; k < m; k++) {
    let s = 0;
    for (let j = 0; j < r; j++) s += T[k * r + j] * y[j];
    f += (w ? w[k] : 1) * pow(abs(s), p);
  }
  return f;
}

/**
 * Sensitivities of rows of U against a target, with the parallel-row cache of the file comment.
 * Returns σ for the requested rows (zero rows: 0).
 */
class RowSolver {
  private readonly cache = new Map<string, { dir: Float64Array; norm: number; sigma: number }>();
  evaluations = 0;
  converged = true;

  constructor(
    private readonly U: Float64Array,
    private readonly r: number,
    private readonly target: Target,
    private readonly p: number,
  ) {}

  sigma(i: number): number {
    const { r, p } = this;
    const u = this.U.subarray(i * r, (i + 1) * r);
    let nrm = 0;
    let big = 0;
    for (let j = 0; j < r; j++) {
      nrm += u[j] * u[j];
      if (abs(u[j]) > abs(u[big])) big = j;
    }
    if (nrm === 0) return 0;
    nrm = sqrt(nrm);
    const scale = (u[big] >= 0 ? 1 : -1) / nrm;
    const dir = Float64Array.from(u, (x) => x * scale);
    const key = Array.from(dir, (x) => round(x * HASH_SCALE)).join(',');
    const hit = this.cache.get(key);
    if (hit && maxAbsDiff(hit.dir, dir) <= PARALLEL_TOL) return clampSigma(hit.sigma * pow(nrm / hit.norm, p));
    const sol = solveRow(this.target, u, p);
    this.evaluations++;
    if (!sol.converged) this.converged = false;
    this.cache.set(key, { dir, norm: nrm, sigma: sol.sigma });
    return sol.sigma;
  }
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let j = 0; j < a.length; j++) m = max(m, abs(a[j] - b[j]));
  return m;
}

// ---------------------------------------------------------------------------------------------
// Validation.

const FN = 'lpSensitivities';
const KNOWN = ['method', 'seed', 'embeddingRows', 'lewis'] as const;
const FN_TOTAL = 'totalSensitivity';
const KNOWN_TOTAL = ['method', 'samples', 'seed'] as const;

function checkLewis(fn: string, value: unknown, n: number): Float64Array {
  const w = checkFloatArray(fn, 'options.lewis', value);
  if (w.length !== n) throw rangeError(fn, 'options.lewis', `must have A.rows = ${n} elements`, value);
  for (let i = 0; i < n; i++) {
    const x = w[i];
    if (!Number.isFinite(x)) throw rangeError(fn, `options.lewis[${i}]`, 'must be finite', x);
    if (x < 0) throw rangeError(fn, `options.lewis[${i}]`, 'must be nonnegative', x);
  }
  return Float64Array.from(w);
}

// ---------------------------------------------------------------------------------------------
// lpSensitivities.

/**
 * ℓp sensitivities of the rows of A (n x d, n >= d, finite) for 1 <= p < ∞; see the file comment for
 * the methods, their cost and the constants. A and the options are not modified.
 */
export function lpSensitivitiesJs(A: Matrix, p: number, options?: SensitivityOptions): SensitivityResult {
  const o = checkOptions<SensitivityOptions>(FN, options, KNOWN);
  const M = checkTallFiniteMatrix(FN, A);
  checkP(FN, p);
  const method = o.method === undefined ? SENSITIVITY_DEFAULTS.method : checkEnum(FN, 'options.method', o.method, ['exact', 'approximate', 'upper-bound'] as const);
  const seed = o.seed ?? SENSITIVITY_DEFAULTS.seed;
  seedToKey(FN, seed); // validated whatever the method
  const embeddingRows = o.embeddingRows === undefined ? undefined : checkPositiveInteger(FN, 'options.embeddingRows', o.embeddingRows);
  const lewis = o.lewis === undefined ? undefined : checkLewis(FN, o.lewis, M.rows);

  if (method === 'upper-bound') return upperBound(M, p, lewis);
  if (p === 2) return leverageResult(M);
  if (method === 'approximate') return approximate(M, p, seed, embeddingRows, lewis);
  return exact(M, p);
}

function finish(sensitivities: Float64Array, method: SensitivityMethod, evaluations: number, converged: boolean): SensitivityResult {
  let total = 0;
  for (let i = 0; i < sensitivities.length; i++) total += sensitivities[i];
  return { sensitivities, total, method, evaluations, converged };
}

/** p = 2: σ = τ exactly (zero rows give exactly 0 in exactLeverage's row solves). */
function leverageResult(A: Matrix): SensitivityResult {
  const { tau } = exactLeverage(A.data, A.rows, A.cols, null);
  for (let i = 0; i < tau.length; i++) tau[i] = min(1, tau[i]);
  return finish(tau, 'exact', 0, true);
}

function exact(A: Matrix, p: number): SensitivityResult {
  const B = columnBasis(A);
  const sigma = new Float64Array(B.n);
  if (B.r === 0) return finish(sigma, 'exact', 0, true);
  const solver = new RowSolver(B.U, B.r, { T: B.U, m: B.n, r: B.r, w: null }, p);
  for (let i = 0; i < B.n; i++) sigma[i] = solver.sigma(i);
  return finish(sigma, 'exact', solver.evaluations, solver.converged);
}

function approximate(A: Matrix, p: number, seed: number | bigint, embeddingRows: number | undefined, lewis: Float64Array | undefined): SensitivityResult {
  const B = columnBasis(A);
  const { n, r, U } = B;
  if (r === 0) return finish(new Float64Array(n), 'exact', 0, true);
  const w = lewis ?? lewisWeightsJs({ data: U, rows: n, cols: r }, p).weights;
  let positive = 0;
  for (let i = 0; i < n; i++) if (w[i] > 0) positive++;
  let size = min(n, embeddingRows ?? defaultEmbeddingRows(r, p));
  for (;;) {
    if (size >= positive) return exact(A, p);
    const target = sampledTarget(U, r, w, size, p, seed);
    if (target) {
      const solver = new RowSolver(U, r, target, p);
      const sigma = new Float64Array(n);
      for (let i = 0; i < n; i++) sigma[i] = solver.sigma(i);
      return finish(sigma, 'approximate', solver.evaluations, solver.converged);
    }
    size = min(positive, 2 * size);
  }
}

/** The Lewis-sampled rows of U with weights 1/q, or null when they do not span all r directions. */
function sampledTarget(U: Float64Array, r: number, w: Float64Array, size: number, p: number, seed: number | bigint): Target | null {
  const s = sampleRowsFromScoresJs(w, { size, seed, p });
  const m = s.size;
  if (m < r) return null;
  const T = new Float64Array(m * r);
  for (let k = 0; k < m; k++) T.set(U.subarray(s.indices[k] * r, (s.indices[k] + 1) * r), k * r);
  const work = new Float64Array(m * r);
  for (let k = 0; k < m; k++) for (let j = 0; j < r; j++) work[j * m + k] = T[k * r + j];
  if (householderQRInPlace(work, m, r, { pivot: true }).rank < r) return null;
  return { T, m, r, w: Float64Array.from(s.weights), tolerance: APPROX_ROW_TOLERANCE };
}

function upperBound(A: Matrix, p: number, lewis: Float64Array | undefined): SensitivityResult {
  let w: Float64Array;
  let factor: number;
  if (lewis) {
    w = lewis;
    const rank = columnBasis(A).r;
    factor = p <= 2 ? 1 : pow(rank, p / 2 - 1);
  } else {
    const L = lewisWeightsJs(A, p);
    w = L.weights;
    let sum = 0;
    for (let i = 0; i < w.length; i++) sum += w[i];
    const gamma = exp(-L.residual);
    factor = p <= 2 ? 1 / gamma : pow(gamma, -p / 2) * pow(sum, p / 2 - 1);
  }
  const sigma = new Float64Array(A.rows);
  const zero = zeroRows(A);
  for (let i = 0; i < A.rows; i++) {
    if (zero[i]) continue;
    const bound = factor * w[i];
    sigma[i] = Number.isFinite(bound) && factor !== Infinity ? min(1, bound) : 1;
  }
  return finish(sigma, 'upper-bound', 0, true);
}

function zeroRows(A: Matrix): Uint8Array {
  const { rows: n, cols: d, data } = A;
  const z = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let zero = 1;
    for (let j = 0; j < d && zero; j++) if (data[i * d + j] !== 0) zero = 0;
    z[i] = zero;
  }
  return z;
}

// ---------------------------------------------------------------------------------------------
// Total sensitivity.

/** The default number of estimator draws for rank r and exponent p (see the file comment). */
export function defaultTotalSamples(r: number, p: number): number {
  return min(TOTAL_SAMPLES_MAX, ceil(TOTAL_SAMPLES_C * pow(max(r, 1), abs(1 - p / 2))));
}

/**
 * Total ℓp sensitivity 𝔖 = Σ σ_i of A, exactly or by the notes §2.5 estimator (see the file comment).
 * A and the options are not modified.
 */
export function totalSensitivityJs(A: Matrix, p: number, options?: TotalSensitivityOptions): TotalSensitivityResult {
  const o = checkOptions<TotalSensitivityOptions>(FN_TOTAL, options, KNOWN_TOTAL);
  const M = checkTallFiniteMatrix(FN_TOTAL, A);
  checkP(FN_TOTAL, p);
  const method = o.method === undefined ? TOTAL_SENSITIVITY_DEFAULTS.method : checkEnum(FN_TOTAL, 'options.method', o.method, ['exact', 'estimate'] as const);
  const samples = o.samples === undefined ? undefined : checkPositiveInteger(FN_TOTAL, 'options.samples', o.samples);
  const key = seedToKey(FN_TOTAL, o.seed ?? TOTAL_SENSITIVITY_DEFAULTS.seed);
  if (method === 'exact' || p === 2) {
    const s = p === 2 ? leverageResult(M) : exact(M, p);
    return { total: s.total, standardError: 0, evaluations: s.evaluations, method: 'exact' };
  }
  return estimateTotal(M, p, samples, key);
}

function estimateTotal(A: Matrix, p: number, samples: number | undefined, key: [number, number]): TotalSensitivityResult {
  const B = columnBasis(A);
  const { n, r, U } = B;
  if (r === 0) return { total: 0, standardError: 0, evaluations: 0, method: 'estimate' };
  const w = lewisWeightsJs({ data: U, rows: n, cols: r }, p).weights;
  const cum = new Float64Array(n);
  let S = 0;
  for (let i = 0; i < n; i++) cum[i] = S += w[i];
  let last = n - 1;
  while (last > 0 && !(w[last] > 0)) last--;
  const K = samples ?? defaultTotalSamples(r, p);
  const solver = new RowSolver(U, r, { T: U, m: n, r, w: null }, p);
  const seen = new Map<number, number>();
  const word = new Uint32Array(4);
  let mean = 0;
  let m2 = 0;
  for (let t = 0; t < K; t++) {
    block(key, STREAM_TOTAL_SENSITIVITY, t, 0, word);
    const i = searchCumulative(cum, uniform53(word[0], word[1]) * S, last);
    let s = seen.get(i);
    if (s === undefined) {
      s = solver.sigma(i);
      seen.set(i, s);
    }
    // Welford's update: one pass, no cancellation in the variance.
    const x = (S * s) / w[i];
    const delta = x - mean;
    mean += delta / (t + 1);
    m2 += delta * (x - mean);
  }
  const standardError = K > 1 ? sqrt(m2 / (K - 1) / K) : Infinity;
  return { total: mean, standardError, evaluations: solver.evaluations, method: 'estimate' };
}

// ---------------------------------------------------------------------------------------------
// Single-row access (tests, distortion directions).

/**
 * The exact sensitivity of row i of A and a maximizer x (⟨a_i, x⟩ = 1 up to rounding, σ_i =
 * |a_iᵀx|^p/‖Ax‖_p^p). Internal: A is assumed valid (checked by the public functions).
 */
export function rowSensitivityJs(A: Matrix, i: number, p: number): { sensitivity: number; x: Float64Array; converged: boolean } {
  const B = columnBasis(A);
  const u = B.U.subarray(i * B.r, (i + 1) * B.r);
  if (B.r === 0 || u.every((x) => x === 0)) return { sensitivity: 0, x: new Float64Array(B.d), converged: true };
  const sol = solveRow({ T: B.U, m: B.n, r: B.r, w: null }, u, p);
  return { sensitivity: sol.sigma, x: toOriginal(B, sol.y), converged: sol.converged };
}
