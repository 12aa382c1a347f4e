/**
 * What gets recorded for a failed request: the sanitized exchange and the judgement (Chromium's verdict and the
 * credentials mode), made once on the full data. The words are derived from these two when shown, so a record stays
 * small in storage. Decides which failures are CORS failures (counted on the badge), which are look-alikes worth
 * showing apart, and which are noise (cancelled requests, same-origin requests).
 */
import { passiveFindings } from '../audit/findings.ts';
import { evaluate, leavesOrigin } from '../cors/engine.ts';
import { evaluateFirefox } from '../cors/firefox.ts';
import { CORS_NET_ERROR, explain, explainFirefox, FIREFOX_CORS_ERROR, type FirefoxJudgement, type Judgement, judge } from '../diagnose.ts';
import { chromiumDecision } from '../divergence.ts';
import { lookalikeOf } from '../explain/lookalikes.ts';
import { clampText, type HeaderList } from '../headers.ts';
import type { Diagnosis, Exchange, Hop } from '../model.ts';
import { redactExchange, redactUrl } from '../redact.ts';
import type { Captured } from './tracker.ts';

export interface FailureRecord {
  /** The browser's request id: unique per browser session. */
  readonly id: string;
  readonly tabId: number;
  /** -1 for a shared or service worker's request shown on the tabs of its origin. */
  readonly frameId: number;
  readonly documentId: string | null;
  /** ms since the epoch, when the request started. */
  readonly time: number;
  /** webRequest resource type. */
  readonly type: string;
  /**
   * cors: the browser blocked it for CORS (counted); lookalike: failed for another reason on a cross-origin request;
   * warning: it passed, but its answer already proves a dangerous setup (src/audit, passiveFindings). Only cors
   * records are counted on the badge.
   */
  readonly kind: 'cors' | 'lookalike' | 'warning';
  readonly exchange: Exchange;
  readonly judgement: Judgement;
  /** Blocked (net::ERR_FAILED) but the headers that decide why were not observed. */
  readonly uncaptured: boolean;
  /** Known only from the page's report: the browser's events for it were lost while the worker restarted. */
  readonly pageReported?: true;
  /** Nothing was watching the tab's details when it failed (DevTools closed, no detailed capture): only the error was seen. */
  readonly notWatched?: true;
  /** Where the details came from: DevTools' network log, or the extension's own detailed capture (webRequest). */
  readonly source?: 'devtools' | 'webrequest';
  /** Shortened to fit MAX_RECORD_BYTES: long values cut, the least useful headers and middle redirects left out. */
  readonly trimmed?: true;
  /** The id of the DevTools network log exchange the details came from (a devtools page sends it again after a restart). */
  readonly detailsId?: string;
  /**
   * Judged in Firefox mode (a record of Firefox's own capture): Firefox's verdict, made on the full exchange, is the
   * row's; `judgement` then holds Chromium's verdict on the same exchange, for the divergence and the fix.
   */
  readonly firefox?: FirefoxJudgement;
}

/** Most bytes one stored record takes (as JSON): whatever a server sends, one failure costs at most this much. */
export const MAX_RECORD_BYTES = 16 * 1024;

const jsonOf = new WeakMap<FailureRecord, string>();

/**
 * Stands, in a record's JSON, for a first hop's request headers that are the request's own list: nearly always the
 * case once the request went out, and then that list (about a quarter of a record with details) is written once.
 */
const SAME_AS_REQUEST = '=request.headers';

function sameHeaders(a: HeaderList | null, b: HeaderList): boolean {
  if (a === b) return true;
  if (a === null || a.length !== b.length) return false;
  return a.every((h, i) => {
    const o = b[i];
    return o !== undefined && h.name === o.name && h.value === o.value && h.redacted === o.redacted && h.truncatedFrom === o.truncatedFrom;
  });
}

/**
 * A record as JSON, made once per record object: fitRecord measures it and the tab log stores the same string, so a
 * failure is serialized once, not twice (records are never changed in place, only replaced). Read it back with
 * parseRecordJson.
 */
export function recordJson(record: FailureRecord): string {
  let json = jsonOf.get(record);
  if (json === undefined) {
    const [first, ...rest] = record.exchange.hops;
    const packed =
      first && first.requestHeaders !== null && sameHeaders(first.requestHeaders, record.exchange.request.headers)
        ? { ...record, exchange: { ...record.exchange, hops: [{ ...first, requestHeaders: SAME_AS_REQUEST }, ...rest] } }
        : record;
    json = JSON.stringify(packed);
    jsonOf.set(record, json);
  }
  return json;
}

/** A record's JSON (recordJson's, or an older version's plain JSON) parsed, its first hop's request headers restored; not yet validated. */
export function parseRecordJson(json: string): unknown {
  const parsed = JSON.parse(json) as { exchange?: { request?: { headers?: unknown }; hops?: unknown } } | null;
  const first = Array.isArray(parsed?.exchange?.hops) ? (parsed.exchange.hops[0] as { requestHeaders?: unknown } | undefined) : undefined;
  if (first && typeof first === 'object' && first.requestHeaders === SAME_AS_REQUEST)
    first.requestHeaders = parsed?.exchange?.request?.headers ?? null;
  return parsed;
}

/** Errors that are never worth a row: cancellations and DevTools' own cache probes. */
const IGNORED_ERRORS = new Set(['net::ERR_ABORTED', 'net::ERR_CACHE_MISS', 'net::ERR_BLOCKED_BY_CLIENT']);

/**
 * Makes a record fit MAX_RECORD_BYTES, in steps that lose the least first: header lines whose values were not kept
 * (only their names), then long values, then the redirects between the first hop, the hop at fault and the last.
 * The verdict was made on the full data before; the record says it was trimmed.
 */
export function fitRecord(record: FailureRecord, maxBytes = MAX_RECORD_BYTES): FailureRecord {
  if (recordJson(record).length <= maxBytes) return record;
  const steps: ((h: HeaderList) => HeaderList)[] = [
    (h) => h.filter((x) => !x.redacted || x.value === '\0').slice(0, 48),
    (h) =>
      h.map((x) => (x.value.length > 256 ? { ...x, value: x.value.slice(0, 256), truncatedFrom: x.truncatedFrom ?? x.value.length } : x)),
    (h) =>
      h
        .slice(0, 16)
        .map((x) => (x.value.length > 64 ? { ...x, value: x.value.slice(0, 64), truncatedFrom: x.truncatedFrom ?? x.value.length } : x)),
  ];
  let current: FailureRecord = { ...record, trimmed: true };
  for (const step of steps) {
    current = { ...current, exchange: mapHeaders(current.exchange, step) };
    if (recordJson(current).length <= maxBytes) return current;
  }
  const keep = new Set([0, record.judgement.verdict.hop, record.exchange.hops.length - 1]);
  const hops = current.exchange.hops.filter((_, i) => keep.has(i));
  current = {
    ...current,
    exchange: { ...current.exchange, hops, request: { ...current.exchange.request, url: clampText(current.exchange.request.url, 512) } },
  };
  current = {
    ...current,
    exchange: { ...current.exchange, hops: current.exchange.hops.map((h) => ({ ...h, url: clampText(h.url, 512) })) },
  };
  return current;
}

function mapHeaders(exchange: Exchange, f: (h: HeaderList) => HeaderList): Exchange {
  const hop = (h: Hop): Hop => ({
    ...h,
    requestHeaders: h.requestHeaders ? f(h.requestHeaders) : null,
    preflight: h.preflight
      ? {
          ...h.preflight,
          requestHeaders: f(h.preflight.requestHeaders),
          response: h.preflight.response ? { ...h.preflight.response, headers: f(h.preflight.response.headers) } : null,
        }
      : null,
    response: h.response ? { ...h.response, headers: f(h.response.headers) } : null,
  });
  return { ...exchange, request: { ...exchange.request, headers: f(exchange.request.headers) }, hops: exchange.hops.map(hop) };
}

/** Whether a request left its origin (engine.ts: leavesOrigin). */
const crossOrigin = (exchange: Exchange): boolean => leavesOrigin(exchange.request.origin, exchange.hops);

/** Whether the last hop's response (or its preflight's) was observed: the facts a CORS verdict is made from. */
function observedResponse(exchange: Exchange): boolean {
  const last = exchange.hops[exchange.hops.length - 1];
  return last?.response != null || last?.preflight?.response != null;
}

/** The judgement as stored: the values it quotes are cut like every other stored value. */
function storedJudgement({ verdict, credentials }: Judgement): Judgement {
  const status = verdict.status ? { ...verdict.status, failedParameter: clampText(verdict.status.failedParameter, 1024) } : null;
  return {
    credentials,
    verdict: {
      ...verdict,
      status,
      origin: clampText(verdict.origin, 512),
      location: verdict.location === null ? null : clampText(redactUrl(verdict.location), 4096),
      preflightReasons: verdict.preflightReasons.slice(0, 20).map((r) => ({ ...r, name: clampText(r.name, 256) })),
    },
  };
}

/**
 * Turns a capture into a record, or null when it is not worth one. A 'headers' capture becomes a record only when
 * the browser's check certainly fails with what is known (no credentials inference before the browser's refusal is
 * seen); an 'error' capture is the final word. 'completed' captures are not records (see the tab log's retract).
 */
export function toRecord(captured: Captured): FailureRecord | null {
  const { exchange } = captured;
  if (exchange.error === null) return warningRecord(captured);
  const error = exchange.error ?? '';
  if (captured.phase === 'completed' || IGNORED_ERRORS.has(error) || !crossOrigin(exchange)) return null;
  if (exchange.request.mode === 'no-cors' || exchange.request.mode === 'navigate') return null;
  const judgement = captured.phase === 'headers' ? judgeAsStated(exchange) : judge(exchange);
  const failed = judgement.verdict.status !== null;
  let kind: FailureRecord['kind'] = 'lookalike';
  let uncaptured = false;
  if (error === CORS_NET_ERROR) {
    if (!failed) {
      // The browser checks CORS when the headers arrive. If they were observed and pass, this net::ERR_FAILED is
      // something else (an event stream closed by the page ends that way); if they were not, say so.
      if (captured.phase === 'headers' || observedResponse(exchange)) return null;
      uncaptured = true;
    }
    kind = 'cors';
  } else if (lookalikeOf(exchange, judgement.verdict, judgement.credentials) === null) {
    return null;
  }
  return stored(captured, kind, judgement, uncaptured);
}

/** The record as it is stored: redacted, the judgement's quoted values cut, at most MAX_RECORD_BYTES. */
function stored(
  captured: Captured,
  kind: FailureRecord['kind'],
  judgement: Judgement,
  uncaptured: boolean,
  firefox?: FirefoxJudgement,
): FailureRecord {
  return fitRecord({
    id: captured.recordId,
    tabId: captured.tabId,
    frameId: captured.frameId,
    documentId: captured.documentId,
    time: captured.time,
    type: captured.type,
    kind,
    exchange: redactExchange(captured.exchange),
    judgement: storedJudgement(judgement),
    uncaptured,
    ...(captured.pageReported ? { pageReported: true as const } : {}),
    ...(uncaptured && !captured.watched ? { notWatched: true as const } : {}),
    ...(!uncaptured && captured.source ? { source: captured.source } : {}),
    ...(captured.detailsId ? { detailsId: captured.detailsId } : {}),
    ...(firefox ? { firefox } : {}),
  });
}

/**
 * Turns a capture into a record judged in Firefox mode (src/cors/firefox.ts), for Firefox's own capture: a CORS
 * failure when Firefox's checks name a reason for the exchange with its credentials mode as known; null when Firefox
 * lets it through (or refuses it without a CORS reason). The exchange's error is Firefox's CORS error.
 */
export function toFirefoxRecord(captured: Captured): FailureRecord | null {
  const exchange = { ...captured.exchange, error: FIREFOX_CORS_ERROR };
  const { request } = exchange;
  if (!crossOrigin(exchange) || request.mode === 'no-cors' || request.mode === 'navigate') return null;
  const firefox = evaluateFirefox(exchange, request.credentials.mode);
  if (!firefox.status) return null;
  // Chromium's verdict on the same exchange, ended the way Chromium ends a CORS refusal; none when the servers answered
  // an Origin Chromium would not have sent (its verdict cannot be told from this exchange).
  const asChromium = { ...exchange, error: CORS_NET_ERROR };
  const verdict = evaluate(asChromium, request.credentials.mode);
  const chromium = chromiumDecision(asChromium, request.credentials.mode).outcome === 'unknown' ? { ...verdict, status: null } : verdict;
  return stored({ ...captured, exchange }, 'cors', { verdict: chromium, credentials: request.credentials }, false, {
    reason: firefox.status.reason,
    parameter: clampText(firefox.status.parameter, 1024),
    stage: firefox.stage,
    hop: firefox.hop,
    origin: clampText(firefox.origin, 512),
    message: clampText(firefox.messages[0] ?? '', 4096),
  });
}

/**
 * A request that passed (DevTools' log shows those too) is a record only when one of its answers already proves a
 * dangerous setup: credentials with an echoed origin and no Vary, "null" allowed, an insecure origin trusted. The
 * same rule `cors-lens audit` applies to the answers it observes.
 */
function warningRecord(captured: Captured): FailureRecord | null {
  const { exchange } = captured;
  if (captured.phase === 'completed' || !crossOrigin(exchange) || passiveFindings(exchange).length === 0) return null;
  const judgement = judgeAsStated(exchange);
  return judgement.verdict.status ? null : stored(captured, 'warning', judgement, false);
}

/** The judgement with the credentials mode as observed so far, without inferring it from a refusal not yet seen. */
function judgeAsStated(exchange: Exchange): Judgement {
  const credentials = exchange.request.credentials;
  return { verdict: evaluate(exchange, credentials.mode), credentials };
}

/** The record's diagnosis, worded from its stored exchange and judgement. */
/** The title of a CORS failure whose details were not captured (its exchange holds no headers to judge). */
export const UNCAPTURED_TITLE = 'Blocked by CORS; the details were not captured';

export function recordDiagnosis(record: FailureRecord): Diagnosis {
  if (record.firefox) return explainFirefox(record.exchange, record.judgement, record.firefox);
  const d = explain(record.exchange, record.judgement);
  if (!record.uncaptured) return d;
  return {
    ...d,
    result: 'fail',
    status: null,
    title: UNCAPTURED_TITLE,
    explanation: record.notWatched
      ? 'The browser blocked this cross-origin request (net::ERR_FAILED). While DevTools is closed on a tab, CORS Lens ' +
        'only counts its failures: seeing why takes the request and response headers, and watching those on every ' +
        'request would slow the whole browser down. With DevTools open on the tab, CORS Lens reads them from ' +
        "DevTools' own network log at no cost: reload the page (Reload with details) or repeat the request to see " +
        "the exact reason and the fix. The browser's console message (Console panel) names the rule meanwhile."
      : record.pageReported
        ? 'The page saw this cross-origin request fail while the browser was restarting the CORS Lens extension: the ' +
          "browser's own events for it were lost, so neither the rule it broke nor its headers are known. Reload with " +
          "details (or repeat the request) to capture it; the browser's console message (Console panel) names the rule."
        : 'The browser blocked this cross-origin request (net::ERR_FAILED), but CORS Lens did not see the headers that ' +
          'decide why: the extension was restarted by the browser while the request was in flight, or another extension ' +
          "changed the request. Reload with details to capture it again; the browser's own console message (Console " +
          'panel) names the rule.',
  };
}

/** The Chromium CorsError name of a record, 'Unknown' for a CORS failure whose details were not captured. */
export function recordCode(record: FailureRecord): string {
  if (record.kind !== 'cors') return '';
  return record.uncaptured ? 'Unknown' : (record.judgement.verdict.status?.corsError ?? 'Unknown');
}
