/**
 * What gets recorded for a failed request: the sanitized exchange and its diagnosis, computed once on the full data.
 * Decides which failures are CORS failures (counted on the badge), which are look-alikes worth showing apart, and
 * which are noise (cancelled requests, same-origin requests).
 */
import { CORS_NET_ERROR, diagnose } from '../diagnose.ts';
import { clampText, sanitizeHeaders } from '../headers.ts';
import type { Diagnosis, Exchange } from '../model.ts';
import { originOf, sameOrigin } from '../origin.ts';
import type { Captured } from './tracker.ts';

export interface FailureRecord {
  /** The browser's request id: unique per browser session. */
  readonly id: string;
  readonly tabId: number;
  readonly frameId: number;
  readonly documentId: string | null;
  /** ms since the epoch, when the request started. */
  readonly time: number;
  /** webRequest resource type. */
  readonly type: string;
  /** cors: the browser blocked it for CORS (counted); lookalike: failed for another reason on a cross-origin request. */
  readonly kind: 'cors' | 'lookalike';
  readonly exchange: Exchange;
  readonly diagnosis: Diagnosis;
}

/** Errors that are never worth a row: cancellations and DevTools' own cache probes. */
const IGNORED_ERRORS = new Set(['net::ERR_ABORTED', 'net::ERR_CACHE_MISS', 'net::ERR_BLOCKED_BY_CLIENT']);

const MAX_URL = 4096;

/** The exchange as it may be stored and shown: secrets withheld, long values shortened. */
export function sanitizeExchange(exchange: Exchange): Exchange {
  return {
    request: {
      ...exchange.request,
      url: clampText(exchange.request.url, MAX_URL),
      method: clampText(exchange.request.method, 64),
      origin: clampText(exchange.request.origin, 512),
      headers: sanitizeHeaders(exchange.request.headers),
    },
    hops: exchange.hops.map((hop) => ({
      url: clampText(hop.url, MAX_URL),
      originSent: hop.originSent === null ? null : clampText(hop.originSent, 512),
      requestHeaders: hop.requestHeaders ? sanitizeHeaders(hop.requestHeaders) : null,
      preflight: hop.preflight
        ? {
            requestHeaders: sanitizeHeaders(hop.preflight.requestHeaders),
            response: hop.preflight.response
              ? { status: hop.preflight.response.status, headers: sanitizeHeaders(hop.preflight.response.headers) }
              : null,
            error: hop.preflight.error,
          }
        : null,
      response: hop.response ? { status: hop.response.status, headers: sanitizeHeaders(hop.response.headers) } : null,
    })),
    error: exchange.error,
  };
}

function crossOrigin(exchange: Exchange): boolean {
  const origin = exchange.request.origin;
  return exchange.hops.some((hop) => !sameOrigin(origin, originOf(hop.url)));
}

/** Whether the last hop's response (or its preflight's) was observed: the facts a CORS verdict is made from. */
function observedResponse(exchange: Exchange): boolean {
  const last = exchange.hops[exchange.hops.length - 1];
  return last?.response != null || last?.preflight?.response != null;
}

/** A diagnosis for a request the browser blocked whose details the extension could not observe. */
function uncapturedDiagnosis(d: Diagnosis): Diagnosis {
  return {
    ...d,
    verdict: 'fail',
    status: null,
    title: 'Blocked by CORS; the details were not captured',
    explanation:
      'The browser blocked this cross-origin request (net::ERR_FAILED), but CORS Lens did not see the headers that ' +
      'decide why: the extension was restarted by the browser while the request was in flight, or another extension ' +
      "changed the request. Reload the page with this panel open to capture it again; the browser's own console " +
      'message (Console panel) names the rule.',
  };
}

/** Turns a failed request into a record, or null when it is not worth one. */
export function toRecord(captured: Captured): FailureRecord | null {
  const { exchange } = captured;
  const error = exchange.error ?? '';
  if (IGNORED_ERRORS.has(error) || !crossOrigin(exchange)) return null;
  if (exchange.request.mode === 'no-cors' || exchange.request.mode === 'navigate') return null;
  const diagnosis = diagnose(exchange);
  let kind: FailureRecord['kind'];
  let shown = diagnosis;
  if (error === CORS_NET_ERROR) {
    if (diagnosis.verdict !== 'fail') {
      // The browser checks CORS when the headers arrive. If they were observed and pass, this net::ERR_FAILED is
      // something else (an event stream closed by the page ends that way); if they were not, say so.
      if (observedResponse(exchange)) return null;
      shown = uncapturedDiagnosis(diagnosis);
    }
    kind = 'cors';
  } else {
    kind = 'lookalike';
  }
  return {
    id: captured.requestId,
    tabId: captured.tabId,
    frameId: captured.frameId,
    documentId: captured.documentId,
    time: captured.time,
    type: captured.type,
    kind,
    exchange: sanitizeExchange(exchange),
    diagnosis: shown,
  };
}
