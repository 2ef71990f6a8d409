#!/usr/bin/env node
'use strict';
// `npm run bench`: sketchmax softmax benchmark. Prints markdown tables to stdout (progress goes to
// stderr), writes bench-results/softmax.{json,md,svg}, and copies the .md and .svg to docs/bench/.
//   node scripts/bench/index.js           full run (~10 minutes on 2 cores)
//   node scripts/bench/index.js --quick   smoke test (~1 minute): sizes up to 1M, few samples, no 2^26
//                                         accuracy; writes bench-results/softmax-quick.* and not docs/
// docs/bench/ is written only by a full run with the addon loaded (what the README shows).
const fs = require('node:fs');
const path = require('node:path');

const { runAccuracy } = require('./accuracy');
const { describe, loadLibrary } = require('./machine');
const { runNumpy, runOrt } = require('./peers');
const { json, markdown } = require('./report');
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

function parseArgs(argv) {
  const args = { quick: false };
  for (const a of argv) {
    if (a === '--quick') args.quick = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: node scripts/bench/index.js [--quick]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (known: --quick, --help)`);
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

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const cfg = args.quick ? QUICK : FULL;
  const start = Date.now();
  const progress = progressLogger(start);
  const lib = loadLibrary();
  if (!lib.binding) progress(`addon not loaded, native rows skipped: ${lib.loadError}`);
  const results = { quick: args.quick, config: cfg, machine: describe(lib) };
  progress(`${results.machine.cpu}, ISAs ${lib.isas.join(', ') || 'none'}${lib.skippedIsas.length ? ` (skipped: ${lib.skippedIsas.join(', ')})` : ''}`);

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
  progress(`done in ${results.elapsedS.toFixed(0)} s; wrote ${written.join(', ')}`);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e.stack || e}\n`);
  process.exit(1);
});
