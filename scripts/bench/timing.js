'use strict';
// Median timing with process.hrtime.bigint(). The machine is shared and noisy, so every number is
// a median of several samples, and configurations that are compared with each other are measured
// round-robin (one sample of each in turn) so that a burst of outside load hits all of them alike.

/** Nanoseconds since an arbitrary origin, as a Number (ample precision for spans under days). */
function nowNs() {
  return Number(process.hrtime.bigint());
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Per-call nanoseconds of `inner` back-to-back calls of fn. */
function sampleSync(fn, inner) {
  const t0 = nowNs();
  for (let i = 0; i < inner; i++) fn();
  return (nowNs() - t0) / inner;
}

/**
 * One plan for a whole group: every config gets the same number of samples (rounds), so each
 * config's samples span the same stretch of time and see the same outside load; that also makes
 * samples pairable round by round (see report.js pairedRatio). The slowest call fixes the rounds:
 * enough for totalNs, at least minSamples, at most maxSamples. Each config then makes a sample of
 * as many calls as bring its own total to about totalNs (and a sample to at least sampleNs).
 * opts.inner fixes the calls per sample instead (tiny rows).
 */
function planGroup(oneCallNs, opts) {
  if (opts.inner) return { rounds: opts.minSamples, inner: oneCallNs.map(() => opts.inner) };
  const slowest = Math.max(...oneCallNs, 1);
  const rounds = Math.min(opts.maxSamples, Math.max(opts.minSamples, Math.ceil(opts.totalNs / Math.max(slowest, opts.sampleNs))));
  const inner = oneCallNs.map((t) => Math.max(1, Math.ceil(Math.max(opts.sampleNs, opts.totalNs / rounds) / Math.max(t, 1))));
  return { rounds, inner };
}

/**
 * Times several configurations against each other. Each config is {key, fn, setup?}: setup (untimed)
 * runs before each of its samples, e.g. to select the ISA. Every config is warmed up once and timed
 * once, then sampled round-robin, the starting config rotating each round.
 * @returns Map key -> {medianNs, samplesNs (one per round, in round order), inner}
 */
function timeGroup(configs, opts) {
  const oneCall = configs.map((c) => {
    if (c.setup) c.setup();
    c.fn(); // warm-up: JIT, page faults on out, caches
    if (c.setup) c.setup();
    return sampleSync(c.fn, 1);
  });
  const { rounds, inner } = planGroup(oneCall, opts);
  const samples = configs.map(() => new Array(rounds));
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < configs.length; j++) {
      const k = (j + r) % configs.length;
      const c = configs[k];
      if (c.setup) c.setup();
      samples[k][r] = sampleSync(c.fn, inner[k]);
    }
  }
  const result = new Map();
  configs.forEach((c, k) => {
    result.set(c.key, { medianNs: median(samples[k]), samplesNs: samples[k], inner: inner[k] });
  });
  return result;
}

module.exports = { nowNs, median, planGroup, sampleSync, timeGroup };
