// Matchers for the library's argument errors. jest runs tests in a separate realm, so never
// `toThrow(TypeError)`: compare `name` and `message` instead.

/** `sketchmax.<fn>: <arg> <what is wrong> (got <value>)` with the argument named exactly. */
export function argMessage(fn: string, arg: string): RegExp {
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^sketchmax\\.${esc(fn)}: ${esc(arg)} \\S.* \\(got .+\\)$`);
}

function summary(e: unknown): { name: unknown; message: unknown; code?: unknown } {
  if (e === null || typeof e !== 'object') return { name: typeof e, message: String(e) };
  const err = e as { name?: unknown; message?: unknown; code?: unknown };
  const s: { name: unknown; message: unknown; code?: unknown } = { name: err.name, message: err.message };
  if (err.code !== undefined) s.code = err.code;
  return s;
}

/** fn() throws an error with this name whose message matches. Returns the error. */
export function expectError(fn: () => unknown, name: string, message: RegExp): unknown {
  let thrown = false;
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    thrown = true;
    caught = e;
  }
  if (!thrown) throw new Error(`expected a ${name} matching ${message}, but nothing was thrown`);
  expect(summary(caught)).toMatchObject({ name, message: expect.stringMatching(message) });
  return caught;
}

/**
 * The async form rejects (and does not throw synchronously) with an error of this name whose
 * message matches.
 */
export async function expectRejection(fn: () => Promise<unknown>, name: string, message: RegExp): Promise<unknown> {
  let p: Promise<unknown> | undefined;
  expect(() => {
    p = fn();
  }).not.toThrow();
  let rejected = false;
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    rejected = true;
    caught = e;
  }
  if (!rejected) throw new Error(`expected a rejection with a ${name} matching ${message}, but the promise resolved`);
  expect(summary(caught)).toMatchObject({ name, message: expect.stringMatching(message) });
  return caught;
}
