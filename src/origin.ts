/** Origins as the Fetch standard serializes them: scheme://host[:port], or "null" for an opaque origin. */

import { memoized } from './memo.ts';

/**
 * The scheme and authority of an http(s) or ws(s) URL as written ("https://user@host:8443"), or null for any other
 * URL. The WHATWG parser's authority ends at the first "/", "\\", "?" or "#" after "//" for these schemes, and parsing
 * what follows never fails, so the URL's origin, scheme and validity are those of this prefix: a burst of failures to
 * one API parses its authority once instead of every URL (the memo is by string, and each URL differs).
 */
function authorityOf(url: string): string | null {
  const authority = /^(?:https?|wss?):\/\/[^/\\?#\t\n\r]+/.exec(url)?.[0];
  if (authority === undefined) return null;
  // The parser drops tabs and line breaks before it parses; in an authority they may shift where it ends.
  const next = url[authority.length];
  return next === '\t' || next === '\n' || next === '\r' ? null : authority;
}

/** The origin and scheme of a URL, or of the scheme and authority alone (the same, see authorityOf). */
const parts = memoized((url: string): { readonly origin: string; readonly scheme: string } => {
  try {
    const u = new URL(url);
    return { origin: u.origin, scheme: u.protocol.slice(0, -1) };
  } catch {
    return { origin: 'null', scheme: '' };
  }
});

/** The serialized origin of a URL, "null" when the URL's origin is opaque (data:, file:, about:...) or unparsable. */
export function originOf(url: string): string {
  return parts(authorityOf(url) ?? url).origin;
}

/** Whether two serialized origins are the same origin. Opaque origins are never the same as anything. */
export function sameOrigin(a: string, b: string): boolean {
  return a !== 'null' && a === b;
}

/** The scheme of a URL without the colon, lower-cased; '' when unparsable. */
export function schemeOf(url: string): string {
  return parts(authorityOf(url) ?? url).scheme;
}

/** Whether a URL carries a user name or password (https://user:pass@host/). */
export function hasUserinfo(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

/**
 * Whether a string is a valid URL to Chromium's GURL, which decides between InvalidAllowOriginValue and
 * AllowOriginMismatch. The WHATWG parser is close to GURL for the values servers send (origins, origins with paths,
 * bare host names, "*"); a value without a scheme is invalid to both.
 */
export function isValidUrl(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) return false;
  return URL.canParse(value);
}

/**
 * Whether a URL or origin is potentially trustworthy (https://w3c.github.io/webappsec-secure-contexts/): https, or
 * http on a loopback host. Client hints go only to these; an http origin that is not one can be altered by anyone
 * on the network path.
 */
export function potentiallyTrustworthy(url: string): boolean {
  return /^https:/.test(url) || /^http:\/\/(localhost|[^/:]*\.localhost|127(\.\d+){3}|\[::1\])(:\d+)?(\/|$)/.test(url);
}
