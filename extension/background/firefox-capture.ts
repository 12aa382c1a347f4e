/**
 * Firefox's capture (docs/firefox-capture.md). Firefox's webRequest shows every request's and preflight's headers
 * without extraHeaders, but never says that a request was blocked: a CORS-blocked response ends with onCompleted like
 * one that passed, and a failed preflight never ends at all. So each response (and preflight response) of a
 * cross-origin request is judged as it arrives by the engine's Firefox mode (src/cors/firefox.ts, which agrees with
 * Firefox's own console on the whole Firefox corpus), and the page's report of its failed call, the only failure
 * signal Firefox gives, brings how the page asked (credentials mode, API) and has the request judged again with it.
 *
 * A row is made only when Firefox's checks refuse the exchange with what is known: with the credentials mode the page
 * reported, or 'include' when a cookie went to another origin, or else the API default, which fails only when any
 * mode would. A request that fails only with credentials waits for the page's report; one that passes makes nothing,
 * unless its final answer already proves a dangerous setup (a warning row, the rule Chromium's rows follow too).
 *
 * Plain logic over the core's request events (firefox-web-request.ts makes them from Firefox's details and registers
 * the listeners), so it is unit-tested without a browser. Bounded whatever the traffic: every map has a cap and
 * entries expire.
 */
import {
  type Captured,
  type Credentials,
  type Exchange,
  type FailureRecord,
  type HeaderList,
  type Hop,
  hasHeader,
  headerValue,
  initiatorOf,
  leavesOrigin,
  originOf,
  type PageHint,
  type PageSender,
  type PreflightFacts,
  type RequestEvent,
  type RequestEventBase,
  type RequestMode,
  type ResponseFacts,
  redirectLocation,
  type SendEvent,
  sameOrigin,
  sameUrl,
  toFirefoxRecord,
  toRecord,
} from '../../src/index.ts';

interface Preflight {
  readonly requestId: string;
  readonly requestHeaders: HeaderList;
  response: ResponseFacts | null;
  error: string | null;
}

interface TrackedHop {
  readonly url: string;
  readonly method: string;
  /**
   * The headers onSendHeaders announced. Firefox reports a preflighted request's headers before its preflight starts,
   * so they went on the wire only if a response followed.
   */
  headers: HeaderList | null;
  preflight: Preflight | null;
  response: ResponseFacts | null;
}

interface Tracked {
  readonly base: RequestEventBase;
  readonly hops: TrackedHop[];
  /** The page's report of this call's failure, once matched. */
  hint: PageHint | null;
  /** The network error Firefox ended it with (onErrorOccurred), if any. */
  error: string | null;
  /** When it was last heard of: it is forgotten some time after. */
  seen: number;
  /** The record last handed out for it, so a page report replaces it rather than adding a row. */
  recorded: FailureRecord | null;
}

interface TimedHint {
  readonly hint: PageHint;
  readonly documentId: string;
  readonly at: number;
}

export interface FirefoxCaptureOptions {
  /** Most requests followed at once; the oldest are forgotten beyond it. */
  readonly maxRequests?: number;
  /** How long a request is kept after it was last heard of, in ms (for the page's report, which comes after). */
  readonly ttlMs?: number;
  /** How long a page report waits for its request's events, in ms. */
  readonly hintTtlMs?: number;
  /** Most page reports waiting at once. */
  readonly maxHints?: number;
}

const DEFAULTS: Required<FirefoxCaptureOptions> = { maxRequests: 2000, ttlMs: 60_000, hintTtlMs: 10_000, maxHints: 256 };

/** The page APIs' default credentials mode: CORS treats it like 'omit' on another origin. */
const DEFAULT_CREDENTIALS: Credentials = { mode: 'same-origin', source: 'default' };

const isPreflight = (e: SendEvent) => e.method === 'OPTIONS' && hasHeader(e.requestHeaders, 'access-control-request-method');

export class FirefoxCapture {
  private readonly requests = new Map<string, Tracked>();
  /** Preflight request id to the request it was sent for. */
  private readonly preflights = new Map<string, Tracked>();
  private hints: TimedHint[] = [];
  private readonly options: Required<FirefoxCaptureOptions>;
  private eventsSinceSweep = 0;

  /** `emit` receives each record made, and again, replaced under the same id, when a page report changes it. */
  constructor(
    private readonly emit: (record: FailureRecord) => void,
    options: FirefoxCaptureOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Sizes of the internal tables, for tests. */
  get size(): { requests: number; preflights: number; hints: number } {
    return { requests: this.requests.size, preflights: this.preflights.size, hints: this.hints.length };
  }

  /** One of Firefox's webRequest events, adapted (firefox-web-request.ts). */
  handle(event: RequestEvent): void {
    if (++this.eventsSinceSweep >= 256) this.sweep(event.timeStamp);
    const owner = this.preflights.get(event.requestId);
    if (owner) {
      this.onPreflight(owner, event);
      return;
    }
    switch (event.kind) {
      case 'send':
        if (isPreflight(event)) this.pairPreflight(event);
        else this.onSend(event);
        return;
      case 'headers':
        this.onHeaders(event);
        return;
      case 'error':
        this.onError(event.requestId, event.error, event.timeStamp);
        return;
      case 'completed':
        return;
    }
  }

  /**
   * A page relay's report of one of its frame's calls (the sender's tab, frame and document from the browser). A
   * failure report is matched with the request it describes, now or when its events come, and the request is judged
   * again with how the page asked.
   */
  report(from: PageSender, hint: PageHint, now: number): void {
    if (hint.outcome !== 'failed') return;
    const tracked = this.findRequest(from.documentId, hint);
    if (tracked) {
      this.attach(tracked, hint);
      return;
    }
    this.hints.push({ hint, documentId: from.documentId, at: now });
    if (this.hints.length > this.options.maxHints) this.hints.shift();
  }

  private findRequest(documentId: string, hint: PageHint): Tracked | null {
    for (const t of this.requests.values()) {
      const first = t.hops[0] as TrackedHop;
      if (!t.hint && t.base.documentId === documentId && first.method === hint.method && sameUrl(first.url, hint.url)) return t;
    }
    return null;
  }

  private takeHint(tracked: Tracked): PageHint | null {
    const first = tracked.hops[0] as TrackedHop;
    const at = this.hints.findIndex(
      (h) => h.documentId === tracked.base.documentId && h.hint.method === first.method && sameUrl(h.hint.url, first.url),
    );
    if (at < 0) return null;
    const [taken] = this.hints.splice(at, 1);
    return taken?.hint ?? null;
  }

  private attach(tracked: Tracked, hint: PageHint): void {
    tracked.hint = hint;
    this.judge(tracked);
    // The page saw its call fail and Firefox ended it with a network error: not CORS, but it looks like it.
    if (!tracked.recorded && tracked.error) {
      const record = toRecord({ ...this.captured(tracked), exchange: { ...this.exchange(tracked), error: tracked.error } });
      if (record) this.handOut(tracked, record);
    }
  }

  private track(e: RequestEventBase): Tracked {
    let tracked = this.requests.get(e.requestId);
    if (!tracked) {
      tracked = { base: e, hops: [], hint: null, error: null, seen: e.timeStamp, recorded: null };
      this.requests.set(e.requestId, tracked);
      if (this.requests.size > this.options.maxRequests) this.forget(this.requests.keys().next().value as string);
    }
    tracked.seen = e.timeStamp;
    return tracked;
  }

  /** The hop for this event's URL: a new one when the request was redirected there. */
  private hopFor(tracked: Tracked, e: RequestEventBase): TrackedHop {
    const last = tracked.hops.at(-1);
    if (last && (last.url === e.url || (last.headers === null && last.response === null))) return last;
    const hop: TrackedHop = { url: e.url, method: e.method, headers: null, preflight: null, response: null };
    tracked.hops.push(hop);
    if (tracked.hops.length > 25) tracked.hops.splice(1, 1);
    return hop;
  }

  private onSend(e: SendEvent): void {
    const fresh = !this.requests.has(e.requestId);
    const tracked = this.track(e);
    this.hopFor(tracked, e).headers = e.requestHeaders;
    if (fresh) tracked.hint = this.takeHint(tracked);
  }

  /**
   * Firefox sends a request's preflight after the request's own onSendHeaders, as a request of its own (same tab,
   * frame, document and URL, method OPTIONS): it belongs to the oldest such request that has neither a preflight nor a
   * response on that URL yet and whose method it asks for.
   */
  private pairPreflight(e: SendEvent): void {
    const method = headerValue(e.requestHeaders, 'access-control-request-method');
    for (const t of this.requests.values()) {
      const hop = t.hops.at(-1);
      const b = t.base;
      if (!hop || hop.preflight || hop.response || hop.url !== e.url || hop.method !== method) continue;
      if (b.tabId !== e.tabId || b.frameId !== e.frameId || b.documentId !== e.documentId) continue;
      hop.preflight = { requestId: e.requestId, requestHeaders: e.requestHeaders, response: null, error: null };
      this.preflights.set(e.requestId, t);
      t.seen = e.timeStamp;
      return;
    }
  }

  private onPreflight(tracked: Tracked, e: RequestEvent): void {
    const preflight = tracked.hops.find((h) => h.preflight?.requestId === e.requestId)?.preflight;
    tracked.seen = e.timeStamp;
    if (!preflight || e.kind === 'completed') {
      this.preflights.delete(e.requestId);
      return;
    }
    if (e.kind === 'headers') {
      preflight.response = { status: e.statusCode, headers: e.responseHeaders };
      this.judge(tracked);
    } else if (e.kind === 'error') {
      preflight.error = e.error;
      this.preflights.delete(e.requestId);
      this.onError(tracked.base.requestId, e.error, e.timeStamp);
    }
  }

  private onHeaders(e: RequestEvent & { kind: 'headers' }): void {
    const tracked = this.track(e);
    if (tracked.hops.length === 0) tracked.hint = this.takeHint(tracked);
    const hop = this.hopFor(tracked, e);
    hop.response = { status: e.statusCode, headers: e.responseHeaders };
    const exchange = this.exchange(tracked);
    if (!leavesOrigin(exchange.request.origin, exchange.hops)) {
      // Same-origin and not redirected elsewhere: CORS has nothing to say, and nothing more will be asked of it.
      if (!redirected(hop)) this.forget(e.requestId);
      return;
    }
    this.judge(tracked, exchange, !redirected(hop));
  }

  private onError(requestId: string, error: string, at: number): void {
    const tracked = this.requests.get(requestId);
    if (!tracked) return;
    tracked.error = error;
    tracked.seen = at;
    if (tracked.hint) this.attach(tracked, tracked.hint);
  }

  /**
   * Judges the request in Firefox mode with what is known now, and hands out a record when Firefox refuses it. At its
   * final response (`answered`), one Firefox lets through is a warning row when that answer already proves a dangerous
   * setup, by the same rule as in Chromium (toRecord's warnings).
   */
  private judge(tracked: Tracked, exchange = this.exchange(tracked), answered = false): void {
    // Without Sec-Fetch-Mode (sent only to trustworthy origins) a fetch may be no-cors: the page's report says.
    if (exchange.request.mode === 'unknown') return;
    const captured = { ...this.captured(tracked), exchange };
    const record =
      toFirefoxRecord(captured) ?? (answered && !tracked.recorded ? toRecord({ ...captured, phase: 'headers', exchange }) : null);
    if (record) this.handOut(tracked, record);
  }

  private handOut(tracked: Tracked, record: FailureRecord): void {
    tracked.recorded = record;
    this.emit(record);
  }

  private captured(tracked: Tracked): Captured {
    const { base } = tracked;
    return {
      phase: 'error',
      recordId: base.requestId,
      requestId: base.requestId,
      tabId: base.tabId,
      frameId: base.frameId,
      documentId: base.documentId,
      type: base.type,
      time: base.timeStamp,
      exchange: this.exchange(tracked),
      amended: tracked.recorded !== null,
      settled: false,
      watched: true,
      source: 'webrequest',
    };
  }

  /** The exchange as Firefox's webRequest showed it so far. */
  private exchange(tracked: Tracked): Exchange {
    const { base, hint } = tracked;
    const first = tracked.hops[0] ?? { url: base.url, method: base.method, headers: null, preflight: null, response: null };
    const firstHeaders = first.headers ?? first.preflight?.requestHeaders ?? [];
    const origin = headerValue(firstHeaders, 'origin') ?? base.initiator ?? 'null';
    const hops: Hop[] = tracked.hops.map((h) => {
      // A preflighted request reached the network only if its response came.
      const sent = h.preflight && !h.response ? null : h.headers;
      return {
        url: h.url,
        originSent: headerValue(sent ?? h.preflight?.requestHeaders ?? [], 'origin'),
        requestHeaders: sent,
        preflight: h.preflight ? preflightFacts(h.preflight) : null,
        response: h.response,
      };
    });
    return {
      request: {
        url: first.url,
        method: first.method,
        origin,
        mode: modeOf(base.type, firstHeaders, first.preflight !== null, hint),
        credentials: credentialsOf(tracked, origin),
        initiator: initiatorOf(base.type, firstHeaders, hint),
        headers: first.headers ?? [],
      },
      hops,
      error: null,
    };
  }

  private forget(requestId: string): void {
    const tracked = this.requests.get(requestId);
    this.requests.delete(requestId);
    for (const hop of tracked?.hops ?? []) if (hop.preflight) this.preflights.delete(hop.preflight.requestId);
  }

  /** Forgets requests not heard of for the time limit, and page reports that found no request. */
  sweep(now: number): void {
    this.eventsSinceSweep = 0;
    for (const [id, tracked] of this.requests) if (now - tracked.seen > this.options.ttlMs) this.forget(id);
    this.hints = this.hints.filter((h) => now - h.at <= this.options.hintTtlMs);
  }
}

function preflightFacts(p: Preflight): PreflightFacts {
  return { requestHeaders: p.requestHeaders, response: p.response, error: p.error };
}

const redirected = (hop: TrackedHop) => redirectLocation(hop) !== null;

/**
 * The request mode: Sec-Fetch-Mode (Firefox sends it to trustworthy origins), else CORS when a preflight was sent or
 * an element asked with an Origin header (a no-cors element request carries none), else the page's report.
 */
function modeOf(type: string, headers: HeaderList, preflighted: boolean, hint: PageHint | null): RequestMode {
  const mode = headerValue(headers, 'sec-fetch-mode');
  if (mode === 'cors' || mode === 'no-cors' || mode === 'same-origin' || mode === 'navigate' || mode === 'websocket') return mode;
  if (preflighted) return 'cors';
  if (hint) return hint.mode;
  if (type !== 'xmlhttprequest' && hasHeader(headers, 'origin')) return 'cors';
  return 'unknown';
}

/** How the page asked: its report, else 'include' when a cookie went to another origin, else the API default. */
function credentialsOf(tracked: Tracked, origin: string): Credentials {
  if (tracked.hint) return { mode: tracked.hint.credentials, source: 'page' };
  for (const hop of tracked.hops) {
    if (hop.headers && hasHeader(hop.headers, 'cookie') && !sameOrigin(origin, originOf(hop.url))) {
      return { mode: 'include', source: 'cookie-sent' };
    }
  }
  return DEFAULT_CREDENTIALS;
}
