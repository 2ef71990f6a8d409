// The consumer addon of test/consumer (built by scripts/build-consumer.js from the packed tarball,
// against require('sketchmax/native').gyp) calls sketchmax's C API from C++; its results must be
// those of sketchmax's JavaScript API: bit for bit on the native backend with the same ISA (one set of
// kernels), within the documented tolerances on the TypeScript backend.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { info, leverageScores, lewisWeights, lpRegression, lstsq, logSoftmax, sampleRows, softmax, type IsaName } from '../../lib/sketchmax';
import { hasNative, quietSetIsa, restoreBestIsa, runnableIsas } from '../helpers/backends';
import { Rng } from '../helpers/prng';

interface Consumer {
  softmax(x: Float32Array | Float64Array, rows: number, algorithm: number, log: boolean): Float32Array | Float64Array;
  lstsq(A: Float64Array, n: number, d: number, b: Float64Array, method: number): { x: Float64Array; rank: number; method: number; residualNorm: number };
  leverage(A: Float64Array, n: number, d: number, b: Float64Array | null, method: number): { tau: Float64Array; rank: number };
  lewis(A: Float64Array, n: number, d: number, b: Float64Array | null, p: number, tolerance: number): { weights: Float64Array; iterations: number; residual: number; converged: boolean; rank: number };
  sampleRows(scores: Float64Array, size: number, seed: number, replacement: boolean): { indices: Uint32Array; weights: Float64Array; probabilities: Float64Array; expectedSize: number };
  lp(A: Float64Array, n: number, d: number, b: Float64Array, p: number, weights: Float64Array | null, method: number): { x: Float64Array; objective: number; iterations: number; converged: boolean };
  status(what: string): number;
  isa(): string;
  setIsa(name: string): number;
  version(): string;
}

const built = path.join(__dirname, 'build', 'Release', 'consumer.node');
const root = path.join(__dirname, '..', '..');
// No compiler at all (the sketchmax addon was not built either): nothing to test. Otherwise the
// consumer must have been built, and a missing addon fails below.
const noToolchain = !fs.existsSync(built) && !fs.existsSync(path.join(root, 'build', 'Release', 'sketchmax.node'));

const ALGORITHMS = [
  ['auto', 0],
  ['two-pass', 1],
  ['three-pass-reload', 2],
  ['three-pass-recompute', 3],
] as const;

function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-300));
  return worst;
}

function sameBits(a: Float32Array | Float64Array, b: Float32Array | Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

(noToolchain ? describe.skip : describe)('a separate addon on the C API (test/consumer)', () => {
  let consumer: Consumer;
  beforeAll(() => {
    expect(fs.existsSync(built)).toBe(true); // scripts/build-consumer.js (run by npm test) builds it
    consumer = require(built) as Consumer;
  });
  afterAll(() => {
    if (hasNative) restoreBestIsa();
  });

  test('version and ISA: the package version, and an ISA this CPU runs', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    expect(consumer.version()).toBe(pkg.version);
    expect(['scalar', 'avx2', 'avx512']).toContain(consumer.isa());
    if (hasNative) expect(runnableIsas).toContain(consumer.isa() as IsaName);
    // SKETCHMAX_ISA steers both the addon and the C API; with it unset both start at the best ISA.
    if (hasNative && process.env.SKETCHMAX_ISA === undefined) expect(consumer.isa()).toBe(info().isa);
  });

  test('the C API validates: null pointer, zero and overflowing sizes, unknown enum (status codes)', () => {
    expect(consumer.status('null')).toBe(1);
    expect(consumer.status('zero')).toBe(2);
    expect(consumer.status('overflow')).toBe(2);
    expect(consumer.status('enum')).toBe(3);
    expect(consumer.status('lstsq-wide')).toBe(2);
    expect(() => consumer.softmax(new Float64Array(4), 0, 0, false)).toThrow(/sketchmax: a size is zero/);
  });

  const isas: Array<IsaName | null> = hasNative ? [...runnableIsas] : [null];
  describe.each(isas)('ISA %s', (isa) => {
    beforeAll(() => {
      if (isa) {
        expect(quietSetIsa(isa)).toBe(isa);
        expect(consumer.setIsa(isa)).toBe(0);
        expect(consumer.isa()).toBe(isa);
      }
    });

    test.each(ALGORITHMS)('softmax and log-softmax, f32 and f64, %s: = sketchmax.softmax', (algorithm, code) => {
      const rng = new Rng(17 + code);
      const rows = 7;
      const cols = 1500;
      const x64 = Float64Array.from({ length: rows * cols }, () => 20 * (rng.next() - 0.5));
      const x32 = Float32Array.from(x64);
      for (const x of [x32, x64]) {
        for (const log of [false, true]) {
          const got = consumer.softmax(x, rows, code, log);
          const want = (log ? logSoftmax : softmax)(x, { rows, algorithm });
          if (hasNative) {
            expect(sameBits(got, want)).toBe(true);
          } else if (log) {
            // The documented absolute bounds of the two backends against float64 math, added.
            let worst = 0;
            for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
            expect(worst).toBeLessThanOrEqual(x instanceof Float32Array ? 2e-5 : 2e-13);
          } else {
            expect(maxRelative(got, want)).toBeLessThanOrEqual(x instanceof Float32Array ? 2e-5 : 2e-13);
          }
        }
      }
    });

    test.each([
      ['qr', 1, 3000, 20],
      ['sketch-precondition', 3, 6000, 160],
    ] as const)('lstsq %s (%i), %i x %i: = sketchmax.lstsq', (method, code, n, d) => {
      const rng = new Rng(n + d);
      const A = Float64Array.from({ length: n * d }, () => rng.next() - 0.5);
      const b = Float64Array.from({ length: n }, () => rng.next() - 0.5);
      const got = consumer.lstsq(A, n, d, b, code);
      const want = lstsq({ data: A, rows: n, cols: d }, b, { method });
      expect(got.method).toBe(code);
      expect(got.rank).toBe(d);
      if (hasNative) expect(sameBits(got.x, want.x)).toBe(true);
      else expect(maxRelative(got.x, want.x)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(got.residualNorm - want.residualNorm)).toBeLessThanOrEqual(1e-12 * want.residualNorm);
    });
  });

  test('setIsa refuses an ISA the CPU lacks (status 7) and keeps the current one', () => {
    if (!hasNative || runnableIsas.includes('avx512')) return; // every ISA runs here: nothing to refuse
    const current = consumer.isa();
    expect(consumer.setIsa('avx512')).toBe(7);
    expect(consumer.isa()).toBe(current);
  });

  describe('sampling: leverage scores, Lewis weights and row samples = the JavaScript API', () => {
    const n = 2500;
    const d = 7;
    const rng = new Rng(77);
    // Heavy-tailed rows (Cauchy factors), so the scores spread over orders of magnitude.
    const A = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const f = Math.tan(Math.PI * (rng.next() - 0.5));
      for (let j = 0; j < d; j++) A[i * d + j] = f * (rng.next() - 0.5);
    }
    const b = Float64Array.from({ length: n }, () => rng.next() - 0.5);
    const M = { data: A, rows: n, cols: d };

    test('exact leverage scores of A and of [A | b], approximate of A (same seed 0): to 1e-10', () => {
      const exact = consumer.leverage(A, n, d, null, 0);
      expect(exact.rank).toBe(d);
      expect(maxRelative(exact.tau, leverageScores(M))).toBeLessThanOrEqual(1e-10);
      const approx = consumer.leverage(A, n, d, null, 1);
      expect(maxRelative(approx.tau, leverageScores(M, { method: 'approximate' }))).toBeLessThanOrEqual(1e-10);
      const withB = consumer.leverage(A, n, d, b, 0);
      expect(withB.rank).toBe(d + 1);
      const sample = sampleRows(M, { p: 2, size: 100, scores: 'leverage', b });
      expect(maxRelative(withB.tau, sample.scores)).toBeLessThanOrEqual(1e-10);
    });

    test.each([1, 1.5, 3])('Lewis weights, p = %p: the same iteration (same updates, weights to 1e-9)', (p) => {
      const got = consumer.lewis(A, n, d, null, p, 1e-10);
      const want = lewisWeights(M, p, { tolerance: 1e-10 });
      expect(got.iterations).toBe(want.iterations);
      expect(got.converged).toBe(true);
      expect(got.rank).toBe(want.rank);
      expect(maxRelative(got.weights, want.weights)).toBeLessThanOrEqual(1e-9);
    });

    test.each([
      [1, 'auto', 0, false],
      [1, 'auto', 0, true],
      [1.5, 'auto', 0, false],
      [3, 'newton', 1, true],
      [3, 'p-irls', 2, false],
    ] as const)('ℓp regression p = %p (%s), weights %p: the same solves, objective and x', (p, method, code, weighted) => {
      const weights = weighted ? Float64Array.from({ length: n }, (_, i) => 0.5 + ((i * 7919) % 100) / 100) : null;
      const got = consumer.lp(A, n, d, b, p, weights, code);
      const want = lpRegression(M, b, p, { method, ...(weights ? { weights } : {}) });
      expect(got.converged).toBe(want.converged);
      // On the native backend both run the same solves (the native TSQR): the same path, x to 1e-9.
      // The TypeScript backend's QR rounds differently, so there the two are independent solves of one
      // problem: Newton and the interior point end at the optimum itself (x to 1e-9), while p-IRLS stops
      // at its (1 + ε)-certificate on the objective (ε = 1e-12), which fixes x only to about √ε = 1e-6.
      if (hasNative) expect(got.iterations).toBe(want.iterations);
      expect(maxRelative(got.x, want.x)).toBeLessThanOrEqual(!hasNative && method === 'p-irls' ? 1e-6 : 1e-9);
      expect(Math.abs(got.objective - want.objective)).toBeLessThanOrEqual(1e-12 * want.objective);
    });

    test.each([false, true])('row samples from the same scores and seed (replacement %p): the same rows and weights', (replacement) => {
      const scores = consumer.lewis(A, n, d, b, 1, 0.1).weights;
      for (const seed of [0, 1, 987654321]) {
        const got = consumer.sampleRows(scores, 300, seed, replacement);
        const want = sampleRows(M, { p: 1, size: 300, scores, seed, replacement });
        expect(Array.from(got.indices)).toEqual(Array.from(want.indices));
        expect(maxRelative(got.weights, want.weights)).toBeLessThanOrEqual(1e-14);
        expect(maxRelative(got.probabilities, want.probabilities)).toBeLessThanOrEqual(1e-14);
        expect(Math.abs(got.expectedSize - want.expectedSize)).toBeLessThanOrEqual(1e-9 * want.expectedSize);
      }
    });
  });
});
