// Runs the bundled action the way the GitHub runner does: a child `node dist/index.js` with an
// INPUT_* variable per input (action.yml's defaults filled in), and GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files. Shared by the end-to-end tests, the demo and the benchmark.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

/** @returns {Record<string, { default?: string }>} */
export function actionInputs() {
  return parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')).inputs
}

/**
 * Parses a GITHUB_OUTPUT file (`name<<DELIMITER` ... `DELIMITER` blocks, or `name=value` lines).
 * @param {string} text
 */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = /** @type {string} */ (lines[i])
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = /** @type {[string, string, string]} */ (
        /** @type {unknown} */ (heredoc)
      )
      const end = lines.indexOf(delimiter, i + 1)
      outputs[name] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return outputs
}

/**
 * Proxy and TLS-trust settings a developer's or CI's environment may carry (any case). Never
 * inherited by the child: a proxy out there must not receive test traffic (or a key), and a test
 * of certificate checks must not pass because NODE_TLS_REJECT_UNAUTHORIZED=0 leaked in. A test
 * that wants one passes it in `env`, e.g. `{ https_proxy: proxy.url, NODE_EXTRA_CA_CERTS: caFile }`.
 */
export const NOT_INHERITED =
  /^(https?_proxy|no_proxy|all_proxy|node_use_env_proxy|node_extra_ca_certs|node_tls_reject_unauthorized)$/i

/**
 * @typedef {object} ActionRun
 * @property {number | null} code
 * @property {string | null} signal
 * @property {string} stdout
 * @property {string} stderr
 * @property {Record<string, string>} outputs
 * @property {string} summary
 * @property {number} durationMs
 */

/**
 * @param {object} options
 * @param {Record<string, string>} options.inputs  by the names in action.yml
 * @param {Record<string, string>} [options.env]  added to the environment (after the inherited
 *   one is cleared of INPUT_*, GITHUB_*, RUNNER_*, DIGICERT_* and NOT_INHERITED)
 * @param {string} [options.node]  the node binary; this process's by default
 * @param {string} [options.entry]  the script to run; dist/index.js by default
 * @param {string[]} [options.nodeArgs]  flags for node before the script
 * @param {number} [options.killAfterMs]  kill the child if it runs longer
 * @param {(child: import('node:child_process').ChildProcess) => void} [options.onSpawn]  given the
 *   child once started, e.g. for a test to signal it as the runner does when a job is cancelled
 * @returns {Promise<ActionRun>}
 */
export async function runAction({
  inputs,
  env = {},
  node = process.execPath,
  entry,
  nodeArgs = [],
  killAfterMs = 60_000,
  onSpawn
}) {
  const work = mkdtempSync(join(tmpdir(), 'certcentral-action-'))
  const outputFile = join(work, 'output')
  const summaryFile = join(work, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  /** @type {Record<string, string>} */
  const childEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (
      value !== undefined &&
      !/^(INPUT_|GITHUB_|RUNNER_|DIGICERT_)/.test(name) &&
      !NOT_INHERITED.test(name)
    )
      childEnv[name] = value
  }
  for (const [name, spec] of Object.entries(actionInputs())) {
    childEnv[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? spec.default ?? ''
  }
  for (const name of Object.keys(inputs)) {
    if (!(name in actionInputs())) throw new Error(`runAction: action.yml has no input ${name}`)
  }
  Object.assign(childEnv, {
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: 'octo-org/renewals',
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_ACTIONS: 'true',
    ...env
  })
  const started = performance.now()
  const child = spawn(node, [...nodeArgs, entry ?? join(ROOT, 'dist', 'index.js')], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  onSpawn?.(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
  /** @type {[number | null, string | null]} */
  const [code, signal] = await new Promise(resolve => child.on('close', (c, s) => resolve([c, s])))
  clearTimeout(killer)
  const durationMs = performance.now() - started
  const result = {
    code,
    signal,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    durationMs
  }
  rmSync(work, { recursive: true, force: true })
  return result
}
