'use strict';
// Seeded inputs: the same numbers on every run and machine (no Math.random), so results compare
// across runs. sfc32 is small, fast in JS, and passes PractRand far beyond our needs.

function sfc32(seed) {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next(); // mix the seed in
  return next;
}

/** An array of `type` (Float32Array / Float64Array) with n values uniform in [lo, hi). */
function uniform(type, n, lo, hi, seed) {
  const next = sfc32(seed);
  const a = new type(n);
  const w = hi - lo;
  if (type === Float64Array) {
    // 53 random bits, so float64 inputs are not secretly float32 values.
    for (let i = 0; i < n; i++) a[i] = lo + w * ((next() >>> 5) * 67108864 + (next() >>> 6)) * 1.1102230246251565e-16;
  } else {
    for (let i = 0; i < n; i++) a[i] = lo + w * next() * 2.3283064365386963e-10;
  }
  return a;
}

module.exports = { sfc32, uniform };
