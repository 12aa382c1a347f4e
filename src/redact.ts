/**
 * What CORS Lens keeps of a request: only what a diagnosis needs. Every adapter runs what it observes through here
 * before anything else sees it (the webRequest adapter, the DevTools network log reader, the page relay), and the
 * records run through it again before they are stored, so a secret never reaches storage, the panel, the clipboard
 * or an export.
 *
 * - Header values are kept only for the headers a CORS verdict or its explanation reads (an allowlist); for every
 *   other header only the name is kept, with `redacted: true`. No list of "secret" header names can be complete
 *   (`Ocp-Apim-Subscription-Key`, `X-Sentry-Auth`...), an allowlist is.
 * - URLs lose their user name and password (replaced, so that a redirect to a URL with credentials is still
 *   recognised), the values of query parameters that are secrets by name or look like one by shape, and their
 *   fragment. Parameter names stay: they say what the request was.
 */

import { clampText, type Header, type HeaderList } from './headers.ts';
import { memoized } from './memo.ts';
import type { Exchange } from './model.ts';

/** What stands where a secret was. */
export const REDACTED = '[redacted]';

/** Longest header value kept; longer values keep their head and their original length. */
export const MAX_VALUE = 2048;
/** Most header lines kept per list. */
export const MAX_HEADERS = 64;
/** Longest header name kept. */
export const MAX_NAME = 128;

/**
 * Request headers whose values a diagnosis reads: the CORS request headers, the CORS-safelisted headers (their
 * values decide whether a preflight was needed), and the Fetch metadata that tells the request mode and whether
 * credentials went along.
 */
const REQUEST_VALUES = new Set([
  'origin',
  'access-control-request-method',
  'access-control-request-headers',
  'access-control-request-private-network',
  'access-control-request-local-network',
  'accept',
  'accept-language',
  'content-language',
  'content-type',
  'range',
  'sec-fetch-mode',
  'sec-fetch-site',
  'sec-fetch-dest',
  'sec-fetch-storage-access',
]);

/**
 * Response headers whose values a diagnosis reads: the CORS response headers, Vary, Location (redacted like every
 * URL), Content-Type, and what names the server software (it proposes the fix's stack).
 */
const RESPONSE_VALUES = new Set(['vary', 'location', 'content-type', 'server', 'x-powered-by', 'via', 'cross-origin-resource-policy']);

/** Whether the value of this header may be kept (the name always is). */
export function keepsValue(name: string, where: 'request' | 'response'): boolean {
  const lower = name.toLowerCase();
  if (where === 'request') return REQUEST_VALUES.has(lower);
  return lower.startsWith('access-control-') || RESPONSE_VALUES.has(lower);
}

/**
 * The header list as it may be kept: allowlisted values (Location redacted, long values shortened), names only for
 * the rest. A NUL byte in a withheld value is kept as the value `\0`: the browser treats it as an invalid response,
 * and the verdict must still see it.
 */
export function redactHeaders(headers: HeaderList, where: 'request' | 'response'): HeaderList {
  const out: Header[] = [];
  for (const h of mostUseful(headers, where)) {
    const name = clip(h.name, MAX_NAME);
    if (h.redacted || !keepsValue(h.name, where)) {
      out.push({ name, value: h.value.includes('\0') ? '\0' : '', redacted: true });
      continue;
    }
    const value = h.name.toLowerCase() === 'location' ? redactUrl(h.value) : h.value;
    if (value.length > MAX_VALUE) out.push({ name, value: value.slice(0, MAX_VALUE), truncatedFrom: h.truncatedFrom ?? value.length });
    else out.push(h.truncatedFrom === undefined ? { name, value } : { name, value, truncatedFrom: h.truncatedFrom });
  }
  if (headers.length > MAX_HEADERS) {
    out.push({ name: '(more headers)', value: `${headers.length - MAX_HEADERS} more header lines were not kept` });
  }
  return out;
}

/** Words that make a query parameter's value a secret, wherever they stand in its name (access_token, X-Amz-Signature). */
const SECRET_WORDS = new Set([
  'token',
  'secret',
  'password',
  'passwd',
  'pass',
  'pwd',
  'key',
  'apikey',
  'auth',
  'authorization',
  'session',
  'sessionid',
  'sid',
  'signature',
  'sig',
  'credential',
  'credentials',
  'code',
  'jwt',
  'bearer',
  'otp',
  'nonce',
  'ticket',
  'private',
  'cookie',
  'csrf',
  'xsrf',
  'assertion',
  'hash',
]);

/** Splits a parameter name into lower-case words: snake_case, kebab-case, dotted and camelCase alike. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** Whether a query parameter (or form field) of this name carries a secret (remembered: a site's names repeat). */
export const isSecretName = memoized((name: string): boolean => {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    // A malformed escape: judge the raw name.
  }
  const w = words(decoded);
  return w.some((x) => SECRET_WORDS.has(x)) || /apikey|accesstoken|authtoken|secret|passw/.test(w.join(''));
});

/**
 * Whether a value looks like a credential whatever its name: a JSON Web Token, a well-known key prefix, a long
 * hexadecimal string, or a long random-looking token (a run of at least 20 characters mixing upper- and lower-case
 * letters and digits). Slugs and ids people read (`order-2024-abc12`, `fetch-TRUE-mx3yu24t-2`) do not look like one.
 */
export function looksSecret(value: string): boolean {
  let v = value;
  try {
    v = decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    // Judge the raw value.
  }
  if (/^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/.test(v)) return true;
  if (/^(sk|pk|rk)_(live|test)_|^gh[pousr]_|^xox[abpr]-|^AKIA[0-9A-Z]{12}|^AIza[0-9A-Za-z_-]{20}|^glpat-/.test(v)) return true;
  if (/^[0-9a-fA-F]{32,}$/.test(v)) return true;
  if (!/^[A-Za-z0-9_\-.~+/=]+$/.test(v)) return false;
  // A token is one long unbroken run of mixed characters; ids people read are short words joined by - _ or .
  return v.split(/[-_.~]/).some((run) => run.length >= 20 && /[a-z]/.test(run) && /[A-Z]/.test(run) && /[0-9]/.test(run));
}

/** The query string (without `?`) with secret values replaced, names and order kept. */
export function redactQuery(query: string): string {
  if (query === '') return query;
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      if (eq < 0) return looksSecret(name) ? REDACTED : pair;
      if (value === '') return pair;
      if (isSecretName(name) || looksSecret(value)) return `${name}=${REDACTED}`;
      return `${name}=${redactNested(value)}`;
    })
    .join('&');
}

/**
 * A query value that is itself a URL or a query (`next=`, `redirect_uri=`, `return_to=`), redacted the same way:
 * the secrets it carries are as secret as the outer URL's. Re-encoded only when something was replaced.
 */
function redactNested(value: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
  if (!decoded.includes('=')) return value;
  const redacted =
    /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(decoded) || decoded.startsWith('/') ? redactUrl(decoded) : redactQuery(decoded.replace(/^\?/, ''));
  if (redacted === decoded || redacted === decoded.replace(/^\?/, '')) return value;
  return encodeURIComponent(redacted).replace(/%5B/g, '[').replace(/%5D/g, ']');
}

/**
 * A URL as it may be kept: user name and password replaced, secret query values replaced, fragment replaced. Works on
 * the text (it is not re-serialized), so everything else stays as the browser reported it; a string that is not a
 * URL with an authority is returned with only its query and fragment treated.
 */
export function redactUrl(url: string): string {
  let rest = url;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = hash === rest.length - 1 ? '#' : `#${REDACTED}`;
    rest = rest.slice(0, hash);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = `?${redactQuery(rest.slice(q + 1))}`;
    rest = rest.slice(0, q);
  }
  const authority = rest.match(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/]*)/);
  if (authority) {
    const [whole, scheme, host] = authority as unknown as [string, string, string];
    const at = host.lastIndexOf('@');
    if (at >= 0) rest = `${scheme}${REDACTED}@${host.slice(at + 1)}${rest.slice(whole.length)}`;
  }
  return rest + query + fragment;
}

/** At most MAX_HEADERS lines, in their order: the ones whose values a diagnosis reads first, then the others. */
function mostUseful(headers: HeaderList, where: 'request' | 'response'): HeaderList {
  if (headers.length <= MAX_HEADERS) return headers;
  const keep = new Set<number>();
  headers.forEach((h, i) => {
    if (keep.size < MAX_HEADERS && keepsValue(h.name, where)) keep.add(i);
  });
  for (let i = 0; i < headers.length && keep.size < MAX_HEADERS; i++) keep.add(i);
  return headers.filter((_, i) => keep.has(i));
}

/** Longest URL kept. */
const MAX_URL = 4096;

/**
 * Request headers as they are kept. The names of the ones the browser adds to everything (User-Agent, client hints)
 * stay: which of them the browser sent decides the order in which Chromium checks headers against a preflight's
 * answer (src/cors/header-order.ts), so a verdict judged again from a kept exchange is the same.
 */
export const redactRequestHeaders = (headers: HeaderList): HeaderList => redactHeaders(headers, 'request');
/** A URL as it is kept everywhere (redacted, at most MAX_URL long): the form two observations of one request share. */
export const keptUrl = memoized((url: string): string => clampText(redactUrl(url), MAX_URL));

/**
 * The exchange as it may be kept, stored and shown: only the values a diagnosis reads, URLs redacted, long values
 * shortened, browser noise left out. Idempotent: the adapters apply it when they observe, the records again before
 * they are stored.
 */
export function redactExchange(exchange: Exchange): Exchange {
  return {
    request: {
      ...exchange.request,
      url: keptUrl(exchange.request.url),
      method: clampText(exchange.request.method, 64),
      origin: clampText(exchange.request.origin, 512),
      headers: redactRequestHeaders(exchange.request.headers),
    },
    hops: exchange.hops.map((hop) => ({
      url: keptUrl(hop.url),
      originSent: hop.originSent === null ? null : clampText(hop.originSent, 512),
      requestHeaders: hop.requestHeaders ? redactRequestHeaders(hop.requestHeaders) : null,
      preflight: hop.preflight
        ? {
            requestHeaders: redactRequestHeaders(hop.preflight.requestHeaders),
            response: hop.preflight.response
              ? { status: hop.preflight.response.status, headers: redactHeaders(hop.preflight.response.headers, 'response') }
              : null,
            error: hop.preflight.error,
          }
        : null,
      response: hop.response ? { status: hop.response.status, headers: redactHeaders(hop.response.headers, 'response') } : null,
    })),
    error: exchange.error,
  };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
