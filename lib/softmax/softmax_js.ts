// The TypeScript backend of softmax and log-softmax: the same algorithms and special-value rules as
// the kernels, computed in float64 (Math.exp). Each store into a Float32Array rounds: three-pass
// reload stores exp(x - max) and scales it in place, so its float32 outputs are rounded twice (as the
// kernels' are); the other algorithms round once.
import type { FloatArray } from '../types';
import { logSumExpParts, raddextexp, vscaleextexp } from './two_pass_js';

// Module-level copies of the Math functions: in a sandboxed realm (jest's vm contexts) every global
// lookup in a hot loop goes through an interceptor and costs ~15x the arithmetic.
const { exp, log: ln } = Math;
const NEG_INF = -Infinity;
/** Rows shorter than this run three-pass even for 'two-pass' (native/softmax/softmax.cc). */
const TWO_PASS_MIN_COLS = 16;

/** The algorithms of the TypeScript backend; for log-softmax both three-pass ones run max, sum of exp, then (x - max) - lse. */
export type JsAlgorithm = 'reload' | 'recompute' | 'two-pass';

// Terms with x - max below ln(smallest normal) are exactly 0, as in the kernels (the same constants:
// the float32 one is the float nearest above ln(FLT_MIN), as in native/softmax/exp_constants.h).
const CUTOFF_F32 = -87.33654022216797;
const CUTOFF_F64 = -708.3964185322641;

/** max of x[start..end), or NaN when the row holds a NaN. */
function rowMax(x: FloatArray, start: number, end: number): number {
  let m = NEG_INF;
  for (let i = start; i < end; i++) {
    const v = x[i];
    if (v > m) m = v;
    else if (v !== v) return v;
  }
  return m;
}

/** Compensated sum of exp(x - max) over the row; stores each term in y when y is given. */
function sumExp(x: FloatArray, start: number, end: number, max: number, cutoff: number, y: FloatArray | null): number {
  let s = 0;
  let c = 0;
  for (let i = start; i < end; i++) {
    const z = x[i] - max;
    const e = z < cutoff ? 0 : exp(z);
    if (y !== null) y[i] = e;
    const t = s + e;
    c += s >= e ? s - t + e : e - t + s;
    s = t;
  }
  return s + c;
}

/** (x - max) - lse with one rounding: TwoSum for both subtractions, error terms added back once. */
function logSubF64(x: number, max: number, lse: number): number {
  const s = x - max;
  const b1 = s - x;
  const e1 = x - (s - b1) + (-max - b1);
  const y = s - lse;
  const b2 = y - s;
  const e2 = s - (y - b2) + (-lse - b2);
  const corr = e1 + e2;
  const r = corr === corr ? y + corr : y;
  return 0 < r ? 0 : r; // log-softmax is <= 0 (NaN kept)
}

/** Two-pass row; special rows (NaN, +inf, huge or all-clamped) are redone by three-pass reload. */
function twoPassRow(x: FloatArray, y: FloatArray, start: number, end: number, f32: boolean, log: boolean): void {
  // As in the kernels: short rows gain nothing from two-pass and are exact with three-pass.
  if (end - start < TWO_PASS_MIN_COLS) {
    threePassRow(x, y, start, end, f32, 'reload', log);
    return;
  }
  const s = raddextexp(x, start, end, f32);
  if (s.special) {
    threePassRow(x, y, start, end, f32, 'reload', log);
  } else if (log) {
    const { hi, lo } = logSumExpParts(s);
    if (f32) {
      const lse = hi + lo;
      for (let i = start; i < end; i++) {
        const v = x[i] - lse;
        y[i] = 0 < v ? 0 : v; // log-softmax is <= 0; lse carries rounding of its own
      }
    } else {
      for (let i = start; i < end; i++) y[i] = logSubF64(x[i], hi, lo);
    }
  } else {
    vscaleextexp(x, y, start, end, s, f32);
  }
}

function threePassRow(x: FloatArray, y: FloatArray, start: number, end: number, f32: boolean, algorithm: JsAlgorithm, log: boolean): void {
  const max = rowMax(x, start, end);
  if (max !== max) {
    y.fill(NaN, start, end);
    return;
  }
  const cutoff = f32 ? CUTOFF_F32 : CUTOFF_F64;
  if (log) {
    const lse = ln(sumExp(x, start, end, max, cutoff, null));
    if (f32) {
      // float32 inputs subtract exactly in float64; the store rounds once.
      for (let i = start; i < end; i++) y[i] = x[i] - max - lse;
    } else {
      for (let i = start; i < end; i++) y[i] = logSubF64(x[i], max, lse);
    }
  } else if (algorithm === 'reload') {
    const inv = 1 / sumExp(x, start, end, max, cutoff, y);
    for (let i = start; i < end; i++) y[i] *= inv;
  } else {
    const inv = 1 / sumExp(x, start, end, max, cutoff, null);
    for (let i = start; i < end; i++) {
      const z = x[i] - max;
      y[i] = (z < cutoff ? 0 : exp(z)) * inv;
    }
  }
}

/** Softmax (or log-softmax) of rows [rowStart, rowEnd) of a rows x cols row-major array. */
export function softmaxRowsJs(
  x: FloatArray,
  y: FloatArray,
  cols: number,
  rowStart: number,
  rowEnd: number,
  f32: boolean,
  algorithm: JsAlgorithm,
  log: boolean,
): void {
  for (let r = rowStart; r < rowEnd; r++) {
    if (algorithm === 'two-pass') twoPassRow(x, y, r * cols, (r + 1) * cols, f32, log);
    else threePassRow(x, y, r * cols, (r + 1) * cols, f32, algorithm, log);
  }
}
