// AbortSignal handling shared by the async forms: the argument check, and the stop flag a native
// worker on the libuv pool reads between its steps (native/addon/binding_args.h control_flag).
import { typeError } from './errors';

/** Checks options.signal of function `fn`: undefined or an AbortSignal (by brand, so any realm's). */
export function checkSignal(fn: string, signal: unknown): AbortSignal | undefined {
  if (signal !== undefined && Object.prototype.toString.call(signal) !== '[object AbortSignal]') throw typeError(fn, 'options.signal', 'must be an AbortSignal', signal);
  return signal as AbortSignal | undefined;
}

/**
 * Runs a native async call that takes a stop flag (control[0] = 1 on abort): the worker stops at its
 * next step and rejects with an Error named 'AbortError', which becomes the signal's reason here.
 */
export async function withStopFlag<T>(signal: AbortSignal | undefined, start: (control: Int32Array) => Promise<T>): Promise<T> {
  const control = new Int32Array(1);
  const abort = (): void => {
    Atomics.store(control, 0, 1);
  };
  signal?.addEventListener('abort', abort, { once: true });
  try {
    return await start(control);
  } catch (e) {
    if (signal?.aborted && (e as Error).name === 'AbortError') throw signal.reason;
    throw e;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}
