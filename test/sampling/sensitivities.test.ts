// ℓp sensitivities and total sensitivity (lib/sampling/sensitivities.ts), TypeScript path.
//
// References are independent of lib/: closed forms (complete-graph incidence, stacked identities),
// a brute-force 1-D minimization for d = 2 (the constrained problem min ‖Ax‖_p^p, a_iᵀx = 1, is a
// convex function of one parameter whose minimizer lies between the breakpoints where a row vanishes:
// exact enumeration of the breakpoints at p = 1, golden section otherwise), the sup definition checked
// on random directions, leverage scores by modified Gram–Schmidt, and the inequalities of notes §1.2
// against Lewis weights.
import { lewisWeightsJs } from '../../lib/sampling/lewis';
import {
  defaultTotalSamples,
  lpSensitivitiesJs,
  rowSensitivityJs,
  totalSensitivityJs,
} from '../../lib/sampling/sensitivities';
import type { Matrix } from '../../lib/sketch/matrix';
import { argMessage, expectError } from '../helpers/errors';
import { Rng } from '../helpers/prng';

const { abs, cos, log, max, min, PI, pow, sqrt } = Math;

function normal(rng: Rng): number {
  return sqrt(-2 * log(1 - rng.next())) * cos(2 * PI * rng.next());
}

function gaussian(n: number, d: number, seed: number): Matrix & { data: Float64Array } {
  const rng = new Rng(seed);
  return { data: Float64Array.from({ length: n * d }, () => normal(rng)), rows: n, cols: d };
}

/** Gaussian rows scaled by |Cauchy|: a few rows carry most of the mass (very non-uniform scores). */
function heavyTailed(n: number, d: number, seed: number): Matrix & { data: Float64Array } {
  const rng = new Rng(seed);
  const A = gaussian(n, d, seed + 1);
  for (let i = 0; i < n; i++) {
    const c = abs(Math.tan(PI * (rng.next() - 0.5)));
    for (let j = 0; j < d; j++) A.data[i * d + j] *= c;
  }
  return A;
}

function fromRows(rows: number[][]): Matrix & { data: Float64Array } {
  return { data: Float64Array.from(rows.flat()), rows: rows.length, cols: rows[0].length };
}

/** Complete graph K_v, one row e_a − e_b per edge, vertex v−1 grounded (its column dropped). */
function incidence(v: number): Matrix & { data: Float64Array } {
  const rows: number[][] = [];
  for (let a = 0; a < v; a++) {
    for (let b = a + 1; b < v; b++) {
      const r = new Array<number>(v - 1).fill(0);
      if (a < v - 1) r[a] = 1;
      if (b < v - 1) r[b] = -1;
      rows.push(r);
    }
  }
  return fromRows(rows);
}

function Ax(A: Matrix, x: ArrayLike<number>): Float64Array {
  const { rows: n, cols: d } = A;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) y[i] += A.data[i * d + j] * x[j];
  return y;
}

function powerSum(y: ArrayLike<number>, p: number): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += pow(abs(y[i]), p);
  return s;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = max(m, abs(a[i] - b[i]) / max(abs(b[i]), 1e-300));
  return m;
}

/** Brute-force σ for d = 2 (see the file comment). */
function bruteForce2(A: Matrix, p: number): Float64Array {
  const n = A.rows;
  const a = (i: number): [number, number] => [A.data[2 * i], A.data[2 * i + 1]];
  const sigma = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [a0, a1] = a(i);
    const nn = a0 * a0 + a1 * a1;
    if (nn === 0) continue;
    const x0 = [a0 / nn, a1 / nn];
    const dir = [-a1, a0]; // ⟨a_i, dir⟩ = 0
    const g = (t: number): number => {
      let s = 0;
      for (let j = 0; j < n; j++) {
        const [c0, c1] = a(j);
        s += pow(abs(c0 * (x0[0] + t * dir[0]) + c1 * (x0[1] + t * dir[1])), p);
      }
      return s;
    };
    const breaks: number[] = [];
    for (let j = 0; j < n; j++) {
      const [c0, c1] = a(j);
      const slope = c0 * dir[0] + c1 * dir[1];
      if (slope !== 0) breaks.push(-(c0 * x0[0] + c1 * x0[1]) / slope);
    }
    let best = Infinity;
    if (p === 1) {
      for (const t of breaks) best = min(best, g(t));
    } else {
      let lo = min(...breaks);
      let hi = max(...breaks);
      const phi = (sqrt(5) - 1) / 2;
      for (let it = 0; it < 300 && hi - lo > 1e-15 * (abs(lo) + abs(hi)); it++) {
        const m1 = hi - phi * (hi - lo);
        const m2 = lo + phi * (hi - lo);
        if (g(m1) <= g(m2)) hi = m2;
        else lo = m1;
      }
      best = g((lo + hi) / 2);
    }
    sigma[i] = 1 / best;
  }
  return sigma;
}

/** Leverage scores by modified Gram–Schmidt (twice) on the columns. */
function referenceLeverage(A: Matrix): Float64Array {
  const { rows: n, cols: d } = A;
  const Q: Float64Array[] = [];
  for (let j = 0; j < d; j++) {
    const v = Float64Array.from({ length: n }, (_, i) => A.data[i * d + j]);
    const n0 = sqrt(powerSum(v, 2));
    for (let pass = 0; pass < 2; pass++) {
      for (const q of Q) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += q[i] * v[i];
        for (let i = 0; i < n; i++) v[i] -= dot * q[i];
      }
    }
    const nv = sqrt(powerSum(v, 2));
    if (nv <= 1e-10 * n0) continue;
    Q.push(v.map((x) => x / nv));
  }
  const tau = new Float64Array(n);
  for (const q of Q) for (let i = 0; i < n; i++) tau[i] += q[i] * q[i];
  return tau;
}

describe('exact sensitivities: closed forms and brute force', () => {
  test('p = 2 gives the leverage scores without solves', () => {
    const A = heavyTailed(120, 5, 11);
    const r = lpSensitivitiesJs(A, 2);
    expect(maxRelDiff(r.sensitivities, referenceLeverage(A))).toBeLessThan(1e-10);
    expect(r.evaluations).toBe(0);
    expect(r.total).toBeCloseTo(5, 10);
    expect(r.method).toBe('exact');
  });

  test.each([1, 1.5, 3])('complete-graph incidence K_6, p = %p: every σ = 1/(1 + (v−2)·2^{1−p})', (p) => {
    const r = lpSensitivitiesJs(incidence(6), p);
    const want = 1 / (1 + 4 * pow(2, 1 - p));
    expect(maxRelDiff(r.sensitivities, new Float64Array(r.sensitivities.length).fill(want))).toBeLessThan(1e-9);
    expect(r.converged).toBe(true);
  });

  test.each([1, 1.5, 3])('stacked [I; c·I], p = %p: σ = 1/(1+c^p) and c^p/(1+c^p)', (p) => {
    const d = 3;
    const c = 2.5;
    const rows: number[][] = [];
    for (let k = 0; k < 2; k++) for (let j = 0; j < d; j++) rows.push(Array.from({ length: d }, (_, t) => (t === j ? (k ? c : 1) : 0)));
    const r = lpSensitivitiesJs(fromRows(rows), p);
    const cp = pow(c, p);
    for (let j = 0; j < d; j++) {
      expect(abs(r.sensitivities[j] - 1 / (1 + cp))).toBeLessThan(1e-10);
      expect(abs(r.sensitivities[d + j] - cp / (1 + cp))).toBeLessThan(1e-10);
    }
    expect(r.total).toBeCloseTo(d, 9);
  });

  test.each([1, 1.5, 3])('d = 2 brute force (1-D convex minimization), p = %p', (p) => {
    for (const seed of [21, 22]) {
      const A = heavyTailed(15, 2, seed);
      const r = lpSensitivitiesJs(A, p);
      expect(maxRelDiff(r.sensitivities, bruteForce2(A, p))).toBeLessThan(1e-8);
    }
  });
});

describe('exact sensitivities: definition and structure', () => {
  test.each([1, 1.5, 3])('sup definition on random x, and the returned maximizer attains σ_i, p = %p', (p) => {
    const A = heavyTailed(40, 4, 31);
    const { sensitivities: s } = lpSensitivitiesJs(A, p);
    const rng = new Rng(32);
    let worst = 0; // max over x and i of ratio_i(x)/σ_i: at most 1, and close to it
    for (let t = 0; t < 300; t++) {
      const y = Ax(A, Array.from({ length: 4 }, () => normal(rng)));
      const f = powerSum(y, p);
      for (let i = 0; i < 40; i++) worst = max(worst, pow(abs(y[i]), p) / f / s[i]);
    }
    expect(worst).toBeLessThanOrEqual(1 + 1e-9);
    expect(worst).toBeGreaterThan(0.5);
    for (const i of [0, 7, 33]) {
      const { sensitivity, x } = rowSensitivityJs(A, i, p);
      expect(abs(sensitivity - s[i])).toBeLessThan(1e-12);
      const y = Ax(A, x);
      expect(abs(y[i] - 1)).toBeLessThan(1e-9);
      expect(abs(pow(abs(y[i]), p) / powerSum(y, p) - s[i])).toBeLessThan(1e-9 * s[i]);
      // Local optimality: no nearby direction does better.
      let near = 0;
      for (let t = 0; t < 100; t++) {
        const yt = Ax(A, Array.from(x, (v) => v * (1 + 1e-3 * normal(rng))));
        near = max(near, pow(abs(yt[i]), p) / powerSum(yt, p));
      }
      expect(near).toBeLessThanOrEqual(s[i] * (1 + 1e-9));
    }
  });

  test.each([1, 1.5, 3, 4])('notes §1.2 bounds against Lewis weights and the total range, p = %p', (p) => {
    const d = 5;
    const A = heavyTailed(80, d, 41);
    const { sensitivities: s, total } = lpSensitivitiesJs(A, p);
    const w = lewisWeightsJs(A, p).weights;
    const f = pow(d, p / 2 - 1);
    const slack = 1e-6; // Lewis weights to their 1e-8 fixed-point tolerance, σ to the solver's
    let below = Infinity; // min_i σ_i / lower bound_i
    let above = 0; // max_i σ_i / upper bound_i
    for (let i = 0; i < 80; i++) {
      const [lo, hi] = p < 2 ? [f * w[i], w[i]] : [w[i], f * w[i]];
      below = min(below, s[i] / lo);
      above = max(above, s[i] / hi);
    }
    expect(below).toBeGreaterThanOrEqual(1 - slack);
    expect(above).toBeLessThanOrEqual(1 + slack);
    const [tlo, thi] = p < 2 ? [pow(d, p / 2), d] : [d, pow(d, p / 2)];
    expect(total).toBeGreaterThanOrEqual(tlo * (1 - slack));
    expect(total).toBeLessThanOrEqual(thi * (1 + slack));
  });

  test.each([1, 1.5, 3])('invariant under A → A·R, p = %p', (p) => {
    const A = heavyTailed(50, 4, 51);
    const R = gaussian(4, 4, 52);
    const AR = { data: new Float64Array(50 * 4), rows: 50, cols: 4 };
    for (let i = 0; i < 50; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) AR.data[i * 4 + j] += A.data[i * 4 + k] * R.data[k * 4 + j];
    expect(maxRelDiff(lpSensitivitiesJs(AR, p).sensitivities, lpSensitivitiesJs(A, p).sensitivities)).toBeLessThan(1e-8);
  });

  test.each([1, 1.5, 3])('row flattening (k copies of a_i/k^{1/p}) splits σ_i and keeps the rest, p = %p', (p) => {
    const A = gaussian(40, 3, 61);
    const k = 3;
    const flat = { data: new Float64Array((40 + k - 1) * 3), rows: 40 + k - 1, cols: 3 };
    for (let c = 0; c < k; c++) for (let j = 0; j < 3; j++) flat.data[c * 3 + j] = A.data[j] / pow(k, 1 / p);
    flat.data.set(A.data.subarray(3), k * 3);
    const s = lpSensitivitiesJs(A, p);
    const f = lpSensitivitiesJs(flat, p);
    for (let c = 0; c < k; c++) expect(abs(f.sensitivities[c] - s.sensitivities[0] / k)).toBeLessThan(1e-9);
    expect(maxRelDiff(f.sensitivities.subarray(k), s.sensitivities.subarray(1))).toBeLessThan(1e-8);
    expect(abs(f.total - s.total)).toBeLessThan(1e-8 * s.total);
    expect(f.evaluations).toBe(s.evaluations); // the copies share one solve
  });

  test.each([1, 3])('zero rows get 0 and change nothing else, p = %p', (p) => {
    const A = gaussian(30, 3, 71);
    const Z = { data: new Float64Array(33 * 3), rows: 33, cols: 3 };
    Z.data.set(A.data.subarray(0, 30), 0); // rows 0..9
    Z.data.set(A.data.subarray(30), 33); // zero row 10, rows 10..29 → 11..30, zero rows 31, 32
    const s = lpSensitivitiesJs(A, p).sensitivities;
    const z = lpSensitivitiesJs(Z, p).sensitivities;
    expect([z[10], z[31], z[32]]).toEqual([0, 0, 0]);
    expect(maxRelDiff([...z.subarray(0, 10), ...z.subarray(11, 31)], s)).toBeLessThan(1e-8);
    for (const method of ['approximate', 'upper-bound'] as const) {
      const u = lpSensitivitiesJs(Z, p, { method, embeddingRows: 20 }).sensitivities;
      expect([u[10], u[31], u[32]]).toEqual([0, 0, 0]);
    }
  });

  test.each([1.5, 2, 3])('rank-deficient A works in its column space, p = %p', (p) => {
    const X = gaussian(40, 3, 81);
    const A = { data: new Float64Array(40 * 5), rows: 40, cols: 5 };
    for (let i = 0; i < 40; i++) {
      const x = X.data.subarray(i * 3, i * 3 + 3);
      A.data.set([x[0], 2 * x[0] - x[2], x[1], x[2], x[1] + x[2]], i * 5);
    }
    const a = lpSensitivitiesJs(A, p);
    const x = lpSensitivitiesJs(X, p);
    expect(maxRelDiff(a.sensitivities, x.sensitivities)).toBeLessThan(1e-8);
    expect(a.total).toBeGreaterThan(0);
    const ua = lpSensitivitiesJs(A, p, { method: 'upper-bound' });
    const ux = lpSensitivitiesJs(X, p, { method: 'upper-bound' });
    expect(maxRelDiff(ua.sensitivities, ux.sensitivities)).toBeLessThan(1e-6);
  });
});

describe('approximate, upper bound and total', () => {
  test.each([1, 1.5])('approximate σ̂ is within (1 ± 0.3) of exact on a 150 x 3 heavy-tailed matrix, p = %p', (p) => {
    const A = heavyTailed(150, 3, 91);
    const e = lpSensitivitiesJs(A, p);
    const a = lpSensitivitiesJs(A, p, { method: 'approximate', seed: 5 }); // default 20·d = 60 rows
    expect(a.method).toBe('approximate');
    const errA = maxRelDiff(a.sensitivities, e.sensitivities);
    expect(errA).toBeLessThan(0.3);
    expect(abs(a.total / e.total - 1)).toBeLessThan(0.1);
    // A bigger embedding is more accurate (it is the quantity the method converges in).
    const b = lpSensitivitiesJs(A, p, { method: 'approximate', embeddingRows: 120, seed: 5 });
    expect(maxRelDiff(b.sensitivities, e.sensitivities)).toBeLessThan(errA);
  });

  test('approximate with embeddingRows >= n runs the exact method', () => {
    const A = gaussian(50, 3, 95);
    const a = lpSensitivitiesJs(A, 1.5, { method: 'approximate', embeddingRows: 50 });
    expect(a.method).toBe('exact');
    expect(maxRelDiff(a.sensitivities, lpSensitivitiesJs(A, 1.5).sensitivities)).toBe(0);
  });

  test.each([1, 1.5, 3])('upper-bound dominates the exact sensitivities, p = %p', (p) => {
    const d = 4;
    const A = heavyTailed(70, d, 101);
    const e = lpSensitivitiesJs(A, p).sensitivities;
    const u = lpSensitivitiesJs(A, p, { method: 'upper-bound' });
    expect(u.evaluations).toBe(0);
    let worst = 0;
    for (let i = 0; i < 70; i++) worst = max(worst, e[i] / u.sensitivities[i]);
    expect(worst).toBeLessThanOrEqual(1 + 1e-9);
    // With given weights the documented formula applies as is.
    const w = lewisWeightsJs(A, p).weights;
    const g = lpSensitivitiesJs(A, p, { method: 'upper-bound', lewis: w }).sensitivities;
    const f = p <= 2 ? 1 : pow(d, p / 2 - 1);
    expect(Array.from(g)).toEqual(Array.from(w, (v) => min(1, f * v)));
    expect(u.total).toBeLessThanOrEqual(p <= 2 ? d * (1 + 1e-7) : pow(d, p / 2) * (1 + 1e-7));
  });

  test.each([
    [1, 3],
    [3, 4],
  ])('estimate of the total (p = %p, seed %p) is within 4 standard errors of the exact total', (p, seed) => {
    const A = heavyTailed(80, 4, 111);
    const exact = totalSensitivityJs(A, p);
    expect(exact.standardError).toBe(0);
    expect(abs(exact.total - lpSensitivitiesJs(A, p).total)).toBeLessThan(1e-12);
    const est = totalSensitivityJs(A, p, { method: 'estimate', seed });
    expect(est.method).toBe('estimate');
    expect(est.standardError).toBeGreaterThan(0);
    expect(abs(est.total - exact.total)).toBeLessThan(4 * est.standardError);
    expect(est.evaluations).toBeLessThanOrEqual(defaultTotalSamples(4, p));
    // More draws shrink the standard error roughly like 1/√K.
    const big = totalSensitivityJs(A, p, { method: 'estimate', seed, samples: 16 * defaultTotalSamples(4, p) });
    expect(big.standardError).toBeLessThan(est.standardError / 2);
    expect(abs(big.total - exact.total)).toBeLessThan(4 * big.standardError);
  });

  test('estimate is reproducible from the seed and p = 2 is exact', () => {
    const A = heavyTailed(100, 3, 121);
    const a = totalSensitivityJs(A, 1.5, { method: 'estimate', seed: 9n });
    const b = totalSensitivityJs(A, 1.5, { method: 'estimate', seed: 9 });
    expect(a).toEqual(b);
    const t2 = totalSensitivityJs(A, 2, { method: 'estimate' });
    expect(t2.total).toBeCloseTo(3, 10);
    expect(t2.standardError).toBe(0);
    expect(totalSensitivityJs(A, 1.5, { method: 'estimate', samples: 1 }).standardError).toBe(Infinity);
  });

  test('inputs are not modified', () => {
    const A = heavyTailed(60, 3, 131);
    const copy = Float64Array.from(A.data);
    const w = lewisWeightsJs(A, 1).weights;
    const wc = Float64Array.from(w);
    lpSensitivitiesJs(A, 1, { method: 'upper-bound', lewis: w });
    lpSensitivitiesJs(A, 1, { method: 'approximate', lewis: w, embeddingRows: 30 });
    totalSensitivityJs(A, 1, { method: 'estimate' });
    expect(A.data).toEqual(copy);
    expect(w).toEqual(wc);
  });
});

describe('bad input', () => {
  const A = gaussian(10, 3, 141);
  const S = 'lpSensitivities';
  const T = 'totalSensitivity';
  test.each([
    ['A', () => lpSensitivitiesJs(null as unknown as Matrix, 1), 'TypeError', S, 'A'],
    ['A.rows < A.cols', () => lpSensitivitiesJs({ data: new Float64Array(6), rows: 2, cols: 3 }, 1), 'RangeError', S, 'A.rows'],
    ['A non-finite', () => lpSensitivitiesJs({ data: Float64Array.from([1, 2, NaN, 4]), rows: 2, cols: 2 }, 1), 'RangeError', S, 'A[1][0]'],
    ['p type', () => lpSensitivitiesJs(A, '1' as unknown as number), 'TypeError', S, 'p'],
    ['p < 1', () => lpSensitivitiesJs(A, 0.5), 'RangeError', S, 'p'],
    ['p infinite', () => lpSensitivitiesJs(A, Infinity), 'RangeError', S, 'p'],
    ['unknown option', () => lpSensitivitiesJs(A, 1, { methd: 'exact' } as never), 'TypeError', S, 'options.methd'],
    ['method', () => lpSensitivitiesJs(A, 1, { method: 'fast' as never }), 'RangeError', S, 'options.method'],
    ['embeddingRows', () => lpSensitivitiesJs(A, 1, { embeddingRows: 0 }), 'RangeError', S, 'options.embeddingRows'],
    ['embeddingRows type', () => lpSensitivitiesJs(A, 1, { embeddingRows: '5' as never }), 'TypeError', S, 'options.embeddingRows'],
    ['lewis type', () => lpSensitivitiesJs(A, 1, { lewis: [1] as never }), 'TypeError', S, 'options.lewis'],
    ['lewis length', () => lpSensitivitiesJs(A, 1, { lewis: new Float64Array(9) }), 'RangeError', S, 'options.lewis'],
    ['lewis negative', () => lpSensitivitiesJs(A, 1, { lewis: new Float64Array(10).fill(-1) }), 'RangeError', S, 'options.lewis[0]'],
    ['lewis NaN', () => lpSensitivitiesJs(A, 1, { lewis: new Float64Array(10).fill(NaN) }), 'RangeError', S, 'options.lewis[0]'],
    ['seed', () => lpSensitivitiesJs(A, 1, { seed: -1 }), 'RangeError', S, 'options.seed'],
    ['total A', () => totalSensitivityJs({ data: new Float32Array(4), rows: 2, cols: 3 }, 1), 'RangeError', T, 'A.data'],
    ['total p', () => totalSensitivityJs(A, NaN), 'RangeError', T, 'p'],
    ['total method', () => totalSensitivityJs(A, 1, { method: 'approximate' as never }), 'RangeError', T, 'options.method'],
    ['total samples', () => totalSensitivityJs(A, 1, { method: 'estimate', samples: 2.5 }), 'RangeError', T, 'options.samples'],
    ['total unknown option', () => totalSensitivityJs(A, 1, { embeddingRows: 3 } as never), 'TypeError', T, 'options.embeddingRows'],
    ['total seed', () => totalSensitivityJs(A, 1, { seed: 'x' as never }), 'TypeError', T, 'options.seed'],
  ])('%s', (_label, call, name, fn, arg) => {
    expectError(call, name as string, argMessage(fn as string, arg as string));
  });
});
