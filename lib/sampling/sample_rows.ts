// Row sampling from nonnegative scores for ℓp sensitivity sampling (issue 5; internal, not yet
// exported). notes/sensitivity-sampling.md §1.4.
//
// Default, `replacement: false`: independent Bernoulli sampling with exact water-filling.
//   q_i = min(1, c·s_i) with c > 0 chosen so that Σ q_i = size: rows are visited in decreasing score
//   order, and while the largest uncapped row has c·s_i >= 1 with c = (size − #capped) / Σ_uncapped s,
//   it is capped at q_i = 1 and c recomputed (waterFill reaches the same capped set by passes over
//   the rows). (No 1/n floor: a zero score is never sampled.)
//   Row i is kept iff u_i < q_i, where u_i = uniform53(w0, w1) of the Philox4x32-10 block at counter
//   (i mod 2^32, floor(i / 2^32), 0, STREAM_ROW_BERNOULLI = 6) under the key of the seed
//   (lib/sketch/random_choices.ts layout). Rows with q_i = 1 are always kept (u_i < 1).
//   The uniform depends only on (seed, i), not on the scores or size, so every backend draws the same
//   u_i and the sample is the same wherever the q_i agree (and nested: a larger q keeps a superset).
//   weights[k] = 1 / q_i on |a_iᵀx − b_i|^p, so E[Σ_kept w_i |a_iᵀx|^p] = Σ_i |a_iᵀx|^p for every x.
//   The equivalent ℓp row scale of the sampling matrix is S_ii = weights[k]^(1/p) = q_i^(−1/p); this
//   module returns the weights 1/q_i (the form), not the scales.
//   probabilities[k] = q_i of the kept row; expectedSize = Σ_i q_i (= size up to rounding);
//   size = the realized number of kept rows (report this one, not the target).
//
// `replacement: true`: exactly `size` iid draws from π_i = s_i / Σ s. Draw t (t = 0 .. size − 1) uses
//   u_t = uniform53(w0, w1) of the block at counter (t mod 2^32, floor(t / 2^32), 0,
//   STREAM_ROW_REPLACEMENT = 7) and picks the smallest i with cumsum(s)_i > u_t · Σ s (a zero score
//   is never picked). Each draw of row i contributes 1 / (size · π_i) to its weight; duplicates are
//   merged by adding weights, so weights[k] = count_i / (size · π_i) (unbiased as above).
//   probabilities[k] = π_i; expectedSize = Σ_i (1 − (1 − π_i)^size), the expected number of distinct
//   rows; size = the realized number of distinct rows.
//
// indices are increasing in both modes. `p` (>= 1) is validated and documents on which power the
// weights act; it does not change the sample. The default seed is 0.
import { rangeError, typeError } from '../errors';
import { seedToKey } from '../random/philox';
import { block, uniform53 } from '../sketch/random_choices';
import { checkFloatArray, checkOptions } from '../validate';

/** Philox stream (counter word 3) of the Bernoulli row sampler: one block per row i. */
export const STREAM_ROW_BERNOULLI = 6;
/** Philox stream of the with-replacement row sampler: one block per draw t. */
export const STREAM_ROW_REPLACEMENT = 7;
/** The seed used when options.seed is omitted. */
export const DEFAULT_SAMPLE_SEED = 0;

const FN = 'sampleRows';
const KNOWN = ['size', 'seed', 'replacement', 'p'] as const;

export interface SampleRowsOptions {
  /** Target sample size: Σ q_i (Bernoulli) or the number of draws (replacement). 1 <= size <= n. */
  size: number;
  /** Philox key (number or bigint); default 0. */
  seed?: number | bigint;
  /** Draw exactly `size` rows iid with replacement and merge duplicates. Default false. */
  replacement?: boolean;
  /** The ℓp exponent the weights are for (weights act on |·|^p). p >= 1, finite. */
  p: number;
}

export interface RowSample {
  /** Sampled row indices, increasing, distinct. */
  indices: Uint32Array;
  /** Weight of each sampled row on |a_iᵀx − b_i|^p (1/q_i, or count/(size·π_i) with replacement). */
  weights: Float64Array;
  /** q_i (Bernoulli) or π_i (replacement) of each sampled row. */
  probabilities: Float64Array;
  /** Realized number of distinct sampled rows. */
  size: number;
  /** Σ q_i (Bernoulli) or the expected number of distinct rows (replacement). */
  expectedSize: number;
}

/** Checks scores: finite, nonnegative, at least one positive. Returns the number of positive scores. */
function checkScores(scores: unknown): { s: Float64Array | Float32Array; positive: number; total: number } {
  const s = checkFloatArray(FN, 'options.scores', scores);
  let positive = 0;
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i];
    if (!Number.isFinite(v)) throw rangeError(FN, `options.scores[${i}]`, 'must be finite', v);
    if (v < 0) throw rangeError(FN, `options.scores[${i}]`, 'must be nonnegative', v);
    if (v > 0) positive++;
    total += v;
  }
  if (positive === 0) throw rangeError(FN, 'options.scores', 'must have at least one positive entry', s);
  if (!Number.isFinite(total)) throw rangeError(FN, 'options.scores', 'must have a finite sum', total);
  return { s, positive, total };
}

/** Capping passes waterFill makes before it sorts instead (each pass is O(n); see waterFill). */
const WATER_FILL_PASSES = 8;

/**
 * The water-filling probabilities q_i = min(1, c·s_i) with Σ q_i = size, for 1 <= size <= the number
 * of positive scores (see the file comment). Unchecked; scores >= 0.
 * c = (size − #capped) / Σ_uncapped s. Passes over the rows cap every row with c·s_i >= 1 and
 * recompute c; c never decreases (capping k rows with c·s_i >= 1 removes at least k/c from the sum),
 * so a capped row stays capped and the passes reach the same capped set as the sorted scan of the
 * file comment, without sorting 10⁶ scores (the sort took 0.15 s of a 0.35 s sample at n = 10⁶). A
 * row set needing more than WATER_FILL_PASSES passes (many geometric levels) is finished by the sort.
 */
export function waterFill(scores: ArrayLike<number>, size: number): { q: Float64Array; c: number } {
  const n = scores.length;
  const q = new Float64Array(n); // 1 marks a capped row during the passes
  let capped = 0;
  let positive = 0;
  for (let i = 0; i < n; i++) if (scores[i] > 0) positive++;
  let c = 0;
  for (let pass = 0; ; pass++) {
    if (pass === WATER_FILL_PASSES) return waterFillSorted(scores, size, positive);
    if (capped === positive) break;
    let rest = 0;
    for (let i = 0; i < n; i++) if (q[i] === 0) rest += scores[i];
    c = (size - capped) / rest;
    let added = 0;
    for (let i = 0; i < n; i++) {
      if (q[i] === 0 && scores[i] > 0 && c * scores[i] >= 1) {
        q[i] = 1;
        added++;
      }
    }
    if (added === 0) break;
    capped += added;
  }
  for (let i = 0; i < n; i++) if (q[i] === 0 && scores[i] > 0) q[i] = c * scores[i];
  return { q, c };
}

/** waterFill by the sorted scan of the file comment (O(n log n)). */
function waterFillSorted(scores: ArrayLike<number>, size: number, positive: number): { q: Float64Array; c: number } {
  const n = scores.length;
  const sorted = new Float64Array(positive);
  for (let i = 0, k = 0; i < n; i++) if (scores[i] > 0) sorted[k++] = scores[i];
  sorted.sort().reverse();
  const suffix = new Float64Array(positive + 1);
  for (let k = positive - 1; k >= 0; k--) suffix[k] = suffix[k + 1] + sorted[k];
  let capped = 0;
  let c = 0;
  while (capped < positive) {
    c = (size - capped) / suffix[capped];
    if (c * sorted[capped] < 1) break;
    capped++;
  }
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) if (scores[i] > 0) q[i] = Math.min(1, c * scores[i]);
  return { q, c };
}

/** Smallest i <= last with cum[i] > x (a zero weight i has cum[i] = cum[i − 1]: never first). */
export function searchCumulative(cum: Float64Array, x: number, last: number): number {
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Sample rows from nonnegative scores (see the file comment). scores and options are not modified. */
export function sampleRowsFromScoresJs(scores: Float64Array, options: SampleRowsOptions): RowSample {
  const o = checkOptions<SampleRowsOptions>(FN, options, KNOWN);
  if (options === undefined) throw typeError(FN, 'options', 'must be an object with size and p', options);
  const { s, positive, total } = checkScores(scores);
  const n = s.length;
  const p = o.p;
  if (typeof p !== 'number') throw typeError(FN, 'options.p', 'must be a number', p);
  if (!Number.isFinite(p) || p < 1) throw rangeError(FN, 'options.p', 'must be a finite number >= 1', p);
  const size = o.size;
  if (typeof size !== 'number') throw typeError(FN, 'options.size', 'must be a number', size);
  if (!Number.isSafeInteger(size) || size < 1) throw rangeError(FN, 'options.size', 'must be a positive integer', size);
  if (size > n) throw rangeError(FN, 'options.size', `must be at most the number of rows ${n}`, size);
  const replacement = o.replacement ?? false;
  if (typeof replacement !== 'boolean') throw typeError(FN, 'options.replacement', 'must be a boolean', replacement);
  const key = seedToKey(FN, o.seed ?? DEFAULT_SAMPLE_SEED);
  const w = new Uint32Array(4);

  if (!replacement) {
    if (size > positive) throw rangeError(FN, 'options.size', `must be at most the number of positive scores ${positive}`, size);
    const { q } = waterFill(s, size);
    let expectedSize = 0;
    const kept: number[] = [];
    for (let i = 0; i < n; i++) {
      const qi = q[i];
      if (qi <= 0) continue;
      expectedSize += qi;
      block(key, STREAM_ROW_BERNOULLI, i, 0, w);
      if (uniform53(w[0], w[1]) < qi) kept.push(i);
    }
    const indices = Uint32Array.from(kept);
    const weights = new Float64Array(kept.length);
    const probabilities = new Float64Array(kept.length);
    for (let k = 0; k < kept.length; k++) {
      probabilities[k] = q[kept[k]];
      weights[k] = 1 / q[kept[k]];
    }
    return { indices, weights, probabilities, size: kept.length, expectedSize };
  }

  const cum = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) cum[i] = acc += s[i];
  let last = n - 1;
  while (s[last] <= 0) last--;
  const counts = new Map<number, number>();
  for (let t = 0; t < size; t++) {
    block(key, STREAM_ROW_REPLACEMENT, t, 0, w);
    const x = uniform53(w[0], w[1]) * acc;
    const i = searchCumulative(cum, x, last);
    counts.set(i, (counts.get(i) ?? 0) + 1);
  }
  const indices = Uint32Array.from([...counts.keys()].sort((a, b) => a - b));
  const weights = new Float64Array(indices.length);
  const probabilities = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    const pi = s[i] / total;
    probabilities[k] = pi;
    weights[k] = counts.get(i)! / (size * pi);
  }
  let expectedSize = 0;
  for (let i = 0; i < n; i++) if (s[i] > 0) expectedSize += -Math.expm1(size * Math.log1p(-s[i] / total));
  return { indices, weights, probabilities, size: indices.length, expectedSize };
}
