// Accuracy of softmax and log-softmax against a double-double reference, for every backend, ISA
// (setIsa), algorithm and dtype: all lengths 1..300, lengths around the vector widths, misaligned
// views, several rows, wide-range inputs. Bounds (from the issue; not to be loosened):
// f32 softmax rel 1e-5 (ref >= 1e-30; abs 1e-30 below), |sum - 1| <= 1e-5; f64 rel 1e-13
// (ref >= 1e-300), |sum - 1| <= 1e-13; log-softmax abs 1e-5 (f32, ref > -80), 1e-13 (f64, > -700).
import { ENGINES, describeEngine } from '../helpers/backends';
import { checkGuards } from '../helpers/compare';
import { Rng, alloc, seedOf, uniformArray } from '../helpers/prng';
import type { Dtype } from '../helpers/reference';
import { ALGORITHMS, DTYPES, OPS, SENTINEL, call, check, makeCase, runCases, type Case } from '../helpers/run';

const VECTOR_WIDTH_LENGTHS = [7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025, 4095, 4096, 4097];
const MISALIGNED_LENGTHS = [1, 2, 3, 5, 7, 8, 9, 15, 17, 31, 33, 63, 65, 100, 129, 257, 1000];
const MULTI_ROW_COLS = [1, 2, 3, 5, 8, 13, 16, 17, 33, 64, 100, 257];
const WIDE_LENGTHS = [1, 2, 7, 16, 33, 100, 300, 1025];

type CaseSet = 'lengths 1..300' | 'lengths around the vector widths' | 'several rows' | 'wide-range inputs';

const cache = new Map<string, Case[]>();

function cases(set: CaseSet, dtype: Dtype): Case[] {
  const key = `${set}/${dtype}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const rng = new Rng(seedOf(key));
  const list: Case[] = [];
  const uniform = (n: number, lo: number, hi: number): ReturnType<typeof alloc> => uniformArray(dtype, n, lo, hi, rng);
  if (set === 'lengths 1..300') {
    for (let n = 1; n <= 300; n++) list.push(makeCase(`n=${n} U(-10,10)`, uniform(n, -10, 10), 1, dtype));
  } else if (set === 'lengths around the vector widths') {
    for (const n of VECTOR_WIDTH_LENGTHS) list.push(makeCase(`n=${n} U(-10,10)`, uniform(n, -10, 10), 1, dtype));
  } else if (set === 'several rows') {
    for (const rows of [3, 7]) {
      for (const cols of MULTI_ROW_COLS) {
        // Rows with different offsets, so a row mixed up with its neighbour shows.
        const x = alloc(dtype, rows * cols);
        for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) x[r * cols + j] = rng.uniform(-10, 10) + 3 * r;
        list.push(makeCase(`rows=${rows} cols=${cols}`, x, rows, dtype));
      }
    }
  } else {
    const [lo, hi] = dtype === 'f32' ? [-100, 100] : [-700, 700];
    for (const n of WIDE_LENGTHS) {
      list.push(makeCase(`n=${n} U(${lo},${hi})`, uniform(n, lo, hi), 1, dtype));
      list.push(makeCase(`n=${n} U(90,100)`, uniform(n, 90, 100), 1, dtype));
      if (dtype === 'f64') list.push(makeCase(`n=${n} U(-700,0)`, uniform(n, -700, 0), 1, dtype));
    }
    // Several wide-range rows at once.
    list.push(makeCase(`rows=7 cols=129 U(${lo},${hi})`, uniform(7 * 129, lo, hi), 7, dtype));
  }
  cache.set(key, list);
  return list;
}

const SETS: readonly CaseSet[] = ['lengths 1..300', 'lengths around the vector widths', 'several rows', 'wide-range inputs'];

/** Misaligned views: x at element offset k = 1..3 of its buffer, out at another offset (or x itself). */
function misaligned(engine: (typeof ENGINES)[number], op: (typeof OPS)[number], algorithm: (typeof ALGORITHMS)[number], dtype: Dtype): string[] {
  const problems: string[] = [];
  const rng = new Rng(seedOf(`misaligned/${dtype}`));
  const label = `${op} ${engine.label} ${algorithm} ${dtype}`;
  const make = (len: number): Float32Array | Float64Array => alloc(dtype, len);
  for (const n of MISALIGNED_LENGTHS) {
    const values = uniformArray(dtype, n, -10, 10, rng);
    for (let k = 1; k <= 3; k++) {
      const ko = (k % 3) + 1; // 2, 3, 1: a different misalignment for out
      // x ends exactly at the end of its buffer; out sits between guard elements.
      const xb = make(k + n);
      const x = xb.subarray(k, k + n);
      x.set(values);
      const c = makeCase(`n=${n} x at +${k}, out at +${ko}`, x, 1, dtype);
      const ob = make(ko + n + 16).fill(SENTINEL);
      const out = ob.subarray(ko, ko + n);
      call(op, x, { algorithm, backend: engine.backend, out });
      problems.push(...check(label, op, c, out, dtype));
      problems.push(...checkGuards(`${label} ${c.label}`, ob, ko, n, SENTINEL));
      // In place on a misaligned view, inside a guarded buffer.
      const ib = make(k + n + 16).fill(SENTINEL);
      const xi = ib.subarray(k, k + n);
      xi.set(values);
      const ret = call(op, xi, { algorithm, backend: engine.backend, out: xi });
      if (ret !== xi) problems.push(`${label} ${c.label} in place: did not return options.out`);
      problems.push(...check(`${label} in place`, op, c, xi, dtype));
      problems.push(...checkGuards(`${label} ${c.label} in place`, ib, k, n, SENTINEL));
    }
  }
  return problems;
}

for (const engine of ENGINES) {
  describeEngine(engine, () => {
    for (const dtype of DTYPES) {
      for (const op of OPS) {
        describe(`${op} ${dtype}`, () => {
          for (const algorithm of ALGORITHMS) {
            describe(algorithm, () => {
              for (const set of SETS) {
                test(set, () => {
                  expect(runCases(engine, op, algorithm, dtype, cases(set, dtype))).toEqual([]);
                });
              }
              test('misaligned views (out of place and in place)', () => {
                expect(misaligned(engine, op, algorithm, dtype)).toEqual([]);
              });
            });
          }
        });
      }
    }
  });
}
