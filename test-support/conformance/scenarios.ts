/**
 * The scenarios of the conformance corpus: a request made from the page origin, and what each URL it visits answers
 * (preflight and actual response, redirects). The matrix walks every branch of Chromium's CORS checks; the wpt:
 * scenarios port the header-expressible cases of web-platform-tests' cors/ and fetch/api/cors/. The expectation is
 * never written here: the recorder asks Chromium.
 */
import type { HeaderSpec } from './server.ts';

/**
 * Which server a URL is on: the page origin, the API (another site, or the same site on another port, or under a host
 * name that is not loopback, so not potentially trustworthy), a third one.
 */
export type At = 'page' | 'api' | 'api-same-site' | 'api-insecure' | 'other' | 'other-same-site';

export interface Step {
  readonly at: At;
  /** Actual response: status (302 when `to` is set) and headers. */
  readonly s?: number;
  readonly h?: HeaderSpec;
  /** Preflight response: status (204), headers, Location. */
  readonly ps?: number;
  readonly p?: HeaderSpec;
  readonly ploc?: string;
  /** A literal Location for the actual response. */
  readonly loc?: string;
  /** A redirect: the actual response's Location is this step's URL. */
  readonly to?: Step;
  /** user:pass to put in the Location that points at this step. */
  readonly userinfo?: string;
}

export type Api = 'fetch' | 'xhr' | 'eventsource';

export interface Scenario {
  readonly id: string;
  /** 'matrix', or 'wpt:<path>' for a port of a web-platform-test. */
  readonly source: string;
  readonly description: string;
  readonly api: Api;
  readonly method?: string;
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string;
  /** fetch credentials; XHR and EventSource: 'include' is withCredentials, anything else is 'same-origin'. */
  readonly credentials?: 'include' | 'same-origin' | 'omit';
  readonly mode?: 'cors' | 'same-origin' | 'no-cors';
  /** The page making the request: http://localhost (a secure context) unless 'insecure' (http://page.test). */
  readonly page?: 'insecure';
  readonly step: Step;
  /** What the web-platform-test expects, for wpt: scenarios. */
  readonly wpt?: 'pass' | 'fail';
}

const ACAO = 'access-control-allow-origin';
const ACAC = 'access-control-allow-credentials';
const ACAM = 'access-control-allow-methods';
const ACAH = 'access-control-allow-headers';
const ECHO: HeaderSpec = { [ACAO]: '$ORIGIN' };
const CRED: HeaderSpec = { [ACAO]: '$ORIGIN', [ACAC]: 'true' };

function matrix(): Scenario[] {
  const out: Scenario[] = [];
  const add = (id: string, description: string, s: Omit<Scenario, 'id' | 'source' | 'description' | 'api'> & { api?: Api }) =>
    out.push({ api: 'fetch', ...s, id: `m-${id}`, source: 'matrix', description });

  // CheckAccess on the actual response: every Access-Control-Allow-Origin shape, without and with credentials.
  const origins: [string, string | string[] | undefined][] = [
    ['absent', undefined],
    ['star', '*'],
    ['echo', '$ORIGIN'],
    ['exact', '$PAGE'],
    ['trailing-slash', '$PAGE/'],
    ['upper-scheme', 'HTTP://$PAGEHOST'],
    ['upper-host', 'http://LOCALHOST:$PAGEPORT'],
    ['null', 'null'],
    ['invalid-foo', 'foo'],
    ['empty', ''],
    ['two-lines', ['$PAGE', '$PAGE']],
    ['two-lines-star', ['*', '*']],
    ['comma-list', '$PAGE, http://other.test'],
    ['space-list', '$PAGE http://other.test'],
    ['padded', '  $PAGE\t'],
    ['other-origin', 'http://other.test'],
    ['no-port', 'http://localhost'],
    ['with-path', '$PAGE/path'],
    ['tab-inside', '$PAGE\thttp://x.test'],
    ['scheme-only', 'http://'],
  ];
  for (const [name, value] of origins) {
    const h: HeaderSpec = value === undefined ? {} : { [ACAO]: value };
    add(`acao-${name}`, `GET, Access-Control-Allow-Origin ${name}`, { step: { at: 'api', h } });
    add(`acao-${name}-cred`, `GET with credentials, Access-Control-Allow-Origin ${name}, Allow-Credentials true`, {
      credentials: 'include',
      step: { at: 'api', h: { ...h, [ACAC]: 'true' } },
    });
  }
  for (const [name, value] of origins.slice(0, 4)) {
    add(`acao-${name}-omit`, `GET with credentials omit, Access-Control-Allow-Origin ${name}`, {
      credentials: 'omit',
      step: { at: 'api', h: value === undefined ? {} : { [ACAO]: value } },
    });
  }
  // The same lines under the header's usual spelling: Firefox counts repeated Access-Control-Allow-Origin lines by
  // the name as the server wrote it, so only these can show its "multiple" reason.
  const canonicalAcao = 'Access-Control-Allow-Origin';
  add('acao-two-lines-usual-case', 'GET, two Access-Control-Allow-Origin lines (page origin twice), the name in its usual case', {
    step: { at: 'api', h: { [canonicalAcao]: ['$PAGE', '$PAGE'] } },
  });
  add('acao-empty-and-star-usual-case', "GET, Access-Control-Allow-Origin lines '' and '*', the name in its usual case", {
    step: { at: 'api', h: { [canonicalAcao]: ['', '*'] } },
  });
  add('acao-usual-case-and-lower', 'GET, Access-Control-Allow-Origin page origin, then access-control-allow-origin page origin', {
    step: { at: 'api', h: { [canonicalAcao]: '$PAGE', [ACAO]: '$PAGE' } },
  });
  // Access-Control-Allow-Credentials with credentials 'include'.
  const credentialValues: [string, string | string[] | undefined][] = [
    ['absent', undefined],
    ['true', 'true'],
    ['upper', 'TRUE'],
    ['title', 'True'],
    ['false', 'false'],
    ['two-lines', ['true', 'true']],
    ['quoted', '"true"'],
    ['one', '1'],
    ['padded', ' true '],
    ['empty', ''],
  ];
  for (const [name, value] of credentialValues) {
    add(`acac-${name}`, `GET with credentials, ACAO echo, Access-Control-Allow-Credentials ${name}`, {
      credentials: 'include',
      step: { at: 'api', h: value === undefined ? ECHO : { ...ECHO, [ACAC]: value } },
    });
  }
  add('acac-false-no-cred', 'GET without credentials, ACAO echo, Allow-Credentials false (ignored)', {
    step: { at: 'api', h: { ...ECHO, [ACAC]: 'false' } },
  });
  add('acac-star-true-no-cred', 'GET without credentials, ACAO *, Allow-Credentials true', {
    step: { at: 'api', h: { [ACAO]: '*', [ACAC]: 'true' } },
  });
  // The actual response's status plays no part in CORS.
  for (const s of [204, 301, 302, 304, 404, 500]) {
    add(`status-${s}-echo`, `GET answered ${s} (no Location) with ACAO echo`, { step: { at: 'api', s, h: ECHO } });
    add(`status-${s}-none`, `GET answered ${s} (no Location) without ACAO`, { step: { at: 'api', s } });
  }
  add('no-cors-mode', 'fetch mode no-cors, response without ACAO (opaque, not a failure)', { mode: 'no-cors', step: { at: 'api' } });

  // Preflight: status with and without ACAO, redirects with and without Location.
  const PUT_OK: HeaderSpec = { ...ECHO, [ACAM]: 'PUT' };
  for (const ps of [200, 204, 299, 300, 301, 302, 304, 400, 401, 403, 404, 500]) {
    add(`pf-status-${ps}`, `PUT, preflight ${ps} with ACAO and Allow-Methods PUT`, {
      method: 'PUT',
      step: { at: 'api', ps, p: PUT_OK, h: ECHO },
    });
    add(`pf-status-${ps}-no-acao`, `PUT, preflight ${ps} without ACAO`, {
      method: 'PUT',
      step: { at: 'api', ps, p: { [ACAM]: 'PUT' }, h: ECHO },
    });
  }
  for (const ps of [300, 301, 302, 303, 307, 308]) {
    add(`pf-redirect-${ps}`, `PUT, preflight ${ps} with Location and ACAO`, {
      method: 'PUT',
      step: { at: 'api', ps, ploc: '/cors?moved=1', p: PUT_OK, h: ECHO },
    });
    add(`pf-redirect-${ps}-no-acao`, `PUT, preflight ${ps} with Location, without ACAO`, {
      method: 'PUT',
      step: { at: 'api', ps, ploc: '/cors?moved=1', p: { [ACAM]: 'PUT' }, h: ECHO },
    });
  }
  // Preflight: CheckAccess with the actual request's credentials mode.
  const pfOrigins: [string, HeaderSpec, boolean][] = [
    ['star', { [ACAO]: '*' }, false],
    ['star-cred', { [ACAO]: '*', [ACAC]: 'true' }, true],
    ['mismatch', { [ACAO]: 'http://other.test' }, false],
    ['null', { [ACAO]: 'null' }, false],
    ['invalid', { [ACAO]: 'foo' }, false],
    ['empty', { [ACAO]: '' }, false],
    ['two-lines', { [ACAO]: ['$ORIGIN', '$ORIGIN'] }, false],
    ['trailing-slash', { [ACAO]: '$PAGE/' }, false],
    ['cred-no-acac', ECHO, true],
    ['cred-acac-upper', { ...ECHO, [ACAC]: 'TRUE' }, true],
    ['cred-ok', CRED, true],
  ];
  for (const [name, p, cred] of pfOrigins) {
    add(`pf-acao-${name}`, `PUT${cred ? ' with credentials' : ''}, preflight ACAO ${name}`, {
      method: 'PUT',
      credentials: cred ? 'include' : 'same-origin',
      step: { at: 'api', p: { ...p, [ACAM]: 'PUT' }, h: cred ? CRED : ECHO },
    });
  }
  // Preflight: Access-Control-Allow-Methods parsing and matching.
  const methods: [string, string | undefined, boolean][] = [
    ['absent', undefined, false],
    ['unparsable-space', 'PUT PATCH', false],
    ['unparsable-quoted', '"PUT"', false],
    ['unparsable-semicolon', 'PUT;', false],
    ['empty-items', 'PUT, ,', false],
    ['leading-comma', ', PUT', false],
    ['empty', '', false],
    ['other', 'GET, POST', false],
    ['lower', 'put', false],
    ['star', '*', false],
    ['star-cred', '*', true],
    ['exact-cred', 'PUT', true],
    ['star-and-put-cred', '*, PUT', true],
  ];
  for (const [name, value, cred] of methods) {
    add(`pf-acam-${name}`, `PUT${cred ? ' with credentials' : ''}, Access-Control-Allow-Methods ${name}`, {
      method: 'PUT',
      credentials: cred ? 'include' : 'same-origin',
      step: { at: 'api', p: { ...(cred ? CRED : ECHO), ...(value === undefined ? {} : { [ACAM]: value }) }, h: cred ? CRED : ECHO },
    });
  }
  add('pf-acam-unparsable-not-needed', 'POST with X-A (preflight for the header), Allow-Methods unparsable, Allow-Headers x-a', {
    method: 'POST',
    headers: [['X-A', '1']],
    body: 'x',
    step: { at: 'api', p: { ...ECHO, [ACAM]: 'GET POST', [ACAH]: 'x-a' }, h: ECHO },
  });
  add('pf-both-unparsable', 'PUT with X-A, Allow-Methods and Allow-Headers both unparsable', {
    method: 'PUT',
    headers: [['X-A', '1']],
    step: { at: 'api', p: { ...ECHO, [ACAM]: 'a b', [ACAH]: 'c d' }, h: ECHO },
  });
  add('pf-method-and-header-missing', 'PUT with X-A, preflight allows neither', {
    method: 'PUT',
    headers: [['X-A', '1']],
    step: { at: 'api', p: ECHO, h: ECHO },
  });
  // Method case: fetch upper-cases only DELETE GET HEAD OPTIONS POST PUT; the match is case-sensitive.
  const cases: [string, string, string, boolean][] = [
    ['patch-vs-PATCH', 'patch', 'PATCH', false],
    ['patch-vs-patch', 'patch', 'patch', false],
    ['patch-vs-star', 'patch', '*', false],
    ['patch-vs-star-cred', 'patch', '*', true],
    ['patch-vs-both', 'patch', 'PATCH, patch', false],
    ['PATCH-vs-patch', 'PATCH', 'patch', false],
    ['PATCH-vs-PATCH', 'PATCH', 'PATCH', false],
    ['put-vs-PUT', 'put', 'PUT', false],
    ['put-vs-put', 'put', 'put', false],
    ['delete-vs-DELETE', 'delete', 'DELETE', false],
    ['foo-vs-FOO', 'foo', 'FOO', false],
    ['Foo-vs-Foo', 'Foo', 'Foo', false],
    ['patch-vs-patch-cred', 'patch', 'patch', true],
  ];
  for (const [name, method, allowed, cred] of cases) {
    add(`method-${name}`, `fetch method '${method}', Access-Control-Allow-Methods '${allowed}'${cred ? ', with credentials' : ''}`, {
      method,
      credentials: cred ? 'include' : 'same-origin',
      step: { at: 'api', p: { ...(cred ? CRED : ECHO), [ACAM]: allowed }, h: cred ? CRED : ECHO },
    });
  }
  // Preflight: Access-Control-Allow-Headers parsing and matching.
  const allowHeaders: [string, string | undefined, boolean][] = [
    ['absent', undefined, false],
    ['exact', 'x-a', false],
    ['upper', 'X-A', false],
    ['other', 'x-b', false],
    ['unparsable-colon', 'x:y', false],
    ['unparsable-space', 'x-a x-b', false],
    ['unparsable-quoted', '"x-a"', false],
    ['star', '*', false],
    ['star-cred', '*', true],
    ['exact-cred', 'x-a', true],
    ['star-and-name-cred', '*, x-a', true],
    ['empty-items', ', x-a ,', false],
  ];
  for (const [name, value, cred] of allowHeaders) {
    add(`pf-acah-${name}`, `GET with X-A${cred ? ' and credentials' : ''}, Access-Control-Allow-Headers ${name}`, {
      headers: [['X-A', '1']],
      credentials: cred ? 'include' : 'same-origin',
      step: { at: 'api', p: { ...(cred ? CRED : ECHO), ...(value === undefined ? {} : { [ACAH]: value }) }, h: cred ? CRED : ECHO },
    });
  }
  // Authorization under '*': what Chromium 156 does is the point.
  const auth: [string, HeaderSpec, boolean, (readonly [string, string])[]][] = [
    ['star', { [ACAH]: '*' }, false, []],
    ['star-cred', { [ACAH]: '*' }, true, []],
    ['listed', { [ACAH]: 'authorization' }, false, []],
    ['listed-upper-cred', { [ACAH]: 'Authorization' }, true, []],
    ['star-with-x-a', { [ACAH]: '*' }, false, [['X-A', '1']]],
    ['absent', {}, false, []],
    ['star-and-x-a-listed', { [ACAH]: '*, x-a' }, false, [['X-A', '1']]],
  ];
  for (const [name, p, cred, extra] of auth) {
    add(`auth-${name}`, `GET with Authorization${extra.length ? ' and X-A' : ''}${cred ? ' and credentials' : ''}, Allow-Headers ${name}`, {
      headers: [['Authorization', 'Bearer t0ken'], ...extra],
      credentials: cred ? 'include' : 'same-origin',
      step: { at: 'api', p: { ...(cred ? CRED : ECHO), ...p }, h: cred ? CRED : ECHO },
    });
  }
  add('auth-star-xhr', 'XHR with Authorization, Allow-Headers *', {
    api: 'xhr',
    headers: [['Authorization', 'Bearer t0ken']],
    step: { at: 'api', p: { ...ECHO, [ACAH]: '*' }, h: ECHO },
  });
  // Several headers missing: which one does Chromium name?
  const several: [string, string[], string | undefined][] = [
    ['b-a', ['X-B', 'X-A'], undefined],
    ['zeta-alpha-mid', ['X-Zeta', 'X-Alpha', 'X-Mid'], undefined],
    ['mid-alpha-zeta', ['X-Mid', 'X-Alpha', 'X-Zeta'], undefined],
    ['foo-bar-baz-qux', ['foo', 'bar', 'baz', 'qux'], undefined],
    ['a1-a8', ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'], undefined],
    ['a8-a1', ['a8', 'a7', 'a6', 'a5', 'a4', 'a3', 'a2', 'a1'], undefined],
    ['common-three', ['X-Requested-With', 'X-Api-Key', 'X-Csrf-Token'], undefined],
    ['json-auth-custom', ['Content-Type', 'Authorization', 'X-Custom'], undefined],
    ['three-one-allowed', ['X-A', 'X-B', 'X-C'], 'x-a'],
    ['three-two-allowed', ['X-A', 'X-B', 'X-C'], 'x-c, x-a'],
    ['twelve', ['h01', 'h02', 'h03', 'h04', 'h05', 'h06', 'h07', 'h08', 'h09', 'h10', 'h11', 'h12'], undefined],
    [
      'twelve-half-allowed',
      ['h01', 'h02', 'h03', 'h04', 'h05', 'h06', 'h07', 'h08', 'h09', 'h10', 'h11', 'h12'],
      'h02,h04,h06,h08,h10,h12',
    ],
  ];
  for (const [name, names, allowed] of several) {
    add(`several-${name}`, `GET with ${names.join(', ')}${allowed ? `, Allow-Headers ${allowed}` : ', no Allow-Headers'}`, {
      headers: names.map((n) => [n, n.toLowerCase() === 'content-type' ? 'application/json' : '1'] as const),
      step: { at: 'api', p: { ...ECHO, ...(allowed ? { [ACAH]: allowed } : {}) }, h: ECHO },
    });
  }
  add('several-with-safelisted', 'GET with X-B, X-A and safelisted Accept, Content-Language, no Allow-Headers', {
    headers: [
      ['X-B', '1'],
      ['Accept', 'text/plain'],
      ['X-A', '1'],
      ['Content-Language', 'en'],
    ],
    step: { at: 'api', p: ECHO, h: ECHO },
  });
  // Blink's header-map order names the header Chromium reports, and orders the headers on the wire: name sets on
  // which the possible insertion orders of Blink's own headers disagree, short names and long ones (rapidhash's paths).
  const orderSets: string[][] = [
    ['x-2y', 'x-e8', 'x-f7', 'x-g6', 'x-hs', 'x-m1', 'x-n7'],
    ['x-10', 'x-32', 'x-49', 'x-9a', 'x-cn', 'x-p6'],
    ['x-cb', 'x-co', 'x-m1', 'x-nr'],
    ['x-no', 'x-nw'],
    ['x-29', 'x-5c', 'x-5s', 'x-fk', 'x-g6', 'x-h5', 'x-rj'],
    ['x-28', 'x-2n', 'x-d7'],
    ['x-4o', 'x-br', 'x-fp', 'x-he', 'x-jb'],
    ['x-19', 'x-1a', 'x-3w', 'x-7i', 'x-8u', 'x-8w', 'x-b5', 'x-hz', 'x-ql'],
    ['x-request-correlation-identifier-0001', 'x-another-rather-long-custom-header', 'x-s', 'x-tenant'],
  ];
  for (const [i, names] of orderSets.entries()) {
    const headers = names.map((n) => [n, '1'] as const);
    add(`order-${i + 1}-allowed`, `GET with ${names.join(', ')}, Allow-Headers *`, {
      headers,
      step: { at: 'api', p: { ...ECHO, [ACAH]: '*' }, h: ECHO },
    });
    add(`order-${i + 1}-refused`, `GET with ${names.join(', ')}, no Allow-Headers`, { headers, step: { at: 'api', p: ECHO, h: ECHO } });
  }
  for (const i of [0, 7]) {
    const headers = (orderSets[i] ?? []).map((n) => [n, '1'] as const);
    add(`order-${i + 1}-xhr-refused`, `XHR with ${headers.map(([n]) => n).join(', ')}, no Allow-Headers`, {
      api: 'xhr',
      headers,
      step: { at: 'api', p: ECHO, h: ECHO },
    });
  }
  // Safelisted request headers: Content-Type, the 128-byte limit, Range.
  const safelist: [string, string, string][] = [
    ['ct-text-plain', 'content-type', 'text/plain'],
    ['ct-text-plain-charset', 'content-type', 'text/plain;charset=UTF-8'],
    ['ct-form', 'content-type', 'application/x-www-form-urlencoded'],
    ['ct-multipart', 'content-type', 'multipart/form-data; boundary=x'],
    ['ct-json', 'content-type', 'application/json'],
    ['ct-html', 'content-type', 'text/html'],
    ['ct-two-types', 'content-type', 'text/plain, text/html'],
    ['accept-128', 'accept', 'a'.repeat(128)],
    ['accept-129', 'accept', 'a'.repeat(129)],
    ['accept-quote', 'accept', 'text/"plain"'],
    ['content-language-at', 'content-language', '@'],
    ['accept-language-q', 'accept-language', 'en-US,en;q=0.9'],
    ['range-open', 'range', 'bytes=0-'],
    ['range-closed', 'range', 'bytes=0-10'],
    ['range-two', 'range', 'bytes=0-1,2-3'],
    ['range-space', 'range', 'bytes 0-'],
    ['range-suffix', 'range', 'bytes=-5'],
    ['range-backwards', 'range', 'bytes=5-1'],
  ];
  for (const [name, header, value] of safelist) {
    add(`safelist-${name}`, `POST with ${header}: ${value.length > 40 ? `${value.length} bytes` : value}, no Allow-Headers`, {
      method: 'POST',
      body: 'x',
      headers: [[header, value]],
      step: { at: 'api', p: ECHO, h: ECHO },
    });
  }
  add('safelist-ct-json-allowed', 'POST with Content-Type application/json, Allow-Headers content-type', {
    method: 'POST',
    body: '{}',
    headers: [['Content-Type', 'application/json']],
    step: { at: 'api', p: { ...ECHO, [ACAH]: 'Content-Type' }, h: ECHO },
  });
  // Preflight passes, the actual response fails.
  add('pf-ok-actual-missing', 'PUT, preflight ok, actual response without ACAO', { method: 'PUT', step: { at: 'api', p: PUT_OK } });
  add('pf-ok-actual-no-acac', 'PUT with credentials, preflight ok, actual response without Allow-Credentials', {
    method: 'PUT',
    credentials: 'include',
    step: { at: 'api', p: { ...CRED, [ACAM]: 'PUT' }, h: ECHO },
  });
  add('pf-ok-actual-star-cred', 'PUT with credentials, preflight ok, actual response ACAO *', {
    method: 'PUT',
    credentials: 'include',
    step: { at: 'api', p: { ...CRED, [ACAM]: 'PUT' }, h: { [ACAO]: '*', [ACAC]: 'true' } },
  });
  add('pf-ok-actual-ok', 'PUT, preflight ok, actual ok', { method: 'PUT', step: { at: 'api', p: PUT_OK, h: ECHO } });

  // Redirects. After a cross-origin redirect from a cross-origin URL the Origin becomes "null" ($ORIGIN echoes it).
  const other = (h: HeaderSpec, extra: Partial<Step> = {}): Step => ({ at: 'other', h, ...extra });
  const redirects: [string, string, Step, Partial<Scenario>][] = [
    [
      'taint-page-origin',
      'api 302 (ACAO echo) -> other origin answering ACAO page origin',
      { at: 'api', h: ECHO, to: other({ [ACAO]: '$PAGE' }) },
      {},
    ],
    ['taint-null', 'api 302 -> other origin answering ACAO null', { at: 'api', h: ECHO, to: other({ [ACAO]: 'null' }) }, {}],
    ['taint-star', 'api 302 -> other origin answering ACAO *', { at: 'api', h: ECHO, to: other({ [ACAO]: '*' }) }, {}],
    ['taint-echo', 'api 302 -> other origin echoing the Origin it got', { at: 'api', h: ECHO, to: other(ECHO) }, {}],
    ['taint-missing', 'api 302 -> other origin without ACAO', { at: 'api', h: ECHO, to: other({}) }, {}],
    ['301-taint-null', 'api 301 -> other origin answering ACAO null', { at: 'api', s: 301, h: ECHO, to: other({ [ACAO]: 'null' }) }, {}],
    [
      '307-taint-page-origin',
      'api 307 -> other origin answering ACAO page origin',
      { at: 'api', s: 307, h: ECHO, to: other({ [ACAO]: '$PAGE' }) },
      {},
    ],
    ['308-taint-null', 'api 308 -> other answering ACAO null', { at: 'api', s: 308, h: ECHO, to: other({ [ACAO]: 'null' }) }, {}],
    [
      '300-location',
      'api 300 with Location -> other answering ACAO null',
      { at: 'api', s: 300, h: ECHO, to: other({ [ACAO]: 'null' }) },
      {},
    ],
    ['redirect-missing', 'api 302 without ACAO -> other', { at: 'api', to: other({ [ACAO]: '*' }) }, {}],
    [
      'redirect-mismatch',
      'api 302 with ACAO of another origin -> other',
      { at: 'api', h: { [ACAO]: 'http://other.test' }, to: other({ [ACAO]: '*' }) },
      {},
    ],
    [
      'redirect-star-cred',
      'api 302 with ACAO * (credentials) -> other',
      { at: 'api', h: { [ACAO]: '*', [ACAC]: 'true' }, to: other(CRED) },
      { credentials: 'include' },
    ],
    [
      'redirect-no-acac-cred',
      'api 302 with ACAO echo, no Allow-Credentials (credentials) -> other',
      { at: 'api', h: ECHO, to: other(CRED) },
      { credentials: 'include' },
    ],
    [
      'cred-taint-null-ok',
      'api 302 -> other answering ACAO null + Allow-Credentials true (credentials)',
      { at: 'api', h: CRED, to: other({ [ACAO]: 'null', [ACAC]: 'true' }) },
      { credentials: 'include' },
    ],
    ['same-origin-307', 'api 307 -> same api origin, ACAO echo', { at: 'api', s: 307, h: ECHO, to: { at: 'api', h: ECHO } }, {}],
    [
      'same-origin-302-page-acao',
      'api 302 -> same api origin answering ACAO page origin',
      { at: 'api', h: ECHO, to: { at: 'api', h: { [ACAO]: '$PAGE' } } },
      {},
    ],
    [
      'cross-host-same-port',
      'api (127.0.0.1) 302 -> api as localhost (another origin) answering ACAO page origin',
      { at: 'api', h: ECHO, to: { at: 'api-same-site', h: { [ACAO]: '$PAGE' } } },
      {},
    ],
    ['userinfo-other', 'api 302 -> user:pass@other', { at: 'api', h: ECHO, to: other({ [ACAO]: '*' }, { userinfo: 'user:pass' }) }, {}],
    [
      'userinfo-same-origin',
      'api 302 -> user:pass@api (same origin)',
      { at: 'api', h: ECHO, to: { at: 'api', h: ECHO, userinfo: 'user:pass' } },
      {},
    ],
    [
      'userinfo-redirect-missing',
      'api 302 without ACAO -> user:pass@other',
      { at: 'api', to: other({ [ACAO]: '*' }, { userinfo: 'user:pass' }) },
      {},
    ],
    ['userinfo-user-only', 'api 302 -> user@other', { at: 'api', h: ECHO, to: other({ [ACAO]: '*' }, { userinfo: 'user' }) }, {}],
    ['page-to-api-echo', 'same-origin URL 302 -> api echoing Origin', { at: 'page', to: { at: 'api', h: ECHO } }, {}],
    [
      'page-to-api-page-acao',
      'same-origin URL 302 -> api answering ACAO page origin',
      { at: 'page', to: { at: 'api', h: { [ACAO]: '$PAGE' } } },
      {},
    ],
    ['page-to-api-missing', 'same-origin URL 302 -> api without ACAO', { at: 'page', to: { at: 'api' } }, {}],
    ['page-to-api-null', 'same-origin URL 302 -> api answering ACAO null', { at: 'page', to: { at: 'api', h: { [ACAO]: 'null' } } }, {}],
    ['page-to-api-userinfo', 'same-origin URL 302 -> user:pass@api', { at: 'page', to: { at: 'api', h: ECHO, userinfo: 'user:pass' } }, {}],
    [
      'page-to-page-userinfo',
      'same-origin URL 302 -> user:pass@ same origin',
      { at: 'page', to: { at: 'page', userinfo: 'user:pass' } },
      {},
    ],
    ['page-to-page', 'same-origin URL 302 -> same origin (no CORS)', { at: 'page', to: { at: 'page' } }, {}],
    [
      'page-to-api-cred-ok',
      'same-origin URL 302 -> api with ACAO echo + Allow-Credentials (credentials)',
      { at: 'page', to: { at: 'api', h: CRED } },
      { credentials: 'include' },
    ],
    [
      'page-to-api-cred-missing-acac',
      'same-origin URL 302 -> api with ACAO echo only (credentials)',
      { at: 'page', to: { at: 'api', h: ECHO } },
      { credentials: 'include' },
    ],
    ['back-to-page-echo', 'api 302 -> page origin echoing Origin (null)', { at: 'api', h: ECHO, to: { at: 'page', h: ECHO } }, {}],
    [
      'back-to-page-page-acao',
      'api 302 -> page origin answering ACAO page origin',
      { at: 'api', h: ECHO, to: { at: 'page', h: { [ACAO]: '$PAGE' } } },
      {},
    ],
    ['back-to-page-missing', 'api 302 -> page origin without ACAO', { at: 'api', h: ECHO, to: { at: 'page' } }, {}],
    [
      'chain-null-ok',
      'api 302 -> other 302 (ACAO null) -> api (ACAO null)',
      { at: 'api', h: ECHO, to: other({ [ACAO]: 'null' }, { to: { at: 'api', h: { [ACAO]: 'null' } } }) },
      {},
    ],
    [
      'chain-middle-page-acao',
      'api 302 -> other 302 (ACAO page origin) -> api',
      { at: 'api', h: ECHO, to: other({ [ACAO]: '$PAGE' }, { to: { at: 'api', h: { [ACAO]: 'null' } } }) },
      {},
    ],
    [
      'chain-middle-missing',
      'api 302 -> other 302 (no ACAO) -> api',
      { at: 'api', h: ECHO, to: other({}, { to: { at: 'api', h: { [ACAO]: '*' } } }) },
      {},
    ],
    [
      'same-origin-mode',
      "fetch mode 'same-origin', same-origin URL 302 -> api",
      { at: 'page', to: { at: 'api', h: ECHO } },
      { mode: 'same-origin' },
    ],
    [
      'post-303',
      'POST api 303 -> other answering ACAO null',
      { at: 'api', s: 303, h: ECHO, to: other({ [ACAO]: 'null' }) },
      { method: 'POST', body: 'x' },
    ],
    [
      'page-307-put-preflight-ok',
      'PUT same-origin URL 307 -> api, preflight ok there',
      { at: 'page', s: 307, to: { at: 'api', p: PUT_OK, h: ECHO } },
      { method: 'PUT' },
    ],
    [
      'page-307-put-preflight-missing',
      'PUT same-origin URL 307 -> api, preflight without ACAO',
      { at: 'page', s: 307, to: { at: 'api', p: { [ACAM]: 'PUT' }, h: ECHO } },
      { method: 'PUT' },
    ],
    [
      'page-307-put-preflight-no-method',
      'PUT same-origin URL 307 -> api, preflight without Allow-Methods',
      { at: 'page', s: 307, to: { at: 'api', p: ECHO, h: ECHO } },
      { method: 'PUT' },
    ],
    [
      'page-307-header-preflight',
      'GET with X-A, same-origin URL 307 -> api, preflight without Allow-Headers',
      { at: 'page', s: 307, to: { at: 'api', p: ECHO, h: ECHO } },
      { headers: [['X-A', '1']] },
    ],
    [
      'put-307-other-null-ok',
      'PUT api (preflight ok) 307 -> other, preflight and response ACAO null',
      { at: 'api', s: 307, p: PUT_OK, h: ECHO, to: other({ [ACAO]: 'null' }, { p: { [ACAO]: 'null', [ACAM]: 'PUT' } }) },
      { method: 'PUT' },
    ],
    [
      'put-307-other-page-acao',
      'PUT api (preflight ok) 307 -> other, preflight ACAO page origin',
      { at: 'api', s: 307, p: PUT_OK, h: ECHO, to: other({ [ACAO]: 'null' }, { p: { [ACAO]: '$PAGE', [ACAM]: 'PUT' } }) },
      { method: 'PUT' },
    ],
    [
      'put-307-other-echo',
      'PUT api (preflight ok) 307 -> other, preflight and response echo Origin',
      { at: 'api', s: 307, p: PUT_OK, h: ECHO, to: other(ECHO, { p: { ...ECHO, [ACAM]: 'PUT' } }) },
      { method: 'PUT' },
    ],
    ['xhr-taint-null', 'XHR: api 302 -> other answering ACAO null', { at: 'api', h: ECHO, to: other({ [ACAO]: 'null' }) }, { api: 'xhr' }],
    [
      'xhr-taint-page-origin',
      'XHR: api 302 -> other answering ACAO page origin',
      { at: 'api', h: ECHO, to: other({ [ACAO]: '$PAGE' }) },
      { api: 'xhr' },
    ],
    [
      'eventsource-taint-null',
      'EventSource: api 302 -> other answering ACAO null',
      { at: 'api', h: ECHO, to: other({ [ACAO]: 'null' }) },
      { api: 'eventsource' },
    ],
    [
      'eventsource-redirect-missing',
      'EventSource: api 302 without ACAO -> other',
      { at: 'api', to: other({ [ACAO]: '*' }) },
      { api: 'eventsource' },
    ],
  ];
  for (const [name, description, step, extra] of redirects) add(`redirect-${name}`, description, { ...extra, step });

  // XHR: withCredentials is its credentials mode.
  const xhr: [string, HeaderSpec, boolean, Partial<Scenario>][] = [
    ['missing', {}, false, {}],
    ['echo', ECHO, false, {}],
    ['star', { [ACAO]: '*' }, false, {}],
    ['star-cred', { [ACAO]: '*', [ACAC]: 'true' }, true, {}],
    ['cred-no-acac', ECHO, true, {}],
    ['cred-ok', CRED, true, {}],
    ['mismatch', { [ACAO]: 'http://other.test' }, false, {}],
    ['put-preflight-ok', ECHO, false, { method: 'PUT' }],
    ['put-preflight-no-method', ECHO, false, { method: 'PUT' }],
    ['header-not-allowed', ECHO, false, { headers: [['X-A', '1']] }],
    ['patch-lower', ECHO, false, { method: 'patch' }],
    ['cred-put-preflight-star', CRED, true, { method: 'PUT' }],
  ];
  for (const [name, h, cred, extra] of xhr) {
    const p: HeaderSpec | undefined =
      name === 'put-preflight-ok'
        ? { ...ECHO, [ACAM]: 'PUT' }
        : name === 'patch-lower'
          ? { ...ECHO, [ACAM]: 'PATCH' }
          : name === 'cred-put-preflight-star'
            ? { ...CRED, [ACAM]: '*' }
            : ECHO;
    add(`xhr-${name}`, `XHR${cred ? ' withCredentials' : ''} ${name}`, {
      ...extra,
      api: 'xhr',
      credentials: cred ? 'include' : 'same-origin',
      step: { at: 'api', h, p },
    });
  }
  // EventSource: never preflighted; withCredentials is its credentials mode.
  const es: [string, HeaderSpec, boolean][] = [
    ['missing', {}, false],
    ['echo', ECHO, false],
    ['star', { [ACAO]: '*' }, false],
    ['star-cred', { [ACAO]: '*', [ACAC]: 'true' }, true],
    ['cred-no-acac', ECHO, true],
    ['cred-ok', CRED, true],
    ['mismatch', { [ACAO]: 'http://other.test' }, false],
    ['null', { [ACAO]: 'null' }, false],
  ];
  for (const [name, h, cred] of es) {
    add(`eventsource-${name}`, `EventSource${cred ? ' withCredentials' : ''} ${name}`, {
      api: 'eventsource',
      credentials: cred ? 'include' : 'same-origin',
      step: { at: 'api', h },
    });
  }
  // The API as the same site on another port: still cross-origin, same verdicts.
  const sameSite: [string, Partial<Scenario>, Step][] = [
    ['missing', {}, { at: 'api-same-site' }],
    ['echo', {}, { at: 'api-same-site', h: ECHO }],
    ['star-cred', { credentials: 'include' }, { at: 'api-same-site', h: { [ACAO]: '*', [ACAC]: 'true' } }],
    ['cred-ok', { credentials: 'include' }, { at: 'api-same-site', h: CRED }],
    ['cred-no-acac', { credentials: 'include' }, { at: 'api-same-site', h: ECHO }],
    ['cross-site-origin', {}, { at: 'api-same-site', h: { [ACAO]: '$API' } }],
    ['put-preflight-ok', { method: 'PUT' }, { at: 'api-same-site', p: PUT_OK, h: ECHO }],
    ['put-preflight-missing', { method: 'PUT' }, { at: 'api-same-site', p: { [ACAM]: 'PUT' }, h: ECHO }],
    ['header-not-allowed', { headers: [['X-A', '1']] }, { at: 'api-same-site', p: ECHO, h: ECHO }],
    ['xhr-cred-no-acac', { api: 'xhr', credentials: 'include' }, { at: 'api-same-site', h: ECHO }],
    ['eventsource-missing', { api: 'eventsource' }, { at: 'api-same-site' }],
    ['redirect-to-other-same-site', {}, { at: 'api-same-site', h: ECHO, to: { at: 'other-same-site', h: { [ACAO]: 'null' } } }],
  ];
  for (const [name, extra, step] of sameSite)
    add(`same-site-${name}`, `same-site API (localhost, another port): ${name}`, { ...extra, step });
  // An http page and API under host names that are not loopback: neither is potentially trustworthy, so the page is
  // not a secure context and Blink adds no client hints to the request (a different header map).
  const insecure: [string, Partial<Scenario>, Step][] = [
    ['echo', {}, { at: 'api-insecure', h: ECHO }],
    ['missing', {}, { at: 'api-insecure' }],
    ['cred-no-acac', { credentials: 'include' }, { at: 'api-insecure', h: ECHO }],
    ['put-preflight-ok', { method: 'PUT' }, { at: 'api-insecure', p: PUT_OK, h: ECHO }],
    ['put-preflight-missing', { method: 'PUT' }, { at: 'api-insecure', p: { [ACAM]: 'PUT' }, h: ECHO }],
    ['several-refused', { headers: (orderSets[0] ?? []).map((n) => [n, '1'] as const) }, { at: 'api-insecure', p: ECHO, h: ECHO }],
    [
      'several-allowed',
      { headers: (orderSets[0] ?? []).map((n) => [n, '1'] as const) },
      { at: 'api-insecure', p: { ...ECHO, [ACAH]: '*' }, h: ECHO },
    ],
    [
      'a1-a8-refused',
      { headers: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'].map((n) => [n, '1'] as const) },
      { at: 'api-insecure', p: ECHO, h: ECHO },
    ],
    [
      'twelve-refused',
      { headers: Array.from({ length: 12 }, (_, k) => [`h${String(k + 1).padStart(2, '0')}`, '1'] as const) },
      { at: 'api-insecure', p: ECHO, h: ECHO },
    ],
    ['auth-star', { headers: [['Authorization', 'Bearer t0ken']] }, { at: 'api-insecure', p: { ...ECHO, [ACAH]: '*' }, h: ECHO }],
  ];
  for (const [name, extra, step] of insecure)
    add(`insecure-page-${name}`, `http page to an http API, neither potentially trustworthy: ${name}`, {
      ...extra,
      page: 'insecure',
      step,
    });
  return out;
}

/** cors/origin.htm: Access-Control-Allow-Origin values, XHR GET without credentials (the test's sync XHR, made async). */
function wptOrigin(): Scenario[] {
  const host = '$PAGEHOST';
  const origin = '$PAGE';
  const pass = ['*', ' *  ', '\t*', origin, ` ${origin}`, ` ${origin}   \t `, `\t${origin}`];
  // location.host.replace(/^[^.]+\./, '') is the parent domain on WPT's hosts; "localhost:<port>" has none, so the
  // expression keeps the host unchanged, and "http://" + it would be the page origin itself: that case is left out.
  const parent = host;
  const fail = [
    `http://www1.${host}`,
    `//${host}`,
    `://${host}`,
    `ftp://${host}`,
    `http:://${host}`,
    `http:/${host}`,
    `http:${host}`,
    host,
    `${origin}?`,
    `${origin}/`,
    `${origin} /`,
    `${origin}#`,
    `${origin}%23`,
    `${origin}:80`,
    `${origin}, *`,
    `${origin}\0`,
    'HTTP://LOCALHOST:$PAGEPORT',
    `HTTP://${host}`,
    '-',
    '**',
    '\0*',
    '*\0',
    "'*'",
    '"*"',
    '* *',
    '* null',
    '*http://*',
    `*${origin}`,
    `* ${origin}`,
    `*, ${origin}`,
    `\0${origin}`,
    `null ${origin}`,
    'http://example.net',
    'null',
    'null *',
    '',
    `${origin}/conformance`,
    `${origin}/`,
    '$API/',
    parent,
    `.${parent}`,
    `*.${parent}`,
    `http://.${parent}`,
    `http://*.${parent}`,
  ];
  const doubles: [string, string][] = [
    ['', '*'],
    ['*', ''],
    ['*', '*'],
    ['', origin],
    ['*', origin],
    [origin, origin],
  ];
  const show = (v: string) => JSON.stringify(v).slice(1, -1);
  const out: Scenario[] = [];
  const add = (description: string, value: string | string[], wpt: 'pass' | 'fail') =>
    out.push({
      id: `wpt-origin-${out.length + 1}`,
      source: 'wpt:cors/origin.htm',
      description,
      api: 'xhr',
      step: { at: 'api', h: { [ACAO]: value } },
      wpt,
    });
  for (const v of pass) add(`Allow origin: ${show(v)}`, v, 'pass');
  for (const v of fail) add(`Disallow origin: ${show(v)}`, v, 'fail');
  for (const [a, b] of doubles) add(`Disallow multiple headers (${a}, ${b})`, [a, b], 'fail');
  return out;
}

/** cors/credentials-flag.htm: withCredentials with an Access-Control-Allow-Credentials that is not exactly "true". */
function wptCredentials(): Scenario[] {
  return ['TRUE', 'True', '"true"', 'false', '1', '0'].map((v, i) => ({
    id: `wpt-credentials-flag-${i + 1}`,
    source: 'wpt:cors/credentials-flag.htm',
    description: `Access-Control-Allow-Credentials: ${v} should be disallowed`,
    api: 'xhr',
    credentials: 'include',
    step: { at: 'api', h: { [ACAO]: '$ORIGIN', [ACAC]: v } },
    wpt: 'fail',
  }));
}

/** fetch/api/cors/cors-preflight-status.any.js: the preflight's status (no Location on the 3xx: preflight.py sets none). */
function wptPreflightStatus(): Scenario[] {
  const statuses = [
    200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 304, 305, 306, 307, 308, 400, 401, 402, 403, 404, 405, 501, 502, 503, 504, 505,
  ];
  return statuses.map((ps) => ({
    id: `wpt-preflight-status-${ps}`,
    source: 'wpt:fetch/api/cors/cors-preflight-status.any.js',
    description: `Preflight answered with status ${ps}`,
    api: 'fetch',
    headers: [['x-force-preflight', '']],
    step: {
      at: 'api',
      ps,
      p: { [ACAO]: '*', 'access-control-max-age': '0', [ACAH]: 'x-force-preflight' },
      h: { [ACAO]: '*' },
    },
    wpt: ps >= 200 && ps <= 299 ? 'pass' : 'fail',
  }));
}

/** The answers of fetch/api/resources/preflight.py for the given query parameters. */
function preflightPy(q: { origin?: boolean; credentials?: boolean; allowMethods?: string; allowHeaders?: string; maxAge?: boolean }): Step {
  const base: HeaderSpec = { [ACAO]: q.origin ? '$PAGE' : '*', ...(q.credentials ? { [ACAC]: 'true' } : {}) };
  const p: HeaderSpec = { ...base };
  if (q.maxAge) p['access-control-max-age'] = '0';
  if (q.allowHeaders !== undefined) p[ACAH] = q.allowHeaders;
  if (q.allowMethods !== undefined) p[ACAM] = q.allowMethods;
  return { at: 'api', p, h: base };
}

/** fetch/api/cors/cors-preflight-star.any.js: '*' in Allow-Methods and Allow-Headers, without and with credentials. */
function wptPreflightStar(): Scenario[] {
  const cases: [boolean, boolean, string, string, string | undefined, [string, string] | undefined][] = [
    [true, false, 'get', 'x-test', 'GET', ['X-Test', '1']],
    [true, false, '*', 'x-test', 'SUPER', ['X-Test', '1']],
    [true, false, '*', '*', 'OK', ['X-Test', '1']],
    [false, true, '*', '*', 'OK', ['X-Test', '1']],
    [false, true, '*', '', 'PUT', undefined],
    [true, true, 'PUT', '*', 'PUT', undefined],
    [false, true, 'get', '*', 'GET', ['X-Test', '1']],
    [false, true, '*', '*', 'GET', ['X-Test', '1']],
    [true, true, '*', '*', '*', ['*', '1']],
    [false, true, 'put', '*', 'PUT', undefined],
  ];
  return cases.map(([succeeds, cred, allowMethods, allowHeaders, method, header], i) => ({
    id: `wpt-preflight-star-${i + 1}`,
    source: 'wpt:fetch/api/cors/cors-preflight-star.any.js',
    description: `CORS that ${succeeds ? 'succeeds' : 'fails'} with credentials: ${cred}; method: ${method} (allowed: ${allowMethods}); header: ${header ? header.join(',') : ''} (allowed: ${allowHeaders})`,
    api: 'fetch',
    ...(method ? { method } : {}),
    ...(header ? { headers: [header] } : {}),
    credentials: cred ? 'include' : 'same-origin',
    step: preflightPy({ origin: cred, credentials: cred, allowMethods, allowHeaders }),
    wpt: succeeds ? 'pass' : 'fail',
  }));
}

/** fetch/api/cors/cors-preflight.any.js: methods and headers, allowed (listed by the server) or refused (not listed). */
function wptPreflight(): Scenario[] {
  const several: [string, string][] = [
    ['x-test-header1', 'allowedOrRefused'],
    ['x-test-header2', 'allowedOrRefused'],
    ['X-test-header3', 'allowedOrRefused'],
    ['x-test-header-b', 'allowedOrRefused'],
    ['x-test-header-D', 'allowedOrRefused'],
    ['x-test-header-C', 'allowedOrRefused'],
    ['x-test-header-a', 'allowedOrRefused'],
    ['Content-Type', 'allowedOrRefused'],
  ];
  const safe: [string, string][] = [
    ['Accept', '*'],
    ['Accept-Language', 'bzh'],
    ['Content-Language', 'eu'],
  ];
  const cases: [string, string, boolean, [string, string][] | null, [string, string][] | null][] = [
    ['CORS [DELETE], server allows', 'DELETE', true, null, null],
    ['CORS [DELETE], server refuses', 'DELETE', false, null, null],
    ['CORS [PUT], server allows', 'PUT', true, null, null],
    ['CORS [PUT], server allows, check preflight has user agent', 'PUT', true, null, null],
    ['CORS [PUT], server refuses', 'PUT', false, null, null],
    ['CORS [PATCH], server allows', 'PATCH', true, null, null],
    ['CORS [PATCH], server refuses', 'PATCH', false, null, null],
    ['CORS [NEW], server allows', 'NEW', true, null, null],
    ['CORS [NEW], server refuses', 'NEW', false, null, null],
    ['CORS [GET] [x-test-header: allowed], server allows', 'GET', true, [['x-test-header1', 'allowed']], null],
    ['CORS [GET] [x-test-header: refused], server refuses', 'GET', false, [['x-test-header1', 'refused']], null],
    ['CORS [GET] [several headers], server allows', 'GET', true, several, safe],
    ['CORS [GET] [several headers], server refuses', 'GET', false, several, safe],
    ['CORS [PUT] [several headers], server allows', 'PUT', true, several, safe],
    ['CORS [PUT] [several headers], server refuses', 'PUT', false, several, safe],
    ['CORS [PUT] [only safe headers], server allows', 'PUT', true, null, safe],
  ];
  return cases.map(([description, method, allowed, headers, safeHeaders], i) => ({
    id: `wpt-preflight-${i + 1}`,
    source: 'wpt:fetch/api/cors/cors-preflight.any.js',
    description,
    api: 'fetch',
    method,
    headers: [...(headers ?? []), ...(safeHeaders ?? [])],
    step: preflightPy({
      maxAge: true,
      ...(allowed ? { allowMethods: method } : {}),
      ...(allowed && headers ? { allowHeaders: headers.map(([n]) => n.toLowerCase()).join(' ,') } : {}),
    }),
    wpt: allowed ? 'pass' : 'fail',
  }));
}

/** fetch/api/cors/cors-preflight-not-cors-safelisted.any.js with resources/not-cors-safelisted.json: each needs a preflight, which allows it. */
function wptNotSafelisted(): Scenario[] {
  const items: [string, string][] = [
    ['accept', '"'],
    [
      'accept',
      '012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678',
    ],
    ['accept-language', '\u0001'],
    ['accept-language', '@'],
    ['authorization', 'basics'],
    ['content-language', '\u0001'],
    ['content-language', '@'],
    ['content-type', 'text/html'],
    [
      'content-type',
      'text/plain; long=0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901',
    ],
    ['last-event-id', '"'],
    [
      'last-event-id',
      '012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678',
    ],
    ['range', 'bytes 0-'],
    ['test', 'hi'],
  ];
  return items.map(([name, value], i) => ({
    id: `wpt-not-safelisted-${i + 1}`,
    source: 'wpt:fetch/api/cors/cors-preflight-not-cors-safelisted.any.js',
    description: `Need CORS-preflight for ${name}/${JSON.stringify(value).slice(1, -1)} header`,
    api: 'fetch',
    method: 'GET',
    headers: [[name, value]],
    step: preflightPy({ maxAge: true, allowMethods: 'GET', allowHeaders: name }),
    wpt: 'pass',
  }));
}

/** fetch/api/cors/cors-preflight-response-validation.any.js: unparsable Allow-Headers or Allow-Methods. */
function wptResponseValidation(): Scenario[] {
  const cases: [string, string | undefined, string | undefined][] = [
    ['Preflight response with bad Allow-Access-Control-Headers', 'x-force-preflight,header name with space', undefined],
    ['Preflight response with bad Allow-Access-Control-Methods', 'x-force-preflight', 'Bad method name'],
  ];
  return cases.map(([description, allowHeaders, allowMethods], i) => ({
    id: `wpt-preflight-response-validation-${i + 1}`,
    source: 'wpt:fetch/api/cors/cors-preflight-response-validation.any.js',
    description,
    api: 'fetch',
    headers: [['x-force-preflight', '']],
    step: preflightPy({ maxAge: true, ...(allowHeaders ? { allowHeaders } : {}), ...(allowMethods ? { allowMethods } : {}) }),
    wpt: 'fail',
  }));
}

export function allScenarios(): Scenario[] {
  const all = [
    ...matrix(),
    ...wptOrigin(),
    ...wptCredentials(),
    ...wptPreflightStatus(),
    ...wptPreflightStar(),
    ...wptPreflight(),
    ...wptNotSafelisted(),
    ...wptResponseValidation(),
  ];
  const ids = new Set<string>();
  for (const s of all) {
    if (ids.has(s.id)) throw new Error(`duplicate scenario id ${s.id}`);
    ids.add(s.id);
  }
  return all;
}
