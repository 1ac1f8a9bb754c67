// Preloaded with `node --import` into the measured process: writes its peak RSS (kB) at exit.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  if (process.env.RSS_PROBE_FILE)
    writeFileSync(process.env.RSS_PROBE_FILE, String(process.resourceUsage().maxRSS))
})
