import type { RawInputs } from '../../src/inputs.js'

/** Valid raw inputs of a send-certificate step, the way the runner would hand them over. */
export const sendInputs: RawInputs = {
  operation: 'send-certificate',
  apiKey: 'k3y',
  certificateId: '123',
  orderId: '',
  emails: 'ops@example.com',
  format: 'attachment',
  message: '',
  sealSettings: '',
  region: 'us',
  apiUrl: '',
  timeoutSeconds: '30',
  maxRetries: '0',
  dryRun: false
}
