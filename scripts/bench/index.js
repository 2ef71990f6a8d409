#!/usr/bin/env node
'use strict';
// `npm run bench`: sketchmax benchmarks. Prints markdown tables to stdout (progress goes to stderr).
// Sections (all by default; --only=<list> picks, comma-separated):
//   softmax         bench-results/softmax.{json,md,svg}, copied to docs/bench/softmax.{md,svg}
//   lstsq           least squares vs numpy (1,000,000 x 100, 200,000 x 500) and ml-matrix (20,000 x 50)
//   sketch          sketch application on 1,000,000 x 100 against a read floor, threads 1 vs all
//   lstsq-accuracy  forward error / residual vs numpy for kappa 1e4..1e12, and the l-infinity mode
//   sampling        lp row sampling (issue 5): quality p = 1 (20,000 rows, every size; 100,000 rows, the
//                   targets' size), rows needed p = 3/4, speed 1,000,000 x 50, leverage exact vs approximate; bench-results/sampling[-quick].{json,md,svg} and, from
//                   a full run with the public API, docs/bench/sampling.md + docs/bench/sampling_*.svg
//   --sampling-parts=quality,highP,...  only those parts of the sampling section (e.g. to repeat the
//                   quality targets with SKETCHMAX_BACKEND=js or SKETCHMAX_ISA=scalar): writes
//                   bench-results/sampling-<parts>-<backend>-<isa>.{json,md,svg} and, without
//                   --quick, the same report under docs/bench/
// The last three write bench-results/lstsq.{json,md} (with a suffix naming the sections when not all
// three ran) and, from a full run of all three with the native solver, docs/bench/lstsq.md.
//   node scripts/bench/index.js                    full run (softmax ~10 minutes, lstsq ~10 minutes, 2 cores)
//   node scripts/bench/index.js --quick            smoke test (~1 minute per group): small sizes, few samples;
//                                                  writes bench-results/*-quick.* and not docs/
//   node scripts/bench/index.js --only=lstsq,sketch
// docs/bench/ is written only by full runs with the addon loaded (what the README shows).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { runAccuracy } = require('./accuracy');
const { resolveApi, runLstsq } = require('./lstsq');
const { runLstsqAccuracy } = require('./lstsq_accuracy');
const { lstsqMarkdown } = require('./lstsq_report');
const { describe, loadLibrary } = require('./machine');
const { runNumpy, runOrt } = require('./peers');
const { json, markdown } = require('./report');
const { runSampling, SAMPLING_PARTS } = require('./sampling');
const { runSketch } = require('./sketch');
const { runMultiRowLong, runMultiRowShort, runThroughput, runTiny, runTsPath } = require('./softmax');
const { chart } = require('./svg');

const ROOT = path.join(__dirname, '..', '..');
const K = 1024;
const M = 1 << 20;

const FULL = {
  // Samples of >= 2 ms, >= 250 ms per measurement; 9..101 samples; 2^26 takes a handful.
  timing: { sampleNs: 2e6, totalNs: 250e6, minSamples: 9, maxSamples: 101, minSamplesHuge: 5 },
  sizes: [K, 4 * K, 16 * K, 32 * K, 64 * K, 256 * K, M, 4 * M, 16 * M, 64 * M],
  tsSize: M,
  tinySizes: [1, 4, 16, 64],
  // Tiny rows: 15 samples of 25k calls (375k calls per configuration), finely interleaved.
  tinyCalls: 25000,
  tinySamples: 15,
  multiTotal: 64 * M,
  longRows: [1, 16, 64],
  shortShapes: [
    [M, 16],
    [256 * K, 64],
    [4096, 1024],
  ],
  ortShape: [4096, 1024],
  numpyShapes: [
    [1, M],
    [4096, 1024],
  ],
  accuracyBig: true,
};

const QUICK = {
  ...FULL,
  timing: { sampleNs: 1e6, totalNs: 30e6, minSamples: 5, maxSamples: 30, minSamplesHuge: 3 },
  sizes: [K, 4 * K, 16 * K, 32 * K, 64 * K, 256 * K, M],
  tinyCalls: 10000,
  tinySamples: 7,
  multiTotal: 4 * M,
  longRows: [1, 4, 16],
  shortShapes: [
    [64 * K, 16],
    [16 * K, 64],
    [1024, 1024],
  ],
  accuracyBig: false,
};

// Least squares and sketching (issue 4). Big problems are 1e8 float64 entries (800 MB) and share one
// buffer; numpy holds a copy (plus lstsq's work space) in its child process.
const LSTSQ_FULL = {
  // Figures 1-2: rounds of one call per solver, round-robin with numpy, after one warm-up each.
  numpyShapes: [
    { figure: 1, n: 1000000, d: 100, rounds: 4, threads1: true, solve: true, spirTarget: 3 },
    { figure: 2, n: 200000, d: 500, rounds: 4, threads1: false, solve: false, spirTarget: 4 },
  ],
  // Without the native solver the TypeScript one is measured, but not on the 800 MB problems.
  jsMaxEntries: 1e7,
  mlShape: { n: 20000, d: 50, rounds: 7 },
  // The Gaussian sketch of 1,000,000 x 100 takes tens of seconds: 3 rounds, no warm-up, no threads-1 run.
  sketchShape: { n: 1000000, d: 100, rounds: 5, slowRounds: 3, slowWarmup: false, slowThreads1: ['srht'], countsketchRows: [100, 1000], jsMaxEntries: 1e7 },
  accuracy: {
    kappaShape: { n: 100000, d: 50 },
    kappas: [1e4, 1e8, 1e12],
    rhos: [1e-10, 1e-4],
    linf: { n: 100000, d: 20, epsilon: 0.5, kappa: 10, rho: 1, seeds: 20 },
  },
};

const LSTSQ_QUICK = {
  numpyShapes: [
    { figure: 1, n: 50000, d: 50, rounds: 3, threads1: true, solve: true, spirTarget: 3 },
    { figure: 2, n: 10000, d: 100, rounds: 3, threads1: false, solve: false, spirTarget: 4 },
  ],
  jsMaxEntries: 1e7,
  mlShape: { n: 10000, d: 50, rounds: 3 },
  sketchShape: { n: 100000, d: 20, rounds: 3, slowRounds: 2, slowWarmup: true, slowThreads1: ['srht', 'gaussian'], countsketchRows: [100], jsMaxEntries: 1e7 },
  accuracy: {
    kappaShape: { n: 10000, d: 50 },
    kappas: [1e4, 1e8, 1e12],
    rhos: [1e-10, 1e-4],
    linf: { n: 20000, d: 20, epsilon: 0.5, kappa: 10, rho: 1, seeds: 5 },
  },
};

const SECTIONS = ['softmax', 'lstsq', 'sketch', 'lstsq-accuracy', 'sampling'];
const LSTSQ_SECTIONS = ['lstsq', 'sketch', 'lstsq-accuracy'];

function usage() {
  return `usage: node scripts/bench/index.js [--quick] [--only=${SECTIONS.join('|')}[,...]] [--sampling-parts=${SAMPLING_PARTS.join('|')}[,...]]\n`;
}

function parseArgs(argv) {
  const args = { quick: false, only: SECTIONS, argv, samplingParts: null };
  for (const a of argv) {
    if (a === '--quick') args.quick = true;
    else if (a.startsWith('--only=')) {
      const list = a.slice(7).split(',').filter(Boolean);
      const bad = list.filter((x) => !SECTIONS.includes(x));
      if (bad.length || !list.length) throw new Error(`unknown section in ${a} (known: ${SECTIONS.join(', ')})`);
      args.only = SECTIONS.filter((x) => list.includes(x));
    } else if (a.startsWith('--sampling-parts=')) {
      const list = a.slice(17).split(',').filter(Boolean);
      const bad = list.filter((x) => !SAMPLING_PARTS.includes(x));
      if (bad.length || !list.length) throw new Error(`unknown part in ${a} (known: ${SAMPLING_PARTS.join(', ')})`);
      args.samplingParts = SAMPLING_PARTS.filter((x) => list.includes(x));
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(usage());
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (known: --quick, --only=..., --sampling-parts=..., --help)`);
  }
  return args;
}

function progressLogger(start) {
  return (msg) => process.stderr.write(`[bench ${((Date.now() - start) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);
}

/** Releases the previous section's big arrays now rather than under the next section's timing. */
function collect() {
  if (typeof global.gc === 'function') global.gc();
}

function writeOutputs(results, quick) {
  const md = markdown(results);
  const svg = chart(results);
  const base = quick ? 'softmax-quick' : 'softmax';
  const outDir = path.join(ROOT, 'bench-results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, `${base}.json`), json(results));
  fs.writeFileSync(path.join(outDir, `${base}.md`), md);
  fs.writeFileSync(path.join(outDir, `${base}.svg`), svg);
  const written = [`bench-results/${base}.json`, `bench-results/${base}.md`, `bench-results/${base}.svg`];
  if (quick || !results.machine.runnableIsas.length) {
    process.stderr.write('[bench] docs/bench/ left as it was: it takes full runs with the addon loaded only\n');
  } else {
    // docs/ gets only full runs with native results, for the README.
    const docs = path.join(ROOT, 'docs', 'bench');
    fs.mkdirSync(docs, { recursive: true });
    fs.writeFileSync(path.join(docs, 'softmax.md'), md);
    fs.writeFileSync(path.join(docs, 'softmax.svg'), svg);
    written.push('docs/bench/softmax.md', 'docs/bench/softmax.svg');
  }
  return { md, written };
}

async function runSoftmax(args, lib, progress) {
  const cfg = args.quick ? QUICK : FULL;
  const start = Date.now();
  const results = { quick: args.quick, config: cfg, machine: describe(lib) };

  results.throughput = runThroughput(lib, cfg, progress);
  collect();
  results.tsPath = runTsPath(lib, cfg, progress);
  results.tiny = runTiny(lib, cfg, progress);
  results.multiLong = runMultiRowLong(lib, cfg, progress);
  collect();
  results.multiShort = runMultiRowShort(lib, cfg, progress);
  collect();
  results.ort = await runOrt(lib, cfg, progress);
  collect();
  results.numpy = runNumpy(lib, cfg, progress);
  collect();
  results.accuracy = runAccuracy(lib, cfg, progress);
  results.elapsedS = (Date.now() - start) / 1000;

  const { md, written } = writeOutputs(results, args.quick);
  process.stdout.write(md);
  progress(`softmax done in ${results.elapsedS.toFixed(0)} s; wrote ${written.join(', ')}`);
}

/** Least-squares and sketching sections: one report, bench-results/lstsq[-quick][-sections].{json,md}. */
async function runLstsqSections(args, lib, progress) {
  const cfg = args.quick ? LSTSQ_QUICK : LSTSQ_FULL;
  const sections = args.only.filter((x) => LSTSQ_SECTIONS.includes(x));
  const start = Date.now();
  const loadStart = os.loadavg()[0];
  const api = resolveApi(lib);
  for (const n of api.notes) progress(n);
  const all = sections.length === LSTSQ_SECTIONS.length;
  const base = `lstsq${args.quick ? '-quick' : ''}${all ? '' : `-${sections.join('-')}`}`;
  const results = { quick: args.quick, argv: args.argv, base, sections, config: cfg, machine: describe(lib), api: { ...api, lstsq: undefined, sketch: undefined } };
  // The sketch section first: it builds the 1,000,000 x 100 problem that figure 1 then reuses.
  if (sections.includes('sketch')) results.sketch = await runSketch(lib, api, cfg, progress);
  collect();
  if (sections.includes('lstsq')) {
    results.lstsq = await runLstsq(lib, api, cfg, progress);
    results.numpyInfo = results.lstsq.numpyInfo;
  }
  collect();
  if (sections.includes('lstsq-accuracy')) {
    results.accuracy = await runLstsqAccuracy(lib, api, cfg, progress);
    results.numpyInfo = results.numpyInfo || results.accuracy.numpy;
  }
  results.elapsedS = (Date.now() - start) / 1000;
  results.loadAvg = { start: loadStart, end: os.loadavg()[0] };

  const md = lstsqMarkdown(results);
  const outDir = path.join(ROOT, 'bench-results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, `${base}.json`), json(results));
  fs.writeFileSync(path.join(outDir, `${base}.md`), md);
  const written = [`bench-results/${base}.json`, `bench-results/${base}.md`];
  if (!args.quick && all && api.nativeLstsq && api.nativeSketch && !api.lstsqSource.startsWith('internal')) {
    const docs = path.join(ROOT, 'docs', 'bench');
    fs.mkdirSync(docs, { recursive: true });
    fs.writeFileSync(path.join(docs, 'lstsq.md'), md);
    written.push('docs/bench/lstsq.md');
  } else {
    progress('docs/bench/lstsq.md left as it was: it takes a full run of all three sections with the public API and the native solver');
  }
  process.stdout.write(md);
  progress(`least squares / sketching done in ${results.elapsedS.toFixed(0)} s; wrote ${written.join(', ')}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const start = Date.now();
  const progress = progressLogger(start);
  const lib = loadLibrary();
  if (!lib.binding) progress(`addon not loaded, native rows skipped: ${lib.loadError}`);
  const m = describe(lib);
  progress(`${m.cpu}, ISAs ${lib.isas.join(', ') || 'none'}${lib.skippedIsas.length ? ` (skipped: ${lib.skippedIsas.join(', ')})` : ''}; sections ${args.only.join(', ')}`);
  if (args.only.includes('softmax')) await runSoftmax(args, lib, progress);
  collect();
  if (args.only.some((x) => LSTSQ_SECTIONS.includes(x))) await runLstsqSections(args, lib, progress);
  collect();
  if (args.only.includes('sampling')) process.stdout.write(await runSampling(lib, args, progress));
  progress(`all done in ${((Date.now() - start) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e.stack || e}\n`);
  process.exit(1);
});
