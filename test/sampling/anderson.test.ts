// Anderson acceleration (lib/sampling/anderson.ts), the Lewis iteration's accelerator, on linear
// fixed-point maps with known answers. On x ← x + f(x), f(x) = c − (I − M)x, Anderson with unlimited
// depth and mixing 1 is GMRES on (I − M)x = c shifted by one step (Walker & Ni 2011): when M has rank
// r, I − M has at most r + 1 distinct eigenvalues, GMRES is exact after r + 1 steps, so Anderson with
// depth >= r + 1 reaches x* = (I − M)⁻¹c to rounding after r + 2 steps — where the plain iteration,
// at rate max |λ(M)|, is still far away.
import { Anderson } from '../../lib/sampling/anderson';
import { Rng } from '../helpers/prng';

const { abs, max, sqrt } = Math;

/** n x n symmetric M = Σ_k λ_k u_k u_kᵀ with orthonormal u_k (Gram–Schmidt on uniform vectors). */
function lowRankMap(n: number, lambdas: number[], rng: Rng): Float64Array[] {
  const U: Float64Array[] = [];
  for (let k = 0; k < lambdas.length; k++) {
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) u[i] = rng.uniform(-1, 1);
    for (const v of U) {
      let s = 0;
      for (let i = 0; i < n; i++) s += u[i] * v[i];
      for (let i = 0; i < n; i++) u[i] -= s * v[i];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += u[i] * u[i];
    for (let i = 0; i < n; i++) u[i] /= sqrt(norm);
    U.push(u);
  }
  const M = Array.from({ length: n }, () => new Float64Array(n));
  lambdas.forEach((l, k) => {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M[i][j] += l * U[k][i] * U[k][j];
  });
  return M;
}

/** f(x) = c − (I − M)x. */
function increment(M: Float64Array[], c: Float64Array, x: Float64Array): Float64Array {
  const n = x.length;
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = c[i] - x[i];
    for (let j = 0; j < n; j++) s += M[i][j] * x[j];
    f[i] = s;
  }
  return f;
}

/** The fixed point: x* = c + M x*, i.e. x* = c + Σ_k λ_k/(1 − λ_k)·(u_kᵀc)·u_k; solved here by Gauss–Jordan on I − M. */
function fixedPoint(M: Float64Array[], c: Float64Array): Float64Array {
  const n = c.length;
  const G = M.map((row, i) => {
    const r = new Float64Array(n + 1);
    for (let j = 0; j < n; j++) r[j] = (i === j ? 1 : 0) - row[j];
    r[n] = c[i];
    return r;
  });
  for (let k = 0; k < n; k++) {
    let piv = k;
    for (let i = k + 1; i < n; i++) if (abs(G[i][k]) > abs(G[piv][k])) piv = i;
    [G[k], G[piv]] = [G[piv], G[k]];
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const f = G[i][k] / G[k][k];
      for (let j = k; j <= n; j++) G[i][j] -= f * G[k][j];
    }
  }
  return Float64Array.from(G, (r, i) => r[n] / r[i]);
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = max(m, abs(a[i] - b[i]));
  return m;
}

function run(M: Float64Array[], c: Float64Array, steps: number, depth: number | null): Float64Array {
  const n = c.length;
  let x = new Float64Array(n);
  const acc = depth === null ? null : new Anderson(n, depth);
  for (let t = 0; t < steps; t++) {
    const f = increment(M, c, x);
    const next = new Float64Array(n);
    if (acc) acc.step(x, f, next);
    else for (let i = 0; i < n; i++) next[i] = x[i] + f[i];
    x = next;
  }
  return x;
}

describe('Anderson acceleration on linear maps with a known fixed point', () => {
  const n = 40;
  const rng = new Rng(7301);
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) c[i] = rng.uniform(-1, 1);

  test.each([
    ['rank 2, eigenvalues 0.9 and -0.5', [0.9, -0.5]],
    ['rank 3, eigenvalues 0.95, 0.5 and 0.2 (the Lewis map’s sign)', [0.95, 0.5, 0.2]],
  ])('%s: exact after rank + 2 steps with depth 4; plain steps are not', (_name, lambdas) => {
    const M = lowRankMap(n, lambdas, rng);
    const xStar = fixedPoint(M, c);
    const scale = max(...xStar.map(abs));
    const steps = lambdas.length + 2;
    expect(maxDiff(run(M, c, steps, 4), xStar)).toBeLessThanOrEqual(1e-12 * scale);
    // The contrast: the plain iteration's error after as many steps is still >= λ_max^steps-ish.
    expect(maxDiff(run(M, c, steps, null), xStar)).toBeGreaterThan(1e-2 * scale);
  });

  test('depth 1 on a rank-2 map is not exact after 4 steps (the depth is what buys the exactness)', () => {
    const M = lowRankMap(n, [0.9, -0.5], rng);
    const xStar = fixedPoint(M, c);
    expect(maxDiff(run(M, c, 4, 1), xStar)).toBeGreaterThan(1e-6 * max(...xStar.map(abs)));
  });

  test('M = 0: the first step is exact; later differences are zero, dropped, and no NaN appears', () => {
    const M = Array.from({ length: n }, () => new Float64Array(n));
    const x = run(M, c, 6, 4);
    expect(maxDiff(x, c)).toBe(0);
  });

  test('reset(): the next step is the plain step x + f', () => {
    const M = lowRankMap(n, [0.9, -0.5], rng);
    const acc = new Anderson(n, 4);
    let x = new Float64Array(n);
    for (let t = 0; t < 3; t++) {
      const next = new Float64Array(n);
      acc.step(x, increment(M, c, x), next);
      x = next;
    }
    acc.reset();
    const f = increment(M, c, x);
    const next = new Float64Array(n);
    acc.step(x, f, next);
    for (let i = 0; i < n; i++) expect(next[i]).toBe(x[i] + f[i]);
  });
});
