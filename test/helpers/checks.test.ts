// The checking helpers themselves: the reference against closed forms, and the checks catch
// outputs that break each bound (so a passing suite means something).
import { BOUNDS, checkAgree, checkGuards, checkLogSoftmax, checkSameBits, checkSoftmax } from './compare';
import { Rng, uniformArray } from './prng';
import { FLT_MAX, reference } from './reference';

describe('reference', () => {
  test('closed forms', () => {
    const r = reference(Float64Array.of(0, Math.log(3)), 1, 'f64');
    // softmax([0, ln 3]) = [1/4, 3/4] up to the rounding of ln 3 (relative 1e-16).
    expect(Math.abs(r.soft![0] - 0.25) / 0.25).toBeLessThan(4e-16);
    expect(Math.abs(r.soft![1] - 0.75) / 0.75).toBeLessThan(4e-16);
    const e = reference(Float64Array.of(-Infinity, 0, 1), 1, 'f64');
    expect(e.soft![0]).toBe(0);
    expect(Math.abs(e.soft![1] - 1 / (1 + Math.E)) * (1 + Math.E)).toBeLessThan(4e-16);
    expect(e.log![0]).toBe(-Infinity);
    expect(Math.abs(e.log![1] + Math.log1p(Math.E))).toBeLessThan(1e-15);
    // Equal entries: exactly 1/n.
    expect(Array.from(reference(new Float64Array(8).fill(-3), 1, 'f64').soft!)).toEqual(new Array(8).fill(0.125));
    expect(Array.from(reference(Float32Array.of(FLT_MAX, FLT_MAX, 0), 1, 'f32').soft!)).toEqual([0.5, 0.5, 0]);
  });

  test('special rows', () => {
    for (const row of [[NaN, 1], [Infinity, 1], [-Infinity, -Infinity], [1, 2, NaN]]) {
      const r = reference(Float64Array.from(row), 1, 'f64');
      expect(Array.from(r.soft!).every(Number.isNaN)).toBe(true);
      expect(Array.from(r.log!).every(Number.isNaN)).toBe(true);
    }
    // Below ln(smallest normal) exactly 0: -100 for float32 but not float64.
    expect(reference(Float32Array.of(0, -100), 1, 'f32').soft![1]).toBe(0);
    expect(reference(Float64Array.of(0, -100), 1, 'f64').soft![1]).toBeGreaterThan(0);
    // Rows are independent.
    const two = reference(Float64Array.of(0, 0, 5, NaN), 2, 'f64').soft!;
    expect([two[0], two[1]]).toEqual([0.5, 0.5]);
    expect(two[2] !== two[2] && two[3] !== two[3]).toBe(true);
  });

  test('the sum of a long row is 1 to double-double accuracy', () => {
    const x = uniformArray('f64', 100000, -10, 10, new Rng(3));
    const y = reference(x, 1, 'f64').soft!;
    let s = 0;
    let c = 0;
    for (const v of y) {
      const t = s + v;
      c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
      s = t;
    }
    expect(Math.abs(s + c - 1)).toBeLessThan(1e-15);
  });
});

describe('the checks catch what they should', () => {
  const x = uniformArray('f32', 100, -10, 10, new Rng(4));
  const ref = reference(x, 1, 'f32');
  const good = Float32Array.from(ref.soft!);
  const goodLog = Float32Array.from(ref.log!);
  const args = { label: 't', x, rows: 1, dtype: 'f32' as const };

  test('a correctly rounded output passes', () => {
    expect(checkSoftmax({ ...args, got: good, ref: ref.soft! })).toEqual([]);
    expect(checkLogSoftmax({ ...args, got: goodLog, ref: ref.log! })).toEqual([]);
  });

  test('relative error just above the bound fails, just below passes', () => {
    const i = 17;
    const bad = Float64Array.from(ref.soft!);
    bad[i] *= 1 + 1.5 * BOUNDS.f32.rel;
    expect(checkSoftmax({ ...args, got: bad, ref: ref.soft! }).join('\n')).toMatch(/relative error.*at \[17\]/);
    bad[i] = ref.soft![i] * (1 + 0.5 * BOUNDS.f32.rel);
    expect(checkSoftmax({ ...args, got: bad, ref: ref.soft! }).join('\n')).not.toMatch(/relative error/);
  });

  test('a row sum off by more than the bound fails', () => {
    const bad = Float64Array.from(ref.soft!, (v) => v * (1 + 0.9 * BOUNDS.f32.rel));
    bad[0] += 2e-5; // everything within the relative bound except this element, and the sum is off
    const text = checkSoftmax({ ...args, got: bad, ref: ref.soft! }).join('\n');
    expect(text).toMatch(/sum/);
  });

  test('NaN misplaced, zero expected, -inf missing, guard overwritten, bits differ', () => {
    const bad = Float64Array.from(ref.soft!);
    bad[3] = NaN;
    expect(checkSoftmax({ ...args, got: bad, ref: ref.soft! }).join('\n')).toMatch(/NaN.*at \[3\]/);
    const xz = Float32Array.of(0, -100, -50);
    const rz = reference(xz, 1, 'f32').soft!;
    const gz = Float64Array.from(rz);
    gz[1] = 1e-40; // within 1e-30 of the reference but must be exactly 0
    expect(checkSoftmax({ label: 'z', x: xz, got: gz, ref: rz, rows: 1, dtype: 'f32' }).join('\n')).toMatch(/exactly 0.*at \[1\]/);
    const xl = Float32Array.of(-Infinity, 0, 1);
    const rl = reference(xl, 1, 'f32').log!;
    const gl = Float64Array.from(rl);
    gl[0] = -1e30;
    expect(checkLogSoftmax({ label: 'l', x: xl, got: gl, ref: rl, rows: 1, dtype: 'f32' }).join('\n')).toMatch(/-inf/);
    const logBad = Float64Array.from(ref.log!);
    logBad[50] += 2e-5;
    expect(checkLogSoftmax({ ...args, got: logBad, ref: ref.log! }).join('\n')).toMatch(/absolute error.*at \[50\]/);
    const buf = new Float32Array(10).fill(-1);
    buf[9] = 0;
    expect(checkGuards('g', buf, 2, 5, -1)).not.toEqual([]);
    const a = Float32Array.of(1, 2, 3);
    const b = Float32Array.of(1, 2, 3.0000002);
    expect(checkSameBits('s', a, b).join('')).toMatch(/\[2\]/);
    expect(checkAgree('a', b, a, 'f32', false)).toEqual([]);
    expect(checkAgree('a', Float32Array.of(1, 2, 3.1), a, 'f32', false)).not.toEqual([]);
  });
});
