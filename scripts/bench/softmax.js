'use strict';
// sketchmax's own measurements: throughput per ISA x algorithm against the bandwidth floor, the
// TypeScript path against native, tiny rows (call overhead), and multi-row shapes.
// All calls are synchronous, single-threaded, float32, with a preallocated `out`.
const { uniform } = require('./data');
const { naiveSoftmax } = require('./peers');
const { timeGroup } = require('./timing');

const ALGORITHMS = ['three-pass-reload', 'three-pass-recompute', 'two-pass', 'auto'];
const EXPLICIT = ALGORITHMS.filter((a) => a !== 'auto');
const F32 = 4;

/** Bytes of input + output of an f32 row: the quantity the 'auto' threshold is expressed in. */
const rowBytesF32 = (cols) => 2 * cols * F32;

/** Big arrays are few calls of many ms; small ones need many calls per sample. */
function optsFor(n, base) {
  return n > 1 << 24 ? { ...base, minSamples: base.minSamplesHuge, maxSamples: base.minSamplesHuge } : base;
}

/** softmaxTwoPassMinBytes() of each runnable ISA (Infinity: 'auto' never runs two-pass there). */
function autoThresholds(lib) {
  const t = {};
  for (const isa of lib.isas) {
    lib.sketchmax.setIsa(isa);
    t[isa] = lib.binding.softmaxTwoPassMinBytes();
  }
  if (lib.bestIsa) lib.sketchmax.setIsa(lib.bestIsa);
  return t;
}

/** What 'auto' runs for one f32 row of `cols` elements on an ISA with threshold minBytes. */
function autoPick(minBytes, cols) {
  return rowBytesF32(cols) >= minBytes ? 'two-pass' : 'three-pass-reload';
}

/** Config list for one size: every ISA x algorithm, plus the floor per ISA. */
function throughputConfigs(lib, x, out) {
  const { sketchmax, binding } = lib;
  const configs = [];
  for (const isa of lib.isas) {
    const setup = () => sketchmax.setIsa(isa);
    for (const algorithm of ALGORITHMS) {
      const opts = { out, algorithm, backend: 'native' };
      configs.push({ key: `${isa}|${algorithm}`, setup, fn: () => sketchmax.softmax(x, opts) });
    }
    if (typeof binding.benchFloorPass === 'function') {
      configs.push({ key: `${isa}|floor`, setup, fn: () => binding.benchFloorPass(x, out, 1, 0, false) });
    }
  }
  return configs;
}

/**
 * Section 1: G elements/s per size x ISA x algorithm and the floor.
 * @returns {sizes, thresholds, results: [{n, isa, algorithm, medianNs, geps, samplesNs, inner}]}
 */
function runThroughput(lib, cfg, progress) {
  if (!lib.binding || lib.isas.length === 0) {
    return { skipped: `the addon is not loaded: ${lib.loadError}` };
  }
  const thresholds = autoThresholds(lib);
  const results = [];
  for (const n of cfg.sizes) {
    progress(`throughput n=${n}`);
    let x = uniform(Float32Array, n, -10, 10, n);
    let out = new Float32Array(n);
    const timed = timeGroup(throughputConfigs(lib, x, out), optsFor(n, cfg.timing));
    for (const [key, t] of timed) {
      const [isa, algorithm] = key.split('|');
      results.push({ n, isa, algorithm, medianNs: t.medianNs, geps: n / t.medianNs, samplesNs: t.samplesNs, inner: t.inner });
    }
    x = out = null; // let the next size reuse the memory
  }
  lib.sketchmax.setIsa(lib.bestIsa);
  return { sizes: cfg.sizes, thresholds, results };
}

/** Section 2a: the TypeScript backend (and a naive loop) against native at one size. */
function runTsPath(lib, cfg, progress) {
  const { sketchmax } = lib;
  const n = cfg.tsSize;
  progress(`TS path n=${n}`);
  const x = uniform(Float32Array, n, -10, 10, 7);
  const out = new Float32Array(n);
  const configs = [];
  if (lib.binding) configs.push({ key: 'native auto', fn: () => sketchmax.softmax(x, { out, backend: 'native' }) });
  for (const algorithm of ALGORITHMS) {
    configs.push({ key: `js ${algorithm}`, fn: () => sketchmax.softmax(x, { out, algorithm, backend: 'js' }) });
  }
  configs.push({ key: 'naive JS loop', fn: () => naiveSoftmax(x, out) });
  const timed = timeGroup(configs, cfg.timing);
  return {
    n,
    isa: lib.binding ? lib.bestIsa : null,
    results: [...timed].map(([key, t]) => ({ key, medianNs: t.medianNs, geps: n / t.medianNs, samplesNs: t.samplesNs, inner: t.inner })),
  };
}

/**
 * Up to how many elements backend 'auto' runs TypeScript even with the addon loaded (an internal
 * constant of dist/softmax/softmax.js; 0 when this build has no such rule).
 */
function autoJsMaxElements() {
  try {
    return require('../../dist/softmax/softmax.js').AUTO_JS_MAX_ELEMENTS || 0;
  } catch {
    return 0;
  }
}

/** Section 2b: per-call time of tiny rows, where validation and the N-API crossing dominate. */
function runTiny(lib, cfg, progress) {
  const jsMax = autoJsMaxElements();
  const { sketchmax } = lib;
  const results = [];
  for (const n of cfg.tinySizes) {
    progress(`tiny rows n=${n}`);
    const x = uniform(Float32Array, n, -10, 10, 100 + n);
    const out = new Float32Array(n);
    const configs = [
      { key: 'auto', fn: () => sketchmax.softmax(x, { out, backend: 'auto' }) },
      { key: 'js', fn: () => sketchmax.softmax(x, { out, backend: 'js' }) },
      { key: 'naive JS loop', fn: () => naiveSoftmax(x, out) },
    ];
    const timed = timeGroup(configs, { inner: cfg.tinyCalls, minSamples: cfg.tinySamples });
    const autoRuns = lib.binding && n > jsMax ? 'native' : 'js';
    for (const [key, t] of timed) results.push({ n, key, autoRuns, nsPerCall: t.medianNs, medianNs: t.medianNs, samplesNs: t.samplesNs, calls: t.inner });
  }
  return { calls: cfg.tinyCalls, samples: cfg.tinySamples, autoJsMaxElements: jsMax, backendAuto: lib.binding ? `native (${lib.bestIsa})` : 'js', results };
}

/** Section 3a: long rows (rows > 1) against one row of the same total, best ISA. */
function runMultiRowLong(lib, cfg, progress) {
  if (!lib.binding) return { skipped: `the addon is not loaded: ${lib.loadError}` };
  const { sketchmax, binding } = lib;
  const total = cfg.multiTotal;
  progress(`multi-row long rows, total ${total}`);
  let x = uniform(Float32Array, total, -10, 10, 11);
  let out = new Float32Array(total);
  const configs = [];
  for (const rows of cfg.longRows) {
    for (const algorithm of ['auto', 'two-pass']) {
      const opts = { out, rows, algorithm, backend: 'native' };
      configs.push({ key: `${rows}|${algorithm}`, fn: () => sketchmax.softmax(x, opts) });
    }
  }
  if (typeof binding.benchFloorPass === 'function') {
    configs.push({ key: '1|floor', fn: () => binding.benchFloorPass(x, out, 1, 0, false) });
  }
  const timed = timeGroup(configs, optsFor(total, cfg.timing));
  x = out = null;
  const results = [...timed].map(([key, t]) => {
    const [rows, algorithm] = key.split('|');
    return { rows: Number(rows), cols: total / Number(rows), algorithm, medianNs: t.medianNs, geps: total / t.medianNs, samplesNs: t.samplesNs };
  });
  lib.sketchmax.setIsa(lib.bestIsa);
  return { isa: lib.bestIsa, total, twoPassMinBytes: binding.softmaxTwoPassMinBytes(), results };
}

/** Section 3b: many short rows, native against the TypeScript backend. */
function runMultiRowShort(lib, cfg, progress) {
  const { sketchmax } = lib;
  const maxTotal = Math.max(...cfg.shortShapes.map(([r, c]) => r * c));
  let xAll = uniform(Float32Array, maxTotal, -10, 10, 13);
  let outAll = new Float32Array(maxTotal);
  const results = [];
  for (const [rows, cols] of cfg.shortShapes) {
    progress(`multi-row short rows ${rows}x${cols}`);
    const x = xAll.subarray(0, rows * cols);
    const out = outAll.subarray(0, rows * cols);
    const configs = [{ key: 'js', fn: () => sketchmax.softmax(x, { out, rows, backend: 'js' }) }];
    if (lib.binding) configs.unshift({ key: 'native', fn: () => sketchmax.softmax(x, { out, rows, backend: 'native' }) });
    const timed = timeGroup(configs, optsFor(rows * cols, cfg.timing));
    for (const [key, t] of timed) {
      results.push({ rows, cols, key, medianNs: t.medianNs, geps: (rows * cols) / t.medianNs, samplesNs: t.samplesNs });
    }
  }
  xAll = outAll = null;
  return { isa: lib.binding ? lib.bestIsa : null, results };
}

module.exports = {
  ALGORITHMS,
  EXPLICIT,
  autoPick,
  rowBytesF32,
  runThroughput,
  runTsPath,
  runTiny,
  runMultiRowLong,
  runMultiRowShort,
};
