import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isSecretName, keepsValue, looksSecret, MAX_HEADERS, MAX_VALUE, REDACTED, redactHeaders, redactUrl } from './redact.ts';

describe('redactUrl', () => {
  test.each([
    ['https://api.example/v1/items?id=42&page=2', 'https://api.example/v1/items?id=42&page=2'],
    ['https://api.example/cb?code=4/0AbCd&state=xyz', `https://api.example/cb?code=${REDACTED}&state=xyz`],
    ['https://api.example/x?access_token=abc&q=shoes', `https://api.example/x?access_token=${REDACTED}&q=shoes`],
    ['https://api.example/x?apiKey=k1&X-Amz-Signature=ff', `https://api.example/x?apiKey=${REDACTED}&X-Amz-Signature=${REDACTED}`],
    ['https://api.example/x?password=hunter2', `https://api.example/x?password=${REDACTED}`],
    ['https://u:p@api.example/x', `https://${REDACTED}@api.example/x`],
    ['https://user@api.example/x', `https://${REDACTED}@api.example/x`],
    ['https://app.example/#access_token=abc', `https://app.example/#${REDACTED}`],
    ['https://app.example/#', 'https://app.example/#'],
    ['https://api.example/x?empty=&flag', 'https://api.example/x?empty=&flag'],
    ['https://api.example/x?t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijkl', `https://api.example/x?t=${REDACTED}`],
    ['https://api.example/x?u=sk_live_51HxYzAbCdEf1234567890', `https://api.example/x?u=${REDACTED}`],
    [
      `https://api.example/login?next=${encodeURIComponent('https://app.example/cb?access_token=abc&x=1')}`,
      `https://api.example/login?next=${encodeURIComponent(`https://app.example/cb?access_token=${REDACTED}&x=1`).replace(/%5B/g, '[').replace(/%5D/g, ']')}`,
    ],
    [`https://api.example/go?to=${encodeURIComponent('/path?page=2')}`, `https://api.example/go?to=${encodeURIComponent('/path?page=2')}`],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  test('keeps a redirect to a URL with credentials recognisable as one', () => {
    const u = new URL(redactUrl('https://alice:s3cret@api.example/'));
    expect(u.username).not.toBe('');
    expect(redactUrl('https://alice:s3cret@api.example/')).not.toContain('s3cret');
  });

  test('leaves structured values alone (a scenario spec in a query)', () => {
    const url = `http://127.0.0.1:8802/cors?id=acac-mx3wy4e1-0&h=${encodeURIComponent(JSON.stringify({ 'access-control-allow-origin': '$ORIGIN' }))}`;
    expect(redactUrl(url)).toBe(url);
  });

  test('is idempotent', () => {
    fc.assert(fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (u) => redactUrl(redactUrl(u)) === redactUrl(u)));
  });
});

describe('secret names and shapes', () => {
  test.each([
    'token',
    'access_token',
    'refreshToken',
    'api-key',
    'APIKEY',
    'client_secret',
    'sessionId',
    'sid',
    'X-Amz-Credential',
    'sig',
    'otp',
  ])('%s is a secret name', (name) => expect(isSecretName(name)).toBe(true));
  test.each(['id', 'page', 'q', 'sort', 'monkey', 'keyboard_layout', 'state', 'b', 'h'])('%s is not', (name) =>
    expect(isSecretName(name)).toBe(false),
  );
  test.each([
    'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
    'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
    'AKIAIOSFODNN7EXAMPLE',
    'dGhpcyBpcyBhIHNlY3JldCB0b2tlbg2x',
  ])('%s looks secret', (v) => expect(looksSecret(v)).toBe(true));
  test.each([
    '42',
    'shoes',
    'acac-mx3wy4e1-0',
    'fetch-acac-absent-mx3yq36g-0',
    'fetch-acac-TRUE-mx3yu24t-2',
    '2026-11-30',
    'application/json',
    'hello world this is long text',
    '123e4567-e89b-12d3-a456-426614174000',
  ])('%s does not', (v) => expect(looksSecret(v)).toBe(false));
});

describe('redactHeaders', () => {
  test('keeps CORS values, names only for everything else', () => {
    const out = redactHeaders(
      [
        { name: 'Access-Control-Allow-Origin', value: 'https://app.example' },
        { name: 'Ocp-Apim-Subscription-Key', value: 'k' },
        { name: 'WWW-Authenticate', value: 'Bearer realm="x"' },
        { name: 'Set-Cookie', value: 'sid=1' },
        { name: 'Location', value: 'https://api.example/next?token=abc' },
      ],
      'response',
    );
    expect(out).toEqual([
      { name: 'Access-Control-Allow-Origin', value: 'https://app.example' },
      { name: 'Ocp-Apim-Subscription-Key', value: '', redacted: true },
      { name: 'WWW-Authenticate', value: '', redacted: true },
      { name: 'Set-Cookie', value: '', redacted: true },
      { name: 'Location', value: `https://api.example/next?token=${REDACTED}` },
    ]);
  });

  test('request headers: safelisted values kept, credentials and custom headers by name only', () => {
    expect(keepsValue('Content-Type', 'request')).toBe(true);
    expect(keepsValue('Origin', 'request')).toBe(true);
    for (const n of ['Authorization', 'Authentication', 'Cookie', 'X-Jwt', 'X-Access-Key', 'X-Bearer', 'X-Sentry-Auth', 'Referer', 'x-foo'])
      expect(keepsValue(n, 'request')).toBe(false);
  });

  test('shortens a 64 KB value and records its length', () => {
    const [h] = redactHeaders([{ name: 'Access-Control-Allow-Origin', value: 'v'.repeat(65536) }], 'response');
    expect(h?.value.length).toBe(MAX_VALUE);
    expect(h?.truncatedFrom).toBe(65536);
  });

  test('cuts a list of 500 headers and says how many were left out', () => {
    const out = redactHeaders(
      Array.from({ length: 500 }, (_, i) => ({ name: `x-${i}`, value: String(i) })),
      'response',
    );
    expect(out).toHaveLength(MAX_HEADERS + 1);
    expect(out.at(-1)?.value).toBe(`${500 - MAX_HEADERS} more header lines were not kept`);
  });

  test('a long list keeps every line a diagnosis reads, wherever it stands', () => {
    const noise = Array.from({ length: 200 }, (_, i) => ({ name: `x-${i}`, value: 'v' }));
    const out = redactHeaders([...noise, { name: 'Access-Control-Allow-Origin', value: '*' }], 'response');
    expect(out.find((h) => h.name === 'Access-Control-Allow-Origin')?.value).toBe('*');
  });

  test('a NUL byte in a withheld value is still seen (the browser rejects such a response)', () => {
    expect(redactHeaders([{ name: 'x-evil', value: 'a\0b' }], 'response')).toEqual([{ name: 'x-evil', value: '\0', redacted: true }]);
  });

  test('a planted secret in any non-allowlisted header never survives', () => {
    const secret = 'S3CR3T-d1b9c0e7';
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.constantFrom<'request' | 'response'>('request', 'response'),
        (name, where) => {
          fc.pre(!keepsValue(name, where) && !name.includes(secret));
          return !JSON.stringify(redactHeaders([{ name, value: `x ${secret} y` }], where)).includes(secret);
        },
      ),
    );
  });
});
