/**
 * The event sequences webRequest produces (measured, docs/capture.md, and checked by the e2e suite) turned into exchanges:
 * a simple failure, a failed preflight (the request itself never sent), a passed preflight, concurrent identical
 * requests, redirects, page hints before and after the failure, and bounded memory under floods.
 */
import { describe, expect, test } from 'vitest';
import { headers } from '../../test-support/exchange.ts';
import type { RequestEvent, RequestEventBase } from './events.ts';
import { toRecord } from './records.ts';
import { ExchangeTracker } from './tracker.ts';

const PAGE = 'http://localhost:8801';
const API = 'http://127.0.0.1:8802/api';
let clock = 1000;

function base(requestId: string, over: Partial<RequestEventBase> = {}): RequestEventBase {
  return {
    requestId,
    url: API,
    method: 'GET',
    type: 'xmlhttprequest',
    tabId: 7,
    frameId: 0,
    documentId: 'DOC',
    initiator: PAGE,
    timeStamp: clock++,
    ...over,
  };
}
const send = (id: string, h: Record<string, string | string[]> = {}, over: Partial<RequestEventBase> = {}): RequestEvent => ({
  ...base(id, over),
  kind: 'send',
  requestHeaders: headers({ Origin: PAGE, 'Sec-Fetch-Mode': 'cors', ...h }),
});
const got = (
  id: string,
  status: number,
  h: Record<string, string | string[]> = {},
  over: Partial<RequestEventBase> = {},
): RequestEvent => ({
  ...base(id, over),
  kind: 'headers',
  statusCode: status,
  responseHeaders: headers(h),
});
const error = (id: string, e = 'net::ERR_FAILED', over: Partial<RequestEventBase> = {}): RequestEvent => ({
  ...base(id, over),
  kind: 'error',
  error: e,
});
const done = (id: string, over: Partial<RequestEventBase> = {}): RequestEvent => ({
  ...base(id, over),
  kind: 'completed',
  statusCode: 200,
});

/** The final captures (error events) of a sequence. */
function feed(tracker: ExchangeTracker, events: RequestEvent[]) {
  return all(tracker, events).filter((c) => c.phase === 'error');
}

function all(tracker: ExchangeTracker, events: RequestEvent[]) {
  return events.map((e) => tracker.handle(e)).filter((c) => c !== null);
}

describe('ExchangeTracker', () => {
  test('a blocked simple request: headers then net::ERR_FAILED', () => {
    const t = new ExchangeTracker();
    const [c] = feed(t, [send('1', { Cookie: 'sid=1' }), got('1', 200, { 'Access-Control-Allow-Origin': PAGE }), error('1')]);
    expect(c?.exchange.request).toMatchObject({
      url: API,
      method: 'GET',
      origin: PAGE,
      mode: 'cors',
      credentials: { mode: 'include', source: 'cookie-sent' },
    });
    expect(c?.exchange.hops).toHaveLength(1);
    expect(c?.exchange.hops[0]?.response?.status).toBe(200);
    expect(t.size.live).toBe(0);
  });

  test('a failed preflight: the request only errors, its headers are known by name from the preflight', () => {
    const t = new ExchangeTracker();
    const [c] = feed(t, [
      send('p', { 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type,x-id' }, { method: 'OPTIONS' }),
      got('p', 204, { 'Access-Control-Allow-Origin': PAGE }, { method: 'OPTIONS' }),
      done('p', { method: 'OPTIONS' }),
      error('m', 'net::ERR_FAILED', { method: 'PUT' }),
    ]);
    const hop = c?.exchange.hops[0];
    expect(hop?.requestHeaders).toBeNull();
    expect(hop?.preflight?.response?.status).toBe(204);
    expect(c?.exchange.request.headers.map((h) => h.name)).toEqual(['content-type', 'x-id']);
    expect(t.size.preflights).toBe(0);
  });

  test('a passed preflight is paired with the request sent after it', () => {
    const t = new ExchangeTracker();
    const [c] = feed(t, [
      send('p', { 'Access-Control-Request-Method': 'PUT' }, { method: 'OPTIONS' }),
      got('p', 204, {}, { method: 'OPTIONS' }),
      done('p', { method: 'OPTIONS' }),
      send('m', { 'X-Id': '1' }, { method: 'PUT' }),
      got('m', 200, {}, { method: 'PUT' }),
      error('m', 'net::ERR_FAILED', { method: 'PUT' }),
    ]);
    expect(c?.exchange.hops[0]?.preflight).not.toBeNull();
    expect(c?.exchange.hops[0]?.requestHeaders).not.toBeNull();
  });

  test('concurrent identical requests each get their own preflight', () => {
    const t = new ExchangeTracker();
    const captured = feed(t, [
      send('p1', { 'Access-Control-Request-Method': 'PUT' }, { method: 'OPTIONS' }),
      send('p2', { 'Access-Control-Request-Method': 'PUT' }, { method: 'OPTIONS' }),
      got('p1', 204, {}, { method: 'OPTIONS' }),
      got('p2', 500, {}, { method: 'OPTIONS' }),
      error('m1', 'net::ERR_FAILED', { method: 'PUT' }),
      error('m2', 'net::ERR_FAILED', { method: 'PUT' }),
    ]);
    expect(captured.map((c) => c.exchange.hops[0]?.preflight?.response?.status)).toEqual([204, 500]);
  });

  test('a request is paired with a preflight that has answered, not an earlier one still waiting', () => {
    // Five identical requests at once: the second preflight answers first and its request fails at once, while the
    // first preflight is still out. Pairing by send order alone gave that request the unanswered preflight, whose
    // answer then came too late to be used: a failure listed without its details.
    const t = new ExchangeTracker();
    const captured = feed(t, [
      send('p1', { 'Access-Control-Request-Method': 'DELETE' }, { method: 'OPTIONS' }),
      send('p2', { 'Access-Control-Request-Method': 'DELETE' }, { method: 'OPTIONS' }),
      got('p2', 204, {}, { method: 'OPTIONS' }),
      error('m2', 'net::ERR_FAILED', { method: 'DELETE' }),
      got('p1', 204, {}, { method: 'OPTIONS' }),
      error('m1', 'net::ERR_FAILED', { method: 'DELETE' }),
    ]);
    expect(captured).toHaveLength(2);
    for (const c of captured) expect(c.exchange.hops[0]?.preflight?.response?.status).toBe(204);
    expect(new Set(captured.map((c) => c.recordId)).size).toBe(2);
  });

  test('a preflight is never paired across documents, URLs or methods', () => {
    const t = new ExchangeTracker();
    const [c] = feed(t, [
      send('p', { 'Access-Control-Request-Method': 'PUT' }, { method: 'OPTIONS', documentId: 'OTHER' }),
      send('q', { 'Access-Control-Request-Method': 'DELETE' }, { method: 'OPTIONS' }),
      send('r', { 'Access-Control-Request-Method': 'PUT' }, { method: 'OPTIONS', url: `${API}/other` }),
      error('m', 'net::ERR_FAILED', { method: 'PUT' }),
    ]);
    expect(c?.exchange.hops[0]?.preflight).toBeNull();
  });

  test('redirects become hops, with the Origin sent on each', () => {
    const t = new ExchangeTracker();
    const next = 'http://localhost:8802/final';
    const [c] = feed(t, [
      send('1'),
      got('1', 302, { Location: next, 'Access-Control-Allow-Origin': PAGE }),
      send('1', { Origin: 'null' }, { url: next }),
      got('1', 200, {}, { url: next }),
      error('1', 'net::ERR_FAILED', { url: next }),
    ]);
    expect(c?.exchange.hops.map((h) => [h.url, h.originSent])).toEqual([
      [API, PAGE],
      [next, 'null'],
    ]);
    expect(c?.exchange.request.url).toBe(API);
  });

  test('a page hint that arrived first gives the credentials mode and the API', () => {
    const t = new ExchangeTracker();
    t.hint({ tabId: 1, documentId: 'DOC' }, { api: 'xhr', url: API, method: 'GET', credentials: 'include', mode: 'cors' }, clock);
    const [c] = feed(t, [send('1'), got('1', 200), error('1')]);
    expect(c?.exchange.request.credentials).toEqual({ mode: 'include', source: 'page' });
    expect(c?.exchange.request.initiator).toBe('xhr');
    expect(c?.amended).toBe(false);
  });

  test('a hint that arrives after the failure amends it', () => {
    const t = new ExchangeTracker();
    const [first] = feed(t, [send('1'), got('1', 200), error('1')]);
    expect(first?.exchange.request.credentials.source).toBe('default');
    const amended = t.hint(
      { tabId: 1, documentId: 'DOC' },
      { api: 'fetch', url: API, method: 'GET', credentials: 'include', mode: 'cors' },
      clock,
    );
    expect(amended?.requestId).toBe('1');
    expect(amended?.amended).toBe(true);
    expect(amended?.exchange.request.credentials.source).toBe('page');
    // Only once.
    expect(
      t.hint({ tabId: 1, documentId: 'DOC' }, { api: 'fetch', url: API, method: 'GET', credentials: 'include', mode: 'cors' }, clock),
    ).toBeNull();
  });

  test('a hint from another document never applies', () => {
    const t = new ExchangeTracker();
    t.hint({ tabId: 1, documentId: 'EVIL' }, { api: 'fetch', url: API, method: 'GET', credentials: 'include', mode: 'cors' }, clock);
    const [c] = feed(t, [send('1'), got('1', 200), error('1')]);
    expect(c?.exchange.request.credentials.source).toBe('default');
  });

  test('memory stays bounded: floods of hints, unfinished requests and stray preflights', () => {
    const t = new ExchangeTracker({ maxLive: 100, maxHintsPerDocument: 50, maxHintDocumentsPerTab: 10, ttlMs: 60_000 });
    for (let i = 0; i < 10_000; i++)
      t.hint(
        { tabId: 1, documentId: `D${i % 20}` },
        { api: 'fetch', url: `${API}?${i}`, method: 'GET', credentials: 'include', mode: 'cors' },
        clock,
      );
    for (let i = 0; i < 5_000; i++) t.handle(send(`s${i}`, {}, { url: `${API}?${i}` }));
    for (let i = 0; i < 5_000; i++)
      t.handle(send(`o${i}`, { 'Access-Control-Request-Method': 'PUT' }, { method: 'OPTIONS', url: `${API}?o${i}` }));
    expect(t.size.hints).toBeLessThanOrEqual(500);
    expect(t.size.live).toBeLessThanOrEqual(100);
    clock += 120_000;
    t.sweep(clock);
    expect(t.size.preflights).toBe(0);
    expect(t.size.hints).toBe(0);
    expect(t.size.live).toBe(0);
  });

  test("a tab with hundreds of frames reporting only loses its own hints, never another tab's", () => {
    const t = new ExchangeTracker({ maxHintsPerDocument: 8, maxHintDocumentsPerTab: 16 });
    // 300 frames of an attacker's tab, 3 reports each, for URLs of its choosing.
    for (let frame = 0; frame < 300; frame++)
      for (let i = 0; i < 3; i++)
        t.hint(
          { tabId: 66, documentId: `EVIL${frame}` },
          { api: 'fetch', url: `${API}?${i}`, method: 'GET', credentials: 'omit', mode: 'cors' },
          clock,
        );
    // The victim's page says how it asked; its request's failure then takes that hint.
    t.hint({ tabId: 1, documentId: 'DOC' }, { api: 'xhr', url: API, method: 'GET', credentials: 'include', mode: 'cors' }, clock);
    const [c] = feed(t, [send('1'), got('1', 200), error('1')]);
    expect(c?.exchange.request.credentials).toEqual({ mode: 'include', source: 'page' });
    expect(t.size.hints).toBeLessThanOrEqual(16 * 3 + 1);
  });

  test('a completed request leaves nothing behind, and takes back what its response reported', () => {
    const t = new ExchangeTracker();
    t.hint({ tabId: 1, documentId: 'DOC' }, { api: 'fetch', url: API, method: 'GET', credentials: 'include', mode: 'cors' }, clock);
    const phases = all(t, [send('1'), got('1', 200, { 'Access-Control-Allow-Origin': '*' }), done('1')]).map((c) => [c.phase, c.recordId]);
    expect(phases).toEqual([
      ['headers', '1'],
      ['completed', '1'],
    ]);
    expect(t.size).toEqual({ live: 0, preflights: 0, hints: 0, recent: 0 });
  });

  test('a response is reported at once, with the hint the page gave, before any error event', () => {
    const t = new ExchangeTracker();
    t.hint({ tabId: 1, documentId: 'DOC' }, { api: 'xhr', url: API, method: 'GET', credentials: 'include', mode: 'cors' }, clock);
    const [c] = all(t, [send('1'), got('1', 200, { 'Access-Control-Allow-Origin': PAGE })]);
    expect(c?.phase).toBe('headers');
    expect(c?.exchange.request.credentials).toEqual({ mode: 'include', source: 'page' });
    expect(c?.exchange.error).toBe('net::ERR_FAILED');
  });

  test('a same-origin response is not reported', () => {
    const t = new ExchangeTracker();
    expect(all(t, [send('1', {}, { url: `${PAGE}/x` }), got('1', 200, {}, { url: `${PAGE}/x` })])).toEqual([]);
  });

  test("a preflight's response is reported for the request it stands for, under the preflight's id", () => {
    const t = new ExchangeTracker();
    const captures = all(t, [
      send('p', { 'Access-Control-Request-Method': 'PUT' }, { method: 'OPTIONS' }),
      got('p', 204, {}, { method: 'OPTIONS' }),
      done('p', { method: 'OPTIONS' }),
      error('m', 'net::ERR_FAILED', { method: 'PUT' }),
    ]);
    expect(captures.map((c) => [c.phase, c.recordId, c.exchange.request.method])).toEqual([
      ['headers', 'pf:p', 'PUT'],
      ['error', 'pf:p', 'PUT'],
    ]);
  });

  test('a request sent after its preflight takes back what the preflight reported', () => {
    const t = new ExchangeTracker();
    const captures = all(t, [
      send('p', { 'Access-Control-Request-Method': 'PUT' }, { method: 'OPTIONS' }),
      got('p', 204, { 'Access-Control-Allow-Origin': PAGE, 'Access-Control-Allow-Methods': 'PUT' }, { method: 'OPTIONS' }),
      send('m', {}, { method: 'PUT' }),
    ]);
    expect(captures.map((c) => [c.phase, c.recordId])).toEqual([
      ['headers', 'pf:p'],
      ['completed', 'pf:p'],
    ]);
  });
});

describe('page failure reports', () => {
  const sender = { tabId: 7, frameId: 0, documentId: 'DOC', origin: PAGE };
  const failed = (url: string, startedAt = clock - 500) => ({
    api: 'fetch' as const,
    url,
    method: 'GET',
    credentials: 'include' as const,
    mode: 'cors' as const,
    outcome: 'failed' as const,
    startedAt,
  });

  test('are ignored when the worker has no blind spot: a page cannot add a failure', () => {
    const t = new ExchangeTracker({ startedAt: clock });
    feed(t, [send('1'), got('1', 200), done('1')]);
    for (let i = 0; i < 100; i++) expect(t.pageFailure(sender, failed(`${API}?forged=${i}`), clock)).toBeNull();
  });

  test('fill the blind spot after a restart that caught requests in flight', () => {
    const t = new ExchangeTracker({ startedAt: clock });
    // A response for a request this worker never saw start: its predecessor was stopped mid-request.
    t.handle(got('orphan', 200, { 'Access-Control-Allow-Origin': PAGE }));
    const c = t.pageFailure(sender, failed(`${API}?lost=1`), clock);
    expect(c?.pageReported).toBe(true);
    expect(c?.recordId).toMatch(/^page:/);
    expect(c?.exchange.request).toMatchObject({ url: `${API}?lost=1`, origin: PAGE, credentials: { mode: 'include', source: 'page' } });
    // Never for a request the worker is following, and never after the blind spot.
    t.handle(send('2', {}, { url: `${API}?live=1` }));
    expect(t.pageFailure(sender, failed(`${API}?live=1`), clock)).toBeNull();
    expect(t.pageFailure(sender, failed(`${API}?late=1`), clock + 60_000)).toBeNull();
  });

  test('never for a call that started after the worker did (a forged report during a blind spot)', () => {
    const started = clock;
    const t = new ExchangeTracker({ startedAt: started });
    t.handle(got('orphan2', 200));
    expect(t.pageFailure(sender, failed(`${API}?after=1`, started + 10), started + 20)).toBeNull();
    expect(t.pageFailure(sender, { ...failed(`${API}?nostart=1`), startedAt: undefined }, started + 20)).toBeNull();
  });

  test("a report that overtook the call's own events: those events replace its row, they add none", () => {
    const t = new ExchangeTracker({ startedAt: clock });
    t.handle(got('orphan3', 200));
    const page = t.pageFailure(sender, failed(`${API}?overtaken=1`), clock);
    expect(page?.recordId).toMatch(/^page:/);
    // The browser's error for that call comes next, from the backlog the new worker is working through.
    const own = t.handle(error('late', 'net::ERR_FAILED', { url: `${API}?overtaken=1` }));
    expect(own?.recordId).toBe(page?.recordId);
    expect(own?.pageReported).toBeUndefined();
    // Once only: a second call to the same URL is a row of its own.
    expect(t.handle(error('again', 'net::ERR_FAILED', { url: `${API}?overtaken=1` }))?.recordId).toBe('again');
    // And not for a call to that URL long after the report.
    const later = t.pageFailure(sender, failed(`${API}?later=1`), clock);
    clock += 6_000;
    expect(t.handle(error('much-later', 'net::ERR_FAILED', { url: `${API}?later=1` }))?.recordId).not.toBe(later?.recordId);
  });

  test('a worker that starts on fresh traffic has no blind spot', () => {
    const t = new ExchangeTracker({ startedAt: clock });
    feed(t, [send('9'), got('9', 200), error('9')]);
    expect(t.pageFailure(sender, failed(`${API}?x=1`), clock)).toBeNull();
  });
});

test('a hint that arrives between a failed preflight and the error event reaches the final capture', () => {
  const t = new ExchangeTracker();
  const captures = all(t, [
    send('p', { 'Access-Control-Request-Method': 'PUT' }, { method: 'OPTIONS' }),
    got('p', 204, {}, { method: 'OPTIONS' }),
    done('p', { method: 'OPTIONS' }),
  ]);
  t.hint({ tabId: 1, documentId: 'DOC' }, { api: 'xhr', url: API, method: 'PUT', credentials: 'include', mode: 'cors' }, clock);
  const [final] = all(t, [error('m', 'net::ERR_FAILED', { method: 'PUT' })]);
  expect(captures[0]?.exchange.request.credentials.source).toBe('default');
  expect(final?.recordId).toBe('pf:p');
  expect(final?.settled).toBe(false);
  expect(final?.exchange.request.credentials.source).toBe('page');
  expect(final?.exchange.request.initiator).toBe('xhr');
});

describe('tabs without detailed capture', () => {
  test('an error seen only by the watcher is a capture without headers, and opens no blind spot', () => {
    const t = new ExchangeTracker({ startedAt: clock });
    const [c] = all(t, [error('w1', 'net::ERR_FAILED', { watched: false })]);
    expect(c?.watched).toBe(false);
    expect(c?.exchange.hops[0]?.response).toBeNull();
    expect(
      t.pageFailure(
        { tabId: 7, frameId: 0, documentId: 'DOC', origin: PAGE },
        { api: 'fetch', url: API, method: 'GET', credentials: 'omit', mode: 'cors', outcome: 'failed', startedAt: clock - 1 },
        clock,
      ),
    ).toBeNull();
  });
  test('an event stream the page closed is not a failure', () => {
    const t = new ExchangeTracker();
    t.hint(
      { tabId: 1, documentId: 'DOC' },
      { api: 'eventsource', url: API, method: 'GET', credentials: 'same-origin', mode: 'cors', outcome: 'closed' },
      clock,
    );
    expect(all(t, [error('es', 'net::ERR_FAILED', { watched: false })])).toEqual([]);
    // Another document's stream, or the same URL much later, is not covered.
    expect(all(t, [error('es2', 'net::ERR_FAILED', { watched: false, documentId: 'OTHER' })])).toHaveLength(1);
  });
  test("an event stream's failure is taken back when the page's word that it closed it comes after the error", () => {
    const t = new ExchangeTracker();
    const closed = { api: 'eventsource' as const, url: API, method: 'GET', credentials: 'same-origin' as const, mode: 'cors' as const };
    const [failure] = all(t, [error('es', 'net::ERR_FAILED', { watched: false })]);
    expect(failure?.phase).toBe('error');
    const back = t.hint({ tabId: 1, documentId: 'DOC' }, { ...closed, outcome: 'closed' }, clock);
    expect(back?.phase).toBe('completed');
    expect(back?.recordId).toBe(failure?.recordId);
    // Said once: a second report takes nothing more back, and another document's report takes nothing.
    expect(t.hint({ tabId: 1, documentId: 'DOC' }, { ...closed, outcome: 'closed' }, clock)).toBeNull();
    all(t, [error('es3', 'net::ERR_FAILED', { watched: false })]);
    expect(t.hint({ tabId: 1, documentId: 'OTHER' }, { ...closed, outcome: 'closed' }, clock)).toBeNull();
  });
  test('a stream whose answer passed, closed by the page, is no failure: no credentials mode is inferred from its end', () => {
    for (const [answer, failure] of [
      [{ 'Access-Control-Allow-Origin': '*' }, false],
      [{}, true],
    ] as const) {
      const t = new ExchangeTracker();
      const closed = { api: 'eventsource' as const, url: API, method: 'GET', credentials: 'same-origin' as const, mode: 'cors' as const };
      const before = all(t, [send('sse', { Origin: PAGE }), got('sse', 200, answer)]);
      t.hint({ tabId: 7, documentId: 'DOC' }, { ...closed, outcome: 'closed' }, clock);
      const captures = [...before, ...all(t, [error('sse')])];
      // The browser's error comes after the page's close: a row from any capture would be a failure listed.
      expect(captures.some((c) => toRecord(c) !== null)).toBe(failure);
    }
  });
  test('a stream refused by its CORS answer stays a failure when the page then closes it', () => {
    const t = new ExchangeTracker();
    all(t, [send('es', { Origin: PAGE, Accept: 'text/event-stream' }), got('es', 200), error('es')]);
    const back = t.hint(
      { tabId: 1, documentId: 'DOC' },
      { api: 'eventsource', url: API, method: 'GET', credentials: 'same-origin', mode: 'cors', outcome: 'closed' },
      clock,
    );
    // Judged again with how the page asked: still refused, now with the page's own credentials mode.
    expect(back?.amended).toBe(true);
    const record = back ? toRecord(back) : null;
    expect(record?.judgement.verdict.status?.corsError).toBe('MissingAllowOriginHeader');
    expect(record?.judgement.credentials.source).toBe('page');
  });
  test("a stream whose answer passed, closed by the page after its error was recorded, is no failure once the page's word comes", () => {
    const t = new ExchangeTracker();
    // Before it, a fetch of the same URL refused the same way: the page's word on the stream says nothing of it.
    all(t, [send('f', { Origin: PAGE, Accept: '*/*' }), got('f', 200, { 'Access-Control-Allow-Origin': '*' }), error('f')]);
    const captures = all(t, [
      send('sse', { Origin: PAGE, Accept: 'text/event-stream' }),
      got('sse', 200, { 'Access-Control-Allow-Origin': '*' }),
      error('sse'),
    ]);
    // The error first, with nothing from the page: only 'include' explains a refusal of that answer.
    expect(captures.map((c) => toRecord(c)?.judgement.verdict.status?.corsError).filter(Boolean)).toEqual(['WildcardOriginNotAllowed']);
    const back = t.hint(
      { tabId: 7, documentId: 'DOC' },
      { api: 'eventsource', url: API, method: 'GET', credentials: 'same-origin', mode: 'cors', outcome: 'closed' },
      clock,
    );
    expect(back?.amended).toBe(true);
    expect(back?.recordId).toBe(captures.at(-1)?.recordId);
    // With how the page asked (no credentials), the answer passes: no record, and the service takes the row back.
    expect(back ? toRecord(back) : 'none').toBeNull();
    // The fetch's failure is not the stream's: a second word that the page closed a stream takes nothing more.
    expect(
      t.hint(
        { tabId: 7, documentId: 'DOC' },
        { api: 'eventsource', url: API, method: 'GET', credentials: 'same-origin', mode: 'cors', outcome: 'closed' },
        clock,
      ),
    ).toBeNull();
  });
});

test("a blind spot opened from the previous worker's recent activity takes reports of calls begun before it", () => {
  const started = clock;
  const t = new ExchangeTracker({ startedAt: started });
  const sender = { tabId: 7, frameId: 0, documentId: 'DOC', origin: PAGE };
  const report = (startedAt: number) => ({
    api: 'fetch' as const,
    url: `${API}?gap=${startedAt}`,
    method: 'GET',
    credentials: 'omit' as const,
    mode: 'cors' as const,
    outcome: 'failed' as const,
    startedAt,
  });
  expect(t.pageFailure(sender, report(started - 100), started + 10)).toBeNull();
  t.openBlindSpot(started);
  expect(t.pageFailure(sender, report(started - 100), started + 10)?.pageReported).toBe(true);
  expect(t.pageFailure(sender, report(started + 5), started + 10)).toBeNull();
});

test('a blind spot takes no report of a failure that ended while the previous worker was still seen busy', () => {
  const started = clock;
  const t = new ExchangeTracker({ startedAt: started });
  const sender = { tabId: 7, frameId: 0, documentId: 'DOC', origin: PAGE };
  const report = (endedAt: number) => ({
    api: 'fetch' as const,
    url: `${API}?ended=${endedAt}`,
    method: 'GET',
    credentials: 'omit' as const,
    mode: 'cors' as const,
    outcome: 'failed' as const,
    startedAt: started - 5000,
    endedAt,
  });
  t.openBlindSpot(started, started - 2000);
  expect(t.pageFailure(sender, report(started - 3000), started + 10)).toBeNull();
  expect(t.pageFailure(sender, report(started - 1000), started + 10)?.pageReported).toBe(true);
});

test('reports taken by successive workers never share a record id (a later one would overwrite the stored record)', () => {
  const sender = { tabId: 7, frameId: 0, documentId: 'DOC', origin: PAGE };
  const report = (url: string, startedAt: number) => ({
    api: 'fetch' as const,
    url,
    method: 'GET',
    credentials: 'omit' as const,
    mode: 'cors' as const,
    outcome: 'failed' as const,
    startedAt,
  });
  const ids = [clock, clock + 700, clock + 1400].flatMap((started, w) => {
    const t = new ExchangeTracker({ startedAt: started });
    t.openBlindSpot(started);
    return [1, 2].map((n) => t.pageFailure(sender, report(`${API}?w=${w}&n=${n}`, started - 50), started + 10)?.recordId);
  });
  expect(ids.every((id) => typeof id === 'string')).toBe(true);
  expect(new Set(ids).size).toBe(6);
});

test('only a redirect Fetch follows leaves the origin: a same-origin 300 or 304 with a Location is not a cross-origin request', () => {
  // The capture and the records used to disagree here (any 3xx against 301/302/303/307/308): one rule now (leavesOrigin).
  for (const status of [300, 304]) {
    const t = new ExchangeTracker();
    const sameOriginUrl = `${PAGE}/local`;
    const captures = all(t, [
      send('1', {}, { url: sameOriginUrl }),
      got('1', status, { location: `${API}?elsewhere` }, { url: sameOriginUrl }),
    ]);
    expect(captures).toEqual([]);
  }
  const t = new ExchangeTracker();
  const [c] = all(t, [send('1', {}, { url: `${PAGE}/local` }), got('1', 302, { location: `${API}?elsewhere` }, { url: `${PAGE}/local` })]);
  expect(c?.phase).toBe('headers');
});
