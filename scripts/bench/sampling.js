'use strict';
// ℓp row-sampling bench (issue 5; notes/sensitivity-sampling.md §5): quality of the sampling schemes at
// p = 1 on the planted and heavy-tailed families, rows needed at p = 3 and 4 on a low-total-sensitivity
// family, end-to-end speed at 1,000,000 x 50, and the exact vs approximate leverage crossover.
// Run: `npm run bench -- --only=sampling` (full) or `npm run bench -- --only=sampling --quick`.
// Writes bench-results/sampling[-quick].{json,md} and bench-results/sampling[-quick]_*.svg; a full run
// with the public API also writes docs/bench/sampling.md and docs/bench/sampling_*.svg.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const { describe } = require('./machine');
const { machineRows, num, sci, table, time } = require('./report');
const { FAMILIES, lpObjective } = require('./sampling_families');
const { lineChart } = require('./svg');
const { median, nowNs } = require('./timing');

/** lib/sampling/sample.ts: 'sensitivity' is exact up to this many rows, approximate above. */
const EXACT_SENSITIVITY_MAX_ROWS = 500;

const ROOT = path.join(__dirname, '..', '..');

/** The parts of the sampling section, in the order they run (--sampling-parts picks some). */
const SAMPLING_PARTS = ['quality', 'qualityLarge', 'highP', 'leverage', 'speed', 'lewisBig'];

const SCHEMES = ['uniform', 'leverage', 'root-leverage', 'lewis', 'sensitivity', 'sensitivity+leverage'];
const COLORS = { uniform: '#7f7f7f', leverage: '#1f77b4', 'root-leverage': '#17becf', lewis: '#2ca02c', sensitivity: '#d62728', 'sensitivity+leverage': '#ff7f0e' };

const SAMPLING_FULL = {
  quality: {
    p: 1,
    // n = 20,000 (not 10^5): 'sensitivity' solves one small regression per row (~5 ms each).
    families: [
      { family: 'planted', n: 20000, d: 10 },
      { family: 'heavyTailed', n: 20000, d: 10 },
    ],
    multiples: [2, 4, 8, 16, 20, 32, 64],
    targetMultiple: 20,
    seeds: 20,
    distortionSeeds: 5,
    // embeddingDistortion's defaults (500 + 500 directions, 100 local-search steps) cost ~1 s per call
    // at n = 3000 and grow with n·d: the bench uses fewer directions (still a certified lower bound).
    distortionOptions: { directions: 200, localSearchSteps: 50 },
    schemes: SCHEMES,
    refTolerance: 1e-12,
    highs: true,
  },
  // The p = 1 targets at the notes' protocol size (n = 10^5): only m = 20d, only the schemes the
  // targets name, no distortion ('sensitivity' takes ~6 minutes per family here).
  qualityLarge: {
    p: 1,
    families: [
      { family: 'planted', n: 100000, d: 10 },
      { family: 'heavyTailed', n: 100000, d: 10 },
    ],
    multiples: [20],
    targetMultiple: 20,
    seeds: 20,
    distortionSeeds: 0,
    schemes: ['uniform', 'lewis', 'sensitivity'],
    refTolerance: 1e-12,
    highs: true,
  },
  // p > 2 instances: the low-rank + sparse family, and Hadamard spikes + sparse rows (the sharper
  // separation the tests check at 416 x 16), here at d = 32 with approximate sensitivities; `params`
  // are per-p family options.
  highP: {
    schemes: ['uniform', 'lewis', 'sensitivity', 'sensitivity+leverage'],
    instances: [
      { family: 'lowSensitivity', n: 4000, d: 20, k: 7, ps: [3, 4], multiples: [2, 4, 8, 16, 32], seeds: 20 },
      { family: 'spikes', n: 2080, d: 32, ps: [3, 4], params: { 3: { spikeShare: 0.25 }, 4: { spikeShare: 0.5 } }, multiples: [3, 4, 6, 8, 12, 16], seeds: 40 },
    ],
  },
  speed: { family: 'heavyTailed', n: 1000000, d: 50, ps: [1, 1.5], size: 2000, seeds: 5, fullRuns: 1 },
  lewisBig: { n: 1000000, d: 50, p: 1 },
  leverage: { n: 200000, ds: [10, 25, 50, 100, 200, 400], rounds: 3 },
};

const SAMPLING_QUICK = {
  // n = 5000, d = 8 rather than 10,000 x 10: the approximate sensitivities cost ~15 ms per row here.
  quality: { ...SAMPLING_FULL.quality, families: [{ family: 'planted', n: 5000, d: 8 }, { family: 'heavyTailed', n: 5000, d: 8 }], seeds: 20, distortionSeeds: 3, distortionOptions: { directions: 100, localSearchSteps: 30 } },
  qualityLarge: { ...SAMPLING_FULL.qualityLarge, families: [{ family: 'planted', n: 10000, d: 8 }, { family: 'heavyTailed', n: 10000, d: 8 }] },
  highP: {
    ...SAMPLING_FULL.highP,
    instances: [
      { ...SAMPLING_FULL.highP.instances[0], n: 2000, multiples: [4, 8, 16, 32], seeds: 12 },
      { ...SAMPLING_FULL.highP.instances[1], n: 416, d: 16, multiples: [4, 6, 8, 12], seeds: 20 },
    ],
  },
  speed: { ...SAMPLING_FULL.speed, n: 100000, d: 20, size: 800, seeds: 3 },
  lewisBig: { n: 100000, d: 20, p: 1 },
  leverage: { n: 20000, ds: [10, 25, 50, 100, 200, 400], rounds: 2 },
};

// ---------- the API under test ----------

/** The public sampling API of dist/sketchmax.js (the bench is skipped when it is not built). */
function resolveSamplingApi(lib) {
  const sm = lib.sketchmax;
  if (typeof sm.sampleRows === 'function') {
    return {
      public: true,
      source: 'public API (dist/sketchmax.js)',
      notes: [],
      sampleRows: sm.sampleRows,
      lpRegression: sm.lpRegression,
      lewisWeights: sm.lewisWeights,
      leverageScores: sm.leverageScores,
      lpSensitivities: sm.lpSensitivities,
      totalSensitivity: sm.totalSensitivity,
      embeddingDistortion: sm.embeddingDistortion,
      backend: sm.info().backend,
    };
  }
  return { public: false, source: null, notes: ['dist/sketchmax.js does not export the sampling API (build it: npx tsc -p tsconfig.build.json): sampling bench skipped'] };
}

// ---------- small helpers ----------

const ms = (ns) => ns / 1e6;

function quantile(values, q) {
  // Infinity (a failed solve) counts as the worst value; NaN is dropped.
  const s = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return lo === hi || s[hi] === s[lo] ? s[lo] : s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

function sum(a) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function timed(fn) {
  const t0 = nowNs();
  const value = fn();
  return { value, ns: nowNs() - t0 };
}

/** ratio of ℓp norms (f / fOpt)^{1/p} of objectives f = Σ|·|^p. */
const normRatio = (f, fOpt, p) => (fOpt > 0 ? Math.pow(f / fOpt, 1 / p) : f === 0 ? 1 : Infinity);

/**
 * The ℓ1 optimum min ‖Ax − b‖₁ from scipy's HiGHS on the dual LP max bᵀu s.t. Aᵀu = 0, |u| <= 1
 * (notes §3.1), when python3 with scipy is present (optional reference, never a dependency).
 */
function highsL1(A, b, progress) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sketchmax-highs-'));
  try {
    fs.writeFileSync(path.join(dir, 'A.bin'), Buffer.from(A.data.buffer, A.data.byteOffset, A.data.byteLength));
    fs.writeFileSync(path.join(dir, 'b.bin'), Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    const script = [
      'import sys, time, json, numpy as np, scipy',
      'from scipy.optimize import linprog',
      'n, d, dr = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]',
      "A = np.fromfile(dr + '/A.bin').reshape(n, d); b = np.fromfile(dr + '/b.bin')",
      't = time.time()',
      "r = linprog(-b, A_eq=A.T, b_eq=np.zeros(d), bounds=(-1, 1), method='highs')",
      "print(json.dumps({'ok': bool(r.status == 0), 'objective': float(-r.fun) if r.status == 0 else None, 'seconds': time.time() - t, 'scipy': scipy.__version__, 'message': r.message}))",
    ].join('\n');
    const r = spawnSync('python3', ['-c', script, String(A.rows), String(A.cols), dir], { encoding: 'utf8', timeout: 900e3 });
    if (r.status !== 0) return { skipped: (r.stderr || r.error?.message || 'python3/scipy unavailable').trim().split('\n').pop() };
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch (e) {
    progress(`HiGHS reference skipped: ${e.message}`);
    return { skipped: e.message };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function augment(A, b) {
  const { rows: n, cols: d, data } = A;
  const out = new Float64Array(n * (d + 1));
  for (let i = 0; i < n; i++) {
    out.set(data.subarray(i * d, (i + 1) * d), i * (d + 1));
    out[i * (d + 1) + d] = b[i];
  }
  return { data: out, rows: n, cols: d + 1 };
}

/**
 * Scores of a scheme on [A | b], once (the sampler's uniforms depend only on (seed, row), §1.4).
 * 'sensitivity+leverage' given the 'sensitivity' scores sigma of the same call (seed 0, so the same
 * σ the API would compute again): σ/Σσ + τ/Στ with τ = leverageScores([A | b]), the combination of
 * lib/sampling/sample.ts, without paying for the sensitivities twice (reported as such).
 */
function schemeScores(api, A, b, p, scheme, size, sigma = null) {
  if (scheme === 'sensitivity+leverage' && sigma) {
    const t0 = nowNs();
    const tau = api.leverageScores(augment(A, b));
    const S = sum(sigma);
    const T = sum(tau);
    const scores = sigma.map((v, i) => v / S + tau[i] / T);
    return { scores, ns: nowNs() - t0, total: sum(scores), reusedSensitivities: true };
  }
  const t = timed(() => api.sampleRows(A, { p, scores: scheme, size, seed: 0, b }));
  return { scores: t.value.scores, ns: t.ns, total: sum(t.value.scores) };
}

/** Per-(scheme, m) summary of runs: ratio median/p95, distortion median, realized sizes. */
function summarizeRuns(runs) {
  const ratios = runs.map((r) => r.ratio);
  const dist = runs.map((r) => r.distortion).filter((v) => v !== null && v !== undefined);
  const sizes = runs.map((r) => r.size);
  return {
    ratioMedian: quantile(ratios, 0.5),
    ratioP95: quantile(ratios, 0.95),
    ratioMax: Math.max(...ratios),
    distortionMedian: dist.length ? quantile(dist, 0.5) : null,
    distortionRuns: dist.length,
    sizeMin: Math.min(...sizes),
    sizeMax: Math.max(...sizes),
    sizeMean: sum(sizes) / sizes.length,
    maxKeptSigmaOverQ: Math.max(...runs.map((r) => r.maxKeptSigmaOverQ ?? -Infinity)),
    solveMsMedian: quantile(runs.map((r) => r.solveMs).filter((v) => Number.isFinite(v)), 0.5),
    unconverged: runs.filter((r) => !r.converged).length,
    failed: runs.filter((r) => r.error).length,
  };
}

/**
 * Samples, solves and measures one (scheme, m) cell over seeds. sigma: sensitivities on [A | b] when
 * known (for the max kept σ_i/q_i diagnostic of notes §5.5).
 */
function runCell(api, P, p, fOpt, scores, m, seeds, distortionSeeds, sigma, tolerance, distortionOptions = {}) {
  const { A, b } = P;
  const runs = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const s = api.sampleRows(A, { p, scores, size: m, seed });
    let t;
    try {
      t = timed(() => api.lpRegression(A, b, p, { sample: s, tolerance }));
    } catch (e) {
      // e.g. fewer distinct rows than columns: counted as a failed run (ratio Infinity).
      runs.push({ seed, m, size: s.size, expectedSize: s.expectedSize, ratio: Infinity, error: e.message, distortion: null, solveMs: NaN, converged: false });
      continue;
    }
    const fit = t.value;
    const f = lpObjective(A, b, fit.x, p);
    let distortion = null;
    let distortionInfo = null;
    if (api.embeddingDistortion && seed <= distortionSeeds) {
      const dd = api.embeddingDistortion(A, s, p, { ...distortionOptions, seed });
      distortion = dd.distortion;
      distortionInfo = { maxRatio: dd.maxRatio, minRatio: dd.minRatio, directions: dd.directions };
    }
    let maxKeptSigmaOverQ = null;
    if (sigma) {
      maxKeptSigmaOverQ = 0;
      for (let k = 0; k < s.indices.length; k++) maxKeptSigmaOverQ = Math.max(maxKeptSigmaOverQ, sigma[s.indices[k]] / s.probabilities[k]);
    }
    runs.push({
      seed,
      m,
      size: s.size,
      expectedSize: s.expectedSize,
      ratio: normRatio(f, fOpt, p),
      fullObjectiveApi: fit.fullObjective,
      objectiveCheck: fit.fullObjective !== undefined ? Math.abs(fit.fullObjective - f) / f : null,
      distortion,
      distortionInfo,
      maxKeptSigmaOverQ,
      solveMs: ms(t.ns),
      iterations: fit.iterations,
      converged: fit.converged,
    });
  }
  return runs;
}

// ---------- quality, p = 1 ----------

/** The quality part on the families of `q` (cfg.quality or cfg.qualityLarge). */
function runQuality(api, q, progress) {
  const p = q.p;
  const out = { p, multiples: q.multiples, targetMultiple: q.targetMultiple, seeds: q.seeds, distortionSeeds: api.embeddingDistortion ? q.distortionSeeds : 0, families: [] };
  for (const spec of q.families) {
    const P = FAMILIES[spec.family]({ n: spec.n, d: spec.d, seed: 1 });
    const { A, b } = P;
    const d = A.cols;
    progress(`quality ${P.name}: full ℓ${p} solve (tolerance ${q.refTolerance})`);
    const ref = timed(() => api.lpRegression(A, b, p, { tolerance: q.refTolerance }));
    const fOpt = lpObjective(A, b, ref.value.x, p);
    const fam = {
      name: P.name,
      family: spec.family,
      note: P.note,
      params: P.params,
      n: A.rows,
      d,
      reference: { objective: fOpt, iterations: ref.value.iterations, converged: ref.value.converged, ms: ms(ref.ns) },
      schemes: {},
    };
    if (q.highs && p === 1) {
      const h = highsL1(A, b, progress);
      fam.reference.highs = h;
      if (h.ok) fam.reference.highsRelGap = (fOpt - h.objective) / h.objective;
      progress(`quality ${P.name}: lpRegression ${sci(fOpt)} (${ms(ref.ns).toFixed(0)} ms), HiGHS ${h.ok ? `${sci(h.objective)}, relative gap ${sci(fam.reference.highsRelGap)}` : `skipped (${h.skipped || h.message})`}`);
    }
    const sizes = q.multiples.map((k) => k * d);
    let sigma = null;
    for (const scheme of q.schemes) {
      progress(`quality ${P.name}: scores '${scheme}' on [A | b]`);
      let sc;
      try {
        sc = schemeScores(api, A, b, p, scheme, sizes[0], sigma);
      } catch (e) {
        fam.schemes[scheme] = { skipped: e.message };
        progress(`  '${scheme}' failed: ${e.message}`);
        continue;
      }
      if (scheme === 'sensitivity') sigma = sc.scores;
      const cells = [];
      for (const m of sizes) {
        const runs = runCell(api, P, p, fOpt, sc.scores, m, q.seeds, out.distortionSeeds, sigma, undefined, q.distortionOptions);
        const s = summarizeRuns(runs);
        cells.push({ m, multiple: m / d, ...s, runs });
        progress(`  ${scheme} m = ${m}: ratio ${s.ratioMedian.toFixed(4)}/${s.ratioP95.toFixed(4)} (median/p95), distortion ${s.distortionMedian === null ? 'n/a' : s.distortionMedian.toFixed(3)}, realized ${s.sizeMin}-${s.sizeMax}, Σscores ${num(sc.total)}`);
      }
      fam.schemes[scheme] = { scoreMs: ms(sc.ns), sumScores: sc.total, reusedSensitivities: !!sc.reusedSensitivities, cells };
    }
    out.families.push(fam);
  }
  out.targets = qualityTargets(out);
  return out;
}

function qualityTargets(out) {
  const targets = [];
  for (const fam of out.families) {
    const at = (scheme) => {
      const s = fam.schemes[scheme];
      return s && s.cells ? s.cells.find((c) => c.multiple === out.targetMultiple) : null;
    };
    const uni = at('uniform');
    for (const scheme of ['lewis', 'sensitivity']) {
      const c = at(scheme);
      const m = out.targetMultiple * fam.d;
      if (!c) {
        targets.push({ family: fam.name, target: `${scheme}: median ratio ≤ 1.05, p95 ≤ 1.15, uniform excess ≥ 2× (m = ${m})`, measured: 'not run', pass: null });
        continue;
      }
      targets.push({ family: fam.name, target: `${scheme} median ratio ≤ 1.05 (m = ${m})`, measured: c.ratioMedian.toFixed(4), pass: c.ratioMedian <= 1.05 });
      targets.push({ family: fam.name, target: `${scheme} p95 ratio ≤ 1.15 (m = ${m})`, measured: c.ratioP95.toFixed(4), pass: c.ratioP95 <= 1.15 });
      if (uni) {
        const ex = c.ratioMedian - 1;
        const exU = uni.ratioMedian - 1;
        targets.push({ family: fam.name, target: `uniform median excess ≥ 2× ${scheme}'s (m = ${m})`, measured: `${sci(exU)} vs ${sci(ex)} (${num(exU / ex)}×)`, pass: exU >= 2 * ex });
      }
    }
  }
  return targets;
}

// ---------- p = 3, 4 on a low-total-sensitivity family ----------

/** Smallest m where the p95 curve reaches `level`, by log-log interpolation between grid points. */
function rowsFor(cells, level) {
  for (let k = 0; k < cells.length; k++) {
    const c = cells[k];
    if (c.ratioP95 - 1 <= level - 1) {
      if (k === 0) return { m: c.sizeMean, bracket: 'at or below the smallest m' };
      const a = cells[k - 1];
      const ya = Math.log(a.ratioP95 - 1);
      const yb = Math.log(Math.max(c.ratioP95 - 1, 1e-300));
      const t = (Math.log(level - 1) - ya) / (yb - ya);
      const m = Math.exp(Math.log(a.sizeMean) + t * (Math.log(c.sizeMean) - Math.log(a.sizeMean)));
      return { m, bracket: 'interpolated' };
    }
  }
  return { m: null, bracket: 'not reached' };
}

function runHighP(api, cfg, progress) {
  const h = cfg.highP;
  const out = { runs: [] };
  for (const inst of h.instances) for (const p of inst.ps) out.runs.push(runHighPInstance(api, h.schemes, inst, p, progress));
  return out;
}

function runHighPInstance(api, schemes, inst, p, progress) {
  const P = FAMILIES[inst.family]({ n: inst.n, d: inst.d, k: inst.k, p, ...(inst.params?.[p] ?? {}), seed: 1 });
  const { A, b } = P;
  const d = A.cols;
  progress(`p = ${p} ${P.name}: full solve`);
  const ref = timed(() => api.lpRegression(A, b, p, { tolerance: 1e-12 }));
  const fOpt = lpObjective(A, b, ref.value.x, p);
  const res = { p, family: inst.family, seeds: inst.seeds, name: P.name, note: P.note, n: A.rows, d, reference: { objective: fOpt, iterations: ref.value.iterations, converged: ref.value.converged, ms: ms(ref.ns) }, schemes: {} };
  const sizes = inst.multiples.map((k) => k * d);
  let sigma = null;
  for (const scheme of schemes) {
    progress(`p = ${p}: scores '${scheme}' on [A | b]`);
    const sc = schemeScores(api, A, b, p, scheme, sizes[0], sigma);
    if (scheme === 'sensitivity') {
      sigma = sc.scores;
      res.sensitivityMethod = A.rows <= EXACT_SENSITIVITY_MAX_ROWS ? 'exact' : 'approximate';
    }
    const cells = [];
    for (const m of sizes) {
      const runs = runCell(api, P, p, fOpt, sc.scores, m, inst.seeds, 0, sigma, undefined);
      const s = summarizeRuns(runs);
      cells.push({ m, multiple: m / d, ...s, runs });
      progress(`  p = ${p} ${scheme} m = ${m}: ratio ${s.ratioMedian.toFixed(4)}/${s.ratioP95.toFixed(4)}, realized ${s.sizeMin}-${s.sizeMax}`);
    }
    res.schemes[scheme] = { scoreMs: ms(sc.ns), sumScores: sc.total, reusedSensitivities: !!sc.reusedSensitivities, cells };
  }
  // 𝔖 of [A | b] (d + 1 columns) from the sensitivities the sampler used; the Lewis weights sum to d + 1.
  const dd = d + 1;
  const S = res.schemes.sensitivity.sumScores;
  res.totalSensitivity = { S, columns: dd, dHalfP: Math.pow(dd, p / 2), sTwoMinus: Math.pow(S, 2 - 2 / p), method: res.sensitivityMethod };
  if (api.totalSensitivity) {
    try {
      const t = timed(() => api.totalSensitivity(A, p, { method: 'estimate', seed: 1 }));
      res.totalSensitivity.estimateOfA = { ...t.value, ms: ms(t.ns) };
    } catch (e) {
      res.totalSensitivity.estimateOfA = { error: e.message };
    }
  }
  // Rows needed for the p95 ratios Lewis reaches at its grid points, and at fixed levels.
  const lew = res.schemes.lewis.cells;
  const levels = [...new Set([...lew.slice(1).map((c) => +c.ratioP95.toPrecision(4)), 1.05, 1.02, 1.01])].filter((v) => v > 1).sort((a, b) => b - a);
  res.needed = levels.map((level) => {
    const row = { level };
    for (const scheme of schemes) row[scheme] = rowsFor(res.schemes[scheme].cells, level);
    for (const scheme of ['sensitivity', 'sensitivity+leverage']) {
      const a = row.lewis.m;
      const s = row[scheme].m;
      row[`factor:${scheme}`] = a && s ? a / s : null;
    }
    return row;
  });
  return res;
}

// ---------- speed at 1,000,000 x 50 ----------

function runSpeed(api, cfg, progress) {
  const sp = cfg.speed;
  const P = FAMILIES[sp.family]({ n: sp.n, d: sp.d, seed: 1 });
  const { A, b } = P;
  const out = { name: P.name, note: P.note, n: sp.n, d: sp.d, size: sp.size, seeds: sp.seeds, runs: [] };
  for (const p of sp.ps) {
    progress(`speed p = ${p}: full lpRegression on ${P.name} (default tolerance)`);
    const full = [];
    let ref = null;
    for (let r = 0; r < sp.fullRuns; r++) {
      const t = timed(() => api.lpRegression(A, b, p, {}));
      full.push(t.ns);
      ref = t.value;
    }
    const fOpt = lpObjective(A, b, ref.x, p);
    progress(`  full: ${time(median(full))}, ${ref.iterations} it., converged ${ref.converged}`);
    const pipes = [];
    for (let seed = 1; seed <= sp.seeds; seed++) {
      const t0 = nowNs();
      const s = api.sampleRows(A, { p, scores: 'lewis', size: sp.size, seed, b });
      const t1 = nowNs();
      const fit = api.lpRegression(A, b, p, { sample: s });
      const t2 = nowNs();
      const f = lpObjective(A, b, fit.x, p);
      pipes.push({ seed, sampleMs: ms(t1 - t0), solveMs: ms(t2 - t1), totalMs: ms(t2 - t0), size: s.size, expectedSize: s.expectedSize, sumScores: sum(s.scores), ratio: normRatio(f, fOpt, p), iterations: fit.iterations, converged: fit.converged });
      progress(`  seed ${seed}: scores+sample ${(t1 - t0) / 1e6 | 0} ms, solve ${(t2 - t1) / 1e6 | 0} ms, realized ${s.size}, ratio ${normRatio(f, fOpt, p).toFixed(4)}`);
    }
    const total = median(pipes.map((x) => x.totalMs));
    out.runs.push({
      p,
      fullMs: ms(median(full)),
      fullRuns: full.length,
      full: { iterations: ref.iterations, converged: ref.converged, objective: fOpt },
      pipelineMs: total,
      sampleMs: median(pipes.map((x) => x.sampleMs)),
      solveMs: median(pipes.map((x) => x.solveMs)),
      timeRatio: total / ms(median(full)),
      ratioMedian: quantile(pipes.map((x) => x.ratio), 0.5),
      ratioP95: quantile(pipes.map((x) => x.ratio), 0.95),
      pipes,
    });
  }
  return out;
}

function runLewisBig(api, cfg, progress) {
  const c = cfg.lewisBig;
  const P = FAMILIES.heavyTailed({ n: c.n, d: c.d, seed: 2 });
  const A = P.A;
  progress(`Lewis weights of ${P.name}, p = ${c.p}`);
  const lev = timed(() => api.leverageScores(A));
  const levA = timed(() => api.leverageScores(A, { method: 'approximate' }));
  const lw3 = timed(() => api.lewisWeights(A, c.p, { tolerance: 1e-3 }));
  const lw = timed(() => api.lewisWeights(A, c.p));
  const row = (t, tol) => ({ tolerance: tol, ms: ms(t.ns), iterations: t.value.iterations, leverageComputations: t.value.iterations + 1, residual: t.value.residual, converged: t.value.converged, overLeverage: t.ns / lev.ns });
  return { name: P.name, n: c.n, d: c.d, p: c.p, leverageExactMs: ms(lev.ns), leverageApproxMs: ms(levA.ns), lewis: [row(lw3, 1e-3), row(lw, 'default (1e-8)')] };
}

// ---------- leverage exact vs approximate ----------

function runLeverage(api, cfg, progress) {
  const c = cfg.leverage;
  const dMax = Math.max(...c.ds);
  const big = FAMILIES.gaussian({ n: c.n, d: dMax, seed: 3 }).A.data;
  const out = { n: c.n, rounds: c.rounds, rows: [] };
  for (const d of c.ds) {
    const A = { data: big.subarray(0, c.n * d), rows: c.n, cols: d };
    const ex = [];
    const ap = [];
    for (let r = 0; r < c.rounds; r++) {
      // Alternate the order each round (shared machine: both see the same load).
      const order = r % 2 ? ['approximate', 'exact'] : ['exact', 'approximate'];
      for (const method of order) {
        const t = timed(() => api.leverageScores(A, { method }));
        (method === 'exact' ? ex : ap).push(t.ns);
      }
    }
    const row = { d, exactMs: ms(median(ex)), approximateMs: ms(median(ap)) };
    row.speedup = row.exactMs / row.approximateMs;
    out.rows.push(row);
    progress(`leverage ${c.n} x ${d}: exact ${row.exactMs.toFixed(0)} ms, approximate ${row.approximateMs.toFixed(0)} ms`);
  }
  const win = out.rows.find((r) => r.approximateMs < r.exactMs);
  out.crossover = win ? win.d : null;
  return out;
}

// ---------- report ----------

const verdictPF = (ok) => (ok === null || ok === undefined ? 'n/a' : ok ? 'PASS' : '**FAIL**');

function header(r) {
  const m = r.machine;
  return [
    `# sketchmax ℓp row-sampling benchmark (${m.cpu})`,
    '',
    table(
      ['', ''],
      [
        ['Command', `\`${r.command}\``],
        ...machineRows(m),
        ['sketchmax', `${m.sketchmax.version}, backend ${m.sketchmax.backend}, ISA ${m.isaInEffect || 'none'}`],
        ['API measured', r.api.source || 'unavailable'],
        ['Date', m.date],
        ['Load average (1 min)', `${r.loadAvg.start.toFixed(2)} at the start, ${r.loadAvg.end.toFixed(2)} at the end (other work on this machine)`],
        ['Mode', r.quick ? '--quick (small sizes: a smoke test, not the figures)' : 'full'],
        ['Elapsed', `${r.elapsedS.toFixed(0)} s`],
      ],
    ),
    '',
    'Protocol (notes/sensitivity-sampling.md §5): every scheme uses the same Bernoulli sampler with water-filling',
    '(q_i = min(1, c·s_i), Σ q_i = m, weight 1/q_i on |·|^p) and the same seeds 1..N, so only the scores differ.',
    'Scores are computed once per (instance, scheme) on [A | b] (`sampleRows(A, {scores: scheme, b})`, its `scores`',
    'reused for every m and seed: the sampler draws u_i from (seed, i) only). Ratio = ‖Ax̃ − b‖_p / ‖Ax* − b‖_p',
    'on all rows, x̃ = `lpRegression(A, b, p, {sample})` (default tolerance), x* = the full `lpRegression`. Distortion =',
    '`embeddingDistortion(A, sample, p)` (certified lower bound on sup_x |‖SAx‖_p^p/‖Ax‖_p^p − 1|). "realized" = the',
    'number of rows actually kept (Σ q_i = m only in expectation). Every run (seed, realized size, Σ scores,',
    'ratio, distortion, max kept σ_i/q_i) is in the JSON file. The \'sensitivity+leverage\' scores reuse the σ of the',
    '\'sensitivity\' row (same call, same seed: the σ the API would recompute) and add τ/Στ as lib/sampling/sample.ts does;',
    'its score time excludes σ. Distortion uses fewer directions than embeddingDistortion\'s defaults (see config in the JSON).',
  ].join('\n');
}

/** svgBase null: no charts (the qualityLarge part has one sample size). */
function qualitySection(q, svgBase, title = `Quality, p = ${q.p}: ratio and distortion against sample size`) {
  const out = [`## ${title}`, ''];
  out.push(`m ∈ {${q.multiples.join(', ')}}·d, ${q.seeds} seeds per cell (${q.distortionSeeds ? `distortion: the first ${q.distortionSeeds}` : 'no distortion'}).`, '');
  for (const fam of q.families) {
    const ref = fam.reference;
    out.push(`### ${fam.name}`, '', `${fam.note}. Full solve: objective ${sci(ref.objective)}, ${ref.iterations} it., ${time(ref.ms * 1e6)}, converged ${ref.converged}` + (ref.highs ? (ref.highs.ok ? `; HiGHS dual LP (scipy ${ref.highs.scipy}) ${sci(ref.highs.objective)}, relative gap ${sci(ref.highsRelGap)}` : `; HiGHS: ${ref.highs.skipped || ref.highs.message}`) : '') + '.', '');
    const rows = [];
    for (const [scheme, s] of Object.entries(fam.schemes)) {
      if (s.skipped) {
        rows.push([scheme, 'skipped', s.skipped, '', '', '', '', '']);
        continue;
      }
      for (const c of s.cells) {
        rows.push([
          scheme,
          `${c.m} (${c.multiple}d)`,
          `${c.sizeMin}–${c.sizeMax}${c.failed ? ` (${c.failed} solves refused)` : ''}`,
          c.ratioMedian.toFixed(4),
          c.ratioP95.toFixed(4),
          c.distortionMedian === null ? 'n/a' : c.distortionMedian.toFixed(3),
          c.maxKeptSigmaOverQ > 0 ? num(c.maxKeptSigmaOverQ) : '',
          c === s.cells[0] ? `${num(s.sumScores)}; scores ${time(s.scoreMs * 1e6)}${s.reusedSensitivities ? ' (+ σ of the sensitivity row)' : ''}` : '',
        ]);
      }
    }
    out.push(table(['scheme', 'm', 'realized', 'ratio median', 'ratio p95', 'distortion median', 'max kept σ_i/q_i', 'Σ scores; score time'], rows), '');
    if (svgBase) out.push(`![ratio](${svgBase}_${fam.family}_ratio.svg) ![distortion](${svgBase}_${fam.family}_distortion.svg)`, '');
  }
  return out.join('\n');
}

function highPSection(h) {
  const out = ['## p = 3 and 4: rows needed on low-total-sensitivity families', ''];
  if (h.skipped) return [...out, `Skipped: ${h.skipped}`].join('\n');
  for (const r of h.runs) {
    const S = r.totalSensitivity;
    out.push(
      `### p = ${r.p}, ${r.name}`,
      '',
      `${r.note}; ${r.seeds} seeds. 𝔖_p([A | b]) = Σσ_i = ${num(S.S)} (${S.method} sensitivities), d + 1 = ${S.columns}, (d + 1)^{p/2} = ${num(S.dHalfP)}, 𝔖^{2−2/p} = ${num(S.sTwoMinus)}` +
        (S.estimateOfA && S.estimateOfA.total !== undefined ? `; totalSensitivity(A, p, 'estimate') = ${num(S.estimateOfA.total)} ± ${num(S.estimateOfA.standardError)} (${S.estimateOfA.evaluations} evaluations, ${time(S.estimateOfA.ms * 1e6)})` : '') +
        `. Full solve ${time(r.reference.ms * 1e6)}, ${r.reference.iterations} it.`,
      '',
    );
    const schemes = Object.keys(r.schemes);
    const rows = [];
    for (const c of r.schemes[schemes[0]].cells.map((_, k) => k)) {
      rows.push([String(r.schemes[schemes[0]].cells[c].m), ...schemes.map((s) => `${r.schemes[s].cells[c].ratioMedian.toFixed(4)} / ${r.schemes[s].cells[c].ratioP95.toFixed(4)} (${r.schemes[s].cells[c].sizeMin}–${r.schemes[s].cells[c].sizeMax})`)]);
    }
    out.push(table(['m', ...schemes.map((s) => `${s}: median / p95 (realized)`)], rows), '');
    out.push(`Score time: ${schemes.map((s) => `${s} ${time(r.schemes[s].scoreMs * 1e6)}`).join(', ')}.`, '');
    const need = r.needed.map((x) => [
      x.level.toFixed(4),
      ...schemes.map((s) => (x[s].m ? `${num(x[s].m)}${x[s].bracket === 'interpolated' ? '' : ` (${x[s].bracket})`}` : x[s].bracket)),
      x['factor:sensitivity'] ? `${num(x['factor:sensitivity'])}×` : 'n/a',
      x['factor:sensitivity+leverage'] ? `${num(x['factor:sensitivity+leverage'])}×` : 'n/a',
    ]);
    out.push('Rows needed for a p95 ratio (log-log interpolation on the grid; levels = the p95 Lewis reaches at its grid points, then 1.05, 1.02, 1.01):', '');
    out.push(table(['p95 ratio', ...schemes.map((s) => `${s} rows`), 'factor Lewis / sensitivity', 'factor Lewis / sens+lev'], need), '');
  }
  return out.join('\n');
}

function speedSection(sp, lb) {
  const out = [`## Speed: ${sp.name}, sample of m = ${sp.size} by Lewis weights`, ''];
  out.push(`${sp.note}. Pipeline = \`sampleRows(A, {p, scores: 'lewis', size: ${sp.size}, seed, b})\` (Lewis weights of [A | b] at the sampler's tolerance + sampling) + \`lpRegression(A, b, p, {sample})\`, median over ${sp.seeds} seeds; full = \`lpRegression(A, b, p)\` on all rows, same (default) tolerance, ${sp.runs[0]?.fullRuns ?? 1} run(s).`, '');
  const rows = sp.runs.map((r) => [
    String(r.p),
    time(r.fullMs * 1e6),
    `${time(r.pipelineMs * 1e6)} (scores+sample ${time(r.sampleMs * 1e6)}, solve ${time(r.solveMs * 1e6)})`,
    `${num(r.timeRatio)} (1/${num(1 / r.timeRatio)})`,
    verdictPF(r.timeRatio <= 0.2),
    `${r.ratioMedian.toFixed(4)} / ${r.ratioP95.toFixed(4)}`,
    verdictPF(r.ratioP95 <= 1.05),
    `${Math.min(...r.pipes.map((x) => x.size))}–${Math.max(...r.pipes.map((x) => x.size))}`,
    `${r.full.iterations} it.${r.full.converged ? '' : ' (not converged)'}`,
  ]);
  out.push(table(['p', 'full lpRegression', 'pipeline (median)', 'pipeline / full', '≤ 1/5', 'ratio median / p95', 'p95 ≤ 1.05', 'realized', 'full solve'], rows), '');
  if (lb) {
    out.push(
      `Lewis weights of ${lb.name}, p = ${lb.p}: one exact leverageScores call ${time(lb.leverageExactMs * 1e6)} (approximate: ${time(lb.leverageApproxMs * 1e6)}).`,
      '',
      table(
        ['tolerance', 'time', 'leverage computations', 'time / one exact leverage call', 'residual', 'converged'],
        lb.lewis.map((x) => [String(x.tolerance), time(x.ms * 1e6), String(x.leverageComputations), `${num(x.overLeverage)}×`, sci(x.residual), String(x.converged)]),
      ),
      '',
    );
  }
  return out.join('\n');
}

function leverageSection(lv) {
  const out = [`## Leverage scores: exact vs approximate, n = ${lv.n.toLocaleString('en-US')}`, ''];
  out.push(table(['d', 'exact', 'approximate (ε = 0.5)', 'exact / approximate'], lv.rows.map((r) => [String(r.d), time(r.exactMs * 1e6), time(r.approximateMs * 1e6), `${num(r.speedup)}×`])), '');
  out.push(lv.crossover ? `'approximate' is faster from d = ${lv.crossover} on this grid (median of ${lv.rounds} rounds, alternating order).` : `'approximate' does not beat 'exact' anywhere on d ∈ {${lv.rows.map((r) => r.d).join(', ')}} (median of ${lv.rounds} rounds).`, '');
  return out.join('\n');
}

function targetsSection(r) {
  const rows = [];
  for (const q of [r.quality, r.qualityLarge]) if (q) for (const t of q.targets) rows.push([t.family, t.target, t.measured, verdictPF(t.pass)]);
  if (r.highP && r.highP.runs) {
    for (const h of r.highP.runs) {
      const best = h.needed.filter((x) => x['factor:sensitivity'] || x['factor:sensitivity+leverage']);
      const f = best.map((x) => Math.max(x['factor:sensitivity'] || 0, x['factor:sensitivity+leverage'] || 0));
      const last = h.needed.find((x) => x.level === Math.min(...h.needed.filter((y) => y.lewis.m).map((y) => y.level)));
      const fs = last ? Math.max(last['factor:sensitivity'] || 0, last['factor:sensitivity+leverage'] || 0) : NaN;
      rows.push([`p = ${h.p}, ${h.name}`, 'sensitivity or sens+lev needs fewer rows than Lewis for the same p95 (tightest Lewis level)', last ? `${num(fs)}× at p95 ${last.level.toFixed(4)} (range over levels ${num(Math.min(...f))}–${num(Math.max(...f))}×)` : 'n/a', verdictPF(last ? fs > 1 : null)]);
    }
  }
  if (r.speed) {
    for (const s of r.speed.runs) {
      rows.push([r.speed.name, `p = ${s.p}: pipeline ≤ 1/5 of full lpRegression`, `${num(s.timeRatio)} (1/${num(1 / s.timeRatio)})`, verdictPF(s.timeRatio <= 0.2)]);
      rows.push([r.speed.name, `p = ${s.p}: p95 ratio ≤ 1.05 (${r.speed.seeds} seeds)`, s.ratioP95.toFixed(4), verdictPF(s.ratioP95 <= 1.05)]);
    }
  }
  return ['## Targets', '', table(['instance', 'target', 'measured', 'verdict'], rows)].join('\n');
}

function samplingMarkdown(r, svgBase) {
  const parts = [header(r)];
  if (r.api.notes.length) parts.push(r.api.notes.map((x) => `**Note:** ${x}`).join('\n'));
  parts.push(targetsSection(r));
  if (r.quality) parts.push(qualitySection(r.quality, svgBase));
  if (r.qualityLarge) parts.push(qualitySection(r.qualityLarge, null, `Quality, p = ${r.qualityLarge.p}, at ${[...new Set(r.qualityLarge.families.map((f) => f.n))].join(' and ')} rows: the targets' sample size only`));
  if (r.highP) parts.push(highPSection(r.highP));
  if (r.speed) parts.push(speedSection(r.speed, r.lewisBig));
  if (r.leverage) parts.push(leverageSection(r.leverage));
  return `${parts.join('\n\n')}\n`;
}

function charts(r) {
  const out = {};
  if (!r.quality) return out;
  const sub = `${r.machine.cpu}, ${r.quality.seeds} seeds, ${r.machine.date.slice(0, 10)}${r.quick ? ' (--quick)' : ''}`;
  for (const fam of r.quality.families) {
    const live = Object.entries(fam.schemes).filter(([, s]) => s.cells);
    const xTicks = live.length ? live[0][1].cells.map((c) => c.m) : [];
    out[`${fam.family}_ratio`] = lineChart({
      title: `ℓ${r.quality.p} regression excess (median ratio − 1) vs sample size: ${fam.name}`,
      subtitle: sub,
      xLabel: 'target sample size m (log scale)',
      yLabel: 'median ‖Ax̃ − b‖/‖Ax* − b‖ − 1 (log scale)',
      series: live.map(([scheme, s]) => ({ label: scheme, color: COLORS[scheme], points: s.cells.map((c) => [c.m, c.ratioMedian - 1]) })),
      hLines: [{ y: 0.05, label: 'target median 1.05' }],
      xTicks,
    });
    out[`${fam.family}_distortion`] = lineChart({
      title: `ℓ${r.quality.p} embedding distortion vs sample size: ${fam.name}`,
      subtitle: `${sub}; certified lower bound, median over ${r.quality.distortionSeeds} seeds`,
      xLabel: 'target sample size m (log scale)',
      yLabel: 'distortion lower bound (log scale)',
      series: live.map(([scheme, s]) => ({ label: scheme, color: COLORS[scheme], points: s.cells.map((c) => [c.m, c.distortionMedian]) })),
      xTicks,
    });
  }
  if (r.highP && r.highP.runs) {
    for (const h of r.highP.runs) {
      const live = Object.entries(h.schemes);
      // The low-rank + sparse charts keep their names (p3_ratio, p4_ratio); other families add theirs.
      out[h.family === 'lowSensitivity' ? `p${h.p}_ratio` : `p${h.p}_${h.family}_ratio`] = lineChart({
        title: `ℓ${h.p} regression p95 excess vs sample size: ${h.name}`,
        subtitle: `${r.machine.cpu}, ${h.seeds} seeds${r.quick ? ' (--quick)' : ''}`,
        xLabel: 'target sample size m (log scale)',
        yLabel: 'p95 ratio − 1 (log scale)',
        series: live.map(([scheme, s]) => ({ label: scheme, color: COLORS[scheme], points: s.cells.map((c) => [c.m, c.ratioP95 - 1]) })),
        xTicks: live[0][1].cells.map((c) => c.m),
      });
    }
  }
  return out;
}

/** The whole section; returns the markdown (the caller prints it). */
async function runSampling(lib, args, progress) {
  const cfg = args.quick ? SAMPLING_QUICK : SAMPLING_FULL;
  const api = resolveSamplingApi(lib);
  for (const n of api.notes) progress(n);
  const start = Date.now();
  const loadStart = os.loadavg()[0];
  const parts = args.samplingParts ?? SAMPLING_PARTS;
  const partial = SAMPLING_PARTS.some((x) => !parts.includes(x));
  const base = `sampling${args.quick ? '-quick' : ''}${partial ? `-${parts.join('-')}-${api.backend}-${lib.sketchmax.info().isa ?? 'ts'}` : ''}`;
  const results = { quick: args.quick, command: `npm run bench -- ${args.argv.join(' ')}`.trim(), config: cfg, machine: describe(lib), api: { source: api.source, notes: api.notes, public: api.public, backend: api.backend } };
  if (api.source) {
    if (parts.includes('quality')) results.quality = runQuality(api, cfg.quality, progress);
    if (parts.includes('qualityLarge')) results.qualityLarge = runQuality(api, cfg.qualityLarge, progress);
    if (parts.includes('highP')) results.highP = runHighP(api, cfg, progress);
    if (parts.includes('leverage')) results.leverage = runLeverage(api, cfg, progress);
    if (parts.includes('speed')) results.speed = runSpeed(api, cfg, progress);
    if (parts.includes('lewisBig')) results.lewisBig = runLewisBig(api, cfg, progress);
  }
  results.elapsedS = (Date.now() - start) / 1000;
  results.loadAvg = { start: loadStart, end: os.loadavg()[0] };
  const toDocs = !args.quick && api.public;
  const outDir = path.join(ROOT, 'bench-results');
  fs.mkdirSync(outDir, { recursive: true });
  const written = [];
  const svgs = charts(results);
  // A full run of every part is the report docs/bench/sampling.md; a partial one (another backend or
  // ISA, say) goes next to it under its own name.
  const docBase = partial ? base : 'sampling';
  const md = samplingMarkdown(results, toDocs ? docBase : base);
  fs.writeFileSync(path.join(outDir, `${base}.json`), JSON.stringify(results, (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v), 1));
  fs.writeFileSync(path.join(outDir, `${base}.md`), md);
  written.push(`bench-results/${base}.json`, `bench-results/${base}.md`);
  for (const [name, svg] of Object.entries(svgs)) {
    fs.writeFileSync(path.join(outDir, `${base}_${name}.svg`), svg);
    written.push(`bench-results/${base}_${name}.svg`);
  }
  if (toDocs) {
    const docs = path.join(ROOT, 'docs', 'bench');
    fs.mkdirSync(docs, { recursive: true });
    fs.writeFileSync(path.join(docs, `${docBase}.md`), md);
    written.push(`docs/bench/${docBase}.md`);
    for (const [name, svg] of Object.entries(svgs)) {
      fs.writeFileSync(path.join(docs, `${docBase}_${name}.svg`), svg);
      written.push(`docs/bench/${docBase}_${name}.svg`);
    }
  } else progress('docs/bench/sampling* left as they were: they take a full run with the public API');
  progress(`sampling done in ${results.elapsedS.toFixed(0)} s; wrote ${written.join(', ')}`);
  return md;
}

module.exports = { SAMPLING_PARTS, runQuality, runHighP, runSpeed, runLewisBig, runLeverage, samplingMarkdown, charts, runSampling, resolveSamplingApi, SAMPLING_FULL, SAMPLING_QUICK, quantile, rowsFor };
