/**
 * The one module that touches the browser's extension APIs, through webextension-polyfill (promise-based `browser.*`
 * in Chrome and Firefox alike). Everything else imports from here, so unit tests alias this module to a fake and the
 * rest of the extension never depends on which browser runs it.
 */
import browser from 'webextension-polyfill';
import { type Send, sender } from '../protocol.ts';

export type { Runtime, Tabs, WebNavigation, WebRequest } from 'webextension-polyfill';
export { browser };

/** Sends a typed command to the service worker (protocol.ts). */
export const send: Send = sender(browser.runtime);

/**
 * The tab a panel shows: the inspected tab inside DevTools, or `?tabId=` when the panel page is opened as a normal
 * tab (from the toolbar button, or by a test). Null when neither is available.
 */
export function inspectedTabId(search: string): number | null {
  const devtools = (browser as { devtools?: { inspectedWindow?: { tabId?: number } } }).devtools;
  const fromDevtools = devtools?.inspectedWindow?.tabId;
  if (typeof fromDevtools === 'number') return fromDevtools;
  const param = new URLSearchParams(search).get('tabId');
  const id = param === null ? Number.NaN : Number(param);
  return Number.isInteger(id) && id >= 0 ? id : null;
}
