// Bad input: every bad argument gets a TypeError or RangeError whose message names the argument
// (`sketchmax.<fn>: <argument> <what is wrong> (got <value>)`), thrown by the sync forms and as a
// rejection by the async ones, and x and out are left untouched.
import { info, logSoftmax, logSoftmaxAsync, setIsa, softmax, softmaxAsync } from '../../lib/sketchmax';
import type { IsaName } from '../../lib/sketchmax';
import { bestIsa, hasNative, initialInfo, restoreBestIsa } from '../helpers/backends';
import { checkSameBits } from '../helpers/compare';
import { argMessage, expectError, expectRejection } from '../helpers/errors';
import { Rng, uniformArray, type FloatArray } from '../helpers/prng';

type AnyFn = (x: unknown, options?: unknown) => unknown;
type AnyAsyncFn = (x: unknown, options?: unknown) => Promise<unknown>;

const SYNC: ReadonlyArray<readonly [string, AnyFn]> = [
  ['softmax', softmax as unknown as AnyFn],
  ['logSoftmax', logSoftmax as unknown as AnyFn],
];
const ASYNC: ReadonlyArray<readonly [string, AnyAsyncFn]> = [
  ['softmaxAsync', softmaxAsync as unknown as AnyAsyncFn],
  ['logSoftmaxAsync', logSoftmaxAsync as unknown as AnyAsyncFn],
];
const BACKENDS = hasNative ? (['auto', 'native', 'js'] as const) : (['auto', 'js'] as const);

function detached(a: FloatArray): FloatArray {
  structuredClone(a.buffer, { transfer: [a.buffer as ArrayBuffer] });
  return a;
}

interface BadCall {
  what: string;
  /** Builds fresh arguments (some are detached or aliased, so never reuse them). */
  make: () => { x: unknown; options?: Record<string, unknown> | unknown };
  name: 'TypeError' | 'RangeError';
  arg: string;
  /** Extra pattern the message must match. */
  detail?: RegExp;
}

const f32 = (n: number, seed = 1): Float32Array => uniformArray('f32', n, -3, 3, new Rng(seed)) as Float32Array;
const f64 = (n: number, seed = 2): Float64Array => uniformArray('f64', n, -3, 3, new Rng(seed)) as Float64Array;

const BAD: readonly BadCall[] = [
  // x
  { what: 'x a plain Array', make: () => ({ x: [1, 2, 3] }), name: 'TypeError', arg: 'x', detail: /Float32Array or Float64Array.*Array of length 3/ },
  { what: 'x an Int32Array', make: () => ({ x: new Int32Array([1, 2, 3]) }), name: 'TypeError', arg: 'x', detail: /Int32Array of length 3/ },
  { what: 'x a Uint8Array', make: () => ({ x: new Uint8Array([1, 2, 3]) }), name: 'TypeError', arg: 'x', detail: /Uint8Array/ },
  { what: 'x a BigInt64Array', make: () => ({ x: new BigInt64Array(3) }), name: 'TypeError', arg: 'x' },
  { what: 'x a DataView', make: () => ({ x: new DataView(new ArrayBuffer(16)) }), name: 'TypeError', arg: 'x', detail: /DataView/ },
  { what: 'x an ArrayBuffer', make: () => ({ x: new ArrayBuffer(16) }), name: 'TypeError', arg: 'x' },
  { what: 'x null', make: () => ({ x: null }), name: 'TypeError', arg: 'x', detail: /\(got null\)/ },
  { what: 'x undefined', make: () => ({ x: undefined }), name: 'TypeError', arg: 'x', detail: /\(got undefined\)/ },
  { what: 'x a number', make: () => ({ x: 5 }), name: 'TypeError', arg: 'x', detail: /\(got 5\)/ },
  { what: 'x a string', make: () => ({ x: 'abc' }), name: 'TypeError', arg: 'x', detail: /\(got "abc"\)/ },
  { what: 'x an empty Float32Array', make: () => ({ x: new Float32Array(0) }), name: 'RangeError', arg: 'x', detail: /empty/ },
  { what: 'x an empty Float64Array', make: () => ({ x: new Float64Array(0) }), name: 'RangeError', arg: 'x', detail: /empty/ },
  { what: 'x detached', make: () => ({ x: detached(f32(8)) }), name: 'RangeError', arg: 'x', detail: /detached/ },
  { what: 'x a detached Float64Array', make: () => ({ x: detached(f64(8)) }), name: 'RangeError', arg: 'x', detail: /detached/ },
  // out
  { what: 'out a Float64Array for a Float32Array x', make: () => ({ x: f32(8), options: { out: new Float64Array(8) } }), name: 'TypeError', arg: 'options.out', detail: /Float32Array/ },
  { what: 'out a Float32Array for a Float64Array x', make: () => ({ x: f64(8), options: { out: new Float32Array(8) } }), name: 'TypeError', arg: 'options.out', detail: /Float64Array/ },
  { what: 'out an Int32Array', make: () => ({ x: f32(8), options: { out: new Int32Array(8) } }), name: 'TypeError', arg: 'options.out' },
  { what: 'out a plain Array', make: () => ({ x: f32(8), options: { out: new Array(8).fill(0) } }), name: 'TypeError', arg: 'options.out' },
  { what: 'out null', make: () => ({ x: f32(8), options: { out: null } }), name: 'TypeError', arg: 'options.out' },
  { what: 'out too short', make: () => ({ x: f32(8), options: { out: new Float32Array(7) } }), name: 'RangeError', arg: 'options.out', detail: /length 8/ },
  { what: 'out too long', make: () => ({ x: f64(8), options: { out: new Float64Array(9) } }), name: 'RangeError', arg: 'options.out', detail: /length 8/ },
  { what: 'out detached', make: () => ({ x: f32(8), options: { out: detached(f32(8, 3)) } }), name: 'RangeError', arg: 'options.out', detail: /detached/ },
  {
    what: 'out overlapping x, shifted one element up',
    make: () => {
      const b = f32(9);
      return { x: b.subarray(0, 8), options: { out: b.subarray(1, 9) } };
    },
    name: 'RangeError',
    arg: 'options.out',
    detail: /overlaps/,
  },
  {
    what: 'out overlapping x, shifted one element down',
    make: () => {
      const b = f64(9);
      return { x: b.subarray(1, 9), options: { out: b.subarray(0, 8) } };
    },
    name: 'RangeError',
    arg: 'options.out',
    detail: /overlaps/,
  },
  {
    what: "out overlapping only x's last element",
    make: () => {
      const buf = new ArrayBuffer(4 * 15);
      const x = new Float32Array(buf, 0, 8);
      x.set(f32(8));
      return { x, options: { out: new Float32Array(buf, 28, 8) } };
    },
    name: 'RangeError',
    arg: 'options.out',
    detail: /overlaps/,
  },
  // rows
  ...([0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 53, 1e300] as const).map(
    (rows): BadCall => ({ what: `rows ${rows}`, make: () => ({ x: f32(10), options: { rows } }), name: 'RangeError', arg: 'options.rows', detail: /positive integer/ }),
  ),
  { what: "rows '2'", make: () => ({ x: f32(10), options: { rows: '2' } }), name: 'TypeError', arg: 'options.rows', detail: /\(got "2"\)/ },
  { what: 'rows null', make: () => ({ x: f32(10), options: { rows: null } }), name: 'TypeError', arg: 'options.rows' },
  { what: 'rows 2n', make: () => ({ x: f32(10), options: { rows: BigInt(2) } }), name: 'TypeError', arg: 'options.rows' },
  { what: 'rows 3 for 10 elements', make: () => ({ x: f32(10), options: { rows: 3 } }), name: 'RangeError', arg: 'options.rows', detail: /must divide x\.length 10 \(got 3\)$/ },
  { what: 'rows 11 for 10 elements', make: () => ({ x: f64(10), options: { rows: 11 } }), name: 'RangeError', arg: 'options.rows', detail: /must divide x\.length 10 \(got 11\)$/ },
  // options
  { what: 'an unknown option key', make: () => ({ x: f32(4), options: { row: 2 } }), name: 'TypeError', arg: 'options.row', detail: /not a known option/ },
  { what: 'an unknown option key next to known ones', make: () => ({ x: f32(4), options: { rows: 2, algorithm: 'auto', outt: new Float32Array(4) } }), name: 'TypeError', arg: 'options.outt' },
  { what: 'options null', make: () => ({ x: f32(4), options: null }), name: 'TypeError', arg: 'options', detail: /\(got null\)/ },
  { what: 'options 5', make: () => ({ x: f32(4), options: 5 }), name: 'TypeError', arg: 'options' },
  { what: "options 'x'", make: () => ({ x: f32(4), options: 'x' }), name: 'TypeError', arg: 'options' },
  { what: 'options []', make: () => ({ x: f32(4), options: [] }), name: 'TypeError', arg: 'options' },
  { what: 'options a Float32Array', make: () => ({ x: f32(4), options: new Float32Array(4) }), name: 'TypeError', arg: 'options' },
  { what: 'options a function', make: () => ({ x: f32(4), options: () => 1 }), name: 'TypeError', arg: 'options' },
  // algorithm, backend
  { what: "algorithm 'fast'", make: () => ({ x: f32(4), options: { algorithm: 'fast' } }), name: 'RangeError', arg: 'options.algorithm', detail: /\(got "fast"\)/ },
  { what: "algorithm 'AUTO'", make: () => ({ x: f32(4), options: { algorithm: 'AUTO' } }), name: 'RangeError', arg: 'options.algorithm' },
  { what: 'algorithm 3', make: () => ({ x: f32(4), options: { algorithm: 3 } }), name: 'TypeError', arg: 'options.algorithm', detail: /\(got 3\)/ },
  { what: 'algorithm null', make: () => ({ x: f32(4), options: { algorithm: null } }), name: 'TypeError', arg: 'options.algorithm' },
  { what: "backend 'gpu'", make: () => ({ x: f32(4), options: { backend: 'gpu' } }), name: 'RangeError', arg: 'options.backend', detail: /\(got "gpu"\)/ },
  { what: 'backend 1', make: () => ({ x: f64(4), options: { backend: 1 } }), name: 'TypeError', arg: 'options.backend' },
];

/** Float arrays among the arguments, with copies of their contents (detached ones are skipped). */
function snapshot(args: { x: unknown; options?: unknown }): Array<[string, FloatArray, FloatArray]> {
  const list: Array<[string, FloatArray, FloatArray]> = [];
  const add = (label: string, v: unknown): void => {
    if ((v instanceof Float32Array || v instanceof Float64Array) && v.byteLength > 0) list.push([label, v, v.slice()]);
  };
  add('x', args.x);
  if (args.options !== null && typeof args.options === 'object' && 'out' in args.options) add('out', (args.options as { out: unknown }).out);
  return list;
}

function untouched(what: string, snaps: Array<[string, FloatArray, FloatArray]>): string[] {
  return snaps.flatMap(([label, a, copy]) => checkSameBits(`${what}: ${label} was modified`, a, copy));
}

function withBackend(options: unknown, backend: string): unknown {
  if (options === undefined) return { backend };
  if (options !== null && typeof options === 'object' && !Array.isArray(options) && !ArrayBuffer.isView(options) && !('backend' in options)) {
    return { ...options, backend };
  }
  return options;
}

describe.each(SYNC)('%s (sync) throws', (fnName, fn) => {
  test.each(BAD.map((b) => [b.what, b] as const))('%s', (_what, bad) => {
    for (const backend of BACKENDS) {
      const args = bad.make();
      const snaps = snapshot(args);
      const options = withBackend(args.options, backend);
      expectError(() => fn(args.x, options), bad.name, argMessage(fnName, bad.arg));
      if (bad.detail) expectError(() => fn(args.x, options), bad.name, bad.detail);
      expect(untouched(`${bad.what} (backend ${backend})`, snaps)).toEqual([]);
    }
    // Also without any backend option, exactly as written.
    const args = bad.make();
    const snaps = snapshot(args);
    expectError(() => (args.options === undefined ? fn(args.x) : fn(args.x, args.options)), bad.name, argMessage(fnName, bad.arg));
    expect(untouched(bad.what, snaps)).toEqual([]);
  });
});

describe.each(ASYNC)('%s rejects (and does not throw)', (fnName, fn) => {
  test.each(BAD.map((b) => [b.what, b] as const))('%s', async (_what, bad) => {
    for (const backend of BACKENDS) {
      const args = bad.make();
      const snaps = snapshot(args);
      await expectRejection(() => fn(args.x, withBackend(args.options, backend)), bad.name, argMessage(fnName, bad.arg));
      expect(untouched(`${bad.what} (backend ${backend})`, snaps)).toEqual([]);
    }
  });
});

describe('the exact message format', () => {
  test('rows not dividing the length', () => {
    expectError(() => softmax(f32(10), { rows: 3 }), 'RangeError', /^sketchmax\.softmax: options\.rows must divide x\.length 10 \(got 3\)$/);
    expectError(() => logSoftmax(f32(10), { rows: 4 }), 'RangeError', /^sketchmax\.logSoftmax: options\.rows must divide x\.length 10 \(got 4\)$/);
  });
  test('an unknown key lists the known ones', () => {
    expectError(() => softmax(f32(4), { row: 2 } as never), 'TypeError', /^sketchmax\.softmax: options\.row is not a known option \(known: rows, out, algorithm, backend\) \(got 2\)$/);
  });
});

describe('valid edge cases next to the bad ones', () => {
  for (const [dtype, make] of [
    ['f32', (buf: ArrayBuffer, off: number, n: number): FloatArray => new Float32Array(buf, off * 4, n)],
    ['f64', (buf: ArrayBuffer, off: number, n: number): FloatArray => new Float64Array(buf, off * 8, n)],
  ] as const) {
    test(`${dtype}: out aliasing x exactly through another view object (same offset and length) works in place`, () => {
      const n = 37;
      const size = dtype === 'f32' ? 4 : 8;
      for (const backend of BACKENDS) {
        for (const [name, fn] of SYNC) {
          const buf = new ArrayBuffer(size * (n + 2));
          const x = make(buf, 1, n);
          x.set(uniformArray(dtype, n, -5, 5, new Rng(9)));
          const want = fn(x.slice(), { backend }) as FloatArray;
          const alias = make(buf, 1, n);
          expect(alias).not.toBe(x);
          expect(fn(x, { backend, out: alias })).toBe(alias);
          expect(checkSameBits(`${name} ${backend} through an alias`, x, want)).toEqual([]);
          const whole = make(buf, 0, n + 2);
          expect([whole[0], whole[n + 1]]).toEqual([0, 0]);
        }
      }
    });
  }

  test('out right next to x in the same buffer (no overlap) is accepted', () => {
    for (const backend of BACKENDS) {
      const buf = new ArrayBuffer(4 * 16);
      const x = new Float32Array(buf, 0, 8);
      x.set(f32(8));
      const copy = x.slice();
      const out = new Float32Array(buf, 32, 8);
      expect(softmax(x, { backend, out })).toBe(out);
      expect(checkSameBits(`x next to out (${backend})`, x, copy)).toEqual([]);
      expect(checkSameBits(`out next to x (${backend})`, out, softmax(copy, { backend }))).toEqual([]);
    }
  });

  test('rows equal to the length, and 1, are accepted', () => {
    const x = f64(6);
    expect(Array.from(softmax(x, { rows: 6 }))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(logSoftmax(x, { rows: 6 }))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(softmax(x, { rows: 1 }).length).toBe(6);
  });

  test('options undefined, {} and all keys undefined are accepted', () => {
    const x = f32(5);
    const want = Array.from(softmax(x));
    expect(Array.from(softmax(x, undefined))).toEqual(want);
    expect(Array.from(softmax(x, {}))).toEqual(want);
    expect(Array.from(softmax(x, { rows: undefined, out: undefined, algorithm: undefined, backend: undefined }))).toEqual(want);
  });
});

describe('setIsa', () => {
  afterAll(restoreBestIsa);

  test('a non-string is a TypeError naming isa', () => {
    for (const bad of [5, null, undefined, {}, ['avx2']]) {
      expectError(() => setIsa(bad as unknown as IsaName), 'TypeError', argMessage('setIsa', 'isa'));
    }
    expect(info().isa).toBe(initialInfo.isa);
  });

  test(`an unknown name ${hasNative ? 'selects the best ISA, with a warning' : 'returns null (no addon)'}`, () => {
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const got = setIsa('sse' as IsaName);
      if (hasNative) {
        expect(got).toBe(bestIsa);
        expect(info().isa).toBe(bestIsa);
        expect(spy).toHaveBeenCalledTimes(1);
        const [message, options] = spy.mock.calls[0] as unknown as [string, { code?: string }];
        expect(message).toMatch(/'sse'/);
        expect(options).toMatchObject({ code: 'SKETCHMAX_ISA' });
      } else {
        expect(got).toBeNull();
        expect(info().isa).toBeNull();
      }
      expect(info().requestedIsa).toBe('sse');
    } finally {
      spy.mockRestore();
    }
  });
});

(hasNative ? describe.skip : describe)("backend 'native' without the addon", () => {
  test('throws (sync) or rejects (async) with an Error whose message includes the loadError', async () => {
    const loadError = info().loadError;
    expect(loadError).toMatch(/SKETCHMAX_BACKEND/);
    const esc = loadError!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const x = f32(4);
    const out = new Float32Array(4).fill(3);
    for (const [name, fn] of SYNC) {
      expectError(() => fn(x, { backend: 'native', out }), 'Error', new RegExp(`^sketchmax\\.${name}: backend 'native' is unavailable: ${esc}$`));
    }
    for (const [name, fn] of ASYNC) {
      await expectRejection(() => fn(x, { backend: 'native', out }), 'Error', new RegExp(`^sketchmax\\.${name}: .*${esc}$`));
    }
    expect(Array.from(out)).toEqual([3, 3, 3, 3]);
  });
});

// The addon re-checks its arguments, so even a caller that bypasses the TypeScript layer (another
// package calling the binding directly) gets an error and never an out-of-bounds access.
(hasNative ? describe : describe.skip)('the addon itself rejects bad arguments', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const binding = (require('../../lib/native') as typeof import('../../lib/native')).loadNative().binding!;
  const raw = binding as unknown as { softmax: (...args: unknown[]) => unknown; softmaxAsync: (...args: unknown[]) => unknown };
  const x = new Float32Array([1, 2, 3, 4]);
  const cases: Array<[string, unknown[], string, RegExp]> = [
    ['a plain array', [[1, 2], new Float32Array(2), 1, 0, false], 'TypeError', /x must be a Float32Array or Float64Array/],
    ['an Int32Array out', [x, new Int32Array(4), 1, 0, false], 'TypeError', /out must be a Float32Array or Float64Array/],
    ['mixed float types', [x, new Float64Array(4), 1, 0, false], 'TypeError', /same type/],
    ['out of the wrong length', [x, new Float32Array(3), 1, 0, false], 'RangeError', /length/],
    ['rows not dividing', [x, new Float32Array(4), 3, 0, false], 'RangeError', /rows/],
    ['rows far too large', [x, new Float32Array(4), 1e30, 0, false], 'RangeError', /rows/],
    ['rows NaN', [x, new Float32Array(4), NaN, 0, false], 'RangeError', /rows/],
    ['an unknown algorithm', [x, new Float32Array(4), 1, 7, false], 'RangeError', /algorithm/],
    ['too few arguments', [x], 'TypeError', /expected 5 arguments/],
    ['an empty x', [new Float32Array(0), new Float32Array(0), 1, 0, false], 'RangeError', /empty/],
  ];
  for (const [what, args, name, message] of cases) {
    test(`softmax with ${what}`, () => {
      expectError(() => raw.softmax(...args), name, message);
      expectError(() => raw.softmaxAsync(...args), name, message);
    });
  }
  test('out partially overlapping x', () => {
    const buf = new Float32Array(8);
    buf.set([1, 2, 3, 4, 5, 6, 7, 8]);
    const copy = buf.slice();
    expectError(() => raw.softmax(buf.subarray(0, 4), buf.subarray(1, 5), 1, 0, false), 'RangeError', /overlaps/);
    expect(checkSameBits('buffer after a refused call', buf, copy)).toEqual([]);
  });
});
