// Unit tests of src/report/dry-run-log.ts: the dry run's log lines in full, and that only a dry
// run's report has them.
import { describe, expect, it } from 'vitest'
import { buildReport } from '../../../src/report/report.js'
import { dryRunLog, type DryRunPlan } from '../../../src/report/dry-run-log.js'
import { BASE, context, outcomeOf, requests, safe, sent, validated } from '../../support/report.js'

describe('dryRunLog: the log lines in full', () => {
  it('says what is validated, the headers, the body, and each request chain', () => {
    expect(
      dryRunLog({
        idInput: 'order-id',
        planned: {
          requests: requests(
            [
              '1',
              [
                ['GET', `${BASE}/order/certificate/1`],
                ['PUT', `${BASE}/certificate/{certificate.id}/sendemail`]
              ]
            ],
            ['2', [['GET', `${BASE}/order/certificate/2`]]]
          ),
          body: { emails: ['ops@example.com'] }
        }
      })
    ).toEqual({
      lines: [
        'dry-run: nothing is sent; 2 order ID(s) validated',
        'each request carries X-DC-DEVKEY (the API key, not shown) and Accept: application/json',
        'each call sends Content-Type: application/json and this body:\n{\n  "emails": [\n    "ops@example.com"\n  ]\n}'
      ],
      group: {
        title: 'the requests that would be made (2)',
        lines: [
          `GET ${BASE}/order/certificate/1 → then PUT ${BASE}/certificate/{certificate.id}/sendemail`,
          `GET ${BASE}/order/certificate/2`
        ]
      }
    })
  })

  it('says so when the calls carry no body', () => {
    expect(
      dryRunLog({ idInput: 'certificate-id', planned: { requests: [], body: undefined } })
    ).toEqual({
      lines: [
        'dry-run: nothing is sent; 0 certificate ID(s) validated',
        'each request carries X-DC-DEVKEY (the API key, not shown) and Accept: application/json',
        'each call is sent without a body'
      ],
      group: { title: 'the requests that would be made (0)', lines: [] }
    })
  })

  it('is part of the report of a dry run only', () => {
    const planned: DryRunPlan = {
      requests: requests(['114', [['POST', `${BASE}/order/certificate/114/x`]]]),
      body: undefined
    }
    const outcome = outcomeOf([validated('114')])
    const over = { operation: 'email-site-seal', idInput: 'order-id', dryRun: true } as const
    expect(
      buildReport({ context: context(over), outcome, planned, sanitizer: safe }).dryRunLog
    ).toEqual(dryRunLog({ idInput: 'order-id', planned }))
    expect(
      buildReport({ context: context(), outcome: outcomeOf([sent('1')]), sanitizer: safe })
        .dryRunLog
    ).toBeUndefined()
  })
})
