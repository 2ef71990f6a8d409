'use strict';
// Sketch application (issue 4, figure 4): S·A for the sparse sketches (sparse-sign with 8 nonzeros
// per column, countsketch) on a tall Gaussian A, as a fraction of the speed of one streaming read of
// A measured in the same run; SRHT and Gaussian times; threads = 1 against the default (all cores).
const { gaussianProblem, roundRobin, pairedRatio } = require('./lstsq');
const { median } = require('./timing');

/**
 * Read passes over A, each of which reads all of A at least once, so the fastest of them bounds the
 * time of one streaming read from above:
 *  - 'floor-native-read': the addon's finite-check scan (firstNonFinite) on every core: exactly one
 *    streaming read of A with nothing written, the floor the targets are stated against;
 *  - 'floor-native': the addon's benchFloorPass on A (float64, one thread): a streaming read of A
 *    (row max) and one out-of-place pass out = c·A, i.e. two reads and one write of A's size;
 *  - 'floor-js': a sum over A in JavaScript (one thread, four accumulators): one read of A, but
 *    scalar code that may not reach the memory bandwidth.
 * The per-round minimum is the floor.
 */
function floorConfigs(lib, A) {
  const configs = [];
  let sink = 0;
  if (lib.binding && typeof lib.binding.firstNonFinite === 'function') {
    // The addon's finite-check scan: one streaming read of A on every core, nothing written.
    const threads = require('node:os').availableParallelism();
    configs.push({ key: 'floor-native-read', fn: () => lib.binding.firstNonFinite(A.data, threads) });
  }
  if (lib.binding && typeof lib.binding.benchFloorPass === 'function') {
    const out = new Float64Array(A.data.length);
    configs.push({ key: 'floor-native', fn: () => lib.binding.benchFloorPass(A.data, out, 1, 0, false) });
  }
  const x = A.data;
  configs.push({
    key: 'floor-js',
    fn: () => {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      const n = x.length;
      let i = 0;
      for (; i + 3 < n; i += 4) {
        s0 += x[i];
        s1 += x[i + 1];
        s2 += x[i + 2];
        s3 += x[i + 3];
      }
      for (; i < n; i++) s0 += x[i];
      sink += s0 + s1 + s2 + s3;
      return sink;
    },
  });
  return configs;
}

/**
 * The floor of one group: in each round, the fastest of the read passes (each bounds one read's time
 * from above, and load from other work moves them differently), so the tightest bound of that round.
 */
function perRoundMinFloor(timed, keys) {
  const rounds = timed.get(keys[0]).samplesNs.length;
  const samplesNs = [];
  for (let r = 0; r < rounds; r++) samplesNs.push(Math.min(...keys.map((k) => timed.get(k).samplesNs[r])));
  return { medianNs: median(samplesNs), samplesNs };
}

const FLOOR_LABELS = {
  'floor-native-read': 'firstNonFinite scan (native, all cores: one streaming read of A)',
  'floor-native': 'benchFloorPass (native, 1 thread: read + read/write pass; ≥ 1 read)',
  'floor-js': 'JS sum over A (1 thread, 4 accumulators; 1 read)',
};

/**
 * Figure 4. Group 1 (the fast ones, more rounds): the read floors, sparse-sign(8) and countsketch at
 * m = 12d, countsketch at the larger m, each at the default threads and threads = 1. Group 2: SRHT and
 * Gaussian at m = 12d (slow), against one floor for scale.
 */
async function runSketch(lib, api, cfg, progress) {
  const { n, d, rounds, slowRounds, slowThreads1, slowWarmup, countsketchRows, jsMaxEntries } = cfg.sketchShape;
  if (!api.sketch) return { n, d, skipped: 'sketch() is neither exported nor built (dist/sketch/sketch.js)' };
  if (!api.nativeSketch && n * d > jsMaxEntries) {
    return { n, d, skipped: `${api.notes.join('; ')}; the TypeScript sketch is not run at this size` };
  }
  const P = gaussianProblem(n, d, progress);
  const A = P.A;
  const backend = api.sketchBackend;
  const m = 12 * d;
  const multi = api.cores > 1 && backend === 'native';
  const cases = [
    { key: `sparse-sign8|${m}`, kind: 'sparse-sign', rows: m, nnzPerColumn: 8, target: true },
    { key: `countsketch|${m}`, kind: 'countsketch', rows: m, target: true },
    ...countsketchRows.map((k) => ({ key: `countsketch|${k * d}`, kind: 'countsketch', rows: k * d, target: true })),
  ];
  const slow = [
    { key: `srht|${m}`, kind: 'srht', rows: m },
    // Gaussian costs m·n·d multiply-adds plus m·n normal draws: at m = 12d on 10^8 entries that is
    // over a minute, so it runs at m = 2d, enough to show its rate.
    { key: `gaussian|${2 * d}`, kind: 'gaussian', rows: 2 * d },
  ];
  const sketchFn = (c, threads) => {
    const o = { rows: c.rows, kind: c.kind, backend };
    if (c.nnzPerColumn) o.nnzPerColumn = c.nnzPerColumn;
    if (threads) o.threads = threads;
    return () => api.sketch(A, o);
  };
  let floors = floorConfigs(lib, A);
  const fast = [...floors];
  for (const c of cases) {
    fast.push({ key: `${c.key}|t${api.cores}`, fn: sketchFn(c) });
    if (multi) fast.push({ key: `${c.key}|t1`, fn: sketchFn(c, 1) });
  }
  progress(`sketch ${n} x ${d}: ${fast.length} configs round-robin, ${rounds} rounds`);
  const t1 = await roundRobin(fast, rounds, progress, `sketch ${n} x ${d}`);
  const floorKeys = floors.map((f) => f.key);
  const floor = perRoundMinFloor(t1, floorKeys);
  const bytes = A.data.byteLength;
  const results = [];
  for (const c of cases) {
    const main = t1.get(`${c.key}|t${api.cores}`);
    const one = t1.get(`${c.key}|t1`);
    results.push({
      kind: c.kind,
      rows: c.rows,
      nnzPerColumn: c.nnzPerColumn || null,
      target: !!c.target,
      medianNs: main.medianNs,
      samplesNs: main.samplesNs,
      fractionOfRead: 1 / pairedRatio(main, floor),
      t1MedianNs: one ? one.medianNs : null,
      t1OverT: one ? pairedRatio(one, main) : null,
    });
  }
  // Slow group: SRHT and Gaussian, with the read passes again (cheap next to them) for its own floor.
  const slowCfgs = [...floors];
  for (const c of slow) {
    slowCfgs.push({ key: `${c.key}|t${api.cores}`, fn: sketchFn(c) });
    if (multi && slowThreads1.includes(c.kind)) slowCfgs.push({ key: `${c.key}|t1`, fn: sketchFn(c, 1) });
  }
  progress(`sketch ${n} x ${d}: SRHT and Gaussian, ${slowRounds} rounds${slowWarmup ? '' : ', no warm-up'}`);
  const t2 = await roundRobin(slowCfgs, slowRounds, progress, `sketch ${n} x ${d} (dense)`, { warmup: slowWarmup });
  const floor2 = perRoundMinFloor(t2, floorKeys);
  for (const c of slow) {
    const main = t2.get(`${c.key}|t${api.cores}`);
    const one = t2.get(`${c.key}|t1`);
    results.push({
      kind: c.kind,
      rows: c.rows,
      nnzPerColumn: null,
      target: false,
      medianNs: main.medianNs,
      samplesNs: main.samplesNs,
      fractionOfRead: 1 / pairedRatio(main, floor2),
      t1MedianNs: one ? one.medianNs : null,
      t1OverT: one ? pairedRatio(one, main) : null,
    });
  }
  floors = null;
  return {
    n,
    d,
    rounds,
    slowRounds,
    slowWarmup,
    backend,
    isa: backend === 'native' ? lib.bestIsa : null,
    threads: api.cores,
    sketchSource: api.sketchSource,
    bytes,
    floorKey: 'per-round-min',
    floor: { ...floor, gbps: bytes / floor.medianNs },
    floorSlow: { ...floor2, gbps: bytes / floor2.medianNs },
    floors: floorKeys.map((k) => ({ key: k, label: FLOOR_LABELS[k], medianNs: t1.get(k).medianNs, gbps: bytes / t1.get(k).medianNs, samplesNs: t1.get(k).samplesNs })),
    results,
  };
}

module.exports = { runSketch, perRoundMinFloor };
