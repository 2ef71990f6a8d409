/** The array types softmax accepts; the result has the input's type. */
export type FloatArray = Float32Array | Float64Array;

/** Which implementation runs a call: the C++ addon, the TypeScript fallback, or the best available. */
export type Backend = 'auto' | 'native' | 'js';

/** Instruction sets the addon has kernels for. */
export type IsaName = 'avx512' | 'avx2' | 'scalar';

/** What {@link info} reports about the running library. */
export interface Info {
  /** The package version. */
  version: string;
  /** `'native'` when the addon is loaded, else `'js'` (the TypeScript fallback runs everything). */
  backend: 'native' | 'js';
  /** The ISA whose kernels the addon calls; `null` on the `'js'` backend. */
  isa: IsaName | null;
  /** The last ISA asked for (by `SKETCHMAX_ISA` or {@link setIsa}), when one was asked for. */
  requestedIsa?: string;
  /** Why the addon is not in use, when it is not. */
  loadError?: string;
}
