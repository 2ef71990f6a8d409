// The native leverage driver (native/sampling/leverage.cc, binding leverageScores[Async]) against the
// TypeScript reference of lib/sampling/leverage.ts, on every ISA this CPU runs: 'exact' within 1e-10
// relative of exactLeverage (tiny scores included), 'approximate' within 1e-9 of the TypeScript
// 'approximate' with the same key and sizes (both branches: with and without the JL step); the
// scores of [A | b] from A and b equal those of the copy; async = sync and threads 1 = threads 2, bit
// for bit. Both bindings (leverageScores, lewisWeights) re-check a bad direct call.
import { nativeBinding, setIsa } from '../../lib/backend';
import { seedToKey } from '../../lib/random/philox';
import { approximateSizes, exactLeverage, leverageScoresJs, SKETCH_NNZ } from '../../lib/sampling/leverage';
import type { Matrix } from '../../lib/sketch/matrix';
import type { IsaName } from '../../lib/types';
import { duplicateColumnProblem, gaussianMatrix } from '../linalg/families';
import { Rng } from '../helpers/prng';

const { abs, max, tan, PI } = Math;
const binding = nativeBinding();

/** "Name: message" of what f throws, or 'no error'. */
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  return 'no error';
}

const EXACT = 0;
const APPROXIMATE = 1;

interface Case {
  name: string;
  A: Matrix & { data: Float64Array };
  scale: Float64Array | null;
}

/** Rows of a Gaussian n x d matrix multiplied by factors[i]. */
function scaledRows(n: number, d: number, seed: number, factor: (i: number) => number): Matrix & { data: Float64Array } {
  const A = gaussianMatrix(n, d, seed);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) A.data[i * d + j] *= factor(i);
  return A;
}

function cases(n: number, d: number): Case[] {
  const rng = new Rng(n * 7 + d);
  const cauchy = Float64Array.from({ length: n }, () => tan(PI * (rng.next() - 0.5)));
  const coherent = gaussianMatrix(n, d, 3);
  for (let j = 0; j < d; j++) coherent.data[(5 * j + 1) * d + j] += 1e4; // planted spikes: τ ≈ 1
  const deficient = duplicateColumnProblem(n, d, d - 1, 0, 4).A as Matrix & { data: Float64Array };
  // Random scale with zeros, and rows scaled by 1e-15 (scores around 1e-30).
  const scale = Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : i % 7 === 1 ? 1e-15 : 0.1 + 3 * rng.next()));
  const withZeroRow = gaussianMatrix(n, d, 6);
  withZeroRow.data.fill(0, 2 * d, 3 * d);
  return [
    { name: 'Gaussian', A: gaussianMatrix(n, d, 1), scale: null },
    { name: 'heavy-tailed (Cauchy rows)', A: scaledRows(n, d, 2, (i) => cauchy[i]), scale: null },
    { name: 'coherent (planted spikes)', A: coherent, scale: null },
    { name: 'rank-deficient', A: deficient, scale: null },
    { name: 'scaled (zeros, tiny)', A: withZeroRow, scale },
  ];
}

/** max_i |got_i - want_i| / |want_i|, with exact zeros required where want is 0. */
function worstRelative(got: Float64Array, want: Float64Array): number {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    if (want[i] === 0) {
      if (got[i] !== 0) return Infinity;
      continue;
    }
    worst = max(worst, abs(got[i] - want[i]) / abs(want[i]));
  }
  return worst;
}

function bits(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** diag(scale)·A as a new matrix (the TypeScript approximate method takes no scale). */
function applyScale(A: Matrix & { data: Float64Array }, scale: Float64Array | null): Matrix {
  if (!scale) return A;
  const { rows: n, cols: d } = A;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = scale[i] * A.data[i * d + j];
  return { data, rows: n, cols: d };
}

(binding ? describe : describe.skip)('native leverage scores match the TypeScript reference', () => {
  // jest runs a skipped describe's body too (to list its tests): nothing here may need the addon.
  const b = binding as NonNullable<typeof binding>;
  const best = binding?.bestIsa();
  const isas: IsaName[] = ['scalar'];
  if (best === 'avx2' || best === 'avx512') isas.push('avx2');
  if (best === 'avx512') isas.push('avx512');
  const initial = binding?.isa() ?? 'scalar';
  afterAll(() => setIsa(initial)); // only ISAs this CPU runs are selected: setIsa never warns

  describe.each(isas)('%s', (isa) => {
    beforeAll(() => {
      expect(setIsa(isa)).toBe(isa);
    });

    // 400 x 100 at ε = 0.9 takes the JL step (k = 89 < d); the others solve against the sketch's R.
    describe.each([
      [1500, 12, 0.5],
      [300, 40, 0.5],
      [400, 100, 0.9],
    ])('n=%i d=%i', (n, d, epsilon) => {
      for (const c of cases(n, d)) {
        test(`exact: ${c.name}`, async () => {
          expect(b.isa()).toBe(isa);
          const want = exactLeverage(c.A.data, n, d, c.scale);
          const one = b.leverageScores(c.A.data, n, d, c.scale, EXACT, 0, 0, 0, 0, 0, 1);
          const two = b.leverageScores(c.A.data, n, d, c.scale, EXACT, 0, 0, 0, 0, 0, 2);
          const later = await b.leverageScoresAsync(c.A.data, n, d, c.scale, EXACT, 0, 0, 0, 0, 0, 2);
          expect(one.rank).toBe(want.rank);
          expect(worstRelative(one.tau, want.tau)).toBeLessThanOrEqual(1e-10);
          expect(bits(two.tau).equals(bits(one.tau))).toBe(true);
          expect(bits(later.tau).equals(bits(one.tau))).toBe(true);
          expect(later.rank).toBe(one.rank);
          if (c.name === 'rank-deficient') expect(one.rank).toBe(d - 1);
        });

        test(`approximate: ${c.name}`, async () => {
          for (const seed of [0, 12345678901234567890n]) {
            const [k0, k1] = seedToKey('leverageScores', seed);
            const { sketchRows, jlColumns } = approximateSizes(n, d, epsilon);
            expect(jlColumns < d).toBe(d === 100); // which branch this case tests
            const want = leverageScoresJs(applyScale(c.A, c.scale), { method: 'approximate', epsilon, seed });
            const args = [c.A.data, n, d, c.scale, APPROXIMATE, k0, k1, sketchRows, jlColumns, SKETCH_NNZ] as const;
            const one = b.leverageScores(...args, 1);
            const two = b.leverageScores(...args, 2);
            const later = await b.leverageScoresAsync(...args, 2);
            expect(worstRelative(one.tau, want)).toBeLessThanOrEqual(1e-9);
            expect(bits(two.tau).equals(bits(one.tau))).toBe(true);
            expect(bits(later.tau).equals(bits(one.tau))).toBe(true);
          }
        });
      }
    });
  });

  describe.each(isas)('%s: exact scores of [A | b] from A and b (no copy)', (isa) => {
    const n = 900;
    const d = 9;
    const A = scaledRows(n, d, 11, (i) => (i % 97 === 3 ? 1e3 : 1));
    const rng = new Rng(12);
    const noisy = Float64Array.from({ length: n }, () => tan(PI * (rng.next() - 0.5)));
    const inRange = new Float64Array(n); // b = A·(1, 2, ..., d): in col(A), so rank stays d
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) inRange[i] += (j + 1) * A.data[i * d + j];
    const scale = Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : 0.1 + 3 * rng.next()));
    const bs: Array<[string, Float64Array]> = [
      ['Cauchy b', noisy],
      ['b in col(A)', inRange],
      ['b = 0', new Float64Array(n)],
    ];
    test.each(bs)('%s, with and without a row scale: = exactLeverage of the copy [A | b] to 1e-10', async (_name, bv) => {
      expect(setIsa(isa)).toBe(isa);
      const M = new Float64Array(n * (d + 1));
      for (let i = 0; i < n; i++) {
        M.set(A.data.subarray(i * d, i * d + d), i * (d + 1));
        M[i * (d + 1) + d] = bv[i];
      }
      for (const sc of [null, scale]) {
        const want = exactLeverage(M, n, d + 1, sc);
        const one = b.leverageScores(A.data, n, d, sc, EXACT, 0, 0, 0, 0, 0, 1, bv);
        const later = await b.leverageScoresAsync(A.data, n, d, sc, EXACT, 0, 0, 0, 0, 0, 2, bv);
        expect(one.rank).toBe(want.rank);
        expect(one.rank).toBe(bv === noisy ? d + 1 : d);
        expect(worstRelative(one.tau, want.tau)).toBeLessThanOrEqual(1e-10);
        expect(bits(later.tau).equals(bits(one.tau))).toBe(true);
      }
    });
  });

  test('the addon re-checks its arguments and handles empty input', async () => {
    const raw = b.leverageScores as unknown as (...args: unknown[]) => unknown;
    const A = new Float64Array(6);
    expect(thrown(() => raw([1], 3, 2, null, 0, 0, 0, 0, 0, 0, 1))).toMatch(/^TypeError: .*A must be a Float64Array/);
    expect(thrown(() => raw(A, 4, 2, null, 0, 0, 0, 0, 0, 0, 1))).toMatch(/^RangeError: .*A has the wrong length/);
    expect(thrown(() => raw(A, 3, 2, new Float64Array(2), 0, 0, 0, 0, 0, 0, 1))).toMatch(/^RangeError: .*scale has the wrong length/);
    expect(thrown(() => raw(A, 3, 2, null, 2, 0, 0, 0, 0, 0, 1))).toMatch(/^RangeError: .*method out of range/);
    expect(thrown(() => raw(A, 3, 2, null, 1, 0, 0, 1, 4, 1, 1))).toMatch(/^RangeError: .*sketchRows must be >= d/);
    expect(thrown(() => raw(A, 3, 2, null, 1, 0, 0, 2, 4, 3, 1))).toMatch(/^RangeError: .*nnzPerColumn must be in/);
    expect(thrown(() => raw(A, 3, 2))).toMatch(/^TypeError: .*expected 11 or 12 arguments/);
    expect(thrown(() => raw(A, 3, 2, null, 0, 0, 0, 0, 0, 0, 1, new Float64Array(2)))).toMatch(/^RangeError: .*b has the wrong length/);
    expect(thrown(() => raw(A, 3, 2, null, 1, 0, 0, 3, 8, 1, 1, new Float64Array(3)))).toMatch(/^RangeError: .*b needs the exact method and n > d/);
    expect(thrown(() => raw(new Float64Array(4), 2, 2, null, 0, 0, 0, 0, 0, 0, 1, new Float64Array(2)))).toMatch(/^RangeError: .*b needs the exact method and n > d/);
    const empty = b.leverageScores(new Float64Array(0), 0, 0, null, EXACT, 0, 0, 0, 0, 0, 1);
    expect(empty.tau.length).toBe(0);
    expect(empty.rank).toBe(0);
    const zero = await b.leverageScoresAsync(A, 3, 2, null, APPROXIMATE, 0, 0, 3, 8, 1, 1);
    expect(Array.from(zero.tau)).toEqual([0, 0, 0]);
    expect(zero.rank).toBe(0);
  });

  test('the Lewis binding re-checks its arguments; a zero matrix gets zero weights', async () => {
    const lewis = b.lewisWeights as unknown as (...args: unknown[]) => unknown;
    const lewisAsync = b.lewisWeightsAsync as unknown as (...args: unknown[]) => unknown;
    const A = new Float64Array(6);
    expect(thrown(() => lewis(A, 3, 2, null, 1, 1e-8, 10))).toMatch(/^TypeError: .*expected 8 arguments/);
    expect(thrown(() => lewis([1], 3, 2, null, 1, 1e-8, 10, 1))).toMatch(/^TypeError: .*A must be a Float64Array/);
    expect(thrown(() => lewis(A, 4, 2, null, 1, 1e-8, 10, 1))).toMatch(/^RangeError: .*A has the wrong length/);
    expect(thrown(() => lewis(A, 3, 2, new Float64Array(2), 1, 1e-8, 10, 1))).toMatch(/^RangeError: .*b has the wrong length/);
    expect(thrown(() => lewis(new Float64Array(4), 2, 2, new Float64Array(2), 1, 1e-8, 10, 1))).toMatch(/^RangeError: .*n >= d/);
    expect(thrown(() => lewis(A, 3, 2, null, 0.5, 1e-8, 10, 1))).toMatch(/^RangeError: .*p must be finite and >= 1/);
    expect(thrown(() => lewis(A, 3, 2, null, 1, 0, 10, 1))).toMatch(/^RangeError: .*tolerance must be positive/);
    expect(thrown(() => lewis(A, 3, 2, null, 1, 1e-8, -1, 1))).toMatch(/^RangeError: .*maxIterations out of range/);
    expect(thrown(() => lewisAsync(A, 3, 2, null, 1, 1e-8, 10, 1, new Uint32Array(1)))).toMatch(/^TypeError: .*control must be an Int32Array/);
    expect(thrown(() => lewisAsync(A, 3, 2, null, 1, 1e-8, 10, 1))).toMatch(/^TypeError: .*expected 9 arguments/);
    const zero = await b.lewisWeightsAsync(A, 3, 2, null, 1, 1e-8, 10, 1, new Int32Array(1));
    expect(Array.from(zero.weights)).toEqual([0, 0, 0]);
    expect(zero.rank).toBe(0);
    const stopped = b.lewisWeightsAsync(gaussianMatrix(50, 3, 1).data, 50, 3, null, 1, 1e-8, 10, 1, new Int32Array([1]));
    await expect(stopped).rejects.toMatchObject({ name: 'AbortError' });
  });
});
