'use strict';
// The library under test, the raw addon, the ISAs this CPU can run, and a description of the machine
// for the report header (numbers are meaningless without it).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const DIST = path.join(__dirname, '..', '..', 'dist');
const ISA_ORDER = ['avx512', 'avx2', 'scalar'];

/** Warnings other than sketchmax's ISA fallback (expected while probing) still reach stderr. */
function silenceIsaWarnings() {
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.code !== 'SKETCHMAX_ISA') process.stderr.write(`warning: ${w.name}: ${w.message}\n`);
  });
}

/**
 * Loads dist/sketchmax.js (public API) and the raw addon. binding is null when the addon is not
 * loadable (then native measurements are skipped and the TypeScript path is still measured).
 */
function loadLibrary() {
  silenceIsaWarnings();
  let sketchmax;
  try {
    sketchmax = require(path.join(DIST, 'sketchmax.js'));
  } catch (e) {
    throw new Error(`cannot load ${DIST}/sketchmax.js (${e.message}); run \`npx tsc -p tsconfig.build.json\` first`);
  }
  const loaded = require(path.join(DIST, 'native.js')).loadNative();
  const binding = loaded.binding;
  const bestIsa = binding ? binding.bestIsa() : null;
  // An ISA is runnable when setIsa keeps it; otherwise the addon fell back to another one.
  const isas = binding ? ISA_ORDER.filter((isa) => sketchmax.setIsa(isa) === isa) : [];
  const skippedIsas = binding ? ISA_ORDER.filter((isa) => !isas.includes(isa)) : ISA_ORDER;
  // Back to the ISA the run asked for (SKETCHMAX_ISA, when this CPU runs it), else the best.
  const requested = process.env.SKETCHMAX_ISA;
  if (binding) sketchmax.setIsa(requested && isas.includes(requested) ? requested : bestIsa);
  return { sketchmax, binding, loadError: loaded.loadError || null, isas, skippedIsas, bestIsa };
}

function readTrim(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

function cpuModel() {
  const text = readTrim('/proc/cpuinfo');
  const m = text && /^model name\s*:\s*(.+)$/m.exec(text);
  return m ? m[1].trim() : os.cpus()[0]?.model || 'unknown CPU';
}

/** Cache levels of cpu0 from sysfs: [{level, type, size, sharedCpus}]. */
function caches() {
  const dir = '/sys/devices/system/cpu/cpu0/cache';
  let entries = [];
  try {
    entries = fs.readdirSync(dir).filter((d) => /^index\d+$/.test(d)).sort();
  } catch {
    return [];
  }
  return entries.map((d) => ({
    level: Number(readTrim(path.join(dir, d, 'level'))),
    type: readTrim(path.join(dir, d, 'type')),
    size: readTrim(path.join(dir, d, 'size')),
    sharedCpus: readTrim(path.join(dir, d, 'shared_cpu_list')),
  }));
}

/** "32768K" -> bytes. */
function parseSize(s) {
  const m = /^(\d+)\s*([KMG]?)/i.exec(s || '');
  if (!m) return null;
  const mult = { '': 1, K: 1024, M: 1 << 20, G: 1 << 30 }[m[2].toUpperCase()];
  return Number(m[1]) * mult;
}

function describe(lib) {
  const info = lib.sketchmax.info();
  return {
    cpu: cpuModel(),
    cores: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    caches: caches(),
    sketchmax: info,
    isaInEffect: info.isa,
    runnableIsas: lib.isas,
    skippedIsas: lib.skippedIsas,
    addonLoadError: lib.loadError,
    date: new Date().toISOString(),
  };
}

module.exports = { loadLibrary, describe, parseSize, ISA_ORDER };
