// Which backends and ISAs the suites can run here, determined once when this module loads.
import * as fs from 'node:fs';

import { info, setIsa } from '../../lib/sketchmax';
import type { Info, IsaName } from '../../lib/sketchmax';

export const ALL_ISAS: readonly IsaName[] = ['avx512', 'avx2', 'scalar'];

/** info() as it was before any test (or this module) called setIsa. */
export const initialInfo: Info = info();

/** The addon is loaded (false when SKETCHMAX_BACKEND=js or when it is not built). */
export const hasNative = initialInfo.backend === 'native';

/** Runs f with process warnings (setIsa's SKETCHMAX_ISA fallback notices) suppressed. */
export function quietly<T>(f: () => T): T {
  const original = process.emitWarning;
  process.emitWarning = (() => undefined) as typeof process.emitWarning;
  try {
    return f();
  } finally {
    process.emitWarning = original;
  }
}

/** setIsa without the fallback warning. */
export function quietSetIsa(isa: IsaName): IsaName | null {
  return quietly(() => setIsa(isa));
}

/** The ISAs whose kernels this CPU runs: setIsa(isa) keeps exactly that ISA. Empty on the js backend. */
export const runnableIsas: readonly IsaName[] = hasNative ? ALL_ISAS.filter((isa) => quietSetIsa(isa) === isa) : [];

/** The best ISA the addon runs here (null on the js backend). */
export const bestIsa: IsaName | null = runnableIsas.length > 0 ? runnableIsas[0] : null;

// Leave the addon as it was loaded (SKETCHMAX_ISA may have chosen a non-best ISA).
if (hasNative && initialInfo.isa !== null) quietSetIsa(initialInfo.isa);

/** Puts the best ISA back (for afterAll). */
export function restoreBestIsa(): void {
  if (bestIsa !== null) quietSetIsa(bestIsa);
}

/**
 * The best ISA of this machine, determined without the library: /proc/cpuinfo flags (Linux keeps
 * only the features the kernel enabled in XCR0). null where /proc/cpuinfo is unavailable.
 */
export function cpuinfoBestIsa(): IsaName | null {
  let text: string;
  try {
    text = fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return null;
  }
  const line = text.split('\n').find((l) => /^flags\s*:/.test(l));
  if (line === undefined) return process.arch === 'x64' ? null : 'scalar';
  const flags = new Set(line.replace(/^flags\s*:/, '').trim().split(/\s+/));
  if (['avx512f', 'avx512dq', 'avx512bw', 'avx512vl'].every((f) => flags.has(f))) return 'avx512';
  if (flags.has('avx2') && flags.has('fma')) return 'avx2';
  return 'scalar';
}

/** One way to run softmax: the addon with one ISA, or the TypeScript backend. */
export interface Engine {
  label: string;
  backend: 'native' | 'js';
  isa: IsaName | null;
  /** Can run here; otherwise its tests are reported as skipped. */
  runnable: boolean;
}

export const ENGINES: readonly Engine[] = [
  ...ALL_ISAS.map((isa): Engine => ({ label: `native/${isa}`, backend: 'native', isa, runnable: runnableIsas.includes(isa) })),
  { label: 'js', backend: 'js', isa: null, runnable: true },
];

/**
 * describe() for one engine (describe.skip when it cannot run here): selects its ISA before its
 * tests and restores the best ISA after them.
 */
export function describeEngine(engine: Engine, body: () => void): void {
  (engine.runnable ? describe : describe.skip)(engine.label, () => {
    if (engine.isa !== null) {
      const isa = engine.isa;
      beforeAll(() => {
        expect(quietSetIsa(isa)).toBe(isa);
      });
      afterAll(restoreBestIsa);
    }
    body();
  });
}

/** describe() that needs the addon: skipped (reported as such) on the js backend. */
export const describeNative: jest.Describe = hasNative ? describe : describe.skip;
