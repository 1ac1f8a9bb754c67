// The stand-in's built-in account: what `node standin/certcentral-standin.js` serves without
// --account, and what `npm run demo` uses. A few orders: 8001 (www.example.com, its primary a real
// certificate, DEMO_CERTIFICATE_PEM, valid until 2036, signed by a throwaway test CA, and one
// duplicate), 8002 (reissued: its earlier certificate in the reissue list), 8003 and 8004 (two
// issued orders for api.example.com, the older listed first), 8005 (pending). Their people (Order
// info's additional_emails, user, contacts, custom fields) as CertCentral writes them, odd shapes
// too (null, "" and [] where an object is expected), for recipients-from-order.

/** www.example.com (SANs www.example.com, example.com), 2026-11-20 to 2036-11-20: order 8001's primary. */
export const DEMO_CERTIFICATE_PEM =
  [
    '-----BEGIN CERTIFICATE-----',
    'MIIDoDCCAoigAwIBAgIQWhssPU5fYHGCk6S1xtfo+TANBgkqhkiG9w0BAQsFADBc',
    'MTEwLwYDVQQDEyhDZXJ0Q2VudHJhbCBzdGFuZC1pbiB0ZXN0IENBICh0aHJvd2F3',
    'YXkpMScwJQYDVQQKEx5jZXJ0Y2VudHJhbC1lbWFpbC1hY3Rpb24gdGVzdHMwHhcN',
    'MjYxMTIwMDAwMDAwWhcNMzYxMTIwMDAwMDAwWjAaMRgwFgYDVQQDEw93d3cuZXhh',
    'bXBsZS5jb20wggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCozrQQZ6y3',
    'XbBlc/EUR3H9B5FGn+BrSjmqklXTcLhfsNsOWwC0jRN/fVO18d/Lz1p53j60WWze',
    'YU3ggx9wrzJSa/HXAt4vdDK/h6yEBpJDkbyCD/B66ogXPKNfdoTOx2ZJmHV/WgTQ',
    'WB9eF9LKBm7zXG67kgdsgypu0G/kchTvv0f9Yq/26ILdM7ivEB/OeQm0Qz7SlJGB',
    'ZsEMC49juT4dag1tbTW2F1o4ZZLINyGrO6AVP3hbU0T/mIKBGvm2Kd/PCxcbxZld',
    'MPjaDBJrvqJJISBwgKEgs+5hduQhP6enxc4IyWK2wI8veuMOnajy03n1DIeknPYO',
    'egK0l2qnfu6tAgMBAAGjgZ8wgZwwDAYDVR0TAQH/BAIwADAOBgNVHQ8BAf8EBAMC',
    'BaAwEwYDVR0lBAwwCgYIKwYBBQUHAwEwJwYDVR0RBCAwHoIPd3d3LmV4YW1wbGUu',
    'Y29tggtleGFtcGxlLmNvbTAdBgNVHQ4EFgQUGRxy8l9aaeAYiROI3hMoouZM9jAw',
    'HwYDVR0jBBgwFoAU5kEUgkLQ709pfNivNqDV1rMWtb0wDQYJKoZIhvcNAQELBQAD',
    'ggEBABWnKMieCu7BPJE/Zolulax2PY3D8Ex82guKbsugXHhqax3HNTzr+YdSqtx2',
    '/afME+gXg+dhbkHklTfqOMqLh7Rh7egycNyTEyOZi7cywzlf8padLHceTUSDtT4G',
    'AhLD/boFD3SU3aE85l05tU9zUg7ajfTCMEhnR8wpd19l13uJhNfqWJIrACrnGm8A',
    'iQ4miLP10chA0RZ3LK4TN9B+elfLBarYNUpB0IaxsWBoz/INItrXyuPY6Hx7HhAl',
    'f5ND1NdQDFoo5O0XGuddz92dGcSFsgk6qDF3/DhLX28SyY/061h19rTRCoT4Yrxf',
    'uPbHmZvxoRvThGySAW1XlertU8Y=',
    '-----END CERTIFICATE-----'
  ].join('\n') + '\n'

/** The throwaway CA that signed it (a full chain is DEMO_CERTIFICATE_PEM + this). */
export const DEMO_CA_PEM =
  [
    '-----BEGIN CERTIFICATE-----',
    'MIIDhzCCAm+gAwIBAgIQAXeAKiJPB0mHB9yMAxTl2zANBgkqhkiG9w0BAQsFADBc',
    'MTEwLwYDVQQDEyhDZXJ0Q2VudHJhbCBzdGFuZC1pbiB0ZXN0IENBICh0aHJvd2F3',
    'YXkpMScwJQYDVQQKEx5jZXJ0Y2VudHJhbC1lbWFpbC1hY3Rpb24gdGVzdHMwHhcN',
    'MjYxMTI3MTY1OTM3WhcNMzYxMTI0MTc1OTM3WjBcMTEwLwYDVQQDEyhDZXJ0Q2Vu',
    'dHJhbCBzdGFuZC1pbiB0ZXN0IENBICh0aHJvd2F3YXkpMScwJQYDVQQKEx5jZXJ0',
    'Y2VudHJhbC1lbWFpbC1hY3Rpb24gdGVzdHMwggEiMA0GCSqGSIb3DQEBAQUAA4IB',
    'DwAwggEKAoIBAQC+E/zc+vGq0xQ4O6X59fjJn2aUvE2OC5UBzw6sPq9wA2OxMqjg',
    'yOh+vPLVJ7/ABQ7ZNIFHM/P6QgErT84ehB7QYfPy3f23oWQaxVQhSh5K3GdAebH8',
    '0Fx9PiI5sKHCUlcF64MDH96Lf5+lFJ6+eGQQ0aFwv1+9Rk/W0iLywUAcQqsB60UC',
    'syGXh8pdoYp0MCXNJlBGnlMD2CrHcQtGAauGcBzZDV2DsjXdAOD0IOKVDegRewd7',
    '2K0GoUIQlWn3fK92cxv/kLpg5OqHBGEpXzs7m/Hk4m8EOPet/jRyqiCMlebBflTr',
    's3dVqRzCr8z+6XSQNq/1XoplXed4FRGbj4s9AgMBAAGjRTBDMBIGA1UdEwEB/wQI',
    'MAYBAf8CAQAwDgYDVR0PAQH/BAQDAgEGMB0GA1UdDgQWBBTmQRSCQtDvT2l82K82',
    'oNXWsxa1vTANBgkqhkiG9w0BAQsFAAOCAQEApp1WmXqdnxrKp4Fu0/sg68Ka1qcQ',
    'VDg1kYt67vX/p4qTVshGjGbK/CZzxabhsqz4o51PDmH3ATcQU4ltV1EQnpR82AK8',
    'EYI+hsZQW5gxDjYYFJLQGPgwqhqJW3MopZcJ2S6IJHCda82jsrc31sZ9kOpNNg1C',
    'FZ6XK5PBrcZuOK7is4Kyr5lwdunwgv0TwqAJg2YxNSaoRQKKl/MFOUPoZ9BPjgXD',
    'M+ftVP/Hx6/vhu/V6xwn6NPvKP939U9tDfzbKws0ktqXgomC4Z15lojTbEtBi4D9',
    'vLykOHfKuEK28yTLaym1xBaDYUFgCxdkCnPIeFY7ucdMUjTNbMA7h0Hkjg==',
    '-----END CERTIFICATE-----'
  ].join('\n') + '\n'

/** The account, in the file format of --account. */
export const DEFAULT_ACCOUNT = {
  orders: [
    {
      id: 8001,
      status: 'issued',
      date_created: '2026-11-19T08:00:00+00:00',
      certificate: { id: 5008001, pem: DEMO_CERTIFICATE_PEM },
      additional_emails: ['web-team@example.com', 'oncall@example.org'],
      user: { id: 11, first_name: 'Ada', last_name: 'Admin', email: 'ada@example.com' },
      organization_contact: {
        first_name: 'Olga',
        last_name: 'Org',
        email: 'certificates@example.com',
        job_title: 'Security',
        telephone: '555-0100'
      },
      technical_contact: {
        first_name: 'Tom',
        last_name: 'Tech',
        email: 'tls@example.com',
        job_title: 'Ops',
        telephone: '555-0101'
      },
      custom_fields: [
        { metadata_id: 276, label: 'Owners', value: 'shop@example.com, pay@example.com' }
      ],
      duplicates: [
        {
          id: 5008011,
          common_name: 'www.example.com',
          dns_names: ['www.example.com', 'example.com'],
          serial_number: '3B7E0C9D21F4A6580E1D2C3B4A596877',
          thumbprint: 'D1E2F3A4B5C6D7E8F9A0B1C2D3E4F5A6B7C8D9E0',
          date_issued: '2026-11-21T10:15:00+00:00',
          valid_till: '2027-11-21'
        }
      ]
    },
    {
      id: 8002,
      status: 'issued',
      date_created: '2026-03-02T09:00:00+00:00',
      additional_emails: null,
      user: { id: 12, first_name: 'Sam', last_name: 'Shop', email: 'sam@shop.example.com' },
      organization_contact: [],
      technical_contact: '',
      certificate: {
        id: 5008022,
        common_name: 'shop.example.com',
        serial_number: '0F3C5A7E9B1D2F4068A1C3E5079B2D4F',
        thumbprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
        date_issued: '2026-09-10T14:00:00+00:00',
        valid_till: '2027-09-10'
      },
      reissues: [
        {
          id: 5008021,
          common_name: 'shop.example.com',
          serial_number: '2A4C6E8092B4D6F8001A3C5E7092B4D6',
          thumbprint: '0123456789ABCDEF0123456789ABCDEF01234567',
          status: 'revoked',
          date_issued: '2026-03-02T09:30:00+00:00',
          valid_till: '2027-03-02'
        }
      ]
    },
    {
      id: 8003,
      status: 'issued',
      date_created: '2026-02-01T09:00:00+00:00',
      additional_emails: [],
      user: [],
      certificate: {
        id: 5008003,
        common_name: 'api.example.com',
        serial_number: '4D2E6F8A0B1C3D5E7F9A0B2C4D6E8F01',
        thumbprint: '1111222233334444555566667777888899990000',
        date_issued: '2026-02-01T10:00:00+00:00',
        valid_till: '2027-02-01'
      }
    },
    {
      id: 8004,
      status: 'issued',
      date_created: '2026-10-01T09:00:00+00:00',
      additional_emails: ['api-team@example.com'],
      user: { id: 13, first_name: 'Ari', last_name: 'Api', email: 'ari@example.com' },
      user_assignments: [
        { id: 14, first_name: 'Una', last_name: 'User', email: 'una@example.com' }
      ],
      certificate: {
        id: 5008004,
        common_name: 'api.example.com',
        serial_number: '5E3F7A9B1C2D4E6F8A0B1C3D5E7F9A02',
        thumbprint: 'AAAABBBBCCCCDDDDEEEEFFFF0000111122223333',
        date_issued: '2026-10-01T10:00:00+00:00',
        valid_till: '2027-10-01'
      }
    },
    {
      id: 8005,
      status: 'pending',
      date_created: '2026-11-26T09:00:00+00:00',
      certificate: { id: 5008005, common_name: 'new.example.com', serial_number: '00' }
    }
  ]
}
