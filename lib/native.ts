// Loading the C++ addon. Any failure (no build, --ignore-scripts, another platform, an old Node-API,
// SKETCHMAX_BACKEND=js) leaves `binding` null and says why in `loadError`; nothing here throws.
import * as path from 'node:path';

import type { IsaName } from './types';

/** The addon's raw interface (native/addon/*.cc). Arguments are validated in TS before a call. */
export interface NativeBinding {
  isa(): IsaName;
  bestIsa(): IsaName;
  setIsa(isa: string): IsaName;
  softmax<T extends Float32Array | Float64Array>(x: T, out: T, rows: number, algorithm: number, log: boolean): T;
  softmaxAsync<T extends Float32Array | Float64Array>(x: T, out: T, rows: number, algorithm: number, log: boolean): Promise<T>;
  /** Input + output bytes of a row from which 'auto' runs two-pass on the ISA in effect (Infinity: never). */
  softmaxTwoPassMinBytes(): number;
  /** S·[A | b] (internal; see native/addon/sketch_binding.cc for the argument layout). */
  sketchApply(A: Float64Array, n: number, d: number, b: Float64Array | null, kind: number, m: number, k0: number, k1: number, nnz: number): Float64Array;
  /** Adds S[:, row0 : row0 + n]·[A | b] into out (native/addon/sketch_binding.cc). */
  sketchAccumulate(A: Float64Array, n: number, d: number, b: Float64Array | null, kind: number, m: number, k0: number, k1: number, nnz: number, row0: number, out: Float64Array, threads: number): void;
  sketchAccumulateAsync(A: Float64Array, n: number, d: number, b: Float64Array | null, kind: number, m: number, k0: number, k1: number, nnz: number, row0: number, out: Float64Array, threads: number): Promise<void>;
  /** Index of the first NaN or ±inf in a, or -1 (a threaded native scan). */
  firstNonFinite(a: Float64Array, threads: number): number;
  /** The native solver on resolved options (native/addon/lstsq_binding.cc). */
  lstsq(A: Float64Array, n: number, d: number, b: Float64Array, method: number, kind: number, m: number, k0: number, k1: number, nnz: number, tolerance: number, maxIterations: number, threads: number, rowScale?: Float64Array | null): NativeLstsqResult;
  lstsqAsync(A: Float64Array, n: number, d: number, b: Float64Array, method: number, kind: number, m: number, k0: number, k1: number, nnz: number, tolerance: number, maxIterations: number, threads: number, onProgress: ((p: { pass: number; iteration: number; estimate: number }) => void) | null, control: Int32Array, rowScale?: Float64Array | null): Promise<NativeLstsqResult>;
  /** Leverage scores of diag(scale)·A and the rank (native/addon/sampling_binding.cc): method 0 exact, 1 approximate. */
  leverageScores(A: Float64Array, n: number, d: number, scale: Float64Array | null, method: number, k0: number, k1: number, sketchRows: number, jlColumns: number, nnzPerColumn: number, threads: number, b?: Float64Array | null): { tau: Float64Array; rank: number };
  leverageScoresAsync(A: Float64Array, n: number, d: number, scale: Float64Array | null, method: number, k0: number, k1: number, sketchRows: number, jlColumns: number, nnzPerColumn: number, threads: number, b?: Float64Array | null): Promise<{ tau: Float64Array; rank: number }>;
  /** The Lewis iteration of lib/sampling/lewis.ts in C++ (native/sampling/lewis.cc) on A or [A | b]. */
  lewisWeights(A: Float64Array, n: number, d: number, b: Float64Array | null, p: number, tolerance: number, maxIterations: number, threads: number): NativeLewisResult;
  /** The same on the libuv pool; control[0] = 1 stops it before the next leverage computation (AbortError). */
  lewisWeightsAsync(A: Float64Array, n: number, d: number, b: Float64Array | null, p: number, tolerance: number, maxIterations: number, threads: number, control: Int32Array): Promise<NativeLewisResult>;
  /** The bench's memory floor: one streaming read of x and one out-of-place pass out = c * x. */
  benchFloorPass<T extends Float32Array | Float64Array>(x: T, out: T, rows: number, algorithm: number, log: boolean): void;
}

export interface NativeLstsqResult {
  x: Float64Array;
  residualNorm: number;
  iterations: number;
  method: 'qr' | 'sketch-and-solve' | 'sketch-precondition';
  sketchRows: number;
  rank: number;
  converged: boolean;
}

export interface NativeLewisResult {
  weights: Float64Array;
  iterations: number;
  residual: number;
  converged: boolean;
  rank: number;
}

export interface LoadResult {
  binding: NativeBinding | null;
  loadError?: string;
}

/** Where the addon is looked for: SKETCHMAX_ADDON_PATH, else node-gyp's Release then Debug build. */
function candidates(): string[] {
  const root = path.join(__dirname, '..');
  const fromEnv = process.env.SKETCHMAX_ADDON_PATH;
  if (fromEnv) return [path.resolve(fromEnv)];
  return [path.join(root, 'build', 'Release', 'sketchmax.node'), path.join(root, 'build', 'Debug', 'sketchmax.node')];
}

export function loadNative(): LoadResult {
  if (process.env.SKETCHMAX_BACKEND === 'js') {
    return { binding: null, loadError: 'the native backend is disabled by SKETCHMAX_BACKEND=js' };
  }
  const napi = Number(process.versions.napi);
  if (!(napi >= 8)) {
    return { binding: null, loadError: `this Node.js has Node-API ${process.versions.napi ?? 'unknown'}; the addon needs 8 or later` };
  }
  const errors: string[] = [];
  for (const file of candidates()) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return { binding: require(file) as NativeBinding };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      errors.push(err.code === 'MODULE_NOT_FOUND' ? `${file} does not exist` : `${file}: ${err.message}`);
    }
  }
  return {
    binding: null,
    loadError:
      `the sketchmax addon could not be loaded (${errors.join('; ')}). ` +
      'Build it with `npm rebuild sketchmax` (needs python3, make and a C++17 compiler); ' +
      'until then every function runs on the TypeScript backend.',
  };
}
