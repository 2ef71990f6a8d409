// Householder QR (optionally with column pivoting) of a tall n x d matrix, n >= d, in float64, and
// the least-squares solve built on it. Internal: the reference solver of lstsq ('qr' method), the
// factorization of the sketch S·A inside the randomized solvers, and their rank-deficient fallback.
//
// Layout. The factorization works on a column-major copy (each column contiguous), as LAPACK's
// dgeqr2 / dgeqp3 do: a reflector is applied to the trailing columns one contiguous column at a
// time, so the only allocation is the copy itself (no per-step temporaries). The algorithm is the
// unblocked (level-2) one: in TypeScript there is no level-3 BLAS for a blocked (compact WY) update
// to win with, and at the sizes the library hands it (S·A with m ≈ 12d rows, or A itself when d is
// small) the reflector vector stays in cache while it sweeps the trailing columns.
//
// Storage after factoring (LAPACK convention): R on and above the diagonal; below the diagonal of
// column k the tail of the Householder vector v_k, whose head v_k[k] = 1 is implicit;
// H_k = I - tau_k v_k v_kᵀ and Q = H_0 H_1 ... H_{d-1}.
import type { Matrix } from '../sketch/matrix';

// jest runs modules in a vm context where every global lookup (Math, ...) goes through an
// interceptor, ~15x slower in hot loops: take them once at module scope.
const { abs, sqrt, max, hypot } = Math;

/** Unit roundoff times 2: the spacing of doubles at 1 (Number.EPSILON = 2^-52). */
export const EPS = 2 ** -52;

/** A Householder QR factorization of an n x d matrix (n >= d), possibly column-pivoted. */
export interface HouseholderQR {
  /** Rows of the factored matrix. */
  n: number;
  /** Columns of the factored matrix. */
  d: number;
  /** Column-major n x d: R on and above the diagonal, Householder vectors below it (see file comment). */
  qr: Float64Array;
  /** The d reflector coefficients (tau_k = 0 means H_k = I). */
  tau: Float64Array;
  /**
   * Column permutation of pivoted QR: column j of Q·R is column perm[j] of the input (A·P = Q·R).
   * null when unpivoted (P = I).
   */
  perm: Uint32Array | null;
  /**
   * Numerical rank: the number of leading k with |R_kk| > rankTolerance·|R_00|. Reliable only with
   * pivoting (|R_kk| then decreases and tracks the singular values); unpivoted, it compares against
   * max |R_jj| instead and can overestimate the rank.
   */
  rank: number;
  /** The relative tolerance the rank was decided with. */
  rankTolerance: number;
}

export interface QrOptions {
  /** Column pivoting (QRCP, as LAPACK dgeqp3): needed for a trustworthy rank. Default false. */
  pivot?: boolean;
  /**
   * |R_kk| <= rankTolerance·|R_00| counts as zero. Default max(n, d)·eps (eps = 2^-52), the rule of
   * MATLAB's QR-based backslash and of numpy.linalg.lstsq's rcond: pivots below the rounding noise
   * a backward-stable QR leaves, about eps·‖A‖ per entry summed over max(n, d) terms.
   */
  rankTolerance?: number;
}

/** The default relative rank tolerance for an n x d matrix (see QrOptions.rankTolerance). */
export function defaultRankTolerance(n: number, d: number): number {
  return max(n, d) * EPS;
}

/**
 * 2-norm of a[off .. off+len), without overflow or harmful underflow: the plain sum of squares is
 * used when it is safely inside the normal range, else the sum is redone with scaling (as dnrm2).
 */
export function norm2(a: ArrayLike<number>, off = 0, len = a.length - off): number {
  let s = 0;
  for (let i = off; i < off + len; i++) s += a[i] * a[i];
  if (s > 1e-290 && s < 1e290) return sqrt(s);
  // Outside that range the squares may have overflowed or underflowed (even to 0 for entries below
  // 1e-162): redo with scaling.
  let scale = 0;
  for (let i = off; i < off + len; i++) scale = max(scale, abs(a[i]));
  if (scale === 0 || scale === Infinity || scale !== scale) return scale;
  s = 0;
  for (let i = off; i < off + len; i++) {
    const t = a[i] / scale;
    s += t * t;
  }
  return scale * sqrt(s);
}

/**
 * Column-major float64 copy of `cols` columns of a row-major array (row stride `stride`), starting
 * at column `col0`. Used for A itself and for the first d columns of a sketch S·[A | b].
 */
export function toColumnMajor(data: ArrayLike<number>, rows: number, stride: number, cols: number, col0 = 0): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const o = i * stride + col0;
    for (let j = 0; j < cols; j++) out[j * rows + i] = data[o + j];
  }
  return out;
}

/** Factors the n x d row-major matrix A (copied; A is not modified). */
export function householderQR(A: Matrix, options: QrOptions = {}): HouseholderQR {
  return householderQRInPlace(toColumnMajor(A.data, A.rows, A.cols, A.cols), A.rows, A.cols, options);
}

/**
 * Factors the column-major n x d matrix `work` in place (n >= d) and returns the factorization that
 * owns it.
 */
export function householderQRInPlace(work: Float64Array, n: number, d: number, options: QrOptions = {}): HouseholderQR {
  if (n < d) throw new Error(`householderQR: needs rows >= cols (got ${n} x ${d})`);
  const tau = new Float64Array(d);
  const pivot = options.pivot === true;
  const perm = pivot ? new Uint32Array(d) : null;
  // Partial column norms for pivoting (LAPACK dlaqp2): vn1 = norm of the not yet factored part of
  // each column, vn2 = its value when last computed from scratch. Downdating vn1 each step loses
  // accuracy by cancellation, so it is recomputed when it has shrunk by more than sqrt(eps) relative
  // to vn2.
  const vn1 = pivot ? new Float64Array(d) : null;
  const vn2 = pivot ? new Float64Array(d) : null;
  if (perm && vn1 && vn2) {
    for (let j = 0; j < d; j++) {
      perm[j] = j;
      vn1[j] = vn2[j] = norm2(work, j * n, n);
    }
  }
  const tol3z = sqrt(EPS);
  for (let k = 0; k < d; k++) {
    if (perm && vn1 && vn2) {
      let p = k;
      for (let j = k + 1; j < d; j++) if (vn1[j] > vn1[p]) p = j;
      if (p !== k) {
        swapColumns(work, n, k, p);
        const t = perm[k]; perm[k] = perm[p]; perm[p] = t;
        vn1[p] = vn1[k];
        vn2[p] = vn2[k];
      }
    }
    tau[k] = makeReflector(work, k * n + k, n - k);
    applyReflectorToColumns(work, n, k, tau[k], k + 1, d);
    if (vn1 && vn2) {
      for (let j = k + 1; j < d; j++) {
        if (vn1[j] === 0) continue;
        const ratio = abs(work[j * n + k]) / vn1[j];
        const temp = max(0, 1 - ratio * ratio);
        const rel = vn1[j] / vn2[j];
        if (temp * rel * rel <= tol3z) {
          vn1[j] = vn2[j] = k + 1 < n ? norm2(work, j * n + k + 1, n - k - 1) : 0;
        } else {
          vn1[j] *= sqrt(temp);
        }
      }
    }
  }
  const rankTolerance = options.rankTolerance ?? defaultRankTolerance(n, d);
  return { n, d, qr: work, tau, perm, rank: numericalRank(work, n, d, rankTolerance, pivot), rankTolerance };
}

function swapColumns(work: Float64Array, n: number, a: number, b: number): void {
  const oa = a * n;
  const ob = b * n;
  for (let i = 0; i < n; i++) {
    const t = work[oa + i];
    work[oa + i] = work[ob + i];
    work[ob + i] = t;
  }
}

/**
 * Householder reflector for x = a[off .. off+len) (LAPACK dlarfg): overwrites x with
 * (beta, v[1..]) where H·x = beta·e_0, H = I - tau·v·vᵀ, v[0] = 1, and returns tau. beta takes the
 * sign opposite to x[0] so that x[0] - beta never cancels.
 */
function makeReflector(a: Float64Array, off: number, len: number): number {
  if (len <= 1) return 0;
  const alpha = a[off];
  const xnorm = norm2(a, off + 1, len - 1);
  if (xnorm === 0) return 0; // already of the form beta·e_0: H = I
  const mag = hypot(alpha, xnorm); // hypot scales internally: no overflow
  const beta = alpha >= 0 ? -mag : mag;
  const tau = (beta - alpha) / beta;
  // Divide rather than multiply by 1/(alpha - beta): the reciprocal can overflow for tiny columns.
  const denom = alpha - beta;
  for (let i = off + 1; i < off + len; i++) a[i] /= denom;
  a[off] = beta;
  return tau;
}

/** Applies H_k (stored in column k) to columns [from, to) of the column-major n-row `work`. */
function applyReflectorToColumns(work: Float64Array, n: number, k: number, tau: number, from: number, to: number): void {
  if (tau === 0) return;
  const vo = k * n;
  for (let j = from; j < to; j++) {
    const co = j * n;
    let s = work[co + k];
    for (let i = k + 1; i < n; i++) s += work[vo + i] * work[co + i];
    s *= tau;
    work[co + k] -= s;
    for (let i = k + 1; i < n; i++) work[co + i] -= s * work[vo + i];
  }
}

function numericalRank(work: Float64Array, n: number, d: number, tol: number, pivoted: boolean): number {
  let ref = 0;
  if (pivoted) ref = abs(work[0]);
  else for (let k = 0; k < d; k++) ref = max(ref, abs(work[k * n + k]));
  if (ref === 0) return 0;
  let rank = 0;
  for (let k = 0; k < d; k++) {
    if (abs(work[k * n + k]) > tol * ref) rank++;
    else if (pivoted) break; // pivoted |R_kk| decreases: the rest are below the tolerance too
  }
  return rank;
}

/** y ← Qᵀ·y in place (y of length n). */
export function applyQt(f: HouseholderQR, y: Float64Array): Float64Array {
  for (let k = 0; k < f.d; k++) applyReflectorToVector(f, k, y);
  return y;
}

/** y ← Q·y in place (y of length n). */
export function applyQ(f: HouseholderQR, y: Float64Array): Float64Array {
  for (let k = f.d - 1; k >= 0; k--) applyReflectorToVector(f, k, y);
  return y;
}

function applyReflectorToVector(f: HouseholderQR, k: number, y: Float64Array): void {
  const tau = f.tau[k];
  if (tau === 0) return;
  const { qr, n } = f;
  const vo = k * n;
  let s = y[k];
  for (let i = k + 1; i < n; i++) s += qr[vo + i] * y[i];
  s *= tau;
  y[k] -= s;
  for (let i = k + 1; i < n; i++) y[i] -= s * qr[vo + i];
}

/** The d x d upper-triangular R as a row-major array (zeros below the diagonal). */
export function getR(f: HouseholderQR): Float64Array {
  const { d, n, qr } = f;
  const R = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) R[i * d + j] = qr[j * n + i];
  return R;
}

/**
 * Back substitution: y ← R⁻¹·y in place for the leading k x k block of the row-major upper-triangular
 * R with row stride `ld` (k defaults to ld). Rows are read contiguously.
 */
export function solveUpper(R: Float64Array, ld: number, y: Float64Array, k = ld): Float64Array {
  for (let i = k - 1; i >= 0; i--) {
    const o = i * ld;
    let s = y[i];
    for (let j = i + 1; j < k; j++) s -= R[o + j] * y[j];
    y[i] = s / R[o + i];
  }
  return y;
}

/**
 * Forward substitution with the transpose: y ← R⁻ᵀ·y in place (leading k x k block, row stride ld).
 * Column-oriented (once y[i] is final, subtract it times row i of R) so R is still read by rows.
 */
export function solveUpperTransposed(R: Float64Array, ld: number, y: Float64Array, k = ld): Float64Array {
  for (let i = 0; i < k; i++) {
    const o = i * ld;
    const yi = (y[i] /= R[o + i]);
    if (yi === 0) continue;
    for (let j = i + 1; j < k; j++) y[j] -= R[o + j] * yi;
  }
  return y;
}

export interface QrSolveResult {
  /** The least-squares solution; the minimum-norm one when A is rank-deficient. */
  x: Float64Array;
  /** ‖b - A·x‖ from the factorization: the norm of the last n - rank entries of Qᵀ·b. */
  residualNorm: number;
  /** Numerical rank of A (pivoted QR, see QrOptions.rankTolerance). */
  rank: number;
}

/**
 * min ‖A·x - b‖₂ by Householder QR with column pivoting (the default; `pivot: false` skips it and
 * then trusts that A has full column rank). With rank r < d it returns the minimum-norm solution
 * among the least-squares solutions of the rank-r approximation (LAPACK dgelsy's complete
 * orthogonal decomposition): [R11 R12] is reduced by a second QR of its transpose.
 */
export function qrSolve(A: Matrix, b: ArrayLike<number>, options: QrOptions = {}): QrSolveResult {
  let f = householderQR(A, { pivot: options.pivot ?? true, rankTolerance: options.rankTolerance });
  // Unpivoted QR cannot say which columns to drop: when it sees a deficient rank, redo it pivoted.
  if (!f.perm && f.rank < f.d) f = householderQR(A, { pivot: true, rankTolerance: options.rankTolerance });
  return qrSolveFactored(f, b);
}

/**
 * The least-squares solve for a right-hand side, given the factorization of A (pivoted whenever its
 * rank is below d).
 */
export function qrSolveFactored(f: HouseholderQR, b: ArrayLike<number>): QrSolveResult {
  const { n, d, rank } = f;
  if (!f.perm && rank < d) throw new Error('qrSolveFactored: a rank-deficient factorization must be pivoted');
  const c = applyQt(f, Float64Array.from(b));
  const residualNorm = norm2(c, rank, n - rank);
  const y = new Float64Array(d);
  if (rank === d) {
    y.set(c.subarray(0, d));
    solveUpper(getR(f), d, y);
  } else if (rank > 0) {
    minimumNormSolve(f, c, y);
  }
  const x = new Float64Array(d);
  for (let j = 0; j < d; j++) x[f.perm ? f.perm[j] : j] = y[j];
  return { x, residualNorm, rank };
}

/**
 * y = argmin ‖y‖ subject to [R11 R12]·y = c[0..r): with T = [R11 R12]ᵀ = W·U (QR of the d x r matrix
 * T), the constraint reads Uᵀ·(Wᵀy) = c, so y = W·U⁻ᵀ·c.
 */
function minimumNormSolve(f: HouseholderQR, c: Float64Array, y: Float64Array): void {
  const { n, d, rank: r, qr } = f;
  const T = new Float64Array(d * r); // column-major d x r: column i is row i of [R11 R12]
  for (let i = 0; i < r; i++) for (let j = i; j < d; j++) T[i * d + j] = qr[j * n + i];
  const g = householderQRInPlace(T, d, r);
  y.fill(0);
  y.set(c.subarray(0, r));
  solveUpperTransposed(getR(g), r, y, r);
  applyQ(g, y);
}
