// Least-squares test problems (sketching.md §6) and the small reference computations the suites
// check against: seeded, float64, written out long-hand so they share no code with lib/linalg except
// where a test says so (the orthonormal factors of the constructed problems come from lib's QR and are
// checked for orthonormality before use).
import type { Matrix } from '../../lib/sketch/matrix';
import { applyQ, householderQR } from '../../lib/linalg/qr';
import { Rng } from '../helpers/prng';

// jest's vm context makes global lookups slow in hot loops: take them once (see test/helpers/prng.ts).
const { sqrt, log, cos, sin, PI, abs, max, pow } = Math;

export const U_ROUND = 2 ** -53;

/** Standard normal draws by Box-Muller on the test PRNG. */
export class Normal {
  private spare: number | null = null;
  constructor(readonly rng: Rng) {}
  next(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u1 = 1 - this.rng.next(); // (0, 1]
    const u2 = this.rng.next();
    const r = sqrt(-2 * log(u1));
    this.spare = r * sin(2 * PI * u2);
    return r * cos(2 * PI * u2);
  }
}

export interface Problem {
  name: string;
  A: Matrix;
  b: Float64Array;
  /** The exact least-squares solution when the construction knows it (b = A·x + r with Aᵀr = 0). */
  xTrue?: Float64Array;
  /** ‖r*‖ when known. */
  residual?: number;
}

export function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return sqrt(s);
}

export function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return sqrt(s);
}

/** A·x for a row-major A. */
export function matvec(A: Matrix, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(A.rows);
  for (let i = 0; i < A.rows; i++) {
    let s = 0;
    for (let j = 0; j < A.cols; j++) s += A.data[i * A.cols + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** Aᵀ·y. */
export function rmatvec(A: Matrix, y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(A.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) out[j] += A.data[i * A.cols + j] * y[i];
  return out;
}

/** b - A·x. */
export function residual(A: Matrix, b: ArrayLike<number>, x: ArrayLike<number>): Float64Array {
  const Ax = matvec(A, x);
  for (let i = 0; i < Ax.length; i++) Ax[i] = b[i] - Ax[i];
  return Ax;
}

export function residualNorm(A: Matrix, b: ArrayLike<number>, x: ArrayLike<number>): number {
  return norm(residual(A, b, x));
}

/** Lower-triangular Cholesky factor of a small SPD matrix (row-major p x p). */
function cholesky(S: Float64Array, p: number): Float64Array {
  const L = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = S[i * p + j];
      for (let k = 0; k < j; k++) s -= L[i * p + k] * L[j * p + k];
      L[i * p + j] = i === j ? sqrt(s) : s / L[j * p + j];
    }
  }
  return L;
}

/**
 * Ma–Mahoney–Yu (JMLR 2015) regression designs: rows X_i = 1_p + z_i / sqrt(w_i / ν) with
 * z ~ N(0, Σ), Σ_ij = 2·0.5^|i-j|, w ~ χ²_ν (df = ν; Gaussian when df is Infinity — 'GA'), and
 * y = X·β + ε, β = (1₁₀, 0.1·1_{p-20}, 1₁₀) (shortened for p < 20), ε ~ N(0, 9).
 * ν = 3 ('T3') and ν = 1 ('T1', Cauchy-like rows) give increasingly non-uniform leverage.
 */
export function mmyProblem(n: number, p: number, df: number, seed: number): Problem {
  const g = new Normal(new Rng(seed));
  const S = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) S[i * p + j] = 2 * pow(0.5, abs(i - j));
  const L = cholesky(S, p);
  const beta = new Float64Array(p);
  for (let j = 0; j < p; j++) beta[j] = j < 10 || j >= p - 10 ? 1 : 0.1;
  const data = new Float64Array(n * p);
  const z = new Float64Array(p);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) z[j] = g.next();
    let scale = 1;
    if (df !== Infinity) {
      let w = 0;
      for (let k = 0; k < df; k++) w += g.next() ** 2;
      scale = 1 / sqrt(w / df);
    }
    let y = 0;
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k <= j; k++) s += L[j * p + k] * z[k];
      const v = 1 + s * scale;
      data[i * p + j] = v;
      y += v * beta[j];
    }
    b[i] = y + 3 * g.next();
  }
  const name = df === Infinity ? 'GA' : `T${df}`;
  return { name: `${name} ${n}x${p}`, A: { data, rows: n, cols: p }, b };
}

/**
 * An n x k matrix with orthonormal columns: Q of the Householder QR of a Gaussian matrix, formed by
 * applying Q to the first k unit vectors. Row-major.
 */
export function orthonormal(n: number, k: number, g: Normal): Float64Array {
  const G = new Float64Array(n * k);
  for (let i = 0; i < G.length; i++) G[i] = g.next();
  const f = householderQR({ data: G, rows: n, cols: k });
  const U = new Float64Array(n * k);
  const e = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    e.fill(0);
    e[j] = 1;
    applyQ(f, e);
    for (let i = 0; i < n; i++) U[i * k + j] = e[i];
  }
  return U;
}

/** max |UᵀU - I| of a row-major n x k matrix. */
export function orthonormalityError(U: Float64Array, n: number, k: number): number {
  let worst = 0;
  for (let a = 0; a < k; a++) {
    for (let c = a; c < k; c++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += U[i * k + a] * U[i * k + c];
      worst = max(worst, abs(s - (a === c ? 1 : 0)));
    }
  }
  return worst;
}

/**
 * Controlled conditioning (Epperly, utils/random_ls_problem.m): A = U·diag(σ)·Vᵀ with orthonormal U
 * (n x (d+1)) and V (d x d), σ log-spaced from 1 down to 1/κ; x a unit vector; r = ρ·U(:, d+1), so
 * Aᵀr = 0 and x is the least-squares solution of b = A·x + r with ‖r*‖ = ρ (up to the rounding of b).
 */
export function conditionedProblem(n: number, d: number, kappa: number, rho: number, seed: number): Problem & { orthoError: number } {
  const g = new Normal(new Rng(seed));
  const U = orthonormal(n, d + 1, g);
  const V = orthonormal(d, d, g);
  const sigma = new Float64Array(d);
  for (let k = 0; k < d; k++) sigma[k] = d === 1 ? 1 : pow(kappa, -k / (d - 1));
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) {
      const uk = U[i * (d + 1) + k] * sigma[k];
      for (let j = 0; j < d; j++) data[i * d + j] += uk * V[j * d + k];
    }
  }
  const x = new Float64Array(d);
  for (let j = 0; j < d; j++) x[j] = g.next();
  const nx = norm(x);
  for (let j = 0; j < d; j++) x[j] /= nx;
  const A = { data, rows: n, cols: d };
  const Ax = matvec(A, x);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) b[i] = Ax[i] + rho * U[i * (d + 1) + d];
  const orthoError = max(orthonormalityError(U, n, d + 1), orthonormalityError(V, d, d));
  return { name: `kappa=${kappa} residual=${rho} ${n}x${d}`, A, b, xTrue: x, residual: rho, orthoError };
}

/**
 * The coherent identity-block instance (sketching.md §6 'SPIKE'): A = [I_d; 0] (coherence 1: d rows
 * carry all the leverage), b = [c; small noise] plus one large residual spike in the zero block. The
 * solution is x = c exactly and the residual is b's tail.
 */
export function spikeProblem(n: number, d: number, seed: number): Problem {
  const g = new Normal(new Rng(seed));
  const data = new Float64Array(n * d);
  for (let j = 0; j < d; j++) data[j * d + j] = 1;
  const b = new Float64Array(n);
  const x = new Float64Array(d);
  for (let j = 0; j < d; j++) b[j] = x[j] = g.next();
  for (let i = d; i < n; i++) b[i] = 0.01 * g.next();
  b[n - 1 - (seed % (n - d))] += 100;
  let r2 = 0;
  for (let i = d; i < n; i++) r2 += b[i] * b[i];
  return { name: `spike ${n}x${d}`, A: { data, rows: n, cols: d }, b, xTrue: x, residual: sqrt(r2) };
}

/**
 * Singular values of a small square matrix (row-major k x k) by one-sided Jacobi rotations, a
 * reference independent of the QR code. Descending.
 */
export function singularValues(M: Float64Array, k: number): Float64Array {
  // Columns of W are rotated until mutually orthogonal; their norms are then the singular values.
  const W = Float64Array.from(M);
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < k; i++) {
          const a = W[i * k + p];
          const c = W[i * k + q];
          alpha += a * a;
          beta += c * c;
          gamma += a * c;
        }
        if (gamma === 0 || abs(gamma) <= 1e-300) continue;
        off = max(off, abs(gamma) / sqrt(alpha * beta));
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (abs(zeta) + sqrt(1 + zeta * zeta));
        const cs = 1 / sqrt(1 + t * t);
        const sn = cs * t;
        for (let i = 0; i < k; i++) {
          const a = W[i * k + p];
          const c = W[i * k + q];
          W[i * k + p] = cs * a - sn * c;
          W[i * k + q] = sn * a + cs * c;
        }
      }
    }
    if (off < 1e-15) break;
  }
  const s = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let t = 0;
    for (let i = 0; i < k; i++) t += W[i * k + j] ** 2;
    s[j] = sqrt(t);
  }
  return s.sort().reverse();
}

/** Quantile (linear interpolation) of a list of numbers. */
export function quantile(values: number[], q: number): number {
  const v = [...values].sort((a, b) => a - b);
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}
