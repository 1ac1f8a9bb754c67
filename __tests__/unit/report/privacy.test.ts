// Unit tests of src/report/privacy.ts: what the summary, the dry-run listing and the debug log show of the
// recipients and the custom message (summary-details and the repository's visibility), asserted on
// the value buildReport returns and on each pure function directly.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Detail } from '../../../src/operations.js'
import { buildReport } from '../../../src/report/report.js'
import type { ReportContext } from '../../../src/report/context.js'
import {
  countedText,
  countsNote,
  detailsShown,
  Placeholder,
  shownBody,
  shownDetails,
  shownJson
} from '../../../src/report/privacy.js'
import {
  givenSummaryDetails,
  repositoryVisibility,
  SUMMARY_DETAILS
} from '../../../src/input/summary-details.js'
import { BASE, context, outcomeOf, safe, sent, validated } from '../../support/report.js'

const MESSAGE = 'Renewed: install by Friday.\nCall 555-0100.'
const details: Detail[] = [
  [
    'Recipients',
    'ops@example.com, pki@Example.ORG, web@example.com',
    { recipients: ['ops@example.com', 'pki@Example.ORG', 'web@example.com'] }
  ],
  ['Format', 'attachment'],
  ['Message', MESSAGE, { message: MESSAGE }]
]
const body = {
  emails: ['ops@example.com', 'pki@Example.ORG', 'web@example.com'],
  certificate_collect_format: 'attachment',
  custom_message: MESSAGE
}
const summaryOf = (over: Partial<ReportContext>): string =>
  buildReport({
    context: context({ details, ...over }),
    outcome: outcomeOf([sent('71')]),
    sanitizer: safe
  }).summary as string

describe('repositoryVisibility', () => {
  it.each([
    [{ repository: { private: false } }, 'public'],
    [{ repository: { visibility: 'public' } }, 'public'],
    [{ repository: { private: true, visibility: 'public' } }, 'public'],
    [{ repository: { private: false, visibility: 'private' } }, 'public'],
    [{ repository: { private: true } }, 'private'],
    [{ repository: { visibility: 'private' } }, 'private'],
    [{ repository: { visibility: 'internal' } }, 'private'],
    [{ repository: { private: true, visibility: 'internal' } }, 'private'],
    [{ repository: { private: 'false', visibility: 'PUBLIC' } }, 'unknown'],
    [{ repository: {} }, 'unknown'],
    [{ repository: null }, 'unknown'],
    [{ repository: 'acme/certs' }, 'unknown'],
    [{}, 'unknown'],
    [null, 'unknown'],
    [undefined, 'unknown'],
    ['text', 'unknown'],
    [[], 'unknown']
  ])('%j is %s', (payload, visibility) => {
    expect(repositoryVisibility(payload)).toBe(visibility)
  })
})

describe('detailsShown', () => {
  it('auto shows everything in a private repository only: unknown is public', () => {
    expect(SUMMARY_DETAILS).toEqual(['auto', 'full', 'counts'])
    expect(detailsShown({ summaryDetails: 'auto', visibility: 'private' })).toBe('full')
    expect(detailsShown({ summaryDetails: 'auto', visibility: 'public' })).toBe('counts')
    expect(detailsShown({ summaryDetails: 'auto', visibility: 'unknown' })).toBe('counts')
  })

  it('full and counts hold whatever the visibility', () => {
    for (const visibility of ['public', 'private', 'unknown'] as const) {
      expect(detailsShown({ summaryDetails: 'full', visibility })).toBe('full')
      expect(detailsShown({ summaryDetails: 'counts', visibility })).toBe('counts')
    }
  })
})

describe('givenSummaryDetails: summary-details before the plan is read', () => {
  it.each([
    ['auto', 'auto'],
    ['full', 'full'],
    ['counts', 'counts'],
    [' Full ', 'full'],
    ['COUNTS', 'counts'],
    ['fulll', 'counts'],
    ['', 'counts'],
    ['full, counts', 'counts'],
    ['none', 'counts']
  ])('%j is %s: a value that is not one counts as counts, the safe side', (given, details) => {
    expect(givenSummaryDetails(given)).toBe(details)
  })
})

describe('countsNote', () => {
  it('says why, or nothing when everything is shown', () => {
    expect(countsNote({ summaryDetails: 'auto', visibility: 'private' })).toBeUndefined()
    expect(countsNote({ summaryDetails: 'full', visibility: 'public' })).toBeUndefined()
    expect(countsNote({ summaryDetails: 'auto', visibility: 'public' })).toBe(
      'Recipients and the message are shown by count: the repository is public (summary-details: full shows them).'
    )
    expect(countsNote({ summaryDetails: 'auto', visibility: 'unknown' })).toBe(
      'Recipients and the message are shown by count: the event file does not say whether the repository is public (summary-details: full shows them).'
    )
    expect(countsNote({ summaryDetails: 'counts', visibility: 'private' })).toBe(
      'Recipients and the message are shown by count: summary-details is counts (summary-details: full shows them).'
    )
  })
})

describe('countedText', () => {
  it('counts recipients and names their domains once each, in lower case, in order', () => {
    expect(
      countedText({ recipients: ['ops@example.com', 'pki@Example.ORG', 'web@example.com'] })
    ).toBe('3 recipients at example.com, example.org')
    expect(countedText({ recipients: ['ops@example.com'] })).toBe('1 recipient at example.com')
    expect(countedText({ recipients: ['"a@b"@example.net'] })).toBe('1 recipient at example.net')
  })

  it('gives the message by its length in characters, not code units', () => {
    expect(countedText({ message: MESSAGE })).toBe('a custom message (42 characters)')
    expect(countedText({ message: '😀é' })).toBe('a custom message (2 characters)')
  })
})

describe('shownDetails and shownBody', () => {
  it('full: as given', () => {
    expect(shownDetails({ details, shown: 'full' })).toEqual([
      ['Recipients', 'ops@example.com, pki@Example.ORG, web@example.com'],
      ['Format', 'attachment'],
      ['Message', MESSAGE]
    ])
    expect(shownBody({ body, details, shown: 'full' })).toBe(body)
  })

  it('counts: private details by count, the rest as given', () => {
    expect(shownDetails({ details, shown: 'counts' })).toEqual([
      ['Recipients', '3 recipients at example.com, example.org'],
      ['Format', 'attachment'],
      ['Message', 'a custom message (42 characters)']
    ])
  })

  it('counts: each address as …@domain and the message by its length, wherever in the body', () => {
    expect(shownBody({ body, details, shown: 'counts' })).toEqual({
      emails: ['…@example.com', '…@Example.ORG', '…@example.com'],
      certificate_collect_format: 'attachment',
      custom_message: new Placeholder('a custom message of 42 characters, not shown')
    })
    expect(
      shownBody({
        body: { custom_message: '😀' },
        details: [['Message', '😀', { message: '😀' }]],
        shown: 'counts'
      })
    ).toEqual({ custom_message: new Placeholder('a custom message of 1 character, not shown') })
    const seal: Detail[] = [['Recipient', 'web@example.com', { recipients: ['web@example.com'] }]]
    expect(
      shownBody({
        body: { recipient_email: 'web@example.com', seal_size: 'm' },
        details: seal,
        shown: 'counts'
      })
    ).toEqual({ recipient_email: '…@example.com', seal_size: 'm' })
    expect(shownBody({ body: undefined, details, shown: 'counts' })).toBeUndefined()
  })
})

describe('shownJson', () => {
  it('writes a placeholder unquoted, in angle brackets, wherever it stands', () => {
    const value = {
      a: new Placeholder('a custom message of 3 characters, not shown'),
      b: [new Placeholder('x'), 'y'],
      c: { d: new Placeholder('z') }
    }
    expect(shownJson({ value })).toBe(
      '{"a":<a custom message of 3 characters, not shown>,"b":[<x>,"y"],"c":{"d":<z>}}'
    )
    expect(shownJson({ value, indent: 2 })).toBe(
      '{\n  "a": <a custom message of 3 characters, not shown>,\n  "b": [\n    <x>,\n    "y"\n  ],\n  "c": {\n    "d": <z>\n  }\n}'
    )
  })

  it.each([
    [{ a: undefined, b: 1, c: () => 1 }, 0],
    [{ a: [undefined, () => 1, null], b: {}, c: [] }, 2],
    [[], 2],
    [{}, 0],
    ['text', 2],
    [{ '"k"': 'v\n', n: -0, f: 1.5, t: true }, 2],
    [{ a: { b: { c: [1, [2, [3]]] } } }, 4]
  ])('is JSON.stringify without placeholders: %j, indent %d', (value, indent) => {
    expect(shownJson({ value, indent })).toBe(JSON.stringify(value, null, indent))
  })

  it('is JSON.stringify for any JSON value without placeholders, indented or not', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (value, indent) => {
        expect(shownJson({ value, indent })).toBe(JSON.stringify(value, null, indent))
      })
    )
  })
})

describe('the summary by summary-details', () => {
  it('a public repository (auto): counts and domains, the message by length, and why', () => {
    const html = summaryOf({ summaryDetails: 'auto', visibility: 'public' })
    expect(html).toContain(
      '<li><strong>Recipients</strong>: 3 recipients at example.com, example.org</li><li><strong>Format</strong>: attachment</li><li><strong>Message</strong>: a custom message (42 characters)</li></ul>\n<p>Recipients and the message are shown by count: the repository is public (summary-details: full shows them).</p>'
    )
    for (const hidden of ['ops@', 'pki@', 'web@', 'Friday', '555'])
      expect(html).not.toContain(hidden)
  })

  it('unknown visibility (auto) is public; counts is counts in a private one too', () => {
    for (const over of [
      { summaryDetails: 'auto', visibility: 'unknown' },
      { summaryDetails: 'counts', visibility: 'private' }
    ] as const) {
      const html = summaryOf(over)
      expect(html).toContain('3 recipients at example.com, example.org')
      expect(html).not.toContain('ops@example.com')
      expect(html).not.toContain('Friday')
    }
  })

  it('a private repository (auto), or full: the addresses and the message, no note', () => {
    for (const over of [
      { summaryDetails: 'auto', visibility: 'private' },
      { summaryDetails: 'full', visibility: 'public' }
    ] as const) {
      const html = summaryOf(over)
      expect(html).toContain(
        '<li><strong>Recipients</strong>: ops@example.com, pki@Example.ORG, web@example.com</li>'
      )
      expect(html).toContain(
        '<li><strong>Message</strong>: Renewed: install by Friday. Call 555-0100.</li>'
      )
      expect(html).not.toContain('shown by count')
    }
  })

  it('no note when nothing private is shown (a seal to the key owner)', () => {
    const html = summaryOf({
      details: [['Recipient', "the API key's owner"]],
      summaryDetails: 'counts'
    })
    expect(html).toContain('the API key&#39;s owner')
    expect(html).not.toContain('shown by count')
  })

  it("the dry run's body follows summary-details too", () => {
    const logOf = (over: Partial<ReportContext>): string =>
      (
        buildReport({
          context: context({ details, dryRun: true, ...over }),
          outcome: outcomeOf([validated('71')]),
          planned: {
            requests: [
              { id: '71', steps: [{ method: 'PUT', url: `${BASE}/certificate/71/sendemail` }] }
            ],
            body
          },
          sanitizer: safe
        }).dryRunLog?.lines ?? []
      ).join('\n')
    const counted = logOf({ summaryDetails: 'auto', visibility: 'public' })
    expect(counted).toContain(
      '"emails": [\n    "…@example.com",\n    "…@Example.ORG",\n    "…@example.com"\n  ]'
    )
    // a placeholder, not a JSON string: it cannot be taken for the message sent
    expect(counted).toContain('"custom_message": <a custom message of 42 characters, not shown>\n}')
    expect(counted).not.toContain('"custom_message": "')
    expect(counted).not.toContain('ops@')
    const full = logOf({ summaryDetails: 'auto', visibility: 'private' })
    expect(full).toContain('"ops@example.com"')
    expect(full).toContain(JSON.stringify(MESSAGE))
  })
})
