// Argument errors in one format: `sketchmax.<fn>: <argument> <what is wrong> (got <value>)`.

/** A short, safe description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (Array.isArray(value)) return `an Array of length ${value.length}`;
  const name = Object.prototype.toString.call(value).slice(8, -1);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return `a ${name} of length ${(value as unknown as { length: number }).length}`;
  }
  return name === 'Object' ? 'an object' : `a ${name}`;
}

export function typeError(fn: string, arg: string, what: string, got: unknown): TypeError {
  return new TypeError(`sketchmax.${fn}: ${arg} ${what} (got ${describe(got)})`);
}

export function rangeError(fn: string, arg: string, what: string, got: unknown): RangeError {
  return new RangeError(`sketchmax.${fn}: ${arg} ${what} (got ${describe(got)})`);
}
