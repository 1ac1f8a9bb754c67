// @actions/core wrapped, not replaced, for unit tests (vi.mock's factory): every call goes through
// to the real toolkit and is recorded, so the order of calls can be checked; `failing` makes the
// next calls of a function throw (setOutput: as an outputs file that is gone would).

/** One call of a toolkit function, with its arguments. */
export interface CoreCall {
  name: string
  args: unknown[]
}

/** `actual` with each function recording its calls in `calls`, and throwing while `failing` says. */
export function recordingCore<T extends object>(
  actual: T,
  calls: CoreCall[],
  failing: Record<string, number> = {}
): T {
  const wrapped: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(actual)) {
    wrapped[name] =
      typeof value === 'function'
        ? (...args: unknown[]): unknown => {
            calls.push({ name, args })
            if ((failing[name] ?? 0) > 0) {
              failing[name]--
              throw new Error(name === 'setOutput' ? 'the outputs file is gone' : `${name} broke`)
            }
            return (value as (...a: unknown[]) => unknown)(...args)
          }
        : value
  }
  return wrapped as T
}
