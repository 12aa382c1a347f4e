/**
 * Chromium's verdict for an exchange under a given credentials mode: the first CORS rule the exchange breaks, walking
 * its hops in the order the network service does (services/network/cors/cors_url_loader.cc), or none.
 * This module decides; the explanation module words it.
 */
import { headerValue, headerValues } from '../headers.ts';
import type { CorsErrorCode, CorsErrorStatus, CredentialsMode, Exchange, Hop, ResponseFacts, Stage } from '../model.ts';
import { hasUserinfo, originOf, sameOrigin, schemeOf } from '../origin.ts';
import { type AccessError, checkAccess } from './check-access.ts';
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

function accessOf(response: ResponseFacts, url: string, origin: string, credentials: CredentialsMode) {
  return checkAccess({
    allowOrigin: headerValue(response.headers, 'access-control-allow-origin'),
    allowCredentials: headerValue(response.headers, 'access-control-allow-credentials'),
    credentials,
    origin,
    httpResponse: /^https?$/.test(schemeOf(url)),
  });
}

/** The preflight's verdict, or null when it passed. */
export function checkPreflight(hop: Hop, origin: string, method: string, credentials: CredentialsMode): CorsErrorStatus | null {
  const preflight = hop.preflight;
  if (!preflight?.response) return null;
  const response = preflight.response;
  if (isRedirectStatus(response.status) && headerValues(response.headers, 'location').length > 0) {
    return fail('PreflightDisallowedRedirect');
  }
  const access = accessOf(response, hop.url, origin, credentials);
  if (!access.ok) return fail(PREFLIGHT_ACCESS[access.error], access.failedParameter);
  if (!isOkStatus(response.status)) return fail('PreflightInvalidStatus');
  const methods = parseAllowList(headerValue(response.headers, 'access-control-allow-methods'));
  if (!methods.ok) return fail('InvalidAllowMethodsPreflightResponse');
  const allowedHeaders = parseAllowList(headerValue(response.headers, 'access-control-allow-headers'));
  if (!allowedHeaders.ok) return fail('InvalidAllowHeadersPreflightResponse');
  const requestedMethod = headerValue(preflight.requestHeaders, 'access-control-request-method') ?? method;
  if (!methodAllowed(requestedMethod, methods.items, credentials)) {
    return fail('MethodDisallowedByPreflightResponse', requestedMethod);
  }
  const requested = (headerValue(preflight.requestHeaders, 'access-control-request-headers') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  const header = firstDisallowedHeader(requested, allowedHeaders.items, credentials);
  if (header !== null) return fail('HeaderDisallowedByPreflightResponse', header);
  return null;
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
      if (location !== null) origin = nextOrigin(origin, hop.url, location);
      continue;
    }
    if (request.mode === 'same-origin') return verdict(i, fail('DisallowedByMode'), 'request');
    if (i === 0 && !CORS_ENABLED_SCHEMES.has(schemeOf(hop.url))) {
      return verdict(i, fail('CorsDisabledScheme'), 'request');
    }

    if (hop.preflight) {
      const preflightStatus = checkPreflight(hop, origin, request.method, credentials);
      if (preflightStatus) return verdict(i, preflightStatus, 'preflight');
      if (!hop.preflight.response) return verdict(i, null, 'preflight', { incomplete: true });
    } else if (reasons.length > 0 && hop.response) {
      preflightCached = true;
    }

    const response = hop.response;
    if (!response) return verdict(i, null, null, { incomplete: exchange.error !== null });

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
  return verdict(exchange.hops.length - 1, null, null, { incomplete: exchange.error !== null });
}

/** The Location of a redirect response, resolved against the hop URL; null when the response is not a redirect. */
export function redirectLocation(hop: Hop): string | null {
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
