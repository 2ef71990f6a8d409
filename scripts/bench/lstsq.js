'use strict';
// Least-squares bench (issue 4, figures 1-3): sketchmax.lstsq against numpy.linalg.lstsq on tall
// Gaussian problems (1,000,000 x 100 and 200,000 x 500) and against ml-matrix's QR solve (20,000 x 50).
// Also the helpers the sketch and accuracy sections share: the API under test (public or, until it is
// exported, the internal TypeScript solver), seeded Gaussian problems, residuals, and an async
// round-robin timer (numpy runs in a persistent python3 child, so its samples interleave with ours).
const os = require('node:os');
const path = require('node:path');

const { sfc32 } = require('./data');
const { startNumpy, loadNumpy, loadMlMatrix } = require('./lstsq_peers');
const { median, nowNs } = require('./timing');

const DIST = path.join(__dirname, '..', '..', 'dist');

// ---------- the API under test ----------

function tryRequire(file) {
  try {
    return require(file);
  } catch {
    return null;
  }
}

/**
 * sketch() and lstsq() of the built library: the public exports of dist/sketchmax.js when present,
 * else the internal modules (dist/sketch/sketch.js, dist/linalg/lstsq_js.js) so that the bench runs
 * while the API is being written. native*: whether backend 'native' can run each (the addon is loaded
 * and has the kernels), which decides the backend the bench asks for.
 */
function resolveApi(lib) {
  const sm = lib.sketchmax;
  const b = lib.binding;
  const api = { notes: [] };
  if (typeof sm.lstsq === 'function') {
    api.lstsq = sm.lstsq;
    api.lstsqSource = 'sketchmax.lstsq (public API, dist/sketchmax.js)';
    api.nativeLstsq = !!(b && typeof b.lstsq === 'function');
  } else {
    const internal = tryRequire(path.join(DIST, 'linalg', 'lstsq_js.js'));
    if (internal && typeof internal.lstsqJs === 'function') {
      api.lstsq = (A, rhs, o) => internal.lstsqJs(A, rhs, o);
      api.lstsqSource = 'internal lstsqJs (dist/linalg/lstsq_js.js; TypeScript only: sketchmax.lstsq is not exported yet)';
      api.notes.push('sketchmax.lstsq is not exported by dist/sketchmax.js yet: the TypeScript solver lstsqJs was measured, and native rows are skipped.');
    } else {
      api.lstsqSource = null;
      api.notes.push('neither sketchmax.lstsq nor dist/linalg/lstsq_js.js is available: least-squares rows skipped');
    }
    api.nativeLstsq = false;
  }
  if (typeof sm.sketch === 'function') {
    api.sketch = sm.sketch;
    api.sketchSource = 'sketchmax.sketch (public API, dist/sketchmax.js)';
  } else {
    const internal = tryRequire(path.join(DIST, 'sketch', 'sketch.js'));
    if (internal && typeof internal.sketch === 'function') {
      api.sketch = internal.sketch;
      api.sketchSource = 'internal sketch (dist/sketch/sketch.js: sketchmax.sketch is not exported yet)';
    } else api.sketchSource = null;
  }
  api.nativeSketch = !!(api.sketch && b && typeof b.sketchAccumulate === 'function');
  if (api.sketch && !api.nativeSketch) api.notes.push(`the addon ${b ? 'has no sketchAccumulate (rebuild it)' : 'is not loaded'}: sketches ran on the TypeScript backend`);
  api.lstsqBackend = api.nativeLstsq ? 'native' : 'js';
  api.sketchBackend = api.nativeSketch ? 'native' : 'js';
  api.cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return api;
}

// ---------- seeded problems ----------

/** Standard normal deviates by Box-Muller on sfc32 (53-bit uniforms), seeded. */
function normals(seed) {
  const next = sfc32(seed);
  const uniform = () => ((next() >>> 5) * 67108864 + (next() >>> 6)) * 1.1102230246251565e-16; // [0, 1)
  let spare = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const t = 2 * Math.PI * uniform();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}

/** Fills arr with N(0, 1) deviates. */
function fillNormal(arr, seed) {
  const g = normals(seed);
  for (let i = 0; i < arr.length; i++) arr[i] = g();
  return arr;
}

/** out = A·x (row-major n x d), float64. */
function matvec(A, x, out = new Float64Array(A.rows)) {
  const { data, rows, cols } = A;
  for (let i = 0, o = 0; i < rows; i++, o += cols) {
    let s0 = 0;
    let s1 = 0;
    let j = 0;
    for (; j + 1 < cols; j += 2) {
      s0 += data[o + j] * x[j];
      s1 += data[o + j + 1] * x[j + 1];
    }
    if (j < cols) s0 += data[o + j] * x[j];
    out[i] = s0 + s1;
  }
  return out;
}

function norm2(v) {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** ‖b - A·x‖₂ in float64, the same code for every solver's x. */
function residualNorm(A, b, x) {
  const r = matvec(A, x);
  let s = 0;
  for (let i = 0; i < r.length; i++) {
    const e = b[i] - r[i];
    s += e * e;
  }
  return Math.sqrt(s);
}

/** ‖x - y‖₂ / ‖y‖₂. */
function relDiff(x, y) {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (x[i] - y[i]) ** 2;
  return Math.sqrt(s) / norm2(y);
}

// The 800 MB problems share one buffer (1,000,000 x 100 and 200,000 x 500 are both 1e8 entries), so
// the process never holds two of them.
let bigBuffer = null;
let cached = null;

/**
 * The Gaussian regression problem of figures 1-4: A with N(0, 1) entries, x_true with N(0, 1)
 * entries, b = A·x_true + noise·N(0, 1). Seeded by (n, d); the last one is cached for the next section.
 */
function gaussianProblem(n, d, progress, noise = 0.1) {
  if (cached && cached.A.rows === n && cached.A.cols === d) return cached;
  cached = null;
  const size = n * d;
  let data;
  if (size >= 1e7) {
    if (!bigBuffer || bigBuffer.length < size) {
      bigBuffer = null;
      bigBuffer = new Float64Array(size);
    }
    data = bigBuffer.subarray(0, size);
  } else data = new Float64Array(size);
  const t0 = Date.now();
  fillNormal(data, n * 7 + d);
  const A = { data, rows: n, cols: d };
  const xTrue = fillNormal(new Float64Array(d), d + 1);
  const b = matvec(A, xTrue);
  const g = normals(n + 3);
  for (let i = 0; i < n; i++) b[i] += noise * g();
  if (progress) progress(`generated ${n} x ${d} Gaussian problem (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  cached = { A, b, xTrue, noise, name: `${n} x ${d} Gaussian` };
  return cached;
}

function dropCached() {
  cached = null;
  bigBuffer = null;
}

// ---------- timing ----------

/**
 * Round-robin timing of configs {key, fn, selfTimed?} whose fn may return a promise (numpy in the
 * child process, which reports the time of the lstsq call alone: selfTimed, result.ns). Each config
 * is called once untimed (warm-up: JIT, OpenBLAS thread start, first-touch page faults; skipped with
 * warmup: false for calls of many seconds), then
 * `rounds` times, one call each in turn with the starting config rotating, so that sample i of every
 * config ran within seconds of the others (report.js pairedRatio).
 * @returns Map key -> {medianNs, samplesNs, last (the last call's result)}
 */
async function roundRobin(configs, rounds, progress, label, { warmup = true } = {}) {
  const last = new Map();
  if (warmup) for (const c of configs) last.set(c.key, await c.fn());
  const samples = configs.map(() => []);
  for (let r = 0; r < rounds; r++) {
    if (progress && label) progress(`${label}: round ${r + 1}/${rounds}`);
    for (let j = 0; j < configs.length; j++) {
      const k = (j + r) % configs.length;
      const c = configs[k];
      const t0 = nowNs();
      const v = await c.fn();
      const t = nowNs() - t0;
      samples[k].push(c.selfTimed ? v.ns : t);
      last.set(c.key, v);
    }
  }
  const out = new Map();
  configs.forEach((c, k) => out.set(c.key, { medianNs: median(samples[k]), samplesNs: samples[k], last: last.get(c.key) }));
  return out;
}

/** Median of per-round ratios a/b (the configs were sampled round-robin, see report.js). */
function pairedRatio(a, b) {
  if (!a || !b) return NaN;
  if (a.samplesNs.length !== b.samplesNs.length) return a.medianNs / b.medianNs;
  return median(a.samplesNs.map((v, i) => v / b.samplesNs[i]));
}

// ---------- figures 1 and 2: sketchmax against numpy at large sizes ----------

/** The summary of a solve result worth keeping in the JSON (not x itself for big d). */
function summarize(r, A, b) {
  return { method: r.method, iterations: r.iterations, sketchRows: r.sketchRows, rank: r.rank, converged: r.converged, residualNorm: residualNorm(A, b, r.x) };
}

/**
 * One shape against numpy: SPIR ('sketch-precondition', defaults) at the default threads and, when
 * asked, at threads = 1; sketch-and-solve with 20d rows; numpy.linalg.lstsq on the same data.
 */
async function runVsNumpy(lib, api, cfg, progress, np, np1, shape) {
  const { n, d, rounds, threads1, solve } = shape;
  const label = `${n} x ${d}`;
  if (!api.lstsq) return { figure: shape.figure, n, d, skipped: api.notes.join('; ') };
  if (!api.nativeLstsq && n * d > cfg.jsMaxEntries) {
    return { figure: shape.figure, n, d, skipped: `no native solver in this build (${api.lstsqSource}); the TypeScript solver is not run at this size` };
  }
  const P = gaussianProblem(n, d, progress);
  const { A, b } = P;
  const backend = api.lstsqBackend;
  const configs = [];
  const spirOpts = { method: 'sketch-precondition', backend };
  configs.push({ key: 'spir', fn: () => api.lstsq(A, b, spirOpts) });
  if (threads1 && backend === 'native' && api.cores > 1) {
    configs.push({ key: 'spir-t1', fn: () => api.lstsq(A, b, { ...spirOpts, threads: 1 }) });
  }
  if (solve) {
    const sasOpts = { method: 'sketch-and-solve', sketch: { rows: 20 * d }, backend };
    configs.push({ key: 'sas', fn: () => api.lstsq(A, b, sasOpts) });
    if (threads1 && backend === 'native' && api.cores > 1) configs.push({ key: 'sas-t1', fn: () => api.lstsq(A, b, { ...sasOpts, threads: 1 }) });
  }
  // numpy at its default threads (the comparison) and, as a check on a loaded machine where
  // OpenBLAS's threads can slow it down, with one thread.
  let numpy = { skipped: np.skipped };
  let numpy1 = { skipped: np1.skipped || 'not run' };
  const live = [np, np1].filter((p) => !p.skipped);
  if (live.length) {
    progress(`${label}: handing the data to numpy`);
    const answers = await loadNumpy(live, A, b);
    live.forEach((p, k) => {
      const key = p === np ? 'numpy' : 'numpy-t1';
      if (answers[k].error) {
        const skip = { skipped: `numpy could not load the data: ${answers[k].error}` };
        if (p === np) numpy = skip;
        else numpy1 = skip;
      } else configs.push({ key, selfTimed: true, fn: () => p.solve({ x: true }) });
    });
  }
  progress(`${label}: ${configs.map((c) => c.key).join(', ')} round-robin, ${rounds} rounds after one warm-up`);
  const t = await roundRobin(configs, rounds, progress, label);
  for (const p of live) await p.free();
  const npRes = t.get('numpy');
  const np1Res = t.get('numpy-t1');
  let xNp = null;
  if (npRes) {
    if (npRes.last.error) numpy = { skipped: `numpy failed: ${npRes.last.error}` };
    else {
      xNp = Float64Array.from(npRes.last.x);
      numpy = { medianNs: npRes.medianNs, samplesNs: npRes.samplesNs, residualNorm: residualNorm(A, b, xNp) };
    }
  }
  if (np1Res && !np1Res.last.error) {
    numpy1 = { medianNs: np1Res.medianNs, samplesNs: np1Res.samplesNs, relDiffToNumpy: xNp ? relDiff(Float64Array.from(np1Res.last.x), xNp) : null };
  }
  const rows = {};
  for (const [key, v] of t) {
    if (key.startsWith('numpy')) continue;
    const row = { medianNs: v.medianNs, samplesNs: v.samplesNs, ...summarize(v.last, A, b) };
    if (xNp) {
      row.relDiffToNumpy = relDiff(v.last.x, xNp);
      row.residualRatio = row.residualNorm / numpy.residualNorm;
      row.timeOverNumpy = pairedRatio(v, npRes);
    }
    if (numpy1.medianNs) row.timeOverNumpy1 = pairedRatio(v, np1Res);
    rows[key] = row;
  }
  if (rows['spir-t1']) rows['spir-t1'].t1OverT2 = pairedRatio(t.get('spir-t1'), t.get('spir'));
  if (rows['sas-t1']) rows['sas-t1'].t1OverT2 = pairedRatio(t.get('sas-t1'), t.get('sas'));
  return { figure: shape.figure, target: shape.spirTarget, n, d, rounds, backend, threads: api.cores, problem: P.name, noise: P.noise, numpy, numpy1, rows };
}

// ---------- figure 3: ml-matrix at 20,000 x 50 ----------

async function runVsMlMatrix(lib, api, cfg, progress) {
  const { n, d, rounds } = cfg.mlShape;
  if (!api.lstsq) return { n, d, skipped: api.notes.join('; ') };
  const ml = loadMlMatrix();
  const P = gaussianProblem(n, d, progress);
  const { A, b } = P;
  const configs = [];
  let mlInfo = { skipped: ml.skipped };
  if (!ml.skipped) {
    // Built outside the timed region: ml-matrix's own Matrix of A and the column vector b.
    const M = ml.Matrix.from1DArray(n, d, Array.from(A.data));
    const B = ml.Matrix.columnVector(Array.from(b));
    configs.push({ key: 'ml-matrix', fn: () => new ml.QrDecomposition(M).solve(B) });
    mlInfo = { version: ml.version, call: 'new QrDecomposition(new Matrix(A)).solve(b)' };
  }
  const variants = [];
  if (api.nativeLstsq) variants.push(['native', 'qr'], ['native', 'auto']);
  variants.push(['js', 'qr'], ['js', 'auto']);
  for (const [backend, method] of variants) {
    configs.push({ key: `${backend}|${method}`, fn: () => api.lstsq(A, b, { method, backend }) });
  }
  progress(`${n} x ${d} vs ml-matrix: ${configs.map((c) => c.key).join(', ')}, ${rounds} rounds`);
  const t = await roundRobin(configs, rounds, progress, `${n} x ${d}`);
  const mlT = t.get('ml-matrix');
  let xMl = null;
  if (mlT) {
    xMl = Float64Array.from(mlT.last.getColumn(0));
    mlInfo = { ...mlInfo, medianNs: mlT.medianNs, samplesNs: mlT.samplesNs, residualNorm: residualNorm(A, b, xMl) };
  }
  const rows = {};
  for (const [backend, method] of variants) {
    const v = t.get(`${backend}|${method}`);
    const row = { backend, methodAsked: method, medianNs: v.medianNs, samplesNs: v.samplesNs, ...summarize(v.last, A, b) };
    if (mlT) {
      row.speedupVsMl = pairedRatio(mlT, v);
      row.relDiffToMl = relDiff(v.last.x, xMl);
    }
    rows[`${backend}|${method}`] = row;
  }
  return { n, d, rounds, ml: mlInfo, rows, lstsqSource: api.lstsqSource };
}

/** Figures 1-3. */
async function runLstsq(lib, api, cfg, progress) {
  const np = await startNumpy(progress);
  const np1 = np.skipped ? { skipped: np.skipped, close: async () => {} } : await startNumpy(progress, 1);
  try {
    const out = { numpyInfo: np.info || { skipped: np.skipped }, big: [] };
    for (const shape of cfg.numpyShapes) {
      out.big.push(await runVsNumpy(lib, api, cfg, progress, np, np1, shape));
    }
    dropCached();
    out.ml = await runVsMlMatrix(lib, api, cfg, progress);
    return out;
  } finally {
    await np.close();
    await np1.close();
  }
}

module.exports = {
  resolveApi,
  normals,
  fillNormal,
  matvec,
  norm2,
  residualNorm,
  relDiff,
  gaussianProblem,
  dropCached,
  roundRobin,
  pairedRatio,
  runLstsq,
};
