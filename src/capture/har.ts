/**
 * Exchanges from DevTools' own network log. While DevTools is open on a tab, the extension's devtools page can read
 * every request of that tab as a HAR entry (chrome.devtools.network.getHAR), and for CORS the log holds everything a
 * diagnosis needs, at no cost to the page (docs/capture.md):
 * - a CORS-blocked response is an entry with its real status and headers and `_error: "net::ERR_FAILED"`;
 * - each preflight is an entry of its own (`_resourceType: "preflight"`, `_initiator.url` the request's URL) with
 *   Access-Control-Request-* and the preflight's response;
 * - a request stopped by its preflight is an entry with status 0, an error and no headers;
 * - each redirect is an entry of its own (status 3xx, Location; `redirectURL` is empty in Chromium 156), followed by
 *   the entry for the URL it led to.
 * The log has no credentials mode and no CORS verdict: the engine judges, the page relay tells the mode.
 *
 * The assembler keeps recent preflights and redirects, and turns each entry that ended a request into an exchange,
 * after a short settling delay (a preflight's entry may come just after the request it was for). Bounded in count and
 * in time whatever the page does.
 */
import { type HeaderList, hasHeader, headerValue, headerValues, namesListedIn } from '../headers.ts';
import type { Credentials, Exchange, Hop, Initiator, PreflightFacts, RequestMode } from '../model.ts';
import { originOf, sameOrigin } from '../origin.ts';

/** The part of a HAR entry the assembler reads (the devtools page copies these fields and nothing else). */
export interface HarEntry {
  /** ms since the epoch (HAR startedDateTime). */
  readonly started: number;
  /** Chromium's `_resourceType`: fetch, xhr, eventsource, preflight, script, stylesheet, image, font, media, other... */
  readonly resourceType: string;
  /** `_initiator.url` of a preflight: the URL of the request it was sent for. */
  readonly preflightFor: string | null;
  readonly method: string;
  readonly url: string;
  readonly requestHeaders: HeaderList;
  /** 0 when no response came (the request never reached the network, or failed before a response). */
  readonly status: number;
  readonly responseHeaders: HeaderList;
  /** `_error`: the network error the request ended with, or null. */
  readonly error: string | null;
}

/** A request's exchange as DevTools saw it, keyed for joining with the browser's error event for the same request. */
export interface LoggedExchange {
  /** When the request started (its first hop), ms since the epoch. */
  readonly started: number;
  /** The method and URL of the last hop: what webRequest's error event names. */
  readonly method: string;
  readonly url: string;
  readonly resourceType: string;
  readonly exchange: Exchange;
}

export interface AssemblerOptions {
  /** How long an entry that ended a request waits for the entries it needs, ms. */
  readonly settleMs?: number;
  /** How long preflights and redirects are kept for the requests they belong to, ms. */
  readonly keepMs?: number;
  /** Most preflights and redirects kept. */
  readonly maxKept?: number;
  /** Most entries waiting to settle. */
  readonly maxWaiting?: number;
  /** How long a request that never left waits for a preflight DevTools lists late, ms. */
  readonly preflightWaitMs?: number;
}

const DEFAULTS: Required<AssemblerOptions> = { settleMs: 60, keepMs: 30_000, maxKept: 512, maxWaiting: 512, preflightWaitMs: 1000 };

/** Errors that end a request without anything to diagnose (cancelled, DevTools' own cache probe). */
const NOISE_ERRORS = new Set(['net::ERR_ABORTED', 'net::ERR_CACHE_MISS']);

const INITIATORS: Record<string, Initiator> = {
  fetch: 'fetch',
  xhr: 'xhr',
  eventsource: 'eventsource',
  script: 'script',
  stylesheet: 'stylesheet',
  image: 'image',
  font: 'font',
  media: 'media',
};

interface Kept {
  readonly entry: HarEntry;
  claimed: boolean;
}

export class HarAssembler {
  private readonly options: Required<AssemblerOptions>;
  /** Preflights and redirect responses, oldest first. */
  private kept: Kept[] = [];
  /** Entries that ended a request, waiting for their preflight or earlier hops to arrive. */
  private waiting: { entry: HarEntry; at: number }[] = [];

  constructor(options: AssemblerOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Takes one finished entry as DevTools delivered it. */
  add(entry: HarEntry, now: number): void {
    // A redirect the browser refused (its CORS check failed) ends the request: it has an error, and no next hop.
    if (entry.resourceType === 'preflight' || (isRedirect(entry) && entry.error === null)) {
      this.kept.push({ entry, claimed: false });
      if (this.kept.length > this.options.maxKept) this.kept.shift();
      return;
    }
    if (!mayBeCors(entry)) return;
    this.waiting.push({ entry, at: now });
    if (this.waiting.length > this.options.maxWaiting) this.waiting.shift();
  }

  /** The exchanges whose entries have settled: every request that failed, and every cross-origin one that passed. */
  take(now: number): LoggedExchange[] {
    const out: LoggedExchange[] = [];
    const ready: HarEntry[] = [];
    const still: typeof this.waiting = [];
    for (const w of this.waiting) {
      const age = now - w.at;
      const settled = age >= this.options.settleMs && (age >= this.options.preflightWaitMs || !this.awaitsPreflight(w.entry));
      if (settled) ready.push(w.entry);
      else still.push(w);
    }
    if (ready.length === 0) return out;
    this.waiting = still;
    for (const entry of ready) {
      const logged = this.assemble(entry);
      if (logged) out.push(logged);
    }
    const limit = now - this.options.keepMs;
    this.kept = this.kept.filter((k) => !k.claimed && k.entry.started >= limit);
    return out;
  }

  /**
   * Whether an entry may be a request its preflight stopped whose preflight is not in yet: DevTools lists a preflight
   * that ended in a network error (a redirect, a refused connection) after the request it stopped, in a burst.
   */
  private awaitsPreflight(entry: HarEntry): boolean {
    return entry.status === 0 && entry.error !== null && !this.kept.some((k) => !k.claimed && isPreflightFor(k.entry, entry.url));
  }

  /** Whether entries are waiting to settle (the caller then calls take again after settleMs). */
  get pending(): boolean {
    return this.waiting.length > 0;
  }

  private assemble(last: HarEntry): LoggedExchange | null {
    // Walk the redirects back from the entry that ended the request.
    const chain: HarEntry[] = [last];
    for (let current = last; chain.length < 25; ) {
      const before = this.claim((k) => isRedirect(k) && k.error === null && k.started <= current.started && locationOf(k) === current.url);
      if (!before) break;
      chain.unshift(before);
      current = before;
    }
    const first = chain[0] as HarEntry;
    const hops: Hop[] = chain.map((entry) => this.hop(entry));
    const firstHop = hops[0] as Hop;
    const origin =
      headerValue(first.requestHeaders, 'origin') ??
      headerValue(firstHop.preflight?.requestHeaders ?? [], 'origin') ??
      firstHop.originSent ??
      hops.find((h) => h.originSent !== null)?.originSent ??
      'null';
    const leaves = chain.some((e) => !sameOrigin(origin, originOf(e.url)));
    if (last.error === null && !leaves) return null;
    // A request its preflight stopped never left: DevTools lists the headers it was to carry, but not all the browser
    // would have added (no client hints), so only the names the preflight announced are taken, as webRequest gives
    // them; the engine adds the browser's own (cors/header-order.ts).
    const requestHeaders =
      first.status === 0 && firstHop.preflight
        ? namesListedIn(firstHop.preflight.requestHeaders, 'access-control-request-headers')
        : first.requestHeaders;
    const exchange: Exchange = {
      request: {
        url: first.url,
        method: first.method,
        origin,
        mode: modeOf(first, firstHop.preflight),
        credentials: credentialsOf(chain, origin),
        initiator: INITIATORS[first.resourceType] ?? 'other',
        headers: requestHeaders,
      },
      hops,
      error: last.error,
    };
    return { started: first.started, method: last.method, url: last.url, resourceType: first.resourceType, exchange };
  }

  private hop(entry: HarEntry): Hop {
    // Without a response the request may never have left: DevTools then shows the headers the page meant to send
    // (a request its preflight stopped), not ones the server got.
    const reached = entry.status > 0;
    const preflightEntry = this.claim(
      (k) =>
        isPreflightFor(k, entry.url) &&
        k.started <= entry.started + 1000 &&
        (headerValue(k.requestHeaders, 'access-control-request-method') ?? '') === entry.method,
    );
    const preflight: PreflightFacts | null = preflightEntry
      ? {
          requestHeaders: preflightEntry.requestHeaders,
          response: preflightEntry.status > 0 ? { status: preflightEntry.status, headers: preflightEntry.responseHeaders } : null,
          error: preflightEntry.error,
        }
      : null;
    return {
      url: entry.url,
      originSent: headerValue(reached ? entry.requestHeaders : (preflightEntry?.requestHeaders ?? []), 'origin'),
      requestHeaders: reached ? entry.requestHeaders : null,
      preflight,
      response: entry.status > 0 ? { status: entry.status, headers: entry.responseHeaders } : null,
    };
  }

  /** The earliest kept entry that matches, marked as used. */
  private claim(match: (e: HarEntry) => boolean): HarEntry | null {
    for (const k of this.kept) {
      if (!k.claimed && match(k.entry)) {
        k.claimed = true;
        return k.entry;
      }
    }
    return null;
  }
}

/** Whether an entry is the preflight DevTools lists for a request to this URL. */
function isPreflightFor(e: HarEntry, url: string): boolean {
  return e.resourceType === 'preflight' && (e.preflightFor ?? e.url) === url;
}

function isRedirect(e: HarEntry): boolean {
  return e.resourceType !== 'preflight' && [301, 302, 303, 307, 308].includes(e.status) && hasHeader(e.responseHeaders, 'location');
}

/** A redirect's target, resolved against its URL; '' when it has none that parses. */
function locationOf(e: HarEntry): string {
  const location = headerValues(e.responseHeaders, 'location')[0];
  if (location === undefined) return '';
  try {
    return new URL(location, e.url).href;
  } catch {
    return '';
  }
}

/** Whether an entry may end a CORS request worth a look: navigations and same-document noise are not. */
function mayBeCors(e: HarEntry): boolean {
  if (
    e.resourceType === 'document' ||
    e.resourceType === 'websocket' ||
    e.resourceType === 'ping' ||
    e.resourceType === 'csp-violation-report'
  )
    return false;
  if (e.error !== null) return !NOISE_ERRORS.has(e.error);
  // A passing request is worth assembling only when it was a CORS request (warnings about fragile setups).
  return hasHeader(e.requestHeaders, 'origin');
}

function modeOf(first: HarEntry, preflight: PreflightFacts | null): RequestMode {
  const mode = headerValue(first.requestHeaders, 'sec-fetch-mode') ?? headerValue(preflight?.requestHeaders ?? [], 'sec-fetch-mode');
  if (mode === 'cors' || mode === 'no-cors' || mode === 'same-origin' || mode === 'navigate' || mode === 'websocket') return mode;
  if (preflight) return 'cors';
  return hasHeader(first.requestHeaders, 'origin') ? 'cors' : 'unknown';
}

/** What the log shows of the credentials mode: a cookie sent to another origin, or Sec-Fetch-Storage-Access. */
function credentialsOf(chain: readonly HarEntry[], origin: string): Credentials {
  for (const e of chain) {
    if (hasHeader(e.requestHeaders, 'cookie') && !sameOrigin(origin, originOf(e.url))) return { mode: 'include', source: 'cookie-sent' };
    if (hasHeader(e.requestHeaders, 'sec-fetch-storage-access')) return { mode: 'include', source: 'storage-access-header' };
  }
  return { mode: 'same-origin', source: 'default' };
}
