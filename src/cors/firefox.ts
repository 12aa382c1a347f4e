/**
 * Firefox's verdict for an exchange: the CORS checks Firefox (ESR 153) runs, in its order (netwerk's CORS listener
 * and preflight listener), and every console message it prints for the request. Held to Firefox itself by the
 * Firefox conformance corpus (test-support/conformance/corpus-firefox.json): 100% of reasons, values and messages.
 *
 * Where Firefox differs from Chromium (src/cors/engine.ts), as recorded:
 * - a header value is its lines joined with ", " after dropping empty ones, so '' plus '*' reads as '*' and passes;
 * - repeated Access-Control-Allow-Origin lines are refused as "multiple" only when the server spelled the name
 *   exactly Access-Control-Allow-Origin; any other spelling joins the lines and fails the origin comparison;
 * - a preflight always carries the page's origin, also after a redirect made the request's own Origin "null";
 * - a same-origin redirect to a URL with user:pass@ is followed; a cross-origin one fails without naming a reason;
 * - after a failed preflight Firefox adds "CORS request did not succeed" for the request itself.
 */
import { type HeaderList, headerValues } from '../headers.ts';
import type { CredentialsMode, Exchange, Hop, ResponseFacts, Stage } from '../model.ts';
import { hasUserinfo, originOf, sameOrigin, schemeOf } from '../origin.ts';
import { redirectLocation } from './engine.ts';
import { type FirefoxReason, firefoxMessage } from './firefox-messages.ts';
import { isOkStatus, isRedirectStatus } from './preflight.ts';
import { isSafelistedMethod } from './safelist.ts';

export interface FirefoxStatus {
  readonly reason: FirefoxReason;
  /** The value Firefox's message names (status code, Access-Control-Allow-Origin value, token, header); '' if none. */
  readonly parameter: string;
}

export interface FirefoxVerdict {
  /** The first check Firefox reported failing; null when it reported none. */
  readonly status: FirefoxStatus | null;
  /** Whether Firefox ends the request with a network error (also without a CORS reason: mode 'same-origin'). */
  readonly blocked: boolean;
  readonly stage: Stage | null;
  readonly hop: number;
  /** The origin Firefox compared with at that hop ("null" after a tainting redirect; the page's for a preflight). */
  readonly origin: string;
  /** Every message Firefox prints to the console for the request, word for word, in order. */
  readonly messages: readonly string[];
  /** The exchange lacks a response the verdict needs. */
  readonly incomplete: boolean;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const trimHttp = (v: string) => v.replace(/^[ \t]+|[ \t]+$/g, '');

/** A response header as Firefox reads it: the lines' values trimmed, empty ones dropped, joined with ", "; null if absent. */
export function firefoxHeaderValue(headers: HeaderList, name: string): string | null {
  const values = headerValues(headers, name).map(trimHttp);
  if (values.length === 0) return null;
  return values.filter((v) => v !== '').join(', ');
}

/** Firefox answers a response whose header block holds a NUL byte with NS_ERROR_DOM_INVALID_HEADER_VALUE. */
function invalidHeaderBlock(response: ResponseFacts): boolean {
  return response.headers.some((h) => h.name.includes('\0') || h.value.includes('\0'));
}

/** Firefox's access check on a response (CheckRequestApproved): the reason it fails, or null. */
function checkAccess(response: ResponseFacts, origin: string, credentials: CredentialsMode): FirefoxStatus | null {
  // The "multiple" check counts lines by the name exactly as received (recorded: m-acao-usual-case-and-lower).
  if (response.headers.filter((h) => h.name === 'Access-Control-Allow-Origin').length > 1) {
    return { reason: 'CORSMultipleAllowOriginNotAllowed', parameter: '' };
  }
  const allowOrigin = firefoxHeaderValue(response.headers, 'access-control-allow-origin');
  if (allowOrigin === null) return { reason: 'CORSMissingAllowOrigin', parameter: String(response.status) };
  const include = credentials === 'include';
  if (include && allowOrigin === '*') return { reason: 'CORSNotSupportingCredentials', parameter: '' };
  if ((include || allowOrigin !== '*') && allowOrigin !== origin) {
    return { reason: 'CORSAllowOriginNotMatchingOrigin', parameter: allowOrigin };
  }
  if (include && firefoxHeaderValue(response.headers, 'access-control-allow-credentials') !== 'true') {
    return { reason: 'CORSMissingAllowCredentials', parameter: '' };
  }
  return null;
}

/** The preflight listener's own checks (CheckPreflightRequestApproved), after the access check passed. */
function checkPreflightResponse(
  response: ResponseFacts,
  method: string,
  requested: readonly string[],
  include: boolean,
): FirefoxStatus | null {
  if (!isOkStatus(response.status)) return { reason: 'CORSPreflightDidNotSucceed', parameter: String(response.status) };
  const tokens = (name: string) =>
    (firefoxHeaderValue(response.headers, name) ?? '')
      .split(',')
      .map(trimHttp)
      .filter((t) => t !== '');
  // Every method token is validated, even once the method was found.
  let found = isSafelistedMethod(method);
  for (const token of tokens('access-control-allow-methods')) {
    if (!TOKEN.test(token)) return { reason: 'CORSInvalidAllowMethod', parameter: token };
    found ||= (token === '*' && !include) || token === method;
  }
  if (!found) return { reason: 'CORSMethodNotFound', parameter: '' };
  const allowed = new Set<string>();
  let wildcard = false;
  for (const token of tokens('access-control-allow-headers')) {
    if (!TOKEN.test(token)) return { reason: 'CORSInvalidAllowHeader', parameter: token };
    if (token === '*' && !include) wildcard = true;
    else allowed.add(token.toLowerCase());
  }
  // Firefox 153 still lets '*' cover Authorization (recorded: m-auth-star), logging a deprecation warning.
  if (wildcard) return null;
  const missing = requested.find((h) => !allowed.has(h));
  return missing === undefined ? null : { reason: 'CORSMissingAllowHeaderFromPreflight', parameter: missing };
}

const DID_NOT_SUCCEED: FirefoxStatus = { reason: 'CORSDidNotSucceed', parameter: '(null)' };

/**
 * Evaluates an exchange as Firefox would with the given credentials mode (the exchange's own credentials field is
 * ignored, as in the Chromium engine's evaluate).
 */
export function evaluateFirefox(exchange: Exchange, credentials: CredentialsMode): FirefoxVerdict {
  const { request } = exchange;
  const include = credentials === 'include';
  let origin = request.origin;
  let crossSite = false;
  const verdict = (
    hop: number,
    status: FirefoxStatus | null,
    stage: Stage | null,
    messages: (readonly [FirefoxStatus, string])[] = [],
    extra: Partial<FirefoxVerdict> = {},
  ): FirefoxVerdict => ({
    status,
    blocked: status !== null,
    stage,
    hop,
    origin,
    messages: messages.map(([s, url]) => firefoxMessage(s.reason, url, s.parameter)),
    incomplete: false,
    ...extra,
  });
  if (request.mode === 'no-cors' || request.mode === 'navigate' || request.mode === 'websocket') {
    return verdict(exchange.hops.length - 1, null, null);
  }

  for (let i = 0; i < exchange.hops.length; i++) {
    const hop = exchange.hops[i] as Hop;
    const location = redirectLocation(hop);
    const followed = location !== null && (i < exchange.hops.length - 1 || exchange.error !== null);
    // A followed redirect to a URL with user:pass@ fails without naming a reason, unless it stays same-origin before
    // the request ever went cross-origin (recorded: m-redirect-page-to-page-userinfo passes; Chromium refuses it).
    const refusedUserinfo =
      followed && hasUserinfo(location) && (crossSite || !sameOrigin(origin, originOf(hop.url)) || !sameOrigin(origin, originOf(location)));
    if (!crossSite && sameOrigin(origin, originOf(hop.url))) {
      // A same-origin-mode request is refused the moment a redirect leaves the origin, with no CORS message.
      if (followed && request.mode === 'same-origin' && !sameOrigin(origin, originOf(location))) {
        return verdict(i, null, 'redirect', [], { blocked: true });
      }
      if (refusedUserinfo) return verdict(i, DID_NOT_SUCCEED, 'redirect', [[DID_NOT_SUCCEED, hop.url]]);
      continue;
    }
    // A same-origin-mode request to another origin fails before any request, with no CORS message.
    if (request.mode === 'same-origin') return verdict(i, null, 'request', [], { blocked: true });
    if (!/^https?$/.test(schemeOf(hop.url))) {
      return verdict(i, { reason: 'CORSRequestNotHttp', parameter: '' }, 'request', [
        [{ reason: 'CORSRequestNotHttp', parameter: '' }, hop.url],
      ]);
    }
    crossSite = true;

    if (hop.preflight) {
      const preflight = hop.preflight.response;
      if (!preflight) return verdict(i, null, 'preflight', [], { incomplete: true, blocked: exchange.error !== null });
      const failed = (status: FirefoxStatus, extra: FirefoxStatus[] = []): FirefoxVerdict => {
        // The preflight carries the page's origin whatever the request's own Origin became.
        const messages = [status, ...extra, DID_NOT_SUCCEED].map((s) => [s, hop.url] as const);
        return { ...verdict(i, status, 'preflight', messages), origin: request.origin };
      };
      if (invalidHeaderBlock(preflight)) return failed(DID_NOT_SUCCEED);
      const redirected = isRedirectStatus(preflight.status) && headerValues(preflight.headers, 'location').length > 0;
      const access = checkAccess(preflight, request.origin, credentials);
      // A refused redirect of the preflight: the access check's reason (and the cancelled preflight's own "did not
      // succeed"), or, when access passed, Firefox's refusal to follow it and the status it then fails on.
      if (access) return failed(access, redirected ? [DID_NOT_SUCCEED] : []);
      if (redirected) {
        return failed({ reason: 'CORSExternalRedirectNotAllowed', parameter: '' }, [
          { reason: 'CORSPreflightDidNotSucceed', parameter: String(preflight.status) },
        ]);
      }
      const requested = (firefoxHeaderValue(hop.preflight.requestHeaders, 'access-control-request-headers') ?? '')
        .split(',')
        .map((h) => trimHttp(h).toLowerCase())
        .filter((h) => h !== '');
      const method = firefoxHeaderValue(hop.preflight.requestHeaders, 'access-control-request-method') ?? request.method;
      const own = checkPreflightResponse(preflight, method, requested, include);
      if (own) return failed(own);
    }

    const response = hop.response;
    if (!response) return verdict(i, null, null, [], { incomplete: exchange.error !== null, blocked: exchange.error !== null });
    if (invalidHeaderBlock(response)) return verdict(i, DID_NOT_SUCCEED, 'response', [[DID_NOT_SUCCEED, hop.url]]);
    const access = checkAccess(response, origin, credentials);
    if (followed) {
      // A refused redirect: the reason, then the cancelled channel's "did not succeed".
      if (access)
        return verdict(i, access, 'redirect', [
          [access, hop.url],
          [DID_NOT_SUCCEED, hop.url],
        ]);
      if (refusedUserinfo) return verdict(i, DID_NOT_SUCCEED, 'redirect', [[DID_NOT_SUCCEED, hop.url]]);
      // Once cross-site, a redirect to another origin makes the origin opaque.
      if (!sameOrigin(originOf(hop.url), originOf(location))) origin = 'null';
      continue;
    }
    if (access) return verdict(i, access, 'response', [[access, hop.url]]);
    return verdict(i, null, null);
  }
  return verdict(exchange.hops.length - 1, null, null, [], { incomplete: exchange.error !== null, blocked: exchange.error !== null });
}
