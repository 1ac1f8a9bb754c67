// Generated from action.yml by `npm run docs`: do not edit. The inputs' names and defaults and
// the outputs' names live in action.yml alone; this copy lets the bundle know them without reading
// YAML at run time, and the compiler hold the report's outputs to action.yml's.
export const ACTION_INPUTS = {
  operation: { default: '', required: true },
  'api-key': { default: '', required: false },
  'certificate-id': { default: '', required: false },
  'order-id': { default: '', required: false },
  'certificate-file': { default: '', required: false },
  'serial-number': { default: '', required: false },
  thumbprint: { default: '', required: false },
  'common-name': { default: '', required: false },
  'issued-within': { default: '', required: false },
  'wait-for-issuance': { default: '0', required: false },
  emails: { default: '', required: false },
  'recipients-from-order': { default: '', required: false },
  format: { default: 'attachment', required: false },
  message: { default: '', required: false },
  'seal-settings': { default: '', required: false },
  region: { default: 'us', required: false },
  'api-url': { default: '', required: false },
  'timeout-seconds': { default: '30', required: false },
  'max-retries': { default: '0', required: false },
  'dry-run': { default: 'false', required: false },
  'deliver-once': { default: 'false', required: false },
  'summary-details': { default: 'auto', required: false }
} as const

export type InputName = keyof typeof ACTION_INPUTS

/** The outputs' names, in action.yml's order. */
export const ACTION_OUTPUTS = [
  'status-code',
  'results',
  'skipped-ids',
  'sent-ids',
  'failed-ids',
  'unsent-ids',
  'retry-after'
] as const

export type OutputName = (typeof ACTION_OUTPUTS)[number]
