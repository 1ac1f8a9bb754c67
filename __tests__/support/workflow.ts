// A tiny interpreter for the step lists in README.md's recipes, so that the end-to-end tests run
// them as written: `uses:` of this action is handed to a runner the test gives (dist/index.js
// against the stand-in), `run:` goes to bash as the runner runs it, `${{ … }}` and `if:` are
// evaluated for the few forms the recipes use, `continue-on-error` turns a failure into a success
// of the job. Anything else (a key, an action, an operator, a context it does not know) throws:
// a recipe that outgrows the interpreter fails its test instead of being half run.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseOutputFile } from '../../standin/run-action.js'

/** One step as YAML gives it. */
export type Step = Record<string, unknown>

/** What a step came to, as `steps.<id>` shows it. */
export interface StepRun {
  id: string | undefined
  outcome: 'success' | 'failure' | 'skipped'
  conclusion: 'success' | 'failure' | 'skipped'
  outputs: Record<string, string>
  /** What the step printed (a `run:` step's stdout and stderr; the action's stdout). */
  log: string
}

export interface JobRun {
  result: 'success' | 'failure'
  steps: StepRun[]
}

/** This action's `uses:` (a tag or a commit), the only action the interpreter runs. */
export const THIS_ACTION = /^your-org\/certcentral-email-action@(?:v1|[0-9a-f]{40})$/

/** Runs this action with the inputs as the runner passes them (`${{ … }}` already evaluated). */
export type ActionRunner = (
  inputs: Record<string, string>
) => Promise<{ code: number | null; outputs: Record<string, string>; stdout: string }>

/** The contexts a recipe may read besides `steps`: every value it reads must be given. */
export interface Contexts {
  secrets?: Record<string, string>
  vars?: Record<string, string>
  github?: Record<string, string>
  matrix?: Record<string, string>
  needs?: Record<string, { outputs: Record<string, string> }>
}

const STEP_KEYS = new Set(['id', 'name', 'uses', 'with', 'run', 'env', 'if', 'continue-on-error'])
const TOKEN =
  /\s*(?:(\(|\)|&&|\|\||==|!=|!)|'((?:[^']|'')*)'|(always|success|failure)\(\)|([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*))/y

type Token = { op: string } | { literal: string } | { status: string } | { path: string }
type Value = string | boolean

function tokenize(expression: string): Token[] {
  const tokens: Token[] = []
  TOKEN.lastIndex = 0
  while (TOKEN.lastIndex < expression.trimEnd().length) {
    const start = TOKEN.lastIndex
    const match = TOKEN.exec(expression)
    if (!match)
      throw new Error(
        `workflow: cannot read "${expression.slice(start).trimStart()}" in ${expression}`
      )
    const [, op, literal, status, path] = match
    if (op !== undefined) tokens.push({ op })
    else if (literal !== undefined) tokens.push({ literal: literal.replace(/''/g, "'") })
    else if (status !== undefined) tokens.push({ status })
    else tokens.push({ path: path as string })
  }
  return tokens
}

/** The value of a context path: steps, secrets, vars, github, matrix, needs. */
function lookup(path: string, steps: Map<string, StepRun>, contexts: Contexts): string {
  const [context, name, field, output] = path.split('.')
  if (context === 'steps' && name !== undefined) {
    const step = steps.get(name)
    if (!step) throw new Error(`workflow: ${path}: no step ${name} has run before`)
    if (field === 'outputs' && output !== undefined) return step.outputs[output] ?? ''
    if ((field === 'outcome' || field === 'conclusion') && output === undefined) return step[field]
  } else if (context === 'needs' && name !== undefined && field === 'outputs' && output) {
    const value = contexts.needs?.[name]?.outputs[output]
    if (value !== undefined) return value
  } else if (
    (context === 'secrets' || context === 'vars' || context === 'github' || context === 'matrix') &&
    name !== undefined &&
    field === undefined
  ) {
    const value = contexts[context]?.[name]
    if (value !== undefined) return value
  }
  throw new Error(`workflow: the test gives no value for ${path}`)
}

/** Evaluates an expression: ||, &&, ==, != (strings, case-insensitive), !, (), literals, paths. */
export function evaluate(
  expression: string,
  steps: Map<string, StepRun>,
  contexts: Contexts
): Value {
  const tokens = tokenize(expression)
  let at = 0
  const peek = (op: string) => {
    const token = tokens[at]
    return token !== undefined && 'op' in token && token.op === op
  }
  const truthy = (value: Value) => value !== '' && value !== false
  const primary = (): Value => {
    const token = tokens[at++]
    if (token === undefined) throw new Error(`workflow: ${expression} ends too soon`)
    if ('literal' in token) return token.literal
    if ('path' in token) return lookup(token.path, steps, contexts)
    if ('status' in token) {
      const failed = [...steps.values()].some(s => s.conclusion === 'failure')
      return token.status === 'always' || (token.status === 'failure') === failed
    }
    if (token.op === '!') return !truthy(primary())
    if (token.op === '(') {
      const value = or()
      if (!peek(')')) throw new Error(`workflow: ${expression}: a "(" is not closed`)
      at++
      return value
    }
    throw new Error(`workflow: ${expression}: unexpected "${token.op}"`)
  }
  const comparison = (): Value => {
    const left = primary()
    if (!peek('==') && !peek('!=')) return left
    const negate = peek('!=')
    at++
    const right = primary()
    if (typeof left !== 'string' || typeof right !== 'string')
      throw new Error(`workflow: ${expression}: compares something that is not a string`)
    return (left.toLowerCase() === right.toLowerCase()) !== negate
  }
  const and = (): Value => {
    let value = comparison()
    while (peek('&&') && ++at) value = truthy(value) ? comparison() : (comparison(), value)
    return value
  }
  const or = (): Value => {
    let value = and()
    while (peek('||') && ++at) value = truthy(value) ? (and(), value) : and()
    return value
  }
  const value = or()
  if (at !== tokens.length) throw new Error(`workflow: ${expression}: unexpected text after it`)
  return value
}

/** A string with every `${{ … }}` replaced by its value, as the runner does before a step runs. */
export function substitute(text: string, steps: Map<string, StepRun>, contexts: Contexts): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, expression: string) =>
    String(evaluate(expression, steps, contexts))
  )
}

/** Whether a step runs: its `if:` (with `success() &&` in front unless it names a status). */
function shouldRun(step: Step, steps: Map<string, StepRun>, contexts: Contexts): boolean {
  const condition = step.if === undefined ? '' : String(step.if).replace(/^\s*\$\{\{|\}\}\s*$/g, '')
  const withStatus = /\b(always|success|failure)\(\)/.test(condition)
    ? condition
    : `success()${condition ? ` && (${condition})` : ''}`
  const value = evaluate(withStatus, steps, contexts)
  return value !== '' && value !== false
}

function strings(value: unknown, what: string): Record<string, string> {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null) throw new Error(`workflow: ${what} is not a map`)
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]))
}

/**
 * A `run:` step under bash as the runner runs it (-e, pipefail), its outputs from GITHUB_OUTPUT; in
 * the workspace (its working directory and GITHUB_WORKSPACE) when the test gives one.
 */
function runScript(script: string, env: Record<string, string>, workspace?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'workflow-step-'))
  try {
    const output = join(dir, 'output')
    writeFileSync(output, '')
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        GITHUB_OUTPUT: output,
        ...(workspace === undefined ? {} : { GITHUB_WORKSPACE: workspace }),
        ...env
      },
      ...(workspace === undefined ? {} : { cwd: workspace }),
      encoding: 'utf8',
      timeout: 60_000
    })
    return {
      code: result.status,
      outputs: parseOutputFile(readFileSync(output, 'utf8')),
      log: `${result.stdout}${result.stderr}`
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Runs a job's steps in order and says how the job ends. `workspace`: where `run:` steps run (the
 * action's runner is the test's, and is told the same directory by the test).
 */
export async function runSteps(
  list: Step[],
  { action, contexts, workspace }: { action: ActionRunner; contexts: Contexts; workspace?: string }
): Promise<JobRun> {
  const steps = new Map<string, StepRun>()
  const runs: StepRun[] = []
  for (const [index, step] of list.entries()) {
    const unknown = Object.keys(step).filter(key => !STEP_KEYS.has(key))
    if (unknown.length) throw new Error(`workflow: step ${index}: cannot run ${unknown.join(', ')}`)
    const id = step.id === undefined ? undefined : String(step.id)
    const continueOnError = step['continue-on-error'] ?? false
    if (typeof continueOnError !== 'boolean')
      throw new Error(`workflow: step ${index}: continue-on-error is not a boolean`)
    let run: StepRun
    if (!shouldRun(step, steps, contexts)) {
      run = { id, outcome: 'skipped', conclusion: 'skipped', outputs: {}, log: '' }
    } else {
      const result = await runStep(step, { steps, contexts, action, workspace })
      const outcome = result.code === 0 ? 'success' : 'failure'
      const conclusion = continueOnError ? 'success' : outcome
      run = { id, outcome, conclusion, outputs: result.outputs, log: result.log }
    }
    runs.push(run)
    steps.set(id ?? `#${index}`, run)
  }
  const failed = runs.some(r => r.conclusion === 'failure')
  return { result: failed ? 'failure' : 'success', steps: runs }
}

async function runStep(
  step: Step,
  {
    steps,
    contexts,
    action,
    workspace
  }: {
    steps: Map<string, StepRun>
    contexts: Contexts
    action: ActionRunner
    workspace: string | undefined
  }
): Promise<{ code: number | null; outputs: Record<string, string>; log: string }> {
  const env = Object.fromEntries(
    Object.entries(strings(step.env, 'env')).map(([k, v]) => [k, substitute(v, steps, contexts)])
  )
  if (typeof step.run === 'string') {
    if (step.uses !== undefined || step.with !== undefined)
      throw new Error('workflow: a step with run: and uses: or with:')
    return runScript(substitute(step.run, steps, contexts), env, workspace)
  }
  if (typeof step.uses !== 'string' || !THIS_ACTION.test(step.uses))
    throw new Error(`workflow: cannot run uses: ${String(step.uses)}`)
  if (Object.keys(env).length) throw new Error('workflow: env: on this action is not interpreted')
  const inputs = Object.fromEntries(
    Object.entries(strings(step.with, 'with')).map(([k, v]) => [k, substitute(v, steps, contexts)])
  )
  const { code, outputs, stdout } = await action(inputs)
  return { code, outputs, log: stdout }
}
