'use strict';
// Markdown tables (stdout, bench-results/softmax.md, docs/bench/softmax.md) and the raw JSON.
// Ratios are of medians measured in the same run, which is what stays meaningful on a noisy machine.
const { EXPLICIT, autoPick, rowBytesF32 } = require('./softmax');
const { median } = require('./timing');

const IN_CACHE_MAX = 256 * 1024; // sizes the issue calls "in cache" (input + output <= 2 MiB)
const OUT_OF_CACHE_MIN = 4 << 20; // from here f32 input + output (32 MiB) exceed this L3 and most others

/** "out of cache (64M)" for the full run; a --quick run's largest size is still cache-resident. */
const largestLabel = (n) => (n >= OUT_OF_CACHE_MIN ? `out of cache (${sizeLabel(n)})` : `at the largest size (${sizeLabel(n)}; still in cache)`);

/**
 * Time ratio a / b as the median of per-round ratios. Configs of one group are sampled round-robin
 * with the same number of rounds, so sample i of a and of b ran seconds apart under the same outside
 * load; pairing them cancels load swings that a ratio of two medians would keep (this machine is
 * shared and its speed jumps by ~1.5x for tens of seconds at a time).
 */
function pairedRatio(a, b) {
  const sa = a.samplesNs;
  const sb = b.samplesNs;
  if (!sa || !sb || sa.length !== sb.length) return a.medianNs / b.medianNs;
  return median(sa.map((v, i) => v / sb[i]));
}

// ---------- formatting ----------

/** 1024 -> "1K", 2^26 -> "64M". */
function sizeLabel(n) {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)}M`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024}K`;
  return String(n);
}

function bytesLabel(b) {
  if (b === Infinity) return 'never';
  if (b >= 1 << 30) return `${+(b / 2 ** 30).toFixed(2)} GiB`;
  if (b >= 1 << 20) return `${+(b / 2 ** 20).toFixed(2)} MiB`;
  if (b >= 1024) return `${+(b / 1024).toFixed(2)} KiB`;
  return `${b} B`;
}

/** Three significant digits, no exponent for the ranges we print. */
function num(v) {
  if (v === undefined || v === null || Number.isNaN(v)) return 'n/a';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

const sci = (v) => (Number.isFinite(v) ? (v === 0 ? '0' : v.toExponential(1)) : String(v));
const ratio = (v) => (Number.isFinite(v) ? `${num(v)}x` : 'n/a');
const pct = (v) => (Number.isFinite(v) ? `${Math.round(v * 100)}%` : 'n/a');

/** Time with a unit suited to its size. */
function time(ns) {
  if (ns >= 1e6) return `${num(ns / 1e6)} ms`;
  if (ns >= 1e3) return `${num(ns / 1e3)} µs`;
  return `${num(ns)} ns`;
}

function table(headers, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

const verdict = (ok) => (ok === null ? 'n/a' : ok ? 'met' : '**missed**');

/**
 * Tiny rows: both backends pay the same argument checks, so auto / js sits near 1 and a 1-2 %
 * difference is within run-to-run noise; say so rather than call it a miss.
 */
function tinyVerdict(rel, native, autoRuns) {
  if (!native) return "n/a (no addon: 'auto' is 'js')";
  if (rel <= 1) return 'met';
  if (autoRuns === 'js' && rel <= 1.05) return 'met (same code path; the difference is noise)';
  return rel <= 1.02 ? 'within noise (<= 2% slower)' : '**missed**';
}

// ---------- sections ----------

function skippedIsas(m) {
  if (!m.skippedIsas.length) return 'none';
  const why = m.addonLoadError ? 'the addon is not loaded' : 'this CPU cannot run them: setIsa fell back';
  return `${m.skippedIsas.join(', ')} (${why})`;
}

/** The machine rows every report's header starts with (machine.js describe()). */
function machineRows(m) {
  const caches = m.caches
    .filter((c) => c.type !== 'Instruction')
    .map((c) => `L${c.level} ${c.size}${c.sharedCpus ? ` (CPUs ${c.sharedCpus})` : ''}`)
    .join(', ');
  return [
    ['CPU', m.cpu],
    ['Cores', String(m.cores)],
    ['Caches (cpu0)', caches || 'unknown'],
    ['Memory', `${m.totalMemGiB} GiB`],
    ['Node.js', m.node],
    ['Platform', m.platform],
  ];
}

function header(r) {
  const m = r.machine;
  const rows = [
    ...machineRows(m),
    ['sketchmax', `${m.sketchmax.version}, backend ${m.sketchmax.backend}`],
    ['ISA in effect', m.isaInEffect || 'none (TypeScript backend)'],
    ['ISAs benched', m.runnableIsas.join(', ') || 'none'],
    ['ISAs skipped', skippedIsas(m)],
    ['Date', m.date],
    ['Mode', r.quick ? '--quick (smoke test: small sizes, few samples)' : 'full'],
  ];
  if (m.addonLoadError) rows.push(['Addon', `not loaded: ${m.addonLoadError}`]);
  return [
    `# sketchmax softmax benchmark (${m.cpu})`,
    '',
    table(['', ''], rows),
    '',
    'Single thread, synchronous calls, `out` preallocated, float32 unless stated. Every time is the',
    'median of repeated samples (each sample >= ' +
      `${r.config.timing.sampleNs / 1e6} ms of back-to-back calls, >= ${r.config.timing.totalNs / 1e6} ms per measurement);`,
    'configurations compared with each other were sampled round-robin, the same number of rounds each,',
    'and their ratios are medians of per-round ratios. Other work shared this machine (its speed',
    'jumps by up to ~1.5x for tens of seconds), so read the ratios rather than the absolute numbers.',
  ].join('\n');
}

/** The measured throughput result for (n, isa, algorithm). */
function findTp(tp, n, isa, algorithm) {
  return tp.results.find((x) => x.n === n && x.isa === isa && x.algorithm === algorithm);
}

function throughputSection(r) {
  const tp = r.throughput;
  const out = ['## 1. Throughput (G elements/s; in parentheses: fraction of the floor)'];
  if (tp.skipped) return [...out, '', `Skipped: ${tp.skipped}`].join('\n');
  out.push(
    '',
    'Floor: `benchFloorPass` with the same ISA\'s kernels, one streaming read of x (row max) plus one',
    'out-of-place pass out = c·x with ordinary stores, i.e. the memory traffic of two-pass itself.',
    'At small sizes the algorithms include the public API\'s argument checks and the floor does not.',
  );
  for (const isa of Object.keys(tp.thresholds)) {
    const th = tp.thresholds[isa];
    out.push('', `### ${isa}: 'auto' runs two-pass from rows of ${bytesLabel(th)} (input + output)${th === Infinity ? ' — i.e. always three-pass-reload' : ''}`, '');
    const rows = tp.sizes.map((n) => {
      const floor = findTp(tp, n, isa, 'floor');
      const cell = (alg) => {
        const x = findTp(tp, n, isa, alg);
        if (!x) return 'n/a';
        return floor ? `${num(x.geps)} (${pct(x.geps / floor.geps)})` : num(x.geps);
      };
      return [
        sizeLabel(n),
        bytesLabel(rowBytesF32(n)),
        ...EXPLICIT.map(cell),
        `${cell('auto')} → ${autoPick(th, n)}`,
        floor ? num(floor.geps) : 'n/a',
      ];
    });
    out.push(table(['n', 'in+out', ...EXPLICIT, 'auto → picks', 'floor'], rows));
  }
  out.push('', outOfCache(r), '', inCache(r));
  return out.join('\n');
}

/** Largest size: how much two-pass gains over the three-pass algorithms (paired time ratios). */
function outOfCache(r) {
  const tp = r.throughput;
  const n = Math.max(...tp.sizes);
  const rows = Object.keys(tp.thresholds).map((isa) => {
    const g = (alg) => findTp(tp, n, isa, alg);
    const floor = g('floor');
    return [
      isa,
      time(g('two-pass').medianNs),
      ratio(pairedRatio(g('three-pass-reload'), g('two-pass'))),
      ratio(pairedRatio(g('three-pass-recompute'), g('two-pass'))),
      floor ? pct(1 / pairedRatio(g('two-pass'), floor)) : 'n/a',
    ];
  });
  return [
    `### Two-pass speed-up ${largestLabel(n)}: time of the other algorithm / time of two-pass`,
    '',
    table(['ISA', 'two-pass time', 'vs three-pass-reload', 'vs three-pass-recompute', 'two-pass % of floor'], rows),
  ].join('\n');
}

/** 'auto' against the fastest explicit algorithm (by median) at each size, as a paired ratio. */
function autoVsFastestRows(tp, sizes) {
  const rows = [];
  for (const isa of Object.keys(tp.thresholds)) {
    for (const n of sizes) {
      const best = EXPLICIT.map((a) => findTp(tp, n, isa, a)).reduce((a, b) => (b.medianNs < a.medianNs ? b : a));
      const rel = pairedRatio(findTp(tp, n, isa, 'auto'), best);
      rows.push({ isa, n, best: best.algorithm, picks: autoPick(tp.thresholds[isa], n), rel });
    }
  }
  return rows;
}

function autoTable(rows) {
  return table(
    ['ISA', 'n', 'fastest', 'auto picks', 'auto / fastest', 'within 10%'],
    rows.map((x) => [x.isa, sizeLabel(x.n), x.best, x.picks, ratio(x.rel), verdict(x.rel <= 1.1)]),
  );
}

/** In-cache sizes (the issue's target: within 10%), then the larger sizes for the same question. */
function inCache(r) {
  const tp = r.throughput;
  const small = tp.sizes.filter((s) => s <= IN_CACHE_MAX);
  const large = tp.sizes.filter((s) => s > IN_CACHE_MAX);
  const out = ["### In cache: 'auto' time / fastest algorithm's time (target <= 1.10x)", '', autoTable(autoVsFastestRows(tp, small))];
  if (large.length) {
    out.push(
      '',
      "### Larger rows: 'auto' time / fastest algorithm's time (no target in the issue; checks the 'auto' threshold)",
      '',
      autoTable(autoVsFastestRows(tp, large)),
    );
  }
  return out.join('\n');
}

function tsSection(r) {
  const ts = r.tsPath;
  const nat = ts.results.find((x) => x.key === 'native auto');
  const rows = ts.results.map((x) => [
    x.key === 'native auto' ? `native auto (${ts.isa})` : x.key,
    time(x.medianNs),
    num(x.geps),
    nat ? ratio(pairedRatio(x, nat)) : 'n/a',
  ]);
  const jsAuto = ts.results.find((x) => x.key === 'js auto');
  const speedup = nat ? pairedRatio(jsAuto, nat) : NaN;
  const out = [
    `## 2. TypeScript path (n = ${sizeLabel(ts.n)})`,
    '',
    table(['implementation', 'time/call', 'G elements/s', 'time vs native auto'], rows),
    '',
    nat ? `Native auto is **${ratio(speedup)}** faster than backend 'js' (target >= 30x: ${verdict(speedup >= 30)}).` : 'Native rows skipped: the addon is not loaded.',
    '',
    `### Tiny rows: ns per call (median of ${r.tiny.samples} samples of ${r.tiny.calls} calls, sampled round-robin)`,
    '',
    r.tiny.autoJsMaxElements && ts.isa
      ? `Backend 'auto' runs the TypeScript path for inputs of at most ${r.tiny.autoJsMaxElements} elements (AUTO_JS_MAX_ELEMENTS), native ${ts.isa} above.`
      : `Backend 'auto' = ${r.tiny.backendAuto}.`,
    '',
  ];
  const sizes = [...new Set(r.tiny.results.map((x) => x.n))];
  const tinyRows = sizes.map((n) => {
    const g = (k) => r.tiny.results.find((x) => x.n === n && x.key === k).nsPerCall;
    const row = (k) => r.tiny.results.find((x) => x.n === n && x.key === k);
    const rel = pairedRatio(row('auto'), row('js'));
    const autoRuns = row('auto').autoRuns;
    return [String(n), autoRuns, num(g('auto')), num(g('js')), num(g('naive JS loop')), `${rel.toFixed(3)}x`, tinyVerdict(rel, !!ts.isa, autoRuns)];
  });
  out.push(table(['row length', "'auto' runs", "backend 'auto'", "backend 'js'", 'naive JS loop', 'auto / js', 'auto no slower'], tinyRows));
  return out.join('\n');
}

function multiRowSection(r) {
  const out = ['## 3. Multi-row'];
  const lr = r.multiLong;
  if (lr.skipped) out.push('', `Long rows skipped: ${lr.skipped}`);
  else {
    const one = (alg) => lr.results.find((x) => x.rows === 1 && x.algorithm === alg);
    const shapes = [...new Set(lr.results.filter((x) => x.algorithm !== 'floor').map((x) => x.rows))];
    const rows = shapes.map((rows) => {
      const g = (alg) => lr.results.find((x) => x.rows === rows && x.algorithm === alg);
      // Per-element throughput relative to one row = time of one row / time of this shape.
      const cols = lr.total / rows;
      return [
        `${rows} × ${sizeLabel(cols)}`,
        autoPick(lr.twoPassMinBytes, cols),
        num(g('auto').geps),
        ratio(pairedRatio(one('auto'), g('auto'))),
        num(g('two-pass').geps),
        ratio(pairedRatio(one('two-pass'), g('two-pass'))),
        ratio(pairedRatio(g('auto'), g('two-pass'))),
      ];
    });
    const floor = lr.results.find((x) => x.algorithm === 'floor');
    out.push(
      '',
      `### Long rows, ${lr.isa}, total ${sizeLabel(lr.total)} elements (G elements/s; "vs 1 row" = per-element throughput relative to one row of the same total)`,
      '',
      table(['rows × cols', 'auto picks', 'auto', 'vs 1 row', 'two-pass', 'vs 1 row', 'auto time / two-pass time'], rows),
    );
    if (floor) out.push('', `Floor for the same ${sizeLabel(lr.total)} elements: ${num(floor.geps)} G elements/s.`);
  }
  const sr = r.multiShort;
  const shapes = [...new Set(sr.results.map((x) => `${x.rows}x${x.cols}`))];
  const rows = shapes.map((s) => {
    const [rs, cs] = s.split('x').map(Number);
    const g = (k) => sr.results.find((x) => x.rows === rs && x.cols === cs && x.key === k);
    const nat = g('native');
    const js = g('js');
    return [`${rs} × ${cs}`, nat ? num(nat.geps) : 'n/a', num(js.geps), nat ? ratio(pairedRatio(js, nat)) : 'n/a', time(js.medianNs)];
  });
  out.push(
    '',
    `### Short rows: native (${sr.isa || 'n/a'}, auto) against backend 'js' (G elements/s)`,
    '',
    table(['rows × cols', 'native', 'js', 'native speed-up', 'js time/call'], rows),
  );
  return out.join('\n');
}

function peersSection(r) {
  const out = ['## 4. Peers'];
  const o = r.ort;
  out.push('', '### onnxruntime-node (Softmax, axis -1, 1 intra-op and 1 inter-op thread, sequential)', '');
  if (o.skipped) out.push(`Skipped: ${o.skipped}`);
  else {
    out.push(
      table(
        ['implementation', `time (${o.rows} × ${o.cols})`, 'ORT time / this'],
        [
          [`onnxruntime-node ${o.ortVersion} session.run(feeds)`, time(o.ortMedianNs), '1x'],
          ...(o.ortPreallocMedianNs ? [[`onnxruntime-node session.run(feeds, {y: preallocated tensor})`, time(o.ortPreallocMedianNs), ratio(o.ratioOrtPrealloc)]] : []),
          [`sketchmax (${o.sketchmax}), preallocated out`, time(o.sketchmaxPreallocMedianNs), ratio(o.ratioPrealloc)],
          [`sketchmax (${o.sketchmax}), new out per call`, time(o.sketchmaxAllocMedianNs), ratio(o.ratioAlloc)],
        ],
      ),
      '',
      `Outputs agree: max |ORT − sketchmax| = ${sci(o.maxAbsDiff)} (${o.matches ? 'within' : '**exceeds**'} 1e-5).`,
      `ORT time / sketchmax time (preallocated out) = ${ratio(o.ratioPrealloc)} (target >= 2.5x: ${verdict(o.ratioPrealloc >= 2.5)}).` +
        (o.ratioBothPrealloc ? ` Both with preallocated outputs: ${ratio(o.ratioBothPrealloc)}.` : ` (${o.ortPreallocNote}.)`),
    );
  }
  const ts = r.tsPath;
  const naive = ts.results.find((x) => x.key === 'naive JS loop');
  const nat = ts.results.find((x) => x.key === 'native auto');
  const jsAuto = ts.results.find((x) => x.key === 'js auto');
  out.push(
    '',
    '### Naive JS loop (max; exp and sum; scale)',
    '',
    `At ${sizeLabel(ts.n)}: ${time(naive.medianNs)} per call, ${num(naive.geps)} G elements/s; ` +
      `sketchmax native auto is ${nat ? ratio(pairedRatio(naive, nat)) : 'n/a'} faster; backend 'js' takes ${ratio(pairedRatio(jsAuto, naive))} the naive loop's time` +
      ' (backend \'js\' computes in float64 with a compensated sum and the special-value rules). Tiny rows: see section 2.',
  );
  const np = r.numpy;
  out.push('', '### numpy / scipy (python3 child process; times include allocating the result)', '');
  if (np.skipped) out.push(`Skipped: ${np.skipped}`);
  else {
    const rows = np.results.map((x) => {
      const shape = `${x.rows}x${x.cols}`;
      const sm = (mode) => np.sketchmax.find((s) => s.shape === shape && s.mode === mode);
      return [
        `${x.rows} × ${sizeLabel(x.cols)}`,
        x.impl,
        x.dtype,
        time(x.medianNs),
        time(sm('prealloc').medianNs),
        ratio(x.medianNs / sm('prealloc').medianNs), // separate processes: a ratio of medians
        ratio(x.medianNs / sm('alloc').medianNs),
      ];
    });
    out.push(
      `Python ${np.python}, numpy ${np.numpy}, scipy ${np.scipy || `missing (${np.scipyError})`}; sketchmax: ${np.sketchmaxLabel}.`,
      '',
      table(['shape', 'implementation', 'result dtype', 'time', 'sketchmax (prealloc)', 'speed-up (prealloc)', 'speed-up (new out)'], rows),
    );
  }
  return out.join('\n');
}

function accuracySection(r) {
  const a = r.accuracy;
  const rows = a.results.map((x) => [
    x.input,
    x.backend === 'native' ? `native ${x.isa}` : 'js',
    x.autoRan ? `auto (ran ${x.autoRan})` : x.algorithm,
    sci(x.maxRelErr),
    sci(x.sumErr),
  ]);
  return [
    '## 5. Accuracy',
    '',
    `Against a float64 reference (exact x − max via TwoSum, Math.exp, Neumaier sums). Max relative error over`,
    `outputs whose reference is >= ${a.relFloor}; |Σy − 1| summed in float64 with compensation. Float32 results`,
    'cannot beat ~6e-8 (half an ulp). The float64 reference\'s own relative error is ~1e-16, so float64 errors near',
    "1e-16 are at the reference's resolution.",
    '',
    table(['input', 'backend', 'algorithm', 'max rel. error', '|Σy − 1|'], rows),
  ].join('\n');
}

/** One line per target of the issue, met or missed, with the number behind it. */
function targetsSection(r) {
  const rows = [];
  const tp = r.throughput;
  if (!tp.skipped) {
    const n = Math.max(...tp.sizes);
    const worstOf = (list) => list.reduce((a, b) => (b.rel > a.rel ? b : a));
    for (const isa of Object.keys(tp.thresholds)) {
      const g = (alg) => findTp(tp, n, isa, alg);
      const gain = pairedRatio(g('three-pass-reload'), g('two-pass'));
      rows.push([`${isa}: two-pass faster than three-pass-reload ${largestLabel(n)} (the premise; the issue asks for the ratio)`, ratio(gain), verdict(gain > 1)]);
      const small = autoVsFastestRows(tp, tp.sizes.filter((v) => v <= IN_CACHE_MAX)).filter((x) => x.isa === isa);
      const w = worstOf(small);
      rows.push([`${isa}: 'auto' within 10% of the fastest in cache (worst: ${sizeLabel(w.n)})`, ratio(w.rel), verdict(w.rel <= 1.1)]);
      const large = autoVsFastestRows(tp, tp.sizes.filter((v) => v > IN_CACHE_MAX)).filter((x) => x.isa === isa);
      if (large.length) {
        const wl = worstOf(large);
        rows.push([`${isa}: 'auto' within 10% of the fastest beyond 256K (no target in the issue; worst: ${sizeLabel(wl.n)}, fastest ${wl.best})`, ratio(wl.rel), verdict(wl.rel <= 1.1)]);
      }
    }
  }
  const nat = r.tsPath.results.find((x) => x.key === 'native auto');
  const js = r.tsPath.results.find((x) => x.key === 'js auto');
  if (nat) {
    const sp = pairedRatio(js, nat);
    rows.push([`native auto >= 30x backend 'js' at ${sizeLabel(r.tsPath.n)}`, ratio(sp), verdict(sp >= 30)]);
  }
  let worst = null;
  for (const n of [...new Set(r.tiny.results.map((x) => x.n))]) {
    const g = (k) => r.tiny.results.find((x) => x.n === n && x.key === k);
    const rel = pairedRatio(g('auto'), g('js'));
    if (!worst || rel > worst.rel) worst = { rel, n, runs: g('auto').autoRuns };
  }
  rows.push([`tiny rows: backend 'auto' no slower than 'js' (worst row length ${worst.n}, 'auto' runs ${worst.runs})`, `${worst.rel.toFixed(3)}x the time`, tinyVerdict(worst.rel, !!r.tsPath.isa, worst.runs)]);
  if (!r.ort.skipped) rows.push([`sketchmax >= 2.5x onnxruntime-node (${r.ort.rows} × ${r.ort.cols}, preallocated out)`, ratio(r.ort.ratioPrealloc), verdict(r.ort.ratioPrealloc >= 2.5)]);
  return [
    '## Targets',
    '',
    'Ratios are medians of per-round ratios of samples taken round-robin (see section 1 note).',
    '',
    table(['target', 'measured', 'verdict'], rows),
  ].join('\n');
}

function markdown(r) {
  const parts = [header(r), targetsSection(r), throughputSection(r), tsSection(r), multiRowSection(r), peersSection(r), accuracySection(r)];
  parts.push(`_Raw numbers: bench-results/softmax.json. Chart: softmax.svg. Generated by \`npm run bench${r.quick ? ' -- --quick' : ''}\` in ${num(r.elapsedS)} s._`);
  return parts.join('\n\n') + '\n';
}

/** JSON with Infinity (auto thresholds) written as the string "Infinity". */
function json(r) {
  return JSON.stringify(r, (k, v) => (v === Infinity ? 'Infinity' : v), 1) + '\n';
}

// The formatting helpers are shared with lstsq_report.js.
module.exports = { markdown, json, machineRows, sizeLabel, num, sci, ratio, pct, time, table, verdict };
