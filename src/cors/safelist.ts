/**
 * Which requests are "simple" (no preflight) under the Fetch standard:
 * https://fetch.spec.whatwg.org/#cors-safelisted-method and #cors-safelisted-request-header,
 * as Chromium implements them in services/network/public/cpp/cors/cors.cc.
 */
import type { HeaderList } from '../headers.ts';

export const SAFELISTED_METHODS = ['GET', 'HEAD', 'POST'] as const;

/** Methods fetch upper-cases before sending; any other method goes out exactly as the page wrote it. */
const NORMALIZED_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];

export function isSafelistedMethod(method: string): boolean {
  return (SAFELISTED_METHODS as readonly string[]).includes(method);
}

/** The method as fetch sends it: `fetch(u, {method: 'patch'})` sends `patch`, `'delete'` sends `DELETE`. */
export function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.includes(upper) ? upper : method;
}

/** Headers the browser controls; a page cannot set them, so they never count against CORS. */
const FORBIDDEN = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'access-control-request-private-network',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
]);

/**
 * Headers the browser adds itself that are not on the forbidden list (user agent, client hints, priority). They
 * appear in what the extension observes but are never part of Access-Control-Request-Headers.
 */
const BROWSER_ADDED = new Set(['user-agent', 'priority', 'purpose', 'x-client-data']);

export function isForbiddenHeaderName(name: string): boolean {
  const lower = name.toLowerCase();
  return FORBIDDEN.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-');
}

/** Whether the page (not the browser) can have set this header. */
export function isAuthorHeaderName(name: string): boolean {
  const lower = name.toLowerCase();
  return !isForbiddenHeaderName(lower) && !BROWSER_ADDED.has(lower);
}

// https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte
// biome-ignore lint/suspicious/noControlCharactersInRegex: the standard's byte list includes control characters
const UNSAFE_BYTE = /[\x00-\x08\x0a-\x1f"():<>?@[\\\]{}\x7f]/;
const LANGUAGE_VALUE = /^[0-9A-Za-z *,\-.;=]*$/;
const SAFELISTED_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** The essence of a MIME type ("text/plain;charset=utf-8" -> "text/plain"), lower-cased; null if unparsable. */
export function mimeEssence(value: string): string | null {
  const essence = value.split(';')[0]?.trim().toLowerCase() ?? '';
  return /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(essence) ? essence : null;
}

/** Why a header is not CORS-safelisted, or null when it is. The reason names the header: it is read on its own. */
export function unsafeHeaderReason(name: string, value: string): string | null {
  const lower = name.toLowerCase();
  const badChar = `the value of ${name} contains a character that is not allowed in a simple request`;
  if (utf8Length(value) > 128) return `the value of ${name} is longer than 128 bytes`;
  switch (lower) {
    case 'accept':
      return UNSAFE_BYTE.test(value) ? badChar : null;
    case 'accept-language':
    case 'content-language':
      return LANGUAGE_VALUE.test(value) ? null : badChar;
    case 'content-type': {
      if (UNSAFE_BYTE.test(value)) return badChar;
      const essence = mimeEssence(value);
      return essence && SAFELISTED_CONTENT_TYPES.includes(essence)
        ? null
        : `Content-Type '${essence ?? value}' is not one of ${SAFELISTED_CONTENT_TYPES.join(', ')}`;
    }
    case 'range': {
      const range = /^bytes=(\d+)-(\d*)$/.exec(value);
      if (!range) return 'only a single "bytes=N-" or "bytes=N-M" range is simple';
      // https://fetch.spec.whatwg.org/#simple-range-header-value: a range that ends before it starts is a failure
      // (recorded: m-safelist-range-backwards, bytes=5-1, is preflighted).
      const [, start = '', end = ''] = range;
      return end !== '' && BigInt(start) > BigInt(end) ? 'the range ends before it starts' : null;
    }
    default:
      return `it is not one of the headers a simple request may carry (${SIMPLE_HEADERS})`;
  }
}

const SIMPLE_HEADERS = 'Accept, Accept-Language, Content-Language, Content-Type, Range';

/**
 * Why a header the preflight announced (Access-Control-Request-Headers) needs one, when only its name is known: the
 * browser stopped after the preflight, so the request, and the value, never reached the network.
 */
export function announcedHeaderReason(name: string): string {
  switch (name.toLowerCase()) {
    case 'content-type':
      return `the page set Content-Type to a type other than ${SAFELISTED_CONTENT_TYPES.join(', ')} (for example application/json)`;
    case 'accept':
    case 'accept-language':
    case 'content-language':
    case 'range':
      return `the page set ${name} to a value a simple request may not carry`;
    default:
      return `the page set ${name}, which is not one of the headers a simple request may carry (${SIMPLE_HEADERS})`;
  }
}

export interface UnsafeHeader {
  readonly name: string;
  readonly reason: string;
}

/**
 * The author request headers that make a request need a preflight, in the order Chromium lists them in
 * Access-Control-Request-Headers (lower-cased, sorted, de-duplicated).
 * https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names
 */
export function unsafeRequestHeaders(headers: HeaderList): UnsafeHeader[] {
  const unsafe = new Map<string, string>();
  const safelisted: { name: string; size: number }[] = [];
  for (const h of headers) {
    const lower = h.name.toLowerCase();
    if (!isAuthorHeaderName(lower)) continue;
    const reason = unsafeHeaderReason(lower, h.value);
    if (reason === null) safelisted.push({ name: lower, size: utf8Length(h.value) });
    else if (!unsafe.has(lower)) unsafe.set(lower, reason);
  }
  const total = safelisted.reduce((sum, h) => sum + h.size, 0);
  if (total > 1024) {
    for (const h of safelisted) {
      if (!unsafe.has(h.name)) unsafe.set(h.name, 'the simple headers together are longer than 1024 bytes');
    }
  }
  return [...unsafe.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, reason]) => ({ name, reason }));
}

/** Byte length of a string encoded as UTF-8, without TextEncoder (not part of the core's host facilities). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export interface PreflightReason {
  readonly kind: 'method' | 'header';
  readonly name: string;
  readonly detail: string;
}

/** Why a request needs a preflight: its method, and each header that is not safelisted. Empty when it is simple. */
export function preflightReasons(method: string, headers: HeaderList): PreflightReason[] {
  const reasons: PreflightReason[] = [];
  if (!isSafelistedMethod(method)) {
    reasons.push({ kind: 'method', name: method, detail: `method ${method} is not GET, HEAD or POST` });
  }
  for (const h of unsafeRequestHeaders(headers)) reasons.push({ kind: 'header', name: h.name, detail: `header ${h.name}: ${h.reason}` });
  return reasons;
}
