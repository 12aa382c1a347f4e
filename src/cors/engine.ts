/**
 * Chromium's verdict for an exchange under a given credentials mode: the first CORS rule the exchange breaks, walking
 * its hops in the order the network service does (services/network/cors/cors_url_loader.cc), or none.
 * This module decides; the explanation module words it.
 */
import { type HeaderList, headerValues } from '../headers.ts';
import type { CorsErrorCode, CorsErrorStatus, CredentialsMode, Exchange, Hop, ResponseFacts, Stage } from '../model.ts';
import { hasUserinfo, originOf, sameOrigin, schemeOf } from '../origin.ts';
import { type AccessError, checkAccess } from './check-access.ts';
import { blinkHeaderOrder, inCheckOrder } from './header-order.ts';
import { firstDisallowedHeader, isOkStatus, isRedirectStatus, methodAllowed, parseAllowList } from './preflight.ts';
import { type PreflightReason, preflightReasons } from './safelist.ts';

export interface Verdict {
  readonly status: CorsErrorStatus | null;
  readonly stage: Stage | null;
  /** The hop the verdict is about (the failing one, or the last one). */
  readonly hop: number;
  /** The origin the browser compared with at that hop ("null" once a redirect tainted it). */
  readonly origin: string;
  /** Whether CORS applied at all (a cross-origin request in a CORS mode). */
  readonly corsApplied: boolean;
  /** Why the request needed a preflight; empty for a simple request. */
  readonly preflightReasons: readonly PreflightReason[];
  /** Preflight needed but none observed while the request went ahead: a preflight cache entry answered. */
  readonly preflightCached: boolean;
  /** The redirect target at fault, for redirect-stage verdicts. */
  readonly location: string | null;
  /** The exchange lacks the response the verdict would need (the request failed before, or capture missed it). */
  readonly incomplete: boolean;
  /**
   * Whether Chromium ends the request with a network error: a CORS error, or a refusal it reports without one (a
   * same-origin-mode request to another origin, a redirect to a URL with credentials while still same-origin, a
   * response Chromium cannot parse), or the exchange's own error when the verdict lacks the response to say.
   */
  readonly blocked: boolean;
}

const PREFLIGHT_ACCESS: Record<AccessError, CorsErrorCode> = {
  WildcardOriginNotAllowed: 'PreflightWildcardOriginNotAllowed',
  MissingAllowOriginHeader: 'PreflightMissingAllowOriginHeader',
  MultipleAllowOriginValues: 'PreflightMultipleAllowOriginValues',
  InvalidAllowOriginValue: 'PreflightInvalidAllowOriginValue',
  AllowOriginMismatch: 'PreflightAllowOriginMismatch',
  InvalidAllowCredentials: 'PreflightInvalidAllowCredentials',
};

/** Schemes Chromium allows a CORS request to use. */
const CORS_ENABLED_SCHEMES = new Set(['http', 'https', 'data', 'chrome', 'chrome-extension', 'chrome-untrusted', 'isolated-app']);

function fail(corsError: CorsErrorCode, failedParameter = ''): CorsErrorStatus {
  return { corsError, failedParameter };
}

/**
 * A response header as Chromium's network stack reads it (net::HttpResponseHeaders::GetNormalizedHeader): each line's
 * value without the spaces and tabs around it (the HTTP parser drops them), the lines joined with ", ", null when
 * absent. Observed values may still carry them: cors/origin.htm's " *  " and "\thttp://origin" pass in Chromium
 * (recorded: m-acao-padded, wpt-origin-2, -3, -5, -6, -7), and " true " is "true" (m-acac-padded).
 */
export function networkHeaderValue(headers: HeaderList, name: string): string | null {
  const values = headerValues(headers, name).map((v) => v.replace(/^[ \t]+|[ \t]+$/g, ''));
  return values.length === 0 ? null : values.join(', ');
}

/**
 * Whether Chromium rejects the response before any CORS check: a NUL byte anywhere in its header block ends the
 * request with net::ERR_INVALID_HTTP_RESPONSE (recorded: wpt-origin-23, -28, -29, -38). Older Chromium deleted the
 * NUL bytes and went on; 156 does not.
 */
export function isInvalidHttpResponse(response: ResponseFacts): boolean {
  return response.headers.some((h) => h.name.includes('\0') || h.value.includes('\0'));
}

function accessOf(response: ResponseFacts, url: string, origin: string, credentials: CredentialsMode) {
  return checkAccess({
    allowOrigin: networkHeaderValue(response.headers, 'access-control-allow-origin'),
    allowCredentials: networkHeaderValue(response.headers, 'access-control-allow-credentials'),
    credentials,
    origin,
    httpResponse: /^https?$/.test(schemeOf(url)),
  });
}

/**
 * The preflight's verdict, or null when it passed. `headerOrder` is the request's header names in Blink's
 * header-map order (header-order.ts): the order Chromium checks them in, which names the header it reports.
 */
export function checkPreflight(
  hop: Hop,
  origin: string,
  method: string,
  credentials: CredentialsMode,
  headerOrder: readonly string[] = [],
): CorsErrorStatus | null {
  const preflight = hop.preflight;
  if (!preflight?.response) return null;
  const response = preflight.response;
  // //net follows (and the preflight loader refuses) 301, 302, 303, 307 and 308 with a Location; 300 is not a redirect
  // to fetch (recorded: m-pf-redirect-300 is PreflightInvalidStatus, m-redirect-300-location is not followed).
  if (isRedirectStatus(response.status) && headerValues(response.headers, 'location').length > 0) {
    return fail('PreflightDisallowedRedirect');
  }
  const access = accessOf(response, hop.url, origin, credentials);
  if (!access.ok) return fail(PREFLIGHT_ACCESS[access.error], access.failedParameter);
  if (!isOkStatus(response.status)) return fail('PreflightInvalidStatus');
  const methods = parseAllowList(networkHeaderValue(response.headers, 'access-control-allow-methods'));
  if (!methods.ok) return fail('InvalidAllowMethodsPreflightResponse');
  const allowedHeaders = parseAllowList(networkHeaderValue(response.headers, 'access-control-allow-headers'));
  if (!allowedHeaders.ok) return fail('InvalidAllowHeadersPreflightResponse');
  const requestedMethod = networkHeaderValue(preflight.requestHeaders, 'access-control-request-method') ?? method;
  if (!methodAllowed(requestedMethod, methods.items, credentials)) {
    return fail('MethodDisallowedByPreflightResponse', requestedMethod);
  }
  const header = firstDisallowedHeader(inCheckOrder(requestedHeaderNames(hop), headerOrder), allowedHeaders.items, credentials);
  if (header !== null) return fail('HeaderDisallowedByPreflightResponse', header);
  return null;
}

/** The names the preflight asked for (Access-Control-Request-Headers), lower-cased, as listed. */
function requestedHeaderNames(hop: Hop): string[] {
  return (networkHeaderValue(hop.preflight?.requestHeaders ?? [], 'access-control-request-headers') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
}

/**
 * Evaluates an exchange as Chromium would with the given credentials mode. The exchange's own credentials field is
 * ignored so that callers can compare modes when the page's mode is not known.
 */
export function evaluate(exchange: Exchange, credentials: CredentialsMode): Verdict {
  const { request } = exchange;
  // EventSource never preflights (Blink sets kPreventPreflight), whatever its headers.
  const reasons = request.initiator === 'eventsource' ? [] : preflightReasons(request.method, request.headers);
  let origin = request.origin;
  let corsFlag = false;
  let preflightCached = false;
  const base = { preflightReasons: reasons, location: null, incomplete: false };
  const verdict = (hop: number, status: CorsErrorStatus | null, stage: Stage | null, extra: Partial<Verdict> = {}): Verdict => ({
    ...base,
    status,
    stage,
    hop,
    origin,
    corsApplied: corsFlag,
    preflightCached,
    blocked: status !== null,
    ...extra,
  });

  // Only CORS-mode (and same-origin-mode) requests are checked; no-cors and navigations get opaque or full access.
  if (request.mode === 'no-cors' || request.mode === 'navigate' || request.mode === 'websocket') {
    return verdict(exchange.hops.length - 1, null, null);
  }

  for (let i = 0; i < exchange.hops.length; i++) {
    const hop = exchange.hops[i] as Hop;
    // The Origin header actually sent is the browser's own serialization of the origin it compares with.
    if (hop.originSent !== null && hop.originSent !== '') origin = hop.originSent;
    const crossOrigin = !sameOrigin(origin, originOf(hop.url));
    corsFlag ||= crossOrigin;
    if (!corsFlag) {
      // A same-origin hop redirecting elsewhere: a cross-origin target must not carry credentials in its URL.
      const location = redirectLocation(hop);
      if (location !== null && hasUserinfo(location) && (origin === 'null' || !sameOrigin(origin, originOf(location)))) {
        return verdict(i, fail('RedirectContainsCredentials'), 'redirect', { location });
      }
      // To the same origin Blink itself refuses to follow it (CDP blockedReason 'origin', no CorsError; recorded:
      // m-redirect-page-to-page-userinfo). Firefox follows it.
      if (location !== null && hasUserinfo(location)) {
        return verdict(i, null, 'redirect', { location, blocked: true });
      }
      if (location !== null) origin = nextOrigin(origin, hop.url, location);
      continue;
    }
    // Blink itself refuses a same-origin-mode request to another origin: fetch() rejects before any request for the
    // first URL, and a redirect there is not followed (CDP blockedReason 'origin', console "Unsafe attempt to load
    // URL ..."). The network service never sees it, so Chromium reports no CorsError (recorded:
    // m-redirect-same-origin-mode), although network::mojom::CorsError has DisallowedByMode for it.
    if (request.mode === 'same-origin') return verdict(i, null, 'request', { blocked: true });
    if (i === 0 && !CORS_ENABLED_SCHEMES.has(schemeOf(hop.url))) {
      return verdict(i, fail('CorsDisabledScheme'), 'request');
    }

    if (hop.preflight) {
      if (hop.preflight.response && isInvalidHttpResponse(hop.preflight.response)) return verdict(i, null, 'preflight', { blocked: true });
      const order = blinkHeaderOrder({
        requestHeaders: request.headers,
        requested: requestedHeaderNames(hop),
        url: request.url,
      });
      const preflightStatus = checkPreflight(hop, origin, request.method, credentials, order);
      if (preflightStatus) return verdict(i, preflightStatus, 'preflight');
      if (!hop.preflight.response) return verdict(i, null, 'preflight', { incomplete: true, blocked: exchange.error !== null });
    } else if (reasons.length > 0 && hop.response) {
      preflightCached = true;
    }

    const response = hop.response;
    if (!response) return verdict(i, null, null, { incomplete: exchange.error !== null, blocked: exchange.error !== null });
    if (isInvalidHttpResponse(response)) return verdict(i, null, 'response', { blocked: true });

    const location = redirectLocation(hop);
    if (location !== null && (i < exchange.hops.length - 1 || exchange.error !== null)) {
      // The redirect response is checked with the origin as it was before this redirect.
      const access = accessOf(response, hop.url, origin, credentials);
      if (!access.ok) return verdict(i, fail(access.error, access.failedParameter), 'redirect', { location });
      if (hasUserinfo(location)) return verdict(i, fail('RedirectContainsCredentials'), 'redirect', { location });
      origin = nextOrigin(origin, hop.url, location);
      continue;
    }
    const access = accessOf(response, hop.url, origin, credentials);
    if (!access.ok) return verdict(i, fail(access.error, access.failedParameter), 'response');
    return verdict(i, null, null);
  }
  return verdict(exchange.hops.length - 1, null, null, { incomplete: exchange.error !== null, blocked: exchange.error !== null });
}

/** The Location of a redirect response, resolved against the hop URL; null when the response is not a redirect. */
/**
 * Whether a request left its origin: a hop on another origin, or a redirect (one Fetch follows: 301, 302, 303, 307,
 * 308) pointing to one. The one rule for "is this a cross-origin request" that the capture and the records share.
 */
export function leavesOrigin(origin: string, hops: readonly Pick<Hop, 'url' | 'response'>[]): boolean {
  return hops.some((hop) => {
    if (!sameOrigin(origin, originOf(hop.url))) return true;
    const location = redirectLocation(hop);
    return location !== null && !sameOrigin(origin, originOf(location));
  });
}

export function redirectLocation(hop: Pick<Hop, 'url' | 'response'>): string | null {
  if (!hop.response || !isRedirectStatus(hop.response.status)) return null;
  const location = headerValues(hop.response.headers, 'location')[0];
  if (location === undefined) return null;
  try {
    return new URL(location, hop.url).href;
  } catch {
    return null;
  }
}

/**
 * The origin after following a redirect: it becomes opaque ("null") when the redirect crosses origins from a URL
 * that was itself cross-origin to the request's origin. https://fetch.spec.whatwg.org/#http-redirect-fetch step 12.
 */
export function nextOrigin(origin: string, current: string, location: string | undefined): string {
  if (location === undefined) return origin;
  const tainting = !sameOrigin(originOf(current), originOf(location)) && !sameOrigin(origin, originOf(current));
  return tainting ? 'null' : origin;
}
