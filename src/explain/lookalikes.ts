/**
 * Failures that look like CORS but are not a CORS rule violation, or where the CORS error hides the real problem:
 * each gets its own explanation, because the fix is elsewhere.
 */
import type { Verdict } from '../cors/engine.ts';
import type { Credentials, Exchange, LookalikeKind } from '../model.ts';

const CORS_NET_ERROR = 'net::ERR_FAILED';

export function lookalikeOf(exchange: Exchange, verdict: Verdict, _credentials: Credentials): LookalikeKind | null {
  const error = exchange.error;
  if (error !== null && error !== CORS_NET_ERROR) {
    if (error === 'net::ERR_ABORTED') return 'aborted';
    if (error === 'net::ERR_INSUFFICIENT_RESOURCES') return 'resource-limit';
    return 'network-error';
  }
  const code = verdict.status?.corsError;
  if (code) {
    const hop = exchange.hops[verdict.hop];
    const response = verdict.stage === 'preflight' ? hop?.preflight?.response : hop?.response;
    const status = response?.status ?? 0;
    const missing = code === 'MissingAllowOriginHeader' || code === 'PreflightMissingAllowOriginHeader';
    if ((missing && status >= 400) || (code === 'PreflightInvalidStatus' && (status === 401 || status === 403))) {
      return 'error-status-without-cors';
    }
    return null;
  }
  if (!verdict.corsApplied && exchange.request.mode !== 'no-cors') return 'not-cors';
  if (exchange.request.mode === 'no-cors') return 'opaque-response';
  return null;
}

export interface LookalikeText {
  readonly title: string;
  readonly explanation: string;
}

export function lookalikeText(kind: LookalikeKind, exchange: Exchange, verdict: Verdict): LookalikeText {
  const hop = exchange.hops[verdict.hop];
  const error = exchange.error ?? '';
  switch (kind) {
    case 'network-error':
      return networkErrorText(error);
    case 'aborted':
      return {
        title: 'Request cancelled (net::ERR_ABORTED), not CORS',
        explanation:
          'The request was cancelled before it finished: the page navigated away, an AbortController fired, or the ' +
          'element that started it was removed. Nothing about CORS.',
      };
    case 'resource-limit':
      return {
        title: 'Too many requests at once (net::ERR_INSUFFICIENT_RESOURCES), not CORS',
        explanation:
          'The browser refused to start this request because too many were in flight at the same time. Limit the ' +
          'number of concurrent requests in the page; no server change will help.',
      };
    case 'error-status-without-cors': {
      const response = verdict.stage === 'preflight' ? hop?.preflight?.response : hop?.response;
      const status = response?.status ?? 0;
      const onPreflight = verdict.stage === 'preflight';
      return {
        title: `HTTP ${status}${onPreflight ? ' on the preflight' : ''} without CORS headers: the real error is hidden`,
        explanation:
          `The server answered ${onPreflight ? 'the OPTIONS preflight' : 'this request'} with HTTP ${status}, and that ` +
          'error response does not carry the CORS headers, so the browser hides it from the page and reports a CORS ' +
          'error instead. The server most likely adds CORS headers only to successful responses (nginx add_header or ' +
          'Apache Header set without "always", or a framework error handler that runs outside the CORS middleware)' +
          (status === 401 || status === 403 ? ', or authentication rejects the preflight, which never carries cookies or tokens' : '') +
          `. Two fixes: send the CORS headers on every response, errors included, so the page sees the real ${status}; ` +
          `and fix whatever caused the ${status}.`,
      };
    }
    case 'third-party-cookies-blocked':
      return {
        title: 'Third-party cookies blocked: the request went without cookies',
        explanation: 'The page asked for credentials, but the browser blocks third-party cookies for this site, so no cookie was sent.',
      };
    case 'opaque-response':
      return {
        title: "Opaque 'no-cors' response: the page cannot read it",
        explanation:
          "The request used mode 'no-cors'. The browser sent it and got a response, but the page only receives an " +
          'opaque, empty response (status 0, no headers, no body). That is by design: no-cors never lets a page read ' +
          "another origin's data. Use mode 'cors' and have the server send Access-Control-Allow-Origin.",
      };
    case 'not-cors':
      return {
        title: 'Same-origin request: CORS does not apply',
        explanation: `The request went to the page's own origin (${exchange.request.origin}), so no CORS check ran.`,
      };
  }
}

/** Network errors whose cause is known from the code alone: the general wording would send the user the wrong way. */
const KNOWN_NETWORK_ERRORS: Readonly<Record<string, { title: string; cause: string }>> = {
  'net::ERR_UNSAFE_PORT': {
    title: 'Port blocked by the browser (net::ERR_UNSAFE_PORT), not CORS',
    cause:
      'the browser blocks this port: it is on the list of ports browsers refuse to connect to (ports of mail, IRC, ' +
      'X11 and other services such as 25, 6000, 6665-6669 or 10080), so that web pages cannot talk to those services. ' +
      'The request never left the browser and no server setting can allow it: serve the API on another port.',
  },
  'net::ERR_CONNECTION_REFUSED': {
    title: 'Connection refused (net::ERR_CONNECTION_REFUSED), not CORS',
    cause: 'nothing accepted the connection on that host and port: the server is not running, or listens on another port or address.',
  },
  'net::ERR_NAME_NOT_RESOLVED': {
    title: 'Host name not found (net::ERR_NAME_NOT_RESOLVED), not CORS',
    cause: 'the host name in the URL does not resolve: check it for typos, and that the DNS record exists where the page runs.',
  },
};

function networkErrorText(error: string): LookalikeText {
  const known = KNOWN_NETWORK_ERRORS[error];
  const notCors =
    'Firefox reports this as "CORS request did not succeed" and some tools call it a CORS error, but no CORS header could change it.';
  if (known) {
    return { title: known.title, explanation: `The request never got an HTTP response (${error}): ${known.cause} ${notCors}` };
  }
  const certificate = error.startsWith('net::ERR_CERT_') || error.startsWith('net::ERR_SSL_');
  return {
    title: `Network error ${error}, not CORS`,
    explanation:
      `The request never got an HTTP response: ${error}. ` +
      (certificate
        ? "The server's TLS certificate or connection was refused by the browser (expired, self-signed, wrong host name, old protocol). "
        : 'The server may be down, the port or host name wrong, the certificate invalid, or a proxy or firewall in the way. ') +
      `${notCors} Check that the URL opens on its own and that the server is running.`,
  };
}
