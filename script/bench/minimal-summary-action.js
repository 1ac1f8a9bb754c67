// The floor for a toolkit action that writes a job summary: @actions/core, @actions/http-client
// and @actions/github's context (the usual way to link the run), reads an input, builds a client,
// sets an output and writes a summary with the run's link. Bundled with ncc by the benchmark.
import * as core from '@actions/core'
import { context } from '@actions/github'
import { HttpClient } from '@actions/http-client'

const client = new HttpClient('minimal-action', [], { keepAlive: true })
core.setOutput('operation', core.getInput('operation'))
const { owner, repo } = context.repo
await core.summary
  .addRaw('<h2>minimal</h2>', true)
  .addLink('Workflow run', `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}`)
  .write()
client.dispose()
