/**
 * Requests made outside any tab: a shared worker's or a service worker's fetches reach webRequest with tabId -1
 * (a dedicated worker's carry its page's tab). They belong to the tabs that show a document of the worker's origin,
 * found when such a request fails (rare enough that asking the browser each time costs nothing).
 */
import { originOf } from '../../src/index.ts';
import { browser } from '../platform/index.ts';

export async function tabsShowingOrigin(origin: string): Promise<number[]> {
  if (origin === 'null' || !/^https?:/.test(origin)) return [];
  const found: number[] = [];
  for (const tab of await browser.tabs.query({})) {
    if (tab.id === undefined || tab.id < 0) continue;
    const frames = (await browser.webNavigation.getAllFrames({ tabId: tab.id }).catch(() => null)) ?? [];
    if (frames.some((f) => originOf(f.url) === origin)) found.push(tab.id);
  }
  return found;
}
