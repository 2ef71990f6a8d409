// The public sampleRows / sampleRowsAsync: the scores of a sampling scheme (on [A | b] when b is
// given, as regression needs: notes/sensitivity-sampling.md §3.5), then the Bernoulli or
// with-replacement sampler of sample_rows.ts. The uniform draws depend only on (seed, row) or
// (seed, draw), so every backend keeps the same rows wherever the scores agree.
import { checkSignal } from '../abort';
import { rangeError, typeError } from '../errors';
import { seedToKey } from '../random/philox';
import { checkFinite, checkMatrix, type Matrix } from '../sketch/matrix';
import type { Backend } from '../types';
import { BACKENDS, checkEnum, checkOptions, checkRowVector } from '../validate';
import { checkThreads } from '../linalg/lstsq_options';
import { checkP, LEWIS_DEFAULTS, type LewisResult, type ResolvedLewis } from './lewis';
import { DEFAULT_SAMPLE_SEED, sampleRowsFromScoresJs, type RowSample } from './sample_rows';
import { augment, exactLeverageOf, exactLeverageOfAsync, lewisWeightsOf, lewisWeightsOfAsync } from './scores';
import { lpSensitivitiesJs } from './sensitivities';

export type SamplingScheme = 'uniform' | 'leverage' | 'root-leverage' | 'lewis' | 'sensitivity' | 'sensitivity+leverage';
export const SAMPLING_SCHEMES: readonly SamplingScheme[] = ['uniform', 'leverage', 'root-leverage', 'lewis', 'sensitivity', 'sensitivity+leverage'];

/**
 * Fixed-point residual at which 'lewis' stops. Weights with residual r are one-sided γ-Lewis weights
 * with γ = e^{−r} (w_i >= γ·τ_i(W^{1/2−1/p}A)), which keep the sampling guarantee at 1/γ times the
 * rows (notes §1.1, Def 6.1.7): r = 0.1 costs at most 10.5% more rows and takes at most half the
 * leverage computations of lewisWeights' default 1e-8 (200,000 x 20, p = 1, the bench families with
 * seed 1: 4 vs 10 on heavy-tailed rows, 2 vs 5 on Gaussian ones [measured]).
 */
export const SAMPLING_LEWIS_TOLERANCE = 0.1;
/** 'sensitivity' solves the exact per-row problems (O(n²) work) up to this many rows, else uses 'approximate' (O(n·20d)). */
export const EXACT_SENSITIVITY_MAX_ROWS = 500;

export interface SampleRowsOptions {
  /** The ℓp exponent (1 <= p < ∞): the weights act on |a_iᵀx − b_i|^p and the scores are for this p. */
  p: number;
  /** Target sample size: Σ q_i (Bernoulli) or the number of draws (replacement); 1 <= size <= A.rows. */
  size: number;
  /** A scheme, or your own nonnegative scores (length A.rows). Default 'lewis'. */
  scores?: SamplingScheme | Float64Array | Float32Array;
  /** Philox seed (number or bigint); default 0. */
  seed?: number | bigint;
  /** Draw exactly `size` rows iid and merge duplicates by adding weights. Default false (Bernoulli). */
  replacement?: boolean;
  /** The regression response: scores are then computed on [A | b]. */
  b?: Float64Array | Float32Array;
  /** 'auto' (default), 'native' or 'js' for the score computation. */
  backend?: Backend;
  /** Threads of the native score computation. */
  threads?: number;
}

export interface RowSampleResult extends RowSample {
  /** The scores the probabilities came from (length A.rows). */
  scores: Float64Array;
}

const FN = 'sampleRows';
const KNOWN = ['p', 'size', 'scores', 'seed', 'replacement', 'b', 'backend', 'threads'] as const;

interface Resolved {
  M: Matrix;
  /** The response of [A | b] (computed scores only), else null. */
  b: Float64Array | Float32Array | null;
  backend: Backend;
  threads: number;
  o: Partial<SampleRowsOptions>;
  p: number;
  scheme: SamplingScheme | null;
  custom: Float64Array | null;
}

function resolve(fn: string, A: unknown, options: unknown, extra: readonly string[]): Resolved {
  if (options === undefined) throw typeError(fn, 'options', 'must be an object with p and size', options);
  const o = checkOptions<SampleRowsOptions>(fn, options, [...KNOWN, ...extra]);
  const p = checkP(fn, o.p === undefined ? undefined : o.p);
  const M = checkMatrix(fn, 'A', A);
  let b: Float64Array | Float32Array | null = null;
  if (o.b !== undefined) {
    b = checkRowVector(fn, 'options.b', o.b, M.rows);
  }
  const threads = checkThreads(fn, o.threads);
  const backend = o.backend === undefined ? 'auto' : checkEnum(fn, 'options.backend', o.backend, BACKENDS);
  checkFinite(fn, 'A', M, 'options.b', b, threads);
  let scheme: SamplingScheme | null = null;
  let custom: Float64Array | null = null;
  const s = o.scores ?? 'lewis';
  if (typeof s === 'string') {
    if (!(SAMPLING_SCHEMES as readonly string[]).includes(s)) throw rangeError(fn, 'options.scores', `must be a Float64Array or one of ${SAMPLING_SCHEMES.map((x) => `'${x}'`).join(', ')}`, s);
    scheme = s as SamplingScheme;
    const cols = b ? M.cols + 1 : M.cols;
    if (scheme !== 'uniform' && M.rows < cols) throw rangeError(fn, 'A.rows', `must be >= ${b ? 'A.cols + 1' : 'A.cols'} = ${cols} for scores '${scheme}'`, M.rows);
    if (scheme === 'uniform') b = null; // only computed scores look at b
  } else {
    const c = checkRowVector(fn, 'options.scores', s, M.rows);
    custom = Float64Array.from(c);
  }
  // Check size and seed before any expensive score computation.
  if (typeof o.size !== 'number') throw typeError(fn, 'options.size', 'must be a number', o.size);
  if (!Number.isSafeInteger(o.size) || o.size < 1) throw rangeError(fn, 'options.size', 'must be a positive integer', o.size);
  if (o.size > M.rows) throw rangeError(fn, 'options.size', `must be at most A.rows = ${M.rows}`, o.size);
  seedToKey(fn, o.seed ?? DEFAULT_SAMPLE_SEED);
  return { M, b, backend, threads, o, p, scheme, custom };
}

/** The sampler's Lewis-iteration parameters (the matrix itself is passed separately). */
function samplingLewis(M: Matrix, p: number): ResolvedLewis {
  return { A: M, p, tolerance: SAMPLING_LEWIS_TOLERANCE, maxIterations: LEWIS_DEFAULTS.maxIterations };
}

/** Scores of the scheme from leverage scores τ and (when the scheme needs them) sensitivities σ. */
function combine(scheme: SamplingScheme, p: number, n: number, tau: Float64Array | null, lewis: LewisResult | null, sigma: Float64Array | null): Float64Array {
  switch (scheme) {
    case 'uniform':
      return new Float64Array(n).fill(1);
    case 'leverage':
      return tau!;
    case 'root-leverage': {
      // τ^{p/2} for p <= 2; min(1, n^{p/2−1}·τ^{p/2}) for p > 2 (notes §1.1: both bound σ_i).
      const f = p > 2 ? Math.pow(n, p / 2 - 1) : 1;
      return tau!.map((t) => Math.min(p > 2 ? 1 : Infinity, f * Math.pow(t, p / 2)));
    }
    case 'lewis':
      return lewis!.weights;
    case 'sensitivity':
      return sigma!;
    case 'sensitivity+leverage': {
      // Half the expected sample on each: q ∝ σ_i/𝔖 + τ_i/Σ τ (Munteanu–Omlor's σ + τ for p <= 2;
      // the σ/α₁ + τ/α₂ mixture with α₁ = 2𝔖/m, α₂ = 2·rank/m for p > 2).
      const S = sum(sigma!);
      const T = sum(tau!);
      return sigma!.map((s, i) => (S > 0 ? s / S : 0) + (T > 0 ? tau![i] / T : 0));
    }
  }
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function needs(scheme: SamplingScheme): { tau: boolean; lewis: boolean; sigma: boolean } {
  return {
    tau: scheme === 'leverage' || scheme === 'root-leverage' || scheme === 'sensitivity+leverage',
    lewis: scheme === 'lewis' || scheme === 'sensitivity' || scheme === 'sensitivity+leverage',
    sigma: scheme === 'sensitivity' || scheme === 'sensitivity+leverage',
  };
}

/** Sensitivities for the sampler: exact up to EXACT_SENSITIVITY_MAX_ROWS rows, else approximate. */
function sensitivities(M: Matrix, p: number, lewis: LewisResult, seed: number | bigint): Float64Array {
  const method = M.rows <= EXACT_SENSITIVITY_MAX_ROWS ? 'exact' : 'approximate';
  // Its own seed: the embedding's Bernoulli draws must not be the sample's own uniforms.
  const key = seedToKey(FN, seed);
  const inner = (BigInt(key[1]) << 32n) ^ BigInt(key[0]) ^ 0x53454e5349544956n; // 'SENSITIV'
  return lpSensitivitiesJs(M, p, { method, seed: BigInt.asUintN(64, inner), lewis: lewis.weights }).sensitivities;
}

function draw(R: Resolved, scores: Float64Array): RowSampleResult {
  const { o, p } = R;
  const sample = sampleRowsFromScoresJs(scores, { p, size: o.size!, seed: o.seed, replacement: o.replacement });
  return { ...sample, scores };
}

/**
 * A weighted row sample of A for ℓp problems: scores from a scheme ('lewis' by default) or your own,
 * then independent Bernoulli sampling with water-filling (q_i = min(1, c·s_i), Σ q_i = size, weight
 * 1/q_i on |·|^p) or, with `replacement`, exactly `size` iid draws with duplicates merged.
 * Reproducible from `seed` on every backend. With `b`, the scores are those of [A | b].
 * @throws TypeError / RangeError naming the argument; A, b and scores are never modified.
 */
export function sampleRows(A: Matrix, options: SampleRowsOptions): RowSampleResult {
  const R = resolve(FN, A, options, []);
  if (R.custom) return draw(R, R.custom);
  const { M, b, p, o, backend, threads } = R;
  const scheme = R.scheme!;
  const need = needs(scheme);
  const tau = need.tau && !(p === 2 && need.lewis) ? exactLeverageOf(FN, M, b, backend, threads) : null;
  const lewis = need.lewis ? lewisWeightsOf(FN, M, b, samplingLewis(M, p), backend, threads) : null;
  const sigma = need.sigma ? sensitivities(b ? augment(M, b) : M, p, lewis!, o.seed ?? DEFAULT_SAMPLE_SEED) : null;
  return draw(R, combine(scheme, p, M.rows, tau ?? (need.tau ? lewis!.weights : null), lewis, sigma));
}

/**
 * {@link sampleRows} with the leverage and Lewis computations off the main thread (native backend)
 * or between event-loop turns (TypeScript backend). Sensitivities still run on the main thread.
 */
export async function sampleRowsAsync(A: Matrix, options: SampleRowsOptions & { signal?: AbortSignal }): Promise<RowSampleResult> {
  const fn = 'sampleRowsAsync';
  const R = resolve(fn, A, options, ['signal']);
  const signal = options.signal;
  checkSignal(fn, signal);
  if (R.custom) return draw(R, R.custom);
  const { M, b, p, o, backend, threads } = R;
  const scheme = R.scheme!;
  const need = needs(scheme);
  const tau = need.tau && !(p === 2 && need.lewis) ? await exactLeverageOfAsync(fn, M, b, backend, threads, signal) : null;
  const lewis = need.lewis ? await lewisWeightsOfAsync(fn, M, b, samplingLewis(M, p), backend, threads, signal) : null;
  signal?.throwIfAborted();
  const sigma = need.sigma ? sensitivities(b ? augment(M, b) : M, p, lewis!, o.seed ?? DEFAULT_SAMPLE_SEED) : null;
  return draw(R, combine(scheme, p, M.rows, tau ?? (need.tau ? lewis!.weights : null), lewis, sigma));
}
