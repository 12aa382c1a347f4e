/**
 * A CORS fetch walked the way the browser walks it, one wire request at a time: the preflight when the request needs
 * one, the request, each redirect followed as Fetch follows it (method and body changes, Authorization dropped across
 * origins, the origin tainted to "null"), stopping where the browser stops (the first CORS failure, a network error,
 * a redirect it refuses). The sender (the CLI's HTTP client, or a test) only carries the requests and reports what
 * came back; what it observed accumulates into the Exchange the engine judges.
 * https://fetch.spec.whatwg.org/#http-fetch and #http-redirect-fetch.
 */
import { evaluate, isInvalidHttpResponse, nextOrigin, redirectLocation } from '../cors/engine.ts';
import { isRedirectStatus } from '../cors/preflight.ts';
import { normalizeMethod, preflightReasons } from '../cors/safelist.ts';
import { CORS_NET_ERROR } from '../diagnose.ts';
import { type HeaderList, headerValues } from '../headers.ts';
import type { Exchange, Hop, ResponseFacts } from '../model.ts';
import { hasUserinfo, originOf, sameOrigin, schemeOf } from '../origin.ts';
import {
  callHeaders,
  type FetchCall,
  type HopContext,
  preflightLines,
  requestLines,
  siteRelation,
  weakerRelation,
  withoutBodyHeaders,
} from './call.ts';

/** One request to put on the wire. */
export interface WireRequest {
  readonly kind: 'preflight' | 'request';
  /** Index of the hop (0 is the call's URL, each redirect adds one). */
  readonly hop: number;
  readonly url: string;
  readonly method: string;
  /** Every header line, in order; the sender adds Host, Content-Length and Connection. */
  readonly headers: HeaderList;
  readonly body: string | null;
}

/** What came back for a wire request: a response (status and header lines as received), or a network error. */
export type WireOutcome = { readonly response: ResponseFacts } | { readonly error: string };

/** Fetch's redirect limit: the 21st redirect is a network error. */
export const MAX_REDIRECTS = 20;

/** The request as it stands at the current hop, and what the walk carries from hop to hop. */
export interface Cursor extends HopContext {
  readonly body: string | null;
  readonly corsFlag: boolean;
  readonly redirects: number;
}

/** Where a walk stands: the request to send next (null once the browser is done) and what was observed so far. */
export interface Walk {
  readonly call: FetchCall;
  readonly next: WireRequest | null;
  /** The exchange so far; final, with the browser's error (null when it let the page read the response), once next is null. */
  readonly exchange: Exchange;
  readonly cursor: Cursor;
}

function replaceHop(exchange: Exchange, index: number, patch: Partial<Hop>): Exchange {
  const hops = exchange.hops.map((h, i) => (i === index ? { ...h, ...patch } : h));
  return { ...exchange, hops };
}

function done(walk: Walk, exchange: Exchange, error: string | null): Walk {
  return { ...walk, next: null, exchange: { ...exchange, error } };
}

/** Opens the hop the cursor points at: its preflight when the browser needs one there, or else the request itself. */
function openHop(walk: Walk, cursor: Cursor): Walk {
  const index = walk.exchange.hops.length;
  const { call } = walk;
  const needsPreflight = cursor.corsFlag && call.api !== 'eventsource' && preflightReasons(cursor.method, cursor.headers).length > 0;
  const hop: Hop = { url: cursor.url, originSent: null, requestHeaders: null, preflight: null, response: null };
  const exchange = { ...walk.exchange, hops: [...walk.exchange.hops, hop] };
  if (needsPreflight) {
    const headers = preflightLines(call, cursor);
    return {
      ...walk,
      cursor,
      exchange: replaceHop(exchange, index, {
        originSent: cursor.origin,
        preflight: { requestHeaders: headers, response: null, error: null },
      }),
      next: { kind: 'preflight', hop: index, url: cursor.url, method: 'OPTIONS', headers, body: null },
    };
  }
  return sendRequest({ ...walk, cursor, exchange }, index);
}

function sendRequest(walk: Walk, index: number): Walk {
  const { cursor } = walk;
  const headers = requestLines(walk.call, cursor);
  return {
    ...walk,
    exchange: replaceHop(walk.exchange, index, {
      originSent: cursor.sendOrigin ? cursor.origin : null,
      requestHeaders: headers,
    }),
    next: { kind: 'request', hop: index, url: cursor.url, method: cursor.method, headers, body: cursor.body },
  };
}

/** The walk of a call the browser accepts (see callProblem): its first wire request is ready in `next`. */
export function startWalk(call: FetchCall): Walk {
  const method = normalizeMethod(call.method);
  const headers = callHeaders(call);
  const corsFlag = !sameOrigin(call.origin, originOf(call.url));
  const exchange: Exchange = {
    request: {
      url: call.url,
      method,
      origin: call.origin,
      mode: 'cors',
      credentials: { mode: call.credentials, source: 'page' },
      initiator: call.api,
      headers,
    },
    hops: [],
    error: null,
  };
  const cursor: Cursor = {
    url: call.url,
    method,
    headers,
    body: call.body,
    origin: call.origin,
    site: siteRelation(call.origin, call.url),
    sendOrigin: corsFlag || (method !== 'GET' && method !== 'HEAD'),
    originLate: false,
    corsFlag,
    redirects: 0,
  };
  return openHop({ call, next: null, exchange, cursor }, cursor);
}

/** The verdict of the exchange so far, as if the browser stopped here (so a redirect response is checked as one). */
function failsHere(walk: Walk, exchange: Exchange): boolean {
  return evaluate({ ...exchange, error: CORS_NET_ERROR }, walk.call.credentials).status !== null;
}

/** Feeds the outcome of `walk.next` in; returns the walk with the following request, or finished. */
export function advance(walk: Walk, outcome: WireOutcome): Walk {
  const sent = walk.next;
  if (!sent) return walk;
  const index = sent.hop;
  const hop = walk.exchange.hops[index] as Hop;
  if (sent.kind === 'preflight') {
    const preflight = hop.preflight ?? { requestHeaders: sent.headers, response: null, error: null };
    if ('error' in outcome) {
      return done(walk, replaceHop(walk.exchange, index, { preflight: { ...preflight, error: outcome.error } }), outcome.error);
    }
    const exchange = replaceHop(walk.exchange, index, { preflight: { ...preflight, response: outcome.response } });
    if (isInvalidHttpResponse(outcome.response)) return done(walk, exchange, 'net::ERR_INVALID_HTTP_RESPONSE');
    if (failsHere(walk, exchange)) return done(walk, exchange, CORS_NET_ERROR);
    return sendRequest({ ...walk, exchange }, index);
  }
  if ('error' in outcome) return done(walk, walk.exchange, outcome.error);
  const exchange = replaceHop(walk.exchange, index, { response: outcome.response });
  if (isInvalidHttpResponse(outcome.response)) return done(walk, exchange, 'net::ERR_INVALID_HTTP_RESPONSE');
  const answered = exchange.hops[index] as Hop;
  const hasLocation = isRedirectStatus(outcome.response.status) && headerValues(outcome.response.headers, 'location').length > 0;
  const location = redirectLocation(answered);
  if (hasLocation && location === null) return done(walk, exchange, 'net::ERR_INVALID_REDIRECT');
  if (location === null) return done(walk, exchange, failsHere(walk, exchange) ? CORS_NET_ERROR : null);
  return followRedirect({ ...walk, exchange }, answered, outcome.response.status, location);
}

function followRedirect(walk: Walk, hop: Hop, status: number, location: string): Walk {
  const { cursor, exchange } = walk;
  // The CORS checks on the redirect (the response's access check, credentials in a cross-origin Location) come first.
  if (failsHere(walk, exchange)) return done(walk, exchange, CORS_NET_ERROR);
  // //net refuses to follow to anything but http(s) (URLRequestHttpJob::IsSafeRedirect).
  const scheme = schemeOf(location);
  if (scheme !== 'http' && scheme !== 'https') return done(walk, exchange, 'net::ERR_UNSAFE_REDIRECT');
  if (cursor.redirects >= MAX_REDIRECTS) return done(walk, exchange, 'net::ERR_TOO_MANY_REDIRECTS');
  // Credentials in a same-origin Location pass the CORS checks, but Blink blocks the request before the network
  // service sees it (recorded: m-redirect-page-to-page-userinfo ends in net::ERR_ABORTED, CDP blockedReason 'origin').
  if (hasUserinfo(location)) return done(walk, exchange, 'net::ERR_ABORTED');
  const toGet =
    ((status === 301 || status === 302) && cursor.method === 'POST') ||
    (status === 303 && cursor.method !== 'GET' && cursor.method !== 'HEAD');
  const crossOrigin = !sameOrigin(originOf(hop.url), originOf(location));
  let headers = toGet ? withoutBodyHeaders(cursor.headers) : cursor.headers;
  // Fetch removes Authorization on a cross-origin redirect; Chromium does since 119.
  if (crossOrigin) headers = headers.filter((h) => h.name.toLowerCase() !== 'authorization');
  const origin = nextOrigin(cursor.origin, hop.url, location);
  const method = toGet ? 'GET' : cursor.method;
  const corsFlag = cursor.corsFlag || !sameOrigin(origin, originOf(location));
  const sendOrigin = corsFlag || (method !== 'GET' && method !== 'HEAD');
  return openHop(walk, {
    url: location,
    method,
    headers,
    body: toGet ? null : cursor.body,
    origin,
    site: weakerRelation(cursor.site, siteRelation(walk.call.origin, location)),
    sendOrigin,
    // The redirect drops Origin with the method change; the CORS layer adds it again, after the others.
    originLate: sendOrigin && (cursor.originLate || toGet || !cursor.sendOrigin),
    corsFlag,
    redirects: cursor.redirects + 1,
  });
}

/** Walks a call to its end with `send` carrying each wire request; resolves with the exchange the browser would have seen. */
export async function runWalk(call: FetchCall, send: (request: WireRequest) => Promise<WireOutcome>): Promise<Exchange> {
  let walk = startWalk(call);
  while (walk.next) walk = advance(walk, await send(walk.next));
  return walk.exchange;
}
