// Options of lstsq / lstsqAsync: types, defaults, the 'auto' and ℓ∞ rules, and the argument checks
// shared by the TypeScript and native backends (every check runs here, before either solver).
import { availableParallelism } from 'node:os';

import { rangeError, typeError } from '../errors';
import { seedToKey } from '../random/philox';
import { checkFinite, checkMatrix, type Matrix } from '../sketch/matrix';
import type { SketchKind } from '../sketch/sketch_js';
import type { Backend } from '../types';
import { BACKENDS, checkEnum, checkOptions, checkRowVector } from '../validate';

const { ceil, floor, log, max, min } = Math;

export type LstsqMethod = 'auto' | 'qr' | 'sketch-and-solve' | 'sketch-precondition';

export interface LstsqSketchOptions {
  /** The sketch S. Default 'sparse-sign' (cheap, O(nnzPerColumn·n·d), a good ℓ2 embedding, §2). */
  kind?: SketchKind;
  /**
   * Sketch rows m, at least d (S·A must be able to have full column rank); for 'srht' at most n
   * rounded up to a power of two. Default {@link preconditionSketchRows}(n, d) = 12·d to 40·d for
   * 'sketch-precondition' (12·d is Epperly's SPIR default), and min(20·d, n) for 'sketch-and-solve'
   * (expected residual excess ≈ d/(2m) = 2.5%).
   */
  rows?: number;
  /** Nonzeros per column of a 'sparse-sign' sketch, 1..rows. Default 8 (min(8, rows)). */
  nnzPerColumn?: number;
}

export interface LstsqOptions {
  /** Default 'auto' (see chooseMethod). */
  method?: LstsqMethod;
  sketch?: LstsqSketchOptions;
  /** Philox key for the sketch. Default 0. */
  seed?: number | bigint;
  /**
   * Stopping tolerance of LSQR in 'sketch-precondition' (both tests, see lsqr.ts): the backward-error
   * bound ‖Āᵀr‖/(‖Ā‖‖r‖) ≤ tolerance, Ā = A·R⁻¹. In (0, 1); also steers 'auto'. Default 1e-16, i.e.
   * working precision: the forward error of a solution with backward error η is about
   * η·(κ + κ²‖r‖/(‖A‖‖x‖)), so matching Householder QR (η ≈ u = 1.1e-16) within a small factor needs
   * η ≲ 1e-15. With 1e-14 the large-residual identity-block instance came out up to 14x less accurate
   * than QR's error estimate; with 1e-16 at most 0.7x (30 runs), for ~2 more iterations per pass
   * (3000 x 30).
   */
  tolerance?: number;
  /** LSQR iterations per pass of 'sketch-precondition' (2 passes). Default 100. */
  maxIterations?: number;
  /**
   * Threads of the native kernels, 1..cores. Default: every core this process may use
   * (os.availableParallelism()). The result does not depend on it. Ignored by the TypeScript backend.
   */
  threads?: number;
  /**
   * 'l2' (default): the methods above. 'linf': an ℓ∞ forward-error guarantee from sketch-and-solve
   * with a dense sketch, ‖x - x*‖∞ ≤ epsilon/√d · ‖A·x* - b‖ · ‖A⁺‖ with probability ≥ 1 - delta, by
   * the measured row rule of {@link linfSketchRows} (Song, Ye, Yin, Zhang, ICML 2023; sketching.md
   * §1, §7.1). Only 'srht' (the default kind in this mode), 'gaussian' and 'rademacher' sketches;
   * method 'auto' or 'sketch-and-solve'.
   */
  guarantee?: LstsqGuarantee;
  /** ℓ∞ mode's accuracy ε, in (0, 1]. Default 0.5. */
  epsilon?: number;
  /** ℓ∞ mode's failure probability δ, in (0, 0.5]. Default 0.05. */
  delta?: number;
  /** 'auto' (default): the addon when loaded, else TypeScript; 'native' or 'js' to force one. */
  backend?: Backend;
}

/** Options of {@link lstsqAsync}: those of lstsq plus progress reporting and cancellation. */
export interface LstsqAsyncOptions extends LstsqOptions {
  /**
   * Called on the main thread as LSQR iterates ('sketch-precondition'): pass (1-based), iteration
   * within the pass, and the current backward-error estimate ‖Āᵀr‖/(‖Ā‖‖r‖). Native: at most about
   * once per iteration (updates may be coalesced). Errors it throws are ignored.
   */
  onProgress?: (progress: LstsqProgress) => void;
  /** Aborting rejects the promise with signal.reason (an 'AbortError' DOMException by default). */
  signal?: AbortSignal;
}

export interface LstsqProgress {
  pass: number;
  iteration: number;
  estimate: number;
}

export type LstsqGuarantee = 'l2' | 'linf';

export interface LstsqResult {
  x: Float64Array;
  /** ‖b - A·x‖₂, recomputed from A, b and x. */
  residualNorm: number;
  /** LSQR iterations, summed over the passes; 0 for the direct methods. */
  iterations: number;
  /** The method that produced x: 'auto' resolved, and 'qr' when a randomized method fell back. */
  method: Exclude<LstsqMethod, 'auto'>;
  /** Rows of the sketch that was formed (also when the solve fell back to 'qr'); 0 when none was. */
  sketchRows: number;
  /** Numerical rank: d unless the QR fallback found less (pivoted QR, |R_kk| ≤ max(n,d)·eps·|R_00|). */
  rank: number;
  /** false only when an LSQR pass hit maxIterations before its stopping test. */
  converged: boolean;
}

export const LSTSQ_DEFAULTS = {
  method: 'auto' as LstsqMethod,
  kind: 'sparse-sign' as SketchKind,
  nnzPerColumn: 8,
  seed: 0,
  tolerance: 1e-16,
  maxIterations: 100,
  /** Sketch rows per column of A: 'sketch-precondition' and 'sketch-and-solve'. */
  preconditionRowsPerColumn: 12,
  maxPreconditionRowsPerColumn: 40,
  solveRowsPerColumn: 20,
  /** LSQR passes of 'sketch-precondition' (the first from the sketch-and-solve warm start). */
  refinementPasses: 2,
  /**
   * S·A counts as rank-deficient when the estimate of rcond(R) is below this. Well above unit roundoff
   * so that the randomized solve is never attempted where SPIR needs a Tikhonov shift (κ > 1/(30u),
   * §4.3); the 'qr' fallback then decides the rank with its own, size-dependent tolerance.
   */
  rcondMin: 1e-13,
  /** ℓ∞ mode. */
  epsilon: 0.5,
  delta: 0.05,
} as const;

/** 'auto' runs 'qr' when d is below this (see chooseMethod). */
export const AUTO_MIN_COLS = 150;
/** ... or when n is below this many rows per column. */
export const AUTO_MIN_ROWS_PER_COL = 25;
/** 'auto' uses 'sketch-and-solve' only for tolerance ≥ this (see chooseMethod). */
export const AUTO_SKETCH_AND_SOLVE_TOLERANCE = 0.25;

const METHODS: readonly LstsqMethod[] = ['auto', 'qr', 'sketch-and-solve', 'sketch-precondition'];
const KINDS: readonly SketchKind[] = ['gaussian', 'rademacher', 'srht', 'countsketch', 'sparse-sign'];
const OPTION_KEYS = ['method', 'sketch', 'seed', 'tolerance', 'maxIterations', 'threads', 'guarantee', 'epsilon', 'delta', 'backend'] as const;
const SKETCH_KEYS = ['kind', 'rows', 'nnzPerColumn'] as const;

/**
 * The method 'auto' runs for an n x d problem:
 *  - 'qr' when d < AUTO_MIN_COLS or n < AUTO_MIN_ROWS_PER_COL·d. Householder QR costs 2nd² flops;
 *    'sketch-precondition' costs the sketch, the QR of the 12d x d sketch (24d³) and ~30 LSQR
 *    iterations (~120nd), so it only wins for wide enough d and tall enough n. Measured on this
 *    TypeScript code (Node 20, one core, default options; timings noisy to ~10%), QR time / SPIR time:
 *    0.27 at 20000 x 20, 0.54 at 20000 x 50, 0.79 at 20000 x 100, 0.91 at 20000 x 128, 1.21 at
 *    40000 x 128, 1.20 at 10000 x 160, 1.00 at 5000 x 200 (n = 25d), 0.62 at 4000 x 200 (n = 20d),
 *    1.58 at 20000 x 200, 1.30 at 8000 x 256, 1.46 at 10000 x 300. The gain grows with d (the notes'
 *    native figures: 2.3x at 200000 x 200, 7.9x at 50000 x 1000);
 *  - else 'sketch-and-solve' when tolerance ≥ AUTO_SKETCH_AND_SOLVE_TOLERANCE: its backward error is
 *    about √(d/m) ≈ 0.22 at the default m = 20d whatever the tolerance, so it meets nothing finer;
 *  - else 'sketch-precondition'.
 */
export function chooseMethod(n: number, d: number, tolerance: number): Exclude<LstsqMethod, 'auto'> {
  if (d < AUTO_MIN_COLS || n < AUTO_MIN_ROWS_PER_COL * d) return 'qr';
  if (tolerance >= AUTO_SKETCH_AND_SOLVE_TOLERANCE) return 'sketch-and-solve';
  return 'sketch-precondition';
}

/** Every option of a call, checked and defaulted ('auto' resolved). */
export interface ResolvedLstsq {
  method: Exclude<LstsqMethod, 'auto'>;
  kind: SketchKind;
  rows: number;
  nnzPerColumn: number;
  seed: number | bigint;
  tolerance: number;
  maxIterations: number;
  threads: number;
  guarantee: LstsqGuarantee;
  backend: Backend;
}

/**
 * Default sketch rows of 'sketch-precondition': γ·d with γ = clamp(⌊4n/d²⌋, 12, 40), at most n.
 * Why: LSQR on A·R⁻¹ contracts the error by about √(d/m) per iteration, and each iteration reads all
 * of A, while the QR of the m x d sketch costs 2md² flops, about γd²/(4n) passes' worth of time at
 * this machine's flop/byte ratio (~1 flop per byte). So γ grows until that QR costs about one pass,
 * from Epperly's γ = 12 (the floor: a reliable embedding with sparse sign) to 40, where the gain
 * flattens. Measured on 1,000,000 x 100 (native, tolerance 1e-16): 29 iterations at γ = 12, 23 at 25,
 * 20 at 40, 18 at 60.
 */
export function preconditionSketchRows(n: number, d: number): number {
  const gamma = min(LSTSQ_DEFAULTS.maxPreconditionRowsPerColumn, max(LSTSQ_DEFAULTS.preconditionRowsPerColumn, floor((4 * n) / (d * d))));
  return min(gamma * d, n);
}

/**
 * The ℓ∞ mode's sketch rows for d columns: m = ⌈C·d/ε²⌉ with C = 14·max(1, ln(1/δ)/ln 20).
 * Why: the ℓ∞ error of sketch-and-solve with a dense sketch behaves like a random direction, and
 * its 95th percentile over seeds measured ε̂∞ ≈ 2.6–3.76·√(d/m) on Gaussian, Student-t(1) and
 * identity-block instances (sketching.md §7.1, n = 16384, d = 64; worst: SRHT on the spike at
 * m = 8d). ε̂∞ ≤ ε at δ = 0.05 then needs m ≥ 3.76²·d/ε² ≈ 14·d/ε². Smaller δ scales C like the
 * Gaussian tail's log(1/δ). The paper's bound m = ε⁻²·d·log³(n/δ) is 200-300x larger at these sizes,
 * and its proof has a reported gap (sketching.md §1.4); this rule is an empirical one, and the tests
 * check it on every family.
 */
export function linfSketchRows(d: number, epsilon: number, delta: number): number {
  const c = 14 * max(1, log(1 / delta) / log(20));
  return ceil((c * d) / (epsilon * epsilon));
}

const LINF_KINDS: readonly SketchKind[] = ['srht', 'gaussian', 'rademacher'];
const GUARANTEES: readonly LstsqGuarantee[] = ['l2', 'linf'];


/**
 * Checks every argument of lstsq (fn names the public function in messages) and resolves the
 * options. A's entries and b's are checked last (finite), since that reads all of A.
 */
export function resolveLstsq(
  fn: string,
  A: unknown,
  b: unknown,
  options: unknown,
  extraKeys: readonly string[] = [],
): { A: Matrix; b: Float64Array | Float32Array; o: ResolvedLstsq } {
  const M = checkMatrix(fn, 'A', A);
  const n = M.rows;
  const d = M.cols;
  if (n < d) throw rangeError(fn, 'A.rows', `must be at least A.cols = ${d} (underdetermined systems are not supported)`, n);
  const bv = checkRowVector(fn, 'b', b, n);
  const opts = checkOptions<LstsqOptions>(fn, options, [...OPTION_KEYS, ...extraKeys]);
  const method = opts.method === undefined ? LSTSQ_DEFAULTS.method : checkEnum(fn, 'options.method', opts.method, METHODS);
  const seed = opts.seed ?? LSTSQ_DEFAULTS.seed;
  seedToKey(fn, seed); // validates it
  const tolerance = opts.tolerance ?? LSTSQ_DEFAULTS.tolerance;
  if (typeof tolerance !== 'number') throw typeError(fn, 'options.tolerance', 'must be a number', tolerance);
  if (!(tolerance > 0 && tolerance < 1)) throw rangeError(fn, 'options.tolerance', 'must be in (0, 1)', tolerance);
  const maxIterations = checkPositiveInt(fn, 'options.maxIterations', opts.maxIterations ?? LSTSQ_DEFAULTS.maxIterations);
  const threads = checkThreads(fn, opts.threads);
  const backend = opts.backend === undefined ? 'auto' : checkEnum(fn, 'options.backend', opts.backend, BACKENDS);
  const guarantee = opts.guarantee === undefined ? 'l2' : checkEnum(fn, 'options.guarantee', opts.guarantee, GUARANTEES);
  const sk = checkSketchOptions(fn, opts.sketch);
  const linf = guarantee === 'linf';
  if (!linf) {
    for (const key of ['epsilon', 'delta'] as const) {
      if (opts[key] !== undefined) throw rangeError(fn, `options.${key}`, "applies only with options.guarantee 'linf'", opts[key]);
    }
  }
  const kind = sk.kind === undefined ? (linf ? 'srht' : LSTSQ_DEFAULTS.kind) : checkEnum(fn, 'options.sketch.kind', sk.kind, KINDS);

  let resolvedMethod: Exclude<LstsqMethod, 'auto'>;
  let rows: number;
  if (linf) {
    if (method !== 'auto' && method !== 'sketch-and-solve') {
      throw rangeError(fn, 'options.method', "must be 'auto' or 'sketch-and-solve' with options.guarantee 'linf'", method);
    }
    if (!LINF_KINDS.includes(kind)) {
      throw rangeError(fn, 'options.sketch.kind', `must be a dense sketch (${LINF_KINDS.join(', ')}) with options.guarantee 'linf': sparse sketches lose the ℓ∞ guarantee on coherent data`, kind);
    }
    const epsilon = checkInterval(fn, 'options.epsilon', opts.epsilon ?? LSTSQ_DEFAULTS.epsilon, 1);
    const delta = checkInterval(fn, 'options.delta', opts.delta ?? LSTSQ_DEFAULTS.delta, 0.5);
    if (sk.rows !== undefined) throw rangeError(fn, 'options.sketch.rows', "is chosen by the ℓ∞ rule with options.guarantee 'linf' (set epsilon and delta instead)", sk.rows);
    rows = linfSketchRows(d, epsilon, delta);
    // A sketch as tall as A saves nothing: solve exactly (the guarantee then holds to rounding).
    resolvedMethod = rows >= n || (kind === 'srht' && rows > pow2AtLeast(n)) ? 'qr' : 'sketch-and-solve';
    if (resolvedMethod === 'qr') rows = 0;
  } else {
    resolvedMethod = method === 'auto' ? chooseMethod(n, d, tolerance) : method;
    const defaultRows = resolvedMethod === 'sketch-and-solve' ? min(LSTSQ_DEFAULTS.solveRowsPerColumn * d, n) : preconditionSketchRows(n, d);
    rows = checkPositiveInt(fn, 'options.sketch.rows', sk.rows ?? defaultRows);
    if (rows < d) throw rangeError(fn, 'options.sketch.rows', `must be at least A.cols = ${d}`, rows);
    if (rows > n && kind !== 'srht') throw rangeError(fn, 'options.sketch.rows', `must be at most A.rows = ${n}`, rows);
    if (kind === 'srht' && rows > pow2AtLeast(n)) {
      throw rangeError(fn, 'options.sketch.rows', `must be at most ${pow2AtLeast(n)} (A.rows rounded up to a power of two) for an 'srht' sketch`, rows);
    }
  }
  let nnzPerColumn = min(LSTSQ_DEFAULTS.nnzPerColumn, max(rows, 1));
  if (sk.nnzPerColumn !== undefined) {
    if (kind !== 'sparse-sign') throw rangeError(fn, 'options.sketch.nnzPerColumn', `applies only to kind 'sparse-sign' (kind is '${kind}')`, sk.nnzPerColumn);
    nnzPerColumn = checkPositiveInt(fn, 'options.sketch.nnzPerColumn', sk.nnzPerColumn);
    if (nnzPerColumn > rows) throw rangeError(fn, 'options.sketch.nnzPerColumn', `must be at most options.sketch.rows = ${rows}`, nnzPerColumn);
  }
  checkFinite(fn, 'A', M, 'b', bv, threads);
  return { A: M, b: bv, o: { method: resolvedMethod, kind, rows, nnzPerColumn, seed, tolerance, maxIterations, threads, guarantee, backend } };
}

export function pow2AtLeast(n: number): number {
  let N = 1;
  while (N < n) N *= 2;
  return N;
}

function checkPositiveInt(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number') throw typeError(fn, arg, 'must be a number', value);
  if (!Number.isSafeInteger(value) || value < 1) throw rangeError(fn, arg, 'must be a positive integer', value);
  return value;
}

function checkInterval(fn: string, arg: string, value: unknown, hi: number): number {
  if (typeof value !== 'number') throw typeError(fn, arg, 'must be a number', value);
  if (!(value > 0 && value <= hi)) throw rangeError(fn, arg, `must be in (0, ${hi}]`, value);
  return value;
}

/** The `threads` option: 1..cores, default every core. */
export function checkThreads(fn: string, value: unknown): number {
  const cores = availableParallelism();
  if (value === undefined) return cores;
  const t = checkPositiveInt(fn, 'options.threads', value);
  if (t > cores) throw rangeError(fn, 'options.threads', `must be at most the ${cores} cores this process may use`, value);
  return t;
}

function checkSketchOptions(fn: string, value: unknown): LstsqSketchOptions {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw typeError(fn, 'options.sketch', 'must be an object', value);
  }
  for (const key of Object.keys(value)) {
    if (!(SKETCH_KEYS as readonly string[]).includes(key)) {
      throw typeError(fn, `options.sketch.${key}`, `is not a known option (known: ${SKETCH_KEYS.join(', ')})`, (value as Record<string, unknown>)[key]);
    }
  }
  return value as LstsqSketchOptions;
}
