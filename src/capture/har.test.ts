/**
 * Exchanges from DevTools' network log. The entries below have the shapes Chromium 156 delivers to a devtools page
 * (recorded with a probe extension, docs/capture.md); the verdicts come from the engine, held to Chromium by the
 * conformance corpus, and the live replay through real DevTools holds the whole path to CDP (e2e).
 */
import { describe, expect, test } from 'vitest';
import { headers } from '../../test-support/exchange.ts';
import { judge } from '../diagnose.ts';
import { HarAssembler, type HarEntry } from './har.ts';

const PAGE = 'http://localhost:8801';
const API = 'http://127.0.0.1:8802';
let clock = 1_000_000;

function entry(over: Partial<HarEntry> & { url: string }): HarEntry {
  return {
    started: clock++,
    resourceType: 'fetch',
    preflightFor: null,
    method: 'GET',
    requestHeaders: headers({ Origin: PAGE, 'Sec-Fetch-Mode': 'cors' }),
    status: 200,
    responseHeaders: [],
    error: null,
    ...over,
  };
}

function preflight(
  url: string,
  method: string,
  response: Record<string, string>,
  status = 204,
  extra: Record<string, string> = {},
): HarEntry {
  return entry({
    url,
    method: 'OPTIONS',
    resourceType: 'preflight',
    preflightFor: url,
    requestHeaders: headers({ 'Access-Control-Request-Method': method, Origin: PAGE, 'Sec-Fetch-Mode': 'cors', ...extra }),
    status,
    responseHeaders: headers(response),
  });
}

function run(entries: HarEntry[], options = {}) {
  const a = new HarAssembler(options);
  for (const e of entries) a.add(e, 0);
  return a.take(1_000);
}

describe('HarAssembler', () => {
  test('a credentialed request refused for a missing Access-Control-Allow-Credentials (InvalidAllowCredentials)', () => {
    const [x] = run([
      entry({
        url: `${API}/cors?id=1`,
        requestHeaders: headers({ Origin: PAGE, 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Storage-Access': 'active' }),
        responseHeaders: headers({ 'access-control-allow-origin': PAGE }),
        error: 'net::ERR_FAILED',
      }),
    ]);
    expect(x?.exchange.request.credentials).toEqual({ mode: 'include', source: 'storage-access-header' });
    expect(x && judge(x.exchange).verdict.status?.corsError).toBe('InvalidAllowCredentials');
    expect(x?.method).toBe('GET');
  });

  test('a request stopped by its preflight: the request entry has status 0 and no headers', () => {
    const url = `${API}/cors?id=2`;
    const [x] = run([
      preflight(url, 'PUT', {}, 204, { 'Access-Control-Request-Headers': 'x-foo' }),
      entry({ url, method: 'PUT', status: 0, requestHeaders: [], error: 'net::ERR_FAILED' }),
    ]);
    expect(x?.exchange.hops[0]?.requestHeaders).toBeNull();
    expect(x?.exchange.hops[0]?.originSent).toBe(PAGE);
    expect(x?.exchange.request.headers.map((h) => h.name)).toEqual(['x-foo']);
    expect(x && judge(x.exchange).verdict.status?.corsError).toBe('PreflightMissingAllowOriginHeader');
  });

  test('a preflight whose entry comes just after the request it was for is still paired', () => {
    const url = `${API}/cors?id=3`;
    const [x] = run([
      entry({ url, method: 'DELETE', status: 0, requestHeaders: [], error: 'net::ERR_FAILED' }),
      preflight(url, 'DELETE', { 'access-control-allow-origin': PAGE }, 401),
    ]);
    expect(x && judge(x.exchange).verdict.status?.corsError).toBe('PreflightInvalidStatus');
  });

  test('a request stopped by a redirected preflight waits for the preflight DevTools lists hundreds of ms later', () => {
    const url = `${API}/cors?id=3r`;
    const a = new HarAssembler({ settleMs: 60, preflightWaitMs: 1000 });
    a.add(entry({ url, method: 'PUT', status: 0, requestHeaders: [], error: 'net::ERR_FAILED' }), 0);
    expect(a.take(300)).toEqual([]);
    const late = preflight(url, 'PUT', { location: '/cors?moved=1' }, 302);
    a.add({ ...late, error: 'net::ERR_INVALID_REDIRECT' }, 400);
    const [x] = a.take(460);
    expect(x && judge(x.exchange).verdict.status?.corsError).toBe('PreflightDisallowedRedirect');
    // A request that never left and had no preflight is given up on after the wait, not kept.
    a.add(entry({ url: `${API}/refused`, status: 0, requestHeaders: [], error: 'net::ERR_CONNECTION_REFUSED' }), 500);
    expect(a.take(1000)).toEqual([]);
    expect(a.take(1500)).toHaveLength(1);
  });

  test('preflight passed, the actual response refused', () => {
    const url = `${API}/cors?id=4`;
    const [x] = run([
      preflight(url, 'PUT', {
        'access-control-allow-origin': PAGE,
        'access-control-allow-methods': 'PUT',
        'access-control-allow-headers': 'x-foo',
      }),
      entry({ url, method: 'PUT', requestHeaders: headers({ Origin: PAGE, 'x-foo': '1' }), responseHeaders: [], error: 'net::ERR_FAILED' }),
    ]);
    expect(x?.exchange.hops[0]?.preflight?.response?.status).toBe(204);
    expect(x && judge(x.exchange).verdict.status?.corsError).toBe('MissingAllowOriginHeader');
  });

  test('a redirect chain is followed back from the entry that failed; the Origin became null', () => {
    const next = `http://localhost:8802/cors?id=final`;
    const [x] = run([
      entry({
        url: `${API}/cors?id=redir`,
        status: 302,
        responseHeaders: headers({ 'access-control-allow-origin': PAGE, 'access-control-allow-credentials': 'true', location: next }),
      }),
      entry({ url: next, requestHeaders: headers({ Origin: 'null', 'Sec-Fetch-Mode': 'cors' }), error: 'net::ERR_FAILED' }),
    ]);
    expect(x?.exchange.hops.map((h) => h.url)).toEqual([`${API}/cors?id=redir`, next]);
    expect(x?.exchange.request.url).toBe(`${API}/cors?id=redir`);
    expect(x?.url).toBe(next);
    expect(x && judge(x.exchange).verdict.status?.corsError).toBe('MissingAllowOriginHeader');
  });

  test('two Access-Control-Allow-Origin lines stay two lines', () => {
    const [x] = run([
      entry({ url: `${API}/m`, responseHeaders: headers({ 'access-control-allow-origin': [PAGE, PAGE] }), error: 'net::ERR_FAILED' }),
    ]);
    expect(x && judge(x.exchange).verdict.status?.corsError).toBe('MultipleAllowOriginValues');
  });

  test('identical preflighted requests at once each take their own preflight', () => {
    const url = `${API}/same`;
    const out = run([
      preflight(url, 'PUT', {}),
      preflight(url, 'PUT', {}),
      entry({ url, method: 'PUT', status: 0, requestHeaders: [], error: 'net::ERR_FAILED' }),
      entry({ url, method: 'PUT', status: 0, requestHeaders: [], error: 'net::ERR_FAILED' }),
    ]);
    expect(out).toHaveLength(2);
    expect(out.every((x) => x.exchange.hops[0]?.preflight !== null)).toBe(true);
  });

  test('a same-origin success is not an exchange; a cross-origin success is (for warnings)', () => {
    const out = run([
      entry({ url: `${PAGE}/local`, requestHeaders: headers({ Origin: PAGE }) }),
      entry({ url: `${API}/ok`, responseHeaders: headers({ 'access-control-allow-origin': '*' }) }),
      entry({ url: `${API}/img.png`, resourceType: 'image', requestHeaders: [] }),
      entry({ url: `${API}/gone`, error: 'net::ERR_ABORTED' }),
    ]);
    expect(out.map((x) => x.url)).toEqual([`${API}/ok`]);
    expect(out[0]?.exchange.error).toBeNull();
  });

  test('waits for the settling delay before assembling, and keeps nothing for ever', () => {
    const a = new HarAssembler({ settleMs: 50, keepMs: 1000, maxKept: 4 });
    a.add(entry({ url: `${API}/x`, error: 'net::ERR_FAILED' }), 0);
    expect(a.take(10)).toEqual([]);
    expect(a.pending).toBe(true);
    expect(a.take(60)).toHaveLength(1);
    for (let i = 0; i < 100; i++) a.add(preflight(`${API}/p${i}`, 'PUT', {}), 100);
    a.add(entry({ url: `${API}/p99`, method: 'PUT', status: 0, requestHeaders: [], error: 'net::ERR_FAILED' }), 100);
    const [x] = a.take(200);
    // Only the newest four preflights were kept: the last request still found its own.
    expect(x?.exchange.hops[0]?.preflight).not.toBeNull();
  });
});
