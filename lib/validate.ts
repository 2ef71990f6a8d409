// Validators shared by every public function. They throw TypeError / RangeError named after the
// argument before any work starts, so a bad call never reaches the addon and never writes output.
import { rangeError, typeError } from './errors';
import type { Backend, FloatArray } from './types';

/** The `[[Class]]` of a typed array, realm-independent (jest runs tests in their own realm). */
export function floatKind(value: unknown): 'Float32Array' | 'Float64Array' | null {
  if (!ArrayBuffer.isView(value)) return null;
  // Same-realm fast path: the tag lookup below costs ~150 ns, more than a whole tiny softmax.
  if (value instanceof Float32Array) return 'Float32Array';
  if (value instanceof Float64Array) return 'Float64Array';
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  return tag === 'Float32Array' || tag === 'Float64Array' ? tag : null;
}

/** True when `buffer` has been detached (transferred); Node 20 has no `ArrayBuffer#detached`. */
export function isDetached(buffer: ArrayBufferLike): boolean {
  if (buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(buffer as ArrayBuffer);
    return false;
  } catch {
    return true;
  }
}

/** Checks an options argument: undefined or a plain object whose keys are all known. */
export function checkOptions<O extends object>(fn: string, options: unknown, known: readonly string[]): Partial<O> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options)) {
    throw typeError(fn, 'options', 'must be an object', options);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw typeError(fn, `options.${key}`, `is not a known option (known: ${known.join(', ')})`, (options as Record<string, unknown>)[key]);
    }
  }
  return options as Partial<O>;
}

/** A Float32Array or Float64Array that is neither detached nor empty. */
export function checkFloatArray(fn: string, arg: string, value: unknown): FloatArray {
  if (floatKind(value) === null) throw typeError(fn, arg, 'must be a Float32Array or Float64Array', value);
  const a = value as FloatArray;
  if (a.length === 0) {
    if (isDetached(a.buffer)) throw rangeError(fn, arg, 'is detached (its buffer was transferred)', value);
    throw rangeError(fn, arg, 'must not be empty', value);
  }
  return a;
}

/** A Float32Array or Float64Array with one entry per row of A (`rows` of them). */
export function checkRowVector(fn: string, arg: string, value: unknown, rows: number): FloatArray {
  const a = checkFloatArray(fn, arg, value);
  if (a.length !== rows) throw rangeError(fn, arg, `must have A.rows = ${rows} elements`, value);
  return a;
}

/** An output array: same type and length as `x`; either exactly `x`'s memory or disjoint from it. */
export function checkOut<T extends FloatArray>(fn: string, x: T, out: unknown): T {
  const kind = floatKind(x);
  if (floatKind(out) !== kind) throw typeError(fn, 'options.out', `must be a ${kind} like x`, out);
  const o = out as T;
  if (o.length === 0 && isDetached(o.buffer)) throw rangeError(fn, 'options.out', 'is detached (its buffer was transferred)', out);
  if (o.length !== x.length) throw rangeError(fn, 'options.out', `must have x's length ${x.length}`, out);
  if (o.buffer === x.buffer) {
    const same = o.byteOffset === x.byteOffset;
    const overlap = o.byteOffset < x.byteOffset + x.byteLength && x.byteOffset < o.byteOffset + o.byteLength;
    if (overlap && !same) throw rangeError(fn, 'options.out', "overlaps x's memory without being exactly x (partial aliasing is not supported)", out);
  }
  return o;
}

/** A positive safe integer. */
export function checkPositiveInteger(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number') throw typeError(fn, arg, 'must be a number', value);
  if (!Number.isSafeInteger(value) || value < 1) throw rangeError(fn, arg, 'must be a positive integer', value);
  return value;
}

/** One of a fixed set of strings. */
export function checkEnum<E extends string>(fn: string, arg: string, value: unknown, allowed: readonly E[]): E {
  if (typeof value !== 'string') throw typeError(fn, arg, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  if (!(allowed as readonly string[]).includes(value)) {
    throw rangeError(fn, arg, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as E;
}

export const BACKENDS: readonly Backend[] = ['auto', 'native', 'js'];
