// info() and setIsa(): shape, version, backend and ISA in both modes, setIsa round trips; the
// environment variables (SKETCHMAX_ISA, SKETCHMAX_BACKEND, SKETCHMAX_ADDON_PATH) in child
// processes running dist/ (built by `npx tsc -p tsconfig.build.json`; `npm test` builds it first);
// and the addon leaves the floating-point mode (MXCSR: FTZ/DAZ) of the main thread alone.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { info, logSoftmax, setIsa, softmax } from '../../lib/sketchmax';
import type { IsaName } from '../../lib/sketchmax';
import { ALL_ISAS, bestIsa, cpuinfoBestIsa, describeNative, hasNative, initialInfo, quietSetIsa, restoreBestIsa, runnableIsas } from '../helpers/backends';
import { checkSameBits } from '../helpers/compare';
import { Rng, seedOf, uniformArray } from '../helpers/prng';

const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'dist', 'sketchmax.js');
const DIST_MJS = path.join(ROOT, 'dist', 'sketchmax.mjs');
const packageVersion = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const jsMode = process.env.SKETCHMAX_BACKEND === 'js';
const isaFromEnv = process.env.SKETCHMAX_ISA !== undefined && process.env.SKETCHMAX_ISA !== '';

afterAll(restoreBestIsa);

describe('info()', () => {
  test('has the documented shape and the package version', () => {
    const i = info();
    expect(i.version).toBe(packageVersion);
    expect(['native', 'js']).toContain(i.backend);
    for (const key of Object.keys(i)) expect(['version', 'backend', 'isa', 'requestedIsa', 'loadError']).toContain(key);
    expect(typeof i.version).toBe('string');
    if (i.loadError !== undefined) expect(typeof i.loadError).toBe('string');
    if (i.requestedIsa !== undefined) expect(typeof i.requestedIsa).toBe('string');
    // A fresh object each time: mutating it changes nothing.
    (i as { backend: string }).backend = 'mutated';
    expect(info().backend).toBe(initialInfo.backend);
  });

  (process.env.CI && !jsMode ? test : test.skip)('in CI (not SKETCHMAX_BACKEND=js) the addon is loaded and runs the best ISA of this CPU', () => {
    expect(initialInfo.loadError).toBeUndefined();
    expect(initialInfo.backend).toBe('native');
    if (!isaFromEnv) expect(initialInfo.isa).toBe(cpuinfoBestIsa());
  });

  describeNative('with the addon', () => {
    test("backend is 'native', isa is one of the ISA names, no loadError", () => {
      expect(initialInfo.backend).toBe('native');
      expect(ALL_ISAS).toContain(initialInfo.isa);
      expect(initialInfo.loadError).toBeUndefined();
    });

    (isaFromEnv ? test.skip : test)('loads with the best ISA of this CPU (read from /proc/cpuinfo, not from the library)', () => {
      const want = cpuinfoBestIsa();
      if (want === null) return; // no /proc/cpuinfo: nothing independent to compare with
      expect(initialInfo.isa).toBe(want);
      expect(bestIsa).toBe(want);
      expect(initialInfo.requestedIsa).toBeUndefined();
    });

    test('the runnable ISAs are the best one and everything below it', () => {
      expect(runnableIsas.length).toBeGreaterThan(0);
      expect(runnableIsas).toEqual(ALL_ISAS.slice(ALL_ISAS.indexOf(bestIsa!)));
      expect(runnableIsas).toContain('scalar');
    });

    for (const isa of ALL_ISAS) {
      (runnableIsas.includes(isa) ? test : test.skip)(`setIsa('${isa}') round-trips and info() follows`, () => {
        const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
        try {
          expect(setIsa(isa)).toBe(isa);
          expect(spy).not.toHaveBeenCalled();
        } finally {
          spy.mockRestore();
        }
        expect(info()).toMatchObject({ backend: 'native', isa, requestedIsa: isa });
      });
    }

    const missing = ALL_ISAS.filter((isa) => !runnableIsas.includes(isa));
    for (const isa of ALL_ISAS) {
      (missing.includes(isa) ? test : test.skip)(`setIsa('${isa}'), which this CPU cannot run, selects the best ISA with a warning`, () => {
        quietSetIsa('scalar');
        const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
        try {
          expect(setIsa(isa)).toBe(bestIsa);
          expect(spy).toHaveBeenCalledTimes(1);
          const [message, options] = spy.mock.calls[0] as unknown as [string, { code?: string }];
          expect(message).toContain(`'${isa}'`);
          expect(options).toMatchObject({ code: 'SKETCHMAX_ISA' });
        } finally {
          spy.mockRestore();
        }
        expect(info()).toMatchObject({ isa: bestIsa, requestedIsa: isa });
      });
    }

    (runnableIsas.length > 1 ? test : test.skip)('setIsa really switches kernels: the ISAs differ in the last bits somewhere', () => {
      const x = uniformArray('f32', 4097, -10, 10, new Rng(seedOf('switch')));
      const results = runnableIsas.map((isa) => {
        expect(quietSetIsa(isa)).toBe(isa);
        return softmax(x, { backend: 'native' });
      });
      for (let k = 1; k < results.length; k++) {
        expect(checkSameBits('different ISAs', results[k], results[0])).not.toEqual([]);
      }
      restoreBestIsa();
    });
  });

  (hasNative ? describe.skip : describe)('without the addon', () => {
    test("backend is 'js', isa is null, loadError says why", () => {
      expect(initialInfo.backend).toBe('js');
      expect(initialInfo.isa).toBeNull();
      expect(typeof initialInfo.loadError).toBe('string');
      if (jsMode) expect(initialInfo.loadError).toMatch(/SKETCHMAX_BACKEND/);
    });

    test('setIsa returns null for every name and info().isa stays null', () => {
      for (const isa of ALL_ISAS) {
        expect(setIsa(isa)).toBeNull();
        expect(info()).toMatchObject({ backend: 'js', isa: null, requestedIsa: isa });
      }
    });
  });
});

interface ChildResult {
  status: number | null;
  stderr: string;
  out: { info: Record<string, unknown>; y32: number[]; y64: number[]; log64: number[] } | null;
}

const X32 = [-2.5, 0, 1, 3.25, -1e30, 7, 0.125, -0.5, 2, 1.5, -3];
const X64 = [1e-3, -700, 5, 4.999999999999, -Infinity, 0.1, 0.2, 0.3];

/** Runs dist/sketchmax.js in a fresh Node process with the given environment changes. */
function child(envChanges: Record<string, string | undefined>, entry: 'cjs' | 'esm' = 'cjs'): ChildResult {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(envChanges)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const body = `
    const x32 = new Float32Array(${JSON.stringify(X32)});
    const x64 = new Float64Array(${JSON.stringify(X64.map(String))}.map(Number));
    // The backend info() reports, explicitly: these rows are short enough that 'auto' would run TypeScript.
    const o = { backend: s.info().backend };
    const out = { info: s.info(), y32: Array.from(s.softmax(x32, o)), y64: Array.from(s.softmax(x64, o)), log64: Array.from(s.logSoftmax(x64, o)) };
    process.stdout.write(JSON.stringify(out, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));`;
  const args =
    entry === 'cjs'
      ? ['-e', `const s = require(${JSON.stringify(DIST)});${body}`]
      : ['--input-type=module', '-e', `import s from ${JSON.stringify(`file://${DIST_MJS}`)};${body}`];
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 60000 });
  let out: ChildResult['out'] = null;
  try {
    const revive = (_k: string, v: unknown): unknown => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === 'NaN' ? NaN : v);
    out = JSON.parse(r.stdout, revive) as ChildResult['out'];
  } catch {
    out = null;
  }
  return { status: r.status, stderr: r.stderr, out };
}

describe('environment variables (child processes running dist/)', () => {
  beforeAll(() => {
    if (!fs.existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npx tsc -p tsconfig.build.json\` first`);
  });

  /** In-process results with the given backend/ISA, to compare the child's with. */
  function expected(backend: 'native' | 'js', isa: IsaName | null): { y32: number[]; y64: number[]; log64: number[] } {
    if (isa !== null) expect(quietSetIsa(isa)).toBe(isa);
    const r = {
      y32: Array.from(softmax(new Float32Array(X32), { backend })),
      y64: Array.from(softmax(new Float64Array(X64), { backend })),
      log64: Array.from(logSoftmax(new Float64Array(X64), { backend })),
    };
    restoreBestIsa();
    return r;
  }

  describeNative('with the addon', () => {
    test('no variable: the best ISA, no warning, the same values as this process', () => {
      const r = child({ SKETCHMAX_BACKEND: undefined, SKETCHMAX_ISA: undefined });
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.out!.info).toEqual({ version: packageVersion, backend: 'native', isa: bestIsa });
      expect(r.out).toMatchObject(expected('native', bestIsa));
    });

    test("SKETCHMAX_ISA=scalar: isa 'scalar', requestedIsa 'scalar', scalar kernels", () => {
      const r = child({ SKETCHMAX_BACKEND: undefined, SKETCHMAX_ISA: 'scalar' });
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.out!.info).toEqual({ version: packageVersion, backend: 'native', isa: 'scalar', requestedIsa: 'scalar' });
      expect(r.out).toMatchObject(expected('native', 'scalar'));
    });

    test('SKETCHMAX_ISA=bogus: a SKETCHMAX_ISA warning on stderr and the best ISA', () => {
      const r = child({ SKETCHMAX_BACKEND: undefined, SKETCHMAX_ISA: 'bogus' });
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(/SKETCHMAX_ISA/);
      expect(r.stderr).toMatch(/bogus/);
      expect(r.out!.info).toEqual({ version: packageVersion, backend: 'native', isa: bestIsa, requestedIsa: 'bogus' });
      expect(r.out).toMatchObject(expected('native', bestIsa));
    });

    const missing = ALL_ISAS.filter((isa) => !runnableIsas.includes(isa));
    (missing.length > 0 ? test : test.skip)(`SKETCHMAX_ISA=${missing[0] ?? 'avx512'} (not runnable here): a warning and the best ISA`, () => {
      const r = child({ SKETCHMAX_BACKEND: undefined, SKETCHMAX_ISA: missing[0] });
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(/SKETCHMAX_ISA/);
      expect(r.stderr).toContain(`'${missing[0]}'`);
      expect(r.out!.info).toMatchObject({ backend: 'native', isa: bestIsa, requestedIsa: missing[0] });
    });

    test('SKETCHMAX_ISA empty is ignored', () => {
      const r = child({ SKETCHMAX_BACKEND: undefined, SKETCHMAX_ISA: '' });
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.out!.info).toEqual({ version: packageVersion, backend: 'native', isa: bestIsa });
    });

    test('the ES module entry works and shares the CommonJS instance (one addon state)', () => {
      const r = child({ SKETCHMAX_BACKEND: undefined, SKETCHMAX_ISA: 'scalar' }, 'esm');
      expect(r.status).toBe(0);
      expect(r.out!.info).toMatchObject({ backend: 'native', isa: 'scalar' });
      expect(r.out).toMatchObject(expected('native', 'scalar'));
      const script = [
        `import esm, { setIsa, info } from ${JSON.stringify(`file://${DIST_MJS}`)};`,
        "import { createRequire } from 'node:module';",
        `const cjs = createRequire(import.meta.url)(${JSON.stringify(DIST)});`,
        "setIsa('scalar');",
        'const a = cjs.info().isa;',
        `cjs.setIsa(${JSON.stringify(bestIsa)});`,
        'process.stdout.write(JSON.stringify([a, info().isa, esm.info().isa, esm === cjs]));',
      ].join('\n');
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.SKETCHMAX_BACKEND;
      delete env.SKETCHMAX_ISA;
      const s = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 60000 });
      expect(s.stderr).toBe('');
      expect(JSON.parse(s.stdout)).toEqual(['scalar', bestIsa, bestIsa, true]);
    });
  });

  test("SKETCHMAX_BACKEND=js: backend 'js', isa null, loadError names the variable, TypeScript values", () => {
    const r = child({ SKETCHMAX_BACKEND: 'js', SKETCHMAX_ISA: undefined });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.out!.info).toMatchObject({ version: packageVersion, backend: 'js', isa: null });
    expect(r.out!.info.loadError).toMatch(/SKETCHMAX_BACKEND/);
    expect(r.out).toMatchObject(expected('js', null));
  });

  test('SKETCHMAX_BACKEND=js with SKETCHMAX_ISA=scalar: still js, isa null, no crash', () => {
    const r = child({ SKETCHMAX_BACKEND: 'js', SKETCHMAX_ISA: 'scalar' });
    expect(r.status).toBe(0);
    expect(r.out!.info).toMatchObject({ backend: 'js', isa: null, requestedIsa: 'scalar' });
  });

  test('SKETCHMAX_ADDON_PATH to a missing file: the js backend, loadError names the path', () => {
    const missing = path.join(ROOT, 'build', 'no-such-dir', 'sketchmax.node');
    const r = child({ SKETCHMAX_BACKEND: undefined, SKETCHMAX_ADDON_PATH: missing });
    expect(r.status).toBe(0);
    expect(r.out!.info).toMatchObject({ backend: 'js', isa: null });
    expect(r.out!.info.loadError).toContain(missing);
    expect(r.out).toMatchObject(expected('js', null));
  });
});

describeNative('floating-point mode (MXCSR)', () => {
  afterAll(restoreBestIsa);

  test('after many native calls (every ISA, both dtypes, subnormal-range terms) JS subnormal arithmetic still works', () => {
    const rng = new Rng(seedOf('mxcsr'));
    const inputs = [
      uniformArray('f32', 1000, -100, 0, rng),
      uniformArray('f64', 1000, -745, 0, rng),
      Float32Array.of(0, -87.3, -87.4, -100, 1e-45, 1e-40),
      Float64Array.of(0, -708.3, -708.5, -745, 5e-324, 1e-310),
    ];
    for (const isa of runnableIsas) {
      expect(quietSetIsa(isa)).toBe(isa);
      for (let k = 0; k < 200; k++) {
        for (const x of inputs) {
          softmax(x, { backend: 'native' });
          logSoftmax(x, { backend: 'native', algorithm: 'three-pass-recompute' });
        }
      }
    }
    restoreBestIsa();
    // Values read at run time, so nothing is folded at compile time.
    const v = Float64Array.of(2.2250738585072014e-308, 5e-324, 4, 1.1754943508222875e-38);
    const t = v[0];
    expect(t / v[2]).toBe(5.562684646268003e-309); // FTZ would give 0
    expect(t / v[2]).toBeGreaterThan(0);
    expect(v[1] * 1).toBe(5e-324); // DAZ would give 0
    expect(v[1] + v[1]).toBe(1e-323);
    expect(Math.fround(v[3] / v[2])).toBe(2.938735877055719e-39);
    // And the addon itself sees subnormal inputs as numbers, not zeros.
    expect(Array.from(softmax(Float64Array.of(5e-324, 0), { backend: 'native' }))).toEqual([0.5, 0.5]);
    expect(Array.from(logSoftmax(Float64Array.of(1e-310, 0), { backend: 'native' }))).toEqual(Array.from(logSoftmax(Float64Array.of(1e-310, 0), { backend: 'js' })));
  });
});
