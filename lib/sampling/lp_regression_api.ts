// The public lpRegression / lpRegressionAsync: argument checks, the optional row sample, and who
// solves the weighted least-squares subproblems of the solvers in lp_regression.ts — the native TSQR
// (native/linalg/qr.cc through the lstsq binding, method 'qr') when the addon runs the call, else
// qrSolve in TypeScript. Both backends run the same iteration, so they agree to rounding.
import { resolveBackend } from '../backend';
import { checkSignal } from '../abort';
import { rangeError, typeError } from '../errors';
import { checkThreads } from '../linalg/lstsq_options';
import type { NativeBinding } from '../native';
import { checkFinite, checkMatrix, type Matrix } from '../sketch/matrix';
import type { Backend } from '../types';
import { BACKENDS, checkEnum, checkOptions, checkRowVector } from '../validate';
import { LP_KNOWN_OPTIONS, lpSolver, resolveLp, runSolver, weightedLsJs, type LpRegressionOptions, type LpSolver, type LsRequest, type Problem, type ResolvedLp } from './lp_regression';

export interface RowSampleInput {
  /** Sampled row indices (distinct, each < A.rows), as sampleRows returns them. */
  indices: Uint32Array;
  /** Weight of each sampled row on |a_iᵀx − b_i|^p. */
  weights: Float64Array;
}

export interface LpRegressionCallOptions extends LpRegressionOptions {
  /**
   * Solve on these rows only (a {@link sampleRows} result): min Σ_k weights[k]·|a_{i_k}ᵀx − b_{i_k}|^p
   * (times options.weights[i_k] when given). The result then also reports `fullObjective`.
   */
  sample?: RowSampleInput;
  /** 'auto' (default), 'native' or 'js'. */
  backend?: Backend;
  /** Threads of the native least-squares solves (default: every core this process may use). */
  threads?: number;
}

export interface LpRegressionAsyncOptions extends LpRegressionCallOptions {
  /** Rejects with the signal's reason at the next iteration after an abort. */
  signal?: AbortSignal;
}

export interface LpRegressionResult {
  /** The minimizer found. */
  x: Float64Array;
  /** The minimized objective Σ w_i |a_iᵀx − b_i|^p (over the sampled rows with their weights, when `sample` is given). */
  objective: number;
  /** Weighted least-squares solves after the start. */
  iterations: number;
  /** Whether the stopping rule (or, for p = 1, the LP optimality certificate) was met. */
  converged: boolean;
  /** With `sample`: Σ_i w_i |a_iᵀx − b_i|^p over all rows of A (w = options.weights or 1). */
  fullObjective?: number;
}

const EXTRA = ['sample', 'backend', 'threads'] as const;

interface Resolved {
  r: ResolvedLp;
  backend: Backend;
  threads: number;
  /** The full problem, for fullObjective, when solving on a sample. */
  full: { A: Matrix; b: Float64Array | Float32Array; w: Float64Array | Float32Array | null } | null;
}

function resolve(fn: string, A: unknown, b: unknown, p: unknown, options: unknown, extra: readonly string[]): Resolved {
  const o = checkOptions<LpRegressionAsyncOptions>(fn, options, [...LP_KNOWN_OPTIONS, ...EXTRA, ...extra]);
  const backend = o.backend === undefined ? 'auto' : checkEnum(fn, 'options.backend', o.backend, BACKENDS);
  const threads = checkThreads(fn, o.threads);
  const base = { tolerance: o.tolerance, maxIterations: o.maxIterations, weights: o.weights, method: o.method };
  if (o.sample === undefined) return { r: resolveLp(fn, A, b, p, base).r, backend, threads, full: null };
  // Sample: check the full problem once, then solve on the sampled rows only (no copy of all of A).
  const M = checkMatrix(fn, 'A', A);
  const bb = checkRowVector(fn, 'b', b, M.rows);
  checkFinite(fn, 'A', M, 'b', bb, threads);
  const w = o.weights === undefined ? null : checkWeights(fn, o.weights, M.rows);
  const { indices, weights } = checkSample(fn, o.sample, M.rows);
  const d = M.cols;
  const k = indices.length;
  if (k === 0) throw rangeError(fn, 'options.sample', 'must hold at least one row', o.sample.indices);
  // A Bernoulli sample may hold fewer rows than columns: pad with zero rows of weight 0, so the
  // solve is an ordinary rank-deficient one (minimum-norm in the pivoted basis) on every backend.
  const rows = Math.max(k, d);
  const sub = new Float64Array(rows * d);
  const sb = new Float64Array(rows);
  const sw = new Float64Array(rows);
  for (let t = 0; t < k; t++) {
    const i = indices[t];
    for (let j = 0; j < d; j++) sub[t * d + j] = M.data[i * d + j];
    sb[t] = bb[i];
    sw[t] = weights[t] * (w ? w[i] : 1);
  }
  const r = resolveLp(fn, { data: sub, rows, cols: d }, sb, p, { tolerance: o.tolerance, maxIterations: o.maxIterations, weights: sw, method: o.method }).r;
  return { r, backend, threads, full: { A: M, b: bb, w } };
}

function checkWeights(fn: string, value: unknown, n: number): Float64Array | Float32Array {
  const w = checkRowVector(fn, 'options.weights', value, n);
  for (let i = 0; i < n; i++) if (!Number.isFinite(w[i]) || w[i] < 0) throw rangeError(fn, `options.weights[${i}]`, 'must be finite and nonnegative', w[i]);
  return w;
}

function checkSample(fn: string, s: unknown, n: number): RowSampleInput {
  if (s === null || typeof s !== 'object') throw typeError(fn, 'options.sample', 'must be an object { indices, weights } (a sampleRows result)', s);
  const { indices, weights } = s as Partial<RowSampleInput>;
  if (!(indices instanceof Uint32Array) && Object.prototype.toString.call(indices) !== '[object Uint32Array]') {
    throw typeError(fn, 'options.sample.indices', 'must be a Uint32Array', indices);
  }
  if (Object.prototype.toString.call(weights) !== '[object Float64Array]') throw typeError(fn, 'options.sample.weights', 'must be a Float64Array', weights);
  const idx = indices as Uint32Array;
  const wt = weights as Float64Array;
  if (wt.length !== idx.length) throw rangeError(fn, 'options.sample.weights', `must have sample.indices.length = ${idx.length} elements`, wt);
  const seen = new Uint8Array(n);
  for (let t = 0; t < idx.length; t++) {
    if (idx[t] >= n) throw rangeError(fn, `options.sample.indices[${t}]`, `must be < A.rows = ${n}`, idx[t]);
    if (seen[idx[t]]) throw rangeError(fn, `options.sample.indices[${t}]`, 'repeats an earlier index (merge duplicates by adding weights)', idx[t]);
    seen[idx[t]] = 1;
    if (!Number.isFinite(wt[t]) || wt[t] < 0) throw rangeError(fn, `options.sample.weights[${t}]`, 'must be finite and nonnegative', wt[t]);
  }
  return { indices: idx, weights: wt };
}

/**
 * The weighted least-squares subproblem for the native 'qr' solve: row scales √h_i (applied inside
 * the TSQR, no scaled copy of A) and the right-hand side z.
 */
function rowScale({ h }: LsRequest): Float64Array {
  return h.map(Math.sqrt);
}

// lstsq binding arguments after (A, n, d, b): method 'qr' (0); kind, sketch rows, key and nnz unused.
const QR_ARGS = [0, 0, 0, 0, 0, 0, 1e-12, 1] as const;

function nativeLs(native: NativeBinding, P: Problem, threads: number): (req: LsRequest) => Float64Array {
  return (req) => native.lstsq(P.A.data, P.n, P.d, req.z, ...QR_ARGS, threads, rowScale(req)).x;
}

function finish(res: LpRegressionResult, R: Resolved): LpRegressionResult {
  if (!R.full) return res;
  return { ...res, fullObjective: fullObjective(R.full.A, R.full.b, R.full.w, R.r.P.p, res.x) };
}

function fullObjective(A: Matrix, b: ArrayLike<number>, w: ArrayLike<number> | null, p: number, x: Float64Array): number {
  const { rows: n, cols: d, data } = A;
  let f = 0;
  for (let i = 0; i < n; i++) {
    let s = -b[i];
    const o = i * d;
    for (let j = 0; j < d; j++) s += data[o + j] * x[j];
    const a = Math.abs(s);
    f += (w ? w[i] : 1) * (p === 1 ? a : p === 2 ? a * a : Math.pow(a, p));
  }
  return f;
}

/**
 * min_x Σ_i w_i |a_iᵀx − b_i|^p for 1 <= p < ∞ (w = options.weights, default 1): least squares for
 * p = 2, smoothed IRLS polished to an LP-optimal vertex for p = 1, damped Newton on the true
 * objective otherwise (see lib/sampling/lp_regression.ts). With `options.sample` (a sampleRows
 * result) it solves the weighted problem on the sampled rows and also reports `fullObjective`.
 * @throws TypeError / RangeError naming the argument (A, b and options are never modified).
 */
export function lpRegression(A: Matrix, b: Float64Array | Float32Array, p: number, options?: LpRegressionCallOptions): LpRegressionResult {
  const R = resolve('lpRegression', A, b, p, options, []);
  const native = resolveBackend('lpRegression', R.backend);
  const solve = native ? nativeLs(native, R.r.P, R.threads) : (req: LsRequest) => weightedLsJs(R.r.P, req);
  return finish(runSolver(lpSolver(R.r), solve), R);
}

/**
 * {@link lpRegression} without blocking the event loop: on the native backend every least-squares
 * solve runs on the libuv pool (the O(n·d) residual updates between them stay on the main thread);
 * on the TypeScript backend the event loop gets a turn between iterations. `signal` aborts at the
 * next iteration, rejecting with the signal's reason. Do not write A or b while it is pending.
 */
export async function lpRegressionAsync(A: Matrix, b: Float64Array | Float32Array, p: number, options?: LpRegressionAsyncOptions): Promise<LpRegressionResult> {
  const fn = 'lpRegressionAsync';
  const R = resolve(fn, A, b, p, options, ['signal']);
  const signal = options?.signal;
  checkSignal(fn, signal);
  const native = resolveBackend(fn, R.backend);
  return finish(await runSolverAsync(lpSolver(R.r), R.r.P, native, R.threads, signal), R);
}

async function runSolverAsync(gen: LpSolver, P: Problem, native: NativeBinding | null, threads: number, signal: AbortSignal | undefined): Promise<LpRegressionResult> {
  const control = new Int32Array(1);
  let step = gen.next();
  while (!step.done) {
    signal?.throwIfAborted();
    let x: Float64Array;
    if (native) {
      // Copies: the solver mutates its h and z after the next step, while the pool may still read them.
      const z = Float64Array.from(step.value.z);
      x = (await native.lstsqAsync(P.A.data, P.n, P.d, z, ...QR_ARGS, threads, null, control, rowScale(step.value))).x;
    } else {
      await new Promise<void>((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      x = weightedLsJs(P, step.value);
    }
    step = gen.next(x);
  }
  return step.value;
}
