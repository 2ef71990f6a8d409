// Checks of softmax / log-softmax outputs against the reference, with failure messages that name
// the case, the worst index, what was computed and what was wanted. Each check returns a list of
// problems; tests assert `expect(problems).toEqual([])` so a failure prints them all.
import { LN_MIN_NORMAL, rowMax, type Dtype } from './reference';
import type { FloatArray } from './prng';

// jest runs modules in a vm context where every global lookup (Math, Infinity, NaN, Object) goes
// through an interceptor, ~15x slower in hot loops: take them once at module scope.
const { abs: fabs, floor, fround } = Math;
const is = Object.is;
const INF = Number.POSITIVE_INFINITY;

/** The accuracy bounds of the issue. Do not loosen. */
export const BOUNDS = {
  f32: {
    /** softmax: relative error for outputs whose reference is >= relFloor */
    rel: 1e-5,
    relFloor: 1e-30,
    /** softmax: absolute error below relFloor */
    abs: 1e-30,
    /** softmax: |sum of the row's outputs - 1| */
    sum: 1e-5,
    /** log-softmax: absolute error where the reference is > logFloor (relative below it) */
    logAbs: 1e-5,
    logFloor: -80,
  },
  f64: {
    rel: 1e-13,
    relFloor: 1e-300,
    abs: 1e-300,
    sum: 1e-13,
    logAbs: 1e-13,
    logFloor: -700,
  },
} as const;

export function dtypeOf(a: FloatArray): Dtype {
  return Object.prototype.toString.call(a) === '[object Float32Array]' ? 'f32' : 'f64';
}

/** Shortest exact rendering of a number (keeps -0 and the float32 value readable). */
export function fmt(v: number): string {
  return is(v, -0) ? '-0' : String(v);
}

/** Collects the failures of one kind: counts them, remembers the worst. */
class Worst {
  count = 0;
  private worstScore = -INF;
  private worstText = '';

  constructor(private readonly what: string) {}

  add(score: number, text: () => string): void {
    this.count++;
    if (score > this.worstScore || this.count === 1) {
      this.worstScore = score;
      this.worstText = text();
    }
  }

  report(label: string, out: string[]): void {
    if (this.count > 0) out.push(`${label}: ${this.count} ${this.what}; worst ${this.worstText}`);
  }
}

/** Neumaier-compensated float64 sum of a[start..end). */
export function compensatedSum(a: ArrayLike<number>, start: number, end: number): number {
  let s = 0;
  let c = 0;
  for (let i = start; i < end; i++) {
    const v = a[i];
    const t = s + v;
    c += fabs(s) >= fabs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}

export interface CheckArgs {
  /** Names the case in failure messages (backend, ISA, algorithm, dtype, input). */
  label: string;
  x: ArrayLike<number>;
  got: ArrayLike<number>;
  /** The reference (reference().soft or .log) for x. */
  ref: Float64Array;
  rows: number;
  dtype: Dtype;
}

/**
 * Softmax: NaN exactly where the reference is NaN; exactly 0 where x - max < ln(smallest normal);
 * relative error <= rel where ref >= relFloor, absolute <= abs below; |row sum - 1| <= sum.
 */
export function checkSoftmax({ label, x, got, ref, rows, dtype }: CheckArgs): string[] {
  const b = BOUNDS[dtype];
  const n = x.length;
  const cols = n / rows;
  const problems: string[] = [];
  if (got.length !== n) return [`${label}: output length ${got.length}, want ${n}`];
  const nan = new Worst('outputs NaN where the reference is not, or not NaN where it is');
  const zero = new Worst('outputs not exactly 0 where x - max < ln(smallest normal)');
  const range = new Worst('outputs outside [0, 1]');
  const rel = new Worst(`outputs with relative error > ${b.rel}`);
  const abs = new Worst(`outputs below ${b.relFloor} with absolute error > ${b.abs}`);
  const sum = new Worst(`rows whose sum is off 1 by more than ${b.sum}`);
  const cutoff = LN_MIN_NORMAL[dtype];
  const at = (i: number, r: number, start: number, m: number): string =>
    `at [${i}] (row ${r}, col ${i - start}): x ${fmt(x[i])}, max ${fmt(m)}, got ${fmt(got[i])}, want ${fmt(ref[i])}`;
  for (let r = 0; r < rows; r++) {
    const start = r * cols;
    const end = start + cols;
    const m = rowMax(x, start, end);
    let nanRow = true;
    for (let i = start; i < end; i++) {
      const g = got[i];
      const w = ref[i];
      if (w !== w) {
        if (g === g) nan.add(1, () => at(i, r, start, m));
        continue;
      }
      nanRow = false;
      if (g !== g) {
        nan.add(1, () => at(i, r, start, m));
        continue;
      }
      if (!(g >= 0 && g <= 1)) range.add(fabs(g), () => at(i, r, start, m));
      if (x[i] - m < cutoff && g !== 0) zero.add(g, () => at(i, r, start, m));
      const err = fabs(g - w);
      if (w >= b.relFloor) {
        if (err > b.rel * w) rel.add(err / w, () => `${at(i, r, start, m)}, relative error ${(err / w).toExponential(3)}`);
      } else if (err > b.abs) {
        abs.add(err, () => `${at(i, r, start, m)}, absolute error ${err.toExponential(3)}`);
      }
    }
    if (!nanRow) {
      const s = compensatedSum(got, start, end);
      const e = fabs(s - 1);
      if (!(e <= b.sum)) sum.add(e, () => `row ${r} (${cols} cols): sum ${fmt(s)}, |sum - 1| = ${e.toExponential(3)}`);
    }
  }
  for (const w of [nan, zero, range, rel, abs, sum]) w.report(label, problems);
  return problems;
}

/**
 * Log-softmax: NaN exactly where the reference is NaN, -inf exactly where it is -inf (and where the
 * float32 rounding of a finite reference overflows); absolute error <= logAbs where the reference
 * is > logFloor, relative error <= logAbs below it.
 */
export function checkLogSoftmax({ label, x, got, ref, rows, dtype }: CheckArgs): string[] {
  const b = BOUNDS[dtype];
  const n = x.length;
  const cols = n / rows;
  const problems: string[] = [];
  if (got.length !== n) return [`${label}: output length ${got.length}, want ${n}`];
  const nan = new Worst('outputs NaN where the reference is not, or not NaN where it is');
  const inf = new Worst('outputs -inf where the reference is finite, or finite where it is -inf');
  const pos = new Worst('outputs > 0');
  const abs = new Worst(`outputs above ${b.logFloor} with absolute error > ${b.logAbs}`);
  const rel = new Worst(`outputs at or below ${b.logFloor} with relative error > ${b.logAbs}`);
  const at = (i: number): string =>
    `at [${i}] (row ${floor(i / cols)}, col ${i % cols}): x ${fmt(x[i])}, got ${fmt(got[i])}, want ${fmt(ref[i])}`;
  for (let i = 0; i < n; i++) {
    const g = got[i];
    const w = ref[i];
    if (w !== w || g !== g) {
      if ((w !== w) !== (g !== g)) nan.add(1, () => at(i));
      continue;
    }
    const wantInf = w === -INF || (dtype === 'f32' && fround(w) === -INF);
    if (wantInf || g === -INF) {
      if (wantInf !== (g === -INF)) inf.add(1, () => at(i));
      continue;
    }
    if (g > 0) pos.add(g, () => at(i));
    const err = fabs(g - w);
    if (w > b.logFloor) {
      if (!(err <= b.logAbs)) abs.add(err, () => `${at(i)}, absolute error ${err.toExponential(3)}`);
    } else if (!(err <= b.logAbs * fabs(w))) {
      rel.add(err / fabs(w), () => `${at(i)}, relative error ${(err / fabs(w)).toExponential(3)}`);
    }
  }
  for (const w of [nan, inf, pos, abs, rel]) w.report(label, problems);
  return problems;
}

/**
 * Two implementations agree within the bounds (softmax: relative above relFloor, absolute below;
 * log-softmax: absolute above logFloor, relative below), with NaN, 0 and -inf in the same places.
 */
// Two backends each within the bound of the exact value agree to twice the bound (and no better in
// general: two answers half an ulp off in opposite directions are an ulp apart).
export function checkAgree(label: string, got: ArrayLike<number>, want: ArrayLike<number>, dtype: Dtype, log: boolean): string[] {
  const one = BOUNDS[dtype];
  const b = { ...one, rel: 2 * one.rel, abs: 2 * one.abs, logAbs: 2 * one.logAbs };
  const problems: string[] = [];
  if (got.length !== want.length) return [`${label}: length ${got.length}, want ${want.length}`];
  const bad = new Worst('outputs that disagree');
  const at = (i: number): string => `at [${i}]: got ${fmt(got[i])}, want ${fmt(want[i])}`;
  for (let i = 0; i < got.length; i++) {
    const g = got[i];
    const w = want[i];
    if (w !== w || g !== g || w === -INF || g === -INF || (!log && (w === 0 || g === 0))) {
      // Special outputs must match exactly (NaN with NaN, -inf with -inf; softmax zeros only below the floors).
      if (!is(g, w) && !(g !== g && w !== w)) {
        const tiny = !log && fabs(g - w) <= b.abs;
        if (!tiny) bad.add(INF, () => at(i));
      }
      continue;
    }
    const err = fabs(g - w);
    const ok = log
      ? w > b.logFloor ? err <= b.logAbs : err <= b.logAbs * fabs(w)
      : w >= b.relFloor ? err <= b.rel * w : err <= b.abs;
    if (!ok) bad.add(err, () => `${at(i)}, error ${err.toExponential(3)}`);
  }
  bad.report(label, problems);
  return problems;
}

/** Byte-for-byte equality of two arrays' contents; a problem names the first difference. */
export function checkSameBits(label: string, got: FloatArray, want: FloatArray): string[] {
  if (got.length !== want.length || dtypeOf(got) !== dtypeOf(want)) return [`${label}: shape or type differs`];
  const g = new Uint8Array(got.buffer, got.byteOffset, got.byteLength);
  const w = new Uint8Array(want.buffer, want.byteOffset, want.byteLength);
  const size = got.BYTES_PER_ELEMENT;
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i]) {
      const k = floor(i / size);
      let count = 0;
      for (let j = 0; j < got.length; j++) if (!is(got[j], want[j])) count++;
      return [`${label}: differs from element [${k}] on (${count} elements differ in value): got ${fmt(got[k])}, want ${fmt(want[k])}`];
    }
  }
  return [];
}

/** Elements of `buf` outside [start, start + len) that no longer hold `sentinel`. */
export function checkGuards(label: string, buf: FloatArray, start: number, len: number, sentinel: number): string[] {
  const bad: number[] = [];
  for (let i = 0; i < buf.length; i++) {
    if ((i < start || i >= start + len) && !is(buf[i], sentinel)) bad.push(i);
  }
  return bad.length === 0 ? [] : [`${label}: wrote outside the output view [${start}, ${start + len}): indices ${bad.slice(0, 8).join(', ')} now ${bad.slice(0, 8).map((i) => fmt(buf[i])).join(', ')}`];
}
