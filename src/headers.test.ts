/** Secrets never stored or shown; long values shortened with their length; header lines combined as Chromium does. */
import { describe, expect, test } from 'vitest';
import { headerValue, isSecretHeader, MAX_STORED_HEADERS, MAX_STORED_VALUE, sanitizeHeaders } from './headers.ts';

describe('isSecretHeader', () => {
  test.each([
    'Cookie',
    'set-cookie',
    'Authorization',
    'Proxy-Authorization',
    'X-API-Key',
    'x-auth-token',
    'X-CSRF-Token',
    'x-session-id',
    'X-Amz-Security-Token',
  ])('%s is secret', (name) => expect(isSecretHeader(name)).toBe(true));
  test.each([
    'Access-Control-Allow-Credentials',
    'Access-Control-Allow-Headers',
    'Origin',
    'Content-Type',
    'Vary',
    'Sec-Fetch-Storage-Access',
    'WWW-Authenticate',
  ])('%s is not secret', (name) => expect(isSecretHeader(name)).toBe(false));
});

describe('sanitizeHeaders', () => {
  test('keeps the presence of a secret, never its value', () => {
    const out = sanitizeHeaders([
      { name: 'Cookie', value: 'sid=s3cr3t' },
      { name: 'Authorization', value: 'Bearer abc' },
      { name: 'Accept', value: '*/*' },
    ]);
    expect(out).toEqual([
      { name: 'Cookie', value: '', redacted: true },
      { name: 'Authorization', value: '', redacted: true },
      { name: 'Accept', value: '*/*' },
    ]);
    expect(JSON.stringify(out)).not.toContain('s3cr3t');
  });
  test('shortens a 64 KB value and records its length', () => {
    const [h] = sanitizeHeaders([{ name: 'x-big', value: 'v'.repeat(65536) }]);
    expect(h?.value.length).toBe(MAX_STORED_VALUE);
    expect(h?.truncatedFrom).toBe(65536);
  });
  test('cuts a list of 500 headers and says how many were left out', () => {
    const out = sanitizeHeaders(Array.from({ length: 500 }, (_, i) => ({ name: `x-${i}`, value: String(i) })));
    expect(out).toHaveLength(MAX_STORED_HEADERS + 1);
    expect(out.at(-1)?.value).toBe('400 more header lines were not stored');
  });
});

test('repeated lines are joined with ", " as Chromium does', () => {
  expect(
    headerValue(
      [
        { name: 'Access-Control-Allow-Origin', value: 'a' },
        { name: 'access-control-allow-origin', value: 'b' },
      ],
      'ACCESS-CONTROL-ALLOW-ORIGIN',
    ),
  ).toBe('a, b');
  expect(headerValue([], 'x')).toBeNull();
});
