/**
 * Detailed capture, armed per tab (src/capture/arming.ts explains why). For each armed tab, onSendHeaders and
 * onHeadersReceived with extraHeaders, filtered to that tab; for requests outside any tab (shared and service
 * workers) one more pair, filtered to tab -1, while any tab is armed; or one unfiltered pair when armed everywhere.
 * These listeners are added while the worker runs, so they do not wake a stopped worker: the always-on error
 * listener (index.ts) and the page relay do, and the worker then re-arms from the stored state.
 */
import type { RequestEvent } from '../../src/capture/events.ts';
import { browser } from '../platform/index.ts';
import { CORS_TYPES, HEADERS_OPTIONS, headersEvent, SEND_OPTIONS, sendEvent } from './web-request.ts';

type SendListener = Parameters<typeof browser.webRequest.onSendHeaders.addListener>[0];
type HeadersListener = Parameters<typeof browser.webRequest.onHeadersReceived.addListener>[0];

interface Registration {
  readonly send: SendListener;
  readonly headers: HeadersListener;
}

/** 'all' for the unfiltered pair, else a tab id (-1: requests without a tab). */
type Key = number | 'all';

export class DetailCapture {
  private readonly registered = new Map<Key, Registration>();

  constructor(private readonly observe: (event: RequestEvent) => void) {}

  /** Makes the registered listeners match the armed tabs. */
  apply(tabs: readonly number[], everywhere: boolean): void {
    const wanted = new Set<Key>(everywhere ? ['all'] : tabs.length > 0 ? [...tabs, -1] : []);
    for (const [key, r] of this.registered) {
      if (wanted.has(key)) continue;
      browser.webRequest.onSendHeaders.removeListener(r.send);
      browser.webRequest.onHeadersReceived.removeListener(r.headers);
      this.registered.delete(key);
    }
    for (const key of wanted) {
      if (this.registered.has(key)) continue;
      // Distinct functions per key: removeListener removes a function from every filter it was added with.
      const r: Registration = {
        send: (d) => this.observe(sendEvent(d)),
        headers: (d) => {
          this.observe(headersEvent(d));
        },
      };
      const filter = key === 'all' ? { urls: ['<all_urls>'], types: CORS_TYPES } : { urls: ['<all_urls>'], types: CORS_TYPES, tabId: key };
      browser.webRequest.onSendHeaders.addListener(r.send, filter, SEND_OPTIONS);
      browser.webRequest.onHeadersReceived.addListener(r.headers, filter, HEADERS_OPTIONS);
      this.registered.set(key, r);
    }
  }

  /** Whether detailed events for this tab are being received now. */
  watching(tabId: number): boolean {
    return this.registered.has('all') || this.registered.has(tabId);
  }
}
