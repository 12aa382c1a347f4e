/**
 * Asking pages and finding tabs. Requests made outside any tab: a shared worker's or a service worker's fetches reach webRequest with tabId -1
 * (a dedicated worker's carry its page's tab). They belong to the tabs that show a document of the worker's origin,
 * found when such a request fails (rare enough that asking the browser each time costs nothing).
 */
import { originOf } from '../../src/index.ts';
import { browser } from '../platform/index.ts';
import { SEND_REPORTS } from '../protocol.ts';
import type { FrameRef } from './service.ts';

/** How long a relay's answer is awaited: it answers once its reports were received, retrying a stopping worker. */
const RELAY_ANSWER_MS = 1500;

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

/**
 * Asks page relays for the reports they hold: the given frames (each at its document, so a frame that navigated since
 * is not asked for another document's), or every frame of the tab. A frame without a relay (a browser page, a
 * document still loading) just does not answer.
 */
export async function requestReports(tabId: number, frames?: readonly FrameRef[]): Promise<void> {
  const targets =
    frames ??
    ((await browser.webNavigation.getAllFrames({ tabId }).catch(() => null)) ?? []).map((f) => ({
      frameId: f.frameId,
      documentId: (f as { documentId?: string }).documentId ?? null,
    }));
  await Promise.all(
    targets.map((f) => {
      const options = f.documentId ? { frameId: f.frameId, documentId: f.documentId } : { frameId: f.frameId };
      const answered = browser.tabs.sendMessage(tabId, SEND_REPORTS, options).catch(() => undefined);
      return Promise.race([answered, new Promise((resolve) => setTimeout(resolve, RELAY_ANSWER_MS))]);
    }),
  );
}
