// Reading what the action printed the way the runner does.

export interface WorkflowCommand {
  name: string
  properties: string
  data: string
}

/** The workflow commands of a log, parsed the way the runner does (leading whitespace ignored). */
export function workflowCommands(stdout: string): WorkflowCommand[] {
  return stdout
    .split(/\r\n|\r|\n/)
    .map(line => line.trimStart())
    .filter(line => line.startsWith('::'))
    .map(line => {
      const end = line.indexOf('::', 2)
      const info = end === -1 ? line.slice(2) : line.slice(2, end)
      const space = info.indexOf(' ')
      return {
        name: space === -1 ? info : info.slice(0, space),
        properties: space === -1 ? '' : info.slice(space + 1),
        data: end === -1 ? '' : line.slice(end + 2)
      }
    })
}

/** Text as a literal inside a regular expression. */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/** How many times `part` occurs in `text`. */
export const count = (text: string, part: string): number => text.split(part).length - 1
