// ℓp Lewis weights, TypeScript (issue 5; internal groundwork, not yet exported from lib/sketchmax.ts).
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
//    [measured] Gaussian and t₁ 2000 x 10 to residual 1e-8: p = 4: 28–31 updates, p = 6: 48–52,
//    p = 10: 87–95, p = 20: 185–200.
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
const { abs, log, max, pow } = Math;

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

/** ℓp Lewis weights of A; see the file comment for the method, stopping rule and residual. */
export function lewisWeightsJs(A: Matrix, p: number, options?: LewisOptions): LewisResult {
  const o = checkOptions<LewisOptions>(FN, options, KNOWN);
  const M = checkTallFiniteMatrix(FN, A);
  checkP(FN, p);
  let tolerance: number = LEWIS_DEFAULTS.tolerance;
  if (o.tolerance !== undefined) {
    if (typeof o.tolerance !== 'number') throw typeError(FN, 'options.tolerance', 'must be a number', o.tolerance);
    if (!(o.tolerance > 0 && o.tolerance < Infinity)) throw rangeError(FN, 'options.tolerance', 'must be positive and finite', o.tolerance);
    tolerance = o.tolerance;
  }
  const maxIterations = o.maxIterations === undefined ? LEWIS_DEFAULTS.maxIterations : checkPositiveInteger(FN, 'options.maxIterations', o.maxIterations);

  const { rows: n, cols: d, data } = M;
  const active = new Uint8Array(n); // 1 for rows with a nonzero entry
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      if (data[i * d + j] !== 0) {
        active[i] = 1;
        break;
      }
    }
  }
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) if (active[i]) w[i] = d / n;
  const e = 0.5 - 1 / p; // row scale w_i^e
  const scale = new Float64Array(n);
  let iterations = 0;
  let residual = Infinity;
  let rank = 0;
  for (;;) {
    // Row scales of W^{1/2−1/p}·A.
    for (let i = 0; i < n; i++) scale[i] = active[i] ? (e === 0 ? 1 : pow(w[i], e)) : 0;
    const lev = exactLeverage(data, n, d, scale);
    const tau = lev.tau;
    rank = lev.rank;
    residual = 0;
    for (let i = 0; i < n; i++) {
      if (!active[i]) continue;
      if (!(tau[i] > 0)) {
        // Leverage exactly 0: drop the row (see the file comment); it cannot satisfy w_i = τ_i > 0.
        active[i] = 0;
        w[i] = 0;
        residual = Infinity;
        continue;
      }
      residual = max(residual, abs(log(w[i]) - log(tau[i])));
    }
    if (residual <= tolerance || iterations >= maxIterations) break;
    if (p <= 2) {
      const a = 1 - p / 2;
      const b = p / 2;
      for (let i = 0; i < n; i++) if (active[i]) w[i] = pow(w[i], a) * pow(tau[i], b);
    } else {
      for (let i = 0; i < n; i++) if (active[i]) w[i] = tau[i];
    }
    iterations++;
  }
  return { weights: w, iterations, residual, converged: residual <= tolerance, rank };
}
