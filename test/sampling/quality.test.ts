// Sampling quality at small size (issue 5 targets; notes/sensitivity-sampling.md §5.5): p = 1 on the
// planted and heavy-tailed families of scripts/bench/sampling_families.js with b adversarial to
// uniform sampling, m = 20d, 20 seeds: Lewis and sensitivity sampling reach median regression ratio
// ‖Ax̃ − b‖₁/‖Ax* − b‖₁ <= 1.05 and 95th percentile <= 1.15, and uniform's median excess is at least
// twice theirs. Also: E‖SAx‖_p^p = ‖Ax‖_p^p within Monte-Carlo error for every scheme (exact Bernoulli
// variance, fixed seeds), and the same sample on both backends for the same seed.
import {
  embeddingDistortion,
  leverageScores,
  lpRegression,
  sampleRows,
  type Matrix,
  type SamplingScheme,
} from '../../lib/sketchmax';
import { bestIsa, hasNative, quietSetIsa, restoreBestIsa, runnableIsas } from '../helpers/backends';

interface Problem {
  A: Matrix & { data: Float64Array };
  b: Float64Array;
  xTrue: Float64Array;
  name: string;
  special: Uint32Array;
}
interface FamiliesModule {
  planted(o: { n: number; d: number; seed?: number; k?: number; h?: number }): Problem;
  heavyTailed(o: { n: number; d: number; seed?: number }): Problem;
  gaussian(o: { n: number; d: number; seed?: number }): Problem;
  spikes(o: { n: number; d: number; p?: number; spikeShare?: number; seed?: number }): Problem;
  lpObjective(A: Matrix, b: Float64Array | null, x: ArrayLike<number>, p: number, rows?: ArrayLike<number> | null, weights?: ArrayLike<number> | null): number;
}
// Plain CommonJS shared with the bench (deterministic from the seed, no dependencies).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const families = require('../../scripts/bench/sampling_families.js') as FamiliesModule;
interface Cell {
  sizeMean: number;
  ratioP95: number;
}
// The bench's interpolation of the rows a scheme needs for a p95 level (log-log between grid points).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rowsFor } = require('../../scripts/bench/sampling.js') as { rowsFor(cells: Cell[], level: number): { m: number | null } };

const SEEDS = 20;
const MULTIPLE = 20; // m = 20d

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

interface Quality {
  median: number;
  p95: number;
  ratios: number[];
  sizes: number[];
}

/** Scores once on [A | b] (the sampler's uniforms depend only on (seed, row)), then SEEDS samples and solves. */
function quality(P: Problem, scheme: SamplingScheme, fOpt: number): Quality {
  const { A, b } = P;
  const m = MULTIPLE * A.cols;
  const first = sampleRows(A, { p: 1, scores: scheme, size: m, seed: 1, b });
  const ratios: number[] = [];
  const sizes: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const s = seed === 1 ? first : sampleRows(A, { p: 1, scores: first.scores, size: m, seed });
    const fit = lpRegression(A, b, 1, { sample: s });
    const f = families.lpObjective(A, b, fit.x, 1);
    expect(fit.fullObjective).toBeCloseTo(f, 6 - Math.ceil(Math.log10(f)));
    ratios.push(f / fOpt);
    sizes.push(s.size);
  }
  return { median: quantile(ratios, 0.5), p95: quantile(ratios, 0.95), ratios, sizes };
}

describe.each([
  ['planted', () => families.planted({ n: 3000, d: 6, seed: 1 })],
  ['heavy-tailed', () => families.heavyTailed({ n: 3000, d: 6, seed: 1 })],
])('p = 1 quality targets at m = 20d, %s family, b adversarial', (_label, make) => {
  const P = make();
  const full = lpRegression(P.A, P.b, 1, { tolerance: 1e-12 });
  const fOpt = families.lpObjective(P.A, P.b, full.x, 1);
  const results = new Map<SamplingScheme, Quality>();
  const get = (scheme: SamplingScheme): Quality => {
    if (!results.has(scheme)) results.set(scheme, quality(P, scheme, fOpt));
    return results.get(scheme)!;
  };

  test('the full solve is converged (the reference x*)', () => {
    expect(full.converged).toBe(true);
    expect(fOpt).toBeGreaterThan(0);
  });

  test.each<SamplingScheme>(['lewis', 'sensitivity'])("'%s': median ratio <= 1.05 and p95 <= 1.15", (scheme) => {
    const q = get(scheme);
    expect(q.median).toBeLessThanOrEqual(1.05);
    expect(q.p95).toBeLessThanOrEqual(1.15);
    // Realized sizes concentrate around m (Chernoff): within ±50% on every seed.
    for (const s of q.sizes) expect(Math.abs(s - MULTIPLE * P.A.cols)).toBeLessThanOrEqual(0.5 * MULTIPLE * P.A.cols);
  });

  test.each<SamplingScheme>(['lewis', 'sensitivity'])("uniform's median excess is at least twice '%s''s", (scheme) => {
    const q = get(scheme);
    const u = get('uniform');
    expect(u.median - 1).toBeGreaterThanOrEqual(2 * (q.median - 1));
  });
});

// The p > 2 target: sensitivity sampling needs fewer rows than Lewis sampling for the same p95 of
// the norm ratio ‖Ax̃ − b‖_p/‖Ax* − b‖_p, on a family with low total sensitivity. The family
// (scripts/bench/sampling_families.js 'spikes': 16 Hadamard spike rows + 400 one-sparse rows, d = 16)
// makes σ_i/w_i large on the spikes; at this size the effect is modest, so 40 seeds per cell and the
// p95 levels Lewis reaches at 6d and 8d rows (at 4d both schemes still miss sparse columns and the
// comparison is noise). [measured, 5 family seeds x 40 seeds] rows factor Lewis/sensitivity at those
// levels: p = 4 1.05–1.45, p = 3 (spike share 1/4) 1.03–1.13; the bench repeats this at d = 32.
describe.each([
  [4, 0.5],
  [3, 0.25],
])('p = %p, Hadamard spikes (share %p) + sparse rows 416 x 16: sensitivity sampling needs fewer rows than Lewis', (p, spikeShare) => {
  const P = families.spikes({ n: 416, d: 16, p, spikeShare, seed: 1 });
  const { A, b } = P;
  const d = A.cols;
  const seeds = 40;
  const multiples = [4, 6, 8, 12];
  const full = lpRegression(A, b, p, { tolerance: 1e-12 });
  const fOpt = families.lpObjective(A, b, full.x, p);
  const cells = (scheme: SamplingScheme): Cell[] => {
    const scores = sampleRows(A, { p, scores: scheme, size: 2 * d, seed: 0, b }).scores;
    return multiples.map((k) => {
      const ratios: number[] = [];
      let size = 0;
      for (let seed = 1; seed <= seeds; seed++) {
        const s = sampleRows(A, { p, scores, size: k * d, seed });
        size += s.size;
        const fit = lpRegression(A, b, p, { sample: s });
        ratios.push((families.lpObjective(A, b, fit.x, p) / fOpt) ** (1 / p));
      }
      return { sizeMean: size / seeds, ratioP95: quantile(ratios, 0.95) };
    });
  };
  const lewis = cells('lewis');
  const sensitivity = cells('sensitivity');

  test('the full solve is converged (the reference x*)', () => {
    expect(full.converged).toBe(true);
  });

  test.each([6, 8])("at the p95 Lewis reaches with %pd rows, 'sensitivity' needs fewer rows", (k) => {
    const level = lewis[multiples.indexOf(k)].ratioP95;
    const mLewis = rowsFor(lewis, level).m!;
    const mSensitivity = rowsFor(sensitivity, level).m;
    expect(mSensitivity).not.toBeNull();
    expect(mLewis / mSensitivity!).toBeGreaterThan(1);
  });
});

describe('unbiasedness: E‖SAx‖_p^p = ‖Ax‖_p^p for a fixed x (Monte Carlo, exact variance)', () => {
  // Small: 'sensitivity' here means exact sensitivities (n <= 2000), n regressions over n rows.
  const P = families.planted({ n: 300, d: 4, k: 1, h: 5, seed: 2 });
  const { A } = P;
  const n = A.rows;
  const d = A.cols;
  const x = Float64Array.from({ length: d }, (_, j) => Math.cos(1 + j) + (j === d - 1 ? 3 : 0)); // loads the planted column
  const runs = 400;

  test.each<[SamplingScheme | 'custom', number, boolean]>([
    ['uniform', 1, false],
    ['leverage', 1, false],
    ['root-leverage', 1, false],
    ['lewis', 1, false],
    ['sensitivity', 1, false],
    ['sensitivity+leverage', 1, false],
    ['lewis', 3, false],
    ['lewis', 1, true],
    ['root-leverage', 1.5, true],
  ])("scheme '%s', p = %d, replacement %s", (scheme, p, replacement) => {
    const m = 8 * d;
    const scores = sampleRows(A, { p, scores: scheme as SamplingScheme, size: m, seed: 1 }).scores;
    // v_i = |a_iᵀx|^p; the estimator Σ_kept w_i v_i.
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += A.data[i * d + j] * x[j];
      v[i] = Math.abs(s) ** p;
    }
    const truth = v.reduce((a, c) => a + c, 0);
    let mean = 0;
    let probabilityVariance = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const s = sampleRows(A, { p, scores, size: m, seed, replacement });
      let est = 0;
      for (let k = 0; k < s.indices.length; k++) est += s.weights[k] * v[s.indices[k]];
      mean += est / runs;
      if (seed === 1) {
        // Exact variance of one draw of the estimator from the sampler's probabilities.
        if (!replacement) {
          // Var = Σ v_i²(1 − q_i)/q_i with q_i = min(1, c·s_i); c from the kept rows below the cap.
          const q = new Float64Array(n).fill(0);
          let c = Infinity;
          for (let k = 0; k < s.indices.length; k++) if (s.probabilities[k] < 1) c = Math.min(c, s.probabilities[k] / scores[s.indices[k]]);
          for (let i = 0; i < n; i++) q[i] = Math.min(1, c * scores[i]);
          for (let i = 0; i < n; i++) if (v[i] > 0) probabilityVariance += q[i] > 0 ? (v[i] * v[i] * (1 - q[i])) / q[i] : Infinity;
        } else {
          let S = 0;
          for (let i = 0; i < n; i++) S += scores[i];
          let second = 0;
          for (let i = 0; i < n; i++) if (v[i] > 0) second += scores[i] > 0 ? (v[i] * v[i]) / (scores[i] / S) : Infinity;
          probabilityVariance = (second - truth * truth) / m;
        }
      }
    }
    const se = Math.sqrt(probabilityVariance / runs);
    expect(Number.isFinite(se)).toBe(true);
    // 4.5 standard errors: a fixed-seed check, false-alarm probability ~1e-5 per case.
    expect(Math.abs(mean - truth)).toBeLessThanOrEqual(4.5 * se);
  });
});

describe('the same sample on every backend for the same seed', () => {
  const P = families.heavyTailed({ n: 3000, d: 6, seed: 3 });
  const { A, b } = P;
  const native = hasNative ? test : test.skip;

  // The quality targets above ran on the best ISA; every other ISA draws the very same samples (the
  // scores agree to rounding, the uniforms do not depend on the ISA), so they meet them too.
  for (const isa of runnableIsas.filter((i) => i !== bestIsa)) native(`ISA '${isa}' keeps the same 'lewis' rows as the best ISA, for the 20 quality seeds`, () => {
    const P = families.heavyTailed({ n: 3000, d: 6, seed: 1 });
    const draw = (): Uint32Array[] => {
      const first = sampleRows(P.A, { p: 1, size: MULTIPLE * 6, seed: 1, b: P.b, backend: 'native' });
      return Array.from({ length: SEEDS }, (_, k) => (k === 0 ? first : sampleRows(P.A, { p: 1, scores: first.scores, size: MULTIPLE * 6, seed: k + 1 })).indices);
    };
    const best = draw();
    try {
      expect(quietSetIsa(isa)).toBe(isa);
      const other = draw();
      for (let k = 0; k < SEEDS; k++) expect(Array.from(other[k])).toEqual(Array.from(best[k]));
    } finally {
      restoreBestIsa();
    }
  });

  native.each<SamplingScheme>(['uniform', 'leverage', 'lewis'])("scheme '%s' with b: native and js keep the same rows", (scheme) => {
    const js = sampleRows(A, { p: 1, scores: scheme, size: 120, seed: 7, b, backend: 'js' });
    const nat = sampleRows(A, { p: 1, scores: scheme, size: 120, seed: 7, b, backend: 'native' });
    let maxRel = 0;
    for (let i = 0; i < A.rows; i++) {
      const s = js.scores[i];
      maxRel = Math.max(maxRel, Math.abs(nat.scores[i] - s) / Math.max(Math.abs(s), 1e-300));
    }
    // The scores agree to rounding (Lewis to its fixed-point tolerance, run identically)...
    expect(maxRel).toBeLessThan(1e-8);
    // ...so the Bernoulli draws u_i (seed, row) give the same rows and weights.
    expect(Array.from(nat.indices)).toEqual(Array.from(js.indices));
    for (let k = 0; k < js.weights.length; k++) expect(nat.weights[k]).toBeCloseTo(js.weights[k], 6);
  });

  test('custom scores: identical samples from identical scores, and leverage agrees across methods of calling', () => {
    const tau = leverageScores({ data: A.data, rows: A.rows, cols: A.cols });
    const a = sampleRows(A, { p: 1, scores: tau, size: 100, seed: 11 });
    const c = sampleRows(A, { p: 1, scores: Float64Array.from(tau), size: 100, seed: 11 });
    expect(Array.from(a.indices)).toEqual(Array.from(c.indices));
    expect(Array.from(a.weights)).toEqual(Array.from(c.weights));
  });

  test('uniform sampling misses the planted rows where Lewis keeps them (distortion 1 vs < 1)', () => {
    const Q = families.planted({ n: 4000, d: 6, seed: 1 });
    const m = 20 * Q.A.cols;
    const u = sampleRows(Q.A, { p: 1, scores: 'uniform', size: m, seed: 1 });
    const l = sampleRows(Q.A, { p: 1, scores: 'lewis', size: m, seed: 1 });
    const keptPlanted = (s: { indices: Uint32Array }) => Array.from(s.indices).filter((i) => Q.special.includes(i)).length;
    expect(keptPlanted(l)).toBe(Q.special.length);
    const du = embeddingDistortion(Q.A, u, 1, { seed: 1, directions: 50, localSearchSteps: 20 });
    const dl = embeddingDistortion(Q.A, l, 1, { seed: 1, directions: 50, localSearchSteps: 20 });
    if (keptPlanted(u) < Q.special.length / 2) expect(du.distortion).toBeGreaterThan(0.5);
    expect(dl.distortion).toBeLessThan(du.distortion);
  });
});
