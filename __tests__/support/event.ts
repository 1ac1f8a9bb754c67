// Workflow event files for the tests that run the action: the payload the runner names in
// GITHUB_EVENT_PATH, with the repository's visibility as GitHub writes it.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** `repository.private` and `repository.visibility` as GitHub sets them for each kind. */
export const REPOSITORIES = {
  public: { private: false, visibility: 'public' },
  private: { private: true, visibility: 'private' }
} as const

/** Writes an event payload naming this repository and returns its path. */
export function eventFile(repository: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json')
  writeFileSync(
    path,
    JSON.stringify({
      action: 'completed',
      repository: { full_name: 'octo-org/renewals', name: 'renewals', ...repository }
    })
  )
  return path
}
