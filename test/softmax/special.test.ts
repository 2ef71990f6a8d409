// Special values, identical on every backend, ISA and algorithm (the notes' policy): -inf entries
// give 0 (log: -inf) while the row has a finite entry; a row with NaN gives all NaN; +inf in a row
// or an all -inf row gives all NaN; terms with x - max < ln(smallest normal) are exactly 0. Each
// special row is checked alone and embedded at several positions of 37- and 70-element rows of
// random values, so both the main loops and the tails of the kernels see it.
import { logSoftmax, softmax } from '../../lib/sketchmax';
import { ENGINES, describeEngine } from '../helpers/backends';
import { BOUNDS } from '../helpers/compare';
import { Rng, alloc, seedOf } from '../helpers/prng';
import { FLT_MAX, type Dtype } from '../helpers/reference';
import { ALGORITHMS, DTYPES, OPS, call, check, makeCase, type Case } from '../helpers/run';

const INF = Infinity;
const DBL_MAX = Number.MAX_VALUE;

const SPECIAL_ROWS: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['[-inf, 0, 1]', [-INF, 0, 1]],
  ['[-FLT_MAX, 0, 1]', [-FLT_MAX, 0, 1]],
  ['all -inf', [-INF, -INF, -INF]],
  ['[+inf, 1, 2]', [INF, 1, 2]],
  ['[NaN, 1, 2]', [NaN, 1, 2]],
  ['[1, 2, NaN]', [1, 2, NaN]],
  ['[0, -100, -90]', [0, -100, -90]],
  ['[1e8, 1e8-8, 1e8-16]', [1e8, 1e8 - 8, 1e8 - 16]],
  ['[1e30, 0, -1e30]', [1e30, 0, -1e30]],
  ['[FLT_MAX, FLT_MAX, 0]', [FLT_MAX, FLT_MAX, 0]],
  ['[-FLT_MAX x3]', [-FLT_MAX, -FLT_MAX, -FLT_MAX]],
  ['[-1e9 x3]', [-1e9, -1e9, -1e9]],
  ['[1e6, 1e6-1, 1e6-20]', [1e6, 1e6 - 1, 1e6 - 20]],
  ['[3e6, -0.25, -1]', [3e6, -0.25, -1]],
  ['[-inf]', [-INF]],
  ['[inf]', [INF]],
  ['[NaN]', [NaN]],
  ['[5]', [5]],
  ['[-FLT_MAX]', [-FLT_MAX]],
];

/** The next float64 below v (v finite, nonzero). */
function nextDown(v: number): number {
  const b = new BigInt64Array(Float64Array.of(v).buffer);
  b[0] += v > 0 ? -1n : 1n;
  return new Float64Array(b.buffer)[0];
}

// The zero cutoff: float32 ln(FLT_MIN) = -87.336544750..., whose float neighbours are
// -87.33654022216797 (above: may give a tiny nonzero) and -87.3365478515625 (below: exactly 0);
// float64 ln(DBL_MIN) rounds to -708.3964185322641 (x - max below it: exactly 0).
const F32_CUT_ABOVE = -87.33654022216797;
const F32_CUT_BELOW = -87.3365478515625;
const F64_CUT = -708.3964185322641;

const MORE_ROWS: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['float32 cutoff neighbours', [0, F32_CUT_ABOVE, F32_CUT_BELOW, -87.3, -87.4]],
  ['float32 cutoff neighbours, max 1', [1, F32_CUT_ABOVE + 1, F32_CUT_BELOW + 1]],
  ['[-inf, -FLT_MAX, -inf]', [-INF, -FLT_MAX, -INF]],
  ['[-inf, NaN]', [-INF, NaN]],
  ['[+inf, -inf, 0]', [INF, -INF, 0]],
  ['[+inf, +inf]', [INF, INF]],
  ['[-0, 0]', [-0, 0]],
  ['[1e-45, 0, -1e-45]', [1e-45, 0, -1e-45]],
];

// float64 only: rows at the float64 limits.
const F64_ROWS: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['float64 cutoff neighbours', [0, F64_CUT, nextDown(F64_CUT), nextDown(nextDown(F64_CUT)), -708.39, -708.4]],
  ['float64 cutoff neighbours, max 2', [2, F64_CUT + 2, nextDown(F64_CUT + 2), nextDown(nextDown(F64_CUT + 2))]],
  ['[5e-324, 0, -5e-324]', [5e-324, 0, -5e-324]],
  ['[DBL_MAX, DBL_MAX, 0]', [DBL_MAX, DBL_MAX, 0]],
  ['[-DBL_MAX x3]', [-DBL_MAX, -DBL_MAX, -DBL_MAX]],
  ['[-DBL_MAX, 0, 1]', [-DBL_MAX, 0, 1]],
  ['[DBL_MAX, 0, -DBL_MAX]', [DBL_MAX, 0, -DBL_MAX]],
  ['[1e300, 0, -1e300]', [1e300, 0, -1e300]],
  ['[0, -700, -710, -745]', [0, -700, -710, -745]],
  ['[-DBL_MAX]', [-DBL_MAX]],
];

const HOSTS = [37, 70];

function rowsFor(dtype: Dtype): ReadonlyArray<readonly [string, readonly number[]]> {
  return dtype === 'f64' ? [...SPECIAL_ROWS, ...MORE_ROWS, ...F64_ROWS] : [...SPECIAL_ROWS, ...MORE_ROWS];
}

/** The row alone, and embedded at several positions (start, inside, across vector ends, tail, end). */
function placements(name: string, row: readonly number[], dtype: Dtype): Case[] {
  const list: Case[] = [];
  const alone = alloc(dtype, row.length);
  alone.set(row);
  list.push(makeCase(`${name} alone`, alone, 1, dtype));
  for (const host of HOSTS) {
    const last = host - row.length;
    const positions = [...new Set([0, 5, 15, 16, 31, 33, last - 3, last - 1, last])].filter((p) => p >= 0 && p <= last);
    for (const pos of positions) {
      const rng = new Rng(seedOf(`${name}/${host}/${pos}/${dtype}`));
      const x = alloc(dtype, host);
      for (let i = 0; i < host; i++) x[i] = rng.uniform(-10, 10);
      x.set(row, pos);
      list.push(makeCase(`${name} at ${pos} of ${host}`, x, 1, dtype));
    }
  }
  // All placements of one host length at once, as rows of one call.
  const rowsCases = list.filter((c) => c.x.length === 70);
  const stacked = alloc(dtype, 70 * rowsCases.length);
  rowsCases.forEach((c, r) => stacked.set(c.x, 70 * r));
  list.push(makeCase(`${name} as ${rowsCases.length} rows of 70`, stacked, rowsCases.length, dtype));
  return list;
}

function bound(dtype: Dtype): number {
  return BOUNDS[dtype].rel;
}

for (const engine of ENGINES) {
  describeEngine(engine, () => {
    const backend = engine.backend;
    for (const dtype of DTYPES) {
      describe(dtype, () => {
        const make = (v: readonly number[]): Float32Array | Float64Array => {
          const a = alloc(dtype, v.length);
          a.set(v);
          return a;
        };

        for (const [name, row] of rowsFor(dtype)) {
          test(`${name}: softmax and logSoftmax, every algorithm, alone and embedded`, () => {
            const cases = placements(name, row, dtype);
            const problems: string[] = [];
            for (const op of OPS) {
              for (const algorithm of ALGORITHMS) {
                for (const c of cases) {
                  const y = call(op, c.x, { rows: c.rows, algorithm, backend });
                  problems.push(...check(`${op} ${engine.label} ${algorithm} ${dtype}`, op, c, y, dtype));
                }
              }
            }
            expect(problems).toEqual([]);
          });
        }

        describe('known answers', () => {
          for (const algorithm of ALGORITHMS) {
            test(`softmax([-inf, 0, 1]) = [0, 1/(1+e), e/(1+e)] (${algorithm})`, () => {
              const y = softmax(make([-INF, 0, 1]), { algorithm, backend });
              expect(y[0]).toBe(0);
              const want = [1 / (1 + Math.E), Math.E / (1 + Math.E)];
              expect(Math.abs(y[1] - want[0]) / want[0]).toBeLessThanOrEqual(bound(dtype));
              expect(Math.abs(y[2] - want[1]) / want[1]).toBeLessThanOrEqual(bound(dtype));
            });
            test(`softmax([FLT_MAX, FLT_MAX, 0]) = [0.5, 0.5, 0] (${algorithm})`, () => {
              expect(Array.from(softmax(make([FLT_MAX, FLT_MAX, 0]), { algorithm, backend }))).toEqual([0.5, 0.5, 0]);
            });
            test(`softmax([1e30, 0, -1e30]) = [1, 0, 0] (${algorithm})`, () => {
              expect(Array.from(softmax(make([1e30, 0, -1e30]), { algorithm, backend }))).toEqual([1, 0, 0]);
            });
            test(`logSoftmax([-inf, 0, 1]) = [-inf, -log(1+e), 1-log(1+e)] (${algorithm})`, () => {
              const y = logSoftmax(make([-INF, 0, 1]), { algorithm, backend });
              expect(y[0]).toBe(-Infinity);
              const lse = Math.log1p(Math.E);
              expect(Math.abs(y[1] + lse)).toBeLessThanOrEqual(BOUNDS[dtype].logAbs);
              expect(Math.abs(y[2] - (1 - lse))).toBeLessThanOrEqual(BOUNDS[dtype].logAbs);
            });
            test(`one-element rows: softmax [1], NaN, NaN; logSoftmax [0] (${algorithm})`, () => {
              expect(Array.from(softmax(make([5]), { algorithm, backend }))).toEqual([1]);
              expect(Array.from(softmax(make([-FLT_MAX]), { algorithm, backend }))).toEqual([1]);
              expect(Array.from(softmax(make([INF]), { algorithm, backend }))).toEqual([NaN]);
              expect(Array.from(softmax(make([-INF]), { algorithm, backend }))).toEqual([NaN]);
              expect(Array.from(softmax(make([NaN]), { algorithm, backend }))).toEqual([NaN]);
              expect(Array.from(logSoftmax(make([5]), { algorithm, backend }))).toEqual([0]);
              expect(Array.from(logSoftmax(make([-INF]), { algorithm, backend }))).toEqual([NaN]);
            });
            test(`a NaN anywhere in a row of 70 makes only that row NaN (${algorithm})`, () => {
              const rng = new Rng(seedOf(`nan-rows/${dtype}`));
              const x = alloc(dtype, 3 * 70);
              for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-10, 10);
              for (let pos = 0; pos < 70; pos++) {
                const xi = x.slice();
                xi[70 + pos] = NaN;
                for (const op of OPS) {
                  const y = call(op, xi, { rows: 3, algorithm, backend });
                  const nanAt = Array.from(y, (v) => v !== v);
                  expect({ pos, op, firstRow: nanAt.slice(0, 70).some(Boolean), middleRow: nanAt.slice(70, 140).every(Boolean), lastRow: nanAt.slice(140).some(Boolean) }).toEqual({
                    pos,
                    op,
                    firstRow: false,
                    middleRow: true,
                    lastRow: false,
                  });
                }
              }
            });
          }
        });
      });
    }
  });
}
