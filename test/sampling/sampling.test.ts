// Row sampling from scores (lib/sampling/sample_rows.ts) and ℓp regression (lib/sampling/lp_regression.ts),
// issue 5 groundwork, TypeScript path only. References are written here, independent of lib/:
// Philox draws recomputed from the documented counter layout, a brute-force LP optimum over all
// basic solutions (d-subsets of rows) for p = 1, and a Newton + coordinate-bisection minimiser for
// other p.
import { philox4x32_10 } from '../../lib/random/philox';
import { qrSolve } from '../../lib/linalg/qr';
import { lpRegressionJs } from '../../lib/sampling/lp_regression';
import { sampleRowsFromScoresJs, waterFill } from '../../lib/sampling/sample_rows';
import type { Matrix } from '../../lib/sketch/matrix';
import { argMessage, expectError } from '../helpers/errors';
import { Rng } from '../helpers/prng';

const { abs, sqrt, log, cos, PI, pow, max } = Math;

function normal(rng: Rng): number {
  return sqrt(-2 * log(1 - rng.next())) * cos(2 * PI * rng.next());
}

function gaussianMatrix(n: number, d: number, seed: number): Matrix & { data: Float64Array } {
  const rng = new Rng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = normal(rng);
  return { data, rows: n, cols: d };
}

function gaussianVector(n: number, seed: number, scale = 1): Float64Array {
  const rng = new Rng(seed);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = scale * normal(rng);
  return v;
}

function residual(A: Matrix, b: ArrayLike<number>, x: ArrayLike<number>): Float64Array {
  const { rows: n, cols: d } = A;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = -b[i];
    for (let j = 0; j < d; j++) s += A.data[i * d + j] * x[j];
    r[i] = s;
  }
  return r;
}

function lpObjective(A: Matrix, b: ArrayLike<number>, x: ArrayLike<number>, p: number, w?: ArrayLike<number>): number {
  const r = residual(A, b, x);
  let f = 0;
  for (let i = 0; i < r.length; i++) f += (w ? w[i] : 1) * pow(abs(r[i]), p);
  return f;
}

/** Solves the square system M y = v by Gaussian elimination with partial pivoting; null if singular. */
function gaussSolve(M: number[][], v: number[]): number[] | null {
  const k = v.length;
  const a = M.map((row, i) => [...row, v[i]]);
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (abs(a[r][c]) > abs(a[piv][c])) piv = r;
    if (abs(a[piv][c]) < 1e-12) return null;
    [a[c], a[piv]] = [a[piv], a[c]];
    for (let r = c + 1; r < k; r++) {
      const f = a[r][c] / a[c][c];
      for (let j = c; j <= k; j++) a[r][j] -= f * a[c][j];
    }
  }
  const y = new Array<number>(k).fill(0);
  for (let c = k - 1; c >= 0; c--) {
    let s = a[c][k];
    for (let j = c + 1; j < k; j++) s -= a[c][j] * y[j];
    y[c] = s / a[c][c];
  }
  return y;
}

/** The ℓ1 optimum by brute force over all basic solutions (A full column rank). */
function bruteForceL1(A: Matrix, b: Float64Array, w?: Float64Array): number {
  const { rows: n, cols: d } = A;
  let best = Infinity;
  const idx: number[] = [];
  const rec = (start: number): void => {
    if (idx.length === d) {
      const M = idx.map((i) => Array.from(A.data.subarray(i * d, (i + 1) * d)));
      const y = gaussSolve(M, idx.map((i) => b[i]));
      if (y) best = Math.min(best, lpObjective(A, b, y, 1, w));
      return;
    }
    for (let i = start; i < n; i++) {
      idx.push(i);
      rec(i + 1);
      idx.pop();
    }
  };
  rec(0);
  return best;
}

/** A generic convex minimiser for p > 1: damped Newton on the normal equations, then coordinate bisection. */
function referenceMin(A: Matrix, b: Float64Array, p: number, w?: Float64Array): number {
  const { rows: n, cols: d } = A;
  const f = (x: number[]): number => lpObjective(A, b, x, p, w);
  let x = new Array<number>(d).fill(0);
  for (let it = 0; it < 300; it++) {
    const r = residual(A, b, x);
    const g = new Array<number>(d).fill(0);
    const H = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i] : 1;
      const gi = wi * p * Math.sign(r[i]) * pow(abs(r[i]), p - 1);
      const hi = wi * p * (p - 1) * pow(max(abs(r[i]), 1e-8), p - 2);
      for (let j = 0; j < d; j++) {
        g[j] += gi * A.data[i * d + j];
        for (let k = 0; k < d; k++) H[j][k] += hi * A.data[i * d + j] * A.data[i * d + k];
      }
    }
    for (let j = 0; j < d; j++) H[j][j] += 1e-300;
    const step = gaussSolve(H, g.map((v) => -v));
    if (!step) break;
    let t = 1;
    const f0 = f(x);
    let moved = false;
    for (let k = 0; k < 60; k++) {
      const xt = x.map((v, j) => v + t * step[j]);
      if (f(xt) < f0) {
        x = xt;
        moved = true;
        break;
      }
      t /= 2;
    }
    if (!moved) break;
  }
  // Coordinate polish: the derivative along e_j is monotone; bisect it to machine precision.
  for (let sweep = 0; sweep < 30; sweep++) {
    for (let j = 0; j < d; j++) {
      const deriv = (v: number): number => {
        const xt = x.slice();
        xt[j] = v;
        const r = residual(A, b, xt);
        let s = 0;
        for (let i = 0; i < n; i++) s += (w ? w[i] : 1) * p * Math.sign(r[i]) * pow(abs(r[i]), p - 1) * A.data[i * d + j];
        return s;
      };
      let lo = x[j] - 1;
      let hi = x[j] + 1;
      while (deriv(lo) > 0) lo -= 2 * (hi - lo);
      while (deriv(hi) < 0) hi += 2 * (hi - lo);
      for (let k = 0; k < 100 && hi - lo > 1e-15 * (1 + abs(lo)); k++) {
        const mid = (lo + hi) / 2;
        if (deriv(mid) > 0) hi = mid;
        else lo = mid;
      }
      const cand = x.slice();
      cand[j] = (lo + hi) / 2;
      if (f(cand) <= f(x)) x = cand;
    }
  }
  return f(x);
}

function uniformOf(seed: number, stream: number, index: number): number {
  const w = philox4x32_10([index % 2 ** 32, Math.floor(index / 2 ** 32), 0, stream], [seed % 2 ** 32, Math.floor(seed / 2 ** 32)]);
  return (w[0] * 2 ** 21 + (w[1] >>> 11)) * 2 ** -53;
}

function heavyScores(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) s[i] = rng.next() < 0.1 ? 0 : pow(rng.next(), 3);
  s[3] = 50;
  s[17] = 20;
  s[40] = 5;
  return s;
}

describe('sampleRowsFromScoresJs: water-filling and Bernoulli', () => {
  test('Σ q = size exactly, q ≤ 1, capped rows at 1, q ∝ s below the cap, zero scores at 0', () => {
    for (const size of [1, 5, 20, 60]) {
      const s = heavyScores(200, 11 + size);
      const positive = s.filter((v) => v > 0).length;
      if (size > positive) continue;
      const { q, c } = waterFill(s, size);
      let sum = 0;
      for (let i = 0; i < q.length; i++) {
        sum += q[i];
        expect(q[i]).toBeLessThanOrEqual(1);
        expect(q[i]).toBeGreaterThanOrEqual(0);
        if (s[i] === 0) expect(q[i]).toBe(0);
        else if (q[i] < 1) expect(abs(q[i] - c * s[i])).toBeLessThanOrEqual(1e-15 * q[i]);
        else expect(c * s[i]).toBeGreaterThanOrEqual(1 - 1e-12);
      }
      expect(abs(sum - size)).toBeLessThanOrEqual(1e-12 * size);
      if (size >= 5) expect(q[3]).toBe(1);
    }
    // size = number of positive scores: every positive row has q = 1.
    const s = new Float64Array([0, 1, 2, 0, 3]);
    expect(Array.from(waterFill(s, 3).q)).toEqual([0, 1, 1, 0, 1]);
  });

  test('the kept rows are exactly {i : u_i < q_i} with u_i from Philox stream 6; reproducible from the seed', () => {
    const s = heavyScores(300, 5);
    const size = 40;
    const { q } = waterFill(s, size);
    for (const seed of [0, 1, 12345, 2 ** 40 + 7]) {
      const got = sampleRowsFromScoresJs(s, { size, seed, p: 1 });
      const want: number[] = [];
      for (let i = 0; i < s.length; i++) if (q[i] > 0 && uniformOf(seed, 6, i) < q[i]) want.push(i);
      expect(Array.from(got.indices)).toEqual(want);
      expect(Array.from(got.probabilities)).toEqual(want.map((i) => q[i]));
      expect(Array.from(got.weights)).toEqual(want.map((i) => 1 / q[i]));
      expect(got.size).toBe(want.length);
      expect(abs(got.expectedSize - size)).toBeLessThanOrEqual(1e-12 * size);
      expect(sampleRowsFromScoresJs(s, { size, seed, p: 3 })).toEqual(got);
      expect(sampleRowsFromScoresJs(s, { size, seed: BigInt(seed), p: 1 })).toEqual(got);
    }
    const a = sampleRowsFromScoresJs(s, { size, seed: 1, p: 1 });
    const b = sampleRowsFromScoresJs(s, { size, seed: 2, p: 1 });
    expect(Array.from(a.indices)).not.toEqual(Array.from(b.indices));
    // Default seed is 0.
    expect(sampleRowsFromScoresJs(s, { size, p: 1 })).toEqual(sampleRowsFromScoresJs(s, { size, seed: 0, p: 1 }));
  });

  test('E[realized size] = size, and E[Σ_kept w_i |a_iᵀx|^p] = Σ |a_iᵀx|^p (Monte Carlo over seeds)', () => {
    const n = 300;
    const d = 3;
    const A = gaussianMatrix(n, d, 7);
    for (let i = 0; i < 5; i++) for (let j = 0; j < d; j++) A.data[i * d + j] *= 30; // a few heavy rows
    const x = gaussianVector(d, 8);
    const y = residual(A, new Float64Array(n), x);
    const scoresOf = (p: number): Float64Array => {
      const s = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let r2 = 0;
        for (let j = 0; j < d; j++) r2 += A.data[i * d + j] ** 2;
        s[i] = pow(r2, p / 2);
      }
      return s;
    };
    const seeds = 400;
    for (const p of [1, 3]) {
      const s = scoresOf(p);
      let truth = 0;
      for (let i = 0; i < n; i++) truth += pow(abs(y[i]), p);
      for (const replacement of [false, true]) {
        const size = 30;
        let sumEst = 0;
        let sumEst2 = 0;
        let sumSize = 0;
        for (let seed = 0; seed < seeds; seed++) {
          const smp = sampleRowsFromScoresJs(s, { size, seed, p, replacement });
          let est = 0;
          for (let k = 0; k < smp.indices.length; k++) est += smp.weights[k] * pow(abs(y[smp.indices[k]]), p);
          sumEst += est;
          sumEst2 += est * est;
          sumSize += smp.size;
        }
        const mean = sumEst / seeds;
        const sd = sqrt(max(sumEst2 / seeds - mean * mean, 0));
        expect(abs(mean - truth)).toBeLessThanOrEqual(4 * sd / sqrt(seeds) + 1e-9 * truth);
        if (!replacement) {
          const { q } = waterFill(s, size);
          let varSize = 0;
          for (let i = 0; i < n; i++) varSize += q[i] * (1 - q[i]);
          expect(abs(sumSize / seeds - size)).toBeLessThanOrEqual(4 * sqrt(varSize / seeds));
        }
      }
    }
  });

  test('zero scores are never sampled', () => {
    const s = heavyScores(200, 3);
    for (let seed = 0; seed < 50; seed++) {
      for (const replacement of [false, true]) {
        const smp = sampleRowsFromScoresJs(s, { size: 50, seed, p: 1, replacement });
        for (const i of smp.indices) expect(s[i]).toBeGreaterThan(0);
      }
    }
  });
});

describe('sampleRowsFromScoresJs: with replacement', () => {
  test('exactly size draws from stream 7, duplicates merged by adding 1/(size·π_i)', () => {
    const s = new Float64Array([0, 5, 1, 0, 3, 1, 0.5, 0]);
    const total = 10.5;
    const size = 8;
    for (const seed of [0, 3, 99]) {
      const smp = sampleRowsFromScoresJs(s, { size, seed, p: 2, replacement: true });
      // Recompute the draws from the documented layout.
      const counts = new Map<number, number>();
      for (let t = 0; t < size; t++) {
        const u = uniformOf(seed, 7, t) * total;
        let acc = 0;
        let pick = -1;
        for (let i = 0; i < s.length && pick < 0; i++) {
          acc += s[i];
          if (acc > u) pick = i;
        }
        counts.set(pick, (counts.get(pick) ?? 0) + 1);
      }
      const want = [...counts.keys()].sort((a, b) => a - b);
      expect(Array.from(smp.indices)).toEqual(want);
      let draws = 0;
      smp.indices.forEach((i, k) => {
        const pi = s[i] / total;
        expect(smp.probabilities[k]).toBeCloseTo(pi, 15);
        const c = smp.weights[k] * size * pi;
        expect(abs(c - Math.round(c))).toBeLessThan(1e-12);
        expect(Math.round(c)).toBe(counts.get(i));
        draws += Math.round(c);
      });
      expect(draws).toBe(size);
      expect(smp.size).toBe(want.length);
      expect(smp.size).toBeLessThan(size); // 8 draws over 5 rows: duplicates
      let expected = 0;
      for (const v of s) if (v > 0) expected += 1 - pow(1 - v / total, size);
      expect(smp.expectedSize).toBeCloseTo(expected, 12);
    }
  });
});

describe('lpRegressionJs', () => {
  test('p = 2 matches QR least squares (also weighted); inputs untouched', () => {
    const A = gaussianMatrix(40, 4, 21);
    const b = gaussianVector(40, 22);
    const A0 = Float64Array.from(A.data);
    const b0 = Float64Array.from(b);
    const res = lpRegressionJs(A, b, 2);
    const ref = qrSolve(A, b).x;
    for (let j = 0; j < 4; j++) expect(abs(res.x[j] - ref[j])).toBeLessThanOrEqual(1e-12 * (1 + abs(ref[j])));
    expect(res.objective).toBeCloseTo(lpObjective(A, b, ref, 2), 10);
    expect(res.converged).toBe(true);
    const w = gaussianVector(40, 23).map((v) => v * v);
    const rw = lpRegressionJs(A, b, 2, { weights: w });
    const As = { data: A.data.map((v, k) => v * sqrt(w[Math.floor(k / 4)])), rows: 40, cols: 4 };
    const refw = qrSolve(As, b.map((v, i) => v * sqrt(w[i]))).x;
    for (let j = 0; j < 4; j++) expect(abs(rw.x[j] - refw[j])).toBeLessThanOrEqual(1e-12 * (1 + abs(refw[j])));
    expect(Array.from(A.data)).toEqual(Array.from(A0));
    expect(Array.from(b)).toEqual(Array.from(b0));
  });

  test('p = 1 with A = ones: x* = median(b)', () => {
    const b = new Float64Array([3, -1, 7, 2.5, 10, 0, 4]);
    const A = { data: new Float64Array(7).fill(1), rows: 7, cols: 1 };
    const res = lpRegressionJs(A, b, 1);
    expect(abs(res.x[0] - 3)).toBeLessThanOrEqual(1e-12);
    expect(abs(res.objective - lpObjective(A, b, [3], 1))).toBeLessThanOrEqual(1e-12);
    expect(res.converged).toBe(true);
    // Even n: every point between the middle two is optimal.
    const be = new Float64Array([1, 2, 8, 9, -4, 20]);
    const Ae = { data: new Float64Array(6).fill(1), rows: 6, cols: 1 };
    const re = lpRegressionJs(Ae, be, 1);
    expect(re.objective).toBeLessThanOrEqual(lpObjective(Ae, be, [5], 1) * (1 + 1e-12));
  });

  test('p = 1 reaches the LP optimum (brute force over basic solutions) to 1e-9 relative', () => {
    for (let t = 0; t < 8; t++) {
      const n = 14;
      const d = 1 + (t % 3) + 1; // 2..4
      const A = gaussianMatrix(n, d, 100 + t);
      const x0 = gaussianVector(d, 200 + t);
      const b = residual(A, new Float64Array(n), x0);
      const noise = gaussianVector(n, 300 + t, t % 2 ? 0.1 : 3);
      for (let i = 0; i < n; i++) b[i] = -b[i] + (i % 3 === 0 ? noise[i] * 10 : noise[i]);
      const w = t >= 4 ? gaussianVector(n, 400 + t).map((v) => v * v) : undefined;
      const opt = bruteForceL1(A, b, w);
      const res = lpRegressionJs(A, b, 1, w ? { weights: w } : undefined);
      expect(abs(res.objective - lpObjective(A, b, res.x, 1, w))).toBeLessThanOrEqual(1e-12 * opt);
      expect(abs(res.objective - opt)).toBeLessThanOrEqual(1e-9 * opt);
    }
  });

  test('p = 1 on degenerate integer data (ties, non-unique optima) reaches the LP optimum to 1e-9 relative', () => {
    for (let t = 0; t < 10; t++) {
      const rng = new Rng(1000 + t);
      const n = 18;
      const d = 2 + (t % 3);
      const A = { data: new Float64Array(n * d), rows: n, cols: d };
      for (let k = 0; k < n * d; k++) A.data[k] = rng.int(7) - 3;
      for (let i = 0; i < n; i++) A.data[i * d] = 1; // intercept column
      const b = new Float64Array(n);
      for (let i = 0; i < n; i++) b[i] = rng.int(11) - 5 + (i % 5 === 0 ? 40 : 0);
      const opt = bruteForceL1(A, b);
      const res = lpRegressionJs(A, b, 1);
      expect(abs(res.objective - opt)).toBeLessThanOrEqual(1e-9 * opt);
    }
  });

  test('p = 1 on larger heavy-tailed problems: an exact LP optimality certificate (dual u in [-1, 1])', () => {
    for (const [n, d, seed] of [[200, 5, 1], [400, 8, 2]]) {
      const A = gaussianMatrix(n, d, 800 + seed);
      const rng = new Rng(900 + seed);
      const b = new Float64Array(n);
      for (let i = 0; i < n; i++) b[i] = normal(rng) / (0.05 + rng.next());
      const w = seed === 2 ? gaussianVector(n, 950).map((v) => v * v + 0.01) : undefined;
      const res = lpRegressionJs(A, b, 1, w ? { weights: w } : undefined);
      expect(res.converged).toBe(true);
      const r = residual(A, b, res.x);
      const active: number[] = [];
      for (let i = 0; i < n; i++) if (abs(r[i]) <= 1e-10 * (1 + abs(b[i]))) active.push(i);
      expect(active.length).toBe(d); // generic data: a nondegenerate vertex
      // KKT: Σ_{i∉S} w_i sign(r_i) a_i + Σ_{i∈S} w_i u_i a_i = 0 with |u_i| <= 1.
      const rhs = new Array<number>(d).fill(0);
      for (let i = 0; i < n; i++) {
        if (active.includes(i)) continue;
        for (let j = 0; j < d; j++) rhs[j] -= (w ? w[i] : 1) * Math.sign(r[i]) * A.data[i * d + j];
      }
      const M = Array.from({ length: d }, (_, j) => active.map((i) => (w ? w[i] : 1) * A.data[i * d + j]));
      const u = gaussSolve(M, rhs)!;
      for (const ui of u) expect(abs(ui)).toBeLessThanOrEqual(1 + 1e-9);
    }
  });

  test.each([1.25, 1.5, 3, 4, 6])('p = %p matches a generic convex minimiser to 1e-8 relative objective', (p) => {
    for (let t = 0; t < 3; t++) {
      const n = 30;
      const d = 3;
      const A = gaussianMatrix(n, d, 500 + t);
      const b = gaussianVector(n, 600 + t, 2);
      const w = t === 2 ? gaussianVector(n, 700).map((v) => v * v + 0.1) : undefined;
      const ref = referenceMin(A, b, p, w);
      const res = lpRegressionJs(A, b, p, w ? { weights: w } : undefined);
      expect(res.converged).toBe(true);
      expect(abs(res.objective - lpObjective(A, b, res.x, p, w))).toBeLessThanOrEqual(1e-12 * ref);
      expect(abs(res.objective - ref)).toBeLessThanOrEqual(1e-8 * ref);
    }
  });

  test('maxIterations caps the solves; converged reports whether the stopping rule was met', () => {
    const A = gaussianMatrix(60, 4, 31);
    const b = gaussianVector(60, 32, 3);
    for (const p of [1, 1.5, 3]) {
      const full = lpRegressionJs(A, b, p);
      expect(full.converged).toBe(true);
      const capped = lpRegressionJs(A, b, p, { maxIterations: 1 });
      expect(capped.iterations).toBeLessThanOrEqual(1);
      expect(capped.objective).toBeGreaterThanOrEqual(full.objective * (1 - 1e-12));
      if (!capped.converged) expect(capped.objective).toBeGreaterThan(full.objective * (1 + 1e-12));
    }
  });

  test('consistent system (b = A x0): objective 0 for every p', () => {
    const A = gaussianMatrix(20, 3, 901);
    const x0 = new Float64Array([1, -2, 0.5]);
    const b = residual(A, new Float64Array(20), x0).map((v) => -v);
    for (const p of [1, 1.5, 2, 3]) {
      const res = lpRegressionJs(A, b, p);
      expect(res.objective).toBeLessThanOrEqual(1e-12 * lpObjective(A, b, new Float64Array(3), p));
    }
  });
});

describe('bad input', () => {
  const s = new Float64Array([1, 2, 0, 3]);
  const sr = (scores: unknown, options: unknown) => () => sampleRowsFromScoresJs(scores as Float64Array, options as never);
  test('sampleRowsFromScoresJs', () => {
    const f = 'sampleRows';
    expectError(sr(s, { size: 2, p: 0.5 }), 'RangeError', argMessage(f, 'options.p'));
    expectError(sr(s, { size: 2, p: NaN }), 'RangeError', argMessage(f, 'options.p'));
    expectError(sr(s, { size: 2, p: Infinity }), 'RangeError', argMessage(f, 'options.p'));
    expectError(sr(s, { size: 2, p: '1' }), 'TypeError', argMessage(f, 'options.p'));
    expectError(sr(s, { size: 2 }), 'TypeError', argMessage(f, 'options.p'));
    expectError(sr(s, { size: 0, p: 1 }), 'RangeError', argMessage(f, 'options.size'));
    expectError(sr(s, { size: -1, p: 1 }), 'RangeError', argMessage(f, 'options.size'));
    expectError(sr(s, { size: 1.5, p: 1 }), 'RangeError', argMessage(f, 'options.size'));
    expectError(sr(s, { size: 5, p: 1 }), 'RangeError', argMessage(f, 'options.size'));
    expectError(sr(s, { size: 5, p: 1, replacement: true }), 'RangeError', argMessage(f, 'options.size'));
    expectError(sr(s, { size: 4, p: 1 }), 'RangeError', argMessage(f, 'options.size')); // only 3 positive scores
    expectError(sr(s, { p: 1 }), 'TypeError', argMessage(f, 'options.size'));
    expectError(sr(s, { size: 2, p: 1, replacement: 1 }), 'TypeError', argMessage(f, 'options.replacement'));
    expectError(sr(s, { size: 2, p: 1, seed: -1 }), 'RangeError', argMessage(f, 'options.seed'));
    expectError(sr(s, { size: 2, p: 1, sizes: 3 }), 'TypeError', argMessage(f, 'options.sizes'));
    expectError(sr(s, undefined), 'TypeError', argMessage(f, 'options'));
    expectError(sr([1, 2], { size: 1, p: 1 }), 'TypeError', argMessage(f, 'options.scores'));
    expectError(sr(new Float64Array(0), { size: 1, p: 1 }), 'RangeError', argMessage(f, 'options.scores'));
    expectError(sr(new Float64Array([1, -2, 3]), { size: 1, p: 1 }), 'RangeError', argMessage(f, 'options.scores[1]'));
    expectError(sr(new Float64Array([1, NaN]), { size: 1, p: 1 }), 'RangeError', argMessage(f, 'options.scores[1]'));
    expectError(sr(new Float64Array([0, 0, 0]), { size: 1, p: 1 }), 'RangeError', argMessage(f, 'options.scores'));
    expect(Array.from(s)).toEqual([1, 2, 0, 3]);
  });

  test('lpRegressionJs', () => {
    const f = 'lpRegression';
    const A = gaussianMatrix(6, 2, 1);
    const b = gaussianVector(6, 2);
    const lp = (AA: unknown, bb: unknown, p: unknown, o?: unknown) => () => lpRegressionJs(AA as Matrix, bb as Float64Array, p as number, o as never);
    expectError(lp(A, b, 0.5), 'RangeError', argMessage(f, 'p'));
    expectError(lp(A, b, Infinity), 'RangeError', argMessage(f, 'p'));
    expectError(lp(A, b, NaN), 'RangeError', argMessage(f, 'p'));
    expectError(lp(A, b, '2'), 'TypeError', argMessage(f, 'p'));
    expectError(lp(A, b.subarray(1), 1), 'RangeError', argMessage(f, 'b'));
    expectError(lp(A, [1, 2, 3, 4, 5, 6], 1), 'TypeError', argMessage(f, 'b'));
    expectError(lp({ data: A.data, rows: 5, cols: 2 }, b, 1), 'RangeError', argMessage(f, 'A.data'));
    expectError(lp({ data: A.data, rows: 6 }, b, 1), 'TypeError', argMessage(f, 'A.cols'));
    expectError(lp(null, b, 1), 'TypeError', argMessage(f, 'A'));
    const An = { data: Float64Array.from(A.data), rows: 6, cols: 2 };
    An.data[3] = NaN;
    expectError(lp(An, b, 1), 'RangeError', argMessage(f, 'A[1][1]'));
    const bn = Float64Array.from(b);
    bn[4] = Infinity;
    expectError(lp(A, bn, 3), 'RangeError', argMessage(f, 'b[4]'));
    expectError(lp(A, b, 1, { weights: new Float64Array(5) }), 'RangeError', argMessage(f, 'options.weights'));
    expectError(lp(A, b, 1, { weights: new Float64Array([1, 1, -1, 1, 1, 1]) }), 'RangeError', argMessage(f, 'options.weights[2]'));
    expectError(lp(A, b, 1, { weights: [1, 1, 1, 1, 1, 1] }), 'TypeError', argMessage(f, 'options.weights'));
    expectError(lp(A, b, 1, { maxIterations: 0 }), 'RangeError', argMessage(f, 'options.maxIterations'));
    expectError(lp(A, b, 1, { tolerance: -1 }), 'RangeError', argMessage(f, 'options.tolerance'));
    expectError(lp(A, b, 1, { tol: 1e-3 }), 'TypeError', argMessage(f, 'options.tol'));
  });
});
