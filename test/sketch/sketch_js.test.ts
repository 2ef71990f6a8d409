// The TypeScript sketches (groundwork for the sketching API): reproducible from the seed, linear in
// the rows of A (so row blocks can be sketched separately and added), scaled so that E[SᵀS] = I, with
// the structure each kind promises; SRHT with m = N is exactly orthogonal.
import { checkMatrix, matrix, type Matrix } from '../../lib/sketch/matrix';
import { srhtRows } from '../../lib/sketch/random_choices';
import { fwhtRows, sketchJs, type SketchKind } from '../../lib/sketch/sketch_js';
import { expectError } from '../helpers/errors';
import { Rng } from '../helpers/prng';

const KINDS: readonly SketchKind[] = ['gaussian', 'rademacher', 'srht', 'countsketch', 'sparse-sign'];

function identity(n: number): Matrix {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return { data, rows: n, cols: n };
}

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.next() * 2 - 1;
  return { data, rows, cols };
}

/** S itself (m x n), as the sketch of the identity. */
function sketchMatrix(kind: SketchKind, m: number, n: number, seed: number | bigint, nnz?: number): Float64Array {
  return sketchJs('sketch', identity(n), null, { kind, rows: m, seed, nnzPerColumn: nnz });
}

function gram(X: Float64Array, rows: number, cols: number): Float64Array {
  const G = new Float64Array(cols * cols);
  for (let r = 0; r < rows; r++) for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) G[i * cols + j] += X[r * cols + i] * X[r * cols + j];
  return G;
}

describe.each(KINDS)('%s', (kind) => {
  test('the same seed gives the same bits (number and bigint seeds alike); another seed does not', () => {
    const A = randomMatrix(100, 5, 1);
    const a = sketchJs('sketch', A, null, { kind, rows: 32, seed: 7 });
    const b = sketchJs('sketch', A, null, { kind, rows: 32, seed: 7n });
    const c = sketchJs('sketch', A, null, { kind, rows: 32, seed: 8 });
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });

  test('S[A | b] carries Sb as its last column, equal to S applied to b alone', () => {
    const A = randomMatrix(64, 3, 2);
    const bvec = randomMatrix(64, 1, 3).data;
    const withB = sketchJs('sketch', A, bvec, { kind, rows: 16, seed: 11 });
    const onlyB = sketchJs('sketch', { data: bvec, rows: 64, cols: 1 }, null, { kind, rows: 16, seed: 11 });
    for (let r = 0; r < 16; r++) expect(Math.abs(withB[r * 4 + 3] - onlyB[r])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(onlyB[r])));
  });

  test('linear in the rows of A: sketching two row blocks separately and adding gives S·A', () => {
    const A = randomMatrix(96, 4, 4);
    const top = { ...A, data: A.data.map((v, i) => (i < 40 * 4 ? v : 0)) };
    const bottom = { ...A, data: A.data.map((v, i) => (i < 40 * 4 ? 0 : v)) };
    const spec = { kind, rows: 24, seed: 5 } as const;
    const whole = sketchJs('sketch', A, null, spec);
    const a = sketchJs('sketch', top, null, spec);
    const b = sketchJs('sketch', bottom, null, spec);
    whole.forEach((v, i) => expect(Math.abs(a[i] + b[i] - v)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(v))));
  });

  test('E[SᵀS] = I: the average of SᵀS over 400 seeds is the identity within Monte-Carlo error', () => {
    const n = 6;
    const m = 8;
    const sum = new Float64Array(n * n);
    const trials = 400;
    for (let s = 0; s < trials; s++) {
      const G = gram(sketchMatrix(kind, m, n, s), m, n);
      G.forEach((v, i) => (sum[i] += v));
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        // Each entry of SᵀS has variance at most ~2 here; 5 standard errors of the mean.
        expect(Math.abs(sum[i * n + j] / trials - (i === j ? 1 : 0))).toBeLessThan(5 * Math.sqrt(2 / trials));
      }
    }
  });

  test('a subspace embedding at m = 20d: |‖SAx‖/‖Ax‖ - 1| < 0.5 for random x', () => {
    const d = 6;
    const A = randomMatrix(2048, d, 9);
    const SA = sketchJs('sketch', A, null, { kind, rows: 20 * d, seed: 3 });
    const rng = new Rng(10);
    for (let t = 0; t < 20; t++) {
      const x = Array.from({ length: d }, () => rng.next() * 2 - 1);
      const norm = (M: Float64Array, rows: number): number => {
        let s = 0;
        for (let r = 0; r < rows; r++) {
          let v = 0;
          for (let c = 0; c < d; c++) v += M[r * d + c] * x[c];
          s += v * v;
        }
        return Math.sqrt(s);
      };
      expect(Math.abs(norm(SA, 20 * d) / norm(A.data as Float64Array, 2048) - 1)).toBeLessThan(0.5);
    }
  });
});

describe('structure of each kind', () => {
  test('rademacher entries are ±1/√m; gaussian entries have mean 0 and variance 1/m', () => {
    const m = 64;
    const S = sketchMatrix('rademacher', m, 256, 1);
    for (const v of S) expect(Math.abs(Math.abs(v) - 1 / Math.sqrt(m))).toBeLessThan(1e-15);
    const G = sketchMatrix('gaussian', m, 512, 2);
    const mean = G.reduce((a, v) => a + v, 0) / G.length;
    const variance = G.reduce((a, v) => a + v * v, 0) / G.length;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(m * G.length));
    expect(Math.abs(variance * m - 1)).toBeLessThan(5 * Math.sqrt(2 / G.length));
  });

  test.each([
    ['countsketch', 1],
    ['sparse-sign', 8],
    ['sparse-sign', 3],
  ] as const)('%s with %i nonzeros: each column has exactly that many entries ±1/√s at distinct rows', (kind, s) => {
    const m = 16;
    const n = 300;
    const S = sketchMatrix(kind, m, n, 4, s);
    for (let j = 0; j < n; j++) {
      let nnz = 0;
      for (let r = 0; r < m; r++) {
        const v = S[r * n + j];
        if (v !== 0) {
          nnz++;
          expect(Math.abs(Math.abs(v) - 1 / Math.sqrt(s))).toBeLessThan(1e-15);
        }
      }
      expect(nnz).toBe(s);
    }
  });

  test('srht with m = N is orthogonal: (SA)ᵀ(SA) = AᵀA', () => {
    const A = randomMatrix(64, 5, 6);
    const SA = sketchJs('sketch', A, null, { kind: 'srht', rows: 64, seed: 1 });
    const G1 = gram(SA, 64, 5);
    const G0 = gram(A.data as Float64Array, 64, 5);
    G0.forEach((v, i) => expect(Math.abs(G1[i] - v)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(v))));
  });

  test('srht pads any n to the next power of two (n = 100 -> N = 128) and keeps norms with m = N', () => {
    const A = randomMatrix(100, 3, 7);
    const SA = sketchJs('sketch', A, null, { kind: 'srht', rows: 128, seed: 2 });
    const G1 = gram(SA, 128, 3);
    const G0 = gram(A.data as Float64Array, 100, 3);
    G0.forEach((v, i) => expect(Math.abs(G1[i] - v)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(v))));
  });

  test('the SRHT row sample is m distinct rows of [0, N), and each row equally likely', () => {
    const key: [number, number] = [3, 0];
    const rows = srhtRows(key, 1 << 20, 5000);
    expect(new Set(rows).size).toBe(5000);
    for (const r of rows) expect(r).toBeLessThan(1 << 20);
    // All of [0, 16) drawn in some order when m = N.
    expect(Array.from(srhtRows(key, 16, 16)).sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    // Frequency of each row of [0, 8) as the first pick over 8000 keys: ~1000 each.
    const counts = new Array(8).fill(0);
    for (let s = 0; s < 8000; s++) counts[srhtRows([s, 1], 8, 1)[0]]++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(5 * Math.sqrt(1000));
  });

  test('fwhtRows is the Sylvester Hadamard transform (known answer for N = 4)', () => {
    const X = new Float64Array([1, 2, 3, 4]);
    fwhtRows(X, 4, 1);
    expect(Array.from(X)).toEqual([10, -2, -4, 0]);
  });
});

describe('matrix and checkMatrix', () => {
  test('matrix() builds a row-major Matrix', () => {
    expect(matrix([[1, 2, 3], [4, 5, 6]])).toEqual({ data: new Float64Array([1, 2, 3, 4, 5, 6]), rows: 2, cols: 3 });
  });
  test('bad matrices are named errors', () => {
    expectError(() => matrix([[1, 2], [3]]), 'RangeError', /rows\[1\] must be an array of 2 numbers/);
    expectError(() => matrix([]), 'RangeError', /rows must not be empty/);
    expectError(() => matrix([[1, 'x' as unknown as number]]), 'TypeError', /rows\[0\]\[1\] must be a number/);
    expectError(() => checkMatrix('lstsq', 'A', { data: [1, 2], rows: 1, cols: 2 }), 'TypeError', /A\.data must be a Float64Array/);
    expectError(() => checkMatrix('lstsq', 'A', { data: new Float64Array(3), rows: 2, cols: 2 }), 'RangeError', /A\.data must have rows \* cols = 4 elements/);
    expectError(() => checkMatrix('lstsq', 'A', { data: new Float64Array(4), rows: 0, cols: 2 }), 'RangeError', /A\.rows must be a positive integer/);
    expectError(() => checkMatrix('lstsq', 'A', null), 'TypeError', /A must be a Matrix/);
  });
});
