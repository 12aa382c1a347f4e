/**
 * Property tests over open-ended input (fast-check): arbitrary header names, values, duplicates and non-ASCII text
 * never make the core throw; verdicts are deterministic and survive storage (JSON); an exchange built to pass is
 * never reported as a failure; secrets never reach a stored record; page messages of any shape are parsed safely.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { captured } from '../test-support/exchange.ts';
import { parseHint } from './capture/events.ts';
import { toRecord } from './capture/records.ts';
import { diagnose, judge } from './diagnose.ts';
import { suggestFixes } from './fix/index.ts';
import type { Header } from './headers.ts';
import type { CredentialsMode, Exchange } from './model.ts';

const PAGE = 'https://app.example';
const API = 'https://api.example/v1/items';

/** Header names and values of every kind: CORS names in any case, tokens, empty, non-ASCII, control characters, huge. */
const headerName = fc.oneof(
  fc.constantFrom(
    'Access-Control-Allow-Origin',
    'access-control-allow-credentials',
    'ACCESS-CONTROL-ALLOW-METHODS',
    'Access-Control-Allow-Headers',
    'Access-Control-Expose-Headers',
    'Vary',
    'Location',
    'Cookie',
    'Authorization',
    'Content-Type',
  ),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
);
const headerValue = fc.oneof(
  fc.constantFrom('*', 'null', PAGE, `${PAGE}/`, 'true', 'TRUE', 'false', '', ' ', 'PUT, DELETE', 'a b', '\u0000', 'https://*.example'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.nat({ max: 70_000 }).map((n) => 'v'.repeat(n)),
);
const headerList = fc.array(fc.record({ name: headerName, value: headerValue }), { maxLength: 30 });
const credentials = fc.constantFrom<CredentialsMode>('omit', 'same-origin', 'include');

const anyExchange: fc.Arbitrary<Exchange> = fc
  .record({
    method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'patch', 'DELETE', 'OPTIONS'), fc.string({ minLength: 1, maxLength: 10 })),
    credentials,
    known: fc.boolean(),
    requestHeaders: headerList,
    preflight: fc.option(
      fc.record({ status: fc.integer({ min: 100, max: 599 }), headers: headerList, acrh: fc.string({ maxLength: 40 }) }),
    ),
    response: fc.option(fc.record({ status: fc.integer({ min: 100, max: 599 }), headers: headerList })),
    hops: fc.array(fc.record({ url: fc.webUrl(), status: fc.integer({ min: 100, max: 599 }), headers: headerList }), { maxLength: 3 }),
    error: fc.constantFrom(null, 'net::ERR_FAILED', 'net::ERR_CONNECTION_REFUSED', 'net::ERR_ABORTED'),
    initiator: fc.constantFrom('fetch', 'xhr', 'eventsource', 'font', 'image', 'other' as const),
  })
  .map((s) => ({
    request: {
      url: API,
      method: s.method,
      origin: PAGE,
      mode: 'cors' as const,
      credentials: { mode: s.credentials, source: s.known ? ('page' as const) : ('default' as const) },
      initiator: s.initiator,
      headers: s.requestHeaders,
    },
    hops: [
      {
        url: API,
        originSent: PAGE,
        requestHeaders: s.requestHeaders,
        preflight: s.preflight
          ? {
              requestHeaders: [
                { name: 'Access-Control-Request-Method', value: s.method },
                { name: 'Access-Control-Request-Headers', value: s.preflight.acrh },
              ],
              response: { status: s.preflight.status, headers: s.preflight.headers },
              error: null,
            }
          : null,
        response: s.response,
      },
      ...s.hops.map((h) => ({
        url: h.url,
        originSent: null,
        requestHeaders: [],
        preflight: null,
        response: { status: h.status, headers: h.headers },
      })),
    ],
    error: s.error,
  }));

describe('any exchange', () => {
  test('never throws, and every verdict is deterministic and survives JSON', () => {
    fc.assert(
      fc.property(anyExchange, (exchange) => {
        const a = diagnose(exchange);
        const b = diagnose(structuredClone(exchange));
        expect(b).toEqual(a);
        expect(judge(JSON.parse(JSON.stringify(exchange)) as Exchange)).toEqual(judge(exchange));
        expect(['fail', 'pass', 'lookalike']).toContain(a.result);
        expect(a.result === 'fail').toBe(a.status !== null);
        suggestFixes(exchange, a);
      }),
      { numRuns: 400 },
    );
  }, 60_000); // CPU-bound (huge headers): correctness, not speed, so a generous limit on a loaded machine

  test('a stored record never holds a secret value, whatever the headers', () => {
    const secret = fc.string({ minLength: 12, maxLength: 40 }).map((s) => `SECRET-${s}`);
    // Every kind of credential header, including names no list of secret headers would know.
    const credentialHeader = fc.constantFrom(
      'Cookie',
      'Authorization',
      'Authentication',
      'Proxy-Authorization',
      'Ocp-Apim-Subscription-Key',
      'X-Sentry-Auth',
      'X-Jwt',
      'X-Access-Key',
      'X-Bearer',
      'Referer',
      'X-Whatever',
    );
    fc.assert(
      fc.property(anyExchange, secret, credentialHeader, (exchange, value, name) => {
        const withSecrets: Exchange = {
          ...exchange,
          request: {
            ...exchange.request,
            headers: [...exchange.request.headers, { name, value }, { name: 'Authorization', value }],
          },
          hops: exchange.hops.map((h) => ({
            ...h,
            requestHeaders: [...(h.requestHeaders ?? []), { name: 'cookie', value }, { name, value }],
            response: h.response
              ? {
                  ...h.response,
                  headers: [...h.response.headers, { name: 'Set-Cookie', value }, { name: 'WWW-Authenticate', value }, { name, value }],
                }
              : null,
          })),
        };
        const record = toRecord(captured(withSecrets));
        if (record) expect(JSON.stringify(record)).not.toContain(value);
      }),
      { numRuns: 200 },
    );
  });

  test('a stored record never holds a secret planted in a URL: query values, a URL in a query, user info, fragment, Location', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9]{6,30}$/).map((s) => `tok${s}9Z`);
    const param = fc.constantFrom(
      'access_token',
      'token',
      'api_key',
      'apiKey',
      'password',
      'code',
      'client_secret',
      'X-Amz-Signature',
      'sig',
    );
    fc.assert(
      fc.property(anyExchange, token, param, (exchange, value, name) => {
        const nested = encodeURIComponent(`https://app.example/cb?${name}=${value}`);
        const url = (u: string) => `${u.replace('://', `://alice:${value}@`)}?${name}=${value}&next=${nested}#access_token=${value}`;
        const withSecrets: Exchange = {
          ...exchange,
          request: { ...exchange.request, url: url(exchange.request.url) },
          hops: exchange.hops.map((h) => ({
            ...h,
            url: url(h.url),
            response: h.response ? { ...h.response, headers: [...h.response.headers, { name: 'Location', value: url(API) }] } : null,
          })),
        };
        const record = toRecord(captured(withSecrets));
        if (record) expect(JSON.stringify(record)).not.toContain(value);
      }),
      { numRuns: 200 },
    );
  });
});

/** Exchanges built to pass: the right headers (in any case, padded, among noise), everything the request needs allowed. */
const passingExchange: fc.Arbitrary<Exchange> = fc
  .record({
    credentials,
    wildcard: fc.boolean(),
    caseOf: fc.constantFrom(
      (s: string) => s,
      (s: string) => s.toUpperCase(),
      (s: string) => s.toLowerCase(),
    ),
    pad: fc.constantFrom('', ' ', '\t', '  '),
    noise: fc.array(fc.record({ name: fc.stringMatching(/^x-[a-z]{1,8}$/), value: fc.string({ maxLength: 30 }) }), { maxLength: 8 }),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'patch'),
    custom: fc.uniqueArray(fc.stringMatching(/^x-[a-z]{1,8}$/), { maxLength: 5 }),
    status: fc.integer({ min: 200, max: 599 }),
  })
  .map((s) => {
    const include = s.credentials === 'include';
    const allowOrigin = s.wildcard && !include ? '*' : PAGE;
    const cors = (extra: Header[]): Header[] => [
      ...s.noise,
      { name: s.caseOf('Access-Control-Allow-Origin'), value: `${s.pad}${allowOrigin}${s.pad}` },
      ...(include ? [{ name: s.caseOf('Access-Control-Allow-Credentials'), value: `${s.pad}true` }] : []),
      ...extra,
    ];
    const preflighted = !['GET', 'POST'].includes(s.method) || s.custom.length > 0;
    const requestHeaders = s.custom.map((name) => ({ name, value: '1' }));
    return {
      request: {
        url: API,
        method: s.method,
        origin: PAGE,
        mode: 'cors' as const,
        credentials: { mode: s.credentials, source: 'page' as const },
        initiator: 'fetch' as const,
        headers: requestHeaders,
      },
      hops: [
        {
          url: API,
          originSent: PAGE,
          requestHeaders,
          preflight: preflighted
            ? {
                requestHeaders: [
                  { name: 'Access-Control-Request-Method', value: s.method },
                  ...(s.custom.length > 0 ? [{ name: 'Access-Control-Request-Headers', value: [...s.custom].sort().join(',') }] : []),
                ],
                response: {
                  status: 204,
                  headers: cors([
                    { name: 'Access-Control-Allow-Methods', value: `GET, ${s.method}` },
                    { name: 'Access-Control-Allow-Headers', value: s.custom.map(s.caseOf).join(', ') },
                  ]),
                },
                error: null,
              }
            : null,
          // The actual response's status never matters to CORS: a 404 or 500 with the right headers passes.
          response: { status: s.status, headers: cors([]) },
        },
      ],
      error: null,
    };
  });

test('an exchange built to pass is never a failure', () => {
  fc.assert(
    fc.property(passingExchange, (exchange) => {
      const d = diagnose(exchange);
      expect(d.status).toBeNull();
      expect(d.result).toBe('pass');
    }),
    { numRuns: 500 },
  );
});

test('page messages of any shape are parsed safely: a valid hint or null', () => {
  fc.assert(
    fc.property(fc.anything(), (value) => {
      const hint = parseHint(value);
      if (hint !== null) {
        expect(['fetch', 'xhr', 'eventsource']).toContain(hint.api);
        expect(hint.url).toMatch(/^https?:\/\//i);
      }
    }),
    { numRuns: 1000 },
  );
});
