// The C++ sketch kernels against the TypeScript ones: bit for bit for Rademacher, SRHT, CountSketch
// and sparse sign (same random choices, same per-entry summation order), to a few ulp for Gaussian
// (whose entries go through log/cos/sin). Also: the addon re-checks its arguments.
import { loadNative } from '../../lib/native';
import { seedToKey } from '../../lib/random/philox';
import { sketchJs, type SketchKind } from '../../lib/sketch/sketch_js';
import { hasNative } from '../helpers/backends';
import { expectError } from '../helpers/errors';
import { Rng } from '../helpers/prng';

const KINDS: readonly SketchKind[] = ['gaussian', 'rademacher', 'srht', 'countsketch', 'sparse-sign'];
const KIND_CODE: Record<SketchKind, number> = { gaussian: 0, rademacher: 1, srht: 2, countsketch: 3, 'sparse-sign': 4 };

(hasNative ? describe : describe.skip)('native sketches match the TypeScript sketches', () => {
  const binding = loadNative().binding!;
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [37, 3, 8],
    [300, 4, 40],
    [1000, 7, 64],
  ];
  for (const kind of KINDS) {
    test.each(shapes)(`${kind}: n=%i d=%i m=%i, with and without b, several seeds`, (n, d, m) => {
      const rng = new Rng(n * 31 + d);
      const A = new Float64Array(n * d).map(() => rng.next() * 2 - 1);
      const b = new Float64Array(n).map(() => rng.next() * 2 - 1);
      for (const seed of [0, 1, 2 ** 40 + 3, 12345678901234567890n]) {
        for (const withB of [false, true]) {
          const nnz = Math.min(8, m);
          const [k0, k1] = seedToKey('sketch', seed);
          const want = sketchJs('sketch', { data: A, rows: n, cols: d }, withB ? b : null, { kind, rows: m, seed, nnzPerColumn: nnz });
          const got = binding.sketchApply(A, n, d, withB ? b : null, KIND_CODE[kind], m, k0, k1, nnz);
          expect(got.length).toBe(want.length);
          if (kind === 'gaussian') {
            const scale = want.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
            let worst = 0;
            for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
            expect(worst).toBeLessThanOrEqual(1e-14 * Math.max(1, scale) * n);
          } else {
            expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(want.buffer))).toBe(true);
          }
        }
      }
    });
  }

  test('the addon rejects bad arguments', () => {
    const raw = binding.sketchApply as unknown as (...args: unknown[]) => unknown;
    const A = new Float64Array(6);
    expectError(() => raw([1, 2], 1, 2, null, 0, 1, 0, 0, 1), 'TypeError', /A must be a Float64Array/);
    expectError(() => raw(A, 4, 2, null, 0, 1, 0, 0, 1), 'RangeError', /A has the wrong length/);
    expectError(() => raw(A, 3, 2, new Float64Array(2), 0, 1, 0, 0, 1), 'RangeError', /b has the wrong length/);
    expectError(() => raw(A, 3, 2, null, 9, 1, 0, 0, 1), 'RangeError', /kind out of range/);
    expectError(() => raw(A, 3, 2, null, 0, 0, 0, 0, 1), 'RangeError', /rows must be positive/);
    expectError(() => raw(A, 3, 2, null, 2, 5, 0, 0, 1), 'RangeError', /rows must not exceed/);
    expectError(() => raw(A, 3, 2, null, 4, 2, 0, 0, 3), 'RangeError', /nnzPerColumn must be in/);
    expectError(() => raw(A, 3, 2, null, 0, 1, 2 ** 32, 0, 1), 'RangeError', /k0 out of range/);
    expectError(() => raw(A), 'TypeError', /expected 9 arguments/);
  });
});
