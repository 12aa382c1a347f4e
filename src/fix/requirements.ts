/**
 * What the server must send for this exact request to pass, derived from the exchange and its diagnosis. Every
 * stack's snippet is written from this one description, so all of them grant the same thing: the page's origin
 * (allowlist, never an echo of any origin), credentials only when the page sends them, and exactly the method and
 * headers the request uses.
 */

import { isSafelistedMethod, unsafeRequestHeaders } from '../cors/safelist.ts';
import { headerValue } from '../headers.ts';
import type { CorsErrorCode, Diagnosis, Exchange } from '../model.ts';

export interface Requirements {
  /** The page origin to allow (scheme://host[:port]). */
  readonly origin: string;
  /** The API URL the fix is for, and its path (used to scope proxy rules). */
  readonly url: string;
  readonly path: string;
  readonly credentials: boolean;
  /** The request's method, as the page wrote it. */
  readonly method: string;
  /** Non-safelisted methods to allow, exactly as the browser sends them. */
  readonly methods: readonly string[];
  /** Request header names to allow (lower-case, as in Access-Control-Request-Headers). */
  readonly headers: readonly string[];
  /** Whether the request is preflighted, so OPTIONS must be answered. */
  readonly preflight: boolean;
  /** The failure being fixed, if any. */
  readonly code: CorsErrorCode | null;
  /** Which part of the server setup is the actual problem, to point each snippet's notes at it. */
  readonly problems: readonly Problem[];
}

export type Problem =
  | 'duplicate-header' // two layers both add Access-Control-Allow-Origin
  | 'error-without-headers' // CORS headers only on success
  | 'options-rejected' // preflight answered with a non-2xx (auth, missing route)
  | 'redirect' // a redirect the browser will not follow (preflight redirect, userinfo, tainted origin)
  | 'lowercase-method'; // fetch sends non-standard methods as written

const REDIRECT_CODES: ReadonlySet<CorsErrorCode> = new Set(['PreflightDisallowedRedirect', 'RedirectContainsCredentials']);

export function requirementsFor(exchange: Exchange, diagnosis: Diagnosis): Requirements {
  const { request } = exchange;
  const hop = exchange.hops[diagnosis.hop] ?? exchange.hops[0];
  const preflight = exchange.hops.find((h) => h.preflight)?.preflight ?? null;
  const requestedHeaders = preflight
    ? (headerValue(preflight.requestHeaders, 'access-control-request-headers') ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h !== '')
    : unsafeRequestHeaders(request.headers).map((h) => h.name);
  const method = preflight ? (headerValue(preflight.requestHeaders, 'access-control-request-method') ?? request.method) : request.method;
  const code = diagnosis.status?.corsError ?? null;
  const problems: Problem[] = [];
  if (code === 'MultipleAllowOriginValues' || code === 'PreflightMultipleAllowOriginValues') problems.push('duplicate-header');
  if (diagnosis.lookalike === 'error-status-without-cors') problems.push('error-without-headers');
  if (code === 'PreflightInvalidStatus') problems.push('options-rejected');
  if ((code && REDIRECT_CODES.has(code)) || diagnosis.origin === 'null') problems.push('redirect');
  if (method !== method.toUpperCase()) problems.push('lowercase-method');
  let path = '/';
  try {
    path = new URL(hop?.url ?? request.url).pathname;
  } catch {
    // keep '/'
  }
  return {
    origin: request.origin,
    url: hop?.url ?? request.url,
    path,
    credentials: diagnosis.credentials.mode === 'include',
    method,
    methods: isSafelistedMethod(method) ? [] : [method],
    headers: requestedHeaders,
    preflight: preflight !== null || requestedHeaders.length > 0 || !isSafelistedMethod(method),
    code,
    problems,
  };
}
