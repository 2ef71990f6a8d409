// The public sketch() and SketchAccumulator (issue 4, "Random numbers" and "Sketches"): the same
// (seed, kind, shape) gives the same S·A on every backend, ISA and thread count — bit for bit for
// 'rademacher', 'countsketch' and 'sparse-sign', to 1e-12 relative (normwise) for 'gaussian' and
// 'srht' — and the same as a SketchAccumulator fed uneven row blocks in any order, split over
// "processes" and merged, or exported and re-imported (objects and bytes). Also E[SᵀS] = I and the
// structure of each kind, checked on the public function.
import { availableParallelism } from 'node:os';

import { sketch, SketchAccumulator } from '../../lib/sketchmax';
import type { Matrix, SketchKind } from '../../lib/sketchmax';
import { ALL_ISAS, describeNative, hasNative, quietSetIsa, restoreBestIsa, runnableIsas } from '../helpers/backends';
import { Rng } from '../helpers/prng';

const { abs, max, sqrt } = Math;

const KINDS: readonly SketchKind[] = ['gaussian', 'rademacher', 'srht', 'countsketch', 'sparse-sign'];
const EXACT_KINDS: readonly SketchKind[] = ['rademacher', 'countsketch', 'sparse-sign'];
type Streamable = 'gaussian' | 'rademacher' | 'countsketch' | 'sparse-sign';
const STREAMABLE: readonly Streamable[] = ['gaussian', 'rademacher', 'countsketch', 'sparse-sign'];
const CORES = availableParallelism();
/** The backends this run has: the TypeScript one, and the addon when loaded. */
const BACKENDS: ReadonlyArray<'js' | 'native'> = hasNative ? ['js', 'native'] : ['js'];
/** 1, 2, 3 threads where the machine has the cores (threads > cores is a RangeError by the API). */
const THREADS = [1, 2, 3].filter((t) => t <= CORES);

function randomMatrix(rows: number, cols: number, seed: number): Matrix & { data: Float64Array } {
  const rng = new Rng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.next() * 2 - 1;
  return { data, rows, cols };
}

function randomVector(n: number, seed: number): Float64Array {
  return randomMatrix(n, 1, seed).data;
}

function identity(n: number): Matrix {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return { data, rows: n, cols: n };
}

function bytesOf(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function sameBits(a: Float64Array | undefined, b: Float64Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && bytesOf(a).equals(bytesOf(b));
}

/** max |a − b| / max |b| (normwise relative difference); Infinity on a length mismatch. */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d = max(d, abs(a[i] - b[i]));
    s = max(s, abs(b[i]));
  }
  return s === 0 ? d : d / s;
}

/** Rows [lo, hi) of A (a copy) and of b. */
function block(A: Matrix, lo: number, hi: number): Matrix {
  return { data: A.data.slice(lo * A.cols, hi * A.cols), rows: hi - lo, cols: A.cols };
}

/** Uneven cut points of [0, n): blocks of 1 row, of 0-heavy sizes, and a large one. */
function unevenBlocks(n: number, seed: number): Array<[number, number]> {
  const rng = new Rng(seed);
  const out: Array<[number, number]> = [];
  let lo = 0;
  const sizes = [1, 2, 7, 1, 64, 3];
  let i = 0;
  while (lo < n) {
    const size = i < sizes.length ? sizes[i] : 1 + rng.int(200);
    const hi = Math.min(n, lo + size);
    out.push([lo, hi]);
    lo = hi;
    i++;
  }
  return out;
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const rng = new Rng(seed);
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Runs f with the addon on `isa` (then restores the best ISA). */
function onIsa<T>(isa: string, f: () => T): T {
  expect(quietSetIsa(isa as (typeof ALL_ISAS)[number])).toBe(isa);
  try {
    return f();
  } finally {
    restoreBestIsa();
  }
}

// n = 1000 and 3000 are not powers of two (SRHT pads to 1024, 4096); m = 160 splits the dense kinds
// into 3 output-row tasks and 3000 rows the sparse kinds into 2 chunks in the addon (so threads
// matter); 37 x 3 and 1 x 1 are edge shapes.
const SHAPES: Array<[number, number, number]> = [
  [1000, 5, 64],
  [3000, 6, 160],
  [37, 3, 8],
  [1, 1, 1],
];
const SEEDS: ReadonlyArray<number | bigint> = [0, 7, 2 ** 40 + 3, 12345678901234567890n];

describe('sketch(): result shape, defaults, seeds, inputs untouched (default backend)', () => {
  test('SA is rows x A.cols row-major float64, Sb has rows entries; A and b are not modified', () => {
    const A = randomMatrix(300, 4, 1);
    const b = randomVector(300, 2);
    const A0 = A.data.slice();
    const b0 = b.slice();
    for (const kind of KINDS) {
      const r = sketch(A, { kind, rows: 20, b, seed: 3 });
      expect(r.SA.rows).toBe(20);
      expect(r.SA.cols).toBe(4);
      expect(Object.prototype.toString.call(r.SA.data)).toBe('[object Float64Array]');
      expect(r.SA.data.length).toBe(80);
      expect(r.Sb!.length).toBe(20);
      expect(r.SA.data.every(Number.isFinite) && r.Sb!.every(Number.isFinite)).toBe(true);
      expect(sketch(A, { kind, rows: 20 }).Sb).toBeUndefined();
    }
    expect(sameBits(A.data, A0)).toBe(true);
    expect(sameBits(b, b0)).toBe(true);
  });

  test("defaults: kind 'sparse-sign' with min(8, rows) nonzeros, seed 0", () => {
    const A = randomMatrix(200, 3, 3);
    for (const backend of BACKENDS) {
      const d = sketch(A, { rows: 16, backend }).SA.data;
      expect(sameBits(d, sketch(A, { rows: 16, kind: 'sparse-sign', nnzPerColumn: 8, seed: 0, backend }).SA.data)).toBe(true);
      expect(sameBits(d, sketch(A, { rows: 16, kind: 'sparse-sign', nnzPerColumn: 7, seed: 0, backend }).SA.data)).toBe(false);
      const small = sketch(A, { rows: 5, backend }).SA.data;
      expect(sameBits(small, sketch(A, { rows: 5, kind: 'sparse-sign', nnzPerColumn: 5, backend }).SA.data)).toBe(true);
    }
  });

  test('the same seed (number or bigint) gives the same bits; another seed does not', () => {
    const A = randomMatrix(100, 3, 4);
    for (const kind of KINDS) {
      const a = sketch(A, { kind, rows: 16, seed: 9 }).SA.data;
      expect(sameBits(a, sketch(A, { kind, rows: 16, seed: 9n }).SA.data)).toBe(true);
      expect(sameBits(a, sketch(A, { kind, rows: 16, seed: 10 }).SA.data)).toBe(false);
      // Seeds ≥ 2^32 use the high key word: 2^32 differs from 0.
      expect(sameBits(sketch(A, { kind, rows: 16, seed: 2 ** 32 }).SA.data, sketch(A, { kind, rows: 16, seed: 0 }).SA.data)).toBe(false);
    }
  });

  test('Sb is S applied to b (the last column of the sketch of [A | b])', () => {
    const A = randomMatrix(120, 3, 5);
    const b = randomVector(120, 6);
    const Ab: Matrix = { data: new Float64Array(120 * 4), rows: 120, cols: 4 };
    for (let i = 0; i < 120; i++) {
      for (let j = 0; j < 3; j++) Ab.data[i * 4 + j] = A.data[i * 3 + j];
      Ab.data[i * 4 + 3] = b[i];
    }
    for (const kind of KINDS) {
      const r = sketch(A, { kind, rows: 24, b, seed: 1 });
      const w = sketch(Ab, { kind, rows: 24, seed: 1 }).SA.data;
      const SAw = new Float64Array(24 * 3);
      const Sbw = new Float64Array(24);
      for (let i = 0; i < 24; i++) {
        for (let j = 0; j < 3; j++) SAw[i * 3 + j] = w[i * 4 + j];
        Sbw[i] = w[i * 4 + 3];
      }
      expect(relDiff(r.SA.data, SAw)).toBeLessThanOrEqual(1e-12);
      expect(relDiff(r.Sb!, Sbw)).toBeLessThanOrEqual(1e-12);
    }
  });

  test('Float32Array data gives exactly the sketch of its float64 copy', () => {
    const A = randomMatrix(150, 3, 7);
    const A32 = { data: Float32Array.from(A.data), rows: 150, cols: 3 };
    const A64 = { data: Float64Array.from(A32.data), rows: 150, cols: 3 };
    const b32 = Float32Array.from(randomVector(150, 8));
    for (const kind of KINDS) {
      const r32 = sketch(A32, { kind, rows: 12, b: b32 });
      const r64 = sketch(A64, { kind, rows: 12, b: Float64Array.from(b32) });
      expect(sameBits(r32.SA.data, r64.SA.data)).toBe(true);
      expect(sameBits(r32.Sb, r64.Sb)).toBe(true);
    }
    // Views with an offset into a larger buffer, on every backend.
    const buf = new Float64Array(150 * 3 + 9).fill(Number.NaN);
    buf.set(A.data, 5);
    const bbuf = new Float64Array(160).fill(Number.NaN);
    const bv = randomVector(150, 9);
    bbuf.set(bv, 4);
    for (const backend of BACKENDS) {
      for (const kind of KINDS) {
        const v = sketch({ data: buf.subarray(5, 5 + 450), rows: 150, cols: 3 }, { kind, rows: 12, b: bbuf.subarray(4, 154), backend });
        const c = sketch(A, { kind, rows: 12, b: bv, backend });
        expect(sameBits(v.SA.data, c.SA.data) && sameBits(v.Sb, c.Sb)).toBe(true);
      }
    }
  });
});

describe('structure of S (the sketch of the identity) and E[SᵀS] = I, on every backend', () => {
  const backends = BACKENDS;

  test.each(backends)('%s: entries of each kind', (backend) => {
    const n = 48;
    const m = 16;
    const S = (kind: SketchKind, nnz?: number): Float64Array => sketch(identity(n), { kind, rows: m, seed: 4, backend, ...(nnz ? { nnzPerColumn: nnz } : {}) }).SA.data;
    for (const v of S('rademacher')) expect(abs(abs(v) - 1 / sqrt(m))).toBeLessThan(1e-15);
    for (const [kind, s] of [['countsketch', 1], ['sparse-sign', 8], ['sparse-sign', 3]] as const) {
      const M = S(kind, kind === 'sparse-sign' ? s : undefined);
      for (let j = 0; j < n; j++) {
        let nnz = 0;
        for (let r = 0; r < m; r++) {
          const v = M[r * n + j];
          if (v !== 0) {
            nnz++;
            expect(abs(abs(v) - 1 / sqrt(s))).toBeLessThan(1e-15);
          }
        }
        expect(nnz).toBe(s);
      }
    }
    // SRHT keeps m rows of an orthogonal transform: with m = N (n = 48 pads to 64), SᵀS = I exactly.
    const F = sketch(identity(n), { kind: 'srht', rows: 64, seed: 4, backend }).SA.data;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let r = 0; r < 64; r++) s += F[r * n + i] * F[r * n + j];
        expect(abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-13);
      }
    }
  });

  test.each(backends)('%s: the mean of ‖S·x‖² over 400 seeds is ‖x‖² within 5 standard errors', (backend) => {
    const n = 50; // SRHT pads to 64
    const m = 8;
    const x = randomMatrix(n, 1, 11);
    let xx = 0;
    for (const v of x.data) xx += v * v;
    for (const kind of KINDS) {
      const T = 400;
      const vals: number[] = [];
      for (let seed = 0; seed < T; seed++) {
        const Sx = sketch(x, { kind, rows: m, seed, backend }).SA.data;
        let s = 0;
        for (const v of Sx) s += v * v;
        vals.push(s);
      }
      const mean = vals.reduce((a, v) => a + v, 0) / T;
      const sd = sqrt(vals.reduce((a, v) => a + (v - mean) ** 2, 0) / (T - 1));
      // ‖Sx‖² is random (not a constant): an unscaled or biased S would be off by O(‖x‖²).
      expect(sd).toBeGreaterThan(0.05 * xx);
      expect(abs(mean - xx)).toBeLessThanOrEqual((5 * sd) / sqrt(T));
    }
  });
});

describeNative('sketch(): native on every ISA and thread count against the TypeScript backend', () => {
  afterAll(restoreBestIsa);
  for (const isa of ALL_ISAS) {
    (runnableIsas.includes(isa) ? describe : describe.skip)(isa, () => {
      test.each(SHAPES)(`every kind, n=%i d=%i m=%i, several seeds, threads ${THREADS.join('/')}`, (n, d, m) => {
        const A = randomMatrix(n, d, n + d);
        const b = randomVector(n, n + 1);
        const a0 = A.data.slice();
        const b0 = b.slice();
        const problems: string[] = [];
        for (const kind of KINDS) {
          for (const seed of SEEDS) {
            const want = sketch(A, { kind, rows: m, seed, b, backend: 'js' });
            onIsa(isa, () => {
              for (const threads of THREADS) {
                const got = sketch(A, { kind, rows: m, seed, b, threads, backend: 'native' });
                const label = `${isa} ${kind} seed ${seed} threads ${threads}`;
                if (EXACT_KINDS.includes(kind)) {
                  if (!sameBits(got.SA.data, want.SA.data) || !sameBits(got.Sb, want.Sb)) problems.push(`${label}: not bit-identical to js (rel diff ${relDiff(got.SA.data, want.SA.data)})`);
                } else {
                  const e = max(relDiff(got.SA.data, want.SA.data), relDiff(got.Sb!, want.Sb!));
                  if (!(e <= 1e-12)) problems.push(`${label}: relative difference ${e} from js`);
                }
              }
            });
          }
        }
        if (!sameBits(A.data, a0) || !sameBits(b, b0)) problems.push('A or b was modified');
        expect(problems).toEqual([]);
      });
    });
  }

  test('every ISA gives the same bits as every other for the exact kinds (and threads agree bit for bit for all kinds)', () => {
    const A = randomMatrix(12000, 6, 21); // 6 chunks of 2048 rows for the sparse kinds, 4 tasks for the dense ones
    const problems: string[] = [];
    for (const kind of KINDS) {
      const results = runnableIsas.map((isa) => onIsa(isa, () => THREADS.map((threads) => sketch(A, { kind, rows: 200, seed: 5, threads, backend: 'native' }).SA.data)));
      const ref = results[0][0];
      results.forEach((perThreads, i) =>
        perThreads.forEach((got, t) => {
          // Across thread counts on one ISA: bit for bit for every kind (the result does not depend on threads).
          if (!sameBits(got, perThreads[0])) problems.push(`${kind} ${runnableIsas[i]}: threads ${THREADS[t]} differs from threads 1`);
          if (EXACT_KINDS.includes(kind) ? !sameBits(got, ref) : !(relDiff(got, ref) <= 1e-12)) problems.push(`${kind} ${runnableIsas[i]} threads ${THREADS[t]}: differs from ${runnableIsas[0]}`);
        }),
      );
    }
    expect(problems).toEqual([]);
  });
});

/** Feeds A (and b) to a fresh accumulator in the given block order. */
function accumulate(kind: Streamable, A: Matrix, b: Float64Array | undefined, blocks: ReadonlyArray<[number, number]>, opts: { rows: number; seed?: number | bigint; backend?: 'js' | 'native'; threads?: number }): SketchAccumulator {
  const acc = new SketchAccumulator({ kind, rows: opts.rows, cols: A.cols, seed: opts.seed, withB: b !== undefined, backend: opts.backend, threads: opts.threads });
  for (const [lo, hi] of blocks) acc.add(block(A, lo, hi), lo, b?.slice(lo, hi));
  return acc;
}

describe.each(BACKENDS)('SketchAccumulator (%s)', (backend) => {
  const n = 1000;
  const d = 4;
  const m = 48;
  const A = randomMatrix(n, d, 31);
  const b = randomVector(n, 32);
  const blocks = unevenBlocks(n, 33);

  test('uneven blocks in shuffled order give the one-shot sketch to 1e-12; in row order, bit for bit for the sparse kinds', () => {
    expect(blocks.length).toBeGreaterThan(8);
    const problems: string[] = [];
    for (const kind of STREAMABLE) {
      for (const seed of [0, 2n ** 64n - 1n]) {
        const one = sketch(A, { kind, rows: m, seed, b, backend });
        const shuffledAcc = accumulate(kind, A, b, shuffled(blocks, 34), { rows: m, seed, backend });
        const r = shuffledAcc.result();
        const e = max(relDiff(r.SA.data, one.SA.data), relDiff(r.Sb!, one.Sb!));
        if (!(e <= 1e-12)) problems.push(`${kind} seed ${seed}: shuffled blocks differ by ${e}`);
        if (r.SA.rows !== m || r.SA.cols !== d) problems.push(`${kind}: result shape ${r.SA.rows} x ${r.SA.cols}`);
        if (shuffledAcc.rowsAdded !== n) problems.push(`${kind}: rowsAdded ${shuffledAcc.rowsAdded}, want ${n}`);
        const inOrder = accumulate(kind, A, b, blocks, { rows: m, seed, backend }).result();
        if (kind === 'countsketch' || kind === 'sparse-sign') {
          if (!sameBits(inOrder.SA.data, one.SA.data) || !sameBits(inOrder.Sb, one.Sb)) problems.push(`${kind} seed ${seed}: row-order blocks not bit-identical (rel ${relDiff(inOrder.SA.data, one.SA.data)})`);
        } else if (!(relDiff(inOrder.SA.data, one.SA.data) <= 1e-12)) {
          problems.push(`${kind} seed ${seed}: row-order blocks differ by ${relDiff(inOrder.SA.data, one.SA.data)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('without b: result has no Sb; a block added twice counts twice', () => {
    const acc = accumulate('sparse-sign', A, undefined, blocks, { rows: m, seed: 3, backend });
    const r = acc.result();
    expect(r.Sb).toBeUndefined();
    expect(sameBits(r.SA.data, sketch(A, { rows: m, seed: 3, backend }).SA.data)).toBe(true);
    acc.add(block(A, 10, 20), 10);
    expect(acc.rowsAdded).toBe(n + 10);
    const twice = acc.result().SA.data;
    const extra = new SketchAccumulator({ rows: m, cols: d, seed: 3, backend }).add(block(A, 10, 20), 10).result().SA.data;
    expect(relDiff(twice, r.SA.data.map((v, i) => v + extra[i]))).toBeLessThanOrEqual(1e-12);
  });

  test('result() returns copies', () => {
    const acc = accumulate('rademacher', A, b, blocks.slice(0, 5), { rows: m, seed: 1, backend });
    const r1 = acc.result();
    const saved = r1.SA.data.slice();
    r1.SA.data.fill(42);
    r1.Sb!.fill(42);
    const r2 = acc.result();
    expect(sameBits(r2.SA.data, saved)).toBe(true);
    expect(r2.Sb!.every((v) => v !== 42)).toBe(true);
    expect(r2.SA.data).not.toBe(r1.SA.data);
  });

  test('export() is a plain partial-sketch object; from(export()) and from(toBytes()) round-trip exactly', () => {
    const seed = 12345678901234567890n;
    const half = blocks.slice(0, 7);
    const rest = blocks.slice(7);
    const acc = accumulate('sparse-sign', A, b, half, { rows: m, seed, backend });
    const p = acc.export();
    const rowsSoFar = half.reduce((s, [lo, hi]) => s + hi - lo, 0);
    expect(p).toMatchObject({ format: 'sketchmax-partial-sketch', version: 1, kind: 'sparse-sign', rows: m, cols: d, seed: '12345678901234567890', nnzPerColumn: 8, withB: true, rowsAdded: rowsSoFar });
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    // Structured-cloneable (postMessage to a worker / another process).
    const cloned = structuredClone(p);
    const bytes = acc.toBytes();
    expect(Object.prototype.toString.call(bytes)).toBe('[object Uint8Array]');
    const viaObject = SketchAccumulator.from(cloned);
    const viaBytes = SketchAccumulator.from(bytes);
    // A copy of the bytes at an offset inside a larger buffer (as read from a file or socket).
    const padded = new Uint8Array(bytes.length + 13);
    padded.set(bytes, 5);
    const viaOffset = SketchAccumulator.from(padded.subarray(5, 5 + bytes.length));
    const now = acc.result();
    for (const other of [viaObject, viaBytes, viaOffset]) {
      expect(other.rowsAdded).toBe(rowsSoFar);
      const r = other.result();
      expect(sameBits(r.SA.data, now.SA.data)).toBe(true);
      expect(sameBits(r.Sb, now.Sb)).toBe(true);
    }
    // Continuing after the import gives what continuing the original gives.
    for (const [lo, hi] of rest) {
      acc.add(block(A, lo, hi), lo, b.slice(lo, hi));
      viaBytes.add(block(A, lo, hi), lo, b.slice(lo, hi));
    }
    expect(sameBits(viaBytes.result().SA.data, acc.result().SA.data)).toBe(true);
    expect(sameBits(acc.result().SA.data, sketch(A, { rows: m, seed, b, backend }).SA.data)).toBe(true);
    // Exporting does not alias the accumulator's state.
    const p2 = acc.export();
    const snapshot = acc.result().SA.data.slice();
    for (const key of Object.keys(p2)) {
      const v = (p2 as unknown as Record<string, unknown>)[key];
      if (ArrayBuffer.isView(v)) (v as Float64Array).fill(7);
    }
    expect(sameBits(acc.result().SA.data, snapshot)).toBe(true);
  });

  test("export() carries the partial S·A and S·b as SA and Sb (the brief's SketchPartial fields)", () => {
    const acc = accumulate('countsketch', A, b, blocks.slice(0, 4), { rows: m, seed: 2, backend });
    const p = acc.export() as unknown as { SA?: Float64Array; Sb?: Float64Array };
    const r = acc.result();
    expect(p.SA !== undefined && sameBits(p.SA, r.SA.data)).toBe(true);
    expect(p.Sb !== undefined && sameBits(p.Sb, r.Sb)).toBe(true);
  });

  test('merge: two "processes" each sketch part of the rows; merged they equal the one-shot sketch', () => {
    const problems: string[] = [];
    for (const kind of STREAMABLE) {
      const one = sketch(A, { kind, rows: m, seed: 77, b, backend });
      const order = shuffled(blocks, 35);
      const mine = order.filter((_, i) => i % 2 === 0);
      const theirs = order.filter((_, i) => i % 2 === 1);
      for (const via of ['accumulator', 'object', 'bytes'] as const) {
        const p1 = accumulate(kind, A, b, mine, { rows: m, seed: 77, backend });
        const p2 = accumulate(kind, A, b, theirs, { rows: m, seed: 77, backend: 'js' });
        const ret = p1.merge(via === 'accumulator' ? p2 : via === 'object' ? structuredClone(p2.export()) : p2.toBytes());
        if (ret !== p1) problems.push(`${kind} ${via}: merge did not return this`);
        const r = p1.result();
        const e = max(relDiff(r.SA.data, one.SA.data), relDiff(r.Sb!, one.Sb!));
        if (!(e <= 1e-12)) problems.push(`${kind} via ${via}: merged differs by ${e}`);
        if (p1.rowsAdded !== n) problems.push(`${kind} via ${via}: rowsAdded ${p1.rowsAdded}, want ${n}`);
        // The merged-in partial is unchanged.
        if (p2.rowsAdded !== theirs.reduce((s, [lo, hi]) => s + hi - lo, 0)) problems.push(`${kind} via ${via}: the other's rowsAdded changed`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('blocks may be Float32Array; block and b are not modified', () => {
    const A32 = { data: Float32Array.from(A.data), rows: n, cols: d };
    const b32 = Float32Array.from(b);
    const a0 = A32.data.slice();
    const b0 = b32.slice();
    const acc = new SketchAccumulator({ kind: 'sparse-sign', rows: m, cols: d, withB: true, backend });
    for (const [lo, hi] of blocks) acc.add({ data: A32.data.subarray(lo * d, hi * d), rows: hi - lo, cols: d }, lo, b32.subarray(lo, hi));
    const one = sketch({ data: Float64Array.from(A32.data), rows: n, cols: d }, { rows: m, b: Float64Array.from(b32), backend });
    expect(sameBits(acc.result().SA.data, one.SA.data)).toBe(true);
    expect(Buffer.from(A32.data.buffer).equals(Buffer.from(a0.buffer))).toBe(true);
    expect(Buffer.from(b32.buffer).equals(Buffer.from(b0.buffer))).toBe(true);
  });
});

describeNative('SketchAccumulator: native (every ISA, thread count) and TypeScript agree', () => {
  afterAll(restoreBestIsa);
  test('same blocks, same order: bit for bit for the sparse kinds and rademacher, 1e-12 for gaussian', () => {
    const A = randomMatrix(700, 3, 41);
    const b = randomVector(700, 42);
    const blocks = shuffled(unevenBlocks(700, 43), 44);
    const problems: string[] = [];
    for (const kind of STREAMABLE) {
      const want = accumulate(kind, A, b, blocks, { rows: 40, seed: 9, backend: 'js' }).result();
      for (const isa of runnableIsas) {
        onIsa(isa, () => {
          for (const threads of THREADS) {
            const got = accumulate(kind, A, b, blocks, { rows: 40, seed: 9, backend: 'native', threads }).result();
            const exact = sameBits(got.SA.data, want.SA.data) && sameBits(got.Sb, want.Sb);
            if (kind === 'gaussian' ? !(relDiff(got.SA.data, want.SA.data) <= 1e-12) : !exact) problems.push(`${kind} ${isa} threads ${threads}: differs from js (rel ${relDiff(got.SA.data, want.SA.data)})`);
          }
        });
      }
    }
    expect(problems).toEqual([]);
  });
});
