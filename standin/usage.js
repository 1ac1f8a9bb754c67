// The stand-in's command-line mistakes: the error it prints as one line (exit code 2), and the
// whole-number check its options and fault arguments share.

/** A mistake on the command line: printed as one line, exit code 2. */
export class UsageError extends Error {}

/**
 * @param {string} what
 * @param {string | undefined} arg
 * @param {number} min
 * @param {number} max
 */
export function integerArg(what, arg, min, max) {
  const n = Number(arg)
  if (!/^\d+$/.test(arg ?? '') || n < min || n > max)
    throw new UsageError(`${what}: expected a whole number from ${min} to ${max}, not "${arg}"`)
  return n
}
