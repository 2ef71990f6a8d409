// SketchAccumulator: S·[A | b] built from row blocks fed in any order, in one process or split over
// several (export/import partial sketches and add them). Sketches are linear, so the sum of the
// blocks' contributions S[:, r0 : r0 + rows]·block is the one-shot sketch to rounding (bit for bit
// for the sparse kinds and 'rademacher' when blocks arrive in row order). SRHT is excluded: its
// transform mixes all rows, and its padding depends on the total row count.
import { resolveBackend } from '../backend';
import { rangeError, typeError } from '../errors';
import { checkThreads } from '../linalg/lstsq_options';
import type { NativeBinding } from '../native';
import type { Backend } from '../types';
import { BACKENDS, checkEnum, checkFloatArray, checkOptions, checkPositiveInteger, floatKind } from '../validate';
import { checkFinite, checkMatrix, type Matrix } from './matrix';
import { checkOperator, float64Data, KIND_CODE, splitResult, type SketchOperator, type SketchResult } from './sketch';
import { sketchJs, type SketchKind } from './sketch_js';

/** The kinds a SketchAccumulator supports. */
export type StreamableSketchKind = Exclude<SketchKind, 'srht'>;
const STREAMABLE: readonly StreamableSketchKind[] = ['gaussian', 'rademacher', 'countsketch', 'sparse-sign'];

export interface SketchAccumulatorOptions {
  /** Default 'sparse-sign'. */
  kind?: StreamableSketchKind;
  /** Sketch size m. Required. */
  rows: number;
  /** Columns of the matrix being sketched. Required. */
  cols: number;
  seed?: number | bigint;
  /** 'sparse-sign' only; default min(8, rows). */
  nnzPerColumn?: number;
  /** Whether blocks come with a right-hand side b (then result().Sb). Default false. */
  withB?: boolean;
  threads?: number;
  backend?: Backend;
}

/** A partial sketch as a plain, structured-cloneable object (export / SketchAccumulator.from). */
export interface SketchPartial {
  format: 'sketchmax-partial-sketch';
  version: 1;
  kind: StreamableSketchKind;
  rows: number;
  cols: number;
  /** The seed as a decimal string (so a bigint seed survives JSON). */
  seed: string;
  nnzPerColumn: number;
  withB: boolean;
  /** Input rows added so far (summed over merged partials). */
  rowsAdded: number;
  /** The partial S·A, rows x cols, row-major. */
  SA: Float64Array;
  /** The partial S·b (rows entries) when withB. */
  Sb?: Float64Array;
}

const FORMAT = 'sketchmax-partial-sketch';
const MAGIC = 0x534b4d58; // 'SKMX'
const OPTION_KEYS = ['kind', 'rows', 'cols', 'seed', 'nnzPerColumn', 'withB', 'threads', 'backend'] as const;
const FN = 'SketchAccumulator';

export class SketchAccumulator {
  readonly kind: StreamableSketchKind;
  readonly rows: number;
  readonly cols: number;
  readonly withB: boolean;
  readonly nnzPerColumn: number;
  private readonly op: SketchOperator;
  private readonly data: Float64Array;
  private readonly native: NativeBinding | null;
  private readonly threads: number;
  private added = 0;

  /** @throws TypeError / RangeError naming the option for bad options. */
  constructor(options: SketchAccumulatorOptions) {
    if (options === undefined) throw rangeError(FN, 'options', 'is required ({ rows, cols })', options);
    const o = checkOptions<SketchAccumulatorOptions>(FN, options, OPTION_KEYS);
    if (o.kind === ('srht' as string)) {
      throw rangeError(FN, 'options.kind', "must be one of 'gaussian', 'rademacher', 'countsketch', 'sparse-sign' ('srht' needs all rows at once: use sketch())", o.kind);
    }
    if (o.cols === undefined) throw rangeError(FN, 'options.cols', 'is required (columns of the matrix)', o.cols);
    this.cols = checkPositiveInteger(FN, 'options.cols', o.cols);
    this.op = checkOperator(FN, o, Number.MAX_SAFE_INTEGER, 'no limit', STREAMABLE);
    this.kind = this.op.kind as StreamableSketchKind;
    this.rows = this.op.rows;
    this.nnzPerColumn = this.op.nnzPerColumn;
    if (o.withB !== undefined && typeof o.withB !== 'boolean') throw typeError(FN, 'options.withB', 'must be a boolean', o.withB);
    this.withB = o.withB ?? false;
    this.threads = checkThreads(FN, o.threads);
    this.native = resolveBackend(FN, o.backend === undefined ? 'auto' : checkEnum(FN, 'options.backend', o.backend, BACKENDS));
    this.data = new Float64Array(this.rows * (this.cols + (this.withB ? 1 : 0)));
  }

  /** Input rows added so far (including merged partials). */
  get rowsAdded(): number {
    return this.added;
  }

  /**
   * Adds the contribution of `block`, rows rowStart.. of the whole matrix (with b, its matching
   * entries, when the accumulator was made withB). Blocks may come in any order; adding the same
   * rows twice counts them twice.
   */
  add(block: Matrix, rowStart: number, b?: Float64Array | Float32Array): this {
    const M = checkMatrix(`${FN}.add`, 'block', block);
    if (M.cols !== this.cols) throw rangeError(`${FN}.add`, 'block.cols', `must be ${this.cols}, the accumulator's cols`, M.cols);
    if (typeof rowStart !== 'number') throw typeError(`${FN}.add`, 'rowStart', 'must be a number', rowStart);
    if (!Number.isSafeInteger(rowStart) || rowStart < 0 || rowStart + M.rows > Number.MAX_SAFE_INTEGER) {
      throw rangeError(`${FN}.add`, 'rowStart', 'must be a non-negative integer', rowStart);
    }
    let bv: Float64Array | Float32Array | null = null;
    if (this.withB) {
      if (b === undefined) throw typeError(`${FN}.add`, 'b', 'is required: the accumulator was made with withB: true', b);
      bv = checkFloatArray(`${FN}.add`, 'b', b);
      if (bv.length !== M.rows) throw rangeError(`${FN}.add`, 'b', `must have block.rows = ${M.rows} elements`, bv);
    } else if (b !== undefined) {
      throw rangeError(`${FN}.add`, 'b', 'was given but the accumulator was made without withB', b);
    }
    // Checked before adding: a rejected block must leave the sum as it was, and addition cannot be undone exactly.
    checkFinite(`${FN}.add`, 'block', M, 'b', bv, this.threads);
    if (this.native) {
      this.native.sketchAccumulate(float64Data(M.data), M.rows, M.cols, bv ? float64Data(bv) : null, KIND_CODE[this.kind], this.rows, this.op.key[0], this.op.key[1], this.nnzPerColumn, rowStart, this.data, this.threads);
    } else {
      sketchJs(`${FN}.add`, M, bv, this.op, rowStart, this.data);
    }
    this.added += M.rows;
    return this;
  }

  /** Adds another partial sketch of the same operator (same kind, rows, cols, seed, nnzPerColumn, withB). */
  merge(other: SketchAccumulator | SketchPartial | Uint8Array): this {
    const p = other instanceof SketchAccumulator ? other.export() : isBytes(other) ? decode(`${FN}.merge`, other) : checkPartial(`${FN}.merge`, other);
    const mine = this.describe();
    for (const key of ['kind', 'rows', 'cols', 'seed', 'nnzPerColumn', 'withB'] as const) {
      if (p[key] !== mine[key]) throw rangeError(`${FN}.merge`, `other.${key}`, `must equal this accumulator's (${String(mine[key])})`, p[key]);
    }
    addInterleaved(this.data, p, this.cols);
    this.added += p.rowsAdded;
    return this;
  }

  /** The sketch so far, { SA, Sb? } (copies). */
  result(): SketchResult {
    return splitResult(Float64Array.from(this.data), this.rows, this.cols, this.withB);
  }

  /** The partial sketch as a plain object (its arrays are copies). */
  export(): SketchPartial {
    const { SA, Sb } = this.result();
    const p: SketchPartial = { ...this.describe(), format: FORMAT, version: 1, rowsAdded: this.added, SA: SA.data };
    if (Sb) p.Sb = Sb;
    return p;
  }

  /**
   * The partial sketch as bytes: 'SKMX' magic, version, header length (uint32 LE each), the header
   * as UTF-8 JSON, zero padding to 8 bytes, then S·A (row-major) and S·b as float64 little-endian.
   */
  toBytes(): Uint8Array {
    const { SA, Sb, ...header } = this.export();
    const data = Sb ? concat(SA, Sb) : SA;
    const json = new TextEncoder().encode(JSON.stringify(header));
    const start = Math.ceil((12 + json.length) / 8) * 8;
    const bytes = new Uint8Array(start + data.length * 8);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, 1, true);
    view.setUint32(8, json.length, true);
    bytes.set(json, 12);
    for (let i = 0; i < data.length; i++) view.setFloat64(start + 8 * i, data[i], true);
    return bytes;
  }

  /** An accumulator holding an exported partial sketch (object or bytes), to add to or merge into. */
  static from(partial: SketchPartial | Uint8Array, options: { threads?: number; backend?: Backend } = {}): SketchAccumulator {
    const p = isBytes(partial) ? decode(`${FN}.from`, partial) : checkPartial(`${FN}.from`, partial);
    const seed = /^\d+$/.test(p.seed) ? (BigInt(p.seed) <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(p.seed) : BigInt(p.seed)) : NaN;
    const acc = new SketchAccumulator({ kind: p.kind, rows: p.rows, cols: p.cols, seed, nnzPerColumn: p.kind === 'sparse-sign' ? p.nnzPerColumn : undefined, withB: p.withB, ...options });
    addInterleaved(acc.data, p, acc.cols);
    acc.added = p.rowsAdded;
    return acc;
  }

  private describe(): Omit<SketchPartial, 'format' | 'version' | 'rowsAdded' | 'SA' | 'Sb'> {
    return { kind: this.kind, rows: this.rows, cols: this.cols, seed: String(this.op.seed), nnzPerColumn: this.nnzPerColumn, withB: this.withB };
  }
}

/** A Uint8Array from any realm (jest's sandbox, a worker, vm contexts). */
function isBytes(value: unknown): value is Uint8Array {
  return Object.prototype.toString.call(value) === '[object Uint8Array]';
}

function decode(fn: string, bytes: Uint8Array): SketchPartial {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== 1) {
    throw rangeError(fn, 'bytes', 'is not a sketchmax partial sketch (version 1)', bytes);
  }
  const len = view.getUint32(8, true);
  if (12 + len > bytes.length) throw rangeError(fn, 'bytes', 'is truncated', bytes);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len))) as Record<string, unknown>;
  } catch {
    throw rangeError(fn, 'bytes', 'has a corrupt header', bytes);
  }
  const start = Math.ceil((12 + len) / 8) * 8;
  const count = Math.floor((bytes.length - start) / 8);
  const data = new Float64Array(Math.max(0, count));
  for (let i = 0; i < count; i++) data[i] = view.getFloat64(start + 8 * i, true);
  const saLength = Number(header.rows) * Number(header.cols);
  const parts: Record<string, unknown> = { SA: data.subarray(0, saLength) };
  if (header.withB === true) parts.Sb = data.subarray(saLength);
  if (data.length !== saLength + (header.withB === true ? Number(header.rows) : 0)) throw rangeError(fn, 'bytes', 'has the wrong data length for its header', bytes);
  return checkPartial(fn, { ...header, ...parts });
}

function checkPartial(fn: string, value: unknown): SketchPartial {
  if (value === null || typeof value !== 'object') throw typeError(fn, 'partial', 'must be a SketchPartial object or its bytes', value);
  const p = value as Partial<SketchPartial>;
  if (p.format !== FORMAT || p.version !== 1) throw rangeError(fn, 'partial.format', `must be '${FORMAT}' version 1`, p.format);
  if (!STREAMABLE.includes(p.kind as StreamableSketchKind)) throw rangeError(fn, 'partial.kind', 'is not a streamable sketch kind', p.kind);
  for (const key of ['rows', 'cols', 'nnzPerColumn'] as const) {
    if (!Number.isSafeInteger(p[key]) || (p[key] as number) < 1) throw rangeError(fn, `partial.${key}`, 'must be a positive integer', p[key]);
  }
  if (!Number.isSafeInteger(p.rowsAdded) || (p.rowsAdded as number) < 0) throw rangeError(fn, 'partial.rowsAdded', 'must be a non-negative integer', p.rowsAdded);
  if (typeof p.seed !== 'string' || !/^\d+$/.test(p.seed)) throw rangeError(fn, 'partial.seed', 'must be a decimal string', p.seed);
  if (typeof p.withB !== 'boolean') throw typeError(fn, 'partial.withB', 'must be a boolean', p.withB);
  const saLength = (p.rows as number) * (p.cols as number);
  if (floatKind(p.SA) !== 'Float64Array' || (p.SA as Float64Array).length !== saLength) throw rangeError(fn, 'partial.SA', `must be a Float64Array of rows * cols = ${saLength} elements`, p.SA);
  if (p.withB) {
    if (floatKind(p.Sb) !== 'Float64Array' || (p.Sb as Float64Array).length !== p.rows) throw rangeError(fn, 'partial.Sb', `must be a Float64Array of rows = ${p.rows} elements`, p.Sb);
  } else if (p.Sb !== undefined) {
    throw rangeError(fn, 'partial.Sb', 'must be absent when withB is false', p.Sb);
  }
  return p as SketchPartial;
}

/** data (rows x (cols [+ 1]) row-major [S·A | S·b]) += the partial's SA and Sb. */
function addInterleaved(data: Float64Array, p: SketchPartial, cols: number): void {
  const k = cols + (p.Sb ? 1 : 0);
  for (let r = 0; r < p.rows; r++) {
    for (let c = 0; c < cols; c++) data[r * k + c] += p.SA[r * cols + c];
    if (p.Sb) data[r * k + cols] += p.Sb[r];
  }
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
