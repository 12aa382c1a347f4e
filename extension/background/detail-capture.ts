/**
 * Detailed capture, armed per tab (src/capture/arming.ts explains why). For each armed tab, onSendHeaders and
 * onHeadersReceived with extraHeaders, filtered to that tab. Requests outside any tab (shared and service workers)
 * get none: a filter of tab -1 does not mean "no tab" to Chromium, it matches every request of the browser
 * (measured: arming one tab that way gave details of every other tab), so it would slow the whole browser down.
 * These listeners are added while the worker runs, so they do not wake a stopped worker: the always-on error
 * listener (index.ts) and the page relay do, and the worker then re-arms from the stored state.
 */
import type { RequestEvent } from '../../src/index.ts';
import { browser } from '../platform/index.ts';
import { CORS_TYPES, HEADERS_OPTIONS, headersEvent, SEND_OPTIONS, sendEvent } from './web-request.ts';

type SendListener = Parameters<typeof browser.webRequest.onSendHeaders.addListener>[0];
type HeadersListener = Parameters<typeof browser.webRequest.onHeadersReceived.addListener>[0];

interface Registration {
  readonly send: SendListener;
  readonly headers: HeadersListener;
}

type Key = number;

export class DetailCapture {
  private readonly registered = new Map<Key, Registration>();

  constructor(private readonly observe: (event: RequestEvent) => void) {}

  /** Makes the registered listeners match the armed tabs. */
  apply(tabs: readonly number[]): void {
    const wanted = new Set<Key>(tabs.filter((t) => t >= 0));
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
      const filter = { urls: ['<all_urls>'], types: CORS_TYPES, tabId: key };
      browser.webRequest.onSendHeaders.addListener(r.send, filter, SEND_OPTIONS);
      browser.webRequest.onHeadersReceived.addListener(r.headers, filter, HEADERS_OPTIONS);
      this.registered.set(key, r);
    }
  }

  /** Whether detailed events for this tab are being received now. */
  watching(tabId: number): boolean {
    return this.registered.has(tabId);
  }
}
