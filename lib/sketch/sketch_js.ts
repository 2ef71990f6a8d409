// The TypeScript backend of the sketches: S·A (and S·b) for S of m rows, E[SᵀS] = I, every random
// choice from random_choices.ts. Dense sketches generate S one column at a time and never store it;
// SRHT pads to N = 2^k rows, flips signs, runs an unnormalised fast Walsh-Hadamard transform per
// column and keeps m rows; sparse sketches scatter each input row into its buckets.
import { seedToKey } from '../random/philox';
import type { Matrix } from './matrix';
import { denseColumn, sparseColumn, srhtRows, srhtSign } from './random_choices';

export type SketchKind = 'gaussian' | 'rademacher' | 'srht' | 'countsketch' | 'sparse-sign';

export interface SketchSpec {
  kind: SketchKind;
  /** Sketch size m (rows of S). */
  rows: number;
  seed: number | bigint;
  /** Nonzeros per column for 'sparse-sign' (default 8); 'countsketch' is 1. */
  nnzPerColumn?: number;
}

/**
 * S·[A | b] as an m x (d + 1) row-major array when b is given, else m x d. With `row0` and `out`:
 * adds S[:, row0 : row0 + A.rows]·[A | b] to out, A being rows row0.. of a larger matrix (not for
 * 'srht', whose transform needs the whole matrix).
 */
export function sketchJs(fn: string, A: Matrix, b: ArrayLike<number> | null, spec: SketchSpec, row0 = 0, out?: Float64Array): Float64Array {
  const key = seedToKey(fn, spec.seed);
  const k = A.cols + (b ? 1 : 0);
  const acc = out ?? new Float64Array(spec.rows * k);
  const row = (j: number, out: Float64Array): Float64Array => {
    for (let c = 0; c < A.cols; c++) out[c] = A.data[j * A.cols + c];
    if (b) out[A.cols] = b[j];
    return out;
  };
  switch (spec.kind) {
    case 'gaussian':
    case 'rademacher':
      return dense(key, spec.kind === 'gaussian', A.rows, k, spec.rows, row, row0, acc);
    case 'srht':
      return srht(key, A.rows, k, spec.rows, row, acc);
    case 'countsketch':
      return sparse(key, A.rows, k, spec.rows, 1, row, row0, acc);
    case 'sparse-sign':
      return sparse(key, A.rows, k, spec.rows, spec.nnzPerColumn ?? 8, row, row0, acc);
  }
}

type RowReader = (j: number, out: Float64Array) => Float64Array;

function dense(key: [number, number], gaussian: boolean, n: number, k: number, m: number, row: RowReader, row0: number, out: Float64Array): Float64Array {
  const s = new Float64Array(m);
  const a = new Float64Array(k);
  const scale = 1 / Math.sqrt(m);
  for (let j = 0; j < n; j++) {
    denseColumn(key, gaussian, row0 + j, m, s);
    row(j, a);
    for (let r = 0; r < m; r++) {
      const sr = s[r] * scale;
      for (let c = 0; c < k; c++) out[r * k + c] += sr * a[c];
    }
  }
  return out;
}

/** In-place unnormalised Walsh-Hadamard transform of the N rows of a row-major N x k array. */
export function fwhtRows(X: Float64Array, N: number, k: number): void {
  for (let h = 1; h < N; h <<= 1) {
    for (let i = 0; i < N; i += h << 1) {
      for (let j = i; j < i + h; j++) {
        const p = j * k;
        const q = (j + h) * k;
        for (let c = 0; c < k; c++) {
          const u = X[p + c];
          const v = X[q + c];
          X[p + c] = u + v;
          X[q + c] = u - v;
        }
      }
    }
  }
}

function srht(key: [number, number], n: number, k: number, m: number, row: RowReader, out: Float64Array): Float64Array {
  let N = 1;
  while (N < n) N *= 2;
  const X = new Float64Array(N * k);
  const a = new Float64Array(k);
  const w = new Uint32Array(4);
  for (let j = 0; j < n; j++) {
    const sgn = srhtSign(key, j, w);
    row(j, a);
    for (let c = 0; c < k; c++) X[j * k + c] = sgn * a[c];
  }
  fwhtRows(X, N, k);
  const rows = srhtRows(key, N, m);
  const scale = 1 / Math.sqrt(m); // sqrt(N/m) * (1/sqrt(N)) for the unnormalised transform
  for (let r = 0; r < m; r++) for (let c = 0; c < k; c++) out[r * k + c] += scale * X[rows[r] * k + c];
  return out;
}

function sparse(key: [number, number], n: number, k: number, m: number, s: number, row: RowReader, row0: number, out: Float64Array): Float64Array {
  const buckets = new Uint32Array(s);
  const signs = new Float64Array(s);
  const a = new Float64Array(k);
  const scale = 1 / Math.sqrt(s);
  for (let j = 0; j < n; j++) {
    sparseColumn(key, row0 + j, m, s, buckets, signs);
    row(j, a);
    for (let t = 0; t < s; t++) {
      const o = buckets[t] * k;
      const v = signs[t] * scale;
      for (let c = 0; c < k; c++) out[o + c] += v * a[c];
    }
  }
  return out;
}
