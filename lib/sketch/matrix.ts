// The Matrix type shared by the sketching and least-squares functions (api-conventions.md):
// row-major, data.length === rows * cols, Float64Array (Float32Array accepted, computed in float64).
import { rangeError, typeError } from '../errors';
import { nativeBinding } from '../backend';
import { floatKind } from '../validate';

export interface Matrix {
  data: Float64Array | Float32Array;
  rows: number;
  cols: number;
}

/** Builds a row-major Matrix from an array of equally long rows of numbers. */
export function matrix(rows: number[][]): Matrix {
  if (!Array.isArray(rows)) throw typeError('matrix', 'rows', 'must be an array of rows', rows);
  if (rows.length === 0) throw rangeError('matrix', 'rows', 'must not be empty', rows);
  const cols = Array.isArray(rows[0]) ? rows[0].length : -1;
  if (cols <= 0) throw typeError('matrix', 'rows[0]', 'must be a non-empty array of numbers', rows[0]);
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== cols) throw rangeError('matrix', `rows[${i}]`, `must be an array of ${cols} numbers`, row);
    row.forEach((v, j) => {
      if (typeof v !== 'number') throw typeError('matrix', `rows[${i}][${j}]`, 'must be a number', v);
      data[i * cols + j] = v;
    });
  });
  return { data, rows: rows.length, cols };
}

/** A well-formed Matrix: positive integer shape matching a Float64Array or Float32Array. */
export function checkMatrix(fn: string, arg: string, value: unknown): Matrix {
  if (value === null || typeof value !== 'object') throw typeError(fn, arg, 'must be a Matrix { data, rows, cols }', value);
  const m = value as Partial<Matrix>;
  if (floatKind(m.data) === null) throw typeError(fn, `${arg}.data`, 'must be a Float64Array or Float32Array', m.data);
  for (const key of ['rows', 'cols'] as const) {
    const v = m[key];
    if (typeof v !== 'number') throw typeError(fn, `${arg}.${key}`, 'must be a number', v);
    if (!Number.isSafeInteger(v) || v < 1) throw rangeError(fn, `${arg}.${key}`, 'must be a positive integer', v);
  }
  if (m.data!.length !== m.rows! * m.cols!) {
    throw rangeError(fn, `${arg}.data`, `must have rows * cols = ${m.rows! * m.cols!} elements`, m.data);
  }
  return m as Matrix;
}

/**
 * Throws a RangeError naming the first NaN or ±inf entry of the matrix (`${arg}[row][col]`), then
 * of the vector b (`${bArg}[i]`) when given. Large arrays are scanned by the addon when it is loaded
 * (whatever the call's backend: the scan only reads), 3-5x faster than a JavaScript loop.
 */
export function checkFinite(fn: string, arg: string, M: Matrix, bArg: string, b: Float64Array | Float32Array | null, threads: number): void {
  const data = M.data;
  const d = M.cols;
  const i = firstNonFinite(data, threads);
  if (i >= 0) {
    const row = Math.floor(i / d);
    throw rangeError(fn, `${arg}[${row}][${i % d}]`, `must be finite (row ${row}, column ${i % d})`, data[i]);
  }
  const j = b ? firstNonFinite(b, threads) : -1;
  if (j >= 0) throw rangeError(fn, `${bArg}[${j}]`, `must be finite (row ${j})`, b![j]);
}

/** Below this many entries a JavaScript loop is faster than a call into the addon. */
const NATIVE_SCAN_MIN = 1 << 16;

function firstNonFinite(a: Float64Array | Float32Array, threads: number): number {
  const native = nativeBinding();
  if (native && a.length >= NATIVE_SCAN_MIN && floatKind(a) === 'Float64Array') return native.firstNonFinite(a as Float64Array, threads);
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}
