// Seeded pseudo-random inputs for the suites (never Math.random: every failure must reproduce).
import type { Dtype } from './reference';

// jest runs modules in a vm context where every global lookup (Math, Infinity, NaN, Object) goes
// through an interceptor, ~15x slower in hot loops: take them once at module scope.
const { imul, floor } = Math;

/** mulberry32: a small 32-bit generator; plenty for test inputs. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.u32() >>> 5; // 27 bits
    const lo = this.u32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return floor(this.next() * n);
  }
}

export type FloatArray = Float32Array | Float64Array;

export function alloc(dtype: Dtype, n: number): FloatArray {
  return dtype === 'f32' ? new Float32Array(n) : new Float64Array(n);
}

/** n values uniform in [lo, hi) of the given dtype (float32 values are rounded on store). */
export function uniformArray(dtype: Dtype, n: number, lo: number, hi: number, rng: Rng): FloatArray {
  const a = alloc(dtype, n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
  return a;
}

/** A seed derived from a label, so each case has its own reproducible stream. */
export function seedOf(label: string): number {
  let h = 2166136261;
  for (let i = 0; i < label.length; i++) h = imul(h ^ label.charCodeAt(i), 16777619);
  return h >>> 0;
}
