// Every random choice a sketch makes, as a pure function of (seed, stream, indices) through
// Philox4x32-10. This file is the contract the native kernels must reproduce bit for bit (signs,
// indices, row samples) or to within 2 ulp (Gaussian entries, which go through log/cos/sin), so the
// same (seed, kind, shape) gives the same S on every backend, ISA, thread count and row split.
//
// Counter layout: (c0, c1, c2, c3) = (index mod 2^32, floor(index / 2^32), draw, stream), key from
// the seed (lib/random/philox.ts, seedToKey). `index` is the input row j of A (a column of S) for
// dense and sparse sketches and for SRHT signs, the step t of the row sample for SRHT rows; `draw`
// numbers the successive 4-word blocks one index consumes.
import { philox4x32_10 } from '../random/philox';

export const STREAM_GAUSSIAN = 1;
export const STREAM_RADEMACHER = 2;
export const STREAM_SRHT_SIGNS = 3;
export const STREAM_SRHT_ROWS = 4;
export const STREAM_SPARSE = 5;

const { floor, sqrt, log, cos, sin, PI } = Math;
const TWO_POW_32 = 0x100000000;
const TWO_POW_M32 = 2 ** -32;
const TWO_POW_M53 = 2 ** -53;

/** The four words of block `draw` of `index` in `stream`. */
export function block(key: readonly [number, number], stream: number, index: number, draw: number, out: Uint32Array): Uint32Array {
  return philox4x32_10([index % TWO_POW_32, floor(index / TWO_POW_32), draw, stream], key, out);
}

/** A uniform double in [0, 1) with 53 random bits from two words. */
export function uniform53(hi: number, lo: number): number {
  return ((hi >>> 0) * 2 ** 21 + ((lo >>> 0) >>> 11)) * TWO_POW_M53;
}

/** A uniform integer in [0, range) for range <= 2^53 (bias below range / 2^53). */
export function uniformIndex(hi: number, lo: number, range: number): number {
  return floor(uniform53(hi, lo) * range);
}

/** +1 or -1 from the top bit of a word. */
export function sign(word: number): number {
  return word >>> 31 ? -1 : 1;
}

/**
 * Column j of a dense m x n sketch, unscaled: Rademacher entries are ±1; Gaussian entries are N(0,1)
 * by Box-Muller on pairs of words, u = (w + 0.5) 2^-32 in (0, 1). Entry r comes from word r mod 4 of
 * block floor(r / 4).
 */
export function denseColumn(key: readonly [number, number], gaussian: boolean, j: number, m: number, out: Float64Array): Float64Array {
  if (gaussian) return gaussianColumn(key, STREAM_GAUSSIAN, j, m, out);
  const w = new Uint32Array(4);
  for (let q = 0; q * 4 < m; q++) {
    block(key, STREAM_RADEMACHER, j, q, w);
    for (let t = 0; t < 4 && 4 * q + t < m; t++) out[4 * q + t] = sign(w[t]);
  }
  return out;
}

/**
 * m N(0, 1) entries from the blocks (j, q, stream), q = 0, 1, ...: Box-Muller on pairs of words,
 * u = (w + 0.5) 2^-32 in (0, 1); entry r from word r mod 4 of block floor(r / 4). The Gaussian
 * columns of the dense sketches and any other stream that needs Gaussian vectors.
 */
export function gaussianColumn(key: readonly [number, number], stream: number, j: number, m: number, out: Float64Array): Float64Array {
  const w = new Uint32Array(4);
  for (let q = 0; q * 4 < m; q++) {
    block(key, stream, j, q, w);
    for (let p = 0; p < 2; p++) {
      const u1 = (w[2 * p] + 0.5) * TWO_POW_M32;
      const u2 = (w[2 * p + 1] + 0.5) * TWO_POW_M32;
      const radius = sqrt(-2 * log(u1));
      const r = 4 * q + 2 * p;
      if (r < m) out[r] = radius * cos(2 * PI * u2);
      if (r + 1 < m) out[r + 1] = radius * sin(2 * PI * u2);
    }
  }
  return out;
}

/** The SRHT sign of input row j. */
export function srhtSign(key: readonly [number, number], j: number, w: Uint32Array): number {
  return sign(block(key, STREAM_SRHT_SIGNS, j, 0, w)[0]);
}

/**
 * m distinct rows of [0, N), uniformly without replacement: a partial Fisher-Yates shuffle whose
 * step t swaps position t with t + uniformIndex(N - t); positions are kept in a Map, so the cost is
 * O(m) whatever N is. Returned in draw order.
 */
export function srhtRows(key: readonly [number, number], N: number, m: number): Uint32Array {
  const moved = new Map<number, number>();
  const rows = new Uint32Array(m);
  const w = new Uint32Array(4);
  for (let t = 0; t < m; t++) {
    block(key, STREAM_SRHT_ROWS, t, 0, w);
    const k = t + uniformIndex(w[0], w[1], N - t);
    const atK = moved.get(k) ?? k;
    rows[t] = atK;
    moved.set(k, moved.get(t) ?? t);
  }
  return rows;
}

/**
 * The s distinct buckets in [0, m) and signs of input row j for CountSketch (s = 1) and sparse sign:
 * draw t gives bucket uniformIndex(w0, w1, m) and sign(w2); a bucket already taken is skipped and the
 * next draw tried (s <= m).
 */
export function sparseColumn(key: readonly [number, number], j: number, m: number, s: number, buckets: Uint32Array, signs: Float64Array): void {
  const w = new Uint32Array(4);
  let found = 0;
  for (let t = 0; found < s; t++) {
    block(key, STREAM_SPARSE, j, t, w);
    const b = uniformIndex(w[0], w[1], m);
    let taken = false;
    for (let u = 0; u < found; u++) if (buckets[u] === b) taken = true;
    if (taken) continue;
    buckets[found] = b;
    signs[found] = sign(w[2]);
    found++;
  }
}
