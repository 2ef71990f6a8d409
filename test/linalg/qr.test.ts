// Householder QR (lib/linalg/qr.ts): the factorization reproduces A·P with an orthogonal Q and an
// upper-triangular R, pivoting orders |R_kk|, and qrSolve solves small systems whose answers are
// known exactly, finds the rank of deficient ones and returns their minimum-norm solution.
import {
  applyQ,
  applyQt,
  defaultRankTolerance,
  EPS,
  getR,
  householderQR,
  norm2,
  qrSolve,
  solveUpper,
  solveUpperTransposed,
  type HouseholderQR,
} from '../../lib/linalg/qr';
import { matrix, type Matrix } from '../../lib/sketch/matrix';
import { Rng } from '../helpers/prng';
import { distance, matvec, norm, Normal, orthonormal, residual, rmatvec, singularValues } from './problems';

function gaussianMatrix(n: number, d: number, seed: number): Matrix {
  const g = new Normal(new Rng(seed));
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = g.next();
  return { data, rows: n, cols: d };
}

/** Q·[R; 0] as a row-major n x d matrix (column j is Q applied to column j of [R; 0]). */
function reconstruct(f: HouseholderQR): Float64Array {
  const { n, d } = f;
  const R = getR(f);
  const out = new Float64Array(n * d);
  const col = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    col.fill(0);
    for (let i = 0; i <= j; i++) col[i] = R[i * d + j];
    applyQ(f, col);
    for (let i = 0; i < n; i++) out[i * d + j] = col[i];
  }
  return out;
}

/** A with its columns permuted: column j of the result is column perm[j] of A. */
function permuted(A: Matrix, perm: Uint32Array | null): Float64Array {
  const out = new Float64Array(A.rows * A.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) out[i * A.cols + j] = A.data[i * A.cols + (perm ? perm[j] : j)];
  return out;
}

describe.each([false, true])('factorization (pivot: %s)', (pivot) => {
  test('Q·R reproduces A·P to roundoff; R is upper triangular; Q preserves norms and Qᵀ undoes Q', () => {
    const A = gaussianMatrix(300, 17, 1);
    const copy = Float64Array.from(A.data);
    const f = householderQR(A, { pivot });
    expect(Buffer.from(A.data.buffer).equals(Buffer.from(copy.buffer))).toBe(true);
    const err = distance(reconstruct(f), permuted(A, f.perm));
    expect(err).toBeLessThanOrEqual(1e-14 * norm(A.data));
    const R = getR(f);
    for (let i = 0; i < 17; i++) for (let j = 0; j < i; j++) expect(R[i * 17 + j]).toBe(0);
    const y = gaussianMatrix(300, 1, 2).data;
    const z = applyQ(f, Float64Array.from(y));
    expect(Math.abs(norm(z) - norm(y))).toBeLessThanOrEqual(1e-14 * norm(y));
    expect(distance(applyQt(f, z), y)).toBeLessThanOrEqual(1e-14 * norm(y));
    expect(f.rank).toBe(17);
  });

  test('square n = d and a single column (d = 1) factor too', () => {
    for (const [n, d] of [[9, 9], [50, 1], [1, 1]] as const) {
      const A = gaussianMatrix(n, d, 3 + n);
      const f = householderQR(A, { pivot });
      expect(distance(reconstruct(f), permuted(A, f.perm))).toBeLessThanOrEqual(1e-14 * norm(A.data));
    }
  });
});

test('pivoting: perm is a permutation and |R_kk| does not increase', () => {
  const A = gaussianMatrix(200, 25, 4);
  // Give the columns very different scales so that pivoting has something to reorder.
  for (let i = 0; i < 200; i++) for (let j = 0; j < 25; j++) A.data[i * 25 + j] *= 10 ** ((j * 7) % 11 - 5);
  const f = householderQR(A, { pivot: true });
  expect([...f.perm!].sort((a, b) => a - b)).toEqual([...Array(25).keys()]);
  const R = getR(f);
  for (let k = 1; k < 25; k++) expect(Math.abs(R[k * 25 + k])).toBeLessThanOrEqual(Math.abs(R[(k - 1) * 25 + k - 1]) * (1 + 1e-12));
});

test('columns of huge and tiny scale (1e200 .. 1e-300) factor without overflow or underflow', () => {
  const A = gaussianMatrix(60, 4, 5);
  const scales = [1e200, 1e-200, 1, 1e-300];
  for (let i = 0; i < 60; i++) for (let j = 0; j < 4; j++) A.data[i * 4 + j] *= scales[j];
  for (const pivot of [false, true]) {
    const f = householderQR(A, { pivot });
    const QR = reconstruct(f);
    const AP = permuted(A, f.perm);
    for (let j = 0; j < 4; j++) {
      const col = (M: Float64Array): number[] => Array.from({ length: 60 }, (_, i) => M[i * 4 + j]);
      expect(distance(col(QR), col(AP))).toBeLessThanOrEqual(1e-14 * norm(col(AP)));
    }
  }
  // The rank is scale-dependent by design (|R_kk| against |R_00|): relative to the 1e200 column the
  // others are zero. With rankTolerance 0 every nonzero pivot counts and the solve is exact.
  expect(qrSolve(A, new Float64Array(60).fill(1)).rank).toBe(1);
  const x = Float64Array.from([1e-200, 1e200, 3, 1e300]);
  const b = matvec(A, x);
  const s = qrSolve(A, b, { rankTolerance: 0 });
  expect(s.rank).toBe(4);
  for (let j = 0; j < 4; j++) expect(Math.abs(s.x[j] - x[j])).toBeLessThanOrEqual(1e-12 * Math.abs(x[j]));
  expect(Math.abs(norm2(Float64Array.from([3e200, 4e200])) - 5e200)).toBeLessThanOrEqual(1e-15 * 5e200);
  expect(Math.abs(norm2(Float64Array.from([3e-170, 4e-170])) - 5e-170)).toBeLessThanOrEqual(1e-15 * 5e-170); // squares underflow to 0
  expect(Math.abs(norm2(Float64Array.from([3e-200, 4e-200])) - 5e-200)).toBeLessThanOrEqual(1e-15 * 5e-200);
});

describe('qrSolve on systems with known answers', () => {
  test('a consistent integer system: x recovered exactly to roundoff, zero residual', () => {
    const A = matrix([
      [2, -1, 0],
      [1, 3, 4],
      [0, 5, -2],
      [7, 1, 1],
      [-3, 2, 6],
      [1, 1, 1],
    ]);
    const x = [1, -2, 3];
    const b = matvec(A, x);
    for (const pivot of [false, true]) {
      const s = qrSolve(A, b, { pivot });
      expect(s.rank).toBe(3);
      for (let j = 0; j < 3; j++) expect(Math.abs(s.x[j] - x[j])).toBeLessThanOrEqual(1e-14);
      expect(s.residualNorm).toBeLessThanOrEqual(1e-13);
    }
  });

  test('an inconsistent 3 x 2 system worked by hand: x = (4/3, 7/3), ‖r‖ = 1/√3', () => {
    // AᵀA = [[2, 1], [1, 2]], Aᵀb = (5, 6): x = (1/3)·[[2, -1], [-1, 2]]·(5, 6); r = (-1, -1, 1)/3.
    const A = matrix([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    const s = qrSolve(A, [1, 2, 4]);
    expect(s.x[0]).toBeCloseTo(4 / 3, 15);
    expect(s.x[1]).toBeCloseTo(7 / 3, 15);
    expect(s.residualNorm).toBeCloseTo(1 / Math.sqrt(3), 15);
  });

  test('square nonsingular n = d: the exact solve', () => {
    const A = matrix([
      [4, 1, 0],
      [1, 3, 1],
      [0, 1, 2],
    ]);
    const s = qrSolve(A, [5, 5, 3]); // x = (1, 1, 1)
    for (let j = 0; j < 3; j++) expect(s.x[j]).toBeCloseTo(1, 14);
    expect(s.residualNorm).toBeLessThanOrEqual(1e-15);
  });

  test('d = 1: x = aᵀb / aᵀa', () => {
    const A = gaussianMatrix(400, 1, 6);
    const b = gaussianMatrix(400, 1, 7).data;
    let ab = 0;
    let aa = 0;
    for (let i = 0; i < 400; i++) {
      ab += A.data[i] * b[i];
      aa += A.data[i] * A.data[i];
    }
    const s = qrSolve(A, b);
    expect(Math.abs(s.x[0] - ab / aa)).toBeLessThanOrEqual(1e-14 * Math.abs(ab / aa));
    expect(Math.abs(s.residualNorm - norm(residual(A, b, s.x)))).toBeLessThanOrEqual(1e-13 * norm(b));
  });

  test('Float32Array data is accepted and computed in float64', () => {
    const A64 = gaussianMatrix(50, 3, 8);
    const A32 = { data: Float32Array.from(A64.data), rows: 50, cols: 3 };
    const A32as64 = { data: Float64Array.from(A32.data), rows: 50, cols: 3 };
    const b = gaussianMatrix(50, 1, 9).data;
    expect(qrSolve(A32, b).x).toEqual(qrSolve(A32as64, b).x);
  });
});

describe('rank deficiency', () => {
  // 8 x 4 integer matrix whose column 3 = column 0 + column 1: rank 3, null space span(e0 + e1 - e3).
  const base = [
    [1, 2, 0],
    [0, 1, 3],
    [2, -1, 1],
    [1, 1, 1],
    [3, 0, -2],
    [0, 2, 2],
    [-1, 1, 0],
    [2, 2, 5],
  ];
  const A = matrix(base.map(([a, b, c]) => [a, b, c, a + b]));
  const b = [1, -2, 3, 0.5, 4, -1, 2, 7];

  test.each([true, false])('rank 3 of 4 (pivot: %s), minimum-norm least-squares solution', (pivot) => {
    const s = qrSolve(A, b, { pivot });
    expect(s.rank).toBe(3);
    const r = residual(A, b, s.x);
    // Least squares: Aᵀr = 0. Minimum norm: x has no component along the null vector e0 + e1 - e3.
    expect(norm(rmatvec(A, r))).toBeLessThanOrEqual(1e-13 * norm(b) * 10);
    expect(Math.abs(s.x[0] + s.x[1] - s.x[3])).toBeLessThanOrEqual(1e-14 * norm(s.x) * 10);
    expect(Math.abs(s.residualNorm - norm(r))).toBeLessThanOrEqual(1e-13 * norm(b));
    // The residual is that of the full-rank problem on the first three columns.
    const A3 = matrix(base);
    expect(Math.abs(s.residualNorm - qrSolve(A3, b).residualNorm)).toBeLessThanOrEqual(1e-13 * norm(b));
  });

  test('the zero matrix has rank 0: x = 0 and ‖r‖ = ‖b‖', () => {
    const s = qrSolve({ data: new Float64Array(12), rows: 4, cols: 3 }, [3, 0, 4, 0]);
    expect(s.rank).toBe(0);
    expect([...s.x]).toEqual([0, 0, 0]);
    expect(s.residualNorm).toBe(5);
  });

  test('the rank tolerance: σ_min = 1e-10 is full rank by default (max(n,d)·eps), rank d - 1 at 1e-8', () => {
    const g = new Normal(new Rng(10));
    const n = 120;
    const d = 6;
    const U = orthonormal(n, d, g);
    const sigma = [1, 0.5, 0.25, 0.1, 0.05, 1e-10];
    const data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = U[i * d + j] * sigma[j]; // V = I
    const M = { data, rows: n, cols: d };
    expect(defaultRankTolerance(n, d)).toBe(120 * EPS);
    expect(householderQR(M, { pivot: true }).rank).toBe(6);
    expect(householderQR(M, { pivot: true, rankTolerance: 1e-8 }).rank).toBe(5);
    expect(qrSolve(M, new Float64Array(n).fill(1), { rankTolerance: 1e-8 }).rank).toBe(5);
  });
});

test('triangular solves agree with multiplication by R and Rᵀ; singular values of R match A', () => {
  const A = gaussianMatrix(40, 7, 11);
  const R = getR(householderQR(A));
  const y = gaussianMatrix(7, 1, 12).data;
  const Ry = new Float64Array(7);
  const RTy = new Float64Array(7);
  for (let i = 0; i < 7; i++) for (let j = i; j < 7; j++) {
    Ry[i] += R[i * 7 + j] * y[j];
    RTy[j] += R[i * 7 + j] * y[i];
  }
  expect(distance(solveUpper(R, 7, Ry), y)).toBeLessThanOrEqual(1e-13 * norm(y));
  expect(distance(solveUpperTransposed(R, 7, RTy), y)).toBeLessThanOrEqual(1e-13 * norm(y));
  // A = Q·R with orthogonal Q: σ(R) = σ(A). σ(A)² are the eigenvalues of AᵀA; compare traces (Σσ²).
  const s = singularValues(R, 7);
  let frob = 0;
  for (const v of A.data) frob += v * v;
  expect(Math.abs(s.reduce((t, v) => t + v * v, 0) - frob)).toBeLessThanOrEqual(1e-12 * frob);
});
