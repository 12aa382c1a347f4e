/**
 * The words for each CORS error: Chromium's console text (as Chromium 156 prints it, checked live by the e2e suite),
 * a one-line title and a plain explanation. Firefox's words come from its own mode (cors/firefox.ts).
 * Chromium: third_party/blink/renderer/platform/loader/cors/cors_error_string.cc.
 */
import type { CorsErrorCode, Initiator } from '../model.ts';

/** Facts a message may mention. Every string here is shown as text, never as markup. */
export interface MessageContext {
  readonly url: string;
  /** The origin the browser compared with (the page's, or "null" after a tainting redirect). */
  readonly origin: string;
  readonly failedParameter: string;
  readonly method: string;
  readonly initiator: Initiator;
  /** HTTP status of the response at fault (the preflight's for preflight errors). */
  readonly status: number | null;
  /** Access-Control-Allow-Origin as received (lines joined), null when absent. */
  readonly allowOrigin: string | null;
  readonly allowCredentials: string | null;
  /** Redirect target for redirect errors. */
  readonly location: string | null;
}

export interface ErrorInfo {
  /** The message after "has been blocked by CORS policy: " (without the preflight prefix). */
  readonly chromium: (c: MessageContext) => string;
  readonly title: (c: MessageContext) => string;
  readonly explain: (c: MessageContext) => string;
}

/** Chromium 156 adds this to the Allow-Origin value errors of fetch() only (recorded: XHR and EventSource lack it). */
const validValueHint = (c: MessageContext) => (c.initiator === 'fetch' ? ' Have the server send the header with a valid value.' : '');

/**
 * A header value as Chromium's console quotes it: control characters written as \uXXXX (a tab inside
 * Access-Control-Allow-Origin shows as \u0009; recorded: m-acao-tab-inside). CDP's failedParameter keeps them raw.
 */
export function consoleQuote(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters being escaped
  return value.replace(/[\u0000-\u001f\u007f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
const XHR_HINT = ' The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.';
const PREFLIGHT_PREFIX = "Response to preflight request doesn't pass access control check: ";

/** How the page asked for credentials, in the words of its API. */
export function credentialsSwitch(initiator: Initiator): string {
  switch (initiator) {
    case 'xhr':
      return 'xhr.withCredentials = true';
    case 'eventsource':
      return 'new EventSource(url, { withCredentials: true })';
    case 'fetch':
      return "fetch(url, { credentials: 'include' })";
    case 'image':
    case 'media':
    case 'script':
    case 'stylesheet':
      return 'crossorigin="use-credentials"';
    default:
      return "credentials mode 'include'";
  }
}

const accessInfo = {
  WildcardOriginNotAllowed: {
    chromium: (c) =>
      "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'." +
      (c.initiator === 'xhr' ? XHR_HINT : ''),
    title: () => "Credentials sent, but the server allows any origin ('*')",
    explain: (c) =>
      `The page sent this request with credentials (${credentialsSwitch(c.initiator)}): cookies, HTTP authentication or client certificates. ` +
      `The server answered Access-Control-Allow-Origin: *, which means "any site may read this, as long as no credentials are involved". ` +
      `Browsers never combine the wildcard with credentials, even when Access-Control-Allow-Credentials: true is also sent, ` +
      `because that would let every website on the internet read the user's private data. The server must name the origin ` +
      `(${c.origin}) instead of '*', and send Access-Control-Allow-Credentials: true and Vary: Origin.`,
  },
  MissingAllowOriginHeader: {
    chromium: () => "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
    title: () => 'The server did not send Access-Control-Allow-Origin',
    explain: (c) =>
      `The page at ${c.origin} asked ${originLabel(c.url)} for this resource, which is on another origin. ` +
      `A browser only lets a page read a response from another origin when that server says it may, with an ` +
      `Access-Control-Allow-Origin header naming the page's origin. This response has no such header, so the browser ` +
      `received the response but refused to hand it to the page. The request did reach the server: ` +
      `anything it does (writing to a database, sending mail) has already happened.`,
  },
  MultipleAllowOriginValues: {
    chromium: (c) =>
      `The 'Access-Control-Allow-Origin' header contains multiple values '${consoleQuote(c.failedParameter)}', but only one is allowed.${validValueHint(c)}`,
    title: () => 'Access-Control-Allow-Origin has several values',
    explain: (c) =>
      `Access-Control-Allow-Origin must hold exactly one origin (or '*'). This response carries '${c.failedParameter}'. ` +
      `A list is not allowed: the server has to pick the one origin that made the request (${c.origin}) and send only that. ` +
      `Two values usually mean two layers both add the header, for example the application and a reverse proxy or CDN, ` +
      `or a list of allowed origins pasted into the header instead of being checked against the request's Origin.`,
  },
  InvalidAllowOriginValue: {
    chromium: (c) =>
      `The 'Access-Control-Allow-Origin' header contains the invalid value '${consoleQuote(c.failedParameter)}'.${validValueHint(c)}`,
    title: () => 'Access-Control-Allow-Origin is not a valid origin',
    explain: (c) =>
      `Access-Control-Allow-Origin must be an origin written in full, scheme and host (and port when not the default), ` +
      `like ${c.origin}. The server sent '${c.failedParameter}', which is not a URL at all (a host name without ` +
      `'http://' or 'https://' is the usual cause), so it cannot match any page.`,
  },
  AllowOriginMismatch: {
    chromium: (c) =>
      `The 'Access-Control-Allow-Origin' header has a value '${consoleQuote(c.failedParameter)}' that is not equal to the supplied origin.${validValueHint(c)}`,
    title: (c) => `Access-Control-Allow-Origin is '${c.failedParameter}', not ${c.origin}`,
    explain: (c) => mismatchExplanation(c),
  },
  InvalidAllowCredentials: {
    chromium: (c) =>
      `The value of the 'Access-Control-Allow-Credentials' header in the response is '${consoleQuote(c.failedParameter)}' which must be 'true' when the request's credentials mode is 'include'.` +
      (c.initiator === 'xhr' ? XHR_HINT : ''),
    title: (c) =>
      c.allowCredentials === null
        ? 'Credentials sent, but Access-Control-Allow-Credentials is missing'
        : `Credentials sent, but Access-Control-Allow-Credentials is '${c.failedParameter}', not 'true'`,
    explain: (c) =>
      `The page sent this request with credentials (${credentialsSwitch(c.initiator)}), so the browser also needs the ` +
      `server to say it accepts credentialed requests from ${c.origin}: Access-Control-Allow-Credentials must be exactly ` +
      `'true', lower-case. ` +
      (c.allowCredentials === null
        ? 'The response has no Access-Control-Allow-Credentials header at all. '
        : `The response sent '${c.failedParameter}'${c.failedParameter.toLowerCase() === 'true' ? ' (the comparison is case-sensitive)' : ''}. `) +
      'The origin itself was accepted. ' +
      (c.allowCredentials === null
        ? 'Either the server adds Access-Control-Allow-Credentials: true'
        : `Either the server sends Access-Control-Allow-Credentials with exactly the value 'true' instead of '${c.failedParameter}'`) +
      ', or, if this request does not need cookies or HTTP authentication, the page stops asking for credentials.',
  },
} satisfies Record<string, ErrorInfo>;

type AccessCode = keyof typeof accessInfo;

function originLabel(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function mismatchExplanation(c: MessageContext): string {
  const value = c.failedParameter;
  const start = `The server allows '${value}', but the request came from ${c.origin}, and the two must be equal character for character. `;
  if (value === 'null') {
    return `${start}'null' only matches pages with an opaque origin (sandboxed iframes, file: pages, requests after some redirects); granting it is unsafe because any site can create such a page.`;
  }
  if (c.origin === 'null') {
    return `${start}This request's origin became 'null' because it was redirected from one origin to another: the browser hides the original origin after such a redirect. Call the final URL directly, or have every hop allow the origin.`;
  }
  const hint = mismatchHint(value, c.origin);
  return `${start}${hint}`;
}

/** The usual reason an allowed origin differs from the page's, told from the two strings. */
export function mismatchHint(value: string, origin: string): string {
  if (value.replace(/\/+$/, '') === origin) return 'The value has a trailing slash or path; an origin never does.';
  if (value.toLowerCase() === origin.toLowerCase()) return 'Only the letter case differs; browsers compare exactly.';
  const strip = (s: string) => s.replace(/^https?:\/\//, '').replace(/:\d+$/, '');
  if (strip(value) === strip(origin)) return 'Scheme or port differ (http vs https, or a port that is missing or extra).';
  if (value.startsWith(origin)) return 'The value has a path after the origin; only scheme://host[:port] is compared.';
  return 'The server is configured for a different site: it probably has a fixed value, or picks the first entry of its allowlist instead of the one matching the request.';
}

function preflightVariant(code: AccessCode): ErrorInfo {
  const base: ErrorInfo = accessInfo[code];
  return {
    ...base,
    title: (c) => `Preflight: ${base.title(c)}`,
    explain: (c) =>
      `Before sending this ${c.method} request, the browser asked the server for permission with an OPTIONS request ` +
      `(a preflight). The preflight response failed the same origin check an ordinary response must pass. ` +
      base.explain(c) +
      ' The preflight response needs these headers too: they must be set on OPTIONS responses, often handled by a different route, middleware or proxy rule than the endpoint itself.',
  };
}

export const ERRORS: Record<CorsErrorCode, ErrorInfo> = {
  ...accessInfo,
  PreflightWildcardOriginNotAllowed: preflightVariant('WildcardOriginNotAllowed'),
  PreflightMissingAllowOriginHeader: preflightVariant('MissingAllowOriginHeader'),
  PreflightMultipleAllowOriginValues: preflightVariant('MultipleAllowOriginValues'),
  PreflightInvalidAllowOriginValue: preflightVariant('InvalidAllowOriginValue'),
  PreflightAllowOriginMismatch: preflightVariant('AllowOriginMismatch'),
  PreflightInvalidAllowCredentials: preflightVariant('InvalidAllowCredentials'),
  PreflightInvalidStatus: {
    chromium: () => 'It does not have HTTP ok status.',
    title: (c) => `Preflight answered ${c.status ?? 'with an error'}, not 2xx`,
    explain: (c) =>
      `Before sending this ${c.method} request the browser sent an OPTIONS request (a preflight) to ask permission. ` +
      `The server answered it with HTTP ${c.status ?? '(unknown status)'}; only a 2xx status counts as permission. ` +
      (c.status === 401 || c.status === 403
        ? 'A 401 or 403 here almost always means authentication or CSRF middleware rejects OPTIONS: preflights never carry cookies or Authorization, so they must be let through before authentication runs. '
        : c.status === 404 || c.status === 405
          ? 'A 404 or 405 means no route handles OPTIONS for this path: the router only knows the real method. '
          : c.status !== null && c.status >= 500
            ? 'A 5xx means the server crashed or failed on OPTIONS, often because the handler expects a body or a logged-in user. '
            : '') +
      'Answer OPTIONS with 204 and the CORS headers, before any authentication.',
  },
  PreflightDisallowedRedirect: {
    chromium: () => 'Redirect is not allowed for a preflight request.',
    title: () => 'Preflight was redirected',
    explain: (c) =>
      `The server answered the OPTIONS preflight with a redirect (HTTP ${c.status ?? '3xx'}). Browsers never follow ` +
      'redirects for preflights. Common causes: http to https, a missing or extra trailing slash, a login redirect, ' +
      'or a domain change. Call the final URL directly, and make sure OPTIONS is answered where the request lands.',
  },
  InvalidAllowMethodsPreflightResponse: {
    chromium: () => 'Cannot parse Access-Control-Allow-Methods response header field in preflight response.',
    title: () => 'Access-Control-Allow-Methods cannot be parsed',
    explain: () =>
      'Access-Control-Allow-Methods must be a comma-separated list of method names (GET, PUT, DELETE). The preflight ' +
      'response contains something else, such as spaces instead of commas, quotes, or a stray character, so the ' +
      'browser discards the whole header and refuses the request.',
  },
  InvalidAllowHeadersPreflightResponse: {
    chromium: () => 'Cannot parse Access-Control-Allow-Headers response header field in preflight response.',
    title: () => 'Access-Control-Allow-Headers cannot be parsed',
    explain: () =>
      'Access-Control-Allow-Headers must be a comma-separated list of header names (Content-Type, Authorization). The ' +
      'preflight response contains something else, such as spaces instead of commas, quotes, or a colon, so the browser ' +
      'discards the whole header and refuses the request.',
  },
  MethodDisallowedByPreflightResponse: {
    chromium: (c) => `Method ${c.failedParameter} is not allowed by Access-Control-Allow-Methods in preflight response.`,
    title: (c) => `Method ${c.failedParameter} not allowed by the preflight`,
    explain: (c) =>
      `Methods other than GET, HEAD and POST need the server's permission first: the browser sent an OPTIONS request ` +
      `(a preflight) asking whether ${c.failedParameter} is allowed, and the answer's Access-Control-Allow-Methods does ` +
      `not include it.` +
      (c.failedParameter !== c.failedParameter.toUpperCase()
        ? ` Note the case: fetch sends '${c.failedParameter}' exactly as written (only DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased), and method names are case-sensitive. Write '${c.failedParameter.toUpperCase()}' in the page.`
        : ''),
  },
  HeaderDisallowedByPreflightResponse: {
    chromium: (c) => `Request header field ${c.failedParameter} is not allowed by Access-Control-Allow-Headers in preflight response.`,
    title: (c) => `Header ${c.failedParameter} not allowed by the preflight`,
    explain: (c) =>
      `The page set the request header '${c.failedParameter}', which is not one of the few headers a simple request may ` +
      `carry, so the browser asked the server first with an OPTIONS request (a preflight). The answer's ` +
      `Access-Control-Allow-Headers does not list '${c.failedParameter}'.` +
      (c.failedParameter === 'authorization'
        ? " List Authorization by name: with credentials '*' is not a wildcard at all, and without them the Fetch standard says '*' never covers Authorization (Chromium and Firefox still let it, Firefox with a warning that this will stop)."
        : ''),
  },
  RedirectContainsCredentials: {
    chromium: (c) =>
      `Redirect location '${c.failedParameter}' contains a username and password, which is disallowed for cross-origin requests.`,
    title: () => 'Redirected to a URL containing a user name and password',
    explain: (c) =>
      `The server redirected this cross-origin request to ${c.location ?? 'a URL'} that embeds credentials ` +
      '(https://user:password@host/). Browsers refuse to follow such redirects for cross-origin requests. Redirect to a ' +
      'URL without credentials and authenticate with a header or cookie instead.',
  },
  CorsDisabledScheme: {
    chromium: () =>
      'Cross origin requests are only supported for protocol schemes: chrome, chrome-extension, chrome-untrusted, data, http, https, isolated-app.',
    title: () => 'Scheme does not support CORS',
    explain: (c) =>
      `The request (or a redirect) targets ${c.location ?? c.url}, whose scheme does not support cross-origin requests. ` +
      'Pages opened from file:// are a common cause: serve the page over http://localhost instead.',
  },
  DisallowedByMode: {
    chromium: () => 'Cross origin requests are not allowed by request mode.',
    title: () => "Cross-origin request with mode 'same-origin'",
    explain: () =>
      "The page asked for mode: 'same-origin', which forbids any other origin. Use mode 'cors' (the default) if the other server allows it.",
  },
  InvalidResponse: {
    chromium: () => 'The response is invalid.',
    title: () => 'The preflight failed at the network level',
    explain: () => 'The preflight request did not get a valid HTTP response (connection refused, reset, TLS error).',
  },
  InsecureLocalNetwork: localNetwork('The page is not a secure context and the target is on a more private network.'),
  InvalidLocalNetworkAccess: localNetwork('The target address space declared for the request differs from the actual one.'),
  LocalNetworkAccessPermissionDenied: localNetwork('The user denied the local network access permission.'),
  NoCorsRedirectModeNotFollow: {
    chromium: () => 'Request mode is "no-cors" but the redirect mode is not "follow".',
    title: () => "no-cors request with redirect mode other than 'follow'",
    explain: () => "A 'no-cors' request must use redirect: 'follow'.",
  },
};

function localNetwork(what: string): ErrorInfo {
  return {
    chromium: () => what,
    title: () => 'Local network access blocked',
    explain: () =>
      `${what} Chromium restricts requests from public websites to private or local addresses (Local Network Access). This is not decided by CORS headers alone.`,
  };
}

/** Whether Chromium prefixes the message with "Response to preflight request doesn't pass access control check". */
export function hasPreflightPrefix(code: CorsErrorCode): boolean {
  // Exactly the codes named Preflight*: the six origin checks on the preflight, its status, its redirect.
  return code.startsWith('Preflight');
}

/** The word Chromium uses for the resource in "Access to <kind> at ...". */
export function resourceKind(initiator: Initiator): string {
  switch (initiator) {
    case 'fetch':
      return 'fetch';
    case 'xhr':
      return 'XMLHttpRequest';
    case 'font':
      return 'font';
    case 'script':
      return 'script';
    case 'stylesheet':
      return 'CSS stylesheet';
    case 'image':
      return 'image';
    default:
      return 'resource';
  }
}

/**
 * Chromium's console line for a CORS error, e.g. "Access to fetch at 'https://api/x' from origin 'https://app' has
 * been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
 */
export function consoleMessage(code: CorsErrorCode, c: MessageContext, initialUrl: string, finalUrl: string, pageOrigin: string): string {
  const redirected = initialUrl !== finalUrl ? ` (redirected from '${initialUrl}')` : '';
  const prefix = hasPreflightPrefix(code) ? PREFLIGHT_PREFIX : '';
  return `Access to ${resourceKind(c.initiator)} at '${finalUrl}'${redirected} from origin '${pageOrigin}' has been blocked by CORS policy: ${prefix}${ERRORS[code].chromium(c)}`;
}
