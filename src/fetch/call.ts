/**
 * The page's side of a CORS request, as data: the call a page makes (fetch, XHR or EventSource), the checks the
 * browser runs before anything leaves (the TypeErrors of the Fetch standard), the header list the browser keeps for
 * the call, and the preflight and actual request it writes on the wire (names, case and order as Chromium 156 wrote
 * them in the conformance corpus). Whoever sends them adds only the framing (Host, Content-Length, Connection).
 */
import { blinkHeaderOrder } from '../cors/header-order.ts';
import { isAuthorHeaderName, isForbiddenHeaderName, normalizeMethod, unsafeRequestHeaders } from '../cors/safelist.ts';
import type { Header, HeaderList } from '../headers.ts';
import type { CredentialsMode } from '../model.ts';
import { hasUserinfo, originOf, potentiallyTrustworthy, sameOrigin, schemeOf } from '../origin.ts';

/** The page APIs a call can be made with; each sends the same CORS request with its own details. */
export type CallApi = 'fetch' | 'xhr' | 'eventsource';

export interface FetchCall {
  readonly url: string;
  /** The serialized origin of the page making the call, or "null" for an opaque one (a sandboxed iframe). */
  readonly origin: string;
  /** The method as the page wrote it: fetch upper-cases only the six standard ones. */
  readonly method: string;
  /** The headers the page set, in its order; names as written. */
  readonly headers: HeaderList;
  /** A text body, or null. */
  readonly body: string | null;
  readonly credentials: CredentialsMode;
  readonly api: CallApi;
  /** The User-Agent the sender identifies with (the browser's own string, or a tool's). */
  readonly userAgent: string;
  /** The Cookie header the browser would attach to a credentialed request; a secret, never shown. */
  readonly cookie: string | null;
}

/** RFC 9110 token: method and header names. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Methods fetch and XHR refuse outright (https://fetch.spec.whatwg.org/#forbidden-method). */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * Why the browser would refuse to make this call at all (fetch throws a TypeError, XHR's open() or setRequestHeader
 * throws, or the header would be silently dropped), in one line; null when it is a call a page can make.
 */
export function callProblem(call: FetchCall): string | null {
  if (!URL.canParse(call.url)) return `not a URL: ${call.url}`;
  const scheme = schemeOf(call.url);
  if (scheme !== 'http' && scheme !== 'https') return `only http and https URLs can be requested, not ${scheme}:`;
  // https://fetch.spec.whatwg.org/#dom-request step 5.3: "parsedURL includes credentials" is a TypeError.
  if (hasUserinfo(call.url)) return 'a URL with user:password@ cannot be fetched: browsers refuse URLs that include credentials';
  if (call.origin !== 'null' && (!URL.canParse(call.origin) || originOf(call.origin) !== call.origin)) {
    return `not an origin: ${call.origin} (write scheme://host[:port], without a path or a trailing slash, or null)`;
  }
  if (!TOKEN.test(call.method)) return `not a valid method name: ${call.method}`;
  if (FORBIDDEN_METHODS.has(call.method.toUpperCase())) return `browsers never send method ${call.method}`;
  for (const h of call.headers) {
    if (!TOKEN.test(h.name)) return `not a valid header name: ${h.name}`;
    if (/[\0\r\n]/.test(h.value)) return `the value of ${h.name} contains a NUL, CR or LF character`;
    // Header values are byte strings: fetch and setRequestHeader throw a TypeError for anything above U+00FF.
    if (/[\u0100-\uffff]/.test(h.value)) return `the value of ${h.name} has a character above U+00FF: header values are bytes (encode it)`;
    if (h.name.toLowerCase() === 'cookie')
      return 'a page cannot set Cookie: the browser sends cookies itself (give them as a cookie, with credentials)';
    if (!isAuthorHeaderName(h.name))
      return `a page cannot set ${h.name}: the browser ${isForbiddenHeaderName(h.name) ? 'forbids it' : 'sets it itself'}`;
  }
  const method = normalizeMethod(call.method);
  if (call.body !== null && (method === 'GET' || method === 'HEAD')) return `a ${method} request cannot have a body`;
  if (call.api === 'eventsource') {
    if (method !== 'GET') return 'EventSource always uses GET';
    if (call.headers.length > 0) return 'EventSource cannot set request headers';
  }
  if (call.cookie !== null && call.credentials !== 'include') {
    return "a cookie is only sent to another origin with credentials mode 'include'";
  }
  return null;
}

/** Header names fetch drops from the request when a redirect turns it into a GET without a body. */
const REQUEST_BODY_HEADERS = new Set(['content-encoding', 'content-language', 'content-location', 'content-type']);

/** The request-body headers removed, for a redirect that changes the method to GET. */
export function withoutBodyHeaders(headers: HeaderList): HeaderList {
  return headers.filter((h) => !REQUEST_BODY_HEADERS.has(h.name.toLowerCase()));
}

/**
 * The header list the browser keeps for the call (Blink's header map; what CDP reports as the request's headers,
 * without the ones Blink adds itself): the page's headers with values trimmed and repeated names combined (Fetch's
 * header list semantics), the Content-Type fetch and XHR add for a text body, EventSource's Accept.
 */
export function callHeaders(call: FetchCall): HeaderList {
  const combined = new Map<string, Header>();
  for (const h of call.headers) {
    const value = h.value.replace(/^[ \t]+|[ \t]+$/g, '');
    const lower = h.name.toLowerCase();
    const seen = combined.get(lower);
    combined.set(lower, seen ? { name: seen.name, value: `${seen.value}, ${value}` } : { name: h.name, value });
  }
  if (call.body !== null && !combined.has('content-type')) {
    combined.set('content-type', { name: 'Content-Type', value: 'text/plain;charset=UTF-8' });
  }
  if (call.api === 'eventsource') combined.set('accept', { name: 'Accept', value: 'text/event-stream' });
  return [...combined.values()];
}

/** How the target relates to the page, as Sec-Fetch-Site says it. */
export type SiteRelation = 'same-origin' | 'same-site' | 'cross-site';

/** Second-level labels under a country code that are themselves public suffixes (co.uk, com.au...). */
const COUNTRY_SECOND_LEVEL = new Set(['ac', 'co', 'com', 'edu', 'gov', 'net', 'org', 'ne', 'or', 'go']);

/**
 * The site of a host: an IP address is its own site; otherwise the last two labels, three under a country code's
 * common second level (example.co.uk). An approximation of the registrable domain without the Public Suffix List:
 * it only decides Sec-Fetch-Site, which plays no part in CORS.
 */
export function siteOf(host: string): string {
  if (/^[\d.]+$/.test(host) || host.startsWith('[')) return host;
  const labels = host.split('.');
  const tld = labels[labels.length - 1] ?? '';
  const second = labels[labels.length - 2] ?? '';
  const keep = tld.length === 2 && COUNTRY_SECOND_LEVEL.has(second) ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/** Sec-Fetch-Site for a request from `origin` to `url` (schemeful same-site). */
export function siteRelation(origin: string, url: string): SiteRelation {
  const target = originOf(url);
  if (sameOrigin(origin, target)) return 'same-origin';
  if (origin === 'null' || target === 'null') return 'cross-site';
  const a = new URL(origin);
  const b = new URL(target);
  return a.protocol === b.protocol && siteOf(a.hostname) === siteOf(b.hostname) ? 'same-site' : 'cross-site';
}

const RELATION_RANK: Record<SiteRelation, number> = { 'same-origin': 0, 'same-site': 1, 'cross-site': 2 };

/** The weaker of two relations: a redirect chain is as cross-site as its most foreign hop. */
export function weakerRelation(a: SiteRelation, b: SiteRelation): SiteRelation {
  return RELATION_RANK[a] >= RELATION_RANK[b] ? a : b;
}

/**
 * The Referer under the default policy (strict-origin-when-cross-origin), knowing only the page's origin: the
 * origin and a slash, nothing on a downgrade from https to http or from an opaque origin.
 */
export function refererFor(origin: string, url: string): string | null {
  if (origin === 'null') return null;
  if (schemeOf(origin) === 'https' && schemeOf(url) !== 'https') return null;
  return `${origin}/`;
}

/** What one hop's requests depend on: the request as it stands after the redirects so far. */
export interface HopContext {
  readonly url: string;
  readonly method: string;
  /** The call's header list as it stands (request-body headers and Authorization may have been removed). */
  readonly headers: HeaderList;
  /** The origin sent in Origin: the page's, or "null" after a tainting redirect. */
  readonly origin: string;
  readonly site: SiteRelation;
  /** Whether Origin goes on the actual request: a CORS request, or a method other than GET and HEAD. */
  readonly sendOrigin: boolean;
  /**
   * Whether a redirect added Origin (or re-added it after changing the method): Chromium then writes it after the
   * Sec-Fetch headers instead of before them (recorded: m-redirect-page-to-api-echo, m-redirect-post-303).
   */
  readonly originLate: boolean;
}

/**
 * The names Access-Control-Request-Headers lists: the unsafe ones, lower-cased, sorted, joined by a bare comma
 * (https://fetch.spec.whatwg.org/#cors-preflight-fetch, as Chromium writes it).
 */
export function requestHeadersValue(headers: HeaderList): string {
  return unsafeRequestHeaders(headers)
    .map((h) => h.name)
    .join(',');
}

/**
 * The fetch metadata headers: Sec-Fetch-Site, -Mode and -Dest go only to potentially trustworthy URLs (recorded:
 * m-insecure-page-*, an http URL on a host name that is not loopback gets none on the request), except the
 * preflight's Sec-Fetch-Mode, which the preflight always carries.
 */
function fetchMetadata(hop: HopContext, preflight: boolean): Header[] {
  if (!potentiallyTrustworthy(hop.url)) return preflight ? [{ name: 'Sec-Fetch-Mode', value: 'cors' }] : [];
  const site = { name: 'Sec-Fetch-Site', value: hop.site };
  const mode = { name: 'Sec-Fetch-Mode', value: 'cors' };
  const dest = { name: 'Sec-Fetch-Dest', value: 'empty' };
  return preflight ? [mode, site, dest] : [site, mode, dest];
}

/** The preflight's header lines, in Chromium's order and case (conformance corpus, e.g. m-pf-acah-absent). */
export function preflightLines(call: FetchCall, hop: HopContext): Header[] {
  const requested = requestHeadersValue(hop.headers);
  const referer = refererFor(call.origin, hop.url);
  return [
    { name: 'Accept', value: '*/*' },
    { name: 'Access-Control-Request-Method', value: hop.method },
    ...(requested ? [{ name: 'Access-Control-Request-Headers', value: requested }] : []),
    { name: 'Origin', value: hop.origin },
    { name: 'User-Agent', value: call.userAgent },
    ...fetchMetadata(hop, true),
    ...(referer ? [{ name: 'Referer', value: referer }] : []),
  ];
}

/**
 * The actual request's header lines: the call's headers and User-Agent in Blink's header-map order (the network
 * service keeps it), then what the network stack adds, as Chromium writes them (conformance corpus, m-pf-acah-exact,
 * m-eventsource-cred-ok). Client hints are Chromium's own and are not imitated; the cookie goes last.
 */
export function requestLines(call: FetchCall, hop: HopContext): Header[] {
  const byName = new Map(hop.headers.map((h) => [h.name.toLowerCase(), h] as const));
  const order = blinkHeaderOrder({ requestHeaders: hop.headers, requested: [], url: hop.url });
  const mapped = order.flatMap((name): Header[] => {
    if (name === 'user-agent') return [{ name: 'User-Agent', value: call.userAgent }];
    const h = byName.get(name);
    return h ? [h] : [];
  });
  const referer = refererFor(call.origin, hop.url);
  const origin = hop.sendOrigin ? [{ name: 'Origin', value: hop.origin }] : [];
  return [
    ...(call.api === 'eventsource'
      ? [
          { name: 'Pragma', value: 'no-cache' },
          { name: 'Cache-Control', value: 'no-cache' },
        ]
      : []),
    ...mapped,
    ...(byName.has('accept') ? [] : [{ name: 'Accept', value: '*/*' }]),
    ...(hop.originLate ? [] : origin),
    ...fetchMetadata(hop, false),
    ...(hop.originLate ? origin : []),
    ...(referer ? [{ name: 'Referer', value: referer }] : []),
    ...(call.cookie !== null && call.credentials === 'include' ? [{ name: 'Cookie', value: call.cookie }] : []),
  ];
}
