// ℓp Lewis weights: the iteration and its TypeScript driver. notes/sensitivity-sampling.md §1.1 and
// §2.3. The native backend runs native/sampling/lewis.cc, this file's iteration in C++ operation for
// operation (only log, exp and sqrt may round differently), so both backends take the same steps.
//
// The Lewis weights of A (n x d, n >= d) for 1 <= p < ∞ are the unique w >= 0 with
//     w_i = τ_i(W^{1/2−1/p}·A),  W = diag(w),
// equivalently w_i = (a_iᵀ(AᵀW^{1−2/p}A)⁻¹a_i)^{p/2}; Σ w_i = rank(A) (= d for full column rank). Every
// step below is one exact leverage computation (pivoted Householder QR of the row-scaled matrix,
// exactLeverage in ./leverage.ts), so a rank-deficient A gives Σ w = its numerical rank.
//
// Iteration, in x = ln w from w⁰ = (d/n)·1 (zero rows of A keep w_i = 0 throughout and are skipped):
//  - The plain maps. p <= 2: Cohen–Peng's w_i ← (a_iᵀ(AᵀW^{1−2/p}A)⁻¹a_i)^{p/2} = w_i^{1−p/2}·τ_i^{p/2},
//    τ = τ(W^{1/2−1/p}A), i.e. x ← x + (p/2)·(ln τ − x): a contraction in max_i |x_i − x′_i| with
//    factor |1 − p/2| (CP15, proven for p < 4), one step at p = 2 (w¹ = τ(A)). p > 2: the damped map
//    w ← τ(W^{1/2−1/p}A), x ← x + (ln τ − x) (notes §2.3), with local rate 1 − 2/p and, for 2 < p < 4,
//    globally convergent (in log space the convex combination (1 − η)·id + η·log F, η = 2/p, of the
//    identity and the (p/2 − 1)-contraction F of Cohen–Peng: a (2 − 4/p)-contraction). For p >= 4
//    global convergence is not proven (the notes cite Lee's thesis for averaged iterates);
//    `converged` says whether the tolerance was met.
//  - Why they are slow: the Jacobian of the Cohen–Peng map in x is (1 − p/2)·D⁻¹(P∘P), P the projection
//    onto col(W^{1/2−1/p}A), D = diag(τ), with spectrum in (1 − p/2)·[0, 1] ([derived] in the notes).
//    Two parts of it reach the bound: its diagonal, (1 − p/2)·τ_i, near 1 − p/2 on rows of leverage
//    near 1 (heavy-tailed data), and a few eigenvalues from groups of rows that share a direction
//    (planted data). A fixed step cannot remove either: the over-relaxed iteration that came before
//    this one ran at rate 1/3 at p = 1 (20 leverage computations to 1e-8 at 10^6 x 50).
//  - The accelerated iteration handles the first by a per-row Newton step (jacobiStep: the Cohen–Peng
//    increment divided by 1 − (1 − p/2)·τ_i, the derivative of row i's own equation) for p < 4, and
//    the second by Anderson acceleration of depth 4 over the last steps (./anderson.ts). For p >= 4 the
//    Jacobi-scaled step overshoots (alone it did not converge on planted data at p = 6; with Anderson
//    it took more updates than the damped map at p = 6 and 10 [measured, 200,000 x 50]), so there the
//    damped map is accelerated alone. The first step has no history and is the base step.
//  - Safeguard: when the residual grows, the Anderson history is dropped (restart); after
//    MAX_RESTARTS restarts the remaining updates are plain, so for p < 4 the iteration keeps the plain
//    map's convergence proof.
//  [measured] updates to residual 1e-8, before (over-relaxed fixed step) → now: Gaussian / t₁
//  heavy-tailed 1000 x 8: p = 1: 11/18 → 6/9, p = 1.5: 7/11 → 5/8, p = 3: 13/14 → 6/9, p = 4: 19/20 →
//  10/14, p = 6: 29/31 → 14/19, p = 10: 49/94 → 23/24; heavy-tailed (Cauchy) 10^6 x 50, p = 1: 19 →
//  9 (to 1e-3: 8 → 5). Each update costs one leverage computation plus O(n·depth) for the acceleration.
// After every update w is rescaled to Σ w = rank (τ is invariant under scaling W, so the fixed point is
// unchanged): the sum is then exact between steps.
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
import { Anderson } from './anderson';
import { checkTallFiniteMatrix, exactLeverage } from './leverage';

const FN = 'lewisWeights';
const KNOWN = ['tolerance', 'maxIterations'] as const;
const { abs, exp, log } = Math;

/** Differences the Anderson step keeps (see ./anderson.ts); 4 and 5 took the same updates [measured]. */
const ANDERSON_DEPTH = 4;
/** Residual increases after which the iteration drops the acceleration for plain steps. */
const MAX_RESTARTS = 3;
/** The Jacobi-scaled base map is used below this p; above, the damped map (see the file comment). */
const JACOBI_MAX_P = 4;

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
 * The per-row step of the accelerated base map (file comment): the Newton step of row i's own equation
 * ln w_i = ln τ_i, whose derivative in ln w_i is 1 − (1 − p/2)·τ_i, applied to the Cohen–Peng
 * increment (p/2)·(ln τ_i − ln w_i): p/(2 + (p − 2)·τ_i). p/2 on rows of small leverage, 1 on rows
 * near leverage 1. Used for p < JACOBI_MAX_P.
 */
export function jacobiStep(p: number, tau: number): number {
  return p / (2 + (p - 2) * tau);
}

/** The plain map's step on ln τ_i − ln w_i: Cohen–Peng's p/2 for p <= 2, the damped map's 1 for p > 2. */
export function plainStep(p: number): number {
  return p <= 2 ? p / 2 : 1;
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
 * the TypeScript backend's sync and async forms share one implementation.
 */
export function* lewisIteration({ p, tolerance, maxIterations }: ResolvedLewis, A: LewisMatrix): Generator<Float64Array, LewisResult, ScaledLeverage> {
  const s = new LewisState(A, p);
  const anderson = new Anderson(A.n, ANDERSON_DEPTH);
  let accelerated = true;
  let restarts = 0;
  let iterations = 0;
  let residual = Infinity;
  let lastResidual = Infinity;
  let rank = 0;
  for (;;) {
    const lev = yield s.scales();
    rank = lev.rank;
    const dropped = s.dropZeroLeverage(lev.tau);
    residual = s.increments(lev.tau, accelerated);
    if (dropped) {
      residual = Infinity; // the remaining rows' weights are not yet certified
      anderson.reset(); // the history mixes in the dropped rows
      lastResidual = Infinity;
    }
    if (residual <= tolerance || iterations >= maxIterations) break;
    if (accelerated && residual > lastResidual) {
      // The safeguard: restart the acceleration; after MAX_RESTARTS, plain steps to the end.
      anderson.reset();
      if (++restarts >= MAX_RESTARTS) {
        accelerated = false;
        s.increments(lev.tau, false);
      }
    }
    lastResidual = residual;
    if (accelerated) anderson.step(s.x, s.f, s.next);
    else s.plainStep();
    s.advance(rank);
    iterations++;
  }
  return { weights: s.w, iterations, residual, converged: residual <= tolerance, rank };
}

/**
 * The iterate of lewisIteration and its per-row passes, kept out of the generator (whose body V8
 * optimizes poorly: these loops ran 3x slower inside it at 10^6 rows [measured]).
 */
class LewisState {
  /** ln w on the active rows, 0 elsewhere. */
  x: Float64Array;
  /** The weights e^x on the active rows, 0 elsewhere. */
  readonly w: Float64Array;
  /** The step's increment of x (0 on inactive rows). */
  readonly f: Float64Array;
  /** The next iterate, before rescaling. */
  next: Float64Array;
  /** 1 for rows with a nonzero entry that have not been dropped. */
  private readonly active: Uint8Array;
  private readonly n: number;
  private readonly e: number; // row scale w_i^e
  private readonly jacobi: boolean;

  constructor({ n, d: cols, data, b }: LewisMatrix, private readonly p: number) {
    this.n = n;
    this.e = 0.5 - 1 / p;
    this.jacobi = p < JACOBI_MAX_P;
    const d = b ? cols + 1 : cols;
    this.active = new Uint8Array(n);
    this.x = new Float64Array(n);
    this.next = new Float64Array(n);
    this.f = new Float64Array(n);
    this.w = new Float64Array(n);
    const x0 = log(d / n);
    for (let i = 0; i < n; i++) {
      let nonzero = b !== null && b[i] !== 0;
      for (let j = 0; j < cols && !nonzero; j++) nonzero = data[i * cols + j] !== 0;
      if (!nonzero) continue;
      this.active[i] = 1;
      this.x[i] = x0;
      this.w[i] = d / n;
    }
  }

  /** Row scales of W^{1/2−1/p}·A (a fresh array per request: an async solver may still hold the last). */
  scales(): Float64Array {
    const { n, e, active, w, x } = this;
    const scale = new Float64Array(n);
    if (e === 0) for (let i = 0; i < n; i++) scale[i] = active[i];
    // p = 1 (e = −1/2), the common case: 1/√w is several times faster than exp.
    else if (e === -0.5) for (let i = 0; i < n; i++) scale[i] = active[i] ? 1 / Math.sqrt(w[i]) : 0;
    else for (let i = 0; i < n; i++) scale[i] = active[i] ? exp(e * x[i]) : 0;
    return scale;
  }

  /** Drops the active rows whose leverage is exactly 0 (see the file comment); true if there were any. */
  dropZeroLeverage(tau: Float64Array): boolean {
    const { n, active } = this;
    let dropped = false;
    for (let i = 0; i < n; i++) {
      if (!active[i] || tau[i] > 0) continue;
      active[i] = 0;
      this.x[i] = 0;
      this.w[i] = 0;
      dropped = true;
    }
    return dropped;
  }

  /** f = the step's increments (Jacobi-scaled if `accelerated`); returns max_i |ln τ_i − ln w_i|. */
  increments(tau: Float64Array, accelerated: boolean): number {
    const { n, active, x, f, p } = this;
    const jacobi = accelerated && this.jacobi;
    const plain = plainStep(p);
    let residual = 0;
    for (let i = 0; i < n; i++) {
      if (!active[i]) {
        f[i] = 0;
        continue;
      }
      const r = log(tau[i]) - x[i];
      const a = abs(r);
      if (a > residual) residual = a;
      f[i] = (jacobi ? jacobiStep(p, tau[i]) : plain) * r;
    }
    return residual;
  }

  /** next = x + f. */
  plainStep(): void {
    const { n, x, f, next } = this;
    for (let i = 0; i < n; i++) next[i] = x[i] + f[i];
  }

  /**
   * x = next rescaled to Σ e^x = rank, and w = e^x. The exact weights sum to the rank and
   * τ(W^{1/2−1/p}A) does not change when W is scaled, so this costs nothing at the fixed point and
   * keeps the sum exact between steps.
   */
  advance(rank: number): void {
    const { n, active, next, w } = this;
    let total = 0;
    for (let i = 0; i < n; i++) {
      w[i] = active[i] ? exp(next[i]) : 0;
      total += w[i];
    }
    const factor = total > 0 && rank > 0 ? rank / total : 1;
    const shift = log(factor);
    for (let i = 0; i < n; i++) {
      if (!active[i]) {
        next[i] = 0;
        continue;
      }
      next[i] += shift;
      w[i] *= factor;
    }
    [this.x, this.next] = [next, this.x];
  }
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
