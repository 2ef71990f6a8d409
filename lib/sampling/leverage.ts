// Leverage scores in TypeScript (the public leverageScores in scores.ts adds the native backend).
// notes/sensitivity-sampling.md §2.1–§2.2.
//
// τ_i(A) = ‖e_iᵀQ‖₂² for an orthonormal basis Q of col(A) = a_iᵀ(AᵀA)⁺a_i; Σ τ_i = rank(A).
//
//  - 'exact': column-pivoted Householder QR of A (lib/linalg/qr.ts, A·P = Q·R), numerical rank r from
//    its default tolerance max(n, d)·2^-52 relative to |R_00|; τ_i = ‖e_iᵀ·A·P_r·R₁₁⁻¹‖² (= Σ_{k<r}
//    Q_ik²), one triangular solve per row, so tiny scores keep their relative accuracy.
//    O(n·d² + n·r²/2). Rank-deficient A gives
//    Σ τ = r (the null directions are dropped), never NaN. Both methods return exactly 0 for a zero row.
//  - 'approximate' (Drineas, Magdon-Ismail, Mahoney, Woodruff, JMLR 2012): R from the pivoted QR of a
//    sparse-sign sketch S·A (SKETCH_NNZ = 8 nonzeros per column, m = ceil(SKETCH_C·d/ε²) rows, stream
//    STREAM_SPARSE under the key of `seed`), then a Gaussian JL matrix Π with
//    k = ceil(JL_C·ln(max(n, 2))/ε²) columns, entries N(0, 1/k) from denseColumn of
//    lib/sketch/random_choices.ts under its own key (the seed's key with JL_KEY_XOR xored into the
//    high word, stream STREAM_GAUSSIAN; row c of Π is denseColumn(jlKey, true, c, k)).
//    τ̃_i = ‖e_iᵀ A·P_r·R₁₁⁻¹·Π‖₂² (P_r the first r pivot columns, R₁₁ the leading r x r block).
//    When k >= r the JL step would not reduce the dimension, so it is skipped: τ̃_i =
//    ‖R₁₁⁻ᵀ·(a_i)_{P_r}‖² by one triangular solve per row, as in 'exact' but with the sketch's R
//    (cheaper than the product with Π, and only the sketch approximates).
//    When m >= n the sketch is skipped (S = I: R from A itself; only the JL step approximates).
//    Cost O(nnz(A)·SKETCH_NNZ + m·d² + d²·k + n·r·k) with the JL step (k < r: d above k = 365 at
//    n = 2000, ε = 0.5; k ≈ 663 at n = 10⁶, DMMW12's O(nd·log n/ε²) regime), O(nnz(A)·SKETCH_NNZ +
//    m·d² + n·r²/2) without it: 'exact' pays O(n·d²) for its QR instead of the sketch's O(nnz(A)·8).
//    Constants SKETCH_C = 16, JL_C = 12 [measured, 60 seeds, Gaussian and t₁ heavy-tailed 2000 x 10,
//    ε = 0.5: every row within 1 ± ε on 60/60 seeds of each; JL_C = 8 gave 59/60, JL_C = 5 gave
//    47/60 and 54/60; SKETCH_C = 32 gave no gain]. The DMMW12 theory constants are not verified
//    (notes §2.2). Default ε = 0.5, default seed 0.
import { rangeError, typeError } from '../errors';
import { householderQR, householderQRInPlace } from '../linalg/qr';
import { seedToKey } from '../random/philox';
import { checkFinite, checkMatrix, type Matrix } from '../sketch/matrix';
import { denseColumn } from '../sketch/random_choices';
import { sketchJs } from '../sketch/sketch_js';
import { checkEnum, checkOptions } from '../validate';

const FN = 'leverageScores';
const KNOWN = ['method', 'epsilon', 'seed'] as const;
const { ceil, log, max, sqrt } = Math;

/** Sketch rows m = ceil(SKETCH_C·d/ε²) (subspace-embedding distortion about ε/√SKETCH_C). */
export const SKETCH_C = 16;
/** Nonzeros per column of the sparse-sign sketch. */
export const SKETCH_NNZ = 8;
/** JL columns k = ceil(JL_C·ln(max(n, 2))/ε²). */
export const JL_C = 12;
/** Xored into the high word of the seed's Philox key to give the JL matrix its own key. */
export const JL_KEY_XOR = 0x4a4c5031; // 'JLP1'
export const LEVERAGE_DEFAULTS = { method: 'exact', epsilon: 0.5, seed: 0 } as const;

export interface LeverageOptions {
  /** 'exact' (thin pivoted QR, default) or 'approximate' (sketch + QR + JL, DMMW12). */
  method?: 'exact' | 'approximate';
  /** Target relative accuracy of 'approximate', in (0, 1); default 0.5. */
  epsilon?: number;
  /** Philox seed of 'approximate' (number or bigint); default 0. */
  seed?: number | bigint;
}

/** Shared input checks: a finite Matrix with rows >= cols. */
export function checkTallFiniteMatrix(fn: string, A: unknown): Matrix {
  const M = checkMatrix(fn, 'A', A);
  if (M.rows < M.cols) throw rangeError(fn, 'A.rows', `must be >= A.cols = ${M.cols}`, M.rows);
  checkFinite(fn, 'A', M, 'b', null, 1);
  return M;
}

/** Resolved arguments of a leverage-score computation. */
export interface ResolvedLeverage {
  A: Matrix;
  method: 'exact' | 'approximate';
  epsilon: number;
  seed: number | bigint;
  key: [number, number];
}

/** Checks leverageScores(A, options) for function `fn`; `extra` option names are the caller's to check. */
export function resolveLeverage<O extends LeverageOptions>(fn: string, A: unknown, options: unknown, extra: readonly string[] = []): { r: ResolvedLeverage; o: Partial<O> } {
  const o = checkOptions<O>(fn, options, [...KNOWN, ...extra]);
  const M = checkTallFiniteMatrix(fn, A);
  const method = o.method === undefined ? LEVERAGE_DEFAULTS.method : checkEnum(fn, 'options.method', o.method, ['exact', 'approximate'] as const);
  let epsilon: number = LEVERAGE_DEFAULTS.epsilon;
  if (o.epsilon !== undefined) {
    if (typeof o.epsilon !== 'number') throw typeError(fn, 'options.epsilon', 'must be a number', o.epsilon);
    if (!(o.epsilon > 0 && o.epsilon < 1)) throw rangeError(fn, 'options.epsilon', 'must be in (0, 1)', o.epsilon);
    epsilon = o.epsilon;
  }
  const seed = o.seed ?? LEVERAGE_DEFAULTS.seed;
  const key = seedToKey(fn, seed); // validates the seed whatever the method
  return { r: { A: M, method, epsilon, seed, key }, o };
}

/** Leverage scores of A (n x d, n >= d): see the file comment for the methods and constants. */
export function leverageScoresJs(A: Matrix, options?: LeverageOptions): Float64Array {
  return leverageResolvedJs(resolveLeverage(FN, A, options).r);
}

/** The TypeScript computation on resolved arguments. */
export function leverageResolvedJs({ A, method, epsilon, seed, key }: ResolvedLeverage): Float64Array {
  const tau = method === 'exact' ? exactLeverage(A.data, A.rows, A.cols, null).tau : approximateLeverage(A, epsilon, seed, key);
  zeroRowsToZero(A, tau);
  return tau;
}

/** A zero row has leverage exactly 0 (forming Q leaves ~1e-34 rounding there otherwise). */
function zeroRowsToZero(A: Matrix, tau: Float64Array): void {
  const { rows: n, cols: d, data } = A;
  for (let i = 0; i < n; i++) {
    let zero = true;
    for (let j = 0; j < d && zero; j++) zero = data[i * d + j] === 0;
    if (zero) tau[i] = 0;
  }
}

/**
 * Exact leverage scores of diag(scale)·A for the row-major n x d `data` (scale null: A itself), and
 * the numerical rank r: pivoted QR of a column-major copy, then τ_i = scale_i²·‖R₁₁⁻ᵀ·(a_i)_{P_r}‖²
 * (one triangular solve per row). Row-wise solves rather than forming Q: the error of τ_i is then
 * relative to τ_i (about κ(R₁₁)·ε·τ_i), whereas Q's entries carry absolute errors ~ε, which would
 * swamp leverage scores below ~1e-30 (they occur in the Lewis iteration for large p). Internal; also
 * the inner step of lewisWeightsJs.
 */
export function exactLeverage(data: ArrayLike<number>, n: number, d: number, scale: Float64Array | null): { tau: Float64Array; rank: number } {
  const work = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const s = scale ? scale[i] : 1;
    for (let j = 0; j < d; j++) work[j * n + i] = s * data[i * d + j];
  }
  const f = householderQRInPlace(work, n, d, { pivot: true });
  const tau = new Float64Array(n);
  if (f.rank > 0) solveRowNorms(work, n, f.rank, f.perm!, data, d, scale, tau);
  return { tau, rank: f.rank };
}

/**
 * tau_i = scale_i²·‖R₁₁⁻ᵀ·(a_i)_{P_r}‖² for the rows of the row-major n x d `data`, R₁₁ the leading
 * r x r block of the column-major factor `qr` (leading dimension ld) and P_r its first r pivots.
 */
function solveRowNorms(qr: Float64Array, ld: number, r: number, perm: Uint32Array, data: ArrayLike<number>, d: number, scale: Float64Array | null, tau: Float64Array): void {
  const n = tau.length;
  // R₁₁ row-major r x r.
  const R = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let j = i; j < r; j++) R[i * r + j] = qr[j * ld + i];
  const y = new Float64Array(r);
  for (let i = 0; i < n; i++) {
    const s = scale ? scale[i] : 1;
    if (s === 0) continue;
    const o = i * d;
    for (let j = 0; j < r; j++) y[j] = data[o + perm[j]];
    // y ← R₁₁⁻ᵀ·y (forward substitution, R read by rows).
    let t = 0;
    for (let k = 0; k < r; k++) {
      const rk = k * r;
      const yk = (y[k] /= R[rk + k]);
      t += yk * yk;
      if (yk === 0) continue;
      for (let j = k + 1; j < r; j++) y[j] -= R[rk + j] * yk;
    }
    tau[i] = s * s * t;
  }
}

/** The sketch and JL sizes 'approximate' uses for an n x d input and accuracy ε. */
export function approximateSizes(n: number, d: number, epsilon: number): { sketchRows: number; jlColumns: number } {
  return { sketchRows: max(d, ceil((SKETCH_C * d) / (epsilon * epsilon))), jlColumns: ceil((JL_C * log(max(n, 2))) / (epsilon * epsilon)) };
}

function approximateLeverage(A: Matrix, epsilon: number, seed: number | bigint, key: [number, number]): Float64Array {
  const { rows: n, cols: d, data } = A;
  const { sketchRows: m, jlColumns: k } = approximateSizes(n, d, epsilon);
  // R from the pivoted QR of S·A (or of A itself when the sketch would not be smaller).
  const f = m < n
    ? householderQR({ data: sketchJs(FN, A, null, { kind: 'sparse-sign', rows: m, seed, nnzPerColumn: SKETCH_NNZ }), rows: m, cols: d }, { pivot: true })
    : householderQR(A, { pivot: true });
  const r = f.rank;
  const tau = new Float64Array(n);
  if (r === 0) return tau;
  if (k >= r) {
    // The JL step would not reduce the dimension: exact row norms against the sketch's R.
    solveRowNorms(f.qr, f.n, r, f.perm!, data, d, null, tau);
    return tau;
  }
  // G = R₁₁⁻¹·Π_r (r x k, row-major): Π row c = N(0, 1/k) entries of denseColumn(jlKey, c).
  const jlKey: [number, number] = [key[0], (key[1] ^ JL_KEY_XOR) >>> 0];
  const G = new Float64Array(r * k);
  const col = new Float64Array(k);
  const scale = 1 / sqrt(k);
  for (let c = 0; c < r; c++) {
    denseColumn(jlKey, true, c, k, col);
    for (let t = 0; t < k; t++) G[c * k + t] = col[t] * scale;
  }
  // Back substitution on all k columns at once: rows of G from the bottom up.
  const { qr, n: m2 } = f;
  for (let i = r - 1; i >= 0; i--) {
    const gi = i * k;
    for (let j = i + 1; j < r; j++) {
      const rij = qr[j * m2 + i];
      if (rij === 0) continue;
      const gj = j * k;
      for (let t = 0; t < k; t++) G[gi + t] -= rij * G[gj + t];
    }
    const rii = qr[i * m2 + i];
    for (let t = 0; t < k; t++) G[gi + t] /= rii;
  }
  // τ̃_i = ‖Σ_{j<r} A[i, perm[j]]·G[j, :]‖².
  const perm = f.perm!;
  const y = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    y.fill(0);
    const ao = i * d;
    for (let j = 0; j < r; j++) {
      const a = data[ao + perm[j]];
      if (a === 0) continue;
      const gj = j * k;
      for (let t = 0; t < k; t++) y[t] += a * G[gj + t];
    }
    let s = 0;
    for (let t = 0; t < k; t++) s += y[t] * y[t];
    tau[i] = s;
  }
  return tau;
}
