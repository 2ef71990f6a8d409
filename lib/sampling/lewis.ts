// ℓp Lewis weights: the iteration (shared by every backend) and its TypeScript driver.
// notes/sensitivity-sampling.md §1.1 and §2.3.
//
// The Lewis weights of A (n x d, n >= d) for 1 <= p < ∞ are the unique w >= 0 with
//     w_i = τ_i(W^{1/2−1/p}·A),  W = diag(w),
// equivalently w_i = (a_iᵀ(AᵀW^{1−2/p}A)⁻¹a_i)^{p/2}; Σ w_i = rank(A) (= d for full column rank). Every
// step below is one exact leverage computation (pivoted Householder QR of the row-scaled matrix,
// exactLeverage in ./leverage.ts), so a rank-deficient A gives Σ w = its numerical rank.
//
// Iteration, from w⁰ = (d/n)·1 (zero rows of A keep w_i = 0 throughout and are skipped):
//  - p <= 2: Cohen–Peng fixed point w_i ← (a_iᵀ(AᵀW^{1−2/p}A)⁻¹a_i)^{p/2} = w_i^{1−p/2}·τ_i^{p/2},
//    τ = τ(W^{1/2−1/p}A). A contraction in max_i |log w_i − log w′_i| with factor |1 − p/2| (CP15,
//    proven for p < 4): rate 1/2 at p = 1, one step at p = 2 (w¹ = τ(A)).
//  - p > 2: the damped map w ← w^{1−η}·F(w)^η with η = 2/p (F the Cohen–Peng map), i.e.
//    w ← τ(W^{1/2−1/p}A) — the definition read as an iteration (notes §2.3). Σ w = rank after every
//    step. Local rate 1 − 2/p (the Jacobian of log w ↦ log τ is (1 − 2/p)(I − D⁻¹(P∘P)), spectrum in
//    (1 − 2/p)·[0, 1], [derived] in the notes): 1/3 at p = 3, 1/2 at p = 4, 2/3 at p = 6 — better
//    than Cohen–Peng's p/2 − 1 everywhere on (2, 4), which crawls near p = 4 (p = 3.9: 325 updates
//    vs 27 on a Gaussian 2000 x 10 [measured]). For 2 < p < 4 it is also globally convergent: in log
//    space it is the convex combination (1 − η)·id + η·log F of the identity and a (p/2 − 1)-
//    contraction, hence a (2 − 4/p)-contraction. For p >= 4 global convergence is not proven (the
//    notes cite Lee's thesis for averaged iterates); `converged` says whether the tolerance was met.
//    [measured, plain iteration] Gaussian and t₁ 2000 x 10 to residual 1e-8: p = 4: 28–31, p = 6: 48–52,
//    p = 10: 87–95, p = 20: 185–200.
// Over-relaxation: after a plain first step, each update moves ω = 2/(2 − c) of the way (in log
// space) to the base map's value, c = 1 − p/2 (p <= 2) or 1 − 2/p (p > 2); see relaxation(). If the
// residual ever grows, the remaining updates are plain (ω = 1). [measured] updates to residual 1e-8,
// Gaussian / t₁ heavy-tailed 2000 x 10, plain → relaxed: p = 1: 23/29 → 15/19, p = 1.5: 12/15 →
// 9/11, p = 3: 18/20 → 13/14, p = 4: 29/32 → 19/21, p = 6: 49/54 → 29/32; to 1e-3: p = 1: 6/13 → 5/9.
// After every update w is rescaled to Σ w = rank (τ is invariant under scaling W, so the fixed point is
// unchanged): the sum is then exact, and p <= 2 needs fewer updates (p = 1: 15/19 → 11/18, p = 1.5:
// 9/11 → 7/10 [measured, same data]).
// Residual (the fixed-point test of notes §5.5): residual(w) = max_i |ln w_i − ln τ_i(W^{1/2−1/p}A)|
// over the rows with w_i > 0, computed at the returned w (so it certifies exactly the weights
// returned; w_i = τ_i·e^{±residual}, hence |Σ w − rank| <= rank·(e^{residual} − 1)).
// Stop when residual <= tolerance (default 1e-8) or after maxIterations updates (default 1000).
// `iterations` counts the updates applied; the leverage computations are iterations + 1.
// A nonzero row whose leverage is exactly 0 (only possible numerically, when it lies in the dropped
// null directions of a rank-deficient scaled matrix) gets w_i = 0 and is then treated as a zero row.
import { rangeError, typeError } from '../errors';
import type { Matrix } from '../sketch/matrix';
import { checkOptions, checkPositiveInteger } from '../validate';
import { checkTallFiniteMatrix, exactLeverage } from './leverage';

const FN = 'lewisWeights';
const KNOWN = ['tolerance', 'maxIterations'] as const;
const { log, max, pow } = Math;

export const LEWIS_DEFAULTS = { tolerance: 1e-8, maxIterations: 1000 } as const;

export interface LewisOptions {
  /** Stop when the fixed-point residual max_i |ln(w_i/τ_i(W^{1/2−1/p}A))| <= tolerance; default 1e-8. */
  tolerance?: number;
  /** Cap on the fixed-point updates; default 1000. */
  maxIterations?: number;
}

export interface LewisResult {
  /** The ℓp Lewis weights (length n); Σ = rank(A) up to rank·(e^{residual} − 1). */
  weights: Float64Array;
  /** Fixed-point updates applied (leverage computations = iterations + 1). */
  iterations: number;
  /** max_i |ln w_i − ln τ_i(W^{1/2−1/p}A)| at the returned weights. */
  residual: number;
  /** residual <= tolerance. */
  converged: boolean;
  /** Numerical rank of A (= Σ of the exact Lewis weights). */
  rank: number;
}

/** Checks p: a finite number >= 1. */
export function checkP(fn: string, p: unknown): number {
  if (typeof p !== 'number') throw typeError(fn, 'p', 'must be a number', p);
  if (!Number.isFinite(p)) throw rangeError(fn, 'p', 'must be finite', p);
  if (p < 1) throw rangeError(fn, 'p', 'must be >= 1', p);
  return p;
}


/**
 * The over-relaxation factor ω = 2/(2 − c) of the file comment: the base map's Jacobian in log space
 * has its spectrum in [0, c], c = 1 − p/2 (p <= 2) or 1 − 2/p (p > 2), and moving ω of the way to it
 * maps that spectrum to [1 − ω, 1 − ω(1 − c)], whose largest modulus c/(2 − c) is the smallest any
 * fixed ω achieves (1/3 instead of 1/2 at p = 1, 1/5 instead of 1/3 at p = 3). ω = 1 at p = 2.
 */
export function relaxation(p: number): number {
  const c = p <= 2 ? 1 - p / 2 : 1 - 2 / p;
  return 2 / (2 - c);
}

/** x^step; step = 2/3 (p = 1's relaxed step, the common case) by cube roots, about 3x faster than pow. */
function stepPower(x: number, step: number): number {
  if (step !== 2 / 3) return pow(x, step);
  const r = Math.cbrt(x);
  return r * r;
}

/** Resolved arguments of a Lewis-weight computation. */
export interface ResolvedLewis {
  A: Matrix;
  p: number;
  tolerance: number;
  maxIterations: number;
}

/** Checks lewisWeights(A, p, options) for function `fn`; `extra` option names are the caller's to check. */
export function resolveLewis<O extends LewisOptions>(fn: string, A: unknown, p: unknown, options: unknown, extra: readonly string[] = []): { r: ResolvedLewis; o: Partial<O> } {
  const o = checkOptions<O>(fn, options, [...KNOWN, ...extra]);
  const M = checkTallFiniteMatrix(fn, A);
  checkP(fn, p);
  let tolerance: number = LEWIS_DEFAULTS.tolerance;
  if (o.tolerance !== undefined) {
    if (typeof o.tolerance !== 'number') throw typeError(fn, 'options.tolerance', 'must be a number', o.tolerance);
    if (!(o.tolerance > 0 && o.tolerance < Infinity)) throw rangeError(fn, 'options.tolerance', 'must be positive and finite', o.tolerance);
    tolerance = o.tolerance;
  }
  const maxIterations = o.maxIterations === undefined ? LEWIS_DEFAULTS.maxIterations : checkPositiveInteger(fn, 'options.maxIterations', o.maxIterations);
  return { r: { A: M, p: p as number, tolerance, maxIterations }, o };
}

/** Leverage scores of diag(scale)·A and the numerical rank: the one step the iteration asks for. */
export interface ScaledLeverage {
  tau: Float64Array;
  rank: number;
}

/** The row-major n x d matrix whose weights are wanted, or [A | b] (d + 1 columns) when b is given. */
export interface LewisMatrix {
  data: ArrayLike<number>;
  n: number;
  d: number;
  b: ArrayLike<number> | null;
}

/**
 * The iteration of the file comment as a generator: it yields the row scales of each leverage
 * computation it needs (diag(scale)·A; zero for skipped rows) and receives their leverage scores, so
 * the TypeScript and native backends, sync and async, share one implementation.
 */
export function* lewisIteration({ p, tolerance, maxIterations }: ResolvedLewis, A: LewisMatrix): Generator<Float64Array, LewisResult, ScaledLeverage> {
  const { n, d: cols, data, b } = A;
  const d = b ? cols + 1 : cols;
  const active = new Uint8Array(n); // 1 for rows with a nonzero entry
  for (let i = 0; i < n; i++) {
    if (b && b[i] !== 0) active[i] = 1;
    for (let j = 0; j < cols && !active[i]; j++) if (data[i * cols + j] !== 0) active[i] = 1;
  }
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) if (active[i]) w[i] = d / n;
  const e = 0.5 - 1 / p; // row scale w_i^e
  let iterations = 0;
  let residual = Infinity;
  let lastResidual = Infinity;
  let rank = 0;
  let omega = relaxation(p);
  for (;;) {
    // Row scales of W^{1/2−1/p}·A (a fresh array per request: an async solver may still hold the last).
    const scale = new Float64Array(n);
    // p = 1 (e = −1/2) is the common case: 1/√w is several times faster than pow.
    for (let i = 0; i < n; i++) scale[i] = active[i] ? (e === 0 ? 1 : e === -0.5 ? 1 / Math.sqrt(w[i]) : pow(w[i], e)) : 0;
    const lev = yield scale;
    const tau = lev.tau;
    rank = lev.rank;
    // max_i |ln(w_i/τ_i)| from the extreme ratios: two logarithms instead of n.
    let lo = 1;
    let hi = 1;
    let dropped = false;
    for (let i = 0; i < n; i++) {
      if (!active[i]) continue;
      if (!(tau[i] > 0)) {
        // Leverage exactly 0: drop the row (see the file comment); it cannot satisfy w_i = τ_i > 0.
        active[i] = 0;
        w[i] = 0;
        dropped = true;
        continue;
      }
      const ratio = w[i] / tau[i];
      if (ratio < lo) lo = ratio;
      else if (ratio > hi) hi = ratio;
    }
    residual = dropped ? Infinity : max(log(hi), -log(lo));
    if (residual <= tolerance || iterations >= maxIterations) break;
    if (residual > lastResidual) omega = 1; // the safeguard: plain steps from here on
    lastResidual = residual;
    // Base map in log space: log T = (1 − p/2)·log w + (p/2)·log τ (p <= 2) or log τ (p > 2); the
    // step moves ω of the way, log w ← log w + ω·(log T − log w) = log w + ω·b·(log τ − log w).
    const b = p <= 2 ? p / 2 : 1;
    const step = (iterations === 0 ? 1 : omega) * b; // the first, far-from-linear step is plain
    for (let i = 0; i < n; i++) if (active[i]) w[i] = step === 1 ? tau[i] : w[i] * stepPower(tau[i] / w[i], step);
    // The exact weights sum to the rank and τ(W^{1/2−1/p}A) does not change when W is scaled, so
    // rescaling to Σ w = rank costs nothing at the fixed point and keeps the sum exact between steps
    // (a relaxed or Cohen–Peng step alone would leave it off by up to rank·(e^{residual} − 1)).
    let total = 0;
    for (let i = 0; i < n; i++) if (active[i]) total += w[i];
    if (total > 0 && rank > 0) for (let i = 0; i < n; i++) if (active[i]) w[i] *= rank / total;
    iterations++;
  }
  return { weights: w, iterations, residual, converged: residual <= tolerance, rank };
}

/** ℓp Lewis weights of A in TypeScript; see the file comment for the method, stopping rule and residual. */
export function lewisWeightsJs(A: Matrix, p: number, options?: LewisOptions): LewisResult {
  const { r } = resolveLewis(FN, A, p, options);
  const { rows: n, cols: d, data } = r.A;
  const gen = lewisIteration(r, { data, n, d, b: null });
  let step = gen.next();
  while (!step.done) step = gen.next(exactLeverage(data, n, d, step.value));
  return step.value;
}
