/**
 * CORS Lens service worker: only wiring. The listeners that must wake a stopped worker are registered synchronously at
 * the top level (the browser delivers the event that woke it only to listeners registered by then): the error
 * watcher (in Firefox, its own capture's listeners instead), navigations, tabs, messages and ports. Each hands its
 * event to the service (service.ts), which makes every decision; this file builds the service's platform from the
 * browser's APIs.
 */

import { PANEL_PAGE } from '../paths.ts';
import { browser, isFirefox } from '../platform/index.ts';
import { DetailCapture } from './detail-capture.ts';
import { FirefoxCapture } from './firefox-capture.ts';
import { listenFirefox } from './firefox-web-request.ts';
import type { PortLike, SenderLike } from './ports.ts';
import { LensService } from './service.ts';
import { errorEvent, FILTER } from './web-request.ts';
import { requestReports, tabsShowingOrigin } from './worker-requests.ts';

const detailCapture = new DetailCapture((event) => service.onDetailEvent(event));
// Firefox shows every request's headers to its always-on listeners: no arming, no DevTools needed.
const firefoxCapture = isFirefox ? new FirefoxCapture((record) => service.onRecord(record)) : null;

const service: LensService = new LensService({
  session: {
    get: (keys) => browser.storage.session.get(keys) as Promise<Record<string, unknown>>,
    set: (items) => browser.storage.session.set(items),
    remove: (keys) => browser.storage.session.remove(keys),
  },
  settings: {
    get: (keys) => browser.storage.local.get(keys) as Promise<Record<string, unknown>>,
    set: (items) => browser.storage.local.set(items),
    remove: (keys) => browser.storage.local.remove(keys),
  },
  extensionOrigin: new URL(browser.runtime.getURL('')).origin,
  now: Date.now,
  setBadge(tabId, text) {
    // The tab may have closed in the meantime; that rejection is expected.
    browser.action.setBadgeText({ tabId, text }).catch(() => undefined);
  },
  async openTabs() {
    return (await browser.tabs.query({})).flatMap((t) => (t.id !== undefined && t.url ? [{ id: t.id, url: t.url }] : []));
  },
  tabsShowingOrigin,
  requestReports,
  detailCapture: firefoxCapture ? { apply: () => undefined, watching: () => true } : detailCapture,
  ...(firefoxCapture ? { ownCapture: firefoxCapture } : {}),
});

// The badge's color, once for every tab (not with each count: each call is a trip to the browser process).
browser.action.setBadgeBackgroundColor({ color: '#c5221f' }).catch(() => undefined);

if (firefoxCapture) listenFirefox((event) => firefoxCapture.handle(event));
else browser.webRequest.onErrorOccurred.addListener((d) => service.onError(errorEvent(d)), FILTER);

browser.webNavigation.onCommitted.addListener((d) =>
  service.onNavigation(d.tabId, d.frameId, (d as { documentId?: string }).documentId ?? null, d.url, d.timeStamp),
);

browser.tabs.onRemoved.addListener((tabId) => service.onTabRemoved(tabId));

browser.runtime.onConnect.addListener((port) => service.onConnect(port as unknown as PortLike));

browser.runtime.onMessage.addListener((message: unknown, sender: unknown) => service.onMessage(message, sender as SenderLike));

browser.action.onClicked.addListener((tab) => {
  if (tab.id === undefined) return;
  void browser.tabs.create({ url: browser.runtime.getURL(`${PANEL_PAGE}?tabId=${tab.id}`), index: (tab.index ?? 0) + 1 });
});
