// LSQR (lib/linalg/lsqr.ts) on callback operators: it solves consistent and least-squares problems
// to the requested backward error (checked on explicitly recomputed residuals, not on its own
// recurrences), a QR-of-the-sketch preconditioner makes an ill-conditioned problem converge in a
// few dozen steps where the plain iteration stalls, and warm starts and iteration caps behave.
import { denseOperator, lsqr, type LinearOperator } from '../../lib/linalg/lsqr';
import { applyQ, applyQt, getR, householderQR, householderQRInPlace, qrSolve, solveUpper, toColumnMajor } from '../../lib/linalg/qr';
import { sketchJs } from '../../lib/sketch/sketch_js';
import type { Matrix } from '../../lib/sketch/matrix';
import { Rng } from '../helpers/prng';
import { conditionedProblem, distance, matvec, norm, Normal, residual, rmatvec, singularValues } from './problems';

function gaussianMatrix(n: number, d: number, seed: number): Matrix & { data: Float64Array } {
  const g = new Normal(new Rng(seed));
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = g.next();
  return { data, rows: n, cols: d };
}

/** R of the QR of a sparse-sign sketch of A with m rows. */
function sketchR(A: Matrix, m: number, seed: number): Float64Array {
  const SA = sketchJs('lstsq', A, null, { kind: 'sparse-sign', rows: m, seed });
  return getR(householderQRInPlace(toColumnMajor(SA, m, A.cols, A.cols), m, A.cols));
}

/**
 * ‖Aᵀr‖ / (‖A‖₂ ‖r‖) for r = b - A·x, computed explicitly (‖A‖₂ from a Jacobi SVD of R of A). For
 * the unpreconditioned A this can be evaluated accurately: its rounding floor is about
 * u·‖b‖/‖r‖·√(d/n)·√n, whereas the preconditioned ratio, R⁻ᵀ·(Aᵀr), amplifies the rounding of Aᵀr
 * by κ(A). Since Aᵀr = Rᵀ·(A·R⁻¹)ᵀr and ‖R‖·‖A·R⁻¹‖ ≈ ‖A‖, LSQR's test on A·R⁻¹ bounds it up to the
 * (1 + ε)² distortion of the sketch.
 */
function backwardRatio(A: Matrix, x: Float64Array, b: Float64Array): number {
  const r = residual(A, b, x);
  const sigmaMax = singularValues(getR(householderQR(A)), A.cols)[0];
  return norm(rmatvec(A, r)) / (sigmaMax * norm(r));
}

test('denseOperator computes A·x and Aᵀ·y (float32 and float64 data)', () => {
  const A = gaussianMatrix(30, 5, 1);
  const x = gaussianMatrix(5, 1, 2).data;
  const y = gaussianMatrix(30, 1, 3).data;
  for (const data of [A.data, Float32Array.from(A.data)]) {
    const op = denseOperator(data, 30, 5);
    const M = { data: Float64Array.from(data), rows: 30, cols: 5 };
    const out = new Float64Array(30).fill(NaN);
    op.matvec(x, out);
    expect(distance(out, matvec(M, x))).toBeLessThanOrEqual(1e-14 * norm(out));
    const outT = new Float64Array(5).fill(NaN);
    op.rmatvec(y, outT);
    expect(distance(outT, rmatvec(M, y))).toBeLessThanOrEqual(1e-14 * norm(outT));
  }
});

test('a consistent system: x recovered, stopped by the compatible test', () => {
  const A = gaussianMatrix(200, 10, 4);
  const x = gaussianMatrix(10, 1, 5).data;
  const b = matvec(A, x);
  const res = lsqr(denseOperator(A.data, 200, 10), b, { tolerance: 1e-14 });
  expect(res.converged).toBe(true);
  expect(res.stop).toBe('compatible');
  expect(distance(res.x, x)).toBeLessThanOrEqual(1e-12 * norm(x));
  expect(norm(residual(A, b, res.x))).toBeLessThanOrEqual(1e-13 * norm(b));
});

test('a least-squares problem: agrees with Householder QR; the stopping test holds on the true residual', () => {
  const A = gaussianMatrix(500, 20, 6);
  const b = gaussianMatrix(500, 1, 7).data;
  const res = lsqr(denseOperator(A.data, 500, 20), b, { tolerance: 1e-12 });
  expect(res.stop).toBe('least-squares');
  expect(res.normAtr).toBeLessThanOrEqual(1e-12 * res.normA * res.residualNorm);
  expect(backwardRatio(A, res.x, b)).toBeLessThanOrEqual(1e-12);
  const ref = qrSolve(A, b);
  // Forward error ≲ tolerance·κ² ‖r‖/(‖A‖‖x‖)-scale here; κ(A) ≈ 1.5 so 1e-10 is ample.
  expect(distance(res.x, ref.x)).toBeLessThanOrEqual(1e-10 * norm(ref.x));
  expect(Math.abs(res.residualNorm - ref.residualNorm)).toBeLessThanOrEqual(1e-12 * norm(b));
});

test('the ‖Ā‖ estimate is a lower bound on ‖Ā‖₂ (so the test is never looser than asked)', () => {
  const p = conditionedProblem(400, 12, 1e3, 0.1, 8);
  const res = lsqr(denseOperator(p.A.data, 400, 12), p.b, { tolerance: 1e-14 });
  const sigmaMax = singularValues(getR(householderQR(p.A)), 12)[0];
  expect(res.normA).toBeLessThanOrEqual(sigmaMax * (1 + 1e-12));
  expect(res.normA).toBeGreaterThanOrEqual(0.5 * sigmaMax);
});

describe('right preconditioning with R from the QR of a sketch', () => {
  const p = conditionedProblem(2000, 20, 1e8, 1e-3, 9);
  const op = denseOperator(p.A.data, 2000, 20);
  const R = sketchR(p.A, 240, 1);

  test('κ = 1e8: converges in under 40 iterations to 1e-14; plain LSQR does not in 40', () => {
    const pre = lsqr(op, p.b, { preconditioner: R, tolerance: 1e-14, maxIterations: 40 });
    expect(pre.converged).toBe(true);
    expect(pre.iterations).toBeLessThan(40);
    const plain = lsqr(op, p.b, { tolerance: 1e-14, maxIterations: 40 });
    expect(plain.converged).toBe(false);
    expect(plain.stop).toBe('max-iterations');
    expect(plain.iterations).toBe(40);
    const ref = qrSolve(p.A, p.b);
    expect(Math.abs(norm(residual(p.A, p.b, pre.x)) - ref.residualNorm)).toBeLessThanOrEqual(1e-13 * norm(p.b));
    // Forward errors against QR (measured 0.39 plain, 4.3e-4 preconditioned: κ²·u·‖r‖ ≈ 1e-3 here).
    expect(distance(plain.x, ref.x)).toBeGreaterThan(100 * distance(pre.x, ref.x));
  });

  test('R of A itself makes A·R⁻¹ orthonormal: a few iterations', () => {
    // One in exact arithmetic; in floating point A·R⁻¹ is orthonormal only to about κ(A)·u = 1e-8,
    // so each step gains ~8 digits.
    const RA = getR(householderQR(p.A));
    const res = lsqr(op, p.b, { preconditioner: RA, tolerance: 1e-14 });
    expect(res.iterations).toBeLessThanOrEqual(3);
    expect(res.converged).toBe(true);
  });

  test('a warm start at the solution stops at once and leaves x (and x0) alone', () => {
    const A = gaussianMatrix(600, 15, 11);
    const b = gaussianMatrix(600, 1, 12).data;
    const opA = denseOperator(A.data, 600, 15);
    const RA = sketchR(A, 180, 2);
    const ref = lsqr(opA, b, { preconditioner: RA, tolerance: 1e-15 });
    const x0 = Float64Array.from(ref.x);
    const res = lsqr(opA, b, { preconditioner: RA, x0, tolerance: 1e-12 });
    expect(res.iterations).toBeLessThanOrEqual(1);
    expect(distance(res.x, ref.x)).toBeLessThanOrEqual(1e-13 * norm(ref.x));
    expect(x0).toEqual(ref.x);
  });

  test('cold start is not backward stable at κ = 1e8 (Meier et al.); warm start + one refinement pass is', () => {
    const cold = lsqr(op, p.b, { preconditioner: R, tolerance: 1e-16 });
    // Warm start: sketch-and-solve, x0 = R⁻¹·(Qᵀ·S·b), then two passes.
    const m = 240;
    const SAb = sketchJs('lstsq', p.A, p.b, { kind: 'sparse-sign', rows: m, seed: 1 });
    const f = householderQRInPlace(toColumnMajor(SAb, m, 21, 20), m, 20);
    const x0 = solveUpper(R, 20, applyQt(f, toColumnMajor(SAb, m, 21, 1, 20)).slice(0, 20));
    const one = lsqr(op, p.b, { preconditioner: R, x0, tolerance: 1e-16 });
    const two = lsqr(op, p.b, { preconditioner: R, x0: one.x, tolerance: 1e-16 });
    // Measured: cold 3.4e-8, sketch-and-solve 5.6e-2, one pass 1.6e-10, two passes 2.3e-15, QR 5.6e-13.
    const qr = backwardRatio(p.A, qrSolve(p.A, p.b).x, p.b);
    expect(backwardRatio(p.A, two.x, p.b)).toBeLessThanOrEqual(10 * qr);
    expect(backwardRatio(p.A, two.x, p.b)).toBeLessThanOrEqual(backwardRatio(p.A, cold.x, p.b) / 100);
  });
});

test('b = 0 (or b in the null space of Aᵀ) is solved exactly by x = 0 in no iterations', () => {
  const A = gaussianMatrix(50, 4, 10);
  const op: LinearOperator = denseOperator(A.data, 50, 4);
  const res = lsqr(op, new Float64Array(50));
  expect(res.stop).toBe('exact');
  expect(res.iterations).toBe(0);
  expect([...res.x]).toEqual([0, 0, 0, 0]);
  // b orthogonal to range(A): Q·e_7 with Q from the QR of A (columns d.. of Q span range(A)⊥).
  const bPerp = new Float64Array(50);
  bPerp[7] = 1;
  applyQ(householderQR(A), bPerp);
  const res2 = lsqr(op, bPerp);
  expect(res2.converged).toBe(true);
  expect(norm(res2.x)).toBeLessThanOrEqual(1e-14);
});
