'use strict';
// Other ways to get a softmax in a Node.js program: onnxruntime-node, the obvious JS loop, and
// numpy/scipy in a Python child process. Each peer is skipped, with the reason, when unavailable.
const { spawnSync } = require('node:child_process');

const { uniform } = require('./data');
const { softmaxModel } = require('./onnx_model');
const { median, nowNs, planGroup, sampleSync, timeGroup } = require('./timing');

/** The textbook three-loop softmax (max; exp and sum; scale), what users write without a library. */
function naiveSoftmax(x, out) {
  const n = x.length;
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (x[i] > m) m = x[i];
  let s = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(x[i] - m);
    out[i] = e;
    s += e;
  }
  const inv = 1 / s;
  for (let i = 0; i < n; i++) out[i] *= inv;
  return out;
}

function loadOrt() {
  try {
    return { ort: require('onnxruntime-node') };
  } catch (e) {
    return { skipped: `onnxruntime-node is not installed or does not load (${e.message.split('\n')[0]})` };
  }
}

function maxAbsDiff(a, b) {
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    if (!(e <= d)) d = e; // NaN counts as a mismatch
  }
  return d;
}

/**
 * onnxruntime-node Softmax on rows x cols, one thread, against sketchmax (best ISA, auto) with a
 * preallocated out and with a fresh out per call (ORT allocates its output every run unless given
 * one in `fetches`, measured too). The variants are sampled in turn, as timeGroup does, so load
 * bursts hit all of them alike.
 */
async function runOrt(lib, cfg, progress) {
  const { ort, skipped } = loadOrt();
  if (skipped) return { skipped };
  const [rows, cols] = cfg.ortShape;
  progress(`onnxruntime-node ${rows}x${cols}`);
  const x = uniform(Float32Array, rows * cols, -10, 10, 17);
  const out = new Float32Array(rows * cols);
  let session;
  try {
    session = await ort.InferenceSession.create(softmaxModel(), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
  } catch (e) {
    return { skipped: `onnxruntime-node rejected the model: ${e.message}` };
  }
  const feeds = { x: new ort.Tensor('float32', x, [rows, cols]) };
  const ortOut = (await session.run(feeds)).y.data;
  const sm = lib.sketchmax;
  sm.softmax(x, { rows, out });
  const diff = maxAbsDiff(ortOut, out);

  // ORT writes into a tensor passed in `fetches` (checked, not assumed), which makes a second,
  // like-for-like row: both libraries with a preallocated output.
  const ortOutBuf = new Float32Array(rows * cols);
  const fetches = { y: new ort.Tensor('float32', ortOutBuf, [rows, cols]) };
  await session.run(feeds, fetches);
  const ortPreallocWorks = maxAbsDiff(ortOutBuf, ortOut) === 0;

  const variants = [
    { key: 'ort', fn: () => session.run(feeds), async: true },
    ...(ortPreallocWorks ? [{ key: 'ortPrealloc', fn: () => session.run(feeds, fetches), async: true }] : []),
    { key: 'prealloc', fn: () => sm.softmax(x, { rows, out }) },
    { key: 'alloc', fn: () => sm.softmax(x, { rows }) },
  ];
  // ORT's first runs are up to 2x slower than its steady state (arena growth, first-touch page
  // faults), so warm every variant for >= 5 calls and >= a quarter of the measurement budget.
  const oneCall = [];
  for (const v of variants) {
    const t0 = nowNs();
    let calls = 0;
    while (calls < 5 || nowNs() - t0 < cfg.timing.totalNs / 4) {
      await v.fn();
      calls++;
    }
    const t1 = nowNs();
    await v.fn();
    oneCall.push(nowNs() - t1);
  }
  const { rounds, inner } = planGroup(oneCall, cfg.timing);
  const s = Object.fromEntries(variants.map((v) => [v.key, []]));
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < variants.length; j++) {
      const k = (j + r) % variants.length; // rotate like timeGroup
      const v = variants[k];
      if (v.async) {
        const t0 = nowNs();
        for (let i = 0; i < inner[k]; i++) await v.fn();
        s[v.key].push((nowNs() - t0) / inner[k]);
      } else {
        s[v.key].push(sampleSync(v.fn, inner[k]));
      }
    }
  }
  await session.release?.();
  const m = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, median(v)]));
  const paired = (a, b) => median(a.map((v, i) => v / b[i])); // per-round ratio, see report.js
  return {
    ortVersion: require('onnxruntime-node/package.json').version,
    rows,
    cols,
    sketchmax: lib.binding ? `native ${lib.bestIsa}, auto` : 'js backend, auto',
    maxAbsDiff: diff,
    matches: diff <= 1e-5,
    ortMedianNs: m.ort,
    ortPreallocMedianNs: ortPreallocWorks ? m.ortPrealloc : null,
    ortPreallocNote: ortPreallocWorks ? null : 'session.run(feeds, {y: tensor}) did not write into the given tensor',
    sketchmaxPreallocMedianNs: m.prealloc,
    sketchmaxAllocMedianNs: m.alloc,
    ratioPrealloc: paired(s.ort, s.prealloc),
    ratioAlloc: paired(s.ort, s.alloc),
    ratioBothPrealloc: ortPreallocWorks ? paired(s.ortPrealloc, s.prealloc) : null,
    ratioOrtPrealloc: ortPreallocWorks ? paired(s.ort, s.ortPrealloc) : null,
    samplesNs: s,
  };
}

// Runs in python3: times scipy.special.softmax and a hand-written numpy softmax on float32 rows.
// Times include allocating the result, as numpy users pay it. Prints one JSON object.
const PYTHON = String.raw`
import json, statistics, sys, time
p = json.loads(sys.argv[1])
try:
    import numpy as np
except Exception as e:
    print(json.dumps({"skipped": "numpy is not importable: %s" % e})); sys.exit(0)
impls = []
def manual(x):
    m = x.max(axis=-1, keepdims=True)
    e = np.exp(x - m)
    e /= e.sum(axis=-1, keepdims=True)
    return e
impls.append(("numpy manual (x - max, exp, /sum)", manual))
scipy_version = None
scipy_error = None
try:
    import scipy, scipy.special
    scipy_version = scipy.__version__
    impls.insert(0, ("scipy.special.softmax", lambda x: scipy.special.softmax(x, axis=-1)))
except Exception as e:
    scipy_error = str(e)
def timeit(f, x):
    f(x)
    t0 = time.perf_counter_ns(); f(x); one = max(1, time.perf_counter_ns() - t0)
    n = min(p["maxSamples"], max(p["minSamples"], -(-p["totalNs"] // one)))
    s = []
    y = None
    for _ in range(n):
        t0 = time.perf_counter_ns(); y = f(x); s.append(time.perf_counter_ns() - t0)
    return s, y
rng = np.random.default_rng(12345)
results = []
for rows, cols in p["shapes"]:
    x = rng.uniform(-10, 10, size=(rows, cols)).astype(np.float32)
    for name, f in impls:
        s, y = timeit(f, x)
        err = float(np.abs(y.sum(axis=-1, dtype=np.float64) - 1).max())
        results.append({"rows": rows, "cols": cols, "impl": name, "medianNs": statistics.median(s),
                        "samplesNs": s, "dtype": str(y.dtype), "maxRowSumErr": err})
print(json.dumps({"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy_version,
                  "scipyError": scipy_error, "results": results}))
`;

/** numpy/scipy timings (child process), then sketchmax on the same shapes for the ratio. */
function runNumpy(lib, cfg, progress) {
  progress('numpy/scipy (python3)');
  const params = { shapes: cfg.numpyShapes, totalNs: cfg.timing.totalNs, minSamples: cfg.timing.minSamples, maxSamples: cfg.timing.maxSamples };
  const r = spawnSync('python3', ['-c', PYTHON, JSON.stringify(params)], { encoding: 'utf8', timeout: 600e3, maxBuffer: 64 << 20 });
  if (r.error) return { skipped: `python3 could not be run (${r.error.code || r.error.message})` };
  if (r.status !== 0) return { skipped: `python3 failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop()}` };
  let py;
  try {
    py = JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return { skipped: `python3 printed no JSON: ${r.stdout.slice(0, 200)}` };
  }
  if (py.skipped) return py;
  // sketchmax on the same shapes (its own seeded data; timing does not depend on the values).
  const sm = lib.sketchmax;
  const configs = [];
  const arrays = cfg.numpyShapes.map(([rows, cols]) => uniform(Float32Array, rows * cols, -10, 10, 19));
  cfg.numpyShapes.forEach(([rows, cols], k) => {
    const x = arrays[k];
    const out = new Float32Array(rows * cols);
    configs.push({ key: `${rows}x${cols}|prealloc`, fn: () => sm.softmax(x, { rows, out }) });
    configs.push({ key: `${rows}x${cols}|alloc`, fn: () => sm.softmax(x, { rows }) });
  });
  const timed = timeGroup(configs, cfg.timing);
  const sketchmax = [...timed].map(([key, t]) => {
    const [shape, mode] = key.split('|');
    return { shape, mode, medianNs: t.medianNs, samplesNs: t.samplesNs };
  });
  return { ...py, sketchmaxLabel: lib.binding ? `native ${lib.bestIsa}, auto` : 'js backend, auto', sketchmax };
}

module.exports = { naiveSoftmax, runOrt, runNumpy };
