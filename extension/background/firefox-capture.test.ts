/**
 * Firefox's capture against Firefox: every scenario of the Firefox corpus (recorded from Firefox ESR) replayed as the
 * webRequest events Firefox fires for it (measured, docs/firefox-capture.md: a preflighted request's onSendHeaders
 * before its preflight, redirects under one request id, repeated header lines merged, no end for a failed preflight,
 * onCompleted for a blocked response, which the capture does not listen to), with the page's report of its failed
 * call, must give Firefox's own reason, and nothing for what Firefox let through. Then the joins one by one: a report
 * before or after the response, credentials known only from the page, a network error, unknown modes, the bounds.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { PageHint, RequestEvent, RequestEventBase } from '../../src/capture/events.ts';
import { type FailureRecord, recordDiagnosis } from '../../src/capture/records.ts';
import { type HeaderList, headerValue } from '../../src/headers.ts';
import type { Exchange, Initiator } from '../../src/model.ts';
import type { FirefoxCorpus, FirefoxCorpusScenario } from '../../test-support/conformance/corpus.ts';
import { headers } from '../../test-support/exchange.ts';
import { FirefoxCapture } from './firefox-capture.ts';

const corpus = JSON.parse(
  readFileSync(new URL('../../test-support/conformance/corpus-firefox.json', import.meta.url), 'utf8'),
) as FirefoxCorpus;

const DOC = 'doc-1';
const SENDER = { tabId: 3, frameId: 0, documentId: DOC, origin: 'http://localhost:8801' };

/**
 * A header list as Firefox's webRequest shows it (measured with Firefox ESR 153): the lines of one name merged into
 * one, spelled as the first, values trimmed, empty ones dropped, joined with ", ".
 */
function webRequestView(list: HeaderList): HeaderList {
  const merged = new Map<string, { name: string; values: string[] }>();
  for (const h of list) {
    const key = h.name.toLowerCase();
    const entry = merged.get(key) ?? { name: h.name, values: [] };
    const value = h.value.trim();
    if (value !== '') entry.values.push(value);
    merged.set(key, entry);
  }
  return [...merged.values()].map((e) => ({ name: e.name, value: e.values.join(', ') }));
}

const TYPE: Partial<Record<Initiator, string>> = { fetch: 'xmlhttprequest', xhr: 'xmlhttprequest', eventsource: 'xmlhttprequest' };

/** The webRequest events Firefox fires for an exchange, in its order. */
function firefoxEvents(exchange: Exchange, id: string, origin: string): RequestEvent[] {
  const events: RequestEvent[] = [];
  let t = 1000;
  const base = (requestId: string, url: string, method: string): RequestEventBase => ({
    requestId,
    url,
    method,
    type: TYPE[exchange.request.initiator] ?? 'other',
    tabId: SENDER.tabId,
    frameId: 0,
    documentId: DOC,
    initiator: origin,
    timeStamp: t++,
  });
  exchange.hops.forEach((hop, i) => {
    const method = (hop.preflight && headerValue(hop.preflight.requestHeaders, 'access-control-request-method')) || exchange.request.method;
    // Firefox announces the request (its onSendHeaders) before its preflight, whether or not it goes out.
    const announced = hop.requestHeaders ?? (hop.preflight ? exchange.request.headers : null);
    if (announced) events.push({ ...base(id, hop.url, method), kind: 'send', requestHeaders: announced });
    if (hop.preflight) {
      const pf = `${id}-pf${i}`;
      events.push({ ...base(pf, hop.url, 'OPTIONS'), kind: 'send', requestHeaders: hop.preflight.requestHeaders });
      const r = hop.preflight.response;
      if (r)
        events.push({ ...base(pf, hop.url, 'OPTIONS'), kind: 'headers', statusCode: r.status, responseHeaders: webRequestView(r.headers) });
    }
    if (hop.response) {
      events.push({
        ...base(id, hop.url, method),
        kind: 'headers',
        statusCode: hop.response.status,
        responseHeaders: webRequestView(hop.response.headers),
      });
    }
  });
  return events;
}

function reportOf(exchange: Exchange): PageHint {
  const { request } = exchange;
  return {
    api: request.initiator as PageHint['api'],
    url: request.url,
    method: request.method,
    credentials: request.credentials.mode,
    mode: request.mode as PageHint['mode'],
    outcome: 'failed',
  };
}

/** Replays a scenario: the events, then (when the page's call failed) its report. Returns the last record per id. */
function replay(s: FirefoxCorpusScenario, reportFirst = false): FailureRecord[] {
  const records = new Map<string, FailureRecord>();
  const capture = new FirefoxCapture((r) => records.set(r.id, r));
  const report = () => capture.report(SENDER, reportOf(s.exchange), 5000);
  if (reportFirst && s.page === 'failed') report();
  for (const e of firefoxEvents(s.exchange, 'r1', s.exchange.request.origin)) capture.handle(e);
  if (!reportFirst && s.page === 'failed') report();
  return [...records.values()];
}

/**
 * Where webRequest cannot show what Firefox decided on: repeated Access-Control-Allow-Origin lines spelled exactly so
 * are "multiple" to Firefox, but webRequest shows them merged into one line, which fails (or passes) as one value.
 */
const MERGED_AWAY: Record<string, string> = {
  'm-acao-two-lines-usual-case': 'two lines named exactly Access-Control-Allow-Origin: webRequest shows one, joined (a mismatch)',
  'm-acao-empty-and-star-usual-case': "'' and '*' named exactly so: webRequest shows one line, '*', which passes",
};

describe(`Firefox's capture gives Firefox ${corpus.firefox}'s own reason for every corpus scenario`, () => {
  const cases = corpus.scenarios.filter((s) => !(s.id in MERGED_AWAY)).map((s) => [s.id, s] as const);
  test.each(cases)('%s', (_id, s) => {
    const rows = replay(s).filter((r) => r.kind === 'cors');
    const expected = s.expected ? [{ reason: s.expected.reason, parameter: s.expected.parameter, message: s.messages[0] }] : [];
    expect(
      rows.map((r) => ({ reason: r.firefox?.reason, parameter: r.firefox?.parameter, message: r.firefox?.message })),
      s.description,
    ).toEqual(expected);
  });

  test('also when the page reports its failure before Firefox hands the events over', () => {
    const differ = corpus.scenarios
      .filter((s) => !(s.id in MERGED_AWAY))
      .filter((s) => (replay(s, true).find((r) => r.kind === 'cors')?.firefox?.reason ?? null) !== (s.expected?.reason ?? null));
    expect(differ.map((s) => s.id)).toEqual([]);
  });

  test.each(Object.entries(MERGED_AWAY))('%s is one webRequest cannot show (%s)', (id) => {
    const s = corpus.scenarios.find((x) => x.id === id) as FirefoxCorpusScenario;
    expect(s.expected?.reason).toBe('CORSMultipleAllowOriginNotAllowed');
    expect(replay(s).find((r) => r.kind === 'cors')?.firefox?.reason).not.toBe('CORSMultipleAllowOriginNotAllowed');
  });
});

describe('joins and bounds', () => {
  const PAGE = 'http://localhost:8801';
  const URL_ = 'http://127.0.0.1:8802/cors?id=x';
  const base = (requestId: string, url = URL_, method = 'GET', type = 'xmlhttprequest'): RequestEventBase => ({
    requestId,
    url,
    method,
    type,
    tabId: 3,
    frameId: 0,
    documentId: DOC,
    initiator: PAGE,
    timeStamp: 1000,
  });
  const sent = (requestId: string, extra: Record<string, string> = {}, url = URL_, type = 'xmlhttprequest'): RequestEvent => ({
    ...base(requestId, url, 'GET', type),
    kind: 'send',
    requestHeaders: headers({ Origin: PAGE, 'Sec-Fetch-Mode': 'cors', ...extra }),
  });
  const answered = (requestId: string, h: Record<string, string>, url = URL_, type = 'xmlhttprequest'): RequestEvent => ({
    ...base(requestId, url, 'GET', type),
    kind: 'headers',
    statusCode: 200,
    responseHeaders: headers(h),
  });
  const hint = (credentials: PageHint['credentials'], url = URL_): PageHint => ({
    api: 'fetch',
    url,
    method: 'GET',
    credentials,
    mode: 'cors',
    outcome: 'failed',
  });
  const run = () => {
    const records: FailureRecord[] = [];
    return { records, capture: new FirefoxCapture((r) => records.push(r)) };
  };

  test('a failure only credentials explain waits for the page to say it sent them', () => {
    const { records, capture } = run();
    capture.handle(sent('1'));
    capture.handle(answered('1', { 'Access-Control-Allow-Origin': PAGE }));
    expect(records).toEqual([]);
    capture.report(SENDER, hint('include'), 2000);
    expect(records.map((r) => [r.firefox?.reason, r.judgement.credentials.source])).toEqual([['CORSMissingAllowCredentials', 'page']]);
  });

  test('a cookie sent to the other origin says credentials were included, before any report', () => {
    const { records, capture } = run();
    capture.handle(sent('1', { Cookie: 'sid=1' }));
    capture.handle(answered('1', { 'Access-Control-Allow-Origin': '*' }));
    expect(records.map((r) => [r.firefox?.reason, r.judgement.credentials.source])).toEqual([
      ['CORSNotSupportingCredentials', 'cookie-sent'],
    ]);
  });

  test('a failure any credentials mode explains is recorded at once, and the report only restates how the page asked', () => {
    const { records, capture } = run();
    capture.handle(sent('1'));
    capture.handle(answered('1', {}));
    expect(records.map((r) => [r.id, r.firefox?.reason, r.judgement.credentials.source])).toEqual([
      ['1', 'CORSMissingAllowOrigin', 'default'],
    ]);
    capture.report(SENDER, hint('omit'), 2000);
    expect(records.map((r) => [r.id, r.judgement.credentials.mode, r.judgement.credentials.source])).toEqual([
      ['1', 'same-origin', 'default'],
      ['1', 'omit', 'page'],
    ]);
  });

  test("a report is matched only with its own document's request", () => {
    const { records, capture } = run();
    capture.handle(sent('1'));
    capture.handle(answered('1', { 'Access-Control-Allow-Origin': PAGE }));
    capture.report({ ...SENDER, documentId: 'another' }, hint('include'), 2000);
    expect(records).toEqual([]);
  });

  test('without Sec-Fetch-Mode a fetch may be no-cors: nothing until the page says', () => {
    const { records, capture } = run();
    capture.handle({ ...sent('1'), requestHeaders: headers({ Origin: PAGE }) } as RequestEvent);
    capture.handle(answered('1', {}));
    expect(records).toEqual([]);
    capture.report(SENDER, hint('same-origin'), 2000);
    expect(records.map((r) => r.firefox?.reason)).toEqual(['CORSMissingAllowOrigin']);
  });

  test('an element asking with an Origin header is a CORS request even without Sec-Fetch-Mode', () => {
    const { records, capture } = run();
    capture.handle({ ...sent('1', {}, URL_, 'image'), requestHeaders: headers({ Origin: PAGE }) } as RequestEvent);
    capture.handle(answered('1', {}, URL_, 'image'));
    expect(records.map((r) => [r.firefox?.reason, r.exchange.request.initiator])).toEqual([['CORSMissingAllowOrigin', 'image']]);
  });

  test('passing and same-origin requests make nothing, and same-origin ones are forgotten at their response', () => {
    const { records, capture } = run();
    capture.handle(sent('1'));
    capture.handle(answered('1', { 'Access-Control-Allow-Origin': '*' }));
    capture.handle(sent('2', {}, `${PAGE}/same`));
    capture.handle(answered('2', {}, `${PAGE}/same`));
    expect(records).toEqual([]);
    expect(capture.size.requests).toBe(1);
  });

  test('a passing answer that proves a dangerous setup is a warning row, as in Chromium; the same answer with Vary is none', () => {
    const { records, capture } = run();
    const echoed = { 'Access-Control-Allow-Origin': PAGE, 'Access-Control-Allow-Credentials': 'true' };
    capture.handle(sent('1', { Cookie: 'sid=1' }));
    capture.handle(answered('1', echoed));
    capture.handle(sent('2', { Cookie: 'sid=1' }, `${URL_}&vary`));
    capture.handle(answered('2', { ...echoed, Vary: 'Origin' }, `${URL_}&vary`));
    expect(records.map((r) => [r.id, r.kind, r.firefox])).toEqual([['1', 'warning', undefined]]);
    const d = recordDiagnosis(records[0] as FailureRecord);
    expect(d.result).toBe('pass');
    expect(d.divergence.same).toBe(true);
  });

  test('a redirect is no warning before its end, and a failure later on the same request replaces nothing with a warning', () => {
    const { records, capture } = run();
    const next = 'http://127.0.0.1:8802/next?id=x';
    capture.handle(sent('1', { Cookie: 'sid=1' }));
    capture.handle({
      ...answered('1', { 'Access-Control-Allow-Origin': PAGE, 'Access-Control-Allow-Credentials': 'true', Location: next }),
      statusCode: 302,
    } as RequestEvent);
    expect(records).toEqual([]);
    capture.handle(sent('1', { Cookie: 'sid=1' }, next));
    capture.handle(answered('1', {}, next));
    expect(records.map((r) => [r.kind, r.firefox?.reason])).toEqual([['cors', 'CORSMissingAllowOrigin']]);
  });

  test('a network error the page saw fail is listed as a look-alike, not a CORS failure', () => {
    const { records, capture } = run();
    capture.handle(sent('1'));
    capture.handle({ ...base('1'), kind: 'error', error: 'NS_ERROR_CONNECTION_REFUSED' });
    expect(records).toEqual([]);
    capture.report(SENDER, hint('same-origin'), 2000);
    expect(records.map((r) => [r.kind, r.exchange.error])).toEqual([['lookalike', 'NS_ERROR_CONNECTION_REFUSED']]);
  });

  test('a request its preflight stopped is recorded under its own id, as never sent, with the headers it announced', () => {
    const { records, capture } = run();
    capture.handle(sent('1', { 'X-A': '1' }));
    capture.handle({
      ...base('9', URL_, 'OPTIONS'),
      kind: 'send',
      requestHeaders: headers({ Origin: PAGE, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-a' }),
    });
    capture.handle({
      ...base('9', URL_, 'OPTIONS'),
      kind: 'headers',
      statusCode: 204,
      responseHeaders: headers({ 'Access-Control-Allow-Origin': PAGE }),
    });
    expect(records.map((r) => [r.id, r.firefox?.reason, r.firefox?.parameter, r.firefox?.stage])).toEqual([
      ['1', 'CORSMissingAllowHeaderFromPreflight', 'x-a', 'preflight'],
    ]);
    const [hop] = records[0]?.exchange.hops ?? [];
    expect(hop?.requestHeaders).toBeNull();
    expect(records[0]?.exchange.request.headers.map((h) => h.name)).toContain('X-A');
  });

  test('bounded: requests beyond the cap and old page reports are forgotten', () => {
    const records: FailureRecord[] = [];
    const capture = new FirefoxCapture((r) => records.push(r), { maxRequests: 10, maxHints: 5, ttlMs: 1000, hintTtlMs: 500 });
    for (let i = 0; i < 50; i++) capture.handle(sent(String(i), {}, `${URL_}&n=${i}`));
    for (let i = 0; i < 20; i++) capture.report(SENDER, hint('include', `${URL_}&never=${i}`), 1000);
    expect(capture.size).toEqual({ requests: 10, preflights: 0, hints: 5 });
    capture.sweep(3000);
    expect(capture.size).toEqual({ requests: 0, preflights: 0, hints: 0 });
  });
});
