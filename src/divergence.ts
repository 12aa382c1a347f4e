/**
 * Whether Chromium and Firefox decide an exchange the same way, from the engine's two modes (cors/engine.ts for
 * Chromium, cors/firefox.ts for Firefox), and in words when they do not: "passes in Chromium, fails in Firefox
 * (CORSMultipleAllowOriginNotAllowed)". A setup that passes in one browser and fails in the other is worth telling.
 */
import { evaluate, nextOrigin, redirectLocation, type Verdict } from './cors/engine.ts';
import { evaluateFirefox, type FirefoxVerdict } from './cors/firefox.ts';
import { headerValue } from './headers.ts';
import type { CredentialsMode, Exchange } from './model.ts';

/** One browser's decision: it lets the request through, blocks it (with its own name for why), or cannot be told. */
export type BrowserDecision =
  | { readonly outcome: 'pass' }
  | { readonly outcome: 'fail'; readonly reason: string }
  | { readonly outcome: 'unknown' };

export interface Divergence {
  /** Both decide alike (or one of them cannot be told from this exchange). */
  readonly same: boolean;
  readonly chromium: BrowserDecision;
  readonly firefox: BrowserDecision;
  /** How they differ, in one line; null when they do not. */
  readonly text: string | null;
}

/** A failure's name: Chromium's CorsError code (with its failedParameter), Firefox's MDN reason (with its value). */
const reasonText = (name: string, parameter: string) => (parameter === '' ? name : `${name}: ${parameter}`);
const NO_REASON = 'a network error without a CORS reason';

/**
 * Whether the servers answered the Origin this browser would have sent. A server may echo the Origin it gets, so a
 * response to another Origin says nothing about this browser. Both send the page's origin until a redirect makes it
 * "null" (the Fetch standard's rule); Chromium's preflight carries that same origin, Firefox's always the page's
 * (recorded: m-redirect-put-307-other-*).
 */
function answeredThisBrowser(exchange: Exchange, browser: 'chromium' | 'firefox'): boolean {
  let origin = exchange.request.origin;
  for (const hop of exchange.hops) {
    const preflightOrigin = hop.preflight ? headerValue(hop.preflight.requestHeaders, 'origin') : null;
    const sentOrigin = hop.requestHeaders ? headerValue(hop.requestHeaders, 'origin') : null;
    if (preflightOrigin !== null && preflightOrigin !== (browser === 'firefox' ? exchange.request.origin : origin)) return false;
    if (sentOrigin !== null && sentOrigin !== origin) return false;
    const location = redirectLocation(hop);
    if (location !== null) origin = nextOrigin(origin, hop.url, location);
  }
  return true;
}

/** A verdict of either mode as a decision: 'unknown' when the exchange lacks what it needs, or answered another Origin. */
function decision(exchange: Exchange, browser: 'chromium' | 'firefox', v: Verdict | FirefoxVerdict): BrowserDecision {
  if (!answeredThisBrowser(exchange, browser)) return { outcome: 'unknown' };
  if (v.status) {
    const [name, parameter] =
      'corsError' in v.status ? [v.status.corsError, v.status.failedParameter] : [v.status.reason, v.status.parameter];
    return { outcome: 'fail', reason: reasonText(name, parameter) };
  }
  if (v.incomplete) return { outcome: 'unknown' };
  return v.blocked ? { outcome: 'fail', reason: NO_REASON } : { outcome: 'pass' };
}

/** Chromium's decision for the exchange. */
export function chromiumDecision(exchange: Exchange, credentials: CredentialsMode): BrowserDecision {
  return decision(exchange, 'chromium', evaluate(exchange, credentials));
}

/** Firefox's decision for the exchange. */
export function firefoxDecision(exchange: Exchange, credentials: CredentialsMode): BrowserDecision {
  return decision(exchange, 'firefox', evaluateFirefox(exchange, credentials));
}

/**
 * Compares the two browsers on one exchange, as observed in either of them. When the observing browser stopped at
 * the preflight, the response the other would go on to judge is unknown: the decision is 'unknown', not a guess.
 */
export function divergence(exchange: Exchange, credentials: CredentialsMode = exchange.request.credentials.mode): Divergence {
  return compareVerdicts(exchange, evaluate(exchange, credentials), evaluateFirefox(exchange, credentials));
}

/** The same comparison from verdicts already made (the diagnosis has both), judged with one credentials mode. */
export function compareVerdicts(exchange: Exchange, chromiumVerdict: Verdict, firefoxVerdict: FirefoxVerdict): Divergence {
  const chromium = decision(exchange, 'chromium', chromiumVerdict);
  const firefox = decision(exchange, 'firefox', firefoxVerdict);
  if (chromium.outcome === 'unknown' || firefox.outcome === 'unknown' || chromium.outcome === firefox.outcome) {
    return { same: true, chromium, firefox, text: null };
  }
  const text =
    chromium.outcome === 'pass'
      ? `passes in Chromium, fails in Firefox (${firefox.outcome === 'fail' ? firefox.reason : ''})`
      : `passes in Firefox, fails in Chromium (${chromium.outcome === 'fail' ? chromium.reason : ''})`;
  return { same: false, chromium, firefox, text };
}
