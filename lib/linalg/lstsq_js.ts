// The TypeScript least-squares solver behind lstsq (internal, not yet exported): min ‖A·x - b‖₂ for a
// tall dense A (n x d, n >= d) by one of
//  - 'qr': Householder QR with column pivoting (qr.ts); the reference, handles rank deficiency
//    (minimum-norm solution);
//  - 'sketch-and-solve': x = argmin ‖S·A·x - S·b‖ for a random S of m rows (sketching.md §4.1). Cheap,
//    low accuracy: ‖b - A·x‖ ≤ (1 + O(√(d/m)))·min, forward error O(√(d/m))·‖r‖·‖A†‖;
//  - 'sketch-precondition': SPIR (sketching.md §4.3, Epperly–Meier–Nakatsukasa 2024): sketch, QR of
//    S·A = Q·R, warm start from sketch-and-solve, then two passes of LSQR on A·R⁻¹, each restarted from
//    the explicitly recomputed residual b - A·x (the second pass is a step of iterative refinement,
//    which is what makes the randomized solve backward stable for ill-conditioned A; the cold start
//    x0 = 0 is not stable, sketching.md §7.3);
//  - 'auto': see chooseMethod.
// A rank-deficient (or numerically so) S·A is detected from an estimate of rcond(R); the randomized
// methods then fall back to 'qr' on A, which decides and reports the rank.
import { rangeError, typeError } from '../errors';
import { seedToKey } from '../random/philox';
import { checkMatrix, type Matrix } from '../sketch/matrix';
import { sketchJs, type SketchKind } from '../sketch/sketch_js';
import { checkEnum, checkFloatArray, checkOptions } from '../validate';
import { denseOperator, lsqr } from './lsqr';
import { applyQt, getR, householderQRInPlace, norm2, qrSolve, solveUpper, solveUpperTransposed, toColumnMajor } from './qr';

const { abs, floor, max, min } = Math;
const isFinite = Number.isFinite;

const FN = 'lstsq';

export type LstsqMethod = 'auto' | 'qr' | 'sketch-and-solve' | 'sketch-precondition';

export interface LstsqSketchOptions {
  /** The sketch S. Default 'sparse-sign' (cheap, O(nnzPerColumn·n·d), a good ℓ2 embedding, §2). */
  kind?: SketchKind;
  /**
   * Sketch rows m, at least d (S·A must be able to have full column rank); for 'srht' at most n
   * rounded up to a power of two. Default min(12·d, n) for 'sketch-precondition' (Epperly's SPIR
   * default; measured 20-25 LSQR iterations in the first pass, 1 to ~20 in the second) and
   * min(20·d, n) for 'sketch-and-solve' (expected residual excess ≈ d/(2m) = 2.5%).
   */
  rows?: number;
  /** Nonzeros per column of a 'sparse-sign' sketch, 1..rows. Default 8 (min(8, rows)). */
  nnzPerColumn?: number;
}

export interface LstsqOptions {
  /** Default 'auto' (see chooseMethod). */
  method?: LstsqMethod;
  sketch?: LstsqSketchOptions;
  /** Philox key for the sketch. Default 0. */
  seed?: number | bigint;
  /**
   * Stopping tolerance of LSQR in 'sketch-precondition' (both tests, see lsqr.ts): the backward-error
   * bound ‖Āᵀr‖/(‖Ā‖‖r‖) ≤ tolerance, Ā = A·R⁻¹. In (0, 1); also steers 'auto'. Default 1e-16, i.e.
   * working precision: the forward error of a solution with backward error η is about
   * η·(κ + κ²‖r‖/(‖A‖‖x‖)), so matching Householder QR (η ≈ u = 1.1e-16) within a small factor needs
   * η ≲ 1e-15. With 1e-14 the large-residual identity-block instance came out up to 14x less accurate
   * than QR's error estimate; with 1e-16 at most 0.7x (30 runs), for ~2 more iterations per pass
   * (3000 x 30).
   */
  tolerance?: number;
  /** LSQR iterations per pass of 'sketch-precondition' (2 passes). Default 100. */
  maxIterations?: number;
}

export interface LstsqResult {
  x: Float64Array;
  /** ‖b - A·x‖₂, recomputed from A, b and x. */
  residualNorm: number;
  /** LSQR iterations, summed over the passes; 0 for the direct methods. */
  iterations: number;
  /** The method that produced x: 'auto' resolved, and 'qr' when a randomized method fell back. */
  method: Exclude<LstsqMethod, 'auto'>;
  /** Rows of the sketch that was formed (also when the solve fell back to 'qr'); 0 when none was. */
  sketchRows: number;
  /** Numerical rank: d unless the QR fallback found less (pivoted QR, |R_kk| ≤ max(n,d)·eps·|R_00|). */
  rank: number;
  /** false only when an LSQR pass hit maxIterations before its stopping test. */
  converged: boolean;
}

export const LSTSQ_DEFAULTS = {
  method: 'auto' as LstsqMethod,
  kind: 'sparse-sign' as SketchKind,
  nnzPerColumn: 8,
  seed: 0,
  tolerance: 1e-16,
  maxIterations: 100,
  /** Sketch rows per column of A: 'sketch-precondition' and 'sketch-and-solve'. */
  preconditionRowsPerColumn: 12,
  solveRowsPerColumn: 20,
  /** LSQR passes of 'sketch-precondition' (the first from the sketch-and-solve warm start). */
  refinementPasses: 2,
  /**
   * S·A counts as rank-deficient when the estimate of rcond(R) is below this. Well above unit roundoff
   * so that the randomized solve is never attempted where SPIR needs a Tikhonov shift (κ > 1/(30u),
   * §4.3); the 'qr' fallback then decides the rank with its own, size-dependent tolerance.
   */
  rcondMin: 1e-13,
} as const;

/** 'auto' runs 'qr' when d is below this (see chooseMethod). */
export const AUTO_MIN_COLS = 150;
/** ... or when n is below this many rows per column. */
export const AUTO_MIN_ROWS_PER_COL = 25;
/** 'auto' uses 'sketch-and-solve' only for tolerance ≥ this (see chooseMethod). */
export const AUTO_SKETCH_AND_SOLVE_TOLERANCE = 0.25;

const METHODS: readonly LstsqMethod[] = ['auto', 'qr', 'sketch-and-solve', 'sketch-precondition'];
const KINDS: readonly SketchKind[] = ['gaussian', 'rademacher', 'srht', 'countsketch', 'sparse-sign'];
const OPTION_KEYS = ['method', 'sketch', 'seed', 'tolerance', 'maxIterations'] as const;
const SKETCH_KEYS = ['kind', 'rows', 'nnzPerColumn'] as const;

/**
 * The method 'auto' runs for an n x d problem:
 *  - 'qr' when d < AUTO_MIN_COLS or n < AUTO_MIN_ROWS_PER_COL·d. Householder QR costs 2nd² flops;
 *    'sketch-precondition' costs the sketch, the QR of the 12d x d sketch (24d³) and ~30 LSQR
 *    iterations (~120nd), so it only wins for wide enough d and tall enough n. Measured on this
 *    TypeScript code (Node 20, one core, default options; timings noisy to ~10%), QR time / SPIR time:
 *    0.27 at 20000 x 20, 0.54 at 20000 x 50, 0.79 at 20000 x 100, 0.91 at 20000 x 128, 1.21 at
 *    40000 x 128, 1.20 at 10000 x 160, 1.00 at 5000 x 200 (n = 25d), 0.62 at 4000 x 200 (n = 20d),
 *    1.58 at 20000 x 200, 1.30 at 8000 x 256, 1.46 at 10000 x 300. The gain grows with d (the notes'
 *    native figures: 2.3x at 200000 x 200, 7.9x at 50000 x 1000);
 *  - else 'sketch-and-solve' when tolerance ≥ AUTO_SKETCH_AND_SOLVE_TOLERANCE: its backward error is
 *    about √(d/m) ≈ 0.22 at the default m = 20d whatever the tolerance, so it meets nothing finer;
 *  - else 'sketch-precondition'.
 */
export function chooseMethod(n: number, d: number, tolerance: number): Exclude<LstsqMethod, 'auto'> {
  if (d < AUTO_MIN_COLS || n < AUTO_MIN_ROWS_PER_COL * d) return 'qr';
  if (tolerance >= AUTO_SKETCH_AND_SOLVE_TOLERANCE) return 'sketch-and-solve';
  return 'sketch-precondition';
}

interface Resolved {
  method: Exclude<LstsqMethod, 'auto'>;
  kind: SketchKind;
  rows: number;
  nnzPerColumn: number;
  seed: number | bigint;
  tolerance: number;
  maxIterations: number;
}

/** min ‖A·x - b‖₂ (see the file comment). A and b are not modified. */
export function lstsqJs(A: Matrix, b: Float64Array | Float32Array, options?: LstsqOptions): LstsqResult {
  const o = resolve(A, b, options);
  const b64 = Float64Array.from(b);
  switch (o.method) {
    case 'qr':
      return qrResult(A, b64, 0);
    case 'sketch-and-solve':
      return sketchAndSolve(A, b64, o);
    case 'sketch-precondition':
      return sketchPrecondition(A, b64, o);
  }
}

function qrResult(A: Matrix, b: Float64Array, sketchRows: number): LstsqResult {
  const { x, rank } = qrSolve(A, b);
  return { x, residualNorm: residualNorm(A, b, x), iterations: 0, method: 'qr', sketchRows, rank, converged: true };
}

/** S·[A | b], the QR of S·A, and the sketch-and-solve solution; null when S·A looks rank-deficient. */
function sketchStage(A: Matrix, b: Float64Array, o: Resolved): { R: Float64Array; x: Float64Array } | null {
  const d = A.cols;
  const m = o.rows;
  const SAb = sketchJs(FN, A, b, { kind: o.kind, rows: m, seed: o.seed, nnzPerColumn: o.nnzPerColumn });
  const f = householderQRInPlace(toColumnMajor(SAb, m, d + 1, d), m, d);
  const R = getR(f);
  if (!(rcondEstimate(R, d) >= LSTSQ_DEFAULTS.rcondMin)) return null;
  const c = applyQt(f, toColumnMajor(SAb, m, d + 1, 1, d)); // Qᵀ·(S·b)
  const x = solveUpper(R, d, c.slice(0, d));
  return { R, x };
}

function sketchAndSolve(A: Matrix, b: Float64Array, o: Resolved): LstsqResult {
  const s = sketchStage(A, b, o);
  if (!s) return qrResult(A, b, o.rows);
  const { x } = s;
  return { x, residualNorm: residualNorm(A, b, x), iterations: 0, method: 'sketch-and-solve', sketchRows: o.rows, rank: A.cols, converged: true };
}

function sketchPrecondition(A: Matrix, b: Float64Array, o: Resolved): LstsqResult {
  const s = sketchStage(A, b, o);
  if (!s) return qrResult(A, b, o.rows);
  const op = denseOperator(A.data, A.rows, A.cols);
  let x = s.x;
  let iterations = 0;
  let converged = true;
  for (let pass = 0; pass < LSTSQ_DEFAULTS.refinementPasses; pass++) {
    // Each pass restarts LSQR from the residual b - A·x computed afresh (lsqr's warm start), which
    // corrects the rounding errors the previous pass's recurrences could not see.
    const r = lsqr(op, b, { preconditioner: s.R, x0: x, tolerance: o.tolerance, maxIterations: o.maxIterations });
    x = r.x;
    iterations += r.iterations;
    converged = r.converged;
  }
  return { x, residualNorm: residualNorm(A, b, x), iterations, method: 'sketch-precondition', sketchRows: o.rows, rank: A.cols, converged };
}

/** ‖b - A·x‖₂ in float64. */
function residualNorm(A: Matrix, b: Float64Array, x: Float64Array): number {
  const r = new Float64Array(A.rows);
  denseOperator(A.data, A.rows, A.cols).matvec(x, r);
  for (let i = 0; i < r.length; i++) r[i] = b[i] - r[i];
  return norm2(r);
}

/**
 * An estimate of rcond(R) = 1/κ₂(R) for the d x d row-major upper-triangular R, from above (it never
 * reports a matrix as better conditioned than min_k |R_kk| / max_k |R_kk|): the minimum of that
 * diagonal ratio, which already catches exact rank deficiency (det R = ∏ R_kk), and 1/(σ̂max·σ̂min⁻¹)
 * from a few power iterations on RᵀR and on (RᵀR)⁻¹, which catches the ill-conditioning the diagonal
 * hides. Both estimates are lower bounds on κ₂, so the smaller rcond is the better one. O(d²) per
 * iteration, negligible next to the QR of S·A. Returns 0 for a zero or non-finite R.
 */
export function rcondEstimate(R: Float64Array, d: number): number {
  let dmin = Infinity;
  let dmax = 0;
  for (let k = 0; k < d; k++) {
    const a = abs(R[k * d + k]);
    dmin = min(dmin, a);
    dmax = max(dmax, a);
  }
  if (!(dmax > 0) || !isFinite(dmax) || dmin === 0) return 0;
  const ITER = 8;
  const v = new Float64Array(d);
  const t = new Float64Array(d);
  // σmax(R)² ≈ Rayleigh quotient of RᵀR; a fixed start with no special alignment to either end.
  const start = (): void => {
    for (let j = 0; j < d; j++) v[j] = 1 + ((j * 7) % 5) / 10;
    normalize(v);
  };
  start();
  let smax = 0;
  for (let it = 0; it < ITER; it++) {
    upperTimes(R, d, v, t); // t = R·v
    smax = norm2(t);
    upperTransposeTimes(R, d, t, v); // v = Rᵀ·R·v
    if (!normalize(v)) break;
  }
  start();
  let invmin = 0;
  for (let it = 0; it < ITER; it++) {
    solveUpperTransposed(R, d, v); // R⁻ᵀ·v
    invmin = norm2(v); // ‖R⁻ᵀ·v‖ with ‖v‖ = 1: a lower bound on ‖R⁻¹‖
    solveUpper(R, d, v); // R⁻¹·R⁻ᵀ·v
    if (!isFinite(invmin) || !normalize(v)) return 0;
  }
  const rc = 1 / (max(smax, dmax) * invmin);
  return min(rc, dmin / dmax);
}

function normalize(v: Float64Array): boolean {
  const s = norm2(v);
  if (!(s > 0) || !isFinite(s)) return false;
  for (let j = 0; j < v.length; j++) v[j] /= s;
  return true;
}

function upperTimes(R: Float64Array, d: number, v: Float64Array, out: Float64Array): void {
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = i; j < d; j++) s += R[i * d + j] * v[j];
    out[i] = s;
  }
}

function upperTransposeTimes(R: Float64Array, d: number, v: Float64Array, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < d; i++) {
    const vi = v[i];
    for (let j = i; j < d; j++) out[j] += R[i * d + j] * vi;
  }
}

// ---- argument checking -------------------------------------------------------------------------

function resolve(A: unknown, b: unknown, options: unknown): Resolved {
  const M = checkMatrix(FN, 'A', A);
  const n = M.rows;
  const d = M.cols;
  if (n < d) throw rangeError(FN, 'A.rows', `must be at least A.cols = ${d} (underdetermined systems are not supported)`, n);
  const bv = checkFloatArray(FN, 'b', b);
  if (bv.length !== n) throw rangeError(FN, 'b', `must have A.rows = ${n} elements`, bv);
  const opts = checkOptions<LstsqOptions>(FN, options, OPTION_KEYS);
  const method = opts.method === undefined ? LSTSQ_DEFAULTS.method : checkEnum(FN, 'options.method', opts.method, METHODS);
  const seed = opts.seed ?? LSTSQ_DEFAULTS.seed;
  seedToKey(FN, seed); // validates it
  const tolerance = opts.tolerance ?? LSTSQ_DEFAULTS.tolerance;
  if (typeof tolerance !== 'number') throw typeError(FN, 'options.tolerance', 'must be a number', tolerance);
  if (!(tolerance > 0 && tolerance < 1)) throw rangeError(FN, 'options.tolerance', 'must be in (0, 1)', tolerance);
  const maxIterations = opts.maxIterations ?? LSTSQ_DEFAULTS.maxIterations;
  checkPositiveInt('options.maxIterations', maxIterations);

  const sk = checkSketchOptions(opts.sketch);
  const kind = sk.kind === undefined ? LSTSQ_DEFAULTS.kind : checkEnum(FN, 'options.sketch.kind', sk.kind, KINDS);
  const resolvedMethod = method === 'auto' ? chooseMethod(n, d, tolerance) : method;
  const perColumn = resolvedMethod === 'sketch-and-solve' ? LSTSQ_DEFAULTS.solveRowsPerColumn : LSTSQ_DEFAULTS.preconditionRowsPerColumn;
  const rows = sk.rows ?? min(perColumn * d, n);
  checkPositiveInt('options.sketch.rows', rows);
  if (rows < d) throw rangeError(FN, 'options.sketch.rows', `must be at least A.cols = ${d}`, rows);
  if (kind === 'srht') {
    let N = 1;
    while (N < n) N *= 2;
    if (rows > N) throw rangeError(FN, 'options.sketch.rows', `must be at most ${N} (A.rows rounded up to a power of two) for an 'srht' sketch`, rows);
  }
  let nnzPerColumn = min(LSTSQ_DEFAULTS.nnzPerColumn, rows);
  if (sk.nnzPerColumn !== undefined) {
    if (kind !== 'sparse-sign') throw rangeError(FN, 'options.sketch.nnzPerColumn', `applies only to kind 'sparse-sign' (kind is '${kind}')`, sk.nnzPerColumn);
    nnzPerColumn = checkPositiveInt('options.sketch.nnzPerColumn', sk.nnzPerColumn);
    if (nnzPerColumn > rows) throw rangeError(FN, 'options.sketch.nnzPerColumn', `must be at most options.sketch.rows = ${rows}`, nnzPerColumn);
  }

  // Last, since it reads all of A: the first non-finite entry, by row and column.
  const data = M.data;
  for (let i = 0; i < data.length; i++) {
    if (!isFinite(data[i])) {
      const row = floor(i / d);
      throw rangeError(FN, `A[${row}][${i % d}]`, `must be finite (row ${row}, column ${i % d})`, data[i]);
    }
  }
  for (let i = 0; i < n; i++) if (!isFinite(bv[i])) throw rangeError(FN, `b[${i}]`, 'must be finite', bv[i]);
  return { method: resolvedMethod, kind, rows, nnzPerColumn, seed, tolerance, maxIterations };
}

function checkPositiveInt(arg: string, value: unknown): number {
  if (typeof value !== 'number') throw typeError(FN, arg, 'must be a number', value);
  if (!Number.isSafeInteger(value) || value < 1) throw rangeError(FN, arg, 'must be a positive integer', value);
  return value;
}

function checkSketchOptions(value: unknown): LstsqSketchOptions {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw typeError(FN, 'options.sketch', 'must be an object', value);
  }
  for (const key of Object.keys(value)) {
    if (!(SKETCH_KEYS as readonly string[]).includes(key)) {
      throw typeError(FN, `options.sketch.${key}`, `is not a known option (known: ${SKETCH_KEYS.join(', ')})`, (value as Record<string, unknown>)[key]);
    }
  }
  return value as LstsqSketchOptions;
}
