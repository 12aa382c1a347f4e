/**
 * Fragile setups that pass today: they never count as failures, but each is a bug waiting for another origin,
 * another browser or a cache. Computed on the final response of an exchange.
 */
import { headerValue, headerValues, variesOn } from '../headers.ts';
import type { Credentials, Exchange, Note } from '../model.ts';
import { originOf, sameOrigin } from '../origin.ts';

/** Response headers every page may read without Access-Control-Expose-Headers. */
const SAFELISTED_RESPONSE = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
]);

/** Headers that are about the connection or CORS itself, never something a page wants to read. */
const NOT_INTERESTING =
  /^(access-control-|vary$|date$|connection$|keep-alive$|transfer-encoding$|server$|set-cookie2?$|content-encoding$|etag$|alt-svc$|strict-transport-security$|x-content-type-options$|x-frame-options$|content-security-policy|cross-origin-|referrer-policy$|permissions-policy$|report-to$|nel$|timing-allow-origin$|accept-ranges$|age$|via$|x-powered-by$)/;

export function warningsFor(exchange: Exchange, credentials: Credentials): Note[] {
  const warnings: Note[] = [];
  const last = exchange.hops[exchange.hops.length - 1];
  const response = last?.response;
  if (!last || !response) return warnings;
  const origin = last.originSent ?? exchange.request.origin;
  if (sameOrigin(origin, originOf(last.url))) return warnings;
  const allowOrigin = headerValue(response.headers, 'access-control-allow-origin');
  if (allowOrigin !== null && allowOrigin !== '*' && allowOrigin === origin && !variesOn(response.headers, 'origin')) {
    warnings.push({
      kind: 'echo-without-vary',
      text:
        `Access-Control-Allow-Origin names this page's origin (${origin}) but the response has no Vary: Origin. If the ` +
        'server picks the value per request, a browser or CDN cache can serve this answer to another origin, which ' +
        'then fails (or the reverse). Add Vary: Origin.',
    });
  }
  if (credentials.mode === 'include' && allowOrigin === 'null') {
    warnings.push({
      kind: 'credentialed-null-origin',
      text:
        "Credentials are allowed for origin 'null'. Any site can make requests with a null origin (a sandboxed iframe), " +
        'so this lets every website read responses with the user\'s cookies. Never allow "null" with credentials.',
    });
  }
  const preflight = exchange.hops.find((h) => h.preflight?.response)?.preflight;
  if (preflight?.response) {
    const requested = (headerValue(preflight.requestHeaders, 'access-control-request-headers') ?? '').toLowerCase();
    const allowed = (headerValue(preflight.response.headers, 'access-control-allow-headers') ?? '').toLowerCase();
    const names = allowed.split(',').map((s) => s.trim());
    if (
      requested
        .split(',')
        .map((s) => s.trim())
        .includes('authorization') &&
      names.includes('*') &&
      !names.includes('authorization')
    ) {
      warnings.push({
        kind: 'authorization-wildcard',
        text:
          'Authorization is allowed only through Access-Control-Allow-Headers: *. Chromium accepts that today, but the ' +
          "Fetch standard says '*' never covers Authorization: Firefox warns about it, and Chromium already has the switch " +
          'to refuse it (CorsNonWildcardRequestHeadersSupport). ' +
          'List Authorization by name.',
      });
    }
  }
  const exposed = new Set(
    headerValues(response.headers, 'access-control-expose-headers')
      .flatMap((v) => v.split(','))
      .map((s) => s.trim().toLowerCase()),
  );
  const exposeAll = exposed.has('*') && credentials.mode !== 'include';
  const hidden = [...new Set(response.headers.map((h) => h.name.toLowerCase()))].filter(
    (name) => !SAFELISTED_RESPONSE.has(name) && !NOT_INTERESTING.test(name) && !exposed.has(name) && !exposeAll,
  );
  if (hidden.length > 0) {
    warnings.push({
      kind: 'unexposed-headers',
      text:
        `The page cannot read these response headers: ${hidden.slice(0, 10).join(', ')}${hidden.length > 10 ? ', …' : ''}. ` +
        'Only CORS-safelisted headers are readable from another origin; list the others in Access-Control-Expose-Headers if the page needs them.',
    });
  }
  if (
    credentials.mode === 'include' &&
    headerValue(last.requestHeaders ?? [], 'sec-fetch-storage-access') === 'none' &&
    headerValue(last.requestHeaders ?? [], 'cookie') === null
  ) {
    warnings.push({
      kind: 'credentials-unverified',
      text:
        'The page asked for credentials, but the browser sent no cookie: third-party cookies are blocked for this ' +
        'site (Sec-Fetch-Storage-Access: none). This is a browser privacy setting, not CORS; the server sees an ' +
        'anonymous request. Use a same-site API host, the Storage Access API, or tokens instead of cookies.',
    });
  }
  return warnings;
}
