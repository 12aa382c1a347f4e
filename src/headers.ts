/**
 * HTTP header lists as the browser reports them: ordered, names in any case, the same name possibly repeated
 * (one entry per header line). Values are plain text; they are never interpreted as markup anywhere in the product.
 */

export interface Header {
  readonly name: string;
  readonly value: string;
  /** Set when the value was not kept: only values a diagnosis reads are (redact.ts); the header was present. */
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

/**
 * The names a header lists (Access-Control-Request-Headers), as a list of headers without values: what stands in for
 * the request headers of a request its preflight stopped, of which only the names are known.
 */
export function namesListedIn(headers: HeaderList, name: string): HeaderList {
  return (headerValue(headers, name) ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '')
    .map((listed) => ({ name: listed, value: '' }));
}

/** Shortens any text that ends up in a message or a stored field, saying how long it was. */
export function clampText(text: string, max = 512): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}
