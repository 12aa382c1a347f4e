/** Which failures become rows, and what a stored row may contain. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { FirefoxCorpus, FirefoxCorpusScenario } from '../../test-support/conformance/corpus.ts';
import { API, captured, exchange, PAGE } from '../../test-support/exchange.ts';
import {
  fitRecord,
  MAX_RECORD_BYTES,
  parseRecordJson,
  recordCode,
  recordDiagnosis,
  recordJson,
  toFirefoxRecord,
  toRecord,
} from './records.ts';

describe('toRecord', () => {
  test('a CORS failure is a counted row with its diagnosis', () => {
    const r = toRecord(captured(exchange({ response: { headers: {} } })));
    expect(r?.kind).toBe('cors');
    expect(r && recordCode(r)).toBe('MissingAllowOriginHeader');
    expect(r && recordDiagnosis(r).title).toBe('The server did not send Access-Control-Allow-Origin');
  });
  test('at the response, a certain failure is recorded before the error event', () => {
    const r = toRecord(
      captured(
        exchange({ credentials: 'include', credentialsSource: 'page', response: { headers: { 'access-control-allow-origin': '*' } } }),
        'headers',
      ),
    );
    expect(r && recordCode(r)).toBe('WildcardOriginNotAllowed');
  });
  test('at the response, nothing is inferred: a pass with the known credentials is no record yet', () => {
    expect(toRecord(captured(exchange({ response: { headers: { 'access-control-allow-origin': '*' } } }), 'headers'))).toBeNull();
  });
  test('cancelled requests and same-origin requests are not rows', () => {
    expect(toRecord(captured(exchange({ error: 'net::ERR_ABORTED' })))).toBeNull();
    expect(toRecord(captured(exchange({ url: `${PAGE}/x` })))).toBeNull();
  });
  test('net::ERR_FAILED after headers that pass CORS is not a CORS failure (a closed event stream)', () => {
    const closedStream = exchange({
      initiator: 'eventsource',
      credentials: 'same-origin',
      credentialsSource: 'page',
      response: { headers: { 'access-control-allow-origin': '*' } },
    });
    expect(toRecord(captured(closedStream))).toBeNull();
  });
  test("with the page's credentials unknown, the only mode that explains the refusal is used", () => {
    const r = toRecord(captured(exchange({ response: { headers: { 'access-control-allow-origin': '*' } } })));
    expect(r && recordCode(r)).toBe('WildcardOriginNotAllowed');
    expect(r?.judgement.credentials.source).toBe('inferred');
  });
  test('net::ERR_FAILED with no headers observed is a counted row that says its details are missing', () => {
    const r = toRecord(captured(exchange({ response: null })));
    expect(r?.kind).toBe('cors');
    expect(r && recordCode(r)).toBe('Unknown');
    expect(r && recordDiagnosis(r).status).toBeNull();
    expect(r && recordDiagnosis(r).explanation).toContain('Reload with details');
  });
  test('a network error on a cross-origin request is a look-alike row, not counted', () => {
    expect(toRecord(captured(exchange({ response: null, error: 'net::ERR_CONNECTION_REFUSED' })))?.kind).toBe('lookalike');
  });
  test('a typical record is small: the headers the browser adds to everything keep their names only', () => {
    const r = toRecord(
      captured(
        exchange({
          credentials: 'include',
          requestHeaders: {
            'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156',
            'sec-ch-ua': '"Chromium";v="156"',
            'Accept-Encoding': 'gzip',
            Accept: '*/*',
          },
          response: { headers: { 'access-control-allow-origin': PAGE, 'content-type': 'application/json' } },
        }),
      ),
    );
    // Their names decide Chromium's header check order (cors/header-order.ts); their values are not needed.
    expect(r?.exchange.request.headers).toEqual([
      { name: 'origin', value: PAGE },
      { name: 'User-Agent', value: '', redacted: true },
      { name: 'sec-ch-ua', value: '', redacted: true },
      { name: 'Accept-Encoding', value: '', redacted: true },
      { name: 'Accept', value: '*/*' },
    ]);
    expect(JSON.stringify(r).length).toBeLessThan(2_000);
  });
  test('secrets never reach the stored record, and huge values are cut', () => {
    const r = toRecord(
      captured(
        exchange({
          requestHeaders: { Cookie: 'sid=topsecret', Authorization: 'Bearer topsecret', 'x-big': 'b'.repeat(70_000) },
          response: { headers: { 'Set-Cookie': 'sid=topsecret', 'access-control-allow-origin': 'x'.repeat(70_000) } },
        }),
      ),
    );
    const json = JSON.stringify(r);
    expect(json).not.toContain('topsecret');
    expect(json.length).toBeLessThan(12_000);
    // Judged on the full 70 KB value, before it was cut for storage.
    expect(r?.judgement.verdict.status?.corsError).toBe('InvalidAllowOriginValue');
    expect(r && JSON.stringify(recordDiagnosis(r))).not.toContain('topsecret');
    expect(r?.exchange.request.url).toBe(API);
  });
});

describe('recordJson', () => {
  const browserHeaders = { 'User-Agent': 'HeadlessChrome/156', 'sec-fetch-mode': 'cors', Accept: '*/*', 'x-api-key': 'k' };

  test("the first hop's request headers, when they are the request's own, are written once and read back whole", () => {
    const r = toRecord(captured(exchange({ credentials: 'include', requestHeaders: browserHeaders })));
    if (!r) throw new Error('no record');
    expect(r.exchange.hops[0]?.requestHeaders).toEqual(r.exchange.request.headers);
    const json = recordJson(r);
    expect(json.length).toBeLessThan(JSON.stringify(r).length - JSON.stringify(r.exchange.request.headers).length + 40);
    expect(parseRecordJson(json)).toEqual(r);
  });

  test('other hops, a first hop whose headers differ or were not seen, and older plain JSON read back as they were', () => {
    const redirected = toRecord(captured(exchange({ requestHeaders: browserHeaders, redirects: [{ url: 'https://api.example/v2' }] })));
    const stopped = toRecord(captured(exchange({ requestHeaders: browserHeaders, response: null })));
    if (!redirected || !stopped) throw new Error('no record');
    const differs = {
      ...redirected,
      exchange: {
        ...redirected.exchange,
        hops: redirected.exchange.hops.map((h, i) => (i === 0 ? { ...h, requestHeaders: [{ name: 'origin', value: PAGE }] } : h)),
      },
    };
    const unseen = {
      ...stopped,
      exchange: { ...stopped.exchange, hops: stopped.exchange.hops.map((h) => ({ ...h, requestHeaders: null })) },
    };
    for (const r of [redirected, differs, unseen]) expect(parseRecordJson(recordJson(r))).toEqual(r);
    expect(recordJson(differs)).toBe(JSON.stringify(differs));
    expect(recordJson(unseen)).toBe(JSON.stringify(unseen));
    expect(parseRecordJson(JSON.stringify(redirected))).toEqual(redirected);
  });
});

test('a failure on a tab without detailed capture is counted and says how to get its details', () => {
  const r = toRecord(captured(exchange({ response: null }), 'error', false));
  expect(r?.kind).toBe('cors');
  expect(r?.notWatched).toBe(true);
  expect(r && recordDiagnosis(r).explanation).toContain('With DevTools open on the tab');
});

describe('fitRecord', () => {
  test('a record made of the worst a server can send stays under the cap, keeps its verdict and says it was trimmed', () => {
    const big = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x-h${i}`, 'v'.repeat(2000)]));
    const x = exchange({
      response: {
        status: 302,
        headers: { ...big, location: `${API}/0`, 'access-control-allow-origin': PAGE, 'access-control-allow-credentials': 'true' },
      },
      redirects: Array.from({ length: 19 }, (_, i) => ({
        url: `${API}/${i}`,
        response:
          i === 18
            ? { status: 200, headers: { ...big, 'access-control-allow-origin': '*' } }
            : {
                status: 302,
                headers: {
                  ...big,
                  location: `${API}/${i + 1}`,
                  'access-control-allow-origin': PAGE,
                  'access-control-allow-credentials': 'true',
                },
              },
      })),
      credentials: 'include',
      error: 'net::ERR_FAILED',
    });
    const record = toRecord(captured(x));
    expect(record).not.toBeNull();
    expect(JSON.stringify(record).length).toBeLessThanOrEqual(MAX_RECORD_BYTES);
    expect(record?.trimmed).toBe(true);
    expect(record?.judgement.verdict.status?.corsError).toBe('WildcardOriginNotAllowed');
    // The hop at fault is still there, with the header that decided it.
    const last = record?.exchange.hops.at(-1);
    expect(last?.response?.headers.find((h) => h.name === 'access-control-allow-origin')?.value).toBe('*');
  });

  test('an ordinary record is not touched', () => {
    const record = toRecord(
      captured(
        exchange({ credentials: 'include', response: { headers: { 'access-control-allow-origin': PAGE } }, error: 'net::ERR_FAILED' }),
      ),
    );
    expect(record?.trimmed).toBeUndefined();
    expect(record && fitRecord(record)).toBe(record);
  });
});

describe("toFirefoxRecord (records of Firefox's own capture)", () => {
  const firefoxCorpus = JSON.parse(
    readFileSync(new URL('../../test-support/conformance/corpus-firefox.json', import.meta.url), 'utf8'),
  ) as FirefoxCorpus;
  const scenario = (id: string) => firefoxCorpus.scenarios.find((s) => s.id === id) as FirefoxCorpusScenario;

  test("a failure both browsers make: Firefox's reason and message lead, Chromium's verdict stays beside it", () => {
    const s = scenario('m-acac-absent');
    const r = toFirefoxRecord(captured(s.exchange));
    expect(r?.kind).toBe('cors');
    expect(r?.exchange.error).toBe('NS_ERROR_DOM_BAD_URI');
    expect(r?.firefox).toMatchObject({ reason: s.expected?.reason, parameter: s.expected?.parameter, message: s.messages[0] });
    const d = r && recordDiagnosis(r);
    expect(d?.result).toBe('fail');
    expect(d?.firefox).toMatchObject({ key: 'CORSMissingAllowCredentials', text: s.messages[0] });
    expect(d?.status?.corsError).toBe('InvalidAllowCredentials');
    expect(d?.lookalike).toBeNull();
    expect(d?.divergence.same).toBe(true);
  });

  test('a failure only Firefox makes is worded from the same check; Chromium, answered another Origin, cannot be told', () => {
    const s = scenario('m-redirect-put-307-other-null-ok');
    expect(s.expected?.reason).toBe('CORSAllowOriginNotMatchingOrigin');
    const r = toFirefoxRecord(captured(s.exchange));
    expect(r?.firefox?.reason).toBe('CORSAllowOriginNotMatchingOrigin');
    expect(r?.judgement.verdict.status).toBeNull();
    const d = r && recordDiagnosis(r);
    expect(d?.result).toBe('fail');
    expect(d?.status).toBeNull();
    expect(d?.title).toContain("Access-Control-Allow-Origin is 'null'");
    expect(d?.firefox?.text).toBe(s.messages[0]);
  });

  test('what Firefox lets through is no record, also where Chromium refuses it', () => {
    const s = scenario('wpt-origin-52');
    expect(s.page).toBe('ok');
    expect(toFirefoxRecord(captured(s.exchange))).toBeNull();
    expect(toRecord(captured({ ...s.exchange, error: 'net::ERR_FAILED' }))?.kind).toBe('cors');
  });

  test('every corpus scenario Firefox refused with a reason is a record with that reason, the others none', () => {
    const wrong = firefoxCorpus.scenarios.filter(
      (s) => (toFirefoxRecord(captured(s.exchange))?.firefox?.reason ?? null) !== (s.expected?.reason ?? null),
    );
    expect(wrong.map((s) => s.id)).toEqual([]);
  });
});
