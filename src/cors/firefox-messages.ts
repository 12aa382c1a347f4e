/**
 * Firefox's CORS console messages, word for word: the en-US texts Firefox ESR 153 prints (its security.properties,
 * read from the installed omni.ja), each under the MDN page that documents it. Firefox logs one of these to the web
 * console for each CORS check a request fails, with the URL it was checking (%1) and, for some, one value (%2): the
 * status code, the Access-Control-Allow-Origin value, a bad token or the header not allowed.
 */

/** The MDN reason names (developer.mozilla.org/docs/Web/HTTP/Guides/CORS/Errors/<name>) Firefox's messages map to. */
export const FIREFOX_REASONS = [
  'CORSDisabled',
  'CORSDidNotSucceed',
  'CORSOriginHeaderNotAdded',
  'CORSExternalRedirectNotAllowed',
  'CORSRequestNotHttp',
  'CORSMissingAllowOrigin',
  'CORSMultipleAllowOriginNotAllowed',
  'CORSAllowOriginNotMatchingOrigin',
  'CORSNotSupportingCredentials',
  'CORSMethodNotFound',
  'CORSMissingAllowCredentials',
  'CORSPreflightDidNotSucceed',
  'CORSInvalidAllowMethod',
  'CORSInvalidAllowHeader',
  'CORSMissingAllowHeaderFromPreflight',
  'CORSAllowHeaderFromPreflightDeprecation',
] as const;

export type FirefoxReason = (typeof FIREFOX_REASONS)[number];

const BLOCKED = 'Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at';

/**
 * Each message as Firefox formats it: %1 is the URL, %2 the one value it names. Firefox quotes the URL only in
 * CORSNotSupportingCredentials, and writes "Status code: (null)." when there was no response.
 */
const TEMPLATES: Record<FirefoxReason, string> = {
  CORSDisabled: `${BLOCKED} %1. (Reason: CORS disabled).`,
  CORSDidNotSucceed: `${BLOCKED} %1. (Reason: CORS request did not succeed). Status code: %2.`,
  CORSOriginHeaderNotAdded: `${BLOCKED} %1. (Reason: CORS header ‘Origin’ cannot be added).`,
  CORSExternalRedirectNotAllowed: `${BLOCKED} %1. (Reason: CORS request external redirect not allowed).`,
  CORSRequestNotHttp: `${BLOCKED} %1. (Reason: CORS request not http).`,
  CORSMissingAllowOrigin: `${BLOCKED} %1. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: %2.`,
  CORSMultipleAllowOriginNotAllowed: `${BLOCKED} %1. (Reason: Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed).`,
  CORSAllowOriginNotMatchingOrigin: `${BLOCKED} %1. (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘%2’).`,
  CORSNotSupportingCredentials: `${BLOCKED} ‘%1’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).`,
  CORSMethodNotFound: `${BLOCKED} %1. (Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’).`,
  CORSMissingAllowCredentials: `${BLOCKED} %1. (Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).`,
  CORSPreflightDidNotSucceed: `${BLOCKED} %1. (Reason: CORS preflight response did not succeed). Status code: %2.`,
  CORSInvalidAllowMethod: `${BLOCKED} %1. (Reason: invalid token ‘%2’ in CORS header ‘Access-Control-Allow-Methods’).`,
  CORSInvalidAllowHeader: `${BLOCKED} %1. (Reason: invalid token ‘%2’ in CORS header ‘Access-Control-Allow-Headers’).`,
  CORSMissingAllowHeaderFromPreflight: `${BLOCKED} %1. (Reason: header ‘%2’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).`,
  CORSAllowHeaderFromPreflightDeprecation:
    'Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at %1 soon. (Reason: When the `Access-Control-Allow-Headers` is `*`, the `Authorization` header is not covered. To include the `Authorization` header, it must be explicitly listed in CORS header `Access-Control-Allow-Headers`).',
};

/** The one message that is a warning: Firefox logs it and lets the request go on. */
export const FIREFOX_WARNINGS: ReadonlySet<FirefoxReason> = new Set(['CORSAllowHeaderFromPreflightDeprecation']);

/** A message Firefox logged: which check, the URL it names and the value it names ('' when it names none). */
export interface FirefoxMessage {
  readonly reason: FirefoxReason;
  readonly url: string;
  readonly parameter: string;
  readonly text: string;
}

/** Whether the message names a value (%2). */
export function namesParameter(reason: FirefoxReason): boolean {
  return TEMPLATES[reason].includes('%2');
}

/** The console text Firefox prints for a reason, URL and value. */
export function firefoxMessage(reason: FirefoxReason, url: string, parameter = ''): string {
  // A function replacement: the URL and the value may themselves contain "$&" or "%2".
  return TEMPLATES[reason].replace(/%([12])/g, (_m, n: string) => (n === '1' ? url : parameter));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PATTERNS = FIREFOX_REASONS.map(
  (reason) => [reason, new RegExp(`^${escapeRegExp(TEMPLATES[reason]).replace('%1', '(.*?)').replace('%2', '([^]*?)')}$`)] as const,
);

/** Reads a console message back into its reason, URL and value; null when it is not one of Firefox's CORS messages. */
export function parseFirefoxMessage(text: string): FirefoxMessage | null {
  for (const [reason, pattern] of PATTERNS) {
    const m = pattern.exec(text);
    if (m) return { reason, url: m[1] ?? '', parameter: namesParameter(reason) ? (m[2] ?? '') : '', text };
  }
  return null;
}

/** The MDN page for a Firefox reason (MDN spells one slug CORSMIssingAllowCredentials). */
export function firefoxMdnUrl(reason: FirefoxReason): string {
  const slug = reason === 'CORSMissingAllowCredentials' ? 'CORSMIssingAllowCredentials' : reason;
  return `https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS/Errors/${slug}`;
}
