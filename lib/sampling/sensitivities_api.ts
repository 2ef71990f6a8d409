// The public lpSensitivities and totalSensitivity: the TypeScript per-row solvers of
// sensitivities.ts, with the Lewis weights they start from ('upper-bound', 'approximate') computed on
// the chosen backend (lewisWeights in scores.ts), which is the O(n·d²)-per-step part at large n.
import { checkThreads } from '../linalg/lstsq_options';
import type { Matrix } from '../sketch/matrix';
import { BACKENDS, checkEnum, checkOptions } from '../validate';
import { checkTallFiniteMatrix } from './leverage';
import { checkP, type LewisResult } from './lewis';
import { lewisWeights, type BackendOptions } from './scores';
import { lpSensitivitiesJs, totalSensitivityJs, type SensitivityOptions, type SensitivityResult, type TotalSensitivityOptions, type TotalSensitivityResult } from './sensitivities';

export type { SensitivityResult, TotalSensitivityOptions, TotalSensitivityResult };
export interface LpSensitivitiesOptions extends SensitivityOptions, BackendOptions {}

const FN = 'lpSensitivities';
const KNOWN = ['method', 'seed', 'embeddingRows', 'lewis', 'backend', 'threads'] as const;

/**
 * Weights that sensitivities.ts may treat as exact Lewis weights (γ = 1, ‖w‖₁ = rank) and still get
 * valid bounds from computed ones: the computed w is one-sided γ-Lewis with γ = e^{−residual}, so
 * σ_i <= w_i·e^{residual} (p <= 2) and σ_i <= e^{residual·p/2}·‖w‖₁^{p/2−1}·w_i (p > 2, notes §1.2).
 */
function asExact(l: LewisResult, p: number): Float64Array {
  let f = Math.exp(l.residual);
  if (p > 2) {
    let sum = 0;
    for (let i = 0; i < l.weights.length; i++) sum += l.weights[i];
    f = Math.exp((l.residual * p) / 2) * Math.pow(sum / Math.max(l.rank, 1), p / 2 - 1);
  }
  return l.weights.map((w) => w * f);
}

/**
 * ℓp sensitivities σ_i = sup_x |a_iᵀx|^p/‖Ax‖_p^p of the rows of a tall A and their total 𝔖.
 * 'exact' (default): one convex problem per row (1/σ_i = min ‖Ax‖_p^p s.t. a_iᵀx = 1), O(n²·d²)
 * per solver iteration — for n up to a few thousand. 'approximate': the same problems against a
 * Lewis-sampled ℓp embedding of A (20·d rows for p <= 2). 'upper-bound': from Lewis weights, no
 * solves (σ_i <= w_i for p <= 2, <= d^{p/2−1}·w_i for p > 2). p = 2: the leverage scores.
 * @throws TypeError / RangeError naming the argument; A is never modified.
 */
export function lpSensitivities(A: Matrix, p: number, options?: LpSensitivitiesOptions): SensitivityResult {
  const o = checkOptions<LpSensitivitiesOptions>(FN, options, KNOWN);
  const { backend: b, threads: t, ...rest } = o;
  const backend = b === undefined ? 'auto' : checkEnum(FN, 'options.backend', b, BACKENDS);
  const threads = checkThreads(FN, t);
  const needsLewis = (o.method === 'upper-bound' || o.method === 'approximate') && o.lewis === undefined;
  if (!needsLewis || p === 2 || backend === 'js') return lpSensitivitiesJs(A, p, rest);
  // Check what the Lewis computation does not before paying for it, with this function's name.
  checkTallFiniteMatrix(FN, A);
  checkP(FN, p);
  if (rest.embeddingRows !== undefined && !(Number.isSafeInteger(rest.embeddingRows) && rest.embeddingRows >= 1)) {
    return lpSensitivitiesJs(A, p, rest); // reports the bad option by name
  }
  // Any residual gives valid bounds (asExact), so unconverged weights are used as they are.
  const lewis = lewisWeights(A, p, { backend, threads });
  return lpSensitivitiesJs(A, p, { ...rest, lewis: asExact(lewis, p) });
}

/**
 * The total sensitivity 𝔖 = Σ σ_i: 'exact' (all n per-row problems) or 'estimate' (importance
 * sampling on Lewis weights, ~16·d^{|1−p/2|} per-row problems, with its standard error).
 */
export function totalSensitivity(A: Matrix, p: number, options?: TotalSensitivityOptions): TotalSensitivityResult {
  return totalSensitivityJs(A, p, options);
}
