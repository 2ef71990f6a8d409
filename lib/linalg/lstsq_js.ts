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
import type { Matrix } from '../sketch/matrix';
import { sketchJs } from '../sketch/sketch_js';
import { denseOperator, lsqr } from './lsqr';
import { LSTSQ_DEFAULTS, resolveLstsq, type LstsqOptions, type LstsqProgress, type LstsqResult, type ResolvedLstsq } from './lstsq_options';
import { applyQt, getR, householderQRInPlace, norm2, qrSolve, solveUpper, solveUpperTransposed, toColumnMajor } from './qr';

const { abs, max, min } = Math;
const isFinite = Number.isFinite;

const FN = 'lstsq';

/** min ‖A·x - b‖₂ (see the file comment). A and b are not modified. */
export function lstsqJs(A: Matrix, b: Float64Array | Float32Array, options?: LstsqOptions): LstsqResult {
  return solveLstsqJs(A, b, resolveLstsq(FN, A, b, options).o);
}

/** The TypeScript solve of a checked call (resolveLstsq). */
export function solveLstsqJs(A: Matrix, b: Float64Array | Float32Array, o: ResolvedLstsq, onProgress?: (p: LstsqProgress) => void): LstsqResult {
  const b64 = Float64Array.from(b);
  switch (o.method) {
    case 'qr':
      return qrResult(A, b64, 0);
    case 'sketch-and-solve':
      return sketchAndSolve(A, b64, o);
    case 'sketch-precondition':
      return sketchPrecondition(A, b64, o, onProgress);
  }
}

function qrResult(A: Matrix, b: Float64Array, sketchRows: number): LstsqResult {
  const { x, rank } = qrSolve(A, b);
  return { x, residualNorm: residualNorm(A, b, x), iterations: 0, method: 'qr', sketchRows, rank, converged: true };
}

/** S·[A | b], the QR of S·A, and the sketch-and-solve solution; null when S·A looks rank-deficient. */
function sketchStage(A: Matrix, b: Float64Array, o: ResolvedLstsq): { R: Float64Array; x: Float64Array } | null {
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

function sketchAndSolve(A: Matrix, b: Float64Array, o: ResolvedLstsq): LstsqResult {
  const s = sketchStage(A, b, o);
  if (!s) return qrResult(A, b, o.rows);
  const { x } = s;
  return { x, residualNorm: residualNorm(A, b, x), iterations: 0, method: 'sketch-and-solve', sketchRows: o.rows, rank: A.cols, converged: true };
}

function sketchPrecondition(A: Matrix, b: Float64Array, o: ResolvedLstsq, onProgress?: (p: LstsqProgress) => void): LstsqResult {
  const s = sketchStage(A, b, o);
  if (!s) return qrResult(A, b, o.rows);
  const op = denseOperator(A.data, A.rows, A.cols);
  let x = s.x;
  let iterations = 0;
  let converged = true;
  for (let pass = 0; pass < LSTSQ_DEFAULTS.refinementPasses; pass++) {
    // Each pass restarts LSQR from the residual b - A·x computed afresh (lsqr's warm start), which
    // corrects the rounding errors the previous pass's recurrences could not see.
    const onIteration = onProgress ? (iteration: number, estimate: number) => onProgress({ pass: pass + 1, iteration, estimate }) : undefined;
    const r = lsqr(op, b, { preconditioner: s.R, x0: x, tolerance: o.tolerance, maxIterations: o.maxIterations, onIteration });
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

