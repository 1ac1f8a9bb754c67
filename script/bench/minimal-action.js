// The floor for any toolkit action: imports only @actions/core and @actions/http-client, reads an
// input, builds a client, sets an output. Bundled with ncc by the benchmark, like dist/index.js.
import * as core from '@actions/core'
import { HttpClient } from '@actions/http-client'

const client = new HttpClient('minimal-action', [], { keepAlive: true })
core.setOutput('operation', core.getInput('operation'))
client.dispose()
