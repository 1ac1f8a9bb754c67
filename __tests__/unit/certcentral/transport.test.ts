// The transport's two pure tables: undici's failures in the words users read before the transport
// moved to undici (nodeTermsOf), and undici's raw header lines as Node's http gave them (headersOf).
import { describe, expect, it } from 'vitest'
import { headersOf, nodeTermsOf, type FailureTerms } from '../../../src/certcentral/transport.js'

const SWITCHED = 'the server switched protocols instead of answering'

describe('nodeTermsOf: undici failures in Node words', () => {
  const cases: [string, { code: string; message: string; status: number | null }, FailureTerms][] =
    [
      [
        'a close before the answer',
        { code: 'UND_ERR_SOCKET', message: 'other side closed', status: null },
        { kind: 'network', code: 'ECONNRESET', detail: 'socket hang up', status: null }
      ],
      [
        'a close in the body',
        { code: 'UND_ERR_SOCKET', message: 'other side closed', status: 503 },
        { kind: 'network', code: 'ECONNRESET', detail: 'aborted', status: 503 }
      ],
      [
        'a socket closed without an error of its own',
        { code: 'UND_ERR_SOCKET', message: 'closed', status: null },
        { kind: 'network', code: 'ECONNRESET', detail: 'socket hang up', status: null }
      ],
      [
        'a protocol switch',
        { code: 'UND_ERR_SOCKET', message: 'bad upgrade', status: null },
        { kind: 'protocol', code: 'EPROTO', detail: SWITCHED, status: 101 }
      ],
      [
        'an unasked-for 100 Continue',
        { code: 'UND_ERR_SOCKET', message: 'bad response', status: null },
        {
          kind: 'network',
          code: 'EPROTO',
          detail: 'the server answered 100 Continue, which was not asked for',
          status: null
        }
      ],
      [
        'a transport closed under the request, before the answer',
        { code: 'UND_ERR_DESTROYED', message: 'The client is destroyed', status: null },
        { kind: 'network', code: 'ECONNRESET', detail: 'socket hang up', status: null }
      ],
      [
        'a transport closed under the request, in the body',
        { code: 'UND_ERR_CLOSED', message: 'The client is closed', status: 200 },
        { kind: 'network', code: 'ECONNRESET', detail: 'aborted', status: 200 }
      ],
      [
        'a connection that did not open in time',
        { code: 'UND_ERR_CONNECT_TIMEOUT', message: 'Connect Timeout Error', status: null },
        { kind: 'timeout', code: 'ETIMEDOUT', detail: 'no complete answer in 300 ms', status: null }
      ],
      [
        'headers over the limit',
        { code: 'UND_ERR_HEADERS_OVERFLOW', message: 'Headers Overflow Error', status: null },
        {
          kind: 'network',
          code: 'HPE_HEADER_OVERFLOW',
          detail: 'Parse Error: Header overflow',
          status: null
        }
      ],
      [
        'an answer that cannot be parsed',
        {
          code: 'HPE_INVALID_HEADER_TOKEN',
          message: 'Response does not match the HTTP/1.1 protocol (Invalid header value char)',
          status: null
        },
        {
          kind: 'network',
          code: 'HPE_INVALID_HEADER_TOKEN',
          detail: 'Parse Error: Invalid header value char',
          status: null
        }
      ],
      [
        'a parse error without undici wording',
        { code: 'HPE_X', message: 'odd', status: 200 },
        { kind: 'network', code: 'HPE_X', detail: 'Parse Error: odd', status: 200 }
      ],
      [
        'a refused connection, as the system said it',
        { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1', status: null },
        {
          kind: 'network',
          code: 'ECONNREFUSED',
          detail: 'connect ECONNREFUSED 127.0.0.1:1',
          status: null
        }
      ],
      [
        'a reset, as the system said it',
        { code: 'ECONNRESET', message: 'read ECONNRESET', status: 200 },
        { kind: 'network', code: 'ECONNRESET', detail: 'read ECONNRESET', status: 200 }
      ],
      [
        'a certificate refused',
        { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate', status: null },
        {
          kind: 'network',
          code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
          detail: 'self-signed certificate',
          status: null
        }
      ],
      [
        'a certificate for another name',
        {
          code: 'ERR_TLS_CERT_ALTNAME_INVALID',
          message: "Hostname/IP does not match certificate's altnames",
          status: null
        },
        {
          kind: 'network',
          code: 'ERR_TLS_CERT_ALTNAME_INVALID',
          detail: "Hostname/IP does not match certificate's altnames",
          status: null
        }
      ],
      [
        "the proxy's refusal",
        { code: 'EPROXY', message: 'the proxy p:3128 refused the tunnel', status: null },
        {
          kind: 'network',
          code: 'EPROXY',
          detail: 'the proxy p:3128 refused the tunnel',
          status: null
        }
      ],
      [
        'a code that names an Object property',
        { code: 'constructor', message: 'x', status: null },
        { kind: 'network', code: 'constructor', detail: 'x', status: null }
      ],
      [
        'a message that names a code only with another code',
        { code: 'ECONNRESET', message: 'bad upgrade', status: null },
        { kind: 'network', code: 'ECONNRESET', detail: 'bad upgrade', status: null }
      ]
    ]

  it.each(cases)('%s', (_, failure, terms) => {
    expect(nodeTermsOf({ ...failure, timeoutMs: 300 })).toEqual(terms)
  })
})

describe("headersOf: undici's raw header lines as Node's http gave them", () => {
  const raw = (...lines: string[]): Buffer[] => lines.map(line => Buffer.from(line, 'latin1'))

  it.each([
    ['names in lower case', raw('Content-Type', 'a/b'), { 'content-type': 'a/b' }],
    [
      'the first of a field Node keeps once',
      raw('Retry-After', '1', 'retry-after', '2', 'Location', '/a', 'Location', '/b'),
      { 'retry-after': '1', location: '/a' }
    ],
    ['any other repeated field joined', raw('X-A', 'a', 'x-a', 'b'), { 'x-a': 'a, b' }],
    [
      'Set-Cookie as a list',
      raw('Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'),
      { 'set-cookie': ['a=1', 'b=2'] }
    ],
    ['a lone Set-Cookie as a list', raw('Set-Cookie', 'a=1'), { 'set-cookie': ['a=1'] }],
    ['values as Latin-1', raw('X-L', 'caf\xe9'), { 'x-l': 'café' }],
    ['a name without a value dropped', raw('X-A', 'a', 'X-B'), { 'x-a': 'a' }],
    ['nothing', raw(), {}]
  ])('%s', (_, lines, headers) => {
    expect(headersOf(lines)).toEqual(headers)
  })

  it('keeps the first of each field Node keeps once', () => {
    const once = [
      'age',
      'authorization',
      'content-length',
      'content-type',
      'etag',
      'expires',
      'from',
      'host',
      'if-modified-since',
      'if-unmodified-since',
      'last-modified',
      'location',
      'max-forwards',
      'proxy-authorization',
      'referer',
      'retry-after',
      'server',
      'user-agent'
    ]
    for (const name of once) expect(headersOf(raw(name, '1', name, '2'))).toEqual({ [name]: '1' })
  })
})
