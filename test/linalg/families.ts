// Problem families for the public least-squares and sketching suites (sketching.md §6), at sizes small
// enough for the CI's two backend runs, and the float64 references they are checked against.
//
// The generators of test/linalg/problems.ts are reused (Ma–Mahoney–Yu GA / T3 / T1, the coherent
// identity block with a residual spike, A = U·diag(σ)·Vᵀ with controlled κ); this file adds the
// families the public suites need on top (d = 1, duplicate-column rank deficiency, n not a power of
// two) and an INDEPENDENT float64 Householder QR written out here, so the references share no code
// with lib/linalg (lib's QR only builds the orthonormal factors of conditionedProblem, which that
// generator checks).
import type { Matrix } from '../../lib/sketch/matrix';
import { Rng } from '../helpers/prng';
import { conditionedProblem, matvec, mmyProblem, norm, Normal, singularValues, spikeProblem, U_ROUND, type Problem } from './problems';

export { conditionedProblem, distance, matvec, mmyProblem, norm, Normal, quantile, residualNorm, rmatvec, singularValues, spikeProblem, U_ROUND } from './problems';
export type { Problem } from './problems';

const { sqrt, abs, max } = Math;

/** A float64 least-squares reference: x*, ‖b - A·x*‖, the R factor and the singular values of A. */
export interface Reference {
  x: Float64Array;
  /** ‖b - A·x*‖ recomputed in float64 from x*. */
  residual: number;
  /** d x d upper-triangular R of A = Q·R, row-major. */
  R: Float64Array;
  /** Singular values of A (those of R, one-sided Jacobi), descending. */
  sigma: Float64Array;
  /** σ_max / σ_min. */
  kappa: number;
}

/**
 * Unpivoted Householder QR of a full-rank A (column-major working copy, LAPACK dgeqr2 style) and the
 * solve R·x = (Qᵀb)[0:d]. Independent of lib/linalg/qr.ts. Throws if R has an exactly zero pivot.
 */
export function referenceLstsq(A: Matrix, b: ArrayLike<number>): Reference {
  const n = A.rows;
  const d = A.cols;
  const W = new Float64Array(n * d); // column-major
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) W[j * n + i] = A.data[i * d + j];
  const y = Float64Array.from(b);
  for (let k = 0; k < d; k++) {
    const o = k * n;
    let s = 0;
    for (let i = k; i < n; i++) s += W[o + i] * W[o + i];
    const alpha = sqrt(s);
    if (alpha === 0) throw new Error(`referenceLstsq: column ${k} is zero after elimination`);
    const beta = W[o + k] >= 0 ? -alpha : alpha; // new diagonal entry, sign chosen against cancellation
    const v0 = W[o + k] - beta;
    // v = (v0, W[k+1..n-1, k]); H = I - 2 v vᵀ / vᵀv.
    const vtv = v0 * v0 + (s - W[o + k] * W[o + k]);
    W[o + k] = v0;
    const apply = (col: Float64Array, off: number): void => {
      let dot = 0;
      for (let i = k; i < n; i++) dot += W[o + i] * col[off + i];
      const f = (2 * dot) / vtv;
      for (let i = k; i < n; i++) col[off + i] -= f * W[o + i];
    };
    for (let j = k + 1; j < d; j++) apply(W, j * n);
    apply(y, 0);
    // Column k of R: beta on the diagonal; keep v in W below (only needed during this step).
    W[o + k] = beta;
    for (let i = k + 1; i < n; i++) W[o + i] = 0;
  }
  const R = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) R[i * d + j] = W[j * n + i];
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i];
    for (let j = i + 1; j < d; j++) s -= R[i * d + j] * x[j];
    x[i] = s / R[i * d + i];
  }
  const sigma = singularValues(R, d);
  const r = matvec(A, x);
  for (let i = 0; i < n; i++) r[i] = b[i] - r[i];
  return { x, residual: norm(r), R, sigma, kappa: sigma[0] / sigma[d - 1] };
}

/**
 * The first-order forward error of a backward-stable least-squares solve with backward error u
 * (Wedin; Higham, Accuracy and Stability of Numerical Algorithms, §20.1):
 * u·(κ + κ²·‖r*‖/(‖A‖₂·‖x*‖))·‖x*‖. This is also how far x* itself is determined by float64 data.
 */
export function forwardErrorScale(ref: Reference): number {
  const xn = norm(ref.x);
  return U_ROUND * (ref.kappa + (ref.kappa * ref.kappa * ref.residual) / (ref.sigma[0] * xn)) * xn;
}

/** max |a_i - b_i|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = max(m, abs(a[i] - b[i]));
  return m;
}

/** max |a_i|. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = max(m, abs(a[i]));
  return m;
}

/** A full-rank problem with its float64 reference, built once and shared by every engine. */
export interface Family {
  name: string;
  problem: Problem;
  ref: Reference;
  /** Construction's exact solution where known (κ families, spike), else undefined. */
  xTrue?: Float64Array;
}

function family(name: string, problem: Problem): Family {
  return { name, problem, ref: referenceLstsq(problem.A, problem.b), xTrue: problem.xTrue };
}

/** Memoised families (generation of the κ problems costs ~70 ms each). */
const cache = new Map<string, Family>();
export function cached(name: string, make: () => Problem): Family {
  let f = cache.get(name);
  if (f === undefined) {
    f = family(name, make());
    cache.set(name, f);
  }
  return f;
}

export const N = 2000; // not a power of two: SRHT pads to 2048
export const D = 20;

/** Ma–Mahoney–Yu designs (residual ε ~ N(0, 9): large residual). */
export const GA = (n = N, d = D, seed = 101): Family => cached(`GA ${n}x${d} #${seed}`, () => mmyProblem(n, d, Infinity, seed));
export const T3 = (n = N, d = D, seed = 102): Family => cached(`T3 ${n}x${d} #${seed}`, () => mmyProblem(n, d, 3, seed));
export const T1 = (n = N, d = D, seed = 103): Family => cached(`T1 ${n}x${d} #${seed}`, () => mmyProblem(n, d, 1, seed));
/** [I_d; 0] (coherence 1), noise 0.01 and a residual spike of 100. */
export const SPIKE = (n = N, d = D, seed = 104): Family => cached(`spike ${n}x${d} #${seed}`, () => spikeProblem(n, d, seed));
/**
 * A = U·diag(logspace(0, -log10 κ, d))·Vᵀ, x a unit vector, residual ρ orthogonal to range(A).
 * ‖A·x‖ ≈ 0.2–0.3 at d = 20, so ρ = 1e-10 is a small residual (~3e-10·‖b‖) and ρ = 1 a large one
 * (~‖b‖).
 */
export const KAPPA = (kappa: number, rho: number, seed: number, n = N, d = D): Family =>
  cached(`kappa=${kappa} rho=${rho} ${n}x${d} #${seed}`, () => conditionedProblem(n, d, kappa, rho, seed));

export const KAPPAS = [1e4, 1e8, 1e12] as const;
export const RHOS = [1e-10, 1] as const;

/** d = 1: a Gaussian column and an unrelated right-hand side; x* = aᵀb / aᵀa. */
export function columnProblem(n: number, seed: number): Problem & { xExact: number } {
  const g = new Normal(new Rng(seed));
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = g.next();
  for (let i = 0; i < n; i++) b[i] = 0.5 * a[i] + g.next();
  let ab = 0;
  let aa = 0;
  for (let i = 0; i < n; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
  }
  return { name: `d=1 ${n}x1`, A: { data: a, rows: n, cols: 1 }, b, xExact: ab / aa };
}

/**
 * Rank deficient: an n x d Gaussian matrix whose column `dup` is an exact copy of column `of`
 * (rank d - 1). The minimum-norm solution splits the weight equally: x[dup] = x[of]. `reduced` is A
 * without column `dup` (full rank), whose least-squares residual is the optimum.
 */
export function duplicateColumnProblem(n: number, d: number, dup: number, of: number, seed: number): Problem & { reduced: Matrix; dup: number; of: number } {
  const g = new Normal(new Rng(seed));
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = g.next();
  for (let i = 0; i < n; i++) data[i * d + dup] = data[i * d + of];
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) b[i] = data[i * d + of] - data[i * d] + 2 * g.next();
  const reduced = new Float64Array(n * (d - 1));
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let j = 0; j < d; j++) if (j !== dup) reduced[i * (d - 1) + c++] = data[i * d + j];
  }
  return { name: `duplicate column ${dup}=${of} ${n}x${d}`, A: { data, rows: n, cols: d }, b, reduced: { data: reduced, rows: n, cols: d - 1 }, dup, of };
}

/** A Gaussian n x d matrix. */
export function gaussianMatrix(n: number, d: number, seed: number): Matrix & { data: Float64Array } {
  const g = new Normal(new Rng(seed));
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = g.next();
  return { data, rows: n, cols: d };
}

/** A Gaussian vector. */
export function gaussianVector(n: number, seed: number): Float64Array {
  return gaussianMatrix(n, 1, seed).data;
}
