// Which backend and ISA run a call: the loaded addon (if any), SKETCHMAX_ISA at load, setIsa() at
// run time, and each call's `backend` option.
import { typeError } from './errors';
import { loadNative, type NativeBinding } from './native';
import type { Backend, Info, IsaName } from './types';

const ISAS: readonly IsaName[] = ['avx512', 'avx2', 'scalar'];

const loaded = loadNative();
const binding: NativeBinding | null = loaded.binding;
let requestedIsa: string | undefined;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const version: string = (require('../package.json') as { version: string }).version;

/** Selects `isa` on the addon, falling back (with a warning) to the best ISA the CPU runs. */
function applyIsa(isa: string, source: string): IsaName | null {
  requestedIsa = isa;
  if (!binding) return null;
  const known = (ISAS as readonly string[]).includes(isa);
  const effective = binding.setIsa(known ? isa : binding.bestIsa());
  if (!known) {
    process.emitWarning(`${source}: unknown ISA '${isa}' (known: ${ISAS.join(', ')}); using '${effective}'`, { code: 'SKETCHMAX_ISA' });
  } else if (effective !== isa) {
    process.emitWarning(`${source}: this CPU cannot run '${isa}'; using '${effective}'`, { code: 'SKETCHMAX_ISA' });
  }
  return effective;
}

if (process.env.SKETCHMAX_ISA !== undefined && process.env.SKETCHMAX_ISA !== '') {
  applyIsa(process.env.SKETCHMAX_ISA, 'SKETCHMAX_ISA');
}

/** Which backend runs, which ISA, and why the addon is not in use when it is not. */
export function info(): Info {
  const result: Info = { version, backend: binding ? 'native' : 'js', isa: binding ? binding.isa() : null };
  if (requestedIsa !== undefined) result.requestedIsa = requestedIsa;
  if (loaded.loadError !== undefined) result.loadError = loaded.loadError;
  return result;
}

/**
 * Chooses the ISA whose kernels the addon calls (for tests and benchmarks). A request the CPU
 * cannot run, or an unknown name, selects the best ISA available, with a process warning.
 * @returns the ISA now in effect, or `null` when the addon is not loaded.
 */
export function setIsa(isa: IsaName): IsaName | null {
  if (typeof isa !== 'string') throw typeError('setIsa', 'isa', `must be one of ${ISAS.map((s) => `'${s}'`).join(', ')}`, isa);
  return applyIsa(isa, 'sketchmax.setIsa');
}

/** The loaded addon, or null (internal helpers that may use it whatever the call's backend). */
export function nativeBinding(): NativeBinding | null {
  return binding;
}

/** The addon to use for a call with option `backend`, or null for the TypeScript path. */
export function resolveBackend(fn: string, backend: Backend): NativeBinding | null {
  if (backend === 'js') return null;
  if (backend === 'native' && !binding) {
    throw new Error(`sketchmax.${fn}: backend 'native' is unavailable: ${loaded.loadError}`);
  }
  return binding;
}
