// The floor for a toolkit action, built from the packages of this action's design: imports
// @actions/core, @actions/http-client and @actions/github's context (the usual way), reads an
// input, builds a client, sets an output. Bundled with ncc by the benchmark, like dist/index.js.
import * as core from '@actions/core'
import { context } from '@actions/github'
import { HttpClient } from '@actions/http-client'

const client = new HttpClient('minimal-action', [], { keepAlive: true })
core.setOutput('operation', core.getInput('operation'))
core.debug(`run ${context.runId}`)
client.dispose()
