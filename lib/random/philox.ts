// Philox4x32-10, the TypeScript twin of native/sketch/philox.h: the same (counter, key) gives the
// same four 32-bit words on every backend, which is what makes sketches reproducible. JavaScript has
// no 32x32 -> 64-bit multiply, so the high word comes from 16-bit limbs and the low from Math.imul.
import { rangeError, typeError } from '../errors';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const ROUNDS = 10;
// Module-level copy: a global lookup inside the round loop is slow in sandboxed realms (jest's vm).
const imul = Math.imul;

/** High 32 bits of the 64-bit product of two uint32 values. */
function mulhi(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
}

/**
 * Philox4x32-10 of counter (c0..c3) under key (k0, k1), all uint32; writes the 4 output words to
 * `out` (a new Uint32Array(4) when omitted) and returns it.
 */
export function philox4x32_10(c: ArrayLike<number>, k: ArrayLike<number>, out: Uint32Array = new Uint32Array(4)): Uint32Array {
  let c0 = c[0] >>> 0;
  let c1 = c[1] >>> 0;
  let c2 = c[2] >>> 0;
  let c3 = c[3] >>> 0;
  let k0 = k[0] >>> 0;
  let k1 = k[1] >>> 0;
  for (let r = 0; r < ROUNDS; r++) {
    const hi0 = mulhi(M0, c0);
    const lo0 = imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

/**
 * The Philox key of a seed: a non-negative safe integer or a bigint in [0, 2^64), split into its low
 * and high 32-bit words (k0 = seed mod 2^32, k1 = floor(seed / 2^32)). So `seed: 5` and `seed: 5n`
 * give the same key, and every 64-bit seed is reachable with a bigint.
 */
export function seedToKey(fn: string, seed: unknown): [number, number] {
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed) || seed < 0) throw rangeError(fn, 'options.seed', 'must be a non-negative safe integer or a bigint in [0, 2^64)', seed);
    return [seed % 0x100000000, Math.floor(seed / 0x100000000)];
  }
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed >= 1n << 64n) throw rangeError(fn, 'options.seed', 'must be a bigint in [0, 2^64)', seed);
    return [Number(seed & 0xffffffffn), Number(seed >> 32n)];
  }
  throw typeError(fn, 'options.seed', 'must be a number or a bigint', seed);
}
