// The action's entry point: awaited, so a pending request can never end the process as a success.
import { run } from './main.js'

await run()
