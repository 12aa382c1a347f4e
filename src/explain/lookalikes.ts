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
      return {
        title: `Network error ${error}, not CORS`,
        explanation:
          `The request never got an HTTP response: ${error}. The server may be down, the port or host name wrong, ` +
          'the certificate invalid, or a proxy or firewall in the way. Firefox reports this as "CORS request did not ' +
          'succeed" and some tools call it a CORS error, but no CORS header could change it. Check that the URL opens ' +
          'on its own and that the server is running.',
      };
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
