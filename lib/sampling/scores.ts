// The public leverageScores and lewisWeights (and their async forms): argument checks in
// leverage.ts / lewis.ts, then the native drivers (native/sampling/leverage.cc, lewis.cc) or the
// TypeScript ones. The native Lewis driver is lewis.ts lewisIteration in C++, operation for
// operation; running its per-row passes there rather than in TypeScript is what keeps them small
// next to the leverage computations at 10^6 rows (~0.1 s per update in TypeScript [measured]).
import { checkSignal, withStopFlag } from '../abort';
import { resolveBackend } from '../backend';
import { checkThreads } from '../linalg/lstsq_options';
import type { NativeBinding } from '../native';
import { float64Data } from '../sketch/sketch';
import type { Matrix } from '../sketch/matrix';
import type { Backend } from '../types';
import { BACKENDS, checkEnum } from '../validate';
import { approximateSizes, exactLeverage, leverageResolvedJs, resolveLeverage, SKETCH_NNZ, type LeverageOptions, type ResolvedLeverage } from './leverage';
import { lewisIteration, resolveLewis, type LewisMatrix, type LewisOptions, type LewisResult, type ResolvedLewis } from './lewis';

export interface BackendOptions {
  /** 'auto' (default), 'native' or 'js'. */
  backend?: Backend;
  /** Threads of the native backend (default: every core this process may use). Results do not depend on it. */
  threads?: number;
}

export interface LeverageScoresOptions extends LeverageOptions, BackendOptions {}
export interface LewisWeightsOptions extends LewisOptions, BackendOptions {}
export interface AsyncOptions {
  /** Rejects with the signal's reason (at the next leverage computation for lewisWeightsAsync). */
  signal?: AbortSignal;
}

const BACKEND_KEYS = ['backend', 'threads'] as const;
const METHOD_CODE = { exact: 0, approximate: 1 } as const;

function checkBackendOptions(fn: string, o: BackendOptions): { backend: Backend; threads: number } {
  return { backend: o.backend === undefined ? 'auto' : checkEnum(fn, 'options.backend', o.backend, BACKENDS), threads: checkThreads(fn, o.threads) };
}

/** The binding's arguments for the leverage scores of diag(scale)·A. */
function nativeArgs(r: ResolvedLeverage, scale: Float64Array | null, threads: number) {
  const { rows: n, cols: d } = r.A;
  const { sketchRows, jlColumns } = approximateSizes(n, d, r.epsilon);
  return [float64Data(r.A.data), n, d, scale, METHOD_CODE[r.method], r.key[0], r.key[1], sketchRows, jlColumns, SKETCH_NNZ, threads] as const;
}

/**
 * Leverage scores τ_i = ‖e_iᵀQ‖² of a tall A (Q an orthonormal basis of its column space; Σ τ =
 * rank A). 'exact' (default): pivoted QR and one triangular solve per row. 'approximate': a
 * sparse-sign sketch, QR and a Gaussian JL projection (Drineas, Magdon-Ismail, Mahoney, Woodruff
 * 2012), within 1 ± epsilon of τ_i for every row with high probability; reproducible from `seed`.
 * @throws TypeError / RangeError naming the argument; A is never modified.
 */
export function leverageScores(A: Matrix, options?: LeverageScoresOptions): Float64Array {
  const fn = 'leverageScores';
  const { r, o } = resolveLeverage<LeverageScoresOptions>(fn, A, options, BACKEND_KEYS);
  const { backend, threads } = checkBackendOptions(fn, o);
  const native = resolveBackend(fn, backend);
  return native ? native.leverageScores(...nativeArgs(r, null, threads)).tau : leverageResolvedJs(r);
}

/** {@link leverageScores} on the libuv pool (native backend); after one event-loop turn on the TypeScript backend. */
export async function leverageScoresAsync(A: Matrix, options?: LeverageScoresOptions & AsyncOptions): Promise<Float64Array> {
  const fn = 'leverageScoresAsync';
  const { r, o } = resolveLeverage<LeverageScoresOptions & AsyncOptions>(fn, A, options, [...BACKEND_KEYS, 'signal']);
  const { backend, threads } = checkBackendOptions(fn, o);
  const signal = checkSignal(fn, o.signal);
  const native = resolveBackend(fn, backend);
  signal?.throwIfAborted();
  if (native) {
    const { tau } = await native.leverageScoresAsync(...nativeArgs(r, null, threads));
    signal?.throwIfAborted();
    return tau;
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
  signal?.throwIfAborted();
  return leverageResolvedJs(r);
}

/** [A | b] as a new float64 matrix (A and b are not modified). */
export function augment(A: Matrix, b: Float64Array | Float32Array): Matrix {
  const { rows: n, cols: d, data } = A;
  const out = new Float64Array(n * (d + 1));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * (d + 1) + j] = data[i * d + j];
    out[i * (d + 1) + d] = b[i];
  }
  return { data: out, rows: n, cols: d + 1 };
}

/** A leverage step's matrix: A, or [A | b] kept as A and b where the native backend reads them. */
interface LeverageInput extends LewisMatrix {
  data: Float64Array;
  b: Float64Array | null;
}

/** The input for a backend: the native one reads A and b in place, the TypeScript one gets [A | b] once. */
function leverageInput(native: NativeBinding | null, A: Matrix, b: Float64Array | Float32Array | null): LeverageInput {
  if (b && !native) {
    const M = augment(A, b);
    return { data: M.data as Float64Array, n: M.rows, d: M.cols, b: null };
  }
  return { data: float64Data(A.data), n: A.rows, d: A.cols, b: b ? float64Data(b) : null };
}

/** Exact leverage scores of checked A, or of [A | b] (sampleRows' scores for regression). */
export function exactLeverageOf(fn: string, A: Matrix, b: Float64Array | Float32Array | null, backend: Backend, threads: number): Float64Array {
  const native = resolveBackend(fn, backend);
  const x = leverageInput(native, A, b);
  if (!native) return exactLeverage(x.data, x.n, x.d, null).tau;
  return native.leverageScores(x.data, x.n, x.d, null, METHOD_CODE.exact, 0, 0, 0, 0, 0, threads, x.b).tau;
}

export async function exactLeverageOfAsync(fn: string, A: Matrix, b: Float64Array | Float32Array | null, backend: Backend, threads: number, signal?: AbortSignal): Promise<Float64Array> {
  const native = resolveBackend(fn, backend);
  const x = leverageInput(native, A, b);
  signal?.throwIfAborted();
  if (native) return (await native.leverageScoresAsync(x.data, x.n, x.d, null, METHOD_CODE.exact, 0, 0, 0, 0, 0, threads, x.b)).tau;
  await new Promise<void>((resolve) => setImmediate(resolve));
  signal?.throwIfAborted();
  return exactLeverage(x.data, x.n, x.d, null).tau;
}

/** Lewis weights of checked A, or of [A | b], with the iteration's parameters in r (r.A unused). */
export function lewisWeightsOf(fn: string, A: Matrix, b: Float64Array | Float32Array | null, r: ResolvedLewis, backend: Backend, threads: number): LewisResult {
  const native = resolveBackend(fn, backend);
  const x = leverageInput(native, A, b); // once, not per iteration
  if (native) return native.lewisWeights(x.data, x.n, x.d, x.b, r.p, r.tolerance, r.maxIterations, threads);
  const gen = lewisIteration(r, x);
  let step = gen.next();
  while (!step.done) step = gen.next(exactLeverage(x.data, x.n, x.d, step.value));
  return step.value;
}

export async function lewisWeightsOfAsync(fn: string, A: Matrix, b: Float64Array | Float32Array | null, r: ResolvedLewis, backend: Backend, threads: number, signal?: AbortSignal): Promise<LewisResult> {
  const native = resolveBackend(fn, backend);
  const x = leverageInput(native, A, b);
  signal?.throwIfAborted();
  // The C++ iteration on the libuv pool; the signal stops it before its next leverage computation.
  if (native) return withStopFlag(signal, (control) => native.lewisWeightsAsync(x.data, x.n, x.d, x.b, r.p, r.tolerance, r.maxIterations, threads, control));
  const gen = lewisIteration(r, x);
  let step = gen.next();
  while (!step.done) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
    step = gen.next(exactLeverage(x.data, x.n, x.d, step.value));
  }
  return step.value;
}

/**
 * ℓp Lewis weights of a tall A (1 <= p < ∞): the unique w with w_i = τ_i(W^{1/2−1/p}A), Σ w =
 * rank A. Cohen–Peng's fixed-point iteration for p <= 2, the iteration w ← τ(W^{1/2−1/p}A) for
 * p > 2 (lib/sampling/lewis.ts has the convergence argument); each step is one exact leverage
 * computation. Reports the updates applied and the fixed-point residual max_i |ln(w_i/τ_i)|.
 * @throws TypeError / RangeError naming the argument; A is never modified.
 */
export function lewisWeights(A: Matrix, p: number, options?: LewisWeightsOptions): LewisResult {
  const fn = 'lewisWeights';
  const { r, o } = resolveLewis<LewisWeightsOptions>(fn, A, p, options, BACKEND_KEYS);
  const { backend, threads } = checkBackendOptions(fn, o);
  return lewisWeightsOf(fn, r.A, null, r, backend, threads);
}

/**
 * {@link lewisWeights} without blocking the event loop: the iteration runs on the libuv pool (native
 * backend), or each leverage computation after a turn of the event loop (TypeScript backend);
 * `signal` aborts before the next leverage computation with the signal's reason. Do not write A
 * while it is pending.
 */
export async function lewisWeightsAsync(A: Matrix, p: number, options?: LewisWeightsOptions & AsyncOptions): Promise<LewisResult> {
  const fn = 'lewisWeightsAsync';
  const { r, o } = resolveLewis<LewisWeightsOptions & AsyncOptions>(fn, A, p, options, [...BACKEND_KEYS, 'signal']);
  const { backend, threads } = checkBackendOptions(fn, o);
  const signal = checkSignal(fn, o.signal);
  return lewisWeightsOfAsync(fn, r.A, null, r, backend, threads, signal);
}
