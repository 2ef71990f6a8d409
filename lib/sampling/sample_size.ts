// sampleSize: the expected sample size m that the theorems of notes/sensitivity-sampling.md §1.3 ask
// for, for a (1 ± ε) ℓp subspace embedding with constant probability. The theorems are stated with
// O(·) and polylog(n, 1/δ) factors whose constants are not known; we choose (documented in the README):
//   - leading constant SAMPLE_SIZE_C = 1;
//   - every polylog factor is replaced by L = ln(d/ε) (n is not an argument: the bounds are
//     independent of n up to those factors);
//   - the result is at least d and, when `rows` is given, at most rows.
// Per scheme, with 𝔖 the total sensitivity (`totalSensitivity`, else its worst case d for p < 2 and
// d^{p/2} for p > 2) and r = d:
//   'lewis'                 p <= 2: d·L/ε² (Cohen–Peng; p = 2: matrix Chernoff)   p > 2: d^{p/2}·L/ε² (WY23b)
//   'sensitivity'           p < 2: min(𝔖^{2/p}, d^{1−p/2}·𝔖)·L/ε² (WY23 Thm 7.1.2, CD21)
//                           p = 2: d·L/ε²                                          p > 2: 𝔖^{2−2/p}·L/ε² (WY23)
//   'sensitivity+leverage'  p <= 2: (𝔖 + d)·L/ε² (Munteanu–Omlor 2024)             p > 2: d^{2/p}·𝔖^{2−4/p}·L/ε² (WY23, mixture)
//   'root-leverage'         p < 2: d·L/ε^{4/p}   p = 2: d·L/ε²   p > 2: d^{p/2}·L/ε^p (Thm B, recursed)
//   'leverage'              p = 2 only: d·L/ε²
//   'uniform'               no bound without the data's coherence: RangeError (pass scores and n instead).
import { rangeError, typeError } from '../errors';
import { checkOptions, checkPositiveInteger } from '../validate';
import { checkP } from './lewis';
import { SAMPLING_SCHEMES, type SamplingScheme } from './sample';

export const SAMPLE_SIZE_C = 1;

export interface SampleSizeOptions {
  /** The ℓp exponent, 1 <= p < ∞. */
  p: number;
  /** Columns of the matrix to embed (d + 1 for regression on [A | b]). */
  d: number;
  /** Target distortion ε in (0, 1). */
  epsilon: number;
  /** The scheme the sample will use. */
  scores: Exclude<SamplingScheme, 'uniform'>;
  /** Total sensitivity 𝔖 when known (lpSensitivities / totalSensitivity); default its worst case. */
  totalSensitivity?: number;
  /** Rows of the matrix: caps the result. */
  rows?: number;
}

const FN = 'sampleSize';
const KNOWN = ['p', 'd', 'epsilon', 'scores', 'totalSensitivity', 'rows'] as const;

/** The expected sample size the theorems ask for (see the file comment for the formulas and constants). */
export function sampleSize(options: SampleSizeOptions): number {
  if (options === undefined) throw typeError(FN, 'options', 'must be an object with p, d, epsilon and scores', options);
  const o = checkOptions<SampleSizeOptions>(FN, options, KNOWN);
  const p = checkP(FN, o.p);
  const d = checkPositiveInteger(FN, 'options.d', o.d);
  const eps = o.epsilon;
  if (typeof eps !== 'number') throw typeError(FN, 'options.epsilon', 'must be a number', eps);
  if (!(eps > 0 && eps < 1)) throw rangeError(FN, 'options.epsilon', 'must be in (0, 1)', eps);
  const scheme = o.scores;
  if (typeof scheme !== 'string' || !(SAMPLING_SCHEMES as readonly string[]).includes(scheme)) {
    throw (typeof scheme === 'string' ? rangeError : typeError)(FN, 'options.scores', `must be one of ${SAMPLING_SCHEMES.map((s) => `'${s}'`).join(', ')}`, scheme);
  }
  const worst = p < 2 ? d : Math.pow(d, p / 2);
  let S = worst;
  if (o.totalSensitivity !== undefined) {
    if (typeof o.totalSensitivity !== 'number') throw typeError(FN, 'options.totalSensitivity', 'must be a number', o.totalSensitivity);
    if (!(o.totalSensitivity > 0 && Number.isFinite(o.totalSensitivity))) throw rangeError(FN, 'options.totalSensitivity', 'must be positive and finite', o.totalSensitivity);
    S = o.totalSensitivity;
  }
  const rows = o.rows === undefined ? Infinity : checkPositiveInteger(FN, 'options.rows', o.rows);
  if (rows < d) throw rangeError(FN, 'options.rows', `must be >= options.d = ${d}`, rows);
  const L = Math.log(Math.max(d / eps, Math.E));
  const e2 = eps * eps;
  let m: number;
  switch (scheme as SamplingScheme) {
    case 'lewis':
      m = (p <= 2 ? d : Math.pow(d, p / 2)) / e2;
      break;
    case 'sensitivity':
      m = (p < 2 ? Math.min(Math.pow(S, 2 / p), Math.pow(d, 1 - p / 2) * S) : p === 2 ? d : Math.pow(S, 2 - 2 / p)) / e2;
      break;
    case 'sensitivity+leverage':
      m = (p <= 2 ? S + d : Math.pow(d, 2 / p) * Math.pow(S, 2 - 4 / p)) / e2;
      break;
    case 'root-leverage':
      m = p < 2 ? d / Math.pow(eps, 4 / p) : p === 2 ? d / e2 : Math.pow(d, p / 2) / Math.pow(eps, p);
      break;
    case 'leverage':
      if (p !== 2) throw rangeError(FN, 'options.scores', "'leverage' has no n-independent bound for p != 2 (use 'lewis' or 'root-leverage')", scheme);
      m = d / e2;
      break;
    default:
      throw rangeError(FN, 'options.scores', "'uniform' has no bound without the data's coherence", scheme);
  }
  return Math.min(rows, Math.max(d, Math.ceil(SAMPLE_SIZE_C * m * L)));
}
