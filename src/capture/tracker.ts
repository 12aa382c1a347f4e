/**
 * Turns the stream of observed request events into exchanges: follows each request through its redirects, pairs
 * every preflight (its own request to the browser) with the request it was sent for, and folds in the page relay's
 * hints. It hands back an exchange three times in a request's life:
 * - 'headers': a cross-origin response (or preflight response) just arrived. The browser runs its CORS check right
 *   now, so a failure can be recorded before the error event, which a stopping service worker may never run.
 * - 'error': the request ended with a network error: the final word.
 * - 'completed': the request succeeded after a 'headers' capture: anything recorded for it must go.
 * Bounded in memory whatever the traffic: every map has a cap and entries expire.
 */
import { leavesOrigin } from '../cors/engine.ts';
import { type HeaderList, hasHeader, headerValue, namesListedIn } from '../headers.ts';
import type { Credentials, Exchange, Hop, Initiator, PreflightFacts, RequestMode, ResponseFacts } from '../model.ts';
import { originOf, sameOrigin } from '../origin.ts';
import type { ErrorEvent, HeadersEvent, PageHint, RequestEvent, RequestEventBase, SendEvent } from './events.ts';

export interface Captured {
  /** When in the request's life this capture was made (see the module comment). */
  readonly phase: 'headers' | 'error' | 'completed';
  /**
   * The id the record of this request goes under: the request's id, or `pf:<preflight id>` for a request stopped
   * by its preflight (known at the preflight's response, before the request's own id is seen).
   */
  readonly recordId: string;
  readonly requestId: string;
  readonly tabId: number;
  readonly frameId: number;
  readonly documentId: string | null;
  readonly type: string;
  readonly time: number;
  readonly exchange: Exchange;
  /** True when this replaces an earlier capture of the same request (a page hint arrived after the failure). */
  readonly amended: boolean;
  /**
   * An 'error' capture that adds nothing to the 'headers' capture handed out for the same response with the same
   * page hint: a caller that recorded that one has nothing to do.
   */
  readonly settled: boolean;
  /** Made from the page's own report of a failure the browser's events were lost for (a worker restart). */
  readonly pageReported?: true;
  /** False when the tab had no detailed capture armed: only the error was seen (arming.ts). */
  readonly watched: boolean;
  /** Where the details came from, when there are any. */
  readonly source?: 'devtools' | 'webrequest';
  /** The DevTools network log exchange the details came from (see FailureRecord.detailsId). */
  readonly detailsId?: string;
}

export interface TrackerOptions {
  /** Most requests followed at once; the oldest are forgotten beyond it. */
  readonly maxLive?: number;
  /** How long an unfinished request or an unclaimed preflight or hint is kept, in ms. */
  readonly ttlMs?: number;
  /** Most pending page hints per document. */
  readonly maxHintsPerDocument?: number;
  /** Most documents with pending page hints per tab: a tab of many frames only loses its own. */
  readonly maxHintDocumentsPerTab?: number;
  /** Most documents with pending hints. */
  readonly maxHintDocuments?: number;
  /** Recently finished failures kept for late hints. */
  readonly maxRecent?: number;
  /** When this tracker (this service worker) started, ms since the epoch. */
  readonly startedAt?: number;
}

/** The sender of a page message, as the browser reports it (never as the page says). */
export interface PageSender {
  readonly tabId: number;
  readonly frameId: number;
  readonly documentId: string;
  readonly origin: string;
}

/** How long after its start a worker may find requests begun by its predecessor. */
const STARTUP_MS = 3_000;
/** How long page failure reports are taken after such a request shows up. */
const BLIND_MS = 15_000;
/** How long after a page report made a row the call's own events may still come and replace it. */
const STAND_IN_MS = 5_000;
/** How long a request is followed after its response arrived. */
const RESPONDED_MS = 30_000;

interface TrackedPreflight {
  readonly requestId: string;
  readonly key: string;
  readonly method: string;
  readonly time: number;
  requestHeaders: HeaderList;
  response: ResponseFacts | null;
  error: string | null;
  claimed: boolean;
  /** A 'headers' capture was handed out for the request this preflight stands for, with this hint. */
  reported: boolean;
  reportedHint: PageHint | null;
  readonly event: RequestEventBase;
  /** The row a page report made for the request this preflight stands for, which its captures replace. */
  standIn?: string;
}

interface TrackedHop {
  url: string;
  requestHeaders: HeaderList | null;
  preflight: TrackedPreflight | null;
  response: ResponseFacts | null;
}

interface Tracked {
  readonly base: RequestEventBase;
  readonly time: number;
  readonly hops: TrackedHop[];
  /** A 'headers' capture was handed out (its completion must be reported), with this hint, at this many hops. */
  reported: boolean;
  reportedHint: PageHint | null;
  reportedHops: number;
  /** The row a page report made for this request before its own events came (pageFailure), which they replace. */
  standIn?: string;
}

interface TimedHint {
  readonly hint: PageHint;
  readonly time: number;
}

interface Recent {
  readonly tracked: Tracked;
  readonly error: string;
  hinted: boolean;
}

const DEFAULTS = {
  maxLive: 5000,
  ttlMs: 120_000,
  maxHintsPerDocument: 64,
  maxHintDocumentsPerTab: 32,
  maxHintDocuments: 4096,
  maxRecent: 256,
  startedAt: 0,
};

/** Whether a request asked for an event stream (EventSource sends Accept: text/event-stream). */
function isEventStream(tracked: Tracked): boolean {
  return headerValue(tracked.hops[0]?.requestHeaders ?? [], 'accept')?.includes('text/event-stream') === true;
}

function pairingKey(e: RequestEventBase, url: string): string {
  return `${e.tabId}\u0000${e.frameId}\u0000${e.documentId ?? ''}\u0000${url}`;
}

function isPreflightSend(e: SendEvent): boolean {
  return e.method === 'OPTIONS' && hasHeader(e.requestHeaders, 'access-control-request-method');
}

export class ExchangeTracker {
  private readonly live = new Map<string, Tracked>();
  private readonly preflightsById = new Map<string, TrackedPreflight>();
  private readonly unclaimed = new Map<string, TrackedPreflight[]>();
  /** Pending page hints by hintKey (document, method, URL), oldest key first; counted per document. */
  private readonly hints = new Map<string, TimedHint[]>();
  private readonly hintsPerDocument = new Map<string, number>();
  /** The documents with pending hints, per tab, and each document's tab. */
  private readonly hintDocumentsPerTab = new Map<number, Set<string>>();
  private readonly hintDocumentTab = new Map<string, number>();
  /** Recent failures without a hint, by hintKey, for hints that come late. */
  private readonly recentByKey = new Map<string, string[]>();
  private readonly recent = new Map<string, Recent>();
  private readonly options: Required<TrackerOptions>;
  private eventsSinceSweep = 0;
  /** Event streams pages closed themselves ("document url" to when), so their end is not taken for a failure. */
  private readonly closedStreams = new Map<string, number>();
  /** Until when page failure reports fill the blind spot of a worker restart (0: no blind spot). */
  private blindUntil = 0;
  /** Failures that ended before this were seen by the previous worker (its last recorded activity). */
  private blindSince = 0;
  private pageReports = 0;
  /**
   * Rows made from page reports, by hintKey, oldest first: the browser's own events of such a call may still come
   * (the report can overtake them while the new worker works through its backlog) and then replace that row.
   */
  private readonly standIns = new Map<string, { readonly id: string; readonly time: number }[]>();

  constructor(options: TrackerOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Sizes of the internal tables, for tests and the benchmark. */
  get size(): { live: number; preflights: number; hints: number; recent: number } {
    let hints = 0;
    for (const n of this.hintsPerDocument.values()) hints += n;
    return { live: this.live.size, preflights: this.preflightsById.size, hints, recent: this.recent.size };
  }

  /** Feeds one observed event. Returns a capture when there is something to record or to take back. */
  handle(event: RequestEvent): Captured | null {
    if (++this.eventsSinceSweep >= 256) this.sweep(event.timeStamp);
    const preflight = this.preflightsById.get(event.requestId);
    if (preflight) return this.updatePreflight(preflight, event);
    switch (event.kind) {
      case 'send':
        if (isPreflightSend(event)) {
          this.startPreflight(event);
          return null;
        }
        return this.onSend(event);
      case 'headers':
        return this.onHeaders(event);
      case 'error':
        return this.onError(event);
      case 'completed': {
        const tracked = this.live.get(event.requestId);
        this.live.delete(event.requestId);
        if (!tracked) return null;
        if (tracked.base.documentId) this.takeHint(tracked.base.documentId, tracked.base.method, tracked.base.url);
        return tracked.reported ? this.captured(tracked, 'completed', null, this.peekHint(tracked.base), false) : null;
      }
    }
  }

  /**
   * Records what the page said about one of its own calls (sender document from the browser, never from the
   * message). Returns an amended capture when the failure it describes was already reported.
   */
  hint(from: { readonly tabId: number; readonly documentId: string }, hint: PageHint, now: number): Captured | null {
    const { documentId } = from;
    const key = hintKey(documentId, hint.method, hint.url);
    if (hint.outcome === 'closed') {
      this.closedStreams.set(`${documentId} ${loosen(hint.url)}`, now);
      if (this.closedStreams.size > 256) this.closedStreams.delete(this.closedStreams.keys().next().value as string);
      return this.closedAfterItsEnd(key, hint);
    }
    const waiting = this.recentByKey.get(key);
    const requestId = waiting?.shift();
    if (waiting?.length === 0) this.recentByKey.delete(key);
    const recent = requestId === undefined ? undefined : this.recent.get(requestId);
    if (requestId !== undefined && recent && !recent.hinted) {
      recent.hinted = true;
      this.recent.delete(requestId);
      return this.captured(recent.tracked, 'error', recent.error, hint, true);
    }
    const count = this.hintsPerDocument.get(documentId) ?? 0;
    // A document over its share, or a tab with too many documents, gets no more until some are used or expire: a
    // flood only loses its own hints, never another tab's.
    if (count >= this.options.maxHintsPerDocument) return null;
    if (count === 0) {
      const documents = this.hintDocumentsPerTab.get(from.tabId) ?? new Set<string>();
      if (documents.size >= this.options.maxHintDocumentsPerTab || this.hintsPerDocument.size >= this.options.maxHintDocuments) return null;
      documents.add(documentId);
      this.hintDocumentsPerTab.set(from.tabId, documents);
      this.hintDocumentTab.set(documentId, from.tabId);
    }
    this.hintsPerDocument.set(documentId, count + 1);
    const list = this.hints.get(key);
    if (list) list.push({ hint, time: now });
    else this.hints.set(key, [{ hint, time: now }]);
    return null;
  }

  /**
   * The page closed an event stream whose end was already recorded as a failure (its report came after the error
   * event): that end was the page's doing. A stream without any response is taken back. A stream with an answer is
   * judged again with how the page asked (the report says): a CORS answer that refuses it stays a failure, one that
   * passes goes (its failure was judged with a credentials mode inferred from that end; the tab log takes it back).
   */
  private closedAfterItsEnd(key: string, hint: PageHint): Captured | null {
    const waiting = this.recentByKey.get(key) ?? [];
    const unanswered = waiting.findIndex((id) => !this.recent.get(id)?.tracked.hops.some((h) => h.response));
    // Else the newest event stream (it asked for text/event-stream) whose end was taken for a refusal.
    const at =
      unanswered >= 0
        ? unanswered
        : waiting.findLastIndex((id) => {
            const recent = this.recent.get(id);
            return recent?.error === 'net::ERR_FAILED' && isEventStream(recent.tracked);
          });
    const requestId = at < 0 ? undefined : waiting.splice(at, 1)[0];
    if (waiting.length === 0) this.recentByKey.delete(key);
    const recent = requestId === undefined ? undefined : this.recent.get(requestId);
    if (requestId === undefined || !recent) return null;
    this.recent.delete(requestId);
    if (unanswered >= 0) return this.captured(recent.tracked, 'completed', null, null, false);
    return this.captured(recent.tracked, 'error', recent.error, hint, true);
  }

  /**
   * The page says one of its calls failed. Only trusted to fill the blind spot of a worker restart: for a call the
   * relay saw start before this worker started, that this worker knows nothing of, reported while the restart's
   * orphans are fresh. Anywhere else the browser's own events decide, so a page cannot add a failure that did not
   * happen. The capture has no headers; its record says where it came from.
   */
  pageFailure(sender: PageSender, hint: PageHint, now: number): Captured | null {
    if (now > this.blindUntil || hint.mode === 'no-cors') return null;
    // Only a call that began before this worker existed can have had its events dropped by the restart, and only
    // one that failed after the previous worker was last seen busy.
    if (hint.startedAt === undefined || hint.startedAt >= this.options.startedAt) return null;
    if (hint.endedAt !== undefined && hint.endedAt < this.blindSince) return null;
    for (const t of this.live.values()) {
      if (t.base.documentId === sender.documentId && t.base.method === hint.method && sameUrl(t.base.url, hint.url)) return null;
    }
    for (const r of this.recent.values()) {
      if (r.tracked.base.documentId === sender.documentId && r.tracked.base.method === hint.method && sameUrl(r.tracked.base.url, hint.url))
        return null;
    }
    const stand: Tracked = {
      base: {
        // Unique across workers: records of an earlier worker's reports are still stored under their ids.
        requestId: `page:${this.options.startedAt.toString(36)}-${++this.pageReports}`,
        url: hint.url,
        method: hint.method,
        type: 'xmlhttprequest',
        tabId: sender.tabId,
        frameId: sender.frameId,
        documentId: sender.documentId,
        initiator: sender.origin,
        timeStamp: now,
      },
      time: now,
      hops: [{ url: hint.url, requestHeaders: null, preflight: null, response: null }],
      reported: false,
      reportedHint: null,
      reportedHops: 0,
    };
    const key = hintKey(sender.documentId, hint.method, hint.url);
    const ids = this.standIns.get(key);
    const standIn = { id: stand.base.requestId, time: now };
    if (ids) ids.push(standIn);
    else this.standIns.set(key, [standIn]);
    if (this.standIns.size > this.options.maxRecent) this.standIns.delete(this.standIns.keys().next().value as string);
    return { ...this.captured(stand, 'error', 'net::ERR_FAILED', hint, false), pageReported: true };
  }

  /** The row a page report made for this call, taken by the call's own events (see standIns). */
  private takeStandIn(documentId: string | null, method: string, url: string, now: number): string | undefined {
    if (!documentId || this.standIns.size === 0) return undefined;
    const key = hintKey(documentId, method, url);
    const ids = this.standIns.get(key);
    const found = ids?.shift();
    if (ids?.length === 0) this.standIns.delete(key);
    // Later than that, it is another call to the same URL.
    return found && now - found.time <= STAND_IN_MS ? found.id : undefined;
  }

  private startPreflight(e: SendEvent): void {
    const key = pairingKey(e, e.url);
    const preflight: TrackedPreflight = {
      requestId: e.requestId,
      key,
      method: headerValue(e.requestHeaders, 'access-control-request-method') ?? '',
      time: e.timeStamp,
      requestHeaders: e.requestHeaders,
      response: null,
      error: null,
      claimed: false,
      reported: false,
      reportedHint: null,
      event: e,
    };
    this.preflightsById.set(e.requestId, preflight);
    const list = this.unclaimed.get(key) ?? [];
    list.push(preflight);
    if (list.length > 64) {
      const dropped = list.shift();
      if (dropped) this.preflightsById.delete(dropped.requestId);
    }
    this.unclaimed.set(key, list);
  }

  private updatePreflight(preflight: TrackedPreflight, e: RequestEvent): Captured | null {
    if (e.kind === 'headers') preflight.response = { status: e.statusCode, headers: e.responseHeaders };
    else if (e.kind === 'error') preflight.error = e.error;
    else if (e.kind === 'send') preflight.requestHeaders = e.requestHeaders;
    if ((e.kind === 'completed' || e.kind === 'error') && preflight.claimed) this.preflightsById.delete(preflight.requestId);
    if (e.kind !== 'headers' || preflight.claimed) return null;
    // The preflight's answer decides the request it stands for, whose own events may never come: report it now.
    const stand: Tracked = {
      base: { ...preflight.event, requestId: preflightRecordId(preflight), method: preflight.method },
      time: preflight.time,
      hops: [{ url: preflight.event.url, requestHeaders: null, preflight, response: null }],
      reported: true,
      reportedHint: null,
      reportedHops: 1,
    };
    preflight.standIn ??= this.takeStandIn(preflight.event.documentId, preflight.method, preflight.event.url, e.timeStamp);
    preflight.reported = true;
    preflight.reportedHint = this.peekHint(stand.base);
    return this.captured(stand, 'headers', 'net::ERR_FAILED', preflight.reportedHint, false);
  }

  /**
   * The earliest preflight for this URL and method that no request has claimed yet, preferring one that has
   * answered: a request goes out, or fails, only after its own preflight's answer, and identical preflights sent
   * together may answer in any order.
   */
  private claimPreflight(e: RequestEventBase, url: string): TrackedPreflight | null {
    const key = pairingKey(e, url);
    const list = this.unclaimed.get(key);
    if (!list) return null;
    let index = list.findIndex((p) => p.method === e.method && (p.response !== null || p.error !== null));
    if (index < 0) index = list.findIndex((p) => p.method === e.method);
    if (index < 0) return null;
    const [preflight] = list.splice(index, 1);
    if (list.length === 0) this.unclaimed.delete(key);
    if (!preflight) return null;
    preflight.claimed = true;
    if (preflight.response || preflight.error) this.preflightsById.delete(preflight.requestId);
    return preflight;
  }

  private track(e: RequestEventBase): Tracked {
    let tracked = this.live.get(e.requestId);
    if (!tracked) {
      tracked = {
        base: e,
        time: e.timeStamp,
        hops: [{ url: e.url, requestHeaders: null, preflight: null, response: null }],
        reported: false,
        reportedHint: null,
        reportedHops: 0,
      };
      const standIn = this.takeStandIn(e.documentId, e.method, e.url, e.timeStamp);
      if (standIn) tracked.standIn = standIn;
      this.live.set(e.requestId, tracked);
      if (this.live.size > this.options.maxLive) {
        const oldest = this.live.keys().next().value;
        if (oldest !== undefined) this.live.delete(oldest);
      }
    }
    return tracked;
  }

  private currentHop(tracked: Tracked, e: RequestEventBase): TrackedHop {
    let hop = tracked.hops[tracked.hops.length - 1] as TrackedHop;
    if (hop.url !== e.url && (hop.requestHeaders !== null || hop.response !== null)) {
      // A new URL for the same request: the browser followed a redirect.
      hop = { url: e.url, requestHeaders: null, preflight: null, response: null };
      tracked.hops.push(hop);
      if (tracked.hops.length > 25) tracked.hops.splice(1, 1);
    }
    return hop;
  }

  private onSend(e: SendEvent): Captured | null {
    const tracked = this.track(e);
    const hop = this.currentHop(tracked, e);
    hop.requestHeaders = e.requestHeaders;
    if (hop.preflight) return null;
    hop.preflight = this.claimPreflight(e, e.url);
    // The request went out after all: its preflight passed, whatever was recorded for it at its response is void.
    if (hop.preflight?.reported) return this.retraction(tracked, preflightRecordId(hop.preflight));
    return null;
  }

  /**
   * Opens the blind spot of a restart: for a while, the page's own failure reports stand in for the events the
   * browser dropped while the previous worker stopped (see pageFailure). Called on an orphan (below), or from other
   * evidence that the previous worker was stopped while the browser was busy (its last activity was recent: an idle
   * worker is only stopped after 30 s without events). `since`: when the previous worker was last seen handling
   * events; failures that ended before it were its to see.
   */
  openBlindSpot(now: number, since = this.options.startedAt - BLIND_MS): void {
    this.blindSince = this.blindUntil > 0 ? Math.min(this.blindSince, since) : since;
    this.blindUntil = Math.max(this.blindUntil, now + BLIND_MS);
  }

  /** Whether page failure reports are taken now (a restart's blind spot is open). */
  blindSpotOpen(now: number): boolean {
    return now <= this.blindUntil;
  }

  /**
   * The open blind spot, or null: a successor started while it is open takes failures from `since` too, because
   * this worker may be stopped before it has stored the ones it took.
   */
  blindSpot(now: number): { readonly since: number; readonly until: number } | null {
    return this.blindSpotOpen(now) ? { since: this.blindSince, until: this.blindUntil } : null;
  }

  /**
   * A request this worker never saw start, met in its first seconds: its predecessor was stopped while requests
   * were in flight, and the browser drops the events it was handed while stopping.
   */
  private noticeOrphan(e: RequestEventBase): void {
    if (e.watched === false) return;
    if (this.live.has(e.requestId) || e.timeStamp - this.options.startedAt > STARTUP_MS || this.options.startedAt === 0) return;
    this.openBlindSpot(e.timeStamp);
  }

  private onHeaders(e: HeadersEvent): Captured | null {
    this.noticeOrphan(e);
    const tracked = this.track(e);
    const hop = this.currentHop(tracked, e);
    hop.response = { status: e.statusCode, headers: e.responseHeaders };
    const origin = tracked.base.initiator ?? 'null';
    if (!leavesOrigin(origin, tracked.hops)) return null;
    tracked.reported = true;
    tracked.reportedHint = this.peekHint(tracked.base);
    tracked.reportedHops = tracked.hops.length;
    return this.captured(tracked, 'headers', 'net::ERR_FAILED', tracked.reportedHint, false);
  }

  private onError(e: ErrorEvent): Captured | null {
    // An event stream the page closed ends with net::ERR_FAILED; unwatched, nothing else tells it from a failure.
    const closedAt = e.documentId ? this.closedStreams.get(`${e.documentId} ${loosen(e.url)}`) : undefined;
    const closedByPage = closedAt !== undefined && e.timeStamp - closedAt < 10_000;
    if (closedByPage && !this.live.get(e.requestId)?.hops.some((h) => h.response)) {
      this.live.delete(e.requestId);
      return null;
    }
    // A stream with an answer that the page closed: its end is the page's doing, not a refusal, so the answer is judged
    // as it is (an answer that fails CORS stays a failure) and no credentials mode is inferred from the error.
    const error = closedByPage ? 'net::ERR_ABORTED' : e.error;
    if (!this.unclaimed.has(pairingKey(e, e.url))) this.noticeOrphan(e);
    const tracked = this.track(e);
    this.live.delete(e.requestId);
    const hop = this.currentHop(tracked, e);
    // Stopped before the request went out: the preflight (if any) is what failed.
    if (hop.requestHeaders === null && hop.response === null) hop.preflight ??= this.claimPreflight(e, e.url);
    const hint = tracked.base.documentId ? this.takeHint(tracked.base.documentId, tracked.base.method, tracked.base.url) : null;
    // (A stream the page closed is not remembered for the page's later word: its end is already the page's doing.)
    if (!hint && tracked.base.documentId && !closedByPage) {
      this.recent.set(e.requestId, { tracked, error, hinted: false });
      const key = hintKey(tracked.base.documentId, tracked.base.method, tracked.base.url);
      const waiting = this.recentByKey.get(key);
      if (waiting) waiting.push(e.requestId);
      else this.recentByKey.set(key, [e.requestId]);
      if (this.recent.size > this.options.maxRecent) {
        const oldest = this.recent.keys().next().value;
        if (oldest !== undefined) this.recent.delete(oldest);
      }
      if (this.recentByKey.size > this.options.maxRecent) {
        const oldest = this.recentByKey.keys().next().value;
        if (oldest !== undefined) this.recentByKey.delete(oldest);
      }
    }
    const capture = this.captured(tracked, 'error', error, hint, false);
    // Nothing new since the response's capture: same response, same hint. A preflight's capture stood for a request
    // of one URL; after a redirect this capture knows the real first URL, so it is news.
    const settled =
      error === 'net::ERR_FAILED' &&
      ((tracked.reported && tracked.reportedHint === hint && tracked.reportedHops === tracked.hops.length && hop.response !== null) ||
        (tracked.hops.length === 1 &&
          hop.requestHeaders === null &&
          hop.response === null &&
          hop.preflight?.reported === true &&
          hop.preflight.reportedHint === hint));
    return settled ? { ...capture, settled } : capture;
  }

  private retraction(tracked: Tracked, recordId: string): Captured {
    return { ...this.captured(tracked, 'completed', null, null, false), recordId };
  }

  private peekHint(base: RequestEventBase): PageHint | null {
    if (!base.documentId) return null;
    return this.hints.get(hintKey(base.documentId, base.method, base.url))?.[0]?.hint ?? null;
  }

  private takeHint(documentId: string, method: string, url: string): PageHint | null {
    const key = hintKey(documentId, method, url);
    const list = this.hints.get(key);
    const found = list?.shift();
    if (!found) return null;
    if (list?.length === 0) this.hints.delete(key);
    this.uncountHint(documentId);
    return found.hint;
  }

  private uncountHint(documentId: string): void {
    const n = (this.hintsPerDocument.get(documentId) ?? 1) - 1;
    if (n > 0) {
      this.hintsPerDocument.set(documentId, n);
      return;
    }
    this.hintsPerDocument.delete(documentId);
    const tabId = this.hintDocumentTab.get(documentId);
    this.hintDocumentTab.delete(documentId);
    const documents = tabId === undefined ? undefined : this.hintDocumentsPerTab.get(tabId);
    documents?.delete(documentId);
    if (tabId !== undefined && documents?.size === 0) this.hintDocumentsPerTab.delete(tabId);
  }

  private captured(tracked: Tracked, phase: Captured['phase'], error: string | null, hint: PageHint | null, amended: boolean): Captured {
    const { base } = tracked;
    const last = tracked.hops[tracked.hops.length - 1] as TrackedHop;
    // A request stopped by its preflight (on its first URL or after a redirect) is recorded under the preflight's
    // id, known before the request's own error.
    const byPreflight = last.requestHeaders === null && last.response === null ? last.preflight : null;
    const recordId = tracked.standIn ?? (byPreflight ? (byPreflight.standIn ?? preflightRecordId(byPreflight)) : base.requestId);
    return {
      phase,
      recordId,
      requestId: base.requestId,
      tabId: base.tabId,
      frameId: base.frameId,
      documentId: base.documentId,
      type: base.type,
      time: tracked.time,
      exchange: buildExchange(tracked, error, hint),
      amended,
      settled: false,
      watched: tracked.base.watched !== false || tracked.hops.some((h) => h.requestHeaders !== null || h.response !== null),
    };
  }

  /** Forgets what is older than the time limit: unfinished requests, unclaimed preflights, stale hints. */
  sweep(now: number): void {
    this.eventsSinceSweep = 0;
    const limit = now - this.options.ttlMs;
    // A request answered long ago succeeded (the browser's CORS check runs when the answer arrives, and its error
    // follows at once); nothing reports success, so answered requests go after RESPONDED_MS, the rest after the TTL.
    const answered = now - RESPONDED_MS;
    for (const [id, tracked] of this.live) {
      const last = tracked.hops[tracked.hops.length - 1];
      if (tracked.time < limit || (last?.response && tracked.time < answered)) this.live.delete(id);
    }
    for (const [id, preflight] of this.preflightsById) {
      if (preflight.time >= limit) break;
      this.preflightsById.delete(id);
    }
    for (const [key, list] of this.unclaimed) {
      const kept = list.filter((p) => p.time >= limit);
      if (kept.length === 0) this.unclaimed.delete(key);
      else this.unclaimed.set(key, kept);
    }
    for (const [key, list] of this.hints) {
      const kept = list.filter((h) => h.time >= limit);
      const documentId = key.slice(0, key.indexOf('\u0000'));
      for (let i = kept.length; i < list.length; i++) this.uncountHint(documentId);
      if (kept.length === 0) this.hints.delete(key);
      else this.hints.set(key, kept);
    }
  }
}

/** The key a page hint and the request it describes share: document, method, URL (loosened, see sameUrl). */
function hintKey(documentId: string, method: string, url: string): string {
  return `${documentId}\u0000${method}\u0000${loosen(url)}`;
}

/**
 * Whether the page's URL for a call and the network's are the same request. The page serializes with the WHATWG URL
 * parser, the network with Chromium's GURL, which differ on which punctuation in a query they percent-encode
 * (' " < > ` and friends): compare with those decoded.
 */
export function sameUrl(a: string, b: string): boolean {
  return a === b || loosen(a) === loosen(b);
}

function loosen(url: string): string {
  if (!url.includes('%')) return url;
  return url.replace(/%(2[0270]|3[CcEe]|5[CcEe]|60|7[BbCcDd])/g, (m) => String.fromCharCode(Number.parseInt(m.slice(1), 16)));
}

function preflightRecordId(p: TrackedPreflight): string {
  return p.requestId.startsWith('pf:') ? p.requestId : `pf:${p.requestId}`;
}

function preflightFacts(p: TrackedPreflight | null): PreflightFacts | null {
  return p ? { requestHeaders: p.requestHeaders, response: p.response, error: p.error } : null;
}

const DEST_INITIATOR: Record<string, Initiator> = {
  font: 'font',
  script: 'script',
  style: 'stylesheet',
  image: 'image',
  audio: 'media',
  video: 'media',
  track: 'media',
  worker: 'worker',
  sharedworker: 'worker',
  serviceworker: 'worker',
};

const TYPE_INITIATOR: Record<string, Initiator> = {
  xmlhttprequest: 'fetch',
  font: 'font',
  script: 'script',
  stylesheet: 'stylesheet',
  image: 'image',
  media: 'media',
};

/** What started a request, from the page's report, else its headers (Accept, Sec-Fetch-Dest), else its resource type. */
export function initiatorOf(type: string, headers: HeaderList, hint: PageHint | null): Initiator {
  if (hint) return hint.api;
  if ((headerValue(headers, 'accept') ?? '').startsWith('text/event-stream')) return 'eventsource';
  const dest = headerValue(headers, 'sec-fetch-dest');
  if (dest && DEST_INITIATOR[dest]) return DEST_INITIATOR[dest];
  return TYPE_INITIATOR[type] ?? 'other';
}

function modeOf(headers: HeaderList, preflight: TrackedPreflight | null, type: string, hint: PageHint | null): RequestMode {
  const mode = headerValue(headers, 'sec-fetch-mode') ?? (preflight ? 'cors' : null);
  if (mode === 'cors' || mode === 'no-cors' || mode === 'same-origin' || mode === 'navigate' || mode === 'websocket') return mode;
  if (hint) return hint.mode;
  if (type === 'font' || hasHeader(headers, 'origin')) return 'cors';
  return 'unknown';
}

function credentialsOf(tracked: Tracked, origin: string, hint: PageHint | null): Credentials {
  if (hint) return { mode: hint.credentials, source: 'page' };
  for (const hop of tracked.hops) {
    const headers = hop.requestHeaders ?? [];
    // A cookie only goes to another origin when the page asked for credentials 'include'.
    if (hasHeader(headers, 'cookie') && !sameOrigin(origin, originOf(hop.url))) return { mode: 'include', source: 'cookie-sent' };
    if (hasHeader(headers, 'sec-fetch-storage-access')) return { mode: 'include', source: 'storage-access-header' };
  }
  return { mode: 'same-origin', source: 'default' };
}

function buildExchange(tracked: Tracked, error: string | null, hint: PageHint | null): Exchange {
  const { base } = tracked;
  const first = tracked.hops[0] as TrackedHop;
  const firstHeaders = first.requestHeaders ?? first.preflight?.requestHeaders ?? [];
  const origin = base.initiator ?? headerValue(firstHeaders, 'origin') ?? 'null';
  const hops: Hop[] = tracked.hops.map((h) => ({
    url: h.url,
    originSent: headerValue(h.requestHeaders ?? h.preflight?.requestHeaders ?? [], 'origin'),
    requestHeaders: h.requestHeaders,
    preflight: preflightFacts(h.preflight),
    response: h.response,
  }));
  return {
    request: {
      url: first.url,
      method: base.method,
      origin,
      mode: modeOf(firstHeaders, first.preflight, base.type, hint),
      credentials: credentialsOf(tracked, origin, hint),
      initiator: initiatorOf(base.type, firstHeaders, hint),
      headers: first.requestHeaders ?? namesListedIn(first.preflight?.requestHeaders ?? [], 'access-control-request-headers'),
    },
    hops,
    error,
  };
}
