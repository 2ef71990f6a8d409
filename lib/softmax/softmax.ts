// Public softmax / log-softmax: validation, backend choice, and the sync and async forms.
import { resolveBackend } from '../backend';
import { rangeError } from '../errors';
import type { NativeBinding } from '../native';
import type { Backend, FloatArray } from '../types';
import { BACKENDS, checkEnum, checkFloatArray, checkOptions, checkOut, checkPositiveInteger, floatKind } from '../validate';
import { softmaxRowsJs, type JsAlgorithm } from './softmax_js';

/**
 * `'auto'` (the default) picks per row length and ISA: `'three-pass-reload'` while input and output
 * fit in this core's share of the last-level cache, `'two-pass'` beyond (on the TypeScript backend,
 * always `'three-pass-reload'`). `'two-pass'` is Dukhan & Ablavatski's algorithm: two reads of x, one
 * write, no max pass; rows it cannot do exactly (NaN, ±inf, |x| > 65536 for float) fall back to
 * three-pass, so every algorithm gives the same special values.
 */
export type SoftmaxAlgorithm = 'auto' | 'two-pass' | 'three-pass-reload' | 'three-pass-recompute';

export interface SoftmaxOptions<T extends FloatArray = FloatArray> {
  /** Treat x as `rows` x (x.length / rows), row-major, one softmax per row. Default 1. */
  rows?: number;
  /** Where to write the result: same type and length as x; may be x itself (in place). Default: a new array. */
  out?: T;
  /** Default `'auto'`. */
  algorithm?: SoftmaxAlgorithm;
  /**
   * Default `'auto'`: the addon when it is loaded (except for inputs of at most 32 elements, where
   * TypeScript is faster than the call into the addon), else TypeScript. `'native'` throws when the
   * addon is unavailable.
   */
  backend?: Backend;
}

const ALGORITHMS: readonly SoftmaxAlgorithm[] = ['auto', 'two-pass', 'three-pass-reload', 'three-pass-recompute'];
const OPTION_KEYS = ['rows', 'out', 'algorithm', 'backend'] as const;
const NATIVE_ALGORITHM: Record<SoftmaxAlgorithm, number> = {
  'three-pass-reload': 0,
  'three-pass-recompute': 1,
  'two-pass': 2,
  auto: 3,
};
const JS_ALGORITHM: Record<SoftmaxAlgorithm, JsAlgorithm> = {
  'three-pass-reload': 'reload',
  'three-pass-recompute': 'recompute',
  'two-pass': 'two-pass',
  auto: 'reload',
};

/**
 * With `backend: 'auto'`, inputs of at most this many elements run on TypeScript: for them the
 * N-API call costs more than the work (measured by `npm run bench`, "tiny rows").
 */
export const AUTO_JS_MAX_ELEMENTS = 16;

/** Rows handed to the TypeScript backend between two yields of the event loop in the async forms. */
const ASYNC_CHUNK_ELEMENTS = 1 << 20;

interface Call<T extends FloatArray> {
  x: T;
  out: T;
  rows: number;
  cols: number;
  f32: boolean;
  algorithm: SoftmaxAlgorithm;
  native: NativeBinding | null;
}

function prepare<T extends FloatArray>(fn: string, x: unknown, options: unknown): Call<T> {
  const input = checkFloatArray(fn, 'x', x) as T;
  const o = checkOptions<SoftmaxOptions<T>>(fn, options, OPTION_KEYS);
  const rows = o.rows === undefined ? 1 : checkPositiveInteger(fn, 'options.rows', o.rows);
  if (input.length % rows !== 0) throw rangeError(fn, 'options.rows', `must divide x.length ${input.length}`, o.rows);
  const algorithm = o.algorithm === undefined ? 'auto' : checkEnum(fn, 'options.algorithm', o.algorithm, ALGORITHMS);
  const backend = o.backend === undefined ? 'auto' : checkEnum(fn, 'options.backend', o.backend, BACKENDS);
  const f32 = floatKind(input) === 'Float32Array';
  const given = o.out === undefined ? undefined : checkOut(fn, input, o.out);
  const native = resolveBackend(fn, backend);
  // Allocated only once every check has passed, so a refused call allocates nothing.
  const out = given ?? ((f32 ? new Float32Array(input.length) : new Float64Array(input.length)) as T);
  const tiny = backend === 'auto' && input.length <= AUTO_JS_MAX_ELEMENTS;
  return { x: input, out, rows, cols: input.length / rows, f32, algorithm, native: tiny ? null : native };
}

function run<T extends FloatArray>(c: Call<T>, log: boolean): T {
  if (c.native) return c.native.softmax(c.x, c.out, c.rows, NATIVE_ALGORITHM[c.algorithm], log);
  softmaxRowsJs(c.x, c.out, c.cols, 0, c.rows, c.f32, JS_ALGORITHM[c.algorithm], log);
  return c.out;
}

// Native: the kernels run on the libuv pool. TypeScript: rows run on the main thread in chunks of
// about 2^20 elements with a yield to the event loop between chunks (a single long row is one chunk).
async function runAsync<T extends FloatArray>(c: Call<T>, log: boolean): Promise<T> {
  if (c.native) return c.native.softmaxAsync(c.x, c.out, c.rows, NATIVE_ALGORITHM[c.algorithm], log);
  const rowsPerChunk = Math.max(1, Math.floor(ASYNC_CHUNK_ELEMENTS / c.cols));
  for (let r = 0; r < c.rows; r += rowsPerChunk) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    softmaxRowsJs(c.x, c.out, c.cols, r, Math.min(c.rows, r + rowsPerChunk), c.f32, JS_ALGORITHM[c.algorithm], log);
  }
  return c.out;
}

/**
 * Softmax per row: y = exp(x - max) / sum(exp(x - max)).
 * @returns `options.out` if given, else a new array of x's type.
 * @throws TypeError / RangeError naming the argument for bad input (x is never modified then).
 */
export function softmax<T extends FloatArray>(x: T, options?: SoftmaxOptions<T>): T {
  return run(prepare<T>('softmax', x, options), false);
}

/** Log-softmax per row: y = (x - max) - log(sum(exp(x - max))), in that order. */
export function logSoftmax<T extends FloatArray>(x: T, options?: SoftmaxOptions<T>): T {
  return run(prepare<T>('logSoftmax', x, options), true);
}

/**
 * {@link softmax} off the main thread (native backend). Bad input rejects the promise. Do not
 * transfer or write x or out while the promise is pending.
 */
export async function softmaxAsync<T extends FloatArray>(x: T, options?: SoftmaxOptions<T>): Promise<T> {
  return runAsync(prepare<T>('softmaxAsync', x, options), false);
}

/** {@link logSoftmax} off the main thread (native backend); see {@link softmaxAsync}. */
export async function logSoftmaxAsync<T extends FloatArray>(x: T, options?: SoftmaxOptions<T>): Promise<T> {
  return runAsync(prepare<T>('logSoftmaxAsync', x, options), true);
}
