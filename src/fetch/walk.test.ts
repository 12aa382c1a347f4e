/**
 * The browser's side of a CORS fetch, walked against scripted answers. Expectations: the wire requests Chromium 156
 * wrote in the conformance corpus (header names, case, order), the Fetch standard's redirect steps, and the verdicts
 * Chromium recorded for the same situations.
 */
import { describe, expect, test } from 'vitest';
import { diagnose } from '../diagnose.ts';
import type { HeaderList } from '../headers.ts';
import { callProblem, type FetchCall, requestHeadersValue, siteRelation } from './call.ts';
import { MAX_REDIRECTS, runWalk, type WireOutcome, type WireRequest } from './walk.ts';

const PAGE = 'https://app.example';
const API = 'https://api.example/v1/items';
const ECHO = { 'Access-Control-Allow-Origin': PAGE };

function call(spec: Partial<FetchCall> = {}): FetchCall {
  return {
    url: API,
    origin: PAGE,
    method: 'GET',
    headers: [],
    body: null,
    credentials: 'same-origin',
    api: 'fetch',
    userAgent: 'test-agent/1',
    cookie: null,
    ...spec,
  };
}

const lines = (spec: Record<string, string>): HeaderList => Object.entries(spec).map(([name, value]) => ({ name, value }));
const answer = (status: number, headers: Record<string, string> = {}): WireOutcome => ({ response: { status, headers: lines(headers) } });

/** Runs a call against a script of answers; returns the exchange and every wire request sent. */
async function walk(c: FetchCall, server: (r: WireRequest) => WireOutcome) {
  const sent: WireRequest[] = [];
  const exchange = await runWalk(c, async (r) => {
    sent.push(r);
    return server(r);
  });
  return { exchange, sent, diagnosis: diagnose(exchange) };
}

const names = (r: WireRequest | undefined) => r?.headers.map((h) => h.name);

describe('a simple request', () => {
  test('goes out alone, with the headers Chromium adds, in its order', async () => {
    const { sent, exchange, diagnosis } = await walk(call(), () => answer(200, ECHO));
    expect(sent.map((r) => [r.kind, r.method])).toEqual([['request', 'GET']]);
    expect(names(sent[0])).toEqual(['User-Agent', 'Accept', 'Origin', 'Sec-Fetch-Site', 'Sec-Fetch-Mode', 'Sec-Fetch-Dest', 'Referer']);
    expect(sent[0]?.headers.find((h) => h.name === 'Sec-Fetch-Site')?.value).toBe('cross-site');
    expect(exchange.error).toBeNull();
    expect(diagnosis.result).toBe('pass');
  });
  test('refused: the exchange ends with the CORS error and the engine names it', async () => {
    const { exchange, diagnosis } = await walk(call(), () => answer(200));
    expect(exchange.error).toBe('net::ERR_FAILED');
    expect(diagnosis.status?.corsError).toBe('MissingAllowOriginHeader');
  });
  test('same-origin GET sends no Origin and no preflight, whatever its headers', async () => {
    const { sent } = await walk(call({ url: `${PAGE}/x`, headers: lines({ 'X-A': '1' }) }), () => answer(200));
    expect(sent.map((r) => r.kind)).toEqual(['request']);
    expect(names(sent[0])).not.toContain('Origin');
    expect(sent[0]?.headers.find((h) => h.name === 'Sec-Fetch-Site')?.value).toBe('same-origin');
  });
  test('no fetch metadata to an http URL that is not loopback; the preflight keeps Sec-Fetch-Mode (recorded m-insecure-page-*)', async () => {
    const { sent } = await walk(call({ url: 'http://api.test/x', origin: 'http://page.test', method: 'PUT' }), (r) =>
      r.kind === 'preflight'
        ? answer(204, { 'Access-Control-Allow-Origin': 'http://page.test', 'Access-Control-Allow-Methods': 'PUT' })
        : answer(200, { 'Access-Control-Allow-Origin': 'http://page.test' }),
    );
    expect(names(sent[0])).toEqual(['Accept', 'Access-Control-Request-Method', 'Origin', 'User-Agent', 'Sec-Fetch-Mode', 'Referer']);
    expect(names(sent[1])).toEqual(['User-Agent', 'Accept', 'Origin', 'Referer']);
  });
  test('a text body gets Content-Type text/plain;charset=UTF-8, which needs no preflight', async () => {
    const { sent } = await walk(call({ method: 'post', body: 'x' }), () => answer(200, ECHO));
    expect(sent.map((r) => [r.kind, r.method, r.body])).toEqual([['request', 'POST', 'x']]);
    expect(sent[0]?.headers).toContainEqual({ name: 'Content-Type', value: 'text/plain;charset=UTF-8' });
  });
  test('the cookie goes only with credentials, on the request itself', async () => {
    const { sent } = await walk(call({ credentials: 'include', cookie: 'sid=1', method: 'PUT' }), (r) =>
      r.kind === 'preflight'
        ? answer(204, { ...ECHO, 'Access-Control-Allow-Credentials': 'true', 'Access-Control-Allow-Methods': 'PUT' })
        : answer(200, { ...ECHO, 'Access-Control-Allow-Credentials': 'true' }),
    );
    expect(names(sent[0])).not.toContain('Cookie');
    expect(sent[1]?.headers).toContainEqual({ name: 'Cookie', value: 'sid=1' });
  });
});

describe('the preflight', () => {
  test('for a method: its lines in Chromium order and case, then the request', async () => {
    const { sent } = await walk(call({ method: 'PUT' }), (r) =>
      r.kind === 'preflight' ? answer(204, { ...ECHO, 'Access-Control-Allow-Methods': 'PUT' }) : answer(200, ECHO),
    );
    expect(sent.map((r) => [r.kind, r.method])).toEqual([
      ['preflight', 'OPTIONS'],
      ['request', 'PUT'],
    ]);
    expect(sent[0]?.headers).toEqual(
      lines({
        Accept: '*/*',
        'Access-Control-Request-Method': 'PUT',
        Origin: PAGE,
        'User-Agent': 'test-agent/1',
        'Sec-Fetch-Mode': 'cors',
        'Sec-Fetch-Site': 'cross-site',
        'Sec-Fetch-Dest': 'empty',
        Referer: `${PAGE}/`,
      }),
    );
  });
  test('for headers: the unsafe names, lower-cased, sorted, joined by a bare comma; safelisted ones left out', async () => {
    const headers = lines({ 'X-B': '1', Accept: 'text/plain', 'X-A': '2', 'Content-Type': 'application/json' });
    expect(requestHeadersValue(headers)).toBe('content-type,x-a,x-b');
    const { sent } = await walk(call({ headers }), () => answer(204, ECHO));
    expect(sent[0]?.headers[2]).toEqual({ name: 'Access-Control-Request-Headers', value: 'content-type,x-a,x-b' });
  });
  test('a lower-case method is sent as written: fetch upper-cases only the six standard ones', async () => {
    const { sent, diagnosis } = await walk(call({ method: 'patch' }), () =>
      answer(204, { ...ECHO, 'Access-Control-Allow-Methods': 'PATCH' }),
    );
    expect(sent[0]?.headers[1]).toEqual({ name: 'Access-Control-Request-Method', value: 'patch' });
    expect(sent).toHaveLength(1);
    expect(diagnosis.status).toEqual({ corsError: 'MethodDisallowedByPreflightResponse', failedParameter: 'patch' });
  });
  test('a refused preflight stops the browser: the request is never sent', async () => {
    const { sent, exchange, diagnosis } = await walk(call({ headers: lines({ 'X-A': '1' }) }), () => answer(204, ECHO));
    expect(sent.map((r) => r.kind)).toEqual(['preflight']);
    expect(exchange.hops[0]?.requestHeaders).toBeNull();
    expect(diagnosis.status).toEqual({ corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'x-a' });
  });
  test("a network error on the preflight is the exchange's error, recorded on the preflight", async () => {
    const { exchange, diagnosis } = await walk(call({ method: 'DELETE' }), () => ({ error: 'net::ERR_CONNECTION_REFUSED' }));
    expect(exchange.error).toBe('net::ERR_CONNECTION_REFUSED');
    expect(exchange.hops[0]?.preflight?.error).toBe('net::ERR_CONNECTION_REFUSED');
    expect(diagnosis.lookalike).toBe('network-error');
  });
  test('EventSource never preflights, and asks for an event stream', async () => {
    const { sent } = await walk(call({ api: 'eventsource' }), () => answer(200, ECHO));
    expect(sent.map((r) => r.kind)).toEqual(['request']);
    expect(sent[0]?.headers.slice(0, 2)).toEqual(lines({ Pragma: 'no-cache', 'Cache-Control': 'no-cache' }));
    expect(sent[0]?.headers).toContainEqual({ name: 'Accept', value: 'text/event-stream' });
  });
});

describe('redirects', () => {
  const OTHER = 'https://other.example/next';
  test('a cross-origin redirect from a cross-origin URL taints the origin: the next hop sends Origin: null', async () => {
    const { sent, exchange, diagnosis } = await walk(call(), (r) =>
      r.url === API ? answer(302, { ...ECHO, Location: OTHER }) : answer(200, { 'Access-Control-Allow-Origin': 'null' }),
    );
    expect(sent.map((r) => r.url)).toEqual([API, OTHER]);
    expect(sent[1]?.headers).toContainEqual({ name: 'Origin', value: 'null' });
    expect(exchange.hops.map((h) => h.originSent)).toEqual([PAGE, 'null']);
    expect(diagnosis.result).toBe('pass');
  });
  test('a preflighted request is preflighted again at each new hop, with the tainted origin', async () => {
    const { sent } = await walk(call({ method: 'PUT' }), (r) => {
      if (r.kind === 'preflight') return answer(204, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'PUT' });
      return r.url === API
        ? answer(307, { 'Access-Control-Allow-Origin': '*', Location: OTHER })
        : answer(200, { 'Access-Control-Allow-Origin': '*' });
    });
    expect(sent.map((r) => `${r.kind} ${r.url}`)).toEqual([`preflight ${API}`, `request ${API}`, `preflight ${OTHER}`, `request ${OTHER}`]);
    expect(sent[2]?.headers).toContainEqual({ name: 'Origin', value: 'null' });
  });
  test('the redirect response is CORS-checked: refused, it is not followed', async () => {
    const { sent, diagnosis } = await walk(call(), () => answer(302, { Location: OTHER }));
    expect(sent).toHaveLength(1);
    expect(diagnosis.status?.corsError).toBe('MissingAllowOriginHeader');
    expect(diagnosis.stage).toBe('redirect');
  });
  test('303 turns POST into GET without body and without the body headers; Authorization is dropped across origins', async () => {
    const headers = lines({ 'Content-Type': 'text/plain', Authorization: 'Bearer t' });
    const { sent } = await walk(call({ method: 'POST', body: 'x', headers }), (r) => {
      if (r.kind === 'preflight') return answer(204, { ...ECHO, 'Access-Control-Allow-Headers': 'authorization' });
      return r.url === API ? answer(303, { ...ECHO, Location: OTHER }) : answer(200, { 'Access-Control-Allow-Origin': '*' });
    });
    const last = sent[sent.length - 1];
    expect([last?.kind, last?.method, last?.body]).toEqual(['request', 'GET', null]);
    expect(names(last)).not.toContain('Content-Type');
    expect(names(last)).not.toContain('Authorization');
  });
  test('307 keeps the method and the body', async () => {
    const { sent } = await walk(call({ method: 'POST', body: 'x' }), (r) =>
      r.url === API ? answer(307, { ...ECHO, Location: OTHER }) : answer(200, { 'Access-Control-Allow-Origin': '*' }),
    );
    expect(sent.map((r) => [r.method, r.body])).toEqual([
      ['POST', 'x'],
      ['POST', 'x'],
    ]);
  });
  test(`more than ${MAX_REDIRECTS} redirects is a network error`, async () => {
    let n = 0;
    const { sent, exchange } = await walk(call(), () => answer(302, { 'Access-Control-Allow-Origin': '*', Location: `${API}?${++n}` }));
    expect(sent).toHaveLength(MAX_REDIRECTS + 1);
    expect(exchange.error).toBe('net::ERR_TOO_MANY_REDIRECTS');
  });
  test('a redirect to another scheme is not followed', async () => {
    const { exchange } = await walk(call(), () => answer(302, { ...ECHO, Location: 'data:text/plain,x' }));
    expect(exchange.error).toBe('net::ERR_UNSAFE_REDIRECT');
  });
  test('credentials in a cross-origin Location are a CORS error (RedirectContainsCredentials)', async () => {
    const { diagnosis, sent } = await walk(call(), () => answer(302, { ...ECHO, Location: 'https://u:p@other.example/' }));
    expect(sent).toHaveLength(1);
    expect(diagnosis.status?.corsError).toBe('RedirectContainsCredentials');
  });
  test('credentials in a same-origin Location: Blink aborts (recorded m-redirect-page-to-page-userinfo)', async () => {
    const { exchange } = await walk(call({ url: `${PAGE}/a` }), () => answer(302, { Location: 'https://u:p@app.example/b' }));
    expect(exchange.error).toBe('net::ERR_ABORTED');
  });
  test('a same-origin URL redirecting to another origin starts CORS there: Origin appears, the preflight too', async () => {
    const { sent } = await walk(call({ url: `${PAGE}/a`, headers: lines({ 'X-A': '1' }) }), (r) =>
      r.url.startsWith(PAGE) ? answer(302, { Location: OTHER }) : answer(204, { ...ECHO, 'Access-Control-Allow-Headers': 'x-a' }),
    );
    expect(sent.map((r) => `${r.kind} ${r.url}`)).toEqual([`request ${PAGE}/a`, `preflight ${OTHER}`, `request ${OTHER}`]);
    // Added by the redirect, Origin comes after the Sec-Fetch headers (recorded: m-redirect-page-to-api-echo).
    expect(names(sent[2])?.slice(-3)).toEqual(['Sec-Fetch-Dest', 'Origin', 'Referer']);
    expect(sent[2]?.headers).toContainEqual({ name: 'Origin', value: PAGE });
  });
  test('an unparsable Location on a redirect status is a network error', async () => {
    const { exchange } = await walk(call(), () => answer(302, { ...ECHO, Location: 'http://[bad' }));
    expect(exchange.error).toBe('net::ERR_INVALID_REDIRECT');
  });
});

describe('invalid responses', () => {
  test('a NUL byte in a header line is net::ERR_INVALID_HTTP_RESPONSE, not a CORS error (recorded wpt-origin-23)', async () => {
    const { exchange, diagnosis } = await walk(call(), () => answer(200, { 'Access-Control-Allow-Origin': `${PAGE}\0` }));
    expect(exchange.error).toBe('net::ERR_INVALID_HTTP_RESPONSE');
    expect(diagnosis.status).toBeNull();
  });
});

describe('calls the browser refuses before sending anything', () => {
  test.each([
    [{ url: 'ftp://x.example/' }, 'only http and https'],
    [{ url: 'https://u:p@api.example/' }, 'user:password@'],
    [{ origin: 'https://app.example/' }, 'not an origin'],
    [{ origin: 'app.example' }, 'not an origin'],
    [{ method: 'GE T' }, 'not a valid method'],
    [{ method: 'trace' }, 'never send method'],
    [{ headers: lines({ 'Bad Name': '1' }) }, 'not a valid header name'],
    [{ headers: lines({ 'X-A': 'a\nb' }) }, 'NUL, CR or LF'],
    [{ headers: lines({ 'X-A': 'caf\u00e9 \u2603' }) }, 'above U+00FF'],
    [{ headers: lines({ Cookie: 'a=1' }) }, 'cannot set Cookie'],
    [{ headers: lines({ Origin: 'x' }) }, 'forbids it'],
    [{ headers: lines({ 'User-Agent': 'x' }) }, 'sets it itself'],
    [{ method: 'get', body: 'x' }, 'GET request cannot have a body'],
    [{ api: 'eventsource', method: 'POST', body: 'x' }, 'EventSource always uses GET'],
    [{ cookie: 'a=1' }, "credentials mode 'include'"],
  ] as [Partial<FetchCall>, string][])('%j', (spec, message) => {
    expect(callProblem(call(spec))).toContain(message);
  });
  test('a call a page can make has no problem; "null" is an origin', () => {
    expect(callProblem(call({ headers: lines({ 'X-A': '1' }), method: 'patch' }))).toBeNull();
    expect(callProblem(call({ origin: 'null' }))).toBeNull();
  });
});

describe('Sec-Fetch-Site', () => {
  test.each([
    ['https://app.example', 'https://app.example/x', 'same-origin'],
    ['http://localhost:8801', 'http://localhost:8802/x', 'same-site'],
    ['http://localhost:8801', 'http://127.0.0.1:8802/x', 'cross-site'],
    ['https://app.example.co.uk', 'https://api.example.co.uk/', 'same-site'],
    ['https://a.co.uk', 'https://b.co.uk/', 'cross-site'],
    ['http://app.example', 'https://app.example/', 'cross-site'],
    ['null', 'https://app.example/', 'cross-site'],
  ])('%s -> %s is %s', (origin, url, relation) => {
    expect(siteRelation(origin, url)).toBe(relation);
  });
});
