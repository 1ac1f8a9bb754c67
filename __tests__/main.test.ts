// Unit test of main.ts's masking, with @actions/core mocked.
import { describe, expect, it, vi } from 'vitest'

vi.mock('@actions/core', async importOriginal => {
  const actual = await importOriginal<typeof import('@actions/core')>()
  return { ...actual, setSecret: vi.fn() }
})
const core = await import('@actions/core')
const { maskSecret, USER_AGENT } = await import('../src/main.js')

describe('maskSecret', () => {
  it('masks every line of a multi-line value, trimmed and as given', () => {
    maskSecret('first-line\n  second-line \r\n\nthird')
    expect(vi.mocked(core.setSecret).mock.calls.map(c => c[0])).toEqual([
      'first-line',
      'second-line',
      '  second-line ',
      'third'
    ])
  })
})

describe('USER_AGENT', () => {
  it('names the action and its version', () => {
    expect(USER_AGENT).toMatch(
      /^certcentral-email-action\/\d+\.\d+\.\d+ \(GitHub Action; node v\d+/
    )
  })
})
