// The step's INPUT_ variables judged against action.yml's inputs (issue 22, point 8): a misspelled
// input (a near miss, or `_` for `-`) is an input problem before any request; any other INPUT_
// variable is one bounded warning naming the variables, never their values.
import { describe, expect, it } from 'vitest'
import { ACTION_INPUTS } from '../../../src/action-metadata.js'
import {
  MAX_NAMED_VARIABLES,
  inputVariableProblems,
  runnerVariable
} from '../../../src/input/input-names.js'
import { parsePlan } from '../../../src/input/plan.js'
import { nearest } from '../../../src/input/parse.js'
import {
  RUNNER_VARIABLES,
  inputErrorOf,
  noProxy,
  sendInputs as send
} from '../../support/inputs.js'

const declared = Object.keys(ACTION_INPUTS)
const judge = (...variables: string[]) => inputVariableProblems({ variables, declared })
const misspelled = (name: string, meant: string): string =>
  `\`${name}\` is not an input of this action; did you mean \`${meant}\`? (its value was ignored)`

describe('runnerVariable', () => {
  it.each([
    ['issued-within', 'INPUT_ISSUED-WITHIN'],
    ['api-key', 'INPUT_API-KEY'],
    ['emails', 'INPUT_EMAILS'],
    ['a b', 'INPUT_A_B'],
    ['a  b c', 'INPUT_A__B_C']
  ])('passes %j as %s', (name, variable) => {
    expect(runnerVariable(name)).toBe(variable)
  })
})

describe('inputVariableProblems', () => {
  it("accepts the runner's variable of every declared input, and names that are not INPUT_", () => {
    expect(
      judge(...declared.map(runnerVariable), 'PATH', 'DIGICERT_API_KEY', 'input_emails', 'INPUT')
    ).toEqual({ problems: [], warnings: [] })
  })

  it.each([
    ['INPUT_ISSUED-WHITHIN', 'issued-whithin', 'issued-within'],
    ['INPUT_MAX-RETRY', 'max-retry', 'max-retries'],
    ['INPUT_EMAIL', 'email', 'emails'],
    ['INPUT_CERTIFICATE_ID', 'certificate_id', 'certificate-id'],
    ['INPUT_MAX_RETRY', 'max_retry', 'max-retries'],
    ['INPUT_ISSUED_WITHIN', 'issued_within', 'issued-within'],
    ['INPUT_DRY-RUNS', 'dry-runs', 'dry-run'],
    ['INPUT_SEAL-SETTING', 'seal-setting', 'seal-settings'],
    ['INPUT_API_KEY', 'api_key', 'api-key'],
    ['INPUT_REGOIN', 'regoin', 'region'],
    ['INPUT_CERTIFICATE-FILES', 'certificate-files', 'certificate-file'],
    ['INPUT_WAIT-FOR-ISSUE', 'wait-for-issue', 'wait-for-issuance']
  ])('%s is a misspelled input: did you mean', (variable, name, meant) => {
    expect(judge(variable, 'INPUT_OPERATION')).toEqual({
      problems: [misspelled(name, meant)],
      warnings: []
    })
  })

  it.each([
    'INPUT_FOO',
    'INPUT_TOKEN',
    'INPUT_GITHUB-TOKEN',
    'INPUT_GITHUB_TOKEN',
    'INPUT_PATH',
    'INPUT_VERSION',
    'INPUT_NODE-VERSION',
    'INPUT_NAME',
    'INPUT_KEY',
    'INPUT_URL',
    'INPUT_ID',
    'INPUT_ARGS',
    'INPUT_',
    'INPUT_X'
  ])('%s is unlike any input: a warning, not a problem', variable => {
    const { problems, warnings } = judge(variable)
    expect(problems).toEqual([])
    expect(warnings).toEqual([
      `environment variables that are not inputs of this action were ignored: \`${variable}\` (a key under with: that is no input, or set by the workflow's env: or an enclosing action)`
    ])
  })

  it('names a variable that differs from an input only in case: the runner never passes it', () => {
    expect(judge('INPUT_issued-within', 'INPUT_Emails')).toEqual({
      problems: [
        '`INPUT_issued-within` is not how the runner passes `issued-within` (INPUT_ISSUED-WITHIN); give it under with: (its value was ignored)',
        '`INPUT_Emails` is not how the runner passes `emails` (INPUT_EMAILS); give it under with: (its value was ignored)'
      ],
      warnings: []
    })
  })

  it('lists every problem, then one warning naming all the other variables, in their order', () => {
    expect(judge('INPUT_B', 'INPUT_EMAIL', 'INPUT_A', 'INPUT_MAX-RETRY')).toEqual({
      problems: [misspelled('email', 'emails'), misspelled('max-retry', 'max-retries')],
      warnings: [
        "environment variables that are not inputs of this action were ignored: `INPUT_B`, `INPUT_A` (a key under with: that is no input, or set by the workflow's env: or an enclosing action)"
      ]
    })
  })

  it(`names at most ${MAX_NAMED_VARIABLES} variables in the warning, and counts the rest`, () => {
    expect(MAX_NAMED_VARIABLES).toBe(10)
    const names = (n: number) => Array.from({ length: n }, (_, i) => `INPUT_ZZ${i}`)
    const warning = (n: number) => judge(...names(n)).warnings[0] as string
    expect(warning(10)).toContain('`INPUT_ZZ9` (a key')
    expect(warning(10)).not.toContain('more')
    expect(warning(11)).toContain('`INPUT_ZZ9` and 1 more (a key')
    expect(warning(11)).not.toContain('INPUT_ZZ10')
    expect(warning(25)).toContain(' and 15 more (')
  })

  it(`lists at most ${MAX_NAMED_VARIABLES} misspelled inputs, and counts the rest`, () => {
    const typos = (n: number) => Array.from({ length: n }, (_, i) => `INPUT_EMAILS${i}`)
    expect(judge(...typos(10)).problems).toHaveLength(10)
    const { problems } = judge(...typos(12))
    expect(problems).toHaveLength(11)
    expect(problems[9]).toContain('emails9')
    expect(problems[10]).toBe('and 2 more names like these')
  })

  it('never shows a value, and quotes a name that is not plain or is long', () => {
    const long = `INPUT_${'Z'.repeat(70)}`
    const { warnings } = judge('INPUT_A\nB', long, 'INPUT_\u202eX')
    expect(warnings[0]).toContain('"INPUT_A\\nB"')
    expect(warnings[0]).toContain('"INPUT_\\u202eX"')
    expect(warnings[0]).toContain(`"INPUT_${'Z'.repeat(70)}"`.slice(0, 77))
    expect(warnings[0]).not.toMatch(/[\n\u202e]/)
    expect(judge(`INPUT_${'Z'.repeat(54)}`).warnings[0]).toContain(`\`INPUT_${'Z'.repeat(54)}\``)
  })
})

describe('nearest', () => {
  it.each([
    ['issued-whithin', 'issued-within'],
    ['max-retry', 'max-retries'],
    ['email', 'emails'],
    ['certificate-id', 'certificate-id'],
    ['  EMAIL ', 'emails']
  ])('takes %j for %j', (value, choice) => {
    expect(nearest(value, declared)).toBe(choice)
  })

  it.each(['', ' ', 'foo', 'token', 'github-token', 'e'])('takes nothing for %j', value => {
    expect(nearest(value, declared)).toBeUndefined()
  })
})

describe('parsePlan with INPUT_ variables', () => {
  it('reports a misspelled input with the other problems, before any request', () => {
    const env = { ...noProxy, inputVariables: [...RUNNER_VARIABLES, 'INPUT_ISSUED-WHITHIN'] }
    expect(inputErrorOf(() => parsePlan({ ...send, format: 'pdf' }, env)).problems).toEqual([
      'format: "pdf" is not one of attachment, plaintext, downloadlink',
      misspelled('issued-whithin', 'issued-within')
    ])
  })

  it('warns of a variable unlike any input, and plans the send', () => {
    const env = { ...noProxy, inputVariables: ['INPUT_FOO', ...RUNNER_VARIABLES] }
    const plan = parsePlan(send, env)
    expect(plan.ids).toEqual(['123'])
    expect(plan.warnings).toEqual([
      "environment variables that are not inputs of this action were ignored: `INPUT_FOO` (a key under with: that is no input, or set by the workflow's env: or an enclosing action)"
    ])
  })

  it("accepts the runner's variables for every input", () => {
    expect(parsePlan(send, noProxy).warnings).toEqual([])
  })
})
