// The public sampling API (lib/sampling/{scores,sample,sample_size,lp_regression_api}.ts) on every
// engine: results against the TypeScript references of the same algorithms (which
// scores.test.ts / sampling.test.ts check against independent ones), known optima, the sample
// option, async forms and cancellation, and argument errors.
import { exactLeverage, leverageScoresJs } from '../../lib/sampling/leverage';
import { lewisWeightsJs } from '../../lib/sampling/lewis';
import { lpRegressionJs } from '../../lib/sampling/lp_regression';
import { sampleRowsFromScoresJs } from '../../lib/sampling/sample_rows';
import { leverageScores, leverageScoresAsync, lewisWeights, lewisWeightsAsync, lpRegression, lpRegressionAsync, lpSensitivities, sampleRows, sampleRowsAsync, sampleSize } from '../../lib/sketchmax';
import type { Matrix } from '../../lib/sketchmax';
import { describeEngine, ENGINES, hasNative } from '../helpers/backends';
import { argMessage, expectError, expectRejection } from '../helpers/errors';
import { Rng } from '../helpers/prng';
import { Normal } from '../linalg/families';

const { abs, max, pow, sqrt } = Math;

/** Gaussian rows, every third scaled by a Cauchy factor (non-uniform leverage), and a response. */
function problem(n: number, d: number, seed: number): { A: Matrix; b: Float64Array } {
  const rng = new Rng(seed);
  const g = new Normal(rng);
  const data = new Float64Array(n * d);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = i % 3 === 0 ? abs(Math.tan(Math.PI * (rng.next() - 0.5))) + 0.1 : 1;
    for (let j = 0; j < d; j++) data[i * d + j] = s * g.next();
    b[i] = data[i * d] - 0.5 * data[i * d + d - 1] + g.next();
  }
  return { A: { data, rows: n, cols: d }, b };
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = max(num, abs(a[i] - b[i]));
    den = max(den, abs(b[i]));
  }
  return num / den;
}

const P = problem(400, 5, 11);

for (const engine of ENGINES) {
  describeEngine(engine, () => {
    const backend = engine.backend;

    test.each([1, 1.5, 2, 3])('lpRegression p = %p agrees with the TypeScript solver', (p) => {
      const ref = lpRegressionJs(P.A, P.b, p);
      const r = lpRegression(P.A, P.b, p, { backend });
      expect(r.converged).toBe(true);
      expect(abs(r.objective - ref.objective) / ref.objective).toBeLessThan(1e-9);
      expect(relDiff(r.x, ref.x)).toBeLessThan(p === 1 ? 1e-9 : 1e-6);
    });

    test.each([3, 4, 8])("lpRegression p = %p: 'p-irls' and 'newton' reach the same optimum, with weights", (p) => {
      const weights = new Float64Array(P.A.rows).map((_, i) => 0.5 + (i % 5));
      const nt = lpRegression(P.A, P.b, p, { backend, weights });
      const pi = lpRegression(P.A, P.b, p, { backend, weights, method: 'p-irls' });
      expect(nt.converged && pi.converged).toBe(true);
      expect(abs(pi.objective - nt.objective) / nt.objective).toBeLessThan(1e-10);
      // Stationarity of a tight solve (the default tolerance governs f, and f is flat near the optimum
      // for large p: at p = 8, f within 1e-13 still leaves a relative gradient of ~1e-6).
      const tight = lpRegression(P.A, P.b, p, { backend, weights, tolerance: 1e-15 });
      expect(abs(tight.objective - nt.objective) / nt.objective).toBeLessThan(1e-12);
      const d = P.A.cols;
      const grad = new Float64Array(d);
      let scale = 0;
      for (let i = 0; i < P.A.rows; i++) {
        let r = -P.b[i];
        for (let j = 0; j < d; j++) r += P.A.data[i * d + j] * tight.x[j];
        const gi = weights[i] * p * Math.sign(r) * pow(abs(r), p - 1);
        for (let j = 0; j < d; j++) {
          grad[j] += gi * P.A.data[i * d + j];
          scale += abs(gi * P.A.data[i * d + j]);
        }
      }
      expect(max(...Array.from(grad, abs)) / scale).toBeLessThan(1e-8);
    });

    test('lpRegression p = 1 of a constant model is the median (an exact LP optimum)', () => {
      const b = new Float64Array([10, 1, 20, 2, 3]);
      const r = lpRegression({ data: new Float64Array(5).fill(1), rows: 5, cols: 1 }, b, 1, { backend });
      expect(r.x[0]).toBeCloseTo(3, 12);
      expect(r.objective).toBeCloseTo(2 + 1 + 0 + 7 + 17, 10);
      expect(r.converged).toBe(true);
    });

    test('lpRegression p = 2 with weights is the weighted mean', () => {
      const b = new Float64Array([1, 2, 4]);
      const weights = new Float64Array([1, 2, 5]);
      const r = lpRegression({ data: new Float64Array([1, 1, 1]), rows: 3, cols: 1 }, b, 2, { backend, weights });
      expect(r.x[0]).toBeCloseTo((1 + 4 + 20) / 8, 13);
    });

    test('lpRegression with a sample solves the weighted sub-problem and reports the full objective', () => {
      const s = sampleRows(P.A, { p: 1, size: 60, scores: 'lewis', b: P.b, seed: 3, backend });
      const k = s.indices.length;
      const sub = new Float64Array(k * 5);
      const sb = new Float64Array(k);
      s.indices.forEach((i, t) => {
        sub.set(P.A.data.subarray(i * 5, i * 5 + 5), t * 5);
        sb[t] = P.b[i];
      });
      const ref = lpRegressionJs({ data: sub, rows: k, cols: 5 }, sb, 1, { weights: s.weights });
      const r = lpRegression(P.A, P.b, 1, { backend, sample: s });
      expect(abs(r.objective - ref.objective) / ref.objective).toBeLessThan(1e-9);
      let full = 0;
      for (let i = 0; i < P.A.rows; i++) {
        let t = -P.b[i];
        for (let j = 0; j < 5; j++) t += P.A.data[i * 5 + j] * r.x[j];
        full += abs(t);
      }
      expect(abs(r.fullObjective! - full) / full).toBeLessThan(1e-12);
      const opt = lpRegression(P.A, P.b, 1, { backend }).objective;
      expect(r.fullObjective!).toBeGreaterThanOrEqual(opt * (1 - 1e-12));
    });

    test('lpRegressionAsync equals lpRegression and can be aborted', async () => {
      const sync = lpRegression(P.A, P.b, 1.5, { backend });
      const r = await lpRegressionAsync(P.A, P.b, 1.5, { backend });
      expect(Array.from(r.x)).toEqual(Array.from(sync.x));
      expect(r.iterations).toBe(sync.iterations);
      const ac = new AbortController();
      const pending = lpRegressionAsync(P.A, P.b, 1, { backend, signal: ac.signal });
      ac.abort(new Error('stop now'));
      await expect(pending).rejects.toThrow('stop now');
    });

    test('leverageScores and lewisWeights agree with the TypeScript computations', async () => {
      const tau = leverageScores(P.A, { backend });
      expect(relDiff(tau, leverageScoresJs(P.A))).toBeLessThan(1e-10);
      const approx = leverageScores(P.A, { backend, method: 'approximate', seed: 9 });
      expect(relDiff(approx, leverageScoresJs(P.A, { method: 'approximate', seed: 9 }))).toBeLessThan(1e-9);
      expect(Array.from(await leverageScoresAsync(P.A, { backend }))).toEqual(Array.from(tau));
      for (const p of [1, 3]) {
        const ref = lewisWeightsJs(P.A, p);
        const w = lewisWeights(P.A, p, { backend });
        expect(w.converged).toBe(true);
        expect(w.iterations).toBe(ref.iterations);
        expect(relDiff(w.weights, ref.weights)).toBeLessThan(1e-9);
        const wa = await lewisWeightsAsync(P.A, p, { backend });
        expect(Array.from(wa.weights)).toEqual(Array.from(w.weights));
      }
    });

    test('lewisWeightsAsync and sampleRowsAsync stop at an abort with the signal\'s reason', async () => {
      // Large enough that the iteration (about ten leverage computations) cannot finish before the abort.
      const Q = problem(100000, 20, 5);
      for (const delay of [0, 20]) {
        const ac = new AbortController();
        const pending = lewisWeightsAsync(Q.A, 1, { backend, signal: ac.signal });
        setTimeout(() => ac.abort(new Error(`stop lewis ${delay}`)), delay);
        await expect(pending).rejects.toThrow(`stop lewis ${delay}`);
      }
      const ac = new AbortController();
      const sample = sampleRowsAsync(Q.A, { p: 1, size: 100, b: Q.b, backend, signal: ac.signal });
      ac.abort(new Error('stop sample'));
      await expect(sample).rejects.toThrow('stop sample');
      // Each call has its own stop flag: the next one runs to the end.
      const r = await lewisWeightsAsync(P.A, 1, { backend, signal: new AbortController().signal });
      expect(Array.from(r.weights)).toEqual(Array.from(lewisWeights(P.A, 1, { backend }).weights));
    });

    test('sampleRows schemes compute their documented scores on [A | b]', () => {
      const n = P.A.rows;
      const Ab: Matrix = { data: new Float64Array(n * 6), rows: n, cols: 6 };
      for (let i = 0; i < n; i++) {
        Ab.data.set(P.A.data.subarray(i * 5, i * 5 + 5), i * 6);
        Ab.data[i * 6 + 5] = P.b[i];
      }
      const tau = leverageScoresJs(Ab);
      const lev = sampleRows(P.A, { p: 1, size: 50, scores: 'leverage', b: P.b, backend, seed: 1 });
      expect(relDiff(lev.scores, tau)).toBeLessThan(1e-10);
      const root1 = sampleRows(P.A, { p: 1, size: 50, scores: 'root-leverage', b: P.b, backend });
      expect(relDiff(root1.scores, tau.map(sqrt))).toBeLessThan(1e-10);
      const root3 = sampleRows(P.A, { p: 3, size: 50, scores: 'root-leverage', b: P.b, backend });
      expect(relDiff(root3.scores, tau.map((t) => Math.min(1, sqrt(n) * pow(t, 1.5))))).toBeLessThan(1e-10);
      const uni = sampleRows(P.A, { p: 1, size: 50, scores: 'uniform', backend, seed: 4 });
      expect(uni.probabilities.every((q) => abs(q - 50 / n) < 1e-15)).toBe(true);
      const ref = sampleRowsFromScoresJs(new Float64Array(n).fill(1), { p: 1, size: 50, seed: 4 });
      expect(Array.from(uni.indices)).toEqual(Array.from(ref.indices));
      // Lewis weights of [A | b] to the sampling tolerance 0.1: max_i |ln(w_i/τ_i(W^{1/2−1/p}·[A | b]))| <= 0.1.
      const lw = sampleRows(P.A, { p: 1, size: 50, b: P.b, backend });
      const tauW = exactLeverage(Ab.data, n, 6, lw.scores.map((w) => 1 / sqrt(w))).tau;
      let worst = 0;
      for (let i = 0; i < n; i++) worst = max(worst, abs(Math.log(lw.scores[i] / tauW[i])));
      expect(worst).toBeLessThanOrEqual(0.1);
      const exact = lewisWeightsJs(Ab, 1).weights;
      worst = 0;
      for (let i = 0; i < n; i++) worst = max(worst, abs(Math.log(lw.scores[i] / exact[i])));
      // The plain p = 1 map contracts log-distances by 1/2, so a residual r puts w within r/(1 − 1/2) of the fixed point.
      expect(worst).toBeLessThanOrEqual(0.2);
      expect(worst).toBeGreaterThan(0); // the sampler stops early on purpose
    });

    test('sampleRows: the sample is that of the scores, on every backend', () => {
      const custom = leverageScoresJs(P.A).map((t, i) => t + (i % 7) * 1e-3);
      const s = sampleRows(P.A, { p: 1.5, size: 80, scores: custom, seed: 77n, backend });
      const ref = sampleRowsFromScoresJs(custom, { p: 1.5, size: 80, seed: 77n });
      expect(Array.from(s.indices)).toEqual(Array.from(ref.indices));
      expect(Array.from(s.weights)).toEqual(Array.from(ref.weights));
      const rep = sampleRows(P.A, { p: 1, size: 80, scores: 'lewis', replacement: true, seed: 5, backend });
      let draws = 0;
      rep.indices.forEach((_, k) => (draws += rep.weights[k] * rep.probabilities[k]));
      expect(draws).toBeCloseTo(1, 12); // Σ count/(size·π)·π = Σ count/size = 1
    });

    test('lpSensitivities: upper bounds from the backend\'s Lewis weights bound the exact sensitivities', () => {
      const Q = problem(150, 4, 21);
      const exact = lpSensitivities(Q.A, 1, { backend }).sensitivities;
      for (const p of [1, 3]) {
        const ex = p === 1 ? exact : lpSensitivities(Q.A, p, { backend }).sensitivities;
        const ub = lpSensitivities(Q.A, p, { method: 'upper-bound', backend });
        const w = lewisWeightsJs(Q.A, p).weights;
        for (let i = 0; i < Q.A.rows; i++) {
          expect(ub.sensitivities[i]).toBeGreaterThanOrEqual(ex[i] * (1 - 1e-9));
          // and it is the Lewis bound (w_i for p < 2, d^{p/2−1}·w_i for p > 2), up to the iteration's residual
          const bound = Math.min(1, p < 2 ? w[i] : pow(4, p / 2 - 1) * w[i]);
          expect(abs(ub.sensitivities[i] - bound)).toBeLessThanOrEqual(1e-6 * bound + 1e-15);
        }
      }
    });

    test('sampleRowsAsync equals sampleRows', async () => {
      const a = await sampleRowsAsync(P.A, { p: 1, size: 40, b: P.b, seed: 8, backend });
      const s = sampleRows(P.A, { p: 1, size: 40, b: P.b, seed: 8, backend });
      expect(Array.from(a.indices)).toEqual(Array.from(s.indices));
    });
  });
}

describe('native and TypeScript backends draw the same sample', () => {
  (hasNative ? test : test.skip)("'lewis' on [A | b]", () => {
    const a = sampleRows(P.A, { p: 1, size: 70, b: P.b, seed: 12, backend: 'native' });
    const j = sampleRows(P.A, { p: 1, size: 70, b: P.b, seed: 12, backend: 'js' });
    expect(Array.from(a.indices)).toEqual(Array.from(j.indices));
    expect(relDiff(a.weights, j.weights)).toBeLessThan(1e-9);
  });
});

describe('sampleSize', () => {
  const L = (d: number, e: number) => Math.log(d / e);
  test('known values of the documented formulas', () => {
    expect(sampleSize({ p: 1, d: 10, epsilon: 0.5, scores: 'lewis' })).toBe(Math.ceil((10 / 0.25) * L(10, 0.5)));
    expect(sampleSize({ p: 1, d: 10, epsilon: 0.5, scores: 'lewis' })).toBe(120);
    expect(sampleSize({ p: 3, d: 10, epsilon: 0.5, scores: 'lewis' })).toBe(379);
    expect(sampleSize({ p: 1, d: 10, epsilon: 0.5, scores: 'sensitivity', totalSensitivity: 4 })).toBe(152);
    expect(sampleSize({ p: 1, d: 10, epsilon: 0.5, scores: 'sensitivity+leverage', totalSensitivity: 4 })).toBe(168);
    expect(sampleSize({ p: 4, d: 10, epsilon: 0.5, scores: 'sensitivity', totalSensitivity: 20 })).toBe(1072);
    expect(sampleSize({ p: 2, d: 10, epsilon: 0.5, scores: 'leverage', rows: 100 })).toBe(100);
    expect(sampleSize({ p: 1, d: 10, epsilon: 0.9, scores: 'root-leverage' })).toBe(Math.ceil((10 / pow(0.9, 4)) * L(10, 0.9)));
  });
  test('errors name the argument', () => {
    const f = 'sampleSize';
    expectError(() => sampleSize({ p: 1, d: 10, epsilon: 0.5, scores: 'uniform' as 'lewis' }), 'RangeError', argMessage(f, 'options.scores'));
    expectError(() => sampleSize({ p: 3, d: 10, epsilon: 0.5, scores: 'leverage' }), 'RangeError', argMessage(f, 'options.scores'));
    expectError(() => sampleSize({ p: 0.5, d: 10, epsilon: 0.5, scores: 'lewis' }), 'RangeError', argMessage(f, 'p'));
    expectError(() => sampleSize({ p: 1, d: 0, epsilon: 0.5, scores: 'lewis' }), 'RangeError', argMessage(f, 'options.d'));
    expectError(() => sampleSize({ p: 1, d: 3, epsilon: 1, scores: 'lewis' }), 'RangeError', argMessage(f, 'options.epsilon'));
    expectError(() => sampleSize({ p: 1, d: 3, epsilon: 0.5, scores: 'lewis', totalSensitivity: -1 }), 'RangeError', argMessage(f, 'options.totalSensitivity'));
  });
});

describe('bad input is a named error and leaves the inputs untouched', () => {
  const A = problem(30, 3, 5);
  const copyA = Float64Array.from(A.A.data);
  const copyB = Float64Array.from(A.b);
  afterAll(() => {
    expect(Array.from(A.A.data)).toEqual(Array.from(copyA));
    expect(Array.from(A.b)).toEqual(Array.from(copyB));
  });
  test('sampleRows', () => {
    const f = 'sampleRows';
    expectError(() => sampleRows(A.A, { p: 1, size: 0 }), 'RangeError', argMessage(f, 'options.size'));
    expectError(() => sampleRows(A.A, { p: 1, size: 31 }), 'RangeError', argMessage(f, 'options.size'));
    expectError(() => sampleRows(A.A, { p: 0.9, size: 3 }), 'RangeError', argMessage(f, 'p'));
    expectError(() => sampleRows(A.A, { p: NaN, size: 3 }), 'RangeError', argMessage(f, 'p'));
    expectError(() => sampleRows(A.A, { p: 1, size: 3, scores: 'best' as 'lewis' }), 'RangeError', argMessage(f, 'options.scores'));
    expectError(() => sampleRows(A.A, { p: 1, size: 3, scores: new Float64Array(29) }), 'RangeError', argMessage(f, 'options.scores'));
    expectError(() => sampleRows(A.A, { p: 1, size: 3, scores: new Float64Array(30).fill(-1) }), 'RangeError', argMessage(f, 'options.scores[0]'));
    expectError(() => sampleRows(A.A, { p: 1, size: 3, b: new Float64Array(3) }), 'RangeError', argMessage(f, 'options.b'));
    const bad = { ...A.A, data: Float64Array.from(A.A.data) };
    bad.data[7] = Infinity;
    expectError(() => sampleRows(bad, { p: 1, size: 3 }), 'RangeError', argMessage(f, 'A[2][1]'));
    expectError(() => sampleRows(A.A, undefined as unknown as { p: number; size: number }), 'TypeError', argMessage(f, 'options'));
    // The backend is checked for every scheme, your own scores included (they compute nothing).
    const scores = new Float64Array(30).fill(1);
    const before = Float64Array.from(scores);
    for (const s of ['lewis', scores] as const) {
      expectError(() => sampleRows(A.A, { p: 1, size: 3, scores: s, backend: 'gpu' as 'js' }), 'RangeError', argMessage(f, 'options.backend'));
    }
    expect(scores).toEqual(before);
  });
  test('lpRegression', () => {
    const f = 'lpRegression';
    expectError(() => lpRegression(A.A, A.b, 0.5), 'RangeError', argMessage(f, 'p'));
    expectError(() => lpRegression(A.A, A.b, Infinity), 'RangeError', argMessage(f, 'p'));
    expectError(() => lpRegression(A.A, A.b.subarray(1), 1), 'RangeError', argMessage(f, 'b'));
    const idx = new Uint32Array([1, 2, 30]);
    expectError(() => lpRegression(A.A, A.b, 1, { sample: { indices: idx, weights: new Float64Array(3) } }), 'RangeError', argMessage(f, 'options.sample.indices[2]'));
    expectError(() => lpRegression(A.A, A.b, 1, { sample: { indices: new Uint32Array([1, 1, 2]), weights: new Float64Array(3) } }), 'RangeError', argMessage(f, 'options.sample.indices[1]'));
    expectError(() => lpRegression(A.A, A.b, 1, { sample: { indices: new Uint32Array([1, 2, 3]), weights: new Float64Array(2) } }), 'RangeError', argMessage(f, 'options.sample.weights'));
    expectError(() => lpRegression(A.A, A.b, 1, { weights: new Float64Array(30).fill(-1) }), 'RangeError', argMessage(f, 'options.weights[0]'));
    expectError(() => lpRegression(A.A, A.b, 1, { backend: 'gpu' as 'js' }), 'RangeError', argMessage(f, 'options.backend'));
  });
  test('leverageScores, lewisWeights, lpSensitivities, sampleRowsAsync: backend, threads, method, signal', async () => {
    expectError(() => leverageScores(A.A, { backend: 'gpu' as 'js' }), 'RangeError', argMessage('leverageScores', 'options.backend'));
    expectError(() => leverageScores(A.A, { threads: 0 }), 'RangeError', argMessage('leverageScores', 'options.threads'));
    expectError(() => leverageScores(A.A, { method: 'fast' as 'exact' }), 'RangeError', argMessage('leverageScores', 'options.method'));
    expectError(() => leverageScores({ data: A.A.data, rows: 3, cols: 30 }, {}), 'RangeError', argMessage('leverageScores', 'A.rows'));
    expectError(() => lewisWeights(A.A, 1, { threads: 1.5 }), 'RangeError', argMessage('lewisWeights', 'options.threads'));
    expectError(() => lewisWeights(A.A, 1, { tolerance: -1 }), 'RangeError', argMessage('lewisWeights', 'options.tolerance'));
    expectError(() => lewisWeights(A.A, 1, { speed: 1 } as object), 'TypeError', argMessage('lewisWeights', 'options.speed'));
    expectError(() => lpSensitivities(A.A, 1, { method: 'upper-bound', backend: 'gpu' as 'js' }), 'RangeError', argMessage('lpSensitivities', 'options.backend'));
    expectError(() => lpSensitivities(A.A, 0.5, { method: 'upper-bound' }), 'RangeError', argMessage('lpSensitivities', 'p'));
    expectError(() => lpSensitivities(A.A, 1, { method: 'best' as 'exact' }), 'RangeError', argMessage('lpSensitivities', 'options.method'));
    await expectRejection(() => sampleRowsAsync(A.A, { p: 1, size: 3, signal: {} as AbortSignal }), 'TypeError', argMessage('sampleRowsAsync', 'options.signal'));
    await expectRejection(() => lpRegressionAsync(A.A, A.b, 1, { signal: 'x' as unknown as AbortSignal }), 'TypeError', argMessage('lpRegressionAsync', 'options.signal'));
  });
  test('async forms reject', async () => {
    await expectRejection(() => lpRegressionAsync(A.A, A.b, 0), 'RangeError', argMessage('lpRegressionAsync', 'p'));
    await expectRejection(() => lewisWeightsAsync(A.A, -1), 'RangeError', argMessage('lewisWeightsAsync', 'p'));
    await expectRejection(() => leverageScoresAsync(A.A, { signal: 3 as unknown as AbortSignal }), 'TypeError', argMessage('leverageScoresAsync', 'options.signal'));
  });
});

describe('lpRegression on a sample with fewer rows than columns', () => {
  test('solves the rank-deficient weighted problem exactly (objective 0) on every backend', () => {
    const s = { indices: new Uint32Array([3, 17, 40]), weights: new Float64Array([2, 1, 0.5]) };
    for (const backend of hasNative ? (['native', 'js'] as const) : (['js'] as const)) {
      for (const p of [1, 1.5, 2, 3]) {
        const r = lpRegression(P.A, P.b, p, { sample: s, backend });
        expect(r.objective).toBeLessThan(1e-20 + 1e-12 * P.b[3] ** 2);
        for (const i of s.indices) {
          let t = -P.b[i];
          for (let j = 0; j < 5; j++) t += P.A.data[i * 5 + j] * r.x[j];
          expect(abs(t)).toBeLessThan(1e-9);
        }
      }
    }
  });
});
