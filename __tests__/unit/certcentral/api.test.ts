// What CertCentral is (src/certcentral/api.ts): base URLs, the paths asked, Retry-After, where the
// key may travel.
import { describe, expect, it } from 'vitest'
import {
  LIST_PAGE_LIMIT,
  REGION_BASE_URLS,
  anyStatusQuery,
  digits,
  duplicatesPath,
  isLoopbackHost,
  mayCarryKey,
  orderInfoPath,
  orderListPath,
  parseRetryAfter,
  secretPathOf,
  shownBase
} from '../../../src/certcentral/api.js'

describe('REGION_BASE_URLS', () => {
  it('points each region at its CertCentral over HTTPS', () => {
    expect(REGION_BASE_URLS).toEqual({
      us: 'https://www.digicert.com/services/v2',
      eu: 'https://certcentral.digicert.eu/services/v2'
    })
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2015-10-21T07:28:00Z')

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('999999999999999', now)).toBe(999_999_999_999_999)
  })

  it('reads an IMF-fixdate as seconds from now', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now)).toBe(120)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now + 500)).toBe(120)
  })

  it('never gives a negative wait for a date in the past', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0)
  })

  it("reads an IMF-fixdate against the answer's Date when it has one, not the runner's clock", () => {
    const date = 'Wed, 21 Oct 2015 07:29:00 GMT'
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now, date)).toBe(60)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now + 3_600_000, date)).toBe(60)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now, ` ${date} `)).toBe(60)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now, date)).toBe(0)
    expect(parseRetryAfter('30', now, date)).toBe(30)
  })

  it.each(['', 'yesterday', 'Wed, 32 Oct 2015 07:29:00 GMT', '2015-10-21T07:29:00Z'])(
    'falls back on the runner’s clock for an unusable Date %j',
    date => {
      expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now, date)).toBe(120)
    }
  )

  it.each([
    'a 1',
    '1.5',
    '-1',
    '+1',
    '1e3',
    '0x10',
    '',
    'soon',
    'Wed, 21 Oct 2015',
    '21 Oct 2015 07:28:00 GMT',
    'Wednesday, 21-Oct-15 07:28:00 GMT',
    '2015-10-21T07:30:00Z',
    'Wed, 32 Oct 2015 07:28:00 GMT',
    'Wed, 21 Oct 2015 25:28:00 GMT',
    '1234567890123456',
    '9'.repeat(40)
  ])('is undefined for %j', header => {
    expect(parseRetryAfter(header, now)).toBeUndefined()
  })

  it('is undefined without the header', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })
})

describe('paths', () => {
  it('builds the Order info path from digits only', () => {
    expect(orderInfoPath('77')).toBe('/order/certificate/77')
    expect(() => orderInfoPath('7/../8')).toThrow('refusing to build a URL')
    expect(() => digits('')).toThrow('refusing to build a URL')
    expect(() => digits('1?x=2')).toThrow('refusing to build a URL')
  })

  it('Order info by order ID, or by upper-case hex; nothing else', () => {
    expect(orderInfoPath('123')).toBe('/order/certificate/123')
    expect(orderInfoPath('0A1B')).toBe('/order/certificate/0A1B')
    expect(orderInfoPath('F'.repeat(64))).toBe(`/order/certificate/${'F'.repeat(64)}`)
    for (const bad of ['0a1b', '', '1/2', '12?x', 'F'.repeat(65)])
      expect(() => orderInfoPath(bad)).toThrow(
        `refusing to build a URL with the key ${JSON.stringify(bad)}`
      )
  })

  it('the order list by serial, and issued orders by common name, paged', () => {
    expect(LIST_PAGE_LIMIT).toBe(100)
    expect(orderListPath({ filter: 'serial_number', value: '0A1B', offset: 0 })).toBe(
      '/order/certificate?filters[serial_number]=0A1B&offset=0&limit=100'
    )
    expect(orderListPath({ filter: 'common_name', value: 'a&b=c.example', offset: 200 })).toBe(
      '/order/certificate?filters[common_name]=a%26b%3Dc.example&filters[status]=issued&offset=200&limit=100'
    )
  })

  it("a common name's orders in any status, newest first: the first page", () => {
    expect(anyStatusQuery('a&b=c.example')).toEqual({
      filter: 'common_name',
      value: 'a&b=c.example',
      offset: 0,
      anyStatus: true
    })
    expect(orderListPath(anyStatusQuery('a&b=c.example'))).toBe(
      '/order/certificate?filters[common_name]=a%26b%3Dc.example&sort=-date_created&offset=0&limit=100'
    )
  })

  it('the duplicates of an order', () => {
    expect(duplicatesPath('8001')).toBe('/order/certificate/8001/duplicate')
    expect(() => duplicatesPath('8001/x')).toThrow()
  })
})

describe('isLoopbackHost', () => {
  it.each([
    'localhost',
    'LOCALHOST',
    '127.0.0.1',
    '127.0.0.2',
    '127.255.255.254',
    '127.1.2.3',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1'
  ])('%s is loopback', host => {
    expect(isLoopbackHost(host)).toBe(true)
  })

  it.each([
    'anything.localhost',
    'localhost.example.com',
    '127.0.0.1.nip.io',
    '127.example.com',
    '10.0.0.1',
    '0.0.0.0',
    '128.0.0.1',
    '::',
    '::2',
    'example.com',
    ''
  ])('%s is not loopback', host => {
    expect(isLoopbackHost(host)).toBe(false)
  })

  it('agrees with how URL parses hosts', () => {
    expect(isLoopbackHost(new URL('http://[::1]:8080/').hostname)).toBe(true)
    expect(isLoopbackHost(new URL('http://127.1/').hostname)).toBe(true)
    expect(isLoopbackHost(new URL('http://anything.localhost/').hostname)).toBe(false)
  })
})

describe('mayCarryKey', () => {
  it.each([
    'https://www.digicert.com/services/v2',
    'https://10.0.0.1/',
    'http://127.0.0.1:8080/services/v2',
    'http://localhost:3000/',
    'http://[::1]:9/'
  ])('lets the key travel to %s', url => {
    expect(mayCarryKey(new URL(url))).toBe(true)
  })

  it.each([
    'http://example.com/',
    'http://10.0.0.1/',
    'http://anything.localhost/',
    'http://127.0.0.1.nip.io/',
    'ftp://127.0.0.1/',
    'ws://localhost/',
    'file:///etc/passwd'
  ])('keeps the key from %s', url => {
    expect(mayCarryKey(new URL(url))).toBe(false)
  })
})

describe('shownBase', () => {
  it.each([
    ['https://gw.example/t0k3n/services/v2', 'https://gw.example/…'],
    // the regions' own URLs, and any whose path is /services/v2, hold no secret: shown whole
    ['https://www.digicert.com/services/v2', 'https://www.digicert.com/services/v2'],
    [REGION_BASE_URLS.eu, 'https://certcentral.digicert.eu/services/v2'],
    ['http://127.0.0.1:8080/services/v2', 'http://127.0.0.1:8080/services/v2'],
    ['https://gw.example/services/v2/', 'https://gw.example/services/v2'],
    ['https://gw.example/services/v2x', 'https://gw.example/…'],
    ['https://gw.example/t0k3n/services/v2/', 'https://gw.example/…'],
    ['https://gw.example/services', 'https://gw.example/…'],
    ['https://gw.example', 'https://gw.example'],
    ['https://gw.example/', 'https://gw.example'],
    ['https://gw.example//', 'https://gw.example'],
    ['https://[::1]:8443/x', 'https://[::1]:8443/…']
  ])('shows %s as %s', (baseUrl, shown) => {
    expect(shownBase({ baseUrl })).toBe(shown)
  })

  it.each([
    'https://gw.example/t0k3n/services/v2',
    'https://gw.example/services/v2',
    'https://gw.example/services/v2/',
    REGION_BASE_URLS.us,
    'https://gw.example/',
    'https://gw.example/a',
    'https://gw.example//x//'
  ])('hides the path of %s exactly when secretPathOf hides it, and shows no part of it', url => {
    const [secret] = secretPathOf({ apiUrl: url })
    const shown = shownBase({ baseUrl: url })
    expect(shown.endsWith('/…')).toBe(secret !== undefined)
    if (secret !== undefined) expect(shown).not.toContain(secret)
  })
})

describe('secretPathOf', () => {
  it.each([
    ['https://gw.example/t0k3n/services/v2', ['/t0k3n/services/v2']],
    [' https://gw.example/t0k3n/ ', ['/t0k3n']],
    ['\u00a0https://gw.example/t0k3n/\u00a0', ['/t0k3n']],
    ['https://gw.example/t0k3n//', ['/t0k3n']],
    ['https://www.digicert.com/services/v2', []],
    ['https://www.digicert.com/services/v2/', []],
    ['https://gw.example', []],
    ['https://gw.example/', []],
    ['', []],
    ['not a url', []]
  ])('hides the path of %j: %j', (apiUrl, paths) => {
    expect(secretPathOf({ apiUrl })).toEqual(paths)
  })
})
