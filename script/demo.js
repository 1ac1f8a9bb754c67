// npm run demo: runs the bundled action for real, the way the runner does, against the
// CertCentral stand-in on loopback: a send-certificate, a send by order ID that waits for a
// pending order to be issued, and an email-site-seal. Prints what the stand-in received, the
// step's outputs and its job summary. Nothing leaves this machine.
import { startStandIn } from '../standin/certcentral-standin.js'
import { runAction } from '../standin/run-action.js'

const standIn = await startStandIn({
  // The renewal's order: pending at the first look-up, issued at the next (about 5 s later).
  orders: {
    7000123: {
      statuses: ['pending', 'issued'],
      certificateId: 1234569,
      commonName: 'www.example.com',
      validTill: '2027-06-01'
    }
  }
})
console.log(`CertCentral stand-in listening on ${standIn.baseUrl}\n`)

/** @type {{ title: string, inputs: Record<string, string> }[]} */
const steps = [
  {
    title: 'send-certificate: two renewed certificates to two addresses, as a download link',
    inputs: {
      operation: 'send-certificate',
      'certificate-id': '1234567, 1234568',
      emails: 'ops@example.com; web-team@example.com',
      format: 'downloadlink',
      message: 'Renewed by the nightly renewal job.\nPlease install before Friday.'
    }
  },
  {
    title: 'send-certificate by order ID: waits for the pending order, then sends its certificate',
    inputs: {
      operation: 'send-certificate',
      'order-id': '7000123',
      'wait-for-issuance': '15m',
      emails: 'ops@example.com'
    }
  },
  {
    title: 'email-site-seal: the seal code of one order, medium size, magnified on hover',
    inputs: {
      operation: 'email-site-seal',
      'order-id': '7654321',
      emails: 'web-team@example.com',
      'seal-settings': '{"seal_size": "m", "seal_number": 18, "seal_hover": true}'
    }
  }
]

let failed = false
try {
  for (const step of steps) {
    const seen = standIn.requests.length
    console.log(`=== ${step.title}`)
    const result = await runAction({
      inputs: { ...step.inputs, 'api-key': standIn.apiKey, 'api-url': standIn.baseUrl }
    })
    console.log(`--- the action's log (exit code ${result.code})`)
    process.stdout.write(result.stdout + result.stderr)
    console.log('--- requests the stand-in received (the key itself is never recorded)')
    for (const request of standIn.requests.slice(seen)) {
      const { 'user-agent': userAgent, 'content-type': contentType } = request.headers
      console.log(`${request.method} ${request.path} -> ${request.status}`)
      console.log(`  X-DC-DEVKEY: ${request.keyValid ? 'valid key' : 'missing or wrong'}`)
      console.log(`  Content-Type: ${contentType}\n  User-Agent: ${userAgent}`)
      console.log(`  body: ${JSON.stringify(request.body)}`)
    }
    console.log('--- outputs')
    for (const [name, value] of Object.entries(result.outputs)) console.log(`${name}: ${value}`)
    console.log('--- job summary (GITHUB_STEP_SUMMARY)')
    console.log(result.summary)
    if (result.code !== 0) failed = true
  }
} finally {
  await standIn.close()
}
if (failed) {
  console.error('demo: a step failed; see its log above')
  process.exit(1)
}
console.log('demo: every step went through the stand-in')
