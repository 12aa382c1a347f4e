/**
 * The request lifecycle as the extension observes it, in plain data: the background adapter turns each
 * chrome.webRequest event into one of these (and nothing else), so the correlation logic is testable without a browser.
 */
import type { HeaderList } from '../headers.ts';
import type { CredentialsMode, RequestMode } from '../model.ts';

export interface RequestEventBase {
  readonly requestId: string;
  readonly url: string;
  readonly method: string;
  /** webRequest ResourceType: xmlhttprequest, font, script, stylesheet, image, media, other... */
  readonly type: string;
  readonly tabId: number;
  readonly frameId: number;
  readonly documentId: string | null;
  /** The requesting origin as serialized by the browser (may be "null"). */
  readonly initiator: string | null;
  readonly timeStamp: number;
  /**
   * False when only the always-on error watcher saw this event: the tab had no detailed capture armed then, so the
   * request's headers were never observed (arming.ts).
   */
  readonly watched?: boolean;
}

export interface SendEvent extends RequestEventBase {
  readonly kind: 'send';
  readonly requestHeaders: HeaderList;
}

export interface HeadersEvent extends RequestEventBase {
  readonly kind: 'headers';
  readonly statusCode: number;
  readonly responseHeaders: HeaderList;
}

export interface ErrorEvent extends RequestEventBase {
  readonly kind: 'error';
  readonly error: string;
}

export interface CompletedEvent extends RequestEventBase {
  readonly kind: 'completed';
  readonly statusCode: number;
}

export type RequestEvent = SendEvent | HeadersEvent | ErrorEvent | CompletedEvent;

/** The API a page used, reported by the page relay. */
export type PageApi = 'fetch' | 'xhr' | 'eventsource';

/**
 * What the page relay reports about one call it saw the page make. A page can forge these: they are hints about that
 * page's own requests only, used to refine a failure the browser itself reported, never to create one.
 */
export interface PageHint {
  readonly api: PageApi;
  /** Absolute URL, fragment removed. */
  readonly url: string;
  readonly method: string;
  readonly credentials: CredentialsMode;
  readonly mode: Extract<RequestMode, 'cors' | 'no-cors' | 'same-origin' | 'navigate'>;
  /**
   * Set when the page reports how the call ended: 'failed' is what a page sees of a CORS failure (TypeError);
   * 'closed' is an event stream the page closed itself (the network then ends it with net::ERR_FAILED).
   */
  readonly outcome?: 'failed' | 'closed';
  /**
   * On a failure report: when the page hook saw the call start, ms since the epoch (the hook runs in the page's world:
   * a page that lies here only misdescribes its own calls).
   */
  readonly startedAt?: number;
  /**
   * On a failure report: when the relay (the extension's isolated world, out of the page's reach) got the report, at
   * the call's failure. Relays hold reports until the worker asks (relay.iife.ts); this tells a restarted worker
   * which failures its predecessor already saw.
   */
  readonly endedAt?: number;
}

const APIS: readonly string[] = ['fetch', 'xhr', 'eventsource'];
const CREDENTIALS: readonly string[] = ['omit', 'same-origin', 'include'];
const MODES: readonly string[] = ['cors', 'no-cors', 'same-origin', 'navigate'];
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}$/;

/** Validates an untrusted hint. Returns null (drop it) for anything not exactly of the expected shape. */
export function parseHint(value: unknown): PageHint | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const { api, url, method, credentials, mode } = v;
  if (typeof api !== 'string' || !APIS.includes(api)) return null;
  if (typeof url !== 'string' || url.length > 8192 || !/^https?:\/\//i.test(url)) return null;
  if (typeof method !== 'string' || !METHOD.test(method)) return null;
  if (typeof credentials !== 'string' || !CREDENTIALS.includes(credentials)) return null;
  if (typeof mode !== 'string' || !MODES.includes(mode)) return null;
  if (v.outcome !== undefined && v.outcome !== 'failed' && v.outcome !== 'closed') return null;
  const { startedAt, endedAt } = v;
  if (startedAt !== undefined && (typeof startedAt !== 'number' || !Number.isFinite(startedAt))) return null;
  if (endedAt !== undefined && (typeof endedAt !== 'number' || !Number.isFinite(endedAt))) return null;
  const hint: PageHint = { api: api as PageApi, url, method, credentials: credentials as CredentialsMode, mode: mode as PageHint['mode'] };
  if (v.outcome === 'closed') return { ...hint, outcome: 'closed' };
  if (v.outcome !== 'failed') return hint;
  return {
    ...hint,
    outcome: 'failed',
    ...(startedAt === undefined ? {} : { startedAt }),
    ...(endedAt === undefined ? {} : { endedAt: endedAt as number }),
  };
}
