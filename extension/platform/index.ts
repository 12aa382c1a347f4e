/**
 * The one module that touches the browser's extension APIs, through webextension-polyfill (promise-based `browser.*`
 * in Chrome and Firefox alike). Everything else imports from here, so unit tests alias this module to a fake and the
 * rest of the extension never depends on which browser runs it.
 */
import browser from 'webextension-polyfill';
import { type Send, sender } from '../protocol.ts';

export type { Runtime, Tabs, WebNavigation, WebRequest } from 'webextension-polyfill';
export { browser };

/**
 * Whether this is Firefox: its extension pages are moz-extension:// URLs. One build serves both browsers; where they
 * differ (capture: background/firefox-capture.ts; what it sees, below) the code asks here.
 * Not runtime.getBrowserInfo: a Firefox devtools page has no such function, and would read its network log for nothing.
 */
export const isFirefox: boolean = browser.runtime.getURL('/').startsWith('moz-extension:');

/**
 * Whether the extension sees every request's details on every tab, always (Firefox's webRequest, for its own
 * capture): then there is no per-site switch to show and no DevTools log to read. Chromium needs both.
 */
export const seesEveryDetail: boolean = isFirefox;

/** Sends a typed command to the service worker (protocol.ts). */
export const send: Send = sender(browser.runtime);

/**
 * The tab a panel shows: the inspected tab inside DevTools, or `?tabId=` when the panel page is opened as a normal
 * tab (from the toolbar button, or by a test). Null when neither is available.
 */
export function inspectedTabId(search: string): number | null {
  const fromDevtools = devtoolsTabId();
  if (fromDevtools !== null) return fromDevtools;
  const param = new URLSearchParams(search).get('tabId');
  const id = param === null ? Number.NaN : Number(param);
  return Number.isInteger(id) && id >= 0 ? id : null;
}

function devtoolsTabId(): number | null {
  const devtools = (browser as { devtools?: { inspectedWindow?: { tabId?: number } } }).devtools;
  const id = devtools?.inspectedWindow?.tabId;
  return typeof id === 'number' ? id : null;
}

/** Whether this page runs inside DevTools (the panel there), rather than as a page of its own. */
export function inDevtools(): boolean {
  return devtoolsTabId() !== null;
}

/**
 * Reloads the inspected page so that its requests run again with details captured: from DevTools through
 * inspectedWindow (DevTools' network log then sees them), from a panel page through the tabs API (its tab has
 * detailed capture while the panel is open).
 */
export async function reloadInspected(tabId: number): Promise<void> {
  const devtools = (browser as { devtools?: { inspectedWindow?: { reload(options?: object): void } } }).devtools;
  if (inDevtools() && devtools?.inspectedWindow) devtools.inspectedWindow.reload({});
  else await browser.tabs.reload(tabId);
}

interface DevtoolsPanels {
  themeName?: string;
  setThemeChangeHandler?: (handler: (theme: string) => void) => void;
}

/**
 * Follows DevTools' theme when the panel runs inside DevTools: calls `onTheme` with whether it is dark, now and on
 * every change. Returns false as a page, where the system's preference applies.
 */
export function watchDevtoolsTheme(onTheme: (dark: boolean) => void): boolean {
  const panels = (browser as { devtools?: { panels?: DevtoolsPanels } }).devtools?.panels;
  if (typeof panels?.themeName !== 'string') return false;
  onTheme(panels.themeName === 'dark');
  panels.setThemeChangeHandler?.((theme) => onTheme(theme === 'dark'));
  return true;
}

/** "CORS Lens 0.1.0": what wrote an export or a report. */
export function productName(): string {
  const manifest = browser.runtime.getManifest();
  return `${manifest.name} ${manifest.version}`;
}
