// Behaviour: in place, inputs left alone, result types, `out` returned, what 'auto' runs, native and
// TypeScript agree, async = sync, the async forms leave the event loop running, SharedArrayBuffer-
// backed arrays.
import { loadNative } from '../../lib/native';
import { AUTO_JS_MAX_ELEMENTS } from '../../lib/softmax/softmax';
import { info, logSoftmaxAsync, softmax, softmaxAsync } from '../../lib/sketchmax';
import { ALL_ISAS, ENGINES, describeEngine, describeNative, hasNative, quietSetIsa, restoreBestIsa, runnableIsas } from '../helpers/backends';
import { checkAgree, checkLogSoftmax, checkSameBits, checkSoftmax, dtypeOf } from '../helpers/compare';
import { Rng, alloc, seedOf, uniformArray, type FloatArray } from '../helpers/prng';
import { reference, type Dtype } from '../helpers/reference';
import { ALGORITHMS, DTYPES, OPS, call, callAsync } from '../helpers/run';

/** A few shapes: [rows, cols], lengths chosen to hit main loops, whole vectors and tails. */
const SHAPES: ReadonlyArray<readonly [number, number]> = [
  [1, 1],
  [1, 7],
  [1, 37],
  [1, 300],
  [1, 4097],
  [3, 70],
  [7, 129],
  [64, 5],
];

function inputs(dtype: Dtype, tag: string, lo = -10, hi = 10): Array<{ label: string; x: FloatArray; rows: number }> {
  const rng = new Rng(seedOf(`${tag}/${dtype}`));
  return SHAPES.map(([rows, cols]) => ({ label: `${rows}x${cols}`, x: uniformArray(dtype, rows * cols, lo, hi, rng), rows }));
}

afterAll(restoreBestIsa);

for (const engine of ENGINES) {
  describeEngine(engine, () => {
    const backend = engine.backend;
    for (const dtype of DTYPES) {
      describe(dtype, () => {
        for (const op of OPS) {
          test(`${op}: in place equals out of place, bit for bit; x untouched otherwise`, () => {
            for (const algorithm of ALGORITHMS) {
              for (const { label, x, rows } of inputs(dtype, 'in-place')) {
                const copy = x.slice();
                const fresh = call(op, x, { rows, algorithm, backend });
                expect(checkSameBits(`${label} ${algorithm}: x after an out-of-place call`, x, copy)).toEqual([]);
                const other = alloc(dtype, x.length);
                expect(call(op, x, { rows, algorithm, backend, out: other })).toBe(other);
                expect(checkSameBits(`${label} ${algorithm}: x after a call with out`, x, copy)).toEqual([]);
                expect(checkSameBits(`${label} ${algorithm}: out vs fresh`, other, fresh)).toEqual([]);
                expect(call(op, x, { rows, algorithm, backend, out: x })).toBe(x);
                expect(checkSameBits(`${label} ${algorithm}: in place vs out of place`, x, fresh)).toEqual([]);
              }
            }
          });

          test(`${op}: the result has x's type; a given out is the object returned`, () => {
            const x = uniformArray(dtype, 33, -5, 5, new Rng(1));
            const y = call(op, x, { backend });
            const tag = dtype === 'f32' ? '[object Float32Array]' : '[object Float64Array]';
            expect(Object.prototype.toString.call(y)).toBe(tag);
            expect(y.constructor.name).toBe(x.constructor.name);
            expect(y).not.toBe(x);
            expect(y.length).toBe(x.length);
            expect(y.buffer).not.toBe(x.buffer);
            const out = alloc(dtype, 33);
            expect(call(op, x, { backend, out })).toBe(out);
          });

          test(`${op}: on in-cache rows 'auto' (and no algorithm) equals 'three-pass-reload' bit for bit`, () => {
            for (const { label, x, rows } of inputs(dtype, 'auto')) {
              const auto = call(op, x, { rows, algorithm: 'auto', backend });
              const dflt = call(op, x, { rows, backend });
              const reload = call(op, x, { rows, algorithm: 'three-pass-reload', backend });
              expect(checkSameBits(`${label} auto vs reload`, auto, reload)).toEqual([]);
              expect(checkSameBits(`${label} default vs reload`, dflt, reload)).toEqual([]);
            }
          });

          test(`${op}: the async form gives the sync values bit for bit`, async () => {
            for (const algorithm of ALGORITHMS) {
              for (const { label, x, rows } of inputs(dtype, 'async')) {
                const sync = call(op, x, { rows, algorithm, backend });
                const y = await callAsync(op, x, { rows, algorithm, backend });
                expect(dtypeOf(y)).toBe(dtype);
                expect(checkSameBits(`${label} ${algorithm} async vs sync`, y, sync)).toEqual([]);
                const out = alloc(dtype, x.length);
                expect(await callAsync(op, x, { rows, algorithm, backend, out })).toBe(out);
                expect(checkSameBits(`${label} ${algorithm} async into out vs sync`, out, sync)).toEqual([]);
                const copy = x.slice();
                expect(await callAsync(op, copy, { rows, algorithm, backend, out: copy })).toBe(copy);
                expect(checkSameBits(`${label} ${algorithm} async in place vs sync`, copy, sync)).toEqual([]);
              }
            }
          });

          test(`${op}: several async calls in flight at once each give their own result`, async () => {
            const list = inputs(dtype, 'concurrent');
            const sync = list.map(({ x, rows }) => call(op, x, { rows, backend }));
            const results = await Promise.all(list.map(({ x, rows }) => callAsync(op, x, { rows, backend })));
            results.forEach((y, k) => expect(checkSameBits(`${list[k].label} concurrent async`, y, sync[k])).toEqual([]));
          });
        }

        test(`SharedArrayBuffer-backed x and out work like ordinary arrays`, async () => {
          for (const { label, x, rows } of inputs(dtype, 'shared')) {
            const bytes = x.byteLength;
            const sx = dtype === 'f32' ? new Float32Array(new SharedArrayBuffer(bytes)) : new Float64Array(new SharedArrayBuffer(bytes));
            sx.set(x);
            for (const op of OPS) {
              const want = call(op, x, { rows, backend });
              expect(checkSameBits(`${label} ${op} shared x`, call(op, sx, { rows, backend }), want)).toEqual([]);
              const sOut = dtype === 'f32' ? new Float32Array(new SharedArrayBuffer(bytes)) : new Float64Array(new SharedArrayBuffer(bytes));
              expect(call(op, sx, { rows, backend, out: sOut })).toBe(sOut);
              expect(checkSameBits(`${label} ${op} shared x and out`, sOut, want)).toEqual([]);
              expect(checkSameBits(`${label} ${op} shared async`, await callAsync(op, sx, { rows, backend }), want)).toEqual([]);
              const inPlace = sx.slice();
              const sIn = dtype === 'f32' ? new Float32Array(new SharedArrayBuffer(bytes)) : new Float64Array(new SharedArrayBuffer(bytes));
              sIn.set(inPlace);
              call(op, sIn, { rows, backend, out: sIn });
              expect(checkSameBits(`${label} ${op} shared in place`, sIn, want)).toEqual([]);
            }
          }
        });
      });
    }

  });
}

describeNative("algorithm 'auto' on the addon", () => {
  // The rule: two-pass once a row's input + output bytes reach the threshold the addon derives from
  // this machine's cache sizes (README, "algorithm"); three-pass reload below it.
  const binding = loadNative().binding!;
  for (const isa of ALL_ISAS) {
    (runnableIsas.includes(isa) ? test : test.skip)(`${isa}: 'auto' runs two-pass from the cache threshold on, reload below it`, () => {
      quietSetIsa(isa);
      const minBytes = binding.softmaxTwoPassMinBytes();
      const large = Number.isFinite(minBytes) ? Math.ceil(minBytes / 8) + 3 : 2 ** 22;
      const small = Number.isFinite(minBytes) ? Math.floor(minBytes / 16) : 4096;
      const rng = new Rng(seedOf(`auto-rule/${isa}`));
      for (const [n, expected] of [
        [large, Number.isFinite(minBytes) ? 'two-pass' : 'three-pass-reload'],
        [small, 'three-pass-reload'],
      ] as const) {
        const x = uniformArray('f32', n, -10, 10, rng) as Float32Array;
        const auto = softmax(x, { backend: 'native', algorithm: 'auto' });
        const want = softmax(x, { backend: 'native', algorithm: expected });
        expect(checkSameBits(`${isa} auto n=${n} vs ${expected}`, auto, want)).toEqual([]);
      }
    });
  }
});

describe('backend auto', () => {
  test(`'auto' (the default) runs ${hasNative ? `the addon above ${AUTO_JS_MAX_ELEMENTS} elements, TypeScript up to it` : 'the TypeScript backend'}`, () => {
    for (const dtype of DTYPES) {
      for (const { label, x, rows } of inputs(dtype, 'backend-auto')) {
        for (const op of OPS) {
          const want = call(op, x, { rows, backend: hasNative && x.length > AUTO_JS_MAX_ELEMENTS ? 'native' : 'js' });
          expect(checkSameBits(`${label} ${op} default backend`, call(op, x, { rows }), want)).toEqual([]);
          expect(checkSameBits(`${label} ${op} backend auto`, call(op, x, { rows, backend: 'auto' }), want)).toEqual([]);
        }
      }
    }
  });
});

describeNative('native and TypeScript backends agree within the bounds', () => {
  afterAll(restoreBestIsa);
  for (const isa of ALL_ISAS) {
    for (const dtype of DTYPES) {
      for (const op of OPS) {
        (runnableIsas.includes(isa) ? test : test.skip)(`${op} ${dtype}: native/${isa} vs js`, () => {
          expect(quietSetIsa(isa)).toBe(isa);
          const problems: string[] = [];
          const [lo, hi] = dtype === 'f32' ? [-100, 100] : [-700, 700];
          for (const set of [inputs(dtype, 'agree'), inputs(dtype, 'agree-wide', lo, hi)]) {
            for (const { label, x, rows } of set) {
              const ref = reference(x, rows, dtype);
              for (const algorithm of ALGORITHMS) {
                const n = call(op, x, { rows, algorithm, backend: 'native' });
                const j = call(op, x, { rows, algorithm, backend: 'js' });
                // Each side within the documented bound of the exact value, and so within twice it of the other.
                for (const [side, y] of [['native', n], ['js', j]] as const) {
                  const args = { label: `${op} ${dtype} ${label} ${algorithm} ${side}`, x, got: y, rows, dtype };
                  problems.push(...(op === 'softmax' ? checkSoftmax({ ...args, ref: ref.soft! }) : checkLogSoftmax({ ...args, ref: ref.log! })));
                }
                problems.push(...checkAgree(`${op} ${dtype} ${label} ${algorithm} native/${isa} vs js`, n, j, dtype, op === 'logSoftmax'));
              }
            }
          }
          expect(problems).toEqual([]);
        });
      }
    }
  }
});

describe('the async forms leave the event loop running', () => {
  const N = 2 ** 24;
  let x: Float32Array;
  let ref: Float64Array;
  beforeAll(() => {
    x = uniformArray('f32', N, -10, 10, new Rng(seedOf('async-liveness'))) as Float32Array;
    ref = reference(x, 1, 'f32', { log: false }).soft!;
  });

  describeNative('native', () => {
    afterAll(restoreBestIsa);
    for (const isa of ALL_ISAS) {
      (runnableIsas.includes(isa) ? test : test.skip)(`softmaxAsync on 2^24 float32 (${isa}): a setImmediate callback runs before the promise settles`, async () => {
        expect(quietSetIsa(isa)).toBe(isa);
        let immediates = 0;
        let settled = false;
        const p = softmaxAsync(x, { backend: 'native' }).finally(() => {
          settled = true;
        });
        const tick = (): void => {
          immediates++;
          if (!settled && immediates < 1e6) setImmediate(tick);
        };
        setImmediate(tick);
        let seenBeforeSettle = false;
        setImmediate(() => {
          seenBeforeSettle = !settled;
        });
        const y = await p;
        expect(seenBeforeSettle).toBe(true);
        expect(immediates).toBeGreaterThan(0);
        expect(checkSoftmax({ label: `softmaxAsync native/${isa} n=2^24`, x, got: y, ref, rows: 1, dtype: 'f32' })).toEqual([]);
        expect(checkSameBits('async vs sync', y, softmax(x, { backend: 'native' }))).toEqual([]);
      });
    }
  });

  // The TypeScript backend computes on the main thread (about 15x slower under jest's vm context
  // than in plain Node), so it gets 2^22 elements: one row, then 4 rows of 2^20 (one chunk each).
  const M = 2 ** 22;

  test('softmaxAsync on the TypeScript backend resolves with the right values (2^22 float32, one row)', async () => {
    const xs = x.subarray(0, M);
    const want = reference(xs, 1, 'f32', { log: false }).soft!;
    const y = await softmaxAsync(xs, { backend: 'js' });
    expect(checkSoftmax({ label: 'softmaxAsync js n=2^22', x: xs, got: y, ref: want, rows: 1, dtype: 'f32' })).toEqual([]);
  });

  test('logSoftmaxAsync on the TypeScript backend yields to the event loop between chunks of rows (4 rows of 2^20)', async () => {
    const rows = 4;
    const xs = x.subarray(0, M);
    let settled = false;
    let seenBeforeSettle = false;
    const p = logSoftmaxAsync(xs, { rows, backend: 'js' }).finally(() => {
      settled = true;
    });
    setImmediate(() => {
      seenBeforeSettle = !settled;
    });
    const y = await p;
    expect(seenBeforeSettle).toBe(true);
    const want = reference(xs, rows, 'f32', { soft: false }).log!;
    expect(checkLogSoftmax({ label: 'logSoftmaxAsync js 4 rows of 2^20', x: xs, got: y, ref: want, rows, dtype: 'f32' })).toEqual([]);
  });
});

test('info() still reports the backend after the calls above', () => {
  expect(info().backend).toBe(hasNative ? 'native' : 'js');
});
