// Reading what the action printed the way the runner does.
import { writeFileSync } from 'node:fs'
import { expect, vi } from 'vitest'
import type { ActionRun } from '../../standin/run-action.js'

export interface WorkflowCommand {
  name: string
  /** The properties as printed (`title=…`), escaped. */
  properties: string
  /** The message as printed, escaped. */
  data: string
  /** The properties by name, unescaped. */
  props: Record<string, string>
  /** The message unescaped: what the runner shows. */
  message: string
}

const ESCAPED: Record<string, string> = { '25': '%', '0D': '\r', '0A': '\n', '3A': ':', '2C': ',' }
/** A command's text as the runner reads it: %25, %0D, %0A (and in properties %3A, %2C) decoded. */
const unescape = (text: string, codes: RegExp): string =>
  text.replace(codes, (_, code: string) => ESCAPED[code] as string)

/**
 * The workflow commands of a log (`::name key=value,…::message`), parsed the way the runner does:
 * leading whitespace ignored, escapes decoded.
 */
export function workflowCommands(stdout: string): WorkflowCommand[] {
  return stdout
    .split(/\r\n|\r|\n/)
    .map(line => line.trimStart())
    .filter(line => line.startsWith('::'))
    .map(line => {
      const end = line.indexOf('::', 2)
      const info = end === -1 ? line.slice(2) : line.slice(2, end)
      const space = info.indexOf(' ')
      const properties = space === -1 ? '' : info.slice(space + 1)
      const data = end === -1 ? '' : line.slice(end + 2)
      const props: Record<string, string> = {}
      for (const pair of properties.split(',').filter(Boolean)) {
        const at = pair.indexOf('=')
        props[pair.slice(0, at)] = unescape(pair.slice(at + 1), /%(25|0D|0A|3A|2C)/g)
      }
      return {
        name: space === -1 ? info : info.slice(0, space),
        properties,
        data,
        props,
        message: unescape(data, /%(25|0D|0A)/g)
      }
    })
}

/** The unescaped messages of one kind of workflow command, in order. */
export function messagesOf(stdout: string, name: string): string[] {
  return workflowCommands(stdout)
    .filter(command => command.name === name)
    .map(command => command.message)
}

/** Text as a literal inside a regular expression. */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/** How many times `part` occurs in `text`. */
export const count = (text: string, part: string): number => text.split(part).length - 1

/**
 * The key masked on the first line and nowhere else, nothing on stderr, and no workflow command
 * but the action's own: add-mask of the key only, its errors (titled by operation and ID),
 * warnings, debug lines and groups.
 */
export function expectCleanRun(run: ActionRun, key: string): void {
  expect(run.stderr).toBe('')
  expect(run.stdout).not.toContain('\r')
  expect(run.stdout.split('\n')[0]).toBe(`::add-mask::${key}`)
  expect(run.stdout.slice(run.stdout.indexOf('\n') + 1)).not.toContain(key)
  expect(JSON.stringify(run.outputs)).not.toContain(key)
  expect(run.summary).not.toContain(key)
  for (const command of workflowCommands(run.stdout)) {
    expect(['add-mask', 'debug', 'error', 'warning', 'group', 'endgroup']).toContain(command.name)
    if (command.name === 'add-mask') expect(command.data).toBe(key)
    if (command.properties !== '')
      expect(command.properties).toMatch(
        /^title=(send-certificate|email-site-seal) failed for (certificate|order) \d+$/
      )
  }
}

/**
 * Sets this process up as the runner sets up a step, for in-process tests: empty GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, and stdout captured. Returns what is printed from now on; undone by
 * vi.unstubAllEnvs() and vi.restoreAllMocks().
 */
export function actAsRunner(files: { output: string; summary: string }): string[] {
  writeFileSync(files.output, '')
  writeFileSync(files.summary, '')
  vi.stubEnv('GITHUB_OUTPUT', files.output)
  vi.stubEnv('GITHUB_STEP_SUMMARY', files.summary)
  const printed: string[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    printed.push(String(chunk))
    return true
  })
  return printed
}
