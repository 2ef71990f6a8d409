// The public lstsq / lstsqAsync: argument checks (lstsq_options.ts), then the native solver
// (native/linalg/lstsq.cc) or the TypeScript one (lstsq_js.ts), which share methods, defaults and
// fallbacks and agree to rounding.
import { checkSignal, withStopFlag } from '../abort';
import { resolveBackend } from '../backend';
import { typeError } from '../errors';
import type { NativeBinding } from '../native';
import { seedToKey } from '../random/philox';
import type { Matrix } from '../sketch/matrix';
import { float64Data, KIND_CODE } from '../sketch/sketch';
import { solveLstsqJs } from './lstsq_js';
import { resolveLstsq, type LstsqAsyncOptions, type LstsqOptions, type LstsqResult, type ResolvedLstsq } from './lstsq_options';

const METHOD_CODE = { qr: 0, 'sketch-and-solve': 1, 'sketch-precondition': 2 } as const;

function nativeArgs(A: Matrix, b: Float64Array | Float32Array, o: ResolvedLstsq) {
  const key = seedToKey('lstsq', o.seed);
  return [float64Data(A.data), A.rows, A.cols, float64Data(b), METHOD_CODE[o.method], KIND_CODE[o.kind], o.rows, key[0], key[1], o.nnzPerColumn, o.tolerance, o.maxIterations, o.threads] as const;
}

/**
 * min ‖A·x − b‖₂ for a tall A (rows ≥ cols). See {@link LstsqOptions} for the methods and their
 * defaults; the result reports the method that ran, the numerical rank and LSQR's convergence.
 * @throws TypeError / RangeError naming the argument for bad input (A and b are never modified).
 */
export function lstsq(A: Matrix, b: Float64Array | Float32Array, options?: LstsqOptions): LstsqResult {
  const { A: M, b: bv, o } = resolveLstsq('lstsq', A, b, options);
  const native = resolveBackend('lstsq', o.backend);
  if (native) return native.lstsq(...nativeArgs(M, bv, o));
  return solveLstsqJs(M, bv, o);
}

/**
 * {@link lstsq} off the main thread (native backend: the libuv pool), with progress reports and
 * cancellation. Bad input rejects the promise. Do not transfer or write A or b while it is pending.
 * An abort takes effect at the next LSQR iteration (a sketch or QR in progress finishes first).
 * On the TypeScript backend the solve runs on the main thread after one turn of the event loop
 * (there is no thread to move it to); onProgress then reports each iteration as it happens.
 */
export async function lstsqAsync(A: Matrix, b: Float64Array | Float32Array, options?: LstsqAsyncOptions): Promise<LstsqResult> {
  const fn = 'lstsqAsync';
  const { A: M, b: bv, o } = resolveLstsq(fn, A, b, options, ['onProgress', 'signal']);
  const onProgress = options?.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') throw typeError(fn, 'options.onProgress', 'must be a function', onProgress);
  const signal = options?.signal;
  checkSignal(fn, signal);
  const native = resolveBackend(fn, o.backend);
  signal?.throwIfAborted();
  const report = onProgress ? quiet(onProgress) : null;
  if (!native) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
    return solveLstsqJs(M, bv, o, report ?? undefined);
  }
  return solveNativeAsync(native, M, bv, o, report, signal);
}

function solveNativeAsync(native: NativeBinding, A: Matrix, b: Float64Array | Float32Array, o: ResolvedLstsq, report: LstsqAsyncOptions['onProgress'] | null, signal: AbortSignal | undefined): Promise<LstsqResult> {
  return withStopFlag(signal, (control) => native.lstsqAsync(...nativeArgs(A, b, o), report ?? null, control));
}

/** A progress callback whose exceptions are swallowed (they must not break the solve). */
function quiet(f: NonNullable<LstsqAsyncOptions['onProgress']>): NonNullable<LstsqAsyncOptions['onProgress']> {
  return (p) => {
    try {
      f(p);
    } catch {
      // ignored, as documented
    }
  };
}
