/** Origins as the Fetch standard serializes them: scheme://host[:port], or "null" for an opaque origin. */

import { memoized } from './memo.ts';

/** The serialized origin of a URL, "null" when the URL's origin is opaque (data:, file:, about:...) or unparsable. */
export const originOf = memoized((url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return 'null';
  }
});

/** Whether two serialized origins are the same origin. Opaque origins are never the same as anything. */
export function sameOrigin(a: string, b: string): boolean {
  return a !== 'null' && a === b;
}

/** The scheme of a URL without the colon, lower-cased; '' when unparsable. */
export const schemeOf = memoized((url: string): string => {
  try {
    return new URL(url).protocol.slice(0, -1);
  } catch {
    return '';
  }
});

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
