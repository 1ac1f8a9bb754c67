// npm run demo: runs the bundled action for real, the way the runner does, against the
// CertCentral stand-in on loopback: a send-certificate, a send from a certificate file (certbot's
// fullchain.pem, found in the stand-in's built-in account by its thumbprint), a send by order ID
// that waits for a pending order to be issued, a send to each certificate's own people (its
// order's additional emails and requester: recipients-from-order), and an email-site-seal. Prints what the stand-in
// received, the step's outputs and its job summary. Nothing leaves this machine.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DEFAULT_ACCOUNT,
  DEMO_CA_PEM,
  DEMO_CERTIFICATE_PEM,
  startStandIn
} from '../standin/certcentral-standin.js'
import { runAction } from '../standin/run-action.js'

// The workspace of the file step: what certbot leaves in live/<name>/ (certificate, then chain).
const workspace = mkdtempSync(join(tmpdir(), 'certcentral-demo-'))
mkdirSync(join(workspace, 'live', 'www.example.com'), { recursive: true })
writeFileSync(
  join(workspace, 'live', 'www.example.com', 'fullchain.pem'),
  DEMO_CERTIFICATE_PEM + DEMO_CA_PEM
)

const standIn = await startStandIn({
  // Orders 8001 to 8005 with their certificates; 8001's primary is the certificate of the file.
  account: DEFAULT_ACCOUNT,
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

/** @type {{ title: string, inputs: Record<string, string>, env?: Record<string, string> }[]} */
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
    title:
      "send-certificate from a certificate file: certbot's fullchain.pem, found by its thumbprint",
    inputs: {
      operation: 'send-certificate',
      'certificate-file': 'live/www.example.com/fullchain.pem',
      emails: 'ops@example.com'
    },
    env: { GITHUB_WORKSPACE: workspace }
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
    title:
      "send-certificate to each certificate's own people: its order's additional emails and requester",
    inputs: {
      operation: 'send-certificate',
      // 5008001 and 5008004: orders 8001 and 8004 of the built-in account, each naming its people
      'certificate-id': '5008001, 5008004',
      'recipients-from-order': 'additional-emails, requester',
      'summary-details': 'full'
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
      inputs: { ...step.inputs, 'api-key': standIn.apiKey, 'api-url': standIn.baseUrl },
      env: step.env ?? {}
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
      if (request.recipients.length) console.log(`  mailed to: ${request.recipients.join(', ')}`)
    }
    console.log('--- outputs')
    for (const [name, value] of Object.entries(result.outputs)) console.log(`${name}: ${value}`)
    console.log('--- job summary (GITHUB_STEP_SUMMARY)')
    console.log(result.summary)
    if (result.code !== 0) failed = true
  }
} finally {
  await standIn.close()
  rmSync(workspace, { recursive: true, force: true })
}
if (failed) {
  console.error('demo: a step failed; see its log above')
  process.exit(1)
}
console.log('demo: every step went through the stand-in')
