// LSQR (Paige & Saunders, ACM TOMS 8(1), 1982) for min ‖A·x - b‖₂ on an operator given by
// callbacks, with an optional right preconditioner R (upper triangular, from the QR of a sketch S·A)
// and a warm start. Internal: the inner solver of lstsq's 'sketch-precondition' method.
//
// With R, LSQR runs on Ā = A·R⁻¹ in the variable z = R·x: Ā·v = A·(R⁻¹v) and Āᵀ·u = R⁻ᵀ·(Aᵀu), two
// triangular solves per iteration. With a warm start x0 it solves for the correction
// (min ‖Ā·δz - r0‖, r0 = b - A·x0 formed explicitly) and returns x0 + R⁻¹·δz; calling it again from
// its own answer is one step of iterative refinement, which is how lstsq uses it.
//
// Stopping (the two LSQR tests with atol = btol = tolerance; no condition-number test):
//  - least squares: ‖Āᵀr‖ / (‖Ā‖·‖r‖) ≤ tolerance — a backward-error bound for the LS problem: the
//    current iterate solves min ‖(Ā + E)·z - b‖ exactly for E = r·rᵀĀ/‖r‖², and ‖E‖/‖Ā‖ is this
//    ratio (Stewart 1977);
//  - compatible: ‖r‖ ≤ tolerance·(‖Ā‖·‖z‖ + ‖b‖) — the backward error of a consistent system;
// with ‖r‖ and ‖Āᵀr‖ from LSQR's recurrences (no extra products) and ‖Ā‖ estimated from below by
// the largest row or column norm of the Lanczos bidiagonal B_k (every such norm is ≤ ‖B_k‖₂ ≤ ‖Ā‖₂).
// SciPy estimates ‖Ā‖ by ‖B_k‖_F instead, which grows like √k and silently loosens the test as the
// iterations go on; a lower bound keeps the test at least as strict as asked.
import { norm2, solveUpper, solveUpperTransposed } from './qr';

const { abs, hypot, max, sqrt } = Math;

/** A linear operator A (rows x cols) by its products. Both callbacks overwrite `out`. */
export interface LinearOperator {
  rows: number;
  cols: number;
  /** out (length rows) ← A·x (x of length cols). */
  matvec(x: Float64Array, out: Float64Array): void;
  /** out (length cols) ← Aᵀ·y (y of length rows). */
  rmatvec(y: Float64Array, out: Float64Array): void;
}

/** The operator of a row-major n x d array (float32 or float64 entries, computed in float64). */
export function denseOperator(data: Float64Array | Float32Array, rows: number, cols: number): LinearOperator {
  return {
    rows,
    cols,
    matvec(x, out) {
      for (let i = 0; i < rows; i++) {
        const o = i * cols;
        let s = 0;
        for (let j = 0; j < cols; j++) s += data[o + j] * x[j];
        out[i] = s;
      }
    },
    rmatvec(y, out) {
      out.fill(0);
      for (let i = 0; i < rows; i++) {
        const yi = y[i];
        if (yi === 0) continue;
        const o = i * cols;
        for (let j = 0; j < cols; j++) out[j] += data[o + j] * yi;
      }
    },
  };
}

export interface LsqrOptions {
  /**
   * Right preconditioner: the cols x cols upper-triangular R, row-major (entries below the diagonal
   * are ignored). LSQR then iterates on A·R⁻¹. Default: none.
   */
  preconditioner?: Float64Array;
  /** Starting point x0 (length cols); not modified. Default zero. */
  x0?: Float64Array;
  /** atol = btol of the stopping tests above. Default 1e-14. */
  tolerance?: number;
  /** Iteration cap. Default 2·cols + 50 (in exact arithmetic LSQR finishes in ≤ cols steps). */
  maxIterations?: number;
  /** Called after every iteration with the backward-error estimate ‖Āᵀr‖/(‖Ā‖‖r‖) (progress reports). */
  onIteration?: (iteration: number, estimate: number) => void;
}

export type LsqrStop = 'exact' | 'compatible' | 'least-squares' | 'max-iterations';

export interface LsqrResult {
  x: Float64Array;
  iterations: number;
  /** A stopping test was met (stop !== 'max-iterations'). */
  converged: boolean;
  /** Which test stopped it: 'exact' when the Krylov space closed (r or Āᵀr exactly zero). */
  stop: LsqrStop;
  /** ‖b - A·x‖ from the recurrence (not recomputed; drifts from the true value at roundoff level). */
  residualNorm: number;
  /** ‖Āᵀr‖ from the recurrence. */
  normAtr: number;
  /** The lower estimate of ‖Ā‖₂ the test used. */
  normA: number;
}

export function lsqr(op: LinearOperator, b: Float64Array, options: LsqrOptions = {}): LsqrResult {
  const { rows: n, cols: d } = op;
  const R = options.preconditioner;
  const tol = options.tolerance ?? 1e-14;
  const maxIt = options.maxIterations ?? 2 * d + 50;
  const tmpD = new Float64Array(d);
  // Ā·v into out, via R⁻¹v in tmpD.
  const precMatvec = (v: Float64Array, out: Float64Array): void => {
    tmpD.set(v);
    if (R) solveUpper(R, d, tmpD);
    op.matvec(tmpD, out);
  };
  // Āᵀ·u into out.
  const precRmatvec = (u: Float64Array, out: Float64Array): void => {
    op.rmatvec(u, out);
    if (R) solveUpperTransposed(R, d, out);
  };

  const x0 = options.x0;
  const bnorm = norm2(b);
  // u = r0 = b - A·x0, formed from A directly rather than through Ā·(R·x0).
  const u = new Float64Array(n);
  if (x0) {
    op.matvec(x0, u);
    for (let i = 0; i < n; i++) u[i] = b[i] - u[i];
  } else {
    u.set(b);
  }
  // z0 = R·x0: only its norm is needed, for the compatible test's ‖z‖.
  const z0 = new Float64Array(d);
  if (x0) {
    if (R) {
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let j = i; j < d; j++) s += R[i * d + j] * x0[j];
        z0[i] = s;
      }
    } else {
      z0.set(x0);
    }
  }
  const dz = new Float64Array(d); // the correction in z-space
  const finish = (iterations: number, stop: LsqrStop, rnorm: number, arnorm: number, anorm: number): LsqrResult => {
    if (R) solveUpper(R, d, dz);
    const x = new Float64Array(d);
    for (let j = 0; j < d; j++) x[j] = (x0 ? x0[j] : 0) + dz[j];
    return { x, iterations, converged: stop !== 'max-iterations', stop, residualNorm: rnorm, normAtr: arnorm, normA: anorm };
  };

  // Golub-Kahan bidiagonalization start: beta·u = r0, alpha·v = Āᵀu.
  let beta = norm2(u);
  const v = new Float64Array(d);
  let alpha = 0;
  if (beta > 0) {
    scale(u, 1 / beta);
    precRmatvec(u, v);
    alpha = norm2(v);
  }
  if (alpha > 0) scale(v, 1 / alpha);
  if (beta === 0 || alpha === 0) return finish(0, 'exact', beta, 0, alpha); // x0 already solves it
  const w = Float64Array.from(v);
  let phibar = beta;
  let rhobar = alpha;
  let anorm = alpha; // ‖Āᵀu‖ with ‖u‖ = 1: a first lower bound
  let rnorm = beta;
  let arnorm = alpha * beta;
  const Av = new Float64Array(n);
  const Atu = new Float64Array(d);

  for (let itn = 1; itn <= maxIt; itn++) {
    // Continue the bidiagonalization: beta·u = Ā·v - alpha·u, then alpha·v = Āᵀ·u - beta·v.
    precMatvec(v, Av);
    for (let i = 0; i < n; i++) u[i] = Av[i] - alpha * u[i];
    beta = norm2(u);
    if (beta > 0) scale(u, 1 / beta);
    anorm = max(anorm, hypot(alpha, beta)); // column (alpha_k, beta_{k+1}) of B_k
    precRmatvec(u, Atu);
    for (let j = 0; j < d; j++) v[j] = Atu[j] - beta * v[j];
    alpha = norm2(v);
    if (alpha > 0) scale(v, 1 / alpha);
    anorm = max(anorm, hypot(beta, alpha)); // row (beta_{k+1}, alpha_{k+1}) of B_{k+1}

    // Plane rotation eliminating beta: updates the QR of B_k.
    const rho = hypot(rhobar, beta);
    const c = rhobar / rho;
    const s = beta / rho;
    const theta = s * alpha;
    rhobar = -c * alpha;
    const phi = c * phibar;
    phibar = s * phibar;

    // Update the solution and the search direction.
    const t1 = phi / rho;
    const t2 = -theta / rho;
    for (let j = 0; j < d; j++) {
      dz[j] += t1 * w[j];
      w[j] = v[j] + t2 * w[j];
    }

    rnorm = phibar;
    arnorm = phibar * alpha * abs(c);
    options.onIteration?.(itn, arnorm / (anorm * rnorm));
    if (alpha === 0 || beta === 0) return finish(itn, 'exact', rnorm, arnorm, anorm);
    let zz = 0;
    for (let j = 0; j < d; j++) {
      const zj = z0[j] + dz[j];
      zz += zj * zj;
    }
    if (rnorm <= tol * (anorm * sqrt(zz) + bnorm)) return finish(itn, 'compatible', rnorm, arnorm, anorm);
    if (arnorm <= tol * anorm * rnorm) return finish(itn, 'least-squares', rnorm, arnorm, anorm);
  }
  return finish(maxIt, 'max-iterations', rnorm, arnorm, anorm);
}

function scale(a: Float64Array, s: number): void {
  for (let i = 0; i < a.length; i++) a[i] *= s;
}
