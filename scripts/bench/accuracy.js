'use strict';
// Accuracy of every runnable ISA x algorithm (and the TypeScript backend) against a float64 reference.
// The reference is written here rather than imported from test/, so the bench checks the library
// independently of its own test helpers.
const { uniform } = require('./data');
const { ALGORITHMS } = require('./softmax');

/** Outputs below this are ignored for relative error (they are denormal-range noise in float32). */
const REL_FLOOR = 1e-30;
/** The TypeScript backend is slow on big rows (~1-2 s per call at 2^26), so only these two run. */
const JS_ALGORITHMS = ['three-pass-reload', 'two-pass'];

/**
 * Float64 softmax reference: exact max, x - max with its rounding error recovered by TwoSum (zero for
 * float32 inputs, whose difference is exact in float64), Math.exp, and a Neumaier-compensated sum.
 * Its own relative error is a few 1e-16.
 */
function reference(x) {
  const n = x.length;
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (x[i] > m) m = x[i];
  const ref = new Float64Array(n);
  let s = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const d = xi - m;
    const bb = d - xi;
    const err = xi - (d - bb) + (-m - bb); // TwoSum: xi - m = d + err exactly
    let e = Math.exp(d);
    e += e * err; // exp(d + err) to first order; err <= 2^-53 |d|
    ref[i] = e;
    const t = s + e;
    c += Math.abs(s) >= Math.abs(e) ? s - t + e : e - t + s;
    s = t;
  }
  const total = s + c;
  for (let i = 0; i < n; i++) ref[i] /= total;
  return ref;
}

/** Max relative error over reference outputs >= REL_FLOOR, and |sum(y) - 1| (compensated sum). */
function compare(y, ref) {
  let maxRel = 0;
  let worst = -1;
  let counted = 0;
  let s = 0;
  let c = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
    const r = ref[i];
    if (r >= REL_FLOOR) {
      counted++;
      const e = Math.abs(v - r) / r;
      if (!(e <= maxRel)) {
        maxRel = e; // NaN sticks
        worst = i;
      }
    }
  }
  return { maxRelErr: maxRel, sumErr: Math.abs(s + c - 1), counted, worstIndex: worst };
}

/** The inputs: float32 at 2^20 (two ranges) and 2^26 (full run only), float64 at 2^20. */
function cases(cfg) {
  const list = [
    { name: 'f32 2^20 U(-10,10)', type: Float32Array, n: 1 << 20, lo: -10, hi: 10, seed: 21 },
    { name: 'f32 2^20 U(90,100)', type: Float32Array, n: 1 << 20, lo: 90, hi: 100, seed: 22 },
  ];
  if (cfg.accuracyBig) list.push({ name: 'f32 2^26 U(-10,10)', type: Float32Array, n: 1 << 26, lo: -10, hi: 10, seed: 23 });
  list.push({ name: 'f64 2^20 U(-10,10)', type: Float64Array, n: 1 << 20, lo: -10, hi: 10, seed: 24 });
  return list;
}

/** Every (backend, ISA, algorithm) run on one input. */
function runsFor(lib) {
  const runs = [];
  for (const isa of lib.isas) for (const algorithm of ALGORITHMS) runs.push({ backend: 'native', isa, algorithm });
  for (const algorithm of JS_ALGORITHMS) runs.push({ backend: 'js', isa: null, algorithm });
  return runs;
}

/** What 'auto' runs for this input on the ISA in effect (the addon's threshold is in row bytes). */
function autoRan(lib, c) {
  const rowBytes = 2 * c.n * c.type.BYTES_PER_ELEMENT;
  return rowBytes >= lib.binding.softmaxTwoPassMinBytes() ? 'two-pass' : 'three-pass-reload';
}

function runAccuracy(lib, cfg, progress) {
  const { sketchmax } = lib;
  const results = [];
  for (const c of cases(cfg)) {
    progress(`accuracy ${c.name}`);
    let x = uniform(c.type, c.n, c.lo, c.hi, c.seed);
    let ref = reference(x);
    let out = new c.type(c.n);
    for (const r of runsFor(lib)) {
      if (r.isa) sketchmax.setIsa(r.isa);
      out.fill(NaN); // a skipped element must not pass as correct
      sketchmax.softmax(x, { out, algorithm: r.algorithm, backend: r.backend });
      const row = { input: c.name, dtype: c.type.name, n: c.n, ...r, ...compare(out, ref) };
      if (r.algorithm === 'auto') row.autoRan = autoRan(lib, c);
      results.push(row);
    }
    x = ref = out = null;
  }
  if (lib.bestIsa) sketchmax.setIsa(lib.bestIsa);
  return { relFloor: REL_FLOOR, results };
}

module.exports = { runAccuracy, reference, compare };
