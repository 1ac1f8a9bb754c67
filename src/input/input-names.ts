// The step's INPUT_ variables judged against action.yml's inputs: a misspelled `with:` key is an
// input problem, any other INPUT_ variable one warning. Pure: read.ts collects the names, and
// parsePlan (plan.ts) reports what this module finds with the other problems.
import { nearest, quote } from './parse.js'

/** The variable the runner passes a `with:` key in: spaces as `_`, upper case, hyphens kept. */
export function runnerVariable(input: string): string {
  return `INPUT_${input.replace(/ /g, '_').toUpperCase()}`
}

/** How many names a problem list or a warning about INPUT_ variables shows at most. */
export const MAX_NAMED_VARIABLES = 10

/** A name as a message shows it: in backticks when plain and short, else quoted and escaped. */
function shownName(name: string): string {
  return /^[\w.-]{1,60}$/.test(name) ? `\`${name}\`` : quote(name)
}

/**
 * The step's INPUT_ variables judged against action.yml's inputs (`declared`). The runner passes
 * every `with:` key as one, so a variable that is not a declared input's but is close to one (a
 * declared name with `_` for `-`, or a near miss: didYouMean's rule) is a misspelled input, whose
 * value would be ignored: a problem. Any other is one warning naming them (never their values): a
 * workflow's own `env:` or an enclosing composite action may set such variables.
 */
export function inputVariableProblems({
  variables,
  declared
}: {
  variables: readonly string[]
  declared: readonly string[]
}): { problems: string[]; warnings: string[] } {
  const known = new Set(declared.map(runnerVariable))
  const problems: string[] = []
  const others: string[] = []
  for (const variable of variables) {
    if (known.has(variable) || !variable.startsWith('INPUT_')) continue
    const name = variable.slice('INPUT_'.length).toLowerCase()
    const meant = declared.includes(name) ? name : nearest(name.replace(/_/g, '-'), declared)
    if (meant === undefined) others.push(variable)
    else if (meant === name)
      problems.push(
        `${shownName(variable)} is not how the runner passes ${shownName(name)} (${runnerVariable(name)}); give it under with: (its value was ignored)`
      )
    else
      problems.push(
        `${shownName(name)} is not an input of this action; did you mean ${shownName(meant)}? (its value was ignored)`
      )
  }
  const more = (count: number): string => (count > 0 ? ` and ${count} more` : '')
  const listed = others.slice(0, MAX_NAMED_VARIABLES).map(shownName).join(', ')
  return {
    problems: [
      ...problems.slice(0, MAX_NAMED_VARIABLES),
      ...(problems.length > MAX_NAMED_VARIABLES
        ? [`and ${problems.length - MAX_NAMED_VARIABLES} more names like these`]
        : [])
    ],
    warnings: others.length
      ? [
          `environment variables that are not inputs of this action were ignored: ${listed}${more(others.length - MAX_NAMED_VARIABLES)} (a key under with: that is no input, or set by the workflow's env: or an enclosing action)`
        ]
      : []
  }
}
