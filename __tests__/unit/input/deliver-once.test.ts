// deliver-once as parsePlan reads it: a boolean like dry-run, false by default, for both
// operations and every ID input, its problem listed with the others in action.yml's order.
import { describe, expect, it } from 'vitest'
import { ACTION_INPUTS } from '../../../src/action-metadata.js'
import { parsePlan, withDefaults, type RawInputs } from '../../../src/input/plan.js'
import { inputErrorOf, noProxy, sealInputs, sendInputs } from '../../support/inputs.js'

const plan = (inputs: RawInputs) => parsePlan(inputs, noProxy)

describe('deliver-once', () => {
  it('is false by default (action.yml)', () => {
    expect(ACTION_INPUTS['deliver-once'].default).toBe('false')
    expect(plan(withDefaults({ ...sendInputs, 'deliver-once': '' })).deliverOnce).toBe(false)
  })

  it.each([
    ['true', true],
    ['TRUE', true],
    [' True ', true],
    ['false', false],
    ['False', false]
  ])('reads %j', (value, expected) => {
    expect(plan({ ...sendInputs, 'deliver-once': value }).deliverOnce).toBe(expected)
    expect(plan({ ...sealInputs, 'deliver-once': value }).deliverOnce).toBe(expected)
  })

  it('goes with every ID input, a dry run and a common name without issued-within', () => {
    const byName = { ...sendInputs, 'certificate-id': '', 'common-name': 'shop.example.com' }
    expect(plan({ ...byName, 'deliver-once': 'true', 'dry-run': 'true' })).toMatchObject({
      deliverOnce: true,
      dryRun: true,
      idInput: 'common-name',
      issuedWithinSeconds: undefined
    })
  })

  it.each(['yes', '1', 'on', 'once'])('rejects %j with the other problems, in order', value => {
    const problems = inputErrorOf(() =>
      plan({ ...sendInputs, 'deliver-once': value, 'dry-run': 'no' })
    ).problems
    expect(problems).toEqual([
      'dry-run: "no" must be true or false',
      `deliver-once: ${JSON.stringify(value)} must be true or false`
    ])
  })
})
