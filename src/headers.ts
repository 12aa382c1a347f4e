/**
 * HTTP header lists as the browser reports them: ordered, names in any case, the same name possibly repeated
 * (one entry per header line). Values are plain text; they are never interpreted as markup anywhere in the product.
 */

export interface Header {
  readonly name: string;
  readonly value: string;
  /** Set when the value was withheld because it is a secret (cookies, credentials, tokens). */
  readonly redacted?: true;
  /** Set when the stored value was shortened; the original length in UTF-16 code units. */
  readonly truncatedFrom?: number;
}

export type HeaderList = readonly Header[];

/** All values of a header, in order, one per header line. Names compare case-insensitively. */
export function headerValues(headers: HeaderList, name: string): string[] {
  const wanted = name.toLowerCase();
  const out: string[] = [];
  for (const h of headers) if (h.name.toLowerCase() === wanted) out.push(h.value);
  return out;
}

/**
 * The value the network stack sees for a header: every line's value joined with ", ", or null when absent.
 * This is how Chromium's HttpResponseHeaders::GetNormalizedHeader combines repeated lines, so two
 * Access-Control-Allow-Origin lines become one value containing a comma.
 */
export function headerValue(headers: HeaderList, name: string): string | null {
  const values = headerValues(headers, name);
  return values.length === 0 ? null : values.join(', ');
}

/**
 * Whether the response varies on a request header: Vary lists its name (or "*"), in any of its lines.
 * A response whose Access-Control-Allow-Origin depends on the request's Origin must vary on Origin, or caches serve
 * one origin's answer to another.
 */
export function variesOn(headers: HeaderList, name: string): boolean {
  const wanted = name.toLowerCase();
  return headerValues(headers, 'vary').some((line) =>
    line
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .some((item) => item === wanted || item === '*'),
  );
}

export function hasHeader(headers: HeaderList, name: string): boolean {
  const wanted = name.toLowerCase();
  return headers.some((h) => h.name.toLowerCase() === wanted);
}

/** Header names whose values are secrets by definition. */
const SECRET_NAMES = new Set(['cookie', 'cookie2', 'set-cookie', 'set-cookie2', 'authorization', 'proxy-authorization']);

/** Name fragments that mark a custom header as carrying a credential (x-api-key, x-auth-token, x-csrf-token...). */
const SECRET_FRAGMENTS = /token|secret|api-?key|session|passw|credential|signature|csrf|xsrf|^x-auth/i;

/**
 * Whether a header's value must never be stored, exported or shown. Only the presence of such a header is kept.
 * CORS protocol headers are never secret, even when their names contain a marked fragment
 * (Access-Control-Allow-Credentials).
 */
export function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower.startsWith('access-control-') || lower.startsWith('sec-fetch-')) return false;
  return SECRET_NAMES.has(lower) || SECRET_FRAGMENTS.test(lower);
}

/** Longest header value kept in storage; longer values keep their head and their original length. */
export const MAX_STORED_VALUE = 2048;
/** Most header lines kept per list in storage. */
export const MAX_STORED_HEADERS = 100;

/**
 * The copy of a header list that may be stored and shown: secret values withheld, long values shortened, very long
 * lists cut (the diagnosis is always computed on the full list before this runs).
 */
export function sanitizeHeaders(headers: HeaderList): HeaderList {
  const out: Header[] = [];
  for (const h of headers.slice(0, MAX_STORED_HEADERS)) {
    const name = clampText(h.name, 256);
    if (h.redacted || isSecretHeader(h.name)) out.push({ name, value: '', redacted: true });
    else if (h.value.length > MAX_STORED_VALUE)
      out.push({ name, value: h.value.slice(0, MAX_STORED_VALUE), truncatedFrom: h.truncatedFrom ?? h.value.length });
    else out.push(h.truncatedFrom === undefined ? { name, value: h.value } : h);
  }
  if (headers.length > MAX_STORED_HEADERS) {
    out.push({ name: '(more headers)', value: `${headers.length - MAX_STORED_HEADERS} more header lines were not stored` });
  }
  return out;
}

/** Shortens any text that ends up in a message or a stored field, saying how long it was. */
export function clampText(text: string, max = 512): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}
