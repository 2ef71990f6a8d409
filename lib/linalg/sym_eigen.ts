// Eigenvalues (and optionally eigenvectors) of a small dense symmetric matrix by the cyclic Jacobi
// method (Golub & Van Loan, Matrix Computations, 4th ed., §8.5.3, with Rutishauser's stable rotation
// formulas). Internal: the d x d problems of the embedding-distortion measure (p = 2 is the spectrum of
// Q_Aᵀ·S²·Q_A) where d is at most a few hundred, so O(d³) per sweep and a handful of sweeps is fine.
//
// Why Jacobi rather than tridiagonal QR: it is short, needs no shifts, and computes every eigenvalue
// to an absolute error of a small multiple of eps·‖A‖_F (and small ones to high relative accuracy for
// well-scaled positive definite input), which is what the 1e-10 test gates ask for.
//
// Stopping rule: a sweep skips every rotation whose off-diagonal entry is negligible against the
// geometric mean of its diagonal pair (|a_pq| <= eps·sqrt(|a_pp·a_qq|)) or against the matrix's
// Frobenius norm (|a_pq| <= eps·‖A‖_F·TINY_REL); the iteration ends after a sweep that rotated
// nothing, or after MAX_SWEEPS (quadratic convergence makes 6–10 sweeps typical at d <= 100).
const { abs, sqrt, max } = Math;

/** Sweep cap; quadratic convergence makes it unreachable in practice. */
export const MAX_SWEEPS = 60;
const EPS = 2 ** -52;
/** Entries below eps·‖A‖_F·TINY_REL are treated as zero even when the diagonal pair is zero. */
const TINY_REL = 1e-3;

export interface SymEigen {
  /** Eigenvalues in increasing order. */
  values: Float64Array;
  /** Row-major k x k: column j is the unit eigenvector of values[j]; null unless requested. */
  vectors: Float64Array | null;
  /** Sweeps used. */
  sweeps: number;
}

/**
 * Eigen-decomposition of the symmetric k x k row-major matrix `S` (only the upper triangle is read;
 * S is not modified).
 */
export function symmetricEigen(S: ArrayLike<number>, k: number, options: { vectors?: boolean } = {}): SymEigen {
  const a = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) a[i * k + j] = a[j * k + i] = S[i * k + j];
  }
  const wantVectors = options.vectors === true;
  const v = wantVectors ? identity(k) : null;
  let fro = 0;
  for (let t = 0; t < k * k; t++) fro += a[t] * a[t];
  const tiny = EPS * TINY_REL * sqrt(fro);
  let sweeps = 0;
  while (sweeps < MAX_SWEEPS) {
    sweeps++;
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q];
        const app = a[p * k + p];
        const aqq = a[q * k + q];
        if (abs(apq) <= max(tiny, EPS * sqrt(abs(app * aqq)))) {
          a[p * k + q] = a[q * k + p] = 0;
          continue;
        }
        rotate(a, v, k, p, q);
        rotated = true;
      }
    }
    if (!rotated) break;
  }
  return sortedResult(a, v, k, sweeps);
}

function identity(k: number): Float64Array {
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  return v;
}

/**
 * One Jacobi rotation zeroing a_pq: J = [c s; −s c] in the (p, q) plane, A ← JᵀAJ, V ← VJ.
 * t = tan θ is the smaller root of t² + 2ζt − 1 = 0 (|θ| <= π/4), which keeps the update stable.
 */
function rotate(a: Float64Array, v: Float64Array | null, k: number, p: number, q: number): void {
  const apq = a[p * k + q];
  const zeta = (a[q * k + q] - a[p * k + p]) / (2 * apq);
  const t = (zeta >= 0 ? 1 : -1) / (abs(zeta) + sqrt(1 + zeta * zeta));
  const c = 1 / sqrt(1 + t * t);
  const s = t * c;
  const tau = s / (1 + c);
  a[p * k + p] -= t * apq;
  a[q * k + q] += t * apq;
  a[p * k + q] = a[q * k + p] = 0;
  for (let r = 0; r < k; r++) {
    if (r === p || r === q) continue;
    const arp = a[r * k + p];
    const arq = a[r * k + q];
    const np = arp - s * (arq + tau * arp);
    const nq = arq + s * (arp - tau * arq);
    a[r * k + p] = a[p * k + r] = np;
    a[r * k + q] = a[q * k + r] = nq;
  }
  if (v) {
    for (let r = 0; r < k; r++) {
      const vrp = v[r * k + p];
      const vrq = v[r * k + q];
      v[r * k + p] = vrp - s * (vrq + tau * vrp);
      v[r * k + q] = vrq + s * (vrp - tau * vrq);
    }
  }
}

function sortedResult(a: Float64Array, v: Float64Array | null, k: number, sweeps: number): SymEigen {
  const order = Array.from({ length: k }, (_, i) => i).sort((i, j) => a[i * k + i] - a[j * k + j]);
  const values = Float64Array.from(order, (i) => a[i * k + i]);
  let vectors: Float64Array | null = null;
  if (v) {
    vectors = new Float64Array(k * k);
    order.forEach((src, dst) => {
      for (let r = 0; r < k; r++) vectors![r * k + dst] = v[r * k + src];
    });
  }
  return { values, vectors, sweeps };
}
