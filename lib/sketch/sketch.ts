// The public sketch(): S·A (and S·b) for a random S of `rows` rows with E[SᵀS] = I, on the addon's
// kernels or the TypeScript backend (sketch_js.ts), with the same random choices on both.
import { resolveBackend } from '../backend';
import { rangeError } from '../errors';
import { checkThreads, pow2AtLeast } from '../linalg/lstsq_options';
import type { NativeBinding } from '../native';
import { seedToKey } from '../random/philox';
import type { Backend } from '../types';
import { BACKENDS, checkEnum, checkOptions, checkPositiveInteger, floatKind, checkRowVector } from '../validate';
import { checkFinite, checkMatrix, type Matrix } from './matrix';
import { sketchJs, type SketchKind } from './sketch_js';

export type { SketchKind } from './sketch_js';

export interface SketchOptions {
  /** Sketch size m: rows of S and of the result. Required; 1..A.rows (srht: up to A.rows rounded up to a power of two). */
  rows: number;
  /**
   * Default 'sparse-sign'. 'gaussian' (N(0,1)/√m entries), 'rademacher' (±1/√m), 'srht' (random
   * signs, Walsh-Hadamard transform over A.rows zero-padded to a power of two N, m rows sampled
   * without replacement, scaled by 1/√m), 'countsketch' (one ±1 per input row in a random bucket),
   * 'sparse-sign' (nnzPerColumn distinct buckets per input row, ±1/√nnzPerColumn).
   */
  kind?: SketchKind;
  /** Philox4x32-10 key (see README "Random numbers"). Default 0. */
  seed?: number | bigint;
  /** 'sparse-sign' only: nonzeros per column of S, 1..rows. Default min(8, rows). */
  nnzPerColumn?: number;
  /** A right-hand side to sketch with the same S (result.Sb). */
  b?: Float64Array | Float32Array;
  /** Threads of the native kernels, 1..cores. Default every core. The result does not depend on it. */
  threads?: number;
  backend?: Backend;
}

export interface SketchResult {
  /** S·A, rows x A.cols, row-major float64. */
  SA: Matrix & { data: Float64Array };
  /** S·b when b was given. */
  Sb?: Float64Array;
}

export const SKETCH_KINDS: readonly SketchKind[] = ['gaussian', 'rademacher', 'srht', 'countsketch', 'sparse-sign'];
export const KIND_CODE: Record<SketchKind, number> = { gaussian: 0, rademacher: 1, srht: 2, countsketch: 3, 'sparse-sign': 4 };
const OPTION_KEYS = ['rows', 'kind', 'seed', 'nnzPerColumn', 'b', 'threads', 'backend'] as const;
const DEFAULT_NNZ = 8;

/** A sketch operator's parameters, checked (shared with SketchAccumulator). */
export interface SketchOperator {
  kind: SketchKind;
  rows: number;
  seed: number | bigint;
  key: [number, number];
  nnzPerColumn: number;
}

/** Checks kind, rows (≤ maxRows), seed and nnzPerColumn. */
export function checkOperator(fn: string, o: Partial<SketchOptions>, maxRows: number, maxRowsWhy: string, kinds: readonly SketchKind[] = SKETCH_KINDS): SketchOperator {
  const kind = o.kind === undefined ? 'sparse-sign' : checkEnum(fn, 'options.kind', o.kind, kinds);
  if (o.rows === undefined) throw rangeError(fn, 'options.rows', 'is required (the sketch size m)', o.rows);
  const rows = checkPositiveInteger(fn, 'options.rows', o.rows);
  if (rows > maxRows) throw rangeError(fn, 'options.rows', `must be at most ${maxRows} (${maxRowsWhy})`, rows);
  const seed = o.seed ?? 0;
  const key = seedToKey(fn, seed);
  let nnzPerColumn = kind === 'sparse-sign' ? Math.min(DEFAULT_NNZ, rows) : 1;
  if (o.nnzPerColumn !== undefined) {
    if (kind !== 'sparse-sign') throw rangeError(fn, 'options.nnzPerColumn', `applies only to kind 'sparse-sign' (kind is '${kind}')`, o.nnzPerColumn);
    nnzPerColumn = checkPositiveInteger(fn, 'options.nnzPerColumn', o.nnzPerColumn);
    if (nnzPerColumn > rows) throw rangeError(fn, 'options.nnzPerColumn', `must be at most options.rows = ${rows}`, nnzPerColumn);
  }
  return { kind, rows, seed, key, nnzPerColumn };
}

/** A's data as a Float64Array (a copy for Float32Array data; the addon computes in float64). */
export function float64Data(data: Float64Array | Float32Array): Float64Array {
  return floatKind(data) === 'Float64Array' ? (data as Float64Array) : Float64Array.from(data);
}

/**
 * S·A (and S·b) for a random sketching matrix S with `options.rows` rows, E[SᵀS] = I. The same
 * (seed, kind, shape) gives the same S on every backend, ISA and thread count; the result agrees
 * bit for bit for 'rademacher', 'countsketch' and 'sparse-sign', and to rounding otherwise.
 * @throws TypeError / RangeError naming the argument for bad input (A and b are never modified).
 */
export function sketch(A: Matrix, options: SketchOptions): SketchResult {
  const c = prepare('sketch', A, options);
  const out = c.native ? sketchNative(c.native, c.A, c.b, c.op, c.threads) : sketchJs('sketch', c.A, c.b, c.op);
  checkOutput('sketch', c, out);
  return splitResult(out, c.op.rows, c.A.cols, c.b !== null);
}

/**
 * Every entry of S touches the output (no zero coefficients), so S·[A | b] is finite exactly when
 * A and b are (barring overflow): checking the small output costs nothing, and only a bad result
 * pays for scanning the input to name the culprit.
 */
function checkOutput(fn: string, c: SketchCall, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      checkFinite(fn, 'A', c.A, 'options.b', c.b, c.threads);
      throw rangeError(fn, 'A', 'has entries so large that the sketch overflows (an entry of S·A is not finite)', c.A);
    }
  }
}

/**
 * {@link sketch} off the main thread (native backend: the libuv pool; TypeScript: on the main thread
 * after one turn of the event loop). Bad input rejects. Do not transfer or write A or b meanwhile.
 */
export async function sketchAsync(A: Matrix, options: SketchOptions): Promise<SketchResult> {
  const c = prepare('sketchAsync', A, options);
  let out: Float64Array;
  if (c.native) {
    const k = c.A.cols + (c.b ? 1 : 0);
    out = new Float64Array(c.op.rows * k);
    await c.native.sketchAccumulateAsync(float64Data(c.A.data), c.A.rows, c.A.cols, c.b ? float64Data(c.b) : null, KIND_CODE[c.op.kind], c.op.rows, c.op.key[0], c.op.key[1], c.op.nnzPerColumn, 0, out, c.threads);
  } else {
    await new Promise<void>((resolve) => setImmediate(resolve));
    out = sketchJs('sketchAsync', c.A, c.b, c.op);
  }
  checkOutput('sketchAsync', c, out);
  return splitResult(out, c.op.rows, c.A.cols, c.b !== null);
}

interface SketchCall {
  A: Matrix;
  b: Float64Array | Float32Array | null;
  op: SketchOperator;
  threads: number;
  native: NativeBinding | null;
}

function prepare(fn: string, A: unknown, options: unknown): SketchCall {
  const M = checkMatrix(fn, 'A', A);
  if (options === undefined) throw rangeError(fn, 'options', 'is required ({ rows })', options);
  const o = checkOptions<SketchOptions>(fn, options, OPTION_KEYS);
  const isSrht = o.kind === 'srht';
  const op = checkOperator(fn, o, isSrht ? pow2AtLeast(M.rows) : M.rows, isSrht ? 'A.rows rounded up to a power of two' : 'A.rows');
  let b: Float64Array | Float32Array | null = null;
  if (o.b !== undefined) {
    b = checkRowVector(fn, 'options.b', o.b, M.rows);
  }
  const threads = checkThreads(fn, o.threads);
  const backend = o.backend === undefined ? 'auto' : checkEnum(fn, 'options.backend', o.backend, BACKENDS);
  return { A: M, b, op, threads, native: resolveBackend(fn, backend) };
}

function sketchNative(native: NativeBinding, M: Matrix, b: Float64Array | Float32Array | null, op: SketchOperator, threads: number): Float64Array {
  const k = M.cols + (b ? 1 : 0);
  const out = new Float64Array(op.rows * k);
  native.sketchAccumulate(float64Data(M.data), M.rows, M.cols, b ? float64Data(b) : null, KIND_CODE[op.kind], op.rows, op.key[0], op.key[1], op.nnzPerColumn, 0, out, threads);
  return out;
}

/** Splits an m x (d [+ 1]) row-major [S·A | S·b] into the result object. */
export function splitResult(out: Float64Array, m: number, d: number, withB: boolean, k = d + (withB ? 1 : 0)): SketchResult {
  if (!withB) return { SA: { data: out, rows: m, cols: d } };
  const SA = new Float64Array(m * d);
  const Sb = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    SA.set(out.subarray(r * k, r * k + d), r * d);
    Sb[r] = out[r * k + d];
  }
  return { SA: { data: SA, rows: m, cols: d }, Sb };
}
