/** Diagnoses: the credentials mode judged from evidence, the words, the headers at fault, look-alikes and warnings. */
import { describe, expect, test } from 'vitest';
import { API, exchange, PAGE } from '../test-support/exchange.ts';
import { diagnose } from './diagnose.ts';

const ECHO = { 'access-control-allow-origin': PAGE };

describe('credentials mode', () => {
  test('when the page did not say, only include explains a refused echo without ACAC', () => {
    const d = diagnose(exchange({ response: { headers: ECHO } }));
    expect(d.status?.corsError).toBe('InvalidAllowCredentials');
    expect(d.credentials).toEqual({ mode: 'include', source: 'inferred' });
    expect(d.notes.map((n) => n.kind)).toContain('credentials-inferred');
  });
  test('a stated mode is never second-guessed', () => {
    const d = diagnose(
      exchange({ credentials: 'include', credentialsSource: 'page', response: { headers: { 'access-control-allow-origin': '*' } } }),
    );
    expect(d.status?.corsError).toBe('WildcardOriginNotAllowed');
    expect(d.credentials.source).toBe('page');
  });
  test('a request that completed is never inferred to be credentialed', () => {
    const d = diagnose(exchange({ response: { headers: ECHO }, error: null }));
    expect(d.result).toBe('pass');
    expect(d.credentials.source).toBe('default');
  });
});

describe('words', () => {
  test("Chromium's console message, with the value received", () => {
    const d = diagnose(
      exchange({ credentials: 'include', response: { headers: { ...ECHO, 'access-control-allow-credentials': 'TRUE' } } }),
    );
    expect(d.consoleMessage).toBe(
      `Access to fetch at '${API}' from origin '${PAGE}' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Credentials' header in the response is 'TRUE' which must be 'true' when the request's credentials mode is 'include'.`,
    );
    expect(d.title).toContain("'TRUE'");
    expect(d.explanation).toContain('case-sensitive');
    expect(d.firefox).toEqual({
      key: 'CORSMissingAllowCredentials',
      text: `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${API}. (Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).`,
      mdnUrl: 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS/Errors/CORSMIssingAllowCredentials',
    });
  });
  test('XHR gets the withCredentials sentence', () => {
    const d = diagnose(exchange({ initiator: 'xhr', credentials: 'include', response: { headers: ECHO } }));
    expect(d.consoleMessage).toMatch(/^Access to XMLHttpRequest at .* controlled by the withCredentials attribute\.$/);
  });
  test('preflight errors carry the preflight prefix', () => {
    const d = diagnose(exchange({ method: 'PUT', preflight: { status: 500, headers: ECHO } }));
    expect(d.consoleMessage).toContain("Response to preflight request doesn't pass access control check: It does not have HTTP ok status.");
  });
  test('a failure after a redirect names both URLs', () => {
    const d = diagnose(
      exchange({
        response: { status: 302, headers: { ...ECHO, location: 'https://cdn.example/x' } },
        redirects: [{ url: 'https://cdn.example/x', response: { headers: {} } }],
      }),
    );
    expect(d.consoleMessage).toContain(`Access to fetch at 'https://cdn.example/x' (redirected from '${API}') from origin '${PAGE}'`);
  });
  test('EventSource and other resources', () => {
    expect(diagnose(exchange({ initiator: 'eventsource' })).consoleMessage).toMatch(/^Access to resource at /);
    expect(diagnose(exchange({ initiator: 'stylesheet' })).consoleMessage).toMatch(/^Access to CSS stylesheet at /);
  });
});

describe('headers at fault', () => {
  test('every Access-Control-Allow-Origin line is shown, with what was needed', () => {
    const d = diagnose(exchange({ response: { headers: { 'access-control-allow-origin': [PAGE, PAGE] } } }));
    expect(d.status).toEqual({ corsError: 'MultipleAllowOriginValues', failedParameter: `${PAGE}, ${PAGE}` });
    const acao = d.headers.find((h) => h.name === 'Access-Control-Allow-Origin');
    expect(acao?.received).toEqual([PAGE, PAGE]);
    expect(acao?.needed).toContain(PAGE);
  });
  test('an absent header is shown as absent, not as empty', () => {
    const d = diagnose(exchange({ credentials: 'include', response: { headers: ECHO } }));
    expect(d.headers.find((h) => h.name === 'Access-Control-Allow-Credentials')?.received).toEqual([]);
  });
});

describe('look-alikes', () => {
  test('a 500 without CORS headers is a CORS error hiding a server error', () => {
    const d = diagnose(exchange({ response: { status: 500, headers: {} } }));
    expect(d.status?.corsError).toBe('MissingAllowOriginHeader');
    expect(d.lookalike).toBe('error-status-without-cors');
    expect(d.title).toContain('500');
  });
  test('a 401 on the preflight', () => {
    const d = diagnose(exchange({ method: 'DELETE', preflight: { status: 401, headers: ECHO } }));
    expect(d.status?.corsError).toBe('PreflightInvalidStatus');
    expect(d.lookalike).toBe('error-status-without-cors');
  });
  test('a refused connection is not CORS', () => {
    const d = diagnose(exchange({ response: null, error: 'net::ERR_CONNECTION_REFUSED' }));
    expect(d.result).toBe('lookalike');
    expect(d.lookalike).toBe('network-error');
    expect(d.status).toBeNull();
  });
});

describe('warnings', () => {
  test('an echoed origin without Vary: Origin', () => {
    const d = diagnose(exchange({ response: { headers: ECHO }, error: null }));
    expect(d.warnings.map((w) => w.kind)).toContain('echo-without-vary');
    const fine = diagnose(exchange({ response: { headers: { ...ECHO, vary: 'Accept-Encoding, Origin' } }, error: null }));
    expect(fine.warnings.map((w) => w.kind)).not.toContain('echo-without-vary');
  });
  test('Authorization covered only by *', () => {
    const d = diagnose(
      exchange({
        method: 'GET',
        requestHeaders: { authorization: 'Bearer x' },
        preflight: {
          requestHeaders: { 'access-control-request-headers': 'authorization' },
          headers: { ...ECHO, 'access-control-allow-headers': '*' },
        },
        response: { headers: ECHO },
        error: null,
      }),
    );
    expect(d.result).toBe('pass');
    expect(d.warnings.map((w) => w.kind)).toContain('authorization-wildcard');
  });
  test('response headers the page cannot read', () => {
    const d = diagnose(
      exchange({
        response: { headers: { ...ECHO, vary: 'Origin', 'x-total-count': '5', 'content-type': 'application/json' } },
        error: null,
      }),
    );
    const w = d.warnings.find((x) => x.kind === 'unexposed-headers');
    expect(w?.text).toContain('x-total-count');
    expect(w?.text).not.toContain('content-type');
  });
  test('warnings never make a failure', () => {
    const d = diagnose(exchange({ response: { headers: { ...ECHO, 'x-a': '1' } }, error: null }));
    expect(d.result).toBe('pass');
    expect(d.status).toBeNull();
  });
});

describe('text errors found in review (issue 11)', () => {
  /** A PUT whose preflight failed: the request never left, its headers are the names the preflight announced. */
  function stoppedAtPreflight() {
    const ex = exchange({
      method: 'PUT',
      requestHeaders: { 'content-type': 'application/json', 'x-request-id': '1' },
      preflight: {
        headers: { ...ECHO, 'access-control-allow-methods': 'GET, POST' },
        requestHeaders: { 'access-control-request-headers': 'content-type,x-request-id' },
      },
      response: null,
    });
    const first = ex.hops[0];
    if (!first) throw new Error('no hop');
    return {
      ...ex,
      request: {
        ...ex.request,
        headers: [
          { name: 'content-type', value: '' },
          { name: 'x-request-id', value: '' },
        ],
      },
      hops: [{ ...first, requestHeaders: null }],
    };
  }

  test("the preflight note never quotes an unknown Content-Type as '' and names every header", () => {
    const note = diagnose(stoppedAtPreflight()).notes.find((n) => n.kind === 'preflight-reason')?.text ?? '';
    expect(note).not.toContain("Content-Type ''");
    expect(note).toContain('the page set Content-Type to a type other than');
    expect(note).toContain('the page set x-request-id, which is not one of the headers');
    expect(note).not.toMatch(/(^|; )it is not one of/);
  });
  test('with known values the reason names the header and its value', () => {
    const d = diagnose(exchange({ method: 'PUT', requestHeaders: { 'content-type': 'application/json', 'x-trace': '1' }, preflight: {} }));
    const note = d.notes.find((n) => n.kind === 'preflight-reason')?.text ?? '';
    expect(note).toContain("Content-Type 'application/json' is not one of");
    expect(note).toContain('header x-trace: it is not one of the headers a simple request may carry');
  });
  test("for 'TRUE' or 'false' the server must send exactly 'true', not add the header", () => {
    for (const value of ['TRUE', 'false']) {
      const d = diagnose(
        exchange({ credentials: 'include', response: { headers: { ...ECHO, 'access-control-allow-credentials': value } } }),
      );
      expect(d.explanation).not.toContain('adds Access-Control-Allow-Credentials');
      expect(d.explanation).toContain(`exactly the value 'true' instead of '${value}'`);
    }
    const absent = diagnose(exchange({ credentials: 'include', response: { headers: ECHO } }));
    expect(absent.explanation).toContain('adds Access-Control-Allow-Credentials: true');
  });
  test('net::ERR_UNSAFE_PORT says the browser blocks the port, not that the server may be down', () => {
    const d = diagnose(exchange({ url: 'http://api.example:6000/x', response: null, error: 'net::ERR_UNSAFE_PORT' }));
    expect(d.result).toBe('lookalike');
    expect(d.title).toContain('Port blocked by the browser');
    expect(d.explanation).toContain('the browser blocks this port');
    expect(d.explanation).not.toContain('server may be down');
  });
  test('each header at fault is marked; what the browser sent is marked apart', () => {
    const d = diagnose(
      exchange({ credentials: 'include', response: { headers: { ...ECHO, 'access-control-allow-credentials': 'TRUE' } } }),
    );
    expect(d.headers.map((h) => [h.name, h.state])).toEqual([
      ['Origin', 'browser'],
      ['Access-Control-Allow-Origin', 'ok'],
      ['Access-Control-Allow-Credentials', 'fault'],
    ]);
    const star = diagnose(exchange({ credentials: 'include', response: { headers: { 'access-control-allow-origin': '*' } } }));
    expect(star.headers.find((h) => h.name === 'Access-Control-Allow-Origin')?.state).toBe('fault');
  });
});
