// Embedding distortion of a weighted row sample (issue 5, TypeScript). notes/sensitivity-sampling.md §5.1.
//
// D(S) = sup_{Ax≠0} |ratio(x) − 1|,  ratio(x) = ‖SAx‖_p^p / ‖Ax‖_p^p,  ‖SAx‖_p^p = Σ_k w_k |a_{i_k}ᵀx|^p.
//
// p = 2 is exact: in the orthonormal coordinates U = A·P_r·R₁₁⁻¹ of col(A) (sensitivities.ts
// columnBasis), ratio(y) = yᵀMy / yᵀGy with M = Σ_k w_k u_{i_k}u_{i_k}ᵀ = Q_AᵀS²Q_A and G = UᵀU (= I up to
// rounding; keeping G removes U's small loss of orthogonality from the answer). maxRatio and minRatio
// are the extreme eigenvalues of L⁻¹ML⁻ᵀ (G = LLᵀ, Cholesky), by cyclic Jacobi (lib/linalg/sym_eigen.ts).
// exact: true, directions: 0.
//
// p ≠ 2 is not computable exactly (both extremes are non-convex problems), so the result is a
// certified LOWER bound: the max of |ratio − 1| over directions actually evaluated (every number
// reported is the ratio of a real x, so maxRatio <= sup ratio and minRatio >= inf ratio). The set:
//  1. `directions` Gaussian x in A's coordinates (default 500);
//  2. `directions` whitened directions x = R⁻¹g (g Gaussian in U's coordinates: Ax isotropic);
//     entry j of Gaussian vector t (t = 0..directions−1 for 1, directions..2·directions−1 for 2) is
//     Box–Muller on words (2q, 2q+1) mod 4 of the Philox block at counter (t mod 2^32, floor(t / 2^32),
//     floor(j / 4), STREAM_DISTORTION_GAUSSIAN = 9) under the seed's key — the denseColumn layout of
//     lib/sketch/random_choices.ts on its own stream;
//  3. the coordinate directions e_j of A and the basis directions of U (a well-conditioned basis);
//  4. row-sensitivity maximizer proxies for the ROW_DIRECTIONS rows with the largest leverage
//     (x = (AᵀA)⁻¹a_i, the exact p = 2 maximizer: y = u_i), the largest ℓp Lewis weights
//     (x = (AᵀW^{1−2/p}A)⁻¹a_i, the maximizer of the Lewis ellipsoid; weights to LEWIS_TOLERANCE), and
//     the sampled rows with the largest w_k·τ_{i_k} (over-weighted rows push the ratio up);
//  5. local search from the LOCAL_STARTS directions with the largest ratio (ascent) and the
//     LOCAL_STARTS with the smallest (descent): normalized gradient steps of relative length η on the
//     ratio (scale-invariant, so its gradient is orthogonal to y and the step is a rotation), η doubled
//     after an improving step and halved otherwise, `localSearchSteps` evaluations per start (default
//     100), then a kink search: the ratio is piecewise smooth with kinks where a row is orthogonal to x
//     (at p = 1 the extremes sit on such vertices), so x is projected greedily onto the orthogonal
//     complement of up to r − 1 rows (the SNAP_CANDIDATES rows nearest orthogonal), each projection kept
//     only if it improves the ratio.
// distortion = max(maxRatio − 1, 1 − minRatio); directions = the number of ratio evaluations.
// An empty sample has ratio 0 everywhere (distortion 1); a zero A has no direction with Ax ≠ 0 and
// reports ratio 1 (distortion 0).
import { rangeError, typeError } from '../errors';
import { symmetricEigen } from '../linalg/sym_eigen';
import { seedToKey } from '../random/philox';
import type { Matrix } from '../sketch/matrix';
import { gaussianColumn } from '../sketch/random_choices';
import { checkOptions } from '../validate';
import { checkTallFiniteMatrix } from './leverage';
import { checkP, lewisWeightsJs } from './lewis';
import { columnBasis, fromOriginal, type ColumnBasis } from './sensitivities';

const { abs, max, min, pow, sqrt } = Math;

/** Philox stream (counter word 3) of the Gaussian directions. */
export const STREAM_DISTORTION_GAUSSIAN = 9;
/** Rows per row-proxy family (largest leverage, largest Lewis weight, heaviest sampled rows). */
export const ROW_DIRECTIONS = 32;
/** Local-search starts per side (ascent from the largest ratios, descent from the smallest). */
export const LOCAL_STARTS = 20;
/** Candidate rows tried per kink-search round. */
export const SNAP_CANDIDATES = 8;
/** The Lewis weights only steer proxy directions: a loose fixed point is enough. */
const LEWIS_TOLERANCE = 1e-3;
const LEWIS_MAX_ITERATIONS = 30;
/** Initial relative step of the local search, and the step below which it stops. */
const STEP0 = 0.1;
const STEP_MIN = 1e-12;

export const DISTORTION_DEFAULTS = { directions: 500, seed: 0, localSearchSteps: 100 } as const;

const FN = 'embeddingDistortion';
const KNOWN = ['directions', 'seed', 'localSearchSteps'] as const;

export interface DistortionOptions {
  /** Gaussian directions of each kind (plain and whitened); default 500. Ignored for p = 2. */
  directions?: number;
  /** Philox seed of the Gaussian directions; default 0. */
  seed?: number | bigint;
  /** Ratio evaluations per local-search start; default 100 (0: no local search). */
  localSearchSteps?: number;
}

export interface DistortionSample {
  /** Distinct row indices of A. */
  indices: Uint32Array;
  /** Weight of each sampled row on |a_iᵀx|^p (1/q_i), finite and >= 0. */
  weights: Float64Array | Float32Array;
}

export interface DistortionResult {
  /** max(maxRatio − 1, 1 − minRatio): exact for p = 2, a certified lower bound otherwise. */
  distortion: number;
  /** Largest ‖SAx‖_p^p/‖Ax‖_p^p found (exact for p = 2). */
  maxRatio: number;
  /** Smallest ratio found (exact for p = 2). */
  minRatio: number;
  /** Ratio evaluations (0 for p = 2). */
  directions: number;
  /** True for p = 2 (eigenvalues), false otherwise. */
  exact: boolean;
}

function checkCount(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number') throw typeError(fn, arg, 'must be a number', value);
  if (!Number.isSafeInteger(value) || value < 0) throw rangeError(fn, arg, 'must be a nonnegative integer', value);
  return value;
}

function checkSample(sample: unknown, n: number): { indices: Uint32Array; weights: Float64Array } {
  if (sample === null || typeof sample !== 'object') throw typeError(FN, 'sample', 'must be an object { indices, weights }', sample);
  const { indices, weights } = sample as Partial<DistortionSample>;
  if (Object.prototype.toString.call(indices) !== '[object Uint32Array]') throw typeError(FN, 'sample.indices', 'must be a Uint32Array', indices);
  const tag = Object.prototype.toString.call(weights);
  if (tag !== '[object Float64Array]' && tag !== '[object Float32Array]') throw typeError(FN, 'sample.weights', 'must be a Float64Array or Float32Array', weights);
  const idx = indices as Uint32Array;
  const wt = weights as Float64Array | Float32Array;
  if (wt.length !== idx.length) throw rangeError(FN, 'sample.weights', `must have sample.indices.length = ${idx.length} elements`, weights);
  const seen = new Uint8Array(n);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    if (i >= n) throw rangeError(FN, `sample.indices[${k}]`, `must be < A.rows = ${n}`, i);
    if (seen[i]) throw rangeError(FN, `sample.indices[${k}]`, 'must be distinct (merge duplicates by adding weights)', i);
    seen[i] = 1;
    const x = wt[k];
    if (!Number.isFinite(x) || x < 0) throw rangeError(FN, `sample.weights[${k}]`, 'must be finite and nonnegative', x);
  }
  return { indices: Uint32Array.from(idx), weights: Float64Array.from(wt) };
}

/**
 * Distortion of the weighted sample as an ℓp subspace embedding of col(A) (see the file comment).
 * A, the sample and the options are not modified.
 */
export function embeddingDistortionJs(A: Matrix, sample: DistortionSample, p: number, options?: DistortionOptions): DistortionResult {
  const o = checkOptions<DistortionOptions>(FN, options, KNOWN);
  const M = checkTallFiniteMatrix(FN, A);
  const s = checkSample(sample, M.rows);
  checkP(FN, p);
  const directions = o.directions === undefined ? DISTORTION_DEFAULTS.directions : checkCount(FN, 'options.directions', o.directions);
  const steps = o.localSearchSteps === undefined ? DISTORTION_DEFAULTS.localSearchSteps : checkCount(FN, 'options.localSearchSteps', o.localSearchSteps);
  const key = seedToKey(FN, o.seed ?? DISTORTION_DEFAULTS.seed);

  const B = columnBasis(M);
  if (B.r === 0) return { distortion: 0, maxRatio: 1, minRatio: 1, directions: 0, exact: true };
  const ev = new RatioEvaluator(B, s, p);
  if (p === 2) return exactP2(ev);
  return searchDirections(ev, directions, steps, key);
}

function result(maxRatio: number, minRatio: number, directions: number, exact: boolean): DistortionResult {
  return { distortion: max(maxRatio - 1, 1 - minRatio), maxRatio, minRatio, directions, exact };
}

/** ratio(y) and its gradient in U coordinates: numerator over the sampled rows, denominator over all. */
class RatioEvaluator {
  readonly r: number;
  readonly n: number;
  readonly m: number;
  /** Sampled rows of U, m x r. */
  readonly S: Float64Array;
  evaluations = 0;

  constructor(
    readonly B: ColumnBasis,
    readonly sample: { indices: Uint32Array; weights: Float64Array },
    readonly p: number,
  ) {
    this.r = B.r;
    this.n = B.n;
    this.m = sample.indices.length;
    this.S = new Float64Array(this.m * this.r);
    for (let k = 0; k < this.m; k++) {
      const i = sample.indices[k];
      this.S.set(B.U.subarray(i * this.r, (i + 1) * this.r), k * this.r);
    }
  }

  /** Σ c_k |t_kᵀy|^p over the rows of T (c null: 1); adds p·c_k·sgn·|t_kᵀy|^{p−1}·t_k into grad. */
  private powerSum(T: Float64Array, rows: number, c: Float64Array | null, y: Float64Array, grad: Float64Array | null): number {
    const { r, p } = this;
    let f = 0;
    for (let k = 0; k < rows; k++) {
      const o = k * r;
      let t = 0;
      for (let j = 0; j < r; j++) t += T[o + j] * y[j];
      const a = abs(t);
      const ck = c ? c[k] : 1;
      if (a === 0 || ck === 0) continue;
      const ap = p === 1 ? a : p === 2 ? a * a : pow(a, p);
      f += ck * ap;
      if (grad) {
        const g = (ck * p * ap) / t; // p·c·sgn(t)·|t|^{p−1}
        for (let j = 0; j < r; j++) grad[j] += g * T[o + j];
      }
    }
    return f;
  }

  /** ratio(y), or NaN when Uy = 0; with `grad`, the gradient of the ratio at y. */
  ratio(y: Float64Array, grad: Float64Array | null = null): { ratio: number; den: number } {
    this.evaluations++;
    const gN = grad ? new Float64Array(this.r) : null;
    const gD = grad ? new Float64Array(this.r) : null;
    const num = this.powerSum(this.S, this.m, this.sample.weights, y, gN);
    const den = this.powerSum(this.B.U, this.n, null, y, gD);
    if (!(den > 0)) return { ratio: NaN, den };
    const f = num / den;
    if (grad && gN && gD) for (let j = 0; j < this.r; j++) grad[j] = (gN[j] - f * gD[j]) / den;
    return { ratio: f, den };
  }
}

// ---------------------------------------------------------------------------------------------
// p = 2.

function exactP2(ev: RatioEvaluator): DistortionResult {
  const { r, n, m, S, B } = ev;
  const w = ev.sample.weights;
  const Mx = new Float64Array(r * r);
  const G = new Float64Array(r * r);
  accumulateGram(S, m, r, w, Mx);
  accumulateGram(B.U, n, r, null, G);
  const L = cholesky(G, r);
  // C = L⁻¹·M·L⁻ᵀ: solve L·X = M, then L·Cᵀ = Xᵀ (C symmetric).
  const X = forwardSolveColumns(L, Mx, r);
  const Xt = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) Xt[i * r + j] = X[j * r + i];
  const C = forwardSolveColumns(L, Xt, r);
  const { values } = symmetricEigen(C, r);
  return result(values[r - 1], values[0], 0, true);
}

function accumulateGram(T: Float64Array, rows: number, r: number, w: Float64Array | null, out: Float64Array): void {
  for (let k = 0; k < rows; k++) {
    const o = k * r;
    const c = w ? w[k] : 1;
    if (c === 0) continue;
    for (let i = 0; i < r; i++) {
      const ti = c * T[o + i];
      if (ti === 0) continue;
      for (let j = i; j < r; j++) out[i * r + j] += ti * T[o + j];
    }
  }
  for (let i = 0; i < r; i++) for (let j = 0; j < i; j++) out[i * r + j] = out[j * r + i];
}

/** Lower-triangular L with G = LLᵀ (G symmetric positive definite, r x r row-major). */
function cholesky(G: Float64Array, r: number): Float64Array {
  const L = new Float64Array(r * r);
  for (let j = 0; j < r; j++) {
    let s = G[j * r + j];
    for (let k = 0; k < j; k++) s -= L[j * r + k] * L[j * r + k];
    const ljj = sqrt(s);
    L[j * r + j] = ljj;
    for (let i = j + 1; i < r; i++) {
      let t = G[i * r + j];
      for (let k = 0; k < j; k++) t -= L[i * r + k] * L[j * r + k];
      L[i * r + j] = t / ljj;
    }
  }
  return L;
}

/** X = L⁻¹·Y for lower-triangular L (all r columns of the row-major r x r Y). */
function forwardSolveColumns(L: Float64Array, Y: Float64Array, r: number): Float64Array {
  const X = Float64Array.from(Y);
  for (let i = 0; i < r; i++) {
    for (let k = 0; k < i; k++) {
      const l = L[i * r + k];
      if (l === 0) continue;
      for (let c = 0; c < r; c++) X[i * r + c] -= l * X[k * r + c];
    }
    const d = L[i * r + i];
    for (let c = 0; c < r; c++) X[i * r + c] /= d;
  }
  return X;
}

// ---------------------------------------------------------------------------------------------
// p ≠ 2: direction set and local search.

interface Scored {
  y: Float64Array;
  ratio: number;
}

function searchDirections(ev: RatioEvaluator, directions: number, steps: number, key: [number, number]): DistortionResult {
  const tried: Scored[] = [];
  let hi = -Infinity;
  let lo = Infinity;
  const consider = (y: Float64Array): void => {
    const { ratio } = ev.ratio(y);
    if (!(ratio === ratio)) return;
    hi = max(hi, ratio);
    lo = min(lo, ratio);
    tried.push({ y, ratio });
  };
  for (const y of candidateDirections(ev, directions, key)) consider(y);
  if (tried.length === 0) return result(1, 1, ev.evaluations, false);
  const byRatio = tried.slice().sort((a, b) => b.ratio - a.ratio);
  const starts = min(LOCAL_STARTS, byRatio.length);
  for (let s = 0; s < starts; s++) {
    const up = refine(ev, byRatio[s], +1, steps);
    hi = max(hi, up.ratio);
    lo = min(lo, up.ratio);
    const down = refine(ev, byRatio[byRatio.length - 1 - s], -1, steps);
    hi = max(hi, down.ratio);
    lo = min(lo, down.ratio);
  }
  return result(hi, lo, ev.evaluations, false);
}

/** Directions 1–4 of the file comment, in U coordinates. */
function candidateDirections(ev: RatioEvaluator, directions: number, key: [number, number]): Float64Array[] {
  const { B, r, n, m } = ev;
  const d = B.d;
  const out: Float64Array[] = [];
  for (let t = 0; t < directions; t++) out.push(fromOriginal(B, gaussian(key, t, d)));
  for (let t = 0; t < directions; t++) out.push(gaussian(key, directions + t, r));
  for (let j = 0; j < d; j++) {
    const e = new Float64Array(d);
    e[j] = 1;
    out.push(fromOriginal(B, e));
  }
  for (let j = 0; j < r; j++) {
    const e = new Float64Array(r);
    e[j] = 1;
    out.push(e);
  }
  const U = B.U;
  const row = (i: number): Float64Array => U.slice(i * r, (i + 1) * r);
  const tau = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) tau[i] += U[i * r + j] ** 2;
  for (const i of topK(tau, ROW_DIRECTIONS)) out.push(row(i));
  for (const y of lewisProxies(ev)) out.push(y);
  const heavy = new Float64Array(m);
  for (let k = 0; k < m; k++) heavy[k] = ev.sample.weights[k] * tau[ev.sample.indices[k]];
  for (const k of topK(heavy, ROW_DIRECTIONS)) out.push(row(ev.sample.indices[k]));
  return out;
}

/** Gaussian vector t of length len (layout in the file comment). */
function gaussian(key: [number, number], t: number, len: number): Float64Array {
  return gaussianColumn(key, STREAM_DISTORTION_GAUSSIAN, t, len, new Float64Array(len));
}

/** Indices of the k largest positive entries (largest first). */
function topK(v: Float64Array, k: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < v.length; i++) if (v[i] > 0) idx.push(i);
  idx.sort((a, b) => v[b] - v[a]);
  return idx.slice(0, k);
}

/** y = (UᵀW^{1−2/p}U)⁻¹u_i for the rows with the largest Lewis weights. */
function lewisProxies(ev: RatioEvaluator): Float64Array[] {
  const { B, r, n, p } = ev;
  const { weights: w } = lewisWeightsJs({ data: B.U, rows: n, cols: r }, p, { tolerance: LEWIS_TOLERANCE, maxIterations: LEWIS_MAX_ITERATIONS });
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) scale[i] = w[i] > 0 ? pow(w[i], 1 - 2 / p) : 0;
  const G = new Float64Array(r * r);
  accumulateGram(B.U, n, r, scale, G);
  for (let j = 0; j < r; j++) G[j * r + j] *= 1 + 1e-12; // keeps the Cholesky defined at the edge of rank
  const L = cholesky(G, r);
  if (!L.every(Number.isFinite)) return [];
  return topK(w, ROW_DIRECTIONS).map((i) => solveCholesky(L, r, B.U.slice(i * r, (i + 1) * r)));
}

function solveCholesky(L: Float64Array, r: number, b: Float64Array): Float64Array {
  for (let i = 0; i < r; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * r + k] * b[k];
    b[i] = s / L[i * r + i];
  }
  for (let i = r - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < r; k++) s -= L[k * r + i] * b[k];
    b[i] = s / L[i * r + i];
  }
  return b;
}

/** Local search (gradient steps, then the kink search) maximizing dir·ratio; returns the best found. */
function refine(ev: RatioEvaluator, start: Scored, dir: 1 | -1, steps: number): Scored {
  let best = gradientSearch(ev, start, dir, steps);
  if (steps > 0) best = kinkSearch(ev, best, dir);
  return best;
}

function gradientSearch(ev: RatioEvaluator, start: Scored, dir: 1 | -1, steps: number): Scored {
  const r = ev.r;
  const grad = new Float64Array(r);
  let y = start.y;
  let f = ev.ratio(y, grad).ratio;
  let g = Float64Array.from(grad);
  let eta = STEP0;
  const trial = new Float64Array(r);
  for (let s = 1; s < steps && eta > STEP_MIN; s++) {
    const gn = norm(g);
    if (!(gn > 0)) break;
    const yn = norm(y);
    for (let j = 0; j < r; j++) trial[j] = y[j] + (dir * eta * yn * g[j]) / gn;
    const t = ev.ratio(trial, grad);
    if (dir * (t.ratio - f) > 0) {
      // Normalize so that ‖Uy‖_p = 1: the ratio is scale-invariant, the iterate's size is not.
      const c = pow(t.den, -1 / ev.p);
      y = Float64Array.from(trial, (x) => x * c);
      for (let j = 0; j < r; j++) g[j] = grad[j] / c;
      f = t.ratio;
      eta = min(1, 2 * eta);
    } else {
      eta /= 2;
    }
  }
  return dir * (f - start.ratio) >= 0 ? { y, ratio: f } : start;
}

/**
 * Greedy vertex search: project y onto the orthogonal complement of rows it is nearly orthogonal to
 * (up to r − 1 of them), keeping each projection only if it improves dir·ratio.
 */
function kinkSearch(ev: RatioEvaluator, start: Scored, dir: 1 | -1): Scored {
  const { r, n, m, B, S } = ev;
  let best = start;
  const basis: Float64Array[] = []; // orthonormal basis of the rows y is held orthogonal to
  while (basis.length < r - 1) {
    const cands = nearestOrthogonalRows(best.y, B.U, n, S, m, r);
    let improved = false;
    for (const t of cands) {
      const v = orthogonalize(t, basis);
      if (!v) continue;
      const y = Float64Array.from(best.y);
      let dot = 0;
      for (let j = 0; j < r; j++) dot += v[j] * y[j];
      for (let j = 0; j < r; j++) y[j] -= dot * v[j];
      const f = ev.ratio(y).ratio;
      if (f === f && dir * (f - best.ratio) > 0) {
        best = { y, ratio: f };
        basis.push(v);
        improved = true;
        break;
      }
    }
    if (!improved) break;
  }
  return best;
}

/** The SNAP_CANDIDATES rows (of U and of the sample) with the smallest |tᵀy|/‖t‖, nonzero. */
function nearestOrthogonalRows(y: Float64Array, U: Float64Array, n: number, S: Float64Array, m: number, r: number): Float64Array[] {
  const scored: { t: Float64Array; c: number }[] = [];
  const scan = (T: Float64Array, rows: number): void => {
    for (let k = 0; k < rows; k++) {
      const t = T.subarray(k * r, (k + 1) * r);
      let dot = 0;
      let tt = 0;
      for (let j = 0; j < r; j++) {
        dot += t[j] * y[j];
        tt += t[j] * t[j];
      }
      if (tt === 0 || dot === 0) continue;
      const c = abs(dot) / sqrt(tt);
      if (scored.length < SNAP_CANDIDATES || c < scored[scored.length - 1].c) {
        scored.push({ t, c });
        scored.sort((a, b) => a.c - b.c);
        if (scored.length > SNAP_CANDIDATES) scored.pop();
      }
    }
  };
  scan(U, n);
  scan(S, m);
  return scored.map((s) => s.t);
}

/** The unit component of t orthogonal to the orthonormal `basis`, or null if t is (nearly) in its span. */
function orthogonalize(t: Float64Array, basis: Float64Array[]): Float64Array | null {
  const v = Float64Array.from(t);
  const n0 = norm(v);
  for (let pass = 0; pass < 2; pass++) {
    for (const b of basis) {
      let dot = 0;
      for (let j = 0; j < v.length; j++) dot += b[j] * v[j];
      for (let j = 0; j < v.length; j++) v[j] -= dot * b[j];
    }
  }
  const nv = norm(v);
  if (!(nv > 1e-10 * n0)) return null;
  for (let j = 0; j < v.length; j++) v[j] /= nv;
  return v;
}

function norm(v: Float64Array): number {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j] * v[j];
  return sqrt(s);
}
