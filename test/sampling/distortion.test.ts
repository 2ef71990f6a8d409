// Embedding distortion (lib/sampling/distortion.ts) and the Jacobi eigensolver (lib/linalg/sym_eigen.ts).
//
// References are independent of lib/: p = 2 by Sylvester's law of inertia (the number of eigenvalues
// of the pencil (M, G) below λ is the number of negative pivots of the LDLᵀ factorization of M − λG;
// bisection on λ gives the extremes to machine precision), the 2 x 2 pencil in closed form; p = 1,
// d = 2 exactly: on the line x = (cos θ, sin θ) the ratio is a quotient of piecewise-linear functions of
// tan θ, monotone between the angles where some row is orthogonal to x, so its extremes are attained
// at those angles; p = 3, d = 2 by a fine angular grid refined by golden section.
import { symmetricEigen } from '../../lib/linalg/sym_eigen';
import { embeddingDistortionJs, type DistortionSample } from '../../lib/sampling/distortion';
import type { Matrix } from '../../lib/sketch/matrix';
import { argMessage, expectError } from '../helpers/errors';
import { Rng } from '../helpers/prng';

const { abs, cos, log, max, min, PI, pow, sin, sqrt } = Math;

function normal(rng: Rng): number {
  return sqrt(-2 * log(1 - rng.next())) * cos(2 * PI * rng.next());
}

function gaussian(n: number, d: number, seed: number): Matrix & { data: Float64Array } {
  const rng = new Rng(seed);
  return { data: Float64Array.from({ length: n * d }, () => normal(rng)), rows: n, cols: d };
}

/** Bernoulli(q) sample of the rows with weights 1/q (q = 1/2 on even rows, 1/4 on odd rows). */
function bernoulliSample(n: number, seed: number): DistortionSample & { weights: Float64Array } {
  const rng = new Rng(seed);
  const idx: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < n; i++) {
    const q = i % 2 ? 0.25 : 0.5;
    if (rng.next() < q) {
      idx.push(i);
      w.push(1 / q);
    }
  }
  return { indices: Uint32Array.from(idx), weights: Float64Array.from(w) };
}

function ratioAt(A: Matrix, s: DistortionSample, p: number, x: ArrayLike<number>): number {
  const d = A.cols;
  const at = (i: number): number => {
    let t = 0;
    for (let j = 0; j < d; j++) t += A.data[i * d + j] * x[j];
    return pow(abs(t), p);
  };
  let den = 0;
  for (let i = 0; i < A.rows; i++) den += at(i);
  let num = 0;
  for (let k = 0; k < s.indices.length; k++) num += s.weights[k] * at(s.indices[k]);
  return num / den;
}

/** Number of negative pivots of LDLᵀ of the symmetric k x k S (no pivoting; generic λ). */
function negativePivots(S: number[][]): number {
  const k = S.length;
  const a = S.map((r) => r.slice());
  let neg = 0;
  for (let c = 0; c < k; c++) {
    const piv = a[c][c];
    if (piv < 0) neg++;
    for (let r = c + 1; r < k; r++) {
      const f = a[r][c] / piv;
      for (let t = c; t < k; t++) a[r][t] -= f * a[c][t];
    }
  }
  return neg;
}

/** Extreme eigenvalues of the pencil (M, G) = (AᵀWA over the sample, AᵀA) by inertia bisection. */
function pencilExtremes(A: Matrix, s: DistortionSample): { lo: number; hi: number } {
  const d = A.cols;
  const M = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const G = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < d; j++) for (let t = 0; t < d; t++) G[j][t] += A.data[i * d + j] * A.data[i * d + t];
  for (let k = 0; k < s.indices.length; k++) {
    const i = s.indices[k];
    for (let j = 0; j < d; j++) for (let t = 0; t < d; t++) M[j][t] += s.weights[k] * A.data[i * d + j] * A.data[i * d + t];
  }
  const below = (lam: number): number => negativePivots(M.map((r, j) => r.map((v, t) => v - lam * G[j][t])));
  const bisect = (count: number): number => {
    let lo = -1;
    let hi = 1e3;
    for (let it = 0; it < 200; it++) {
      const mid = (lo + hi) / 2;
      if (below(mid) >= count) hi = mid;
      else lo = mid;
    }
    return (lo + hi) / 2;
  };
  return { lo: bisect(1), hi: bisect(d) };
}

/** Extremes of the ratio for d = 2, p = 1, at the angles where a row of A is orthogonal to x. */
function exactExtremes2p1(A: Matrix, s: DistortionSample): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < A.rows; i++) {
    const x = [-A.data[2 * i + 1], A.data[2 * i]];
    if (x[0] === 0 && x[1] === 0) continue;
    const r = ratioAt(A, s, 1, x);
    lo = min(lo, r);
    hi = max(hi, r);
  }
  return { lo, hi };
}

/** Extremes for d = 2 by a grid of `m` angles on [0, π), each local extreme refined by golden section. */
function gridExtremes2(A: Matrix, s: DistortionSample, p: number, m: number): { lo: number; hi: number } {
  const f = (th: number): number => ratioAt(A, s, p, [cos(th), sin(th)]);
  const vals = Array.from({ length: m }, (_, k) => f((PI * k) / m));
  let lo = Infinity;
  let hi = -Infinity;
  const phi = (sqrt(5) - 1) / 2;
  const refine = (k: number, sgn: number): number => {
    let a = (PI * (k - 1)) / m;
    let b = (PI * (k + 1)) / m;
    for (let it = 0; it < 60; it++) {
      const c = b - phi * (b - a);
      const e = a + phi * (b - a);
      if (sgn * f(c) >= sgn * f(e)) b = e;
      else a = c;
    }
    return f((a + b) / 2);
  };
  for (let k = 0; k < m; k++) {
    const prev = vals[(k + m - 1) % m];
    const next = vals[(k + 1) % m];
    if (vals[k] >= prev && vals[k] >= next) hi = max(hi, refine(k, 1));
    if (vals[k] <= prev && vals[k] <= next) lo = min(lo, refine(k, -1));
  }
  return { lo, hi };
}

describe('symmetricEigen (cyclic Jacobi)', () => {
  test('eigenpairs of random symmetric matrices: residuals, orthogonality, trace', () => {
    for (const k of [1, 2, 5, 12]) {
      const rng = new Rng(k);
      const S = new Float64Array(k * k);
      for (let i = 0; i < k; i++) for (let j = i; j < k; j++) S[i * k + j] = S[j * k + i] = normal(rng);
      const { values, vectors } = symmetricEigen(S, k, { vectors: true });
      let fro = 0;
      for (const v of S) fro += v * v;
      fro = sqrt(fro);
      for (let c = 0; c < k; c++) {
        for (let i = 0; i < k; i++) {
          let av = 0;
          for (let j = 0; j < k; j++) av += S[i * k + j] * vectors![j * k + c];
          expect(abs(av - values[c] * vectors![i * k + c])).toBeLessThan(1e-13 * fro);
        }
        for (let c2 = 0; c2 < k; c2++) {
          let dot = 0;
          for (let i = 0; i < k; i++) dot += vectors![i * k + c] * vectors![i * k + c2];
          expect(abs(dot - (c === c2 ? 1 : 0))).toBeLessThan(1e-13);
        }
        if (c > 0) expect(values[c]).toBeGreaterThanOrEqual(values[c - 1]);
      }
      let tr = 0;
      for (let i = 0; i < k; i++) tr += S[i * k + i];
      expect(abs(values.reduce((a, b) => a + b, 0) - tr)).toBeLessThan(1e-13 * fro * k);
    }
  });

  test('2 x 2 closed form and a diagonal matrix', () => {
    const [a, b, c] = [3, 1.25, -2];
    const m = (a + c) / 2;
    const r = sqrt(((a - c) / 2) ** 2 + b * b);
    const { values } = symmetricEigen([a, b, b, c], 2);
    expect(abs(values[0] - (m - r))).toBeLessThan(1e-15 * 4);
    expect(abs(values[1] - (m + r))).toBeLessThan(1e-15 * 4);
    expect(Array.from(symmetricEigen([2, 0, 0, 0, -1, 0, 0, 0, 5], 3).values)).toEqual([-1, 2, 5]);
  });
});

describe('embeddingDistortion, p = 2 (exact)', () => {
  test.each([
    [2, 40],
    [5, 200],
  ])('d = %p: extreme eigenvalues of the pencil by inertia bisection', (d, n) => {
    const A = gaussian(n, d, 7 + d);
    const s = bernoulliSample(n, 8 + d);
    const r = embeddingDistortionJs(A, s, 2);
    const ref = pencilExtremes(A, s);
    expect(r.exact).toBe(true);
    expect(abs(r.maxRatio - ref.hi)).toBeLessThan(1e-10 * ref.hi);
    expect(abs(r.minRatio - ref.lo)).toBeLessThan(1e-10 * ref.hi);
    expect(r.distortion).toBe(max(r.maxRatio - 1, 1 - r.minRatio));
    expect(r.distortion).toBeGreaterThan(0.05); // a real sample distorts
  });

  test('badly scaled columns do not change the answer (coordinates are whitened)', () => {
    const A = gaussian(80, 3, 17);
    const B = { data: Float64Array.from(A.data, (v, t) => v * [1e-6, 1, 1e6][t % 3]), rows: 80, cols: 3 };
    const s = bernoulliSample(80, 18);
    const a = embeddingDistortionJs(A, s, 2);
    const b = embeddingDistortionJs(B, s, 2);
    expect(abs(a.maxRatio - b.maxRatio)).toBeLessThan(1e-9);
    expect(abs(a.minRatio - b.minRatio)).toBeLessThan(1e-9);
  });
});

describe('embeddingDistortion, lower bound for p ≠ 2', () => {
  test.each([1, 1.5, 2, 3])('every row with weight 1 gives distortion 0, p = %p', (p) => {
    const A = gaussian(60, 4, 21);
    const s = { indices: Uint32Array.from({ length: 60 }, (_, i) => i), weights: new Float64Array(60).fill(1) };
    const r = embeddingDistortionJs(A, s, p, { directions: 50 });
    expect(r.distortion).toBeLessThan(1e-12);
  });

  test.each([1, 1.5, 2, 3])('a sample that drops a planted direction has distortion 1 (total contraction), p = %p', (p) => {
    // Column 3 is zero except on rows 0..2, which the sample leaves out: S·A·e_3 = 0.
    const n = 80;
    const A = gaussian(n, 4, 31);
    for (let i = 3; i < n; i++) A.data[i * 4 + 3] = 0;
    const idx = Uint32Array.from({ length: n - 3 }, (_, k) => k + 3);
    const r = embeddingDistortionJs(A, { indices: idx, weights: new Float64Array(n - 3).fill(1) }, p, { directions: 50 });
    expect(r.minRatio).toBeLessThan(1e-12);
    expect(abs(r.distortion - 1)).toBeLessThan(1e-12);
  });

  test('p = 1, d = 2: never above the exact extremes, within 1% of them', () => {
    for (const seed of [41, 42, 43]) {
      const A = gaussian(30, 2, seed);
      const s = bernoulliSample(30, seed + 100);
      const r = embeddingDistortionJs(A, s, 1);
      const ex = exactExtremes2p1(A, s);
      const grid = gridExtremes2(A, s, 1, 20000);
      // The exact extremes dominate any grid (a sanity check of the reference itself).
      expect(grid.hi).toBeLessThanOrEqual(ex.hi * (1 + 1e-12));
      expect(grid.lo).toBeGreaterThanOrEqual(ex.lo * (1 - 1e-12));
      const D = max(ex.hi - 1, 1 - ex.lo);
      expect(r.maxRatio).toBeLessThanOrEqual(ex.hi * (1 + 1e-12));
      expect(r.minRatio).toBeGreaterThanOrEqual(ex.lo * (1 - 1e-12));
      expect(r.distortion).toBeLessThanOrEqual(D + 1e-12);
      expect(r.distortion).toBeGreaterThanOrEqual(0.99 * D); // the kink search reaches the vertex
      expect(r.exact).toBe(false);
    }
  });

  test('p = 3, d = 2: within 1% of a refined angular grid and never meaningfully above it', () => {
    const A = gaussian(40, 2, 51);
    const s = bernoulliSample(40, 52);
    const r = embeddingDistortionJs(A, s, 3);
    const g = gridExtremes2(A, s, 3, 4000);
    const D = max(g.hi - 1, 1 - g.lo);
    expect(r.maxRatio).toBeLessThanOrEqual(g.hi * (1 + 1e-9));
    expect(r.minRatio).toBeGreaterThanOrEqual(g.lo * (1 - 1e-9));
    expect(r.distortion).toBeGreaterThanOrEqual(0.99 * D);
  });

  test('p = 1, d = 6: the local search improves on the raw direction set, and the bound is certified', () => {
    const A = gaussian(300, 6, 61);
    const s = bernoulliSample(300, 62);
    const raw = embeddingDistortionJs(A, s, 1, { localSearchSteps: 0 });
    const full = embeddingDistortionJs(A, s, 1);
    expect(full.distortion).toBeGreaterThan(1.05 * raw.distortion); // 0.198 → 0.237 on this instance
    expect(full.directions).toBeGreaterThan(raw.directions);
    // A 10x larger search from another seed finds no more than 2% beyond the default.
    const heavy = embeddingDistortionJs(A, s, 1, { directions: 5000, localSearchSteps: 400, seed: 3 });
    expect(full.distortion).toBeGreaterThanOrEqual(0.98 * heavy.distortion);
    // Consistent: no random direction lies outside the reported extremes.
    const rng = new Rng(63);
    for (let t = 0; t < 200; t++) {
      const rr = ratioAt(A, s, 1, Array.from({ length: 6 }, () => normal(rng)));
      expect(rr).toBeLessThanOrEqual(full.maxRatio);
      expect(rr).toBeGreaterThanOrEqual(full.minRatio);
    }
    // Reproducible from the seed; a different seed still finds a comparable bound.
    expect(embeddingDistortionJs(A, s, 1)).toEqual(full);
    const other = embeddingDistortionJs(A, s, 1, { seed: 7n });
    expect(abs(other.distortion - full.distortion)).toBeLessThan(0.1 * full.distortion);
  });

  test('an empty sample contracts everything; inputs are not modified', () => {
    const A = gaussian(20, 3, 71);
    const copy = Float64Array.from(A.data);
    const s = bernoulliSample(20, 72);
    const sc = { indices: Uint32Array.from(s.indices), weights: Float64Array.from(s.weights) };
    expect(embeddingDistortionJs(A, { indices: new Uint32Array(0), weights: new Float64Array(0) }, 1.5, { directions: 10 }).distortion).toBe(1);
    embeddingDistortionJs(A, s, 1.5, { directions: 10 });
    expect(A.data).toEqual(copy);
    expect(s).toEqual(sc);
  });
});

describe('bad input', () => {
  const A = gaussian(10, 2, 81);
  const s = { indices: Uint32Array.from([1, 4]), weights: Float64Array.from([2, 3]) };
  const F = 'embeddingDistortion';
  test.each([
    ['A', () => embeddingDistortionJs({ rows: 2 } as never, s, 1), 'TypeError', 'A.data'],
    ['A tall', () => embeddingDistortionJs({ data: new Float64Array(3), rows: 1, cols: 3 }, s, 1), 'RangeError', 'A.rows'],
    ['A finite', () => embeddingDistortionJs({ data: Float64Array.from([1, Infinity, 2, 3]), rows: 2, cols: 2 }, s, 1), 'RangeError', 'A[0][1]'],
    ['sample', () => embeddingDistortionJs(A, null as never, 1), 'TypeError', 'sample'],
    ['indices type', () => embeddingDistortionJs(A, { indices: [1, 2], weights: s.weights } as never, 1), 'TypeError', 'sample.indices'],
    ['weights type', () => embeddingDistortionJs(A, { indices: s.indices, weights: [1, 2] } as never, 1), 'TypeError', 'sample.weights'],
    ['lengths', () => embeddingDistortionJs(A, { indices: s.indices, weights: new Float64Array(3) }, 1), 'RangeError', 'sample.weights'],
    ['index range', () => embeddingDistortionJs(A, { indices: Uint32Array.from([1, 10]), weights: s.weights }, 1), 'RangeError', 'sample.indices[1]'],
    ['distinct', () => embeddingDistortionJs(A, { indices: Uint32Array.from([4, 4]), weights: s.weights }, 1), 'RangeError', 'sample.indices[1]'],
    ['weight sign', () => embeddingDistortionJs(A, { indices: s.indices, weights: Float64Array.from([1, -1]) }, 1), 'RangeError', 'sample.weights[1]'],
    ['weight NaN', () => embeddingDistortionJs(A, { indices: s.indices, weights: Float64Array.from([NaN, 1]) }, 1), 'RangeError', 'sample.weights[0]'],
    ['p', () => embeddingDistortionJs(A, s, 0.9), 'RangeError', 'p'],
    ['p type', () => embeddingDistortionJs(A, s, null as never), 'TypeError', 'p'],
    ['unknown option', () => embeddingDistortionJs(A, s, 1, { direction: 5 } as never), 'TypeError', 'options.direction'],
    ['directions', () => embeddingDistortionJs(A, s, 1, { directions: -1 }), 'RangeError', 'options.directions'],
    ['localSearchSteps', () => embeddingDistortionJs(A, s, 1, { localSearchSteps: 1.5 }), 'RangeError', 'options.localSearchSteps'],
    ['seed', () => embeddingDistortionJs(A, s, 1, { seed: 2n ** 64n }), 'RangeError', 'options.seed'],
  ])('%s', (_label, call, name, arg) => {
    expectError(call, name as string, argMessage(F, arg as string));
  });
});


