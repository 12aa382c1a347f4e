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

interface DevtoolsPanels {
  themeName?: string;
  setThemeChangeHandler?: (handler: (theme: string) => void) => void;
}

function devtoolsApi(): { panels?: DevtoolsPanels; inspectedWindow?: { tabId?: number; reload?: (options?: object) => void } } | undefined {
  return (browser as { devtools?: ReturnType<typeof devtoolsApi> }).devtools;
}

/**
 * Follows DevTools' theme when the panel runs inside DevTools: calls `onTheme` with whether it is dark, now and on
 * every change. Returns false as a page, where the system's preference applies.
 */
export function watchDevtoolsTheme(onTheme: (dark: boolean) => void): boolean {
  const panels = devtoolsApi()?.panels;
  if (typeof panels?.themeName !== 'string') return false;
  onTheme(panels.themeName === 'dark');
  panels.setThemeChangeHandler?.((theme) => onTheme(theme === 'dark'));
  return true;
}

/** Reloads a tab: the inspected page through DevTools when the panel is inside it, otherwise through tabs. */
export async function reloadTab(tabId: number): Promise<void> {
  const inspected = devtoolsApi()?.inspectedWindow;
  if (inspected?.tabId === tabId && inspected.reload) {
    inspected.reload({});
    return;
  }
  await browser.tabs.reload(tabId);
}

/** "CORS Lens 0.1.0": what wrote an export or a report. */
export function productName(): string {
  const manifest = browser.runtime.getManifest();
  return `${manifest.name} ${manifest.version}`;
}
