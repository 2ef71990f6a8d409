// Running softmax / log-softmax on prepared cases and checking them against the reference.
import { logSoftmax, logSoftmaxAsync, softmax, softmaxAsync } from '../../lib/sketchmax';
import type { SoftmaxAlgorithm } from '../../lib/sketchmax';
import type { Engine } from './backends';
import { checkGuards, checkLogSoftmax, checkSoftmax } from './compare';
import { alloc, type FloatArray } from './prng';
import { reference, type Dtype, type Reference } from './reference';

export type Op = 'softmax' | 'logSoftmax';
export const OPS: readonly Op[] = ['softmax', 'logSoftmax'];
export const DTYPES: readonly Dtype[] = ['f32', 'f64'];
export const ALGORITHMS: readonly SoftmaxAlgorithm[] = ['auto', 'three-pass-reload', 'three-pass-recompute', 'two-pass'];

/** One input with its reference. */
export interface Case {
  label: string;
  x: FloatArray;
  rows: number;
  ref: Reference;
}

export function makeCase(label: string, x: FloatArray, rows: number, dtype: Dtype): Case {
  return { label, x, rows, ref: reference(x, rows, dtype) };
}

export function call(op: Op, x: FloatArray, options: Parameters<typeof softmax>[1]): FloatArray {
  return op === 'softmax' ? softmax(x, options) : logSoftmax(x, options);
}

export function callAsync(op: Op, x: FloatArray, options: Parameters<typeof softmax>[1]): Promise<FloatArray> {
  return op === 'softmax' ? softmaxAsync(x, options) : logSoftmaxAsync(x, options);
}

/** Checks y (computed from c.x by op) against the reference. */
export function check(label: string, op: Op, c: Case, y: ArrayLike<number>, dtype: Dtype): string[] {
  const args = { label: `${label} ${c.label}`, x: c.x, got: y, rows: c.rows, dtype };
  return op === 'softmax' ? checkSoftmax({ ...args, ref: c.ref.soft! }) : checkLogSoftmax({ ...args, ref: c.ref.log! });
}

const GUARD = 16;
export const SENTINEL = -7777.25;

/**
 * Runs op on every case with the engine's backend (into an output view with guard zones that must
 * stay untouched, and into a fresh array) and returns all problems. The x arrays must not change.
 */
export function runCases(engine: Engine, op: Op, algorithm: SoftmaxAlgorithm, dtype: Dtype, cases: readonly Case[]): string[] {
  const problems: string[] = [];
  const label = `${op} ${engine.label} ${algorithm} ${dtype}`;
  for (const c of cases) {
    const before = c.x.slice();
    const n = c.x.length;
    const buf = alloc(dtype, n + 2 * GUARD).fill(SENTINEL);
    const out = buf.subarray(GUARD, GUARD + n);
    const ret = call(op, c.x, { rows: c.rows, algorithm, backend: engine.backend, out });
    if (ret !== out) problems.push(`${label} ${c.label}: did not return options.out`);
    problems.push(...check(label, op, c, out, dtype));
    problems.push(...checkGuards(`${label} ${c.label}`, buf, GUARD, n, SENTINEL));
    const fresh = call(op, c.x, { rows: c.rows, algorithm, backend: engine.backend });
    for (let i = 0; i < n; i++) {
      if (!Object.is(fresh[i], out[i])) {
        problems.push(`${label} ${c.label}: a fresh output differs from options.out at [${i}]: ${fresh[i]} vs ${out[i]}`);
        break;
      }
    }
    for (let i = 0; i < n; i++) {
      if (!Object.is(before[i], c.x[i])) {
        problems.push(`${label} ${c.label}: x was modified at [${i}]`);
        break;
      }
    }
    if (problems.length > 20) break;
  }
  return problems;
}
