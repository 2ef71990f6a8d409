// Philox4x32-10 (TypeScript) against Random123's known-answer vectors and against an independent
// BigInt implementation; and the documented seed -> key mapping. The C++ twin is checked against the
// same vectors by the ctest `philox_kat`.
import { philox4x32_10, seedToKey } from '../../lib/random/philox';
import { expectError } from '../helpers/errors';
import { Rng } from '../helpers/prng';

const hex = (a: ArrayLike<number>): string => Array.from(a, (v) => (v >>> 0).toString(16).padStart(8, '0')).join(' ');
const words = (s: string): number[] => s.split(' ').map((w) => parseInt(w, 16));

describe('philox4x32_10', () => {
  test.each([
    ['00000000 00000000 00000000 00000000', '00000000 00000000', '6627e8d5 e169c58d bc57ac4c 9b00dbd8'],
    ['ffffffff ffffffff ffffffff ffffffff', 'ffffffff ffffffff', '408f276d 41c83b0e a20bc7c6 6d5451fd'],
    ['243f6a88 85a308d3 13198a2e 03707344', 'a4093822 299f31d0', 'd16cfe09 94fdcceb 5001e420 24126ea1'],
  ])('known answer: counter %s, key %s', (counter, key, expected) => {
    expect(hex(philox4x32_10(words(counter), words(key)))).toBe(expected);
  });

  test('agrees with a BigInt implementation on 2000 random (counter, key) pairs', () => {
    const mask = 0xffffffffn;
    const reference = (c: bigint[], k: bigint[]): bigint[] => {
      for (let r = 0; r < 10; r++) {
        const p0 = 0xd2511f53n * c[0];
        const p1 = 0xcd9e8d57n * c[2];
        c = [(p1 >> 32n) ^ c[1] ^ k[0], p1 & mask, (p0 >> 32n) ^ c[3] ^ k[1], p0 & mask];
        k = [(k[0] + 0x9e3779b9n) & mask, (k[1] + 0xbb67ae85n) & mask];
      }
      return c;
    };
    const rng = new Rng(20261126);
    const word = (): number => rng.u32();
    for (let t = 0; t < 2000; t++) {
      const c = [word(), word(), word(), word()];
      const k = [word(), word()];
      const want = reference(c.map(BigInt), k.map(BigInt)).map(Number);
      expect(hex(philox4x32_10(c, k))).toBe(hex(want));
    }
  });

  test('writes into the given out array', () => {
    const out = new Uint32Array(4);
    expect(philox4x32_10([0, 0, 0, 0], [0, 0], out)).toBe(out);
    expect(hex(out)).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
  });
});

describe('seedToKey', () => {
  test('splits a seed into its low and high 32-bit words; number and bigint agree', () => {
    expect(seedToKey('f', 0)).toEqual([0, 0]);
    expect(seedToKey('f', 5)).toEqual([5, 0]);
    expect(seedToKey('f', 5n)).toEqual([5, 0]);
    expect(seedToKey('f', 2 ** 32 + 7)).toEqual([7, 1]);
    expect(seedToKey('f', Number.MAX_SAFE_INTEGER)).toEqual([0xffffffff, 0x1fffff]);
    expect(seedToKey('f', BigInt(Number.MAX_SAFE_INTEGER))).toEqual([0xffffffff, 0x1fffff]);
    expect(seedToKey('f', (1n << 64n) - 1n)).toEqual([0xffffffff, 0xffffffff]);
  });

  test('rejects seeds that are not non-negative integers below 2^64', () => {
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53]) expectError(() => seedToKey('sketch', bad), 'RangeError', /^sketchmax\.sketch: options\.seed must be/);
    for (const bad of [-1n, 1n << 64n]) expectError(() => seedToKey('sketch', bad), 'RangeError', /options\.seed must be a bigint in \[0, 2\^64\)/);
    for (const bad of ['1', null, undefined, {}]) expectError(() => seedToKey('sketch', bad), 'TypeError', /options\.seed must be a number or a bigint/);
  });
});
