/**
 * Chromium's order over whole exchanges: preflight before the actual response, the CORS check before the preflight
 * status, redirects checked hop by hop with the origin tainted after a cross-origin redirect. Expectations: the
 * research notes on cors_url_loader.cc and preflight_controller.cc, and the live verdicts in the conformance corpus.
 */
import { describe, expect, test } from 'vitest';
import { API, exchange, PAGE } from '../../test-support/exchange.ts';
import { evaluate } from './engine.ts';

const ECHO = { 'access-control-allow-origin': PAGE };
const code = (ex: ReturnType<typeof exchange>, creds: 'include' | 'same-origin' = 'same-origin') => {
  const v = evaluate(ex, creds);
  return v.status ? [v.status.corsError, v.status.failedParameter, v.stage] : null;
};

describe('preflight', () => {
  test('the CORS check comes before the status: a 404 without ACAO is PreflightMissingAllowOriginHeader', () => {
    expect(code(exchange({ method: 'PUT', preflight: { status: 404 } }))).toEqual(['PreflightMissingAllowOriginHeader', '', 'preflight']);
  });
  test('a 404 with ACAO is PreflightInvalidStatus', () => {
    expect(code(exchange({ method: 'PUT', preflight: { status: 404, headers: ECHO } }))).toEqual([
      'PreflightInvalidStatus',
      '',
      'preflight',
    ]);
  });
  test('a redirect beats everything', () => {
    expect(code(exchange({ method: 'PUT', preflight: { status: 302, headers: { location: '/elsewhere' } } }))).toEqual([
      'PreflightDisallowedRedirect',
      '',
      'preflight',
    ]);
  });
  test("a preflight known only by Chromium's error for a redirected preflight (DevTools' log without its response)", () => {
    const ex = exchange({ method: 'PUT', preflight: { status: 302 } });
    const hop = ex.hops[0];
    if (!hop?.preflight) throw new Error('the helper builds a preflight');
    const bare = (error: string) => ({
      ...ex,
      hops: [{ ...hop, preflight: { ...(hop.preflight as NonNullable<typeof hop.preflight>), response: null, error } }],
    });
    expect(code(bare('net::ERR_INVALID_REDIRECT'))).toEqual(['PreflightDisallowedRedirect', '', 'preflight']);
    // Another network error is no CORS verdict: the preflight never got an answer to check.
    expect(evaluate(bare('net::ERR_CONNECTION_REFUSED'), 'same-origin').status).toBeNull();
  });
  test('the preflight is checked with the actual request credentials mode', () => {
    const ex = exchange({ method: 'PUT', preflight: { headers: { ...ECHO, 'access-control-allow-methods': 'PUT' } } });
    expect(code(ex, 'include')).toEqual(['PreflightInvalidAllowCredentials', '', 'preflight']);
    expect(code(ex, 'same-origin')).toEqual(['MissingAllowOriginHeader', '', 'response']);
  });
  test('an unparsable Allow-Methods fails even when the method is safelisted', () => {
    const ex = exchange({
      method: 'POST',
      requestHeaders: { 'x-a': '1' },
      preflight: {
        requestHeaders: { 'access-control-request-headers': 'x-a' },
        headers: { ...ECHO, 'access-control-allow-methods': 'GET POST', 'access-control-allow-headers': 'x-a' },
      },
    });
    expect(code(ex)).toEqual(['InvalidAllowMethodsPreflightResponse', '', 'preflight']);
  });
  test('Allow-Methods is parsed before Allow-Headers, and the method is checked before the headers', () => {
    const bad = { ...ECHO, 'access-control-allow-methods': 'a b', 'access-control-allow-headers': 'c d' };
    expect(code(exchange({ method: 'PUT', preflight: { headers: bad } }))?.[0]).toBe('InvalidAllowMethodsPreflightResponse');
    const both = exchange({ method: 'PUT', preflight: { requestHeaders: { 'access-control-request-headers': 'x-a' }, headers: ECHO } });
    expect(code(both)).toEqual(['MethodDisallowedByPreflightResponse', 'PUT', 'preflight']);
  });
  // This test used to say "the first header Access-Control-Request-Headers lists": Chromium contradicts that (the list
  // is sorted, the check walks Blink's header-map order); its assertion happens to hold either way.
  test('a header the preflight allowed is skipped; a missing one is reported', () => {
    const ex = exchange({
      method: 'POST',
      preflight: {
        requestHeaders: { 'access-control-request-headers': 'content-type,x-a,x-b' },
        headers: { ...ECHO, 'access-control-allow-headers': 'Content-Type' },
      },
    });
    expect(code(ex)).toEqual(['HeaderDisallowedByPreflightResponse', 'x-a', 'preflight']);
  });
  test("with several headers missing, Chromium names the first in Blink's header-map order, not the first listed", () => {
    // Recorded: m-several-foo-bar-baz-qux (Access-Control-Request-Headers "bar,baz,foo,qux"; Chromium names baz).
    const ex = exchange({
      url: 'http://127.0.0.1:8802/cors',
      origin: 'http://localhost:8801',
      requestHeaders: { foo: '1', bar: '1', baz: '1', qux: '1' },
      preflight: {
        requestHeaders: { 'access-control-request-headers': 'bar,baz,foo,qux' },
        headers: { 'access-control-allow-origin': '*' },
      },
    });
    expect(code(ex)).toEqual(['HeaderDisallowedByPreflightResponse', 'baz', 'preflight']);
  });
  test('Chromium reads response headers without the spaces and tabs around each line', () => {
    // Recorded: m-acao-padded, m-acac-padded, wpt-origin-2 (" *  ").
    const padded = exchange({
      response: { headers: { 'access-control-allow-origin': ` ${PAGE}\t`, 'access-control-allow-credentials': ' true ' } },
      error: null,
    });
    expect(code(padded, 'include')).toBeNull();
    expect(code(exchange({ response: { headers: { 'access-control-allow-origin': ' *  ' } }, error: null }))).toBeNull();
  });
  test('a NUL byte in a response header is not a CORS failure: Chromium rejects the whole response', () => {
    // Recorded: wpt-origin-23, -28, -29, -38 end with net::ERR_INVALID_HTTP_RESPONSE and no CORS error.
    const ex = exchange({ response: { headers: { 'access-control-allow-origin': `${PAGE}\0` } }, error: 'net::ERR_INVALID_HTTP_RESPONSE' });
    expect(code(ex)).toBeNull();
  });
  test('after a passing preflight the actual response is checked', () => {
    const ex = exchange({
      method: 'PUT',
      preflight: { headers: { ...ECHO, 'access-control-allow-methods': 'PUT' } },
      response: { headers: {} },
    });
    expect(code(ex)).toEqual(['MissingAllowOriginHeader', '', 'response']);
  });
  test('a request that needed a preflight but shows none was answered from the preflight cache', () => {
    const v = evaluate(exchange({ method: 'PUT', response: { headers: ECHO }, error: null }), 'same-origin');
    expect(v.status).toBeNull();
    expect(v.preflightCached).toBe(true);
  });
  test('EventSource never preflights', () => {
    const v = evaluate(
      exchange({ initiator: 'eventsource', requestHeaders: { 'last-event-id': '7' }, response: { headers: ECHO } }),
      'same-origin',
    );
    expect(v.preflightReasons).toEqual([]);
    expect(v.preflightCached).toBe(false);
  });
});

describe('redirects', () => {
  const hop = (location: string, headers: Record<string, string> = ECHO) => ({ status: 302, headers: { ...headers, location } });
  test('a cross-origin redirect from a cross-origin URL makes the origin null', () => {
    const ex = exchange({
      response: hop('https://cdn.example/x'),
      redirects: [{ url: 'https://cdn.example/x', response: { headers: ECHO } }],
    });
    // The exchange's observed Origin on the second hop is absent here, so the engine computes it.
    expect(code(ex)).toEqual(['AllowOriginMismatch', PAGE, 'response']);
    expect(evaluate(ex, 'same-origin').origin).toBe('null');
    const ok = exchange({
      response: hop('https://cdn.example/x'),
      redirects: [{ url: 'https://cdn.example/x', response: { headers: { 'access-control-allow-origin': 'null' } } }],
      error: null,
    });
    expect(code(ok)).toBeNull();
  });
  test('a redirect within the same origin keeps the origin', () => {
    const ex = exchange({ response: hop(`${API}/2`), redirects: [{ url: `${API}/2`, response: { headers: ECHO } }], error: null });
    expect(code(ex)).toBeNull();
    expect(evaluate(ex, 'same-origin').origin).toBe(PAGE);
  });
  test('the redirect response itself must pass the CORS check', () => {
    const ex = exchange({ response: hop('https://cdn.example/x', {}), redirects: [{ url: 'https://cdn.example/x', response: null }] });
    expect(code(ex)).toEqual(['MissingAllowOriginHeader', '', 'redirect']);
  });
  test('a redirect to a URL with credentials fails', () => {
    const ex = exchange({ response: hop('https://user:pw@cdn.example/x'), redirects: [] });
    expect(code(ex)).toEqual(['RedirectContainsCredentials', '', 'redirect']);
  });
  test('a same-origin request redirected to another origin becomes a CORS request', () => {
    const ex = exchange({ url: `${PAGE}/api`, response: hop(API, {}), redirects: [{ url: API, response: { headers: {} } }] });
    expect(code(ex)).toEqual(['MissingAllowOriginHeader', '', 'response']);
  });
});

test('same-origin requests are not checked', () => {
  const v = evaluate(exchange({ url: `${PAGE}/x`, response: { headers: {} } }), 'include');
  expect(v.corsApplied).toBe(false);
  expect(v.status).toBeNull();
});

test('a same-origin-mode request redirected to another origin gets no CORS error: Blink refuses the redirect itself', () => {
  // Recorded: m-redirect-same-origin-mode (CDP blockedReason 'origin', net::ERR_ABORTED, no corsErrorStatus).
  const ex = exchange({
    url: `${PAGE}/api`,
    mode: 'same-origin',
    response: { status: 302, headers: { location: API } },
    redirects: [{ url: API, response: null }],
    error: 'net::ERR_ABORTED',
  });
  expect(evaluate(ex, 'same-origin').status).toBeNull();
});

test('no-cors requests are not checked', () => {
  expect(evaluate(exchange({ mode: 'no-cors' }), 'include').status).toBeNull();
});
