/**
 * The CORS model: an exchange (what the page asked for and what the servers answered, as observed) goes in,
 * a diagnosis (the browser's verdict, in the browser's words, with the headers at fault and a plain explanation)
 * comes out. Plain data both ways, so it can be stored, sent between extension contexts and tested as tables.
 */
import type { Divergence } from './divergence.ts';
import type { HeaderList } from './headers.ts';

/** Fetch request credentials mode; 'unknown' when nothing observed tells it. */
export type CredentialsMode = 'omit' | 'same-origin' | 'include';

/** How the credentials mode was learnt, strongest first. */
export type CredentialsSource =
  | 'page' // the page's own call (fetch init, withCredentials), reported by the page relay
  | 'cookie-sent' // a Cookie header went to another origin: only credentials mode 'include' does that
  | 'storage-access-header' // Sec-Fetch-Storage-Access is sent on cross-site requests with credentials 'include'
  | 'inferred' // only 'include' explains the browser's refusal
  | 'default'; // nothing observed: the API's default ('same-origin'); CORS treats it like 'omit'

export interface Credentials {
  readonly mode: CredentialsMode;
  readonly source: CredentialsSource;
}

/** Fetch request mode as observed (Sec-Fetch-Mode), 'unknown' when the browser did not send it. */
export type RequestMode = 'cors' | 'no-cors' | 'same-origin' | 'navigate' | 'websocket' | 'unknown';

/** What started the request: the page API or the element type. Chooses wording and the client-side fix. */
export type Initiator = 'fetch' | 'xhr' | 'eventsource' | 'font' | 'script' | 'stylesheet' | 'image' | 'media' | 'worker' | 'other';

export interface ResponseFacts {
  readonly status: number;
  readonly headers: HeaderList;
}

export interface PreflightFacts {
  /** Request headers of the OPTIONS request (Origin, Access-Control-Request-Method, -Headers). */
  readonly requestHeaders: HeaderList;
  /** The preflight's response; null when it never came (network error, aborted). */
  readonly response: ResponseFacts | null;
  /** Network error of the preflight itself, when it had one (net::ERR_CONNECTION_REFUSED...). */
  readonly error: string | null;
}

/**
 * One URL the request visited. The first hop is the request's own URL; each redirect adds a hop. A hop's response
 * is the redirect response (3xx with Location) for every hop but the last.
 */
export interface Hop {
  readonly url: string;
  /** The Origin header the browser sent on this hop, when observed ("null" after a tainting redirect). */
  readonly originSent: string | null;
  /** Request headers the browser sent on this hop; null when the request never reached the network on this hop. */
  readonly requestHeaders: HeaderList | null;
  /** The preflight sent for this hop, if one was observed. */
  readonly preflight: PreflightFacts | null;
  readonly response: ResponseFacts | null;
}

export interface RequestFacts {
  readonly url: string;
  /** The method as sent on the wire: fetch upper-cases only DELETE, GET, HEAD, OPTIONS, POST, PUT. */
  readonly method: string;
  /** Serialized origin of the document or worker that made the request. */
  readonly origin: string;
  readonly mode: RequestMode;
  readonly credentials: Credentials;
  readonly initiator: Initiator;
  /**
   * The request headers the page set (names and values), as far as known. When the preflight failed the actual
   * request never reached the network and only the names listed in Access-Control-Request-Headers are known.
   */
  readonly headers: HeaderList;
}

export interface Exchange {
  readonly request: RequestFacts;
  readonly hops: readonly Hop[];
  /** The network error the browser ended the request with (net::ERR_FAILED for CORS), null when it completed. */
  readonly error: string | null;
}

/** Chromium's network::mojom::CorsError names that an exchange's headers and facts can determine. */
export const CORS_ERRORS = [
  'DisallowedByMode',
  'InvalidResponse',
  'WildcardOriginNotAllowed',
  'MissingAllowOriginHeader',
  'MultipleAllowOriginValues',
  'InvalidAllowOriginValue',
  'AllowOriginMismatch',
  'InvalidAllowCredentials',
  'CorsDisabledScheme',
  'PreflightInvalidStatus',
  'PreflightDisallowedRedirect',
  'PreflightWildcardOriginNotAllowed',
  'PreflightMissingAllowOriginHeader',
  'PreflightMultipleAllowOriginValues',
  'PreflightInvalidAllowOriginValue',
  'PreflightAllowOriginMismatch',
  'PreflightInvalidAllowCredentials',
  'InvalidAllowMethodsPreflightResponse',
  'InvalidAllowHeadersPreflightResponse',
  'MethodDisallowedByPreflightResponse',
  'HeaderDisallowedByPreflightResponse',
  'RedirectContainsCredentials',
  'InsecureLocalNetwork',
  'InvalidLocalNetworkAccess',
  'LocalNetworkAccessPermissionDenied',
  'NoCorsRedirectModeNotFollow',
] as const;

export type CorsErrorCode = (typeof CORS_ERRORS)[number];

/** What Chromium reports over CDP for a blocked request: Network.loadingFailed.corsErrorStatus. */
export interface CorsErrorStatus {
  readonly corsError: CorsErrorCode;
  readonly failedParameter: string;
}

/** Where in the exchange the rule was broken. */
export type Stage = 'preflight' | 'redirect' | 'response' | 'request';

/** A header at fault, shown side by side: what the browser received and what it needed. */
export interface HeaderFinding {
  readonly name: string;
  /** Which message carried (or should have carried) it. */
  readonly where: 'request' | 'preflight-request' | 'preflight-response' | 'redirect-response' | 'response';
  /** Every line received, in order; empty when absent. Secret values are never here. */
  readonly received: readonly string[];
  /** What would have passed, in words or as a value. */
  readonly needed: string;
  /**
   * fault: must change for the request to pass; ok: already right; browser: sent by the browser, shown for
   * comparison; advice: not checked by the browser, but recommended with the fix.
   */
  readonly state: 'fault' | 'ok' | 'browser' | 'advice';
}

/** Firefox's own verdict on an exchange (cors/firefox.ts), when it blocks the request with a CORS reason. */
export interface FirefoxReason {
  /** The MDN page name, e.g. CORSMissingAllowCredentials. */
  readonly key: string;
  /** The message Firefox prints in its console for it, word for word. */
  readonly text: string;
  readonly mdnUrl: string;
}

/** Not a CORS rule violation, but looks like one (or hides one): each gets its own explanation. */
export type LookalikeKind =
  | 'network-error'
  | 'aborted'
  | 'resource-limit'
  | 'error-status-without-cors'
  | 'third-party-cookies-blocked'
  | 'opaque-response'
  | 'not-cors';

export interface Note {
  readonly kind: LookalikeKind | WarningKind | 'preflight-reason' | 'preflight-cached' | 'credentials-inferred';
  readonly text: string;
}

/** Fragile setups on requests that passed (or details worth knowing on failed ones). Never counted as failures. */
export type WarningKind =
  | 'echo-without-vary'
  | 'authorization-wildcard'
  | 'credentialed-null-origin'
  | 'unexposed-headers'
  | 'credentials-unverified';

export interface Diagnosis {
  /** fail: the browser's CORS check refused it; lookalike: the request failed for another reason; pass: no failure. */
  readonly result: 'fail' | 'pass' | 'lookalike';
  /** Chromium's verdict, as CDP reports it; null unless verdict is 'fail'. */
  readonly status: CorsErrorStatus | null;
  readonly stage: Stage | null;
  /** Index of the hop at fault (0 is the request URL). */
  readonly hop: number;
  /** The origin the browser compared with: the page's, or "null" after a redirect tainted it. */
  readonly origin: string;
  /** Chromium's console message, full text. */
  readonly consoleMessage: string;
  /** Firefox's verdict, also when Chromium's differs; null when Firefox reports no CORS reason. */
  readonly firefox: FirefoxReason | null;
  /** Whether Chromium and Firefox decide this exchange alike, and how they differ. */
  readonly divergence: Divergence;
  /** One-line summary for the list. */
  readonly title: string;
  /** Plain-language explanation for someone meeting CORS for the first time. */
  readonly explanation: string;
  /** When the explanation is about a look-alike, the CORS rule the browser applied, in the same plain words. */
  readonly rule?: string;
  readonly headers: readonly HeaderFinding[];
  /** The credentials mode the verdict was computed with, and how it was known. */
  readonly credentials: Credentials;
  readonly lookalike: LookalikeKind | null;
  readonly notes: readonly Note[];
  readonly warnings: readonly Note[];
}
