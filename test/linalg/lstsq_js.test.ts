// lstsqJs (lib/linalg/lstsq_js.ts) against Householder QR and against known solutions, on the test
// families of sketching.md §6 at modest sizes: Ma–Mahoney–Yu GA / T3 / T1, the coherent identity
// block with a residual spike, A = U·diag(σ)·Vᵀ with κ = 1e4, 1e8, 1e12 and small or large
// residuals, n not a power of two, d = 1, and rank-deficient A. Bounds are the issue's; do not loosen.
//  - 'sketch-precondition': forward error within 10x of Householder QR's (its error estimate
//    u·(κ + κ²‖r‖/(‖A‖‖x‖)) for the regression families; its actual error ‖x_qr - x_true‖ for the
//    constructed problems), and ‖b - A·x‖ within 1e-13·‖b‖ of QR's residual norm;
//  - 'sketch-and-solve' with 20d rows (sparse sign, 8 nonzeros; SRHT): ‖b - A·x‖ / ‖b - A·x_qr‖ at
//    most 1.1 at the median and 1.25 at the 95th percentile over 20 seeds.
import { lstsqJs, rcondEstimate } from '../../lib/linalg/lstsq_js';
import {
  AUTO_MIN_COLS,
  AUTO_MIN_ROWS_PER_COL,
  AUTO_SKETCH_AND_SOLVE_TOLERANCE,
  chooseMethod,
  LSTSQ_DEFAULTS,
  preconditionSketchRows,
  type LstsqOptions,
  type LstsqResult,
} from '../../lib/linalg/lstsq_options';
import { getR, householderQR } from '../../lib/linalg/qr';
import { matrix, type Matrix } from '../../lib/sketch/matrix';
import type { SketchKind } from '../../lib/sketch/sketch_js';
import { argMessage, expectError } from '../helpers/errors';
import { Rng } from '../helpers/prng';
import {
  conditionedProblem,
  distance,
  matvec,
  mmyProblem,
  norm,
  Normal,
  quantile,
  residualNorm,
  rmatvec,
  singularValues,
  spikeProblem,
  U_ROUND,
  type Problem,
} from './problems';

const FN = 'lstsq';

function gaussianMatrix(n: number, d: number, seed: number): Matrix & { data: Float64Array } {
  const g = new Normal(new Rng(seed));
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = g.next();
  return { data, rows: n, cols: d };
}

/** The checks every result gets: shape, finite x, residualNorm = ‖b - A·x‖ recomputed here. */
function checkResult(A: Matrix, b: ArrayLike<number>, res: LstsqResult): void {
  expect(res.x).toBeInstanceOf(Float64Array);
  expect(res.x.length).toBe(A.cols);
  expect(res.x.every((v) => Number.isFinite(v))).toBe(true);
  expect(Math.abs(res.residualNorm - residualNorm(A, b, res.x))).toBeLessThanOrEqual(1e-14 * Math.max(norm(b), 1e-300) * 10);
}

/**
 * Householder QR's first-order forward error estimate u·(κ + κ²·‖r‖/(‖A‖‖x‖)) (Wedin; Higham,
 * Accuracy and Stability, §20.1), with κ and ‖A‖ from a Jacobi SVD of R (independent of the QR
 * solve path).
 */
function qrForwardErrorEstimate(A: Matrix, xQr: Float64Array, rQr: number): number {
  const s = singularValues(getR(householderQR(A)), A.cols);
  const kappa = s[0] / s[A.cols - 1];
  return U_ROUND * (kappa + (kappa * kappa * rQr) / (s[0] * norm(xQr)));
}

describe('argument checking: named TypeError / RangeError before any work', () => {
  const A = gaussianMatrix(20, 3, 1);
  const b = gaussianMatrix(20, 1, 2).data;
  const bad: Array<[string, () => unknown, string, string]> = [
    ['A not a Matrix', () => lstsqJs(null as unknown as Matrix, b), 'TypeError', 'A'],
    ['A.data not a float array', () => lstsqJs({ data: [1, 2] as unknown as Float64Array, rows: 2, cols: 1 }, b), 'TypeError', 'A.data'],
    ['A.data length not rows·cols', () => lstsqJs({ data: new Float64Array(5), rows: 2, cols: 3 }, b), 'RangeError', 'A.data'],
    ['n < d', () => lstsqJs({ data: new Float64Array(6), rows: 2, cols: 3 }, new Float64Array(2)), 'RangeError', 'A.rows'],
    ['b not a float array', () => lstsqJs(A, [1, 2] as unknown as Float64Array), 'TypeError', 'b'],
    ['b of the wrong length', () => lstsqJs(A, new Float64Array(19)), 'RangeError', 'b'],
    ['options not an object', () => lstsqJs(A, b, 5 as unknown as LstsqOptions), 'TypeError', 'options'],
    ['unknown option', () => lstsqJs(A, b, { tolerence: 1e-8 } as unknown as LstsqOptions), 'TypeError', 'options.tolerence'],
    ['unknown method', () => lstsqJs(A, b, { method: 'svd' as 'qr' }), 'RangeError', 'options.method'],
    ['sketch not an object', () => lstsqJs(A, b, { sketch: 'srht' as unknown as LstsqOptions['sketch'] }), 'TypeError', 'options.sketch'],
    ['unknown sketch option', () => lstsqJs(A, b, { sketch: { size: 10 } as unknown as LstsqOptions['sketch'] }), 'TypeError', 'options.sketch.size'],
    ['unknown sketch kind', () => lstsqJs(A, b, { sketch: { kind: 'fjlt' as SketchKind } }), 'RangeError', 'options.sketch.kind'],
    ['sketch rows < d', () => lstsqJs(A, b, { sketch: { rows: 2 } }), 'RangeError', 'options.sketch.rows'],
    ['sketch rows not an integer', () => lstsqJs(A, b, { sketch: { rows: 10.5 } }), 'RangeError', 'options.sketch.rows'],
    ['srht rows beyond the padded n', () => lstsqJs(A, b, { sketch: { kind: 'srht', rows: 33 } }), 'RangeError', 'options.sketch.rows'],
    ['nnzPerColumn for a dense kind', () => lstsqJs(A, b, { sketch: { kind: 'gaussian', nnzPerColumn: 4 } }), 'RangeError', 'options.sketch.nnzPerColumn'],
    ['nnzPerColumn > rows', () => lstsqJs(A, b, { sketch: { rows: 6, nnzPerColumn: 7 } }), 'RangeError', 'options.sketch.nnzPerColumn'],
    ['tolerance 0', () => lstsqJs(A, b, { tolerance: 0 }), 'RangeError', 'options.tolerance'],
    ['tolerance 1', () => lstsqJs(A, b, { tolerance: 1 }), 'RangeError', 'options.tolerance'],
    ['tolerance NaN', () => lstsqJs(A, b, { tolerance: NaN }), 'RangeError', 'options.tolerance'],
    ['tolerance a string', () => lstsqJs(A, b, { tolerance: '1e-8' as unknown as number }), 'TypeError', 'options.tolerance'],
    ['maxIterations 0', () => lstsqJs(A, b, { maxIterations: 0 }), 'RangeError', 'options.maxIterations'],
    ['maxIterations 2.5', () => lstsqJs(A, b, { maxIterations: 2.5 }), 'RangeError', 'options.maxIterations'],
    ['negative seed', () => lstsqJs(A, b, { seed: -1 }), 'RangeError', 'options.seed'],
    ['seed a string', () => lstsqJs(A, b, { seed: '1' as unknown as number }), 'TypeError', 'options.seed'],
  ];
  test.each(bad)('%s', (_label, call, name, arg) => {
    expectError(call, name, argMessage(FN, arg));
  });

  test('a non-finite entry of A is named by row and column; of b by index', () => {
    for (const v of [NaN, Infinity, -Infinity]) {
      const A2 = { ...A, data: Float64Array.from(A.data) };
      A2.data[3 * 3 + 1] = v;
      expectError(() => lstsqJs(A2, b), 'RangeError', /^sketchmax\.lstsq: A\[3\]\[1\] must be finite \(row 3, column 1\) \(got (NaN|-?Infinity)\)$/);
      const b2 = Float64Array.from(b);
      b2[5] = v;
      expectError(() => lstsqJs(A, b2), 'RangeError', /^sketchmax\.lstsq: b\[5\] must be finite \(row 5\) \(got (NaN|-?Infinity)\)$/);
    }
  });
});

describe('exact small systems (consistent, known x)', () => {
  // 40 x 3 integer matrix, x = (1, -2, 0.5): every method must find x (a sketch of a consistent
  // system is consistent, so even sketch-and-solve is exact when S·A has full rank).
  const rng = new Rng(3);
  const rows = Array.from({ length: 40 }, () => [rng.int(11) - 5, rng.int(11) - 5, rng.int(11) - 5]);
  const A = matrix(rows);
  const x = [1, -2, 0.5];
  const b = matvec(A, x);
  test.each(['qr', 'sketch-and-solve', 'sketch-precondition', 'auto'] as const)('%s', (method) => {
    const res = lstsqJs(A, b, { method });
    checkResult(A, b, res);
    for (let j = 0; j < 3; j++) expect(Math.abs(res.x[j] - x[j])).toBeLessThanOrEqual(1e-13);
    expect(res.residualNorm).toBeLessThanOrEqual(1e-13 * norm(b));
    expect(res.rank).toBe(3);
    expect(res.converged).toBe(true);
    expect(res.method).toBe(method === 'auto' ? 'qr' : method);
  });

  test('sketch kinds all solve it (dense, SRHT with n = 40 padded to 64, CountSketch)', () => {
    for (const kind of ['gaussian', 'rademacher', 'srht', 'countsketch', 'sparse-sign'] as const) {
      for (const method of ['sketch-and-solve', 'sketch-precondition'] as const) {
        const res = lstsqJs(A, b, { method, sketch: { kind, rows: 24 } });
        expect(res.method).toBe(method);
        expect(res.sketchRows).toBe(24);
        for (let j = 0; j < 3; j++) expect(Math.abs(res.x[j] - x[j])).toBeLessThanOrEqual(1e-12);
      }
    }
  });
});

test('d = 1: every method returns aᵀb / aᵀa', () => {
  const A = gaussianMatrix(2500, 1, 4);
  const b = gaussianMatrix(2500, 1, 5).data;
  let ab = 0;
  let aa = 0;
  for (let i = 0; i < 2500; i++) {
    ab += A.data[i] * b[i];
    aa += A.data[i] * A.data[i];
  }
  const want = ab / aa;
  for (const method of ['qr', 'sketch-precondition'] as const) {
    const res = lstsqJs(A, b, { method });
    checkResult(A, b, res);
    expect(Math.abs(res.x[0] - want)).toBeLessThanOrEqual(1e-14 * Math.abs(want));
  }
  const ss = lstsqJs(A, b, { method: 'sketch-and-solve' });
  expect(ss.sketchRows).toBe(20);
  expect(ss.residualNorm / residualNorm(A, b, [want])).toBeLessThanOrEqual(1.25);
});

test('inputs are not modified (float64 and float32), and float32 inputs solve like their float64 copies', () => {
  const A = gaussianMatrix(600, 8, 6);
  const b = gaussianMatrix(600, 1, 7).data;
  const A32 = { data: Float32Array.from(A.data), rows: 600, cols: 8 };
  const b32 = Float32Array.from(b);
  const copies = [Float64Array.from(A.data), Float64Array.from(b), Float32Array.from(A32.data), Float32Array.from(b32)];
  for (const method of ['qr', 'sketch-and-solve', 'sketch-precondition'] as const) {
    lstsqJs(A, b, { method });
    const r32 = lstsqJs(A32, b32, { method });
    const r64 = lstsqJs({ data: Float64Array.from(A32.data), rows: 600, cols: 8 }, Float64Array.from(b32), { method });
    expect(r32.x).toEqual(r64.x);
  }
  expect(A.data).toEqual(copies[0]);
  expect(b).toEqual(copies[1]);
  expect(A32.data).toEqual(copies[2]);
  expect(b32).toEqual(copies[3]);
});

test('reproducible: the same seed gives the same bits, another seed another sketch', () => {
  const p = mmyProblem(1500, 10, 3, 8);
  const a = lstsqJs(p.A, p.b, { method: 'sketch-and-solve', seed: 5 });
  const a2 = lstsqJs(p.A, p.b, { method: 'sketch-and-solve', seed: 5n });
  const c = lstsqJs(p.A, p.b, { method: 'sketch-and-solve', seed: 6 });
  expect(a2.x).toEqual(a.x);
  expect(c.x).not.toEqual(a.x);
  const d = lstsqJs(p.A, p.b, { method: 'sketch-precondition' });
  expect(lstsqJs(p.A, p.b, { method: 'sketch-precondition', seed: LSTSQ_DEFAULTS.seed }).x).toEqual(d.x);
});

describe("'sketch-precondition' against Householder QR on the regression families", () => {
  const cases: Array<[string, () => Problem]> = [
    ['GA 3000 x 30', () => mmyProblem(3000, 30, Infinity, 11)],
    ['T3 3000 x 30', () => mmyProblem(3000, 30, 3, 12)],
    ['T1 3000 x 30', () => mmyProblem(3000, 30, 1, 13)],
    ['GA 2000 x 50', () => mmyProblem(2000, 50, Infinity, 14)],
    ['T1 4000 x 10', () => mmyProblem(4000, 10, 1, 15)],
    ['spike (identity block, coherence 1) 3000 x 30', () => spikeProblem(3000, 30, 16)],
    ['spike 2000 x 50', () => spikeProblem(2000, 50, 17)],
  ];
  test.each(cases)('%s', (_name, make) => {
    const { A, b } = make();
    const qr = lstsqJs(A, b, { method: 'qr' });
    const est = qrForwardErrorEstimate(A, qr.x, qr.residualNorm);
    for (const seed of [1, 2]) {
      const res = lstsqJs(A, b, { method: 'sketch-precondition', seed });
      checkResult(A, b, res);
      expect(res).toMatchObject({ method: 'sketch-precondition', rank: A.cols, converged: true, sketchRows: preconditionSketchRows(A.rows, A.cols) });
      expect(distance(res.x, qr.x) / norm(qr.x)).toBeLessThanOrEqual(10 * est);
      expect(Math.abs(res.residualNorm - qr.residualNorm)).toBeLessThanOrEqual(1e-13 * norm(b));
      // Regression guard, not a bound from the issue: measured 20-47 iterations over both passes.
      expect(res.iterations).toBeLessThanOrEqual(80);
    }
  });
});

describe("'sketch-precondition' on A = U·diag(σ)·Vᵀ (n = 3000, d = 30) with known x", () => {
  // κ = 1e12 with a large residual is left out of the residual bound: there κ·u·‖r‖ ≈ 1e-4·‖r‖
  // moves Householder QR's own residual by up to ~1e-11·‖b‖ (measured), so no backward-stable
  // method can be held within 1e-13·‖b‖ of it; that case is checked on the forward error only.
  //
  // At κ = 1e12 both methods' forward errors are dominated by the one or two smallest singular
  // directions (κ²·u·‖r‖/‖A‖ is O(1) at ‖r*‖ = 1e-6), so each is a nearly one-dimensional random
  // quantity and their ratio is heavy-tailed: over 20 other seeds SPIR's error had QR's median and
  // ratios of median 0.7, but 1–3 in 20 exceeded 10 (up to 23), each time because QR's error was
  // 10x below its own median. The seeds here were fixed before measuring; see the report.
  const cases: Array<[number, number]> = [
    [1e4, 1e-6],
    [1e4, 1],
    [1e8, 1e-6],
    [1e8, 1],
    [1e12, 1e-6],
    [1e12, 1e-10],
  ];
  test.each(cases)('κ = %s, ‖r*‖ = %s', (kappa, rho) => {
    for (const seed of [21, 22]) {
      const p = conditionedProblem(3000, 30, kappa, rho, seed);
      expect(p.orthoError).toBeLessThanOrEqual(1e-14);
      const qr = lstsqJs(p.A, p.b, { method: 'qr' });
      const res = lstsqJs(p.A, p.b, { method: 'sketch-precondition', seed });
      checkResult(p.A, p.b, res);
      expect(res).toMatchObject({ method: 'sketch-precondition', rank: 30, converged: true });
      expect(distance(res.x, p.xTrue!)).toBeLessThanOrEqual(10 * distance(qr.x, p.xTrue!));
      expect(Math.abs(res.residualNorm - qr.residualNorm)).toBeLessThanOrEqual(1e-13 * norm(p.b));
    }
  });

  test('κ = 1e12, ‖r*‖ = 1 (large residual): forward error within 10x of QR', () => {
    for (const seed of [24, 25]) {
      const p = conditionedProblem(3000, 30, 1e12, 1, seed);
      const qr = lstsqJs(p.A, p.b, { method: 'qr' });
      const res = lstsqJs(p.A, p.b, { method: 'sketch-precondition', seed });
      expect(res.method).toBe('sketch-precondition');
      expect(distance(res.x, p.xTrue!)).toBeLessThanOrEqual(10 * distance(qr.x, p.xTrue!));
    }
  });

  test('the construction: σ(A) as designed (Jacobi SVD of R) and rcondEstimate close to 1/κ', () => {
    const p = conditionedProblem(1000, 12, 1e8, 1e-3, 26);
    const R = getR(householderQR(p.A));
    const s = singularValues(R, 12);
    for (let k = 0; k < 12; k++) expect(Math.abs(s[k] / 1e8 ** (-k / 11) - 1)).toBeLessThanOrEqual(1e-6);
    const rc = rcondEstimate(R, 12);
    expect(rc).toBeGreaterThanOrEqual(1e-8 * (1 - 1e-6));
    expect(rc).toBeLessThanOrEqual(1e-8 * 2);
  });
});

test('n not a power of two: SRHT pads 3000 to 4096 rows; both randomized methods work', () => {
  const p = conditionedProblem(3000, 30, 1e8, 1e-6, 31);
  const qr = lstsqJs(p.A, p.b, { method: 'qr' });
  const res = lstsqJs(p.A, p.b, { method: 'sketch-precondition', sketch: { kind: 'srht' } });
  // γ = clamp(⌊4·3000/30²⌋, 12, 40) = 13 rows per column (preconditionSketchRows).
  expect(res).toMatchObject({ method: 'sketch-precondition', sketchRows: 13 * 30, converged: true });
  expect(distance(res.x, p.xTrue!)).toBeLessThanOrEqual(10 * distance(qr.x, p.xTrue!));
  expect(Math.abs(res.residualNorm - qr.residualNorm)).toBeLessThanOrEqual(1e-13 * norm(p.b));
  const g = mmyProblem(3000, 30, 1, 32);
  const ss = lstsqJs(g.A, g.b, { method: 'sketch-and-solve', sketch: { kind: 'srht', rows: 4096 } });
  expect(ss.residualNorm / lstsqJs(g.A, g.b, { method: 'qr' }).residualNorm).toBeLessThanOrEqual(1.25);
});

describe("'sketch-and-solve' with 20d rows: residual ratio ≤ 1.1 at the median, ≤ 1.25 at p95 over 20 seeds", () => {
  // n = 2000, d = 20 (m = 400): the TypeScript sparse sketch costs ~0.1 s per call under jest (see
  // the report), and this block makes 200 of them.
  const families: Array<[string, () => Problem]> = [
    ['GA 2000 x 20', () => mmyProblem(2000, 20, Infinity, 41)],
    ['T3 2000 x 20', () => mmyProblem(2000, 20, 3, 42)],
    ['T1 2000 x 20', () => mmyProblem(2000, 20, 1, 43)],
    ['spike 2000 x 20', () => spikeProblem(2000, 20, 44)],
    ['κ = 1e8, ‖r*‖ = 1e-2, 2000 x 20', () => conditionedProblem(2000, 20, 1e8, 1e-2, 45)],
  ];
  const kinds: Array<[string, LstsqOptions['sketch']]> = [
    ['sparse sign, 8 nonzeros', { kind: 'sparse-sign', nnzPerColumn: 8 }],
    ['SRHT', { kind: 'srht' }],
  ];
  describe.each(families)('%s', (_name, make) => {
    const p = make();
    const qr = lstsqJs(p.A, p.b, { method: 'qr' });
    test.each(kinds)('%s', (_kind, sketch) => {
      const ratios: number[] = [];
      for (let seed = 0; seed < 20; seed++) {
        const res = lstsqJs(p.A, p.b, { method: 'sketch-and-solve', sketch: { ...sketch, rows: 20 * p.A.cols }, seed });
        expect(res).toMatchObject({ method: 'sketch-and-solve', sketchRows: 20 * p.A.cols, iterations: 0 });
        ratios.push(residualNorm(p.A, p.b, res.x) / qr.residualNorm);
      }
      expect(Math.min(...ratios)).toBeGreaterThanOrEqual(1 - 1e-12); // QR is the optimum
      expect(quantile(ratios, 0.5)).toBeLessThanOrEqual(1.1);
      expect(quantile(ratios, 0.95)).toBeLessThanOrEqual(1.25);
    });
  });
});

describe('rank-deficient A: detected, rank reported, QR fallback', () => {
  // 2500 x 20 Gaussian with column 7 = column 2 + column 3 and column 19 = 2·column 5: rank 18,
  // null space spanned by e7 - e2 - e3 and e19 - 2·e5.
  const A = gaussianMatrix(2500, 20, 51);
  for (let i = 0; i < 2500; i++) {
    A.data[i * 20 + 7] = A.data[i * 20 + 2] + A.data[i * 20 + 3];
    A.data[i * 20 + 19] = 2 * A.data[i * 20 + 5];
  }
  const b = gaussianMatrix(2500, 1, 52).data;
  const kept = [...Array(20).keys()].filter((j) => j !== 7 && j !== 19);
  const reduced: Matrix = { data: new Float64Array(2500 * 18), rows: 2500, cols: 18 };
  for (let i = 0; i < 2500; i++) kept.forEach((j, c) => (reduced.data[i * 18 + c] = A.data[i * 20 + j]));

  test.each(['qr', 'sketch-and-solve', 'sketch-precondition', 'auto'] as const)('%s', (method) => {
    const res = lstsqJs(A, b, { method });
    checkResult(A, b, res);
    expect(res.rank).toBe(18);
    expect(res.method).toBe('qr');
    expect(res.iterations).toBe(0);
    expect(res.sketchRows).toBe(method === 'sketch-and-solve' ? 400 : method === 'sketch-precondition' ? preconditionSketchRows(A.rows, A.cols) : 0);
    // A least-squares solution: the residual of the full-rank reduced problem, and Aᵀr ≈ 0.
    const refRes = lstsqJs(reduced, b, { method: 'qr' });
    expect(refRes.rank).toBe(18);
    expect(Math.abs(res.residualNorm - refRes.residualNorm)).toBeLessThanOrEqual(1e-13 * norm(b));
    const r = Float64Array.from(b, (v, i) => v - matvec(A, res.x)[i]);
    expect(norm(rmatvec(A, r))).toBeLessThanOrEqual(1e-12 * norm(b) * Math.sqrt(2500));
    // The minimum-norm one: no component along the null space.
    expect(Math.abs(res.x[7] - res.x[2] - res.x[3])).toBeLessThanOrEqual(1e-12 * norm(res.x));
    expect(Math.abs(res.x[19] - 2 * res.x[5])).toBeLessThanOrEqual(1e-12 * norm(res.x));
  });

  test('a zero column and a zero matrix', () => {
    const Z = gaussianMatrix(500, 6, 53);
    for (let i = 0; i < 500; i++) Z.data[i * 6 + 4] = 0;
    const bz = gaussianMatrix(500, 1, 54).data;
    const res = lstsqJs(Z, bz, { method: 'sketch-precondition' });
    expect(res).toMatchObject({ rank: 5, method: 'qr' });
    expect(res.x[4]).toBe(0);
    const zero = lstsqJs({ data: new Float64Array(500 * 6), rows: 500, cols: 6 }, bz, { method: 'sketch-precondition' });
    expect(zero).toMatchObject({ rank: 0, method: 'qr' });
    expect([...zero.x]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(zero.residualNorm).toBeCloseTo(norm(bz), 12);
  });
});

describe("'auto' and the iteration cap", () => {
  test('chooseMethod: qr when narrow or not tall, sketch-and-solve only for coarse tolerances', () => {
    expect(chooseMethod(100000, AUTO_MIN_COLS - 1, 1e-16)).toBe('qr');
    expect(chooseMethod(AUTO_MIN_ROWS_PER_COL * 200 - 1, 200, 1e-16)).toBe('qr');
    expect(chooseMethod(AUTO_MIN_ROWS_PER_COL * 200, 200, 1e-16)).toBe('sketch-precondition');
    expect(chooseMethod(AUTO_MIN_ROWS_PER_COL * 200, 200, 1e-8)).toBe('sketch-precondition');
    expect(chooseMethod(AUTO_MIN_ROWS_PER_COL * 200, 200, AUTO_SKETCH_AND_SOLVE_TOLERANCE)).toBe('sketch-and-solve');
  });

  test('auto on a tall, wide enough problem runs sketch-precondition with 12d rows', () => {
    const d = AUTO_MIN_COLS;
    const n = AUTO_MIN_ROWS_PER_COL * d;
    const A = gaussianMatrix(n, d, 61);
    const b = gaussianMatrix(n, 1, 62).data;
    const res = lstsqJs(A, b);
    // n = 25d: γ = ⌊4·25d/d²⌋ < 12 for d = 150, so the floor 12·d.
    expect(res).toMatchObject({ method: 'sketch-precondition', sketchRows: 12 * d, rank: d, converged: true });
    expect(Math.abs(res.residualNorm - lstsqJs(A, b, { method: 'qr' }).residualNorm)).toBeLessThanOrEqual(1e-13 * norm(b));
  });

  test('auto with a coarse tolerance: sketch-and-solve (exact on a consistent system)', () => {
    // 3750 x 150 (the smallest size auto sketches at) with the consistent right-hand side A·1.
    const d = AUTO_MIN_COLS;
    const n = AUTO_MIN_ROWS_PER_COL * d;
    const big = gaussianMatrix(n, d, 64);
    const bb = matvec(big, new Float64Array(d).fill(1));
    const res = lstsqJs(big, bb, { tolerance: AUTO_SKETCH_AND_SOLVE_TOLERANCE });
    expect(res).toMatchObject({ method: 'sketch-and-solve', sketchRows: 20 * d, iterations: 0, rank: d });
    for (let j = 0; j < d; j++) expect(Math.abs(res.x[j] - 1)).toBeLessThanOrEqual(1e-12);
  });

  test('maxIterations caps each of the two LSQR passes; converged reports the miss', () => {
    const p = conditionedProblem(2000, 20, 1e4, 1e-3, 63);
    const res = lstsqJs(p.A, p.b, { method: 'sketch-precondition', maxIterations: 2 });
    expect(res).toMatchObject({ converged: false, iterations: 4 });
    const coarse = lstsqJs(p.A, p.b, { method: 'sketch-precondition', tolerance: 1e-6 });
    const fine = lstsqJs(p.A, p.b, { method: 'sketch-precondition' });
    expect(coarse.converged && fine.converged).toBe(true);
    expect(coarse.iterations).toBeLessThan(fine.iterations);
  });
});
