// Bad input to the public least-squares and sketching API (issue 4, "Bad input"; api-conventions.md
// "Errors"): a TypeError (wrong type) or RangeError (wrong value or shape) with the message
// `sketchmax.<fn>: <argument> <what is wrong> (got <value>)` naming the argument exactly, thrown
// before any work (lstsqAsync rejects instead of throwing), no crash, and the inputs untouched. Every
// case runs on each backend this run has (the checks are shared, but a backend must not skip them).
import { availableParallelism } from 'node:os';

import { lstsq, lstsqAsync, sketch, SketchAccumulator } from '../../lib/sketchmax';
import type { LstsqAsyncOptions, LstsqOptions, Matrix, SketchOptions } from '../../lib/sketchmax';
import { hasNative } from '../helpers/backends';
import { argMessage, expectError, expectRejection } from '../helpers/errors';
import { Rng } from '../helpers/prng';

const CORES = availableParallelism();
const BACKENDS: ReadonlyArray<'js' | 'native'> = hasNative ? ['js', 'native'] : ['js'];

function randomMatrix(rows: number, cols: number, seed: number): Matrix & { data: Float64Array } {
  const rng = new Rng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.next() * 2 - 1;
  return { data, rows, cols };
}

function bits(a: Float64Array | Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** The thrown error's name is one of `names` and its message matches. */
function expectErrorOneOf(fn: () => unknown, names: string[], message: RegExp): void {
  let caught: unknown;
  let thrown = false;
  try {
    fn();
  } catch (e) {
    thrown = true;
    caught = e;
  }
  if (!thrown) throw new Error(`expected one of ${names.join('/')} matching ${message}, but nothing was thrown`);
  const e = caught as { name?: unknown; message?: unknown };
  expect({ nameOk: names.includes(String(e.name)), message: e.message }).toEqual({ nameOk: true, message: expect.stringMatching(message) });
}

const A = randomMatrix(20, 3, 1);
const b = randomMatrix(20, 1, 2).data;
const A_BITS = bits(A.data);
const B_BITS = bits(b);

// [label, A, b, options, error name, argument named]
type LstsqCase = [string, unknown, unknown, Record<string, unknown> | unknown, string, string];
const LSTSQ_CASES: LstsqCase[] = [
  ['A not a Matrix', null, b, undefined, 'TypeError', 'A'],
  ['A a plain array of rows', [[1, 2], [3, 4]], b, undefined, 'TypeError', 'A.data'],
  ['A.data not a float array', { data: [1, 2], rows: 2, cols: 1 }, b, undefined, 'TypeError', 'A.data'],
  ['A.data an Int32Array', { data: new Int32Array(2), rows: 2, cols: 1 }, b, undefined, 'TypeError', 'A.data'],
  ['A.data length not rows·cols', { data: new Float64Array(5), rows: 2, cols: 3 }, b, undefined, 'RangeError', 'A.data'],
  ['zero-size A (0 rows)', { data: new Float64Array(0), rows: 0, cols: 3 }, new Float64Array(0), undefined, 'RangeError', 'A.rows'],
  ['zero-size A (0 cols)', { data: new Float64Array(0), rows: 20, cols: 0 }, b, undefined, 'RangeError', 'A.cols'],
  ['A.rows not an integer', { data: new Float64Array(6), rows: 2.5, cols: 2 }, b, undefined, 'RangeError', 'A.rows'],
  ['A.cols a string', { data: new Float64Array(6), rows: 3, cols: '2' }, b, undefined, 'TypeError', 'A.cols'],
  ['n < d (underdetermined)', { data: new Float64Array(6), rows: 2, cols: 3 }, new Float64Array(2), undefined, 'RangeError', 'A.rows'],
  ['b not a float array', A, Array.from(b), undefined, 'TypeError', 'b'],
  ['b of the wrong length (shape mismatch)', A, new Float64Array(19), undefined, 'RangeError', 'b'],
  ['b empty', A, new Float64Array(0), undefined, 'RangeError', 'b'],
  ['options not an object', A, b, 5, 'TypeError', 'options'],
  ['options an array', A, b, [], 'TypeError', 'options'],
  ['unknown option', A, b, { tolerence: 1e-8 }, 'TypeError', 'options.tolerence'],
  ['unknown method', A, b, { method: 'svd' }, 'RangeError', 'options.method'],
  ['method not a string', A, b, { method: 1 }, 'TypeError', 'options.method'],
  ['sketch not an object', A, b, { sketch: 'srht' }, 'TypeError', 'options.sketch'],
  ['unknown sketch option', A, b, { sketch: { size: 10 } }, 'TypeError', 'options.sketch.size'],
  ['unknown sketch kind', A, b, { sketch: { kind: 'fjlt' } }, 'RangeError', 'options.sketch.kind'],
  ['sketch rows < d', A, b, { method: 'sketch-and-solve', sketch: { rows: 2 } }, 'RangeError', 'options.sketch.rows'],
  ['sketch rows > n', A, b, { method: 'sketch-precondition', sketch: { rows: 21 } }, 'RangeError', 'options.sketch.rows'],
  ['sketch rows not an integer', A, b, { sketch: { rows: 10.5 } }, 'RangeError', 'options.sketch.rows'],
  ['srht rows beyond n padded to a power of two (32)', A, b, { method: 'sketch-and-solve', sketch: { kind: 'srht', rows: 33 } }, 'RangeError', 'options.sketch.rows'],
  ['nnzPerColumn for a dense kind', A, b, { sketch: { kind: 'gaussian', nnzPerColumn: 4 } }, 'RangeError', 'options.sketch.nnzPerColumn'],
  ['nnzPerColumn > rows', A, b, { sketch: { rows: 6, nnzPerColumn: 7 } }, 'RangeError', 'options.sketch.nnzPerColumn'],
  ['nnzPerColumn 0', A, b, { sketch: { nnzPerColumn: 0 } }, 'RangeError', 'options.sketch.nnzPerColumn'],
  ['tolerance 0', A, b, { tolerance: 0 }, 'RangeError', 'options.tolerance'],
  ['tolerance 1', A, b, { tolerance: 1 }, 'RangeError', 'options.tolerance'],
  ['tolerance NaN', A, b, { tolerance: NaN }, 'RangeError', 'options.tolerance'],
  ['tolerance a string', A, b, { tolerance: '1e-8' }, 'TypeError', 'options.tolerance'],
  ['maxIterations 0', A, b, { maxIterations: 0 }, 'RangeError', 'options.maxIterations'],
  ['maxIterations 2.5', A, b, { maxIterations: 2.5 }, 'RangeError', 'options.maxIterations'],
  ['negative seed', A, b, { seed: -1 }, 'RangeError', 'options.seed'],
  ['fractional seed', A, b, { seed: 1.5 }, 'RangeError', 'options.seed'],
  ['bigint seed ≥ 2^64', A, b, { seed: 2n ** 64n }, 'RangeError', 'options.seed'],
  ['seed a string', A, b, { seed: '1' }, 'TypeError', 'options.seed'],
  ['threads 0', A, b, { threads: 0 }, 'RangeError', 'options.threads'],
  ['threads more than the cores', A, b, { threads: CORES + 1 }, 'RangeError', 'options.threads'],
  ['unknown backend', A, b, { backend: 'gpu' }, 'RangeError', 'options.backend'],
  ['unknown guarantee', A, b, { guarantee: 'l1' }, 'RangeError', 'options.guarantee'],
  ['epsilon without guarantee linf', A, b, { epsilon: 0.5 }, 'RangeError', 'options.epsilon'],
  ['delta without guarantee linf', A, b, { delta: 0.1 }, 'RangeError', 'options.delta'],
  ["linf with method 'qr'", A, b, { guarantee: 'linf', method: 'qr' }, 'RangeError', 'options.method'],
  ["linf with method 'sketch-precondition'", A, b, { guarantee: 'linf', method: 'sketch-precondition' }, 'RangeError', 'options.method'],
  ['linf with a countsketch', A, b, { guarantee: 'linf', sketch: { kind: 'countsketch' } }, 'RangeError', 'options.sketch.kind'],
  ['linf with a sparse-sign sketch', A, b, { guarantee: 'linf', sketch: { kind: 'sparse-sign' } }, 'RangeError', 'options.sketch.kind'],
  ['linf with explicit sketch rows', A, b, { guarantee: 'linf', sketch: { rows: 10 } }, 'RangeError', 'options.sketch.rows'],
  ['linf epsilon 0', A, b, { guarantee: 'linf', epsilon: 0 }, 'RangeError', 'options.epsilon'],
  ['linf epsilon 1.5', A, b, { guarantee: 'linf', epsilon: 1.5 }, 'RangeError', 'options.epsilon'],
  ['linf delta 0.6', A, b, { guarantee: 'linf', delta: 0.6 }, 'RangeError', 'options.delta'],
  ['linf delta a string', A, b, { guarantee: 'linf', delta: '0.1' }, 'TypeError', 'options.delta'],
];

describe.each(BACKENDS)('lstsq / lstsqAsync (backend %s)', (backend) => {
  const withBackend = (o: unknown): unknown => (o !== null && typeof o === 'object' && !Array.isArray(o) ? { backend, ...(o as object) } : o);

  test.each(LSTSQ_CASES)('%s', async (_label, a, bb, options, name, arg) => {
    const opts = withBackend(options);
    expectError(() => lstsq(a as Matrix, bb as Float64Array, opts as LstsqOptions), name, argMessage('lstsq', arg));
    await expectRejection(() => lstsqAsync(a as Matrix, bb as Float64Array, opts as LstsqAsyncOptions), name, argMessage('lstsqAsync', arg));
    expect(bits(A.data).equals(A_BITS) && bits(b).equals(B_BITS)).toBe(true);
  });

  test('a non-finite entry of A is a RangeError naming its row and column; of b, its index', async () => {
    for (const v of [NaN, Infinity, -Infinity]) {
      const A2 = { ...A, data: Float64Array.from(A.data) };
      A2.data[3 * 3 + 1] = v;
      const a2Bits = bits(A2.data);
      const msgA = (fn: string): RegExp => new RegExp(`^sketchmax\\.${fn}: A\\[3\\]\\[1\\] \\S.* \\(got (NaN|-?Infinity)\\)$`);
      expectError(() => lstsq(A2, b, { backend }), 'RangeError', msgA('lstsq'));
      await expectRejection(() => lstsqAsync(A2, b, { backend }), 'RangeError', msgA('lstsqAsync'));
      // Float32 data too, and in the last row.
      const A3 = { data: Float32Array.from(A.data), rows: 20, cols: 3 };
      A3.data[19 * 3 + 2] = v;
      expectError(() => lstsq(A3, b, { backend }), 'RangeError', /^sketchmax\.lstsq: A\[19\]\[2\] \S.* \(got (NaN|-?Infinity)\)$/);
      const b2 = Float64Array.from(b);
      b2[5] = v;
      const msgB = (fn: string): RegExp => new RegExp(`^sketchmax\\.${fn}: b\\[5\\] \\S.* \\(got (NaN|-?Infinity)\\)$`);
      expectError(() => lstsq(A, b2, { backend }), 'RangeError', msgB('lstsq'));
      await expectRejection(() => lstsqAsync(A, b2, { backend }), 'RangeError', msgB('lstsqAsync'));
      expect(bits(A2.data).equals(a2Bits)).toBe(true);
      expect(Object.is(b2[5], v)).toBe(true);
    }
  });

  test('lstsqAsync-only options: onProgress must be a function, signal an AbortSignal; lstsq does not take them', async () => {
    await expectRejection(() => lstsqAsync(A, b, { backend, onProgress: 5 as unknown as () => void }), 'TypeError', argMessage('lstsqAsync', 'options.onProgress'));
    await expectRejection(() => lstsqAsync(A, b, { backend, signal: {} as AbortSignal }), 'TypeError', argMessage('lstsqAsync', 'options.signal'));
    expectError(() => lstsq(A, b, { backend, onProgress: () => undefined } as unknown as LstsqOptions), 'TypeError', argMessage('lstsq', 'options.onProgress'));
    expectError(() => lstsq(A, b, { backend, signal: new AbortController().signal } as unknown as LstsqOptions), 'TypeError', argMessage('lstsq', 'options.signal'));
  });

  test('edge values that are valid: srht rows up to n padded (32 > n = 20), rows = n, d = n, n = d = 1', () => {
    expect(lstsq(A, b, { method: 'sketch-and-solve', sketch: { kind: 'srht', rows: 32 }, backend }).sketchRows).toBe(32);
    expect(lstsq(A, b, { method: 'sketch-precondition', sketch: { rows: 20 }, backend }).sketchRows).toBe(20);
    expect(lstsq(A, b, { method: 'sketch-and-solve', sketch: { rows: 3 }, backend }).sketchRows).toBe(3);
    const sq = randomMatrix(3, 3, 5);
    expect(lstsq(sq, Float64Array.of(1, 2, 3), { backend }).x.length).toBe(3);
    const one = lstsq({ data: Float64Array.of(2), rows: 1, cols: 1 }, Float64Array.of(3), { backend });
    expect(one.x[0]).toBe(1.5);
    expect(lstsq(A, b, { guarantee: 'linf', epsilon: 1, delta: 0.5, sketch: { kind: 'rademacher' }, backend }).rank).toBe(3);
    expect(bits(A.data).equals(A_BITS) && bits(b).equals(B_BITS)).toBe(true);
  });
});

if (!hasNative) {
  test("backend 'native' without the addon: an Error that says why (not a silent fallback)", async () => {
    expectError(() => lstsq(A, b, { backend: 'native' }), 'Error', /^sketchmax\.lstsq: backend 'native' is unavailable/);
    await expectRejection(() => lstsqAsync(A, b, { backend: 'native' }), 'Error', /^sketchmax\.lstsqAsync: backend 'native' is unavailable/);
    expectError(() => sketch(A, { rows: 4, backend: 'native' }), 'Error', /^sketchmax\.sketch: backend 'native' is unavailable/);
  });
}

// [label, A, options, error name, argument named]
type SketchCase = [string, unknown, unknown, string, string];
const SKETCH_CASES: SketchCase[] = [
  ['A not a Matrix', 'A', { rows: 4 }, 'TypeError', 'A'],
  ['A.data not a float array', { data: [1, 2], rows: 2, cols: 1 }, { rows: 1 }, 'TypeError', 'A.data'],
  ['A.data length not rows·cols', { data: new Float64Array(5), rows: 2, cols: 3 }, { rows: 1 }, 'RangeError', 'A.data'],
  ['zero-size A (0 rows)', { data: new Float64Array(0), rows: 0, cols: 3 }, { rows: 1 }, 'RangeError', 'A.rows'],
  ['zero-size A (0 cols)', { data: new Float64Array(0), rows: 3, cols: 0 }, { rows: 1 }, 'RangeError', 'A.cols'],
  ['options not an object', A, 4, 'TypeError', 'options'],
  ['unknown option', A, { rows: 4, size: 4 }, 'TypeError', 'options.size'],
  ['rows 0', A, { rows: 0 }, 'RangeError', 'options.rows'],
  ['rows not an integer', A, { rows: 2.5 }, 'RangeError', 'options.rows'],
  ['rows a string', A, { rows: '4' }, 'TypeError', 'options.rows'],
  ['rows > n', A, { rows: 21 }, 'RangeError', 'options.rows'],
  ['rows > n (gaussian)', A, { rows: 21, kind: 'gaussian' }, 'RangeError', 'options.rows'],
  ['srht rows > n padded to a power of two', A, { rows: 33, kind: 'srht' }, 'RangeError', 'options.rows'],
  ['unknown kind', A, { rows: 4, kind: 'fjlt' }, 'RangeError', 'options.kind'],
  ['kind not a string', A, { rows: 4, kind: 3 }, 'TypeError', 'options.kind'],
  ['nnzPerColumn for a dense kind', A, { rows: 4, kind: 'rademacher', nnzPerColumn: 2 }, 'RangeError', 'options.nnzPerColumn'],
  ['nnzPerColumn > rows', A, { rows: 4, nnzPerColumn: 5 }, 'RangeError', 'options.nnzPerColumn'],
  ['nnzPerColumn 0', A, { rows: 4, nnzPerColumn: 0 }, 'RangeError', 'options.nnzPerColumn'],
  ['b of the wrong length', A, { rows: 4, b: new Float64Array(19) }, 'RangeError', 'options.b'],
  ['b not a float array', A, { rows: 4, b: Array.from(b) }, 'TypeError', 'options.b'],
  ['negative seed', A, { rows: 4, seed: -3 }, 'RangeError', 'options.seed'],
  ['seed a string', A, { rows: 4, seed: '3' }, 'TypeError', 'options.seed'],
  ['threads 0', A, { rows: 4, threads: 0 }, 'RangeError', 'options.threads'],
  ['threads more than the cores', A, { rows: 4, threads: CORES + 1 }, 'RangeError', 'options.threads'],
  ['unknown backend', A, { rows: 4, backend: 'gpu' }, 'RangeError', 'options.backend'],
];

describe.each(BACKENDS)('sketch (backend %s)', (backend) => {
  test.each(SKETCH_CASES)('%s', (_label, a, options, name, arg) => {
    const opts = options !== null && typeof options === 'object' ? { backend, ...(options as object) } : options;
    expectError(() => sketch(a as Matrix, opts as SketchOptions), name, argMessage('sketch', arg));
    expect(bits(A.data).equals(A_BITS) && bits(b).equals(B_BITS)).toBe(true);
  });

  test('options and options.rows are required', () => {
    expectErrorOneOf(() => sketch(A, undefined as unknown as SketchOptions), ['TypeError', 'RangeError'], argMessage('sketch', 'options'));
    expectErrorOneOf(() => sketch(A, { backend } as unknown as SketchOptions), ['TypeError', 'RangeError'], argMessage('sketch', 'options.rows'));
  });

  test('a non-finite entry of A or b is a RangeError naming it', () => {
    for (const v of [NaN, Infinity]) {
      const A2 = { ...A, data: Float64Array.from(A.data) };
      A2.data[4 * 3 + 2] = v;
      expectError(() => sketch(A2, { rows: 4, backend }), 'RangeError', /^sketchmax\.sketch: A\[4\]\[2\] \S.* \(got (NaN|Infinity)\)$/);
      const b2 = Float64Array.from(b);
      b2[7] = v;
      expectError(() => sketch(A, { rows: 4, b: b2, backend }), 'RangeError', /^sketchmax\.sketch: (options\.)?b\[7\] \S.* \(got (NaN|Infinity)\)$/);
    }
  });
});

describe.each(BACKENDS)('SketchAccumulator (backend %s)', (backend) => {
  const FN = 'SketchAccumulator';
  const ok = { kind: 'sparse-sign', rows: 8, cols: 3, seed: 5, backend } as const;

  // [label, options, error name, argument named]
  const CTOR_CASES: Array<[string, unknown, string, string]> = [
    ['options not an object', 'x', 'TypeError', 'options'],
    ['unknown option', { ...ok, n: 100 }, 'TypeError', 'options.n'],
    ["kind 'srht' (needs all rows at once)", { ...ok, kind: 'srht' }, 'RangeError', 'options.kind'],
    ['unknown kind', { ...ok, kind: 'fjlt' }, 'RangeError', 'options.kind'],
    ['rows 0', { ...ok, rows: 0 }, 'RangeError', 'options.rows'],
    ['rows 1.5', { ...ok, rows: 1.5 }, 'RangeError', 'options.rows'],
    ['cols 0', { ...ok, cols: 0 }, 'RangeError', 'options.cols'],
    ['cols a string', { ...ok, cols: '3' }, 'TypeError', 'options.cols'],
    ['nnzPerColumn for countsketch', { ...ok, kind: 'countsketch', nnzPerColumn: 2 }, 'RangeError', 'options.nnzPerColumn'],
    ['nnzPerColumn > rows', { ...ok, nnzPerColumn: 9 }, 'RangeError', 'options.nnzPerColumn'],
    ['withB not a boolean', { ...ok, withB: 1 }, 'TypeError', 'options.withB'],
    ['negative seed', { ...ok, seed: -1 }, 'RangeError', 'options.seed'],
    ['threads more than the cores', { ...ok, threads: CORES + 1 }, 'RangeError', 'options.threads'],
    ['unknown backend', { ...ok, backend: 'gpu' }, 'RangeError', 'options.backend'],
  ];
  test.each(CTOR_CASES)('constructor: %s', (_label, options, name, arg) => {
    expectError(() => new SketchAccumulator(options as ConstructorParameters<typeof SketchAccumulator>[0]), name, argMessage(FN, arg));
  });

  test('constructor: rows and cols are required', () => {
    expectErrorOneOf(() => new SketchAccumulator({ cols: 3, backend } as unknown as ConstructorParameters<typeof SketchAccumulator>[0]), ['TypeError', 'RangeError'], argMessage(FN, 'options.rows'));
    expectErrorOneOf(() => new SketchAccumulator({ rows: 3, backend } as unknown as ConstructorParameters<typeof SketchAccumulator>[0]), ['TypeError', 'RangeError'], argMessage(FN, 'options.cols'));
  });

  /** An accumulator with two blocks in it, and its state to compare against after a failed call. */
  function started(withB: boolean): { acc: SketchAccumulator; state: () => [Buffer, number] } {
    const acc = new SketchAccumulator({ ...ok, withB });
    acc.add({ data: A.data.slice(0, 15), rows: 5, cols: 3 }, 0, withB ? b.slice(0, 5) : undefined);
    acc.add({ data: A.data.slice(30, 45), rows: 5, cols: 3 }, 10, withB ? b.slice(10, 15) : undefined);
    const state = (): [Buffer, number] => [Buffer.from(acc.toBytes()), acc.rowsAdded];
    return { acc, state };
  }

  test('add: wrong block, wrong rowStart, b missing / extra / wrong length — named errors, state unchanged', () => {
    const blk = { data: A.data.slice(15, 30), rows: 5, cols: 3 };
    const withB = started(true);
    const before = withB.state();
    const cases: Array<[() => unknown, string[], string]> = [
      [() => withB.acc.add(null as unknown as Matrix, 5, b.slice(5, 10)), ['TypeError'], 'block'],
      [() => withB.acc.add({ data: new Float64Array(8), rows: 2, cols: 4 }, 5, b.slice(5, 7)), ['RangeError'], 'block.cols'],
      [() => withB.acc.add({ data: new Float64Array(7), rows: 2, cols: 3 }, 5, b.slice(5, 7)), ['RangeError'], 'block.data'],
      [() => withB.acc.add(blk, -1, b.slice(5, 10)), ['RangeError'], 'rowStart'],
      [() => withB.acc.add(blk, 2.5, b.slice(5, 10)), ['RangeError'], 'rowStart'],
      [() => withB.acc.add(blk, NaN, b.slice(5, 10)), ['RangeError'], 'rowStart'],
      [() => withB.acc.add(blk, '5' as unknown as number, b.slice(5, 10)), ['TypeError'], 'rowStart'],
      [() => withB.acc.add(blk, 5), ['TypeError', 'RangeError'], 'b'],
      [() => withB.acc.add(blk, 5, b.slice(5, 9)), ['RangeError'], 'b'],
      [() => withB.acc.add(blk, 5, Array.from(b.slice(5, 10)) as unknown as Float64Array), ['TypeError'], 'b'],
    ];
    for (const [call, names, arg] of cases) {
      expectErrorOneOf(call, names, argMessage(`${FN}.add`, arg));
      expect(withB.state()).toEqual(before);
    }
    const noB = started(false);
    const before2 = noB.state();
    expectError(() => noB.acc.add(blk, 5, b.slice(5, 10)), 'RangeError', argMessage(`${FN}.add`, 'b'));
    expect(noB.state()).toEqual(before2);
    // No upper limit on rowStart (n is not known to a streaming accumulator).
    expect(() => noB.acc.add(blk, 2 ** 40)).not.toThrow();
  });

  test('add: a non-finite entry of the block (or b) is a RangeError naming it; state unchanged', () => {
    const { acc, state } = started(true);
    const before = state();
    const blk = { data: A.data.slice(15, 30), rows: 5, cols: 3 };
    blk.data[2 * 3 + 1] = NaN;
    expectError(() => acc.add(blk, 5, b.slice(5, 10)), 'RangeError', /^sketchmax\.SketchAccumulator\.add: block\[2\]\[1\] \S.* \(got NaN\)$/);
    const bb = b.slice(5, 10);
    bb[3] = Infinity;
    expectError(() => acc.add({ data: A.data.slice(15, 30), rows: 5, cols: 3 }, 5, bb), 'RangeError', /^sketchmax\.SketchAccumulator\.add: b\[3\] \S.* \(got Infinity\)$/);
    expect(state()).toEqual(before);
  });

  test('merge: a partial of another operator is a RangeError naming the field; state unchanged', () => {
    const { acc, state } = started(true);
    const before = state();
    const others: Array<[string, ConstructorParameters<typeof SketchAccumulator>[0]]> = [
      ['kind', { ...ok, withB: true, kind: 'countsketch' }],
      ['rows', { ...ok, withB: true, rows: 9 }],
      ['cols', { ...ok, withB: true, cols: 4 }],
      ['seed', { ...ok, withB: true, seed: 6 }],
      ['nnzPerColumn', { ...ok, withB: true, nnzPerColumn: 3 }],
      ['withB', { ...ok, withB: false }],
    ];
    for (const [field, opts] of others) {
      const other = new SketchAccumulator(opts);
      for (const form of [other, other.export(), other.toBytes()]) {
        expectError(() => acc.merge(form), 'RangeError', new RegExp(`^sketchmax\\.SketchAccumulator\\.merge: \\S*${field}\\b.* \\(got .+\\)$`));
        expect(state()).toEqual(before);
      }
    }
    // Not a partial at all.
    expectErrorOneOf(() => acc.merge(42 as unknown as Uint8Array), ['TypeError'], /^sketchmax\.SketchAccumulator\.merge: \S+ .* \(got 42\)$/);
    expectErrorOneOf(() => acc.merge({ format: 'something-else' } as unknown as Uint8Array), ['TypeError', 'RangeError'], /^sketchmax\.SketchAccumulator\.merge: \S+ .* \(got .+\)$/);
    expect(state()).toEqual(before);
  });

  test('from: corrupt, truncated or foreign bytes and objects are named errors', () => {
    const { acc } = started(false);
    const bytes = acc.toBytes();
    const corrupt = bytes.slice();
    corrupt[0] ^= 0xff; // magic
    const truncatedHeader = bytes.slice(0, 14);
    const truncatedData = bytes.slice(0, bytes.length - 8);
    for (const bad of [new Uint8Array(0), new Uint8Array(5), corrupt, truncatedHeader, truncatedData]) {
      expectErrorOneOf(() => SketchAccumulator.from(bad), ['TypeError', 'RangeError'], /^sketchmax\.SketchAccumulator\.from: \S+ .* \(got .+\)$/);
    }
    const p = acc.export();
    const foreign: Array<[string, unknown]> = [
      ['format', { ...p, format: 'other' }],
      ['version', { ...p, version: 2 }],
      ['kind', { ...p, kind: 'srht' }],
      ['rows', { ...p, rows: 0 }],
      ['seed', { ...p, seed: '-1' }],
      ['rowsAdded', { ...p, rowsAdded: -1 }],
      ['withB', { ...p, withB: 'no' }],
    ];
    for (const [field, value] of foreign) {
      expectErrorOneOf(() => SketchAccumulator.from(value as Uint8Array), ['TypeError', 'RangeError'], new RegExp(`^sketchmax\\.SketchAccumulator\\.from: \\S*(${field}|format)\\b.* \\(got .+\\)$`));
    }
    expectErrorOneOf(() => SketchAccumulator.from(null as unknown as Uint8Array), ['TypeError'], /^sketchmax\.SketchAccumulator\.from: \S+ .* \(got null\)$/);
  });
});
