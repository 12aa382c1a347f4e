/**
 * CORS Lens service worker. Only wiring. The listeners that must wake a stopped worker are registered synchronously
 * at the top level: the error watcher (every failure, on every tab, at little cost), navigations, tabs, messages and
 * ports. Detailed capture is added per armed tab (detail-capture.ts, src/capture/arming.ts). State lives in
 * storage.session (the tab log, the arming); memory is a cache.
 */

import { Arming, type ArmingSnapshot, isDevelopmentOrigin } from '../../src/capture/arming.ts';
import type { RequestEvent } from '../../src/capture/events.ts';
import { type PageHint, parseHint } from '../../src/capture/events.ts';
import { toRecord } from '../../src/capture/records.ts';
import { TabLog } from '../../src/capture/tab-log.ts';
import { type Captured, ExchangeTracker, type PageSender } from '../../src/capture/tracker.ts';
import { PANEL_PAGE } from '../panel/page.ts';
import { browser, type Runtime } from '../platform/index.ts';
import { HINTS_PORT, handle } from '../protocol.ts';
import { forgetTab, showCount } from './badge.ts';
import { DetailCapture } from './detail-capture.ts';
import { onPanelConnect, onPanelsChange, panelTabs, publish } from './panels.ts';
import { sessionStore } from './session-store.ts';
import { errorEvent, FILTER } from './web-request.ts';
import { tabsShowingOrigin } from './worker-requests.ts';

const ARMING_KEY = 'arming';
/** When the worker last handled a request event (written at most once a second). */
const ACTIVITY_KEY = 'activity';
const IDLE_STOP_MS = 30_000;
let activityWritten = 0;
const STARTED_AT = Date.now();
const RECEIVED = { received: true, armed: false } as const;
const tracker = new ExchangeTracker({ startedAt: STARTED_AT });
const log = new TabLog(sessionStore);
const detail = new DetailCapture(observe);
const arming = new Arming();

/** Resolves once the stored arming is restored and applied: detailed capture is on where it should be. */
const armed: Promise<void> = (async () => {
  const stored = (await browser.storage.session.get([ARMING_KEY, ACTIVITY_KEY]).catch(() => ({}))) as {
    [ARMING_KEY]?: ArmingSnapshot;
    [ACTIVITY_KEY]?: number;
  };
  // The browser stops an idle worker after 30 s without events; one stopped sooner was stopped mid-traffic, and
  // the events handed to it while it stopped were lost: the page's failure reports may fill them in for a while.
  const lastActivity = stored[ACTIVITY_KEY];
  if (typeof lastActivity === 'number' && STARTED_AT - lastActivity < IDLE_STOP_MS) tracker.openBlindSpot(Date.now());
  const restored = new Arming(stored[ARMING_KEY]);
  // Panels reconnect by themselves and re-arm; development tabs carry over, then are looked up anew.
  for (const tabId of restored.armedTabs()) if (restored.reasons(tabId).includes('dev-origin')) arming.arm(tabId, 'dev-origin');
  arming.setEverywhere(restored.everywhere);
  applyArming();
  let changed = false;
  for (const tab of await browser.tabs.query({})) {
    if (tab.id !== undefined && tab.url && isDevelopmentOrigin(tab.url)) changed = arming.arm(tab.id, 'dev-origin') || changed;
  }
  if (changed) applyArming();
})();

/** The tabs told they are armed, so that only changes are sent. */
let toldArmed = new Set<number>();

/**
 * Brings the detailed listeners in line with the arming, stores it, and tells the pages of tabs whose arming changed:
 * on a tab that is not armed the page hook stays quiet (its hints would only cost the page).
 */
function applyArming(): void {
  for (const tabId of panelTabs()) arming.arm(tabId, 'panel');
  const tabs = arming.armedTabs();
  detail.apply(tabs, arming.everywhere);
  void browser.storage.session.set({ [ARMING_KEY]: arming.toJSON() }).catch(() => undefined);
  const now = new Set(tabs);
  for (const tabId of now) if (!toldArmed.has(tabId)) tellPage(tabId, true);
  for (const tabId of toldArmed) if (!now.has(tabId)) tellPage(tabId, false);
  toldArmed = now;
}

function tellPage(tabId: number, armed: boolean): void {
  // A tab without the relay (a browser page, or still loading) simply does not answer.
  browser.tabs.sendMessage(tabId, { channel: 'cors-lens', type: 'armed', payload: armed }).catch(() => undefined);
}

log.onChange((change) => {
  publish(change);
  if (change.type === 'removed') forgetTab(change.tabId);
  else showCount(change.summary);
});

onPanelsChange((tabId, open) => {
  if (open) arming.arm(tabId, 'panel');
  else arming.disarm(tabId, 'panel');
  applyArming();
});

function record(captured: Captured | null): void {
  if (!captured) return;
  if (captured.phase === 'completed') {
    // The request went out after all (its preflight passed): take back what the preflight's response recorded.
    if (captured.tabId >= 0) void log.retract(captured.tabId, captured.recordId);
    return;
  }
  // Already recorded when its response arrived, and the error event tells nothing new: keep the handler short.
  if (captured.settled && log.has(captured.tabId, captured.recordId)) return;
  if (captured.tabId < 0) {
    // A shared or service worker's request: shown on every tab of the worker's origin.
    void tabsShowingOrigin(captured.exchange.request.origin).then((tabIds) => {
      for (const tabId of tabIds) record({ ...captured, tabId, frameId: -1, documentId: null });
    });
    return;
  }
  const failure = toRecord(captured);
  if (failure) void log.add(failure);
}

/** A call the page saw fail: recorded only in a restart's blind spot (tracker.pageFailure says when). */
async function pageFailure(from: PageSender, hint: PageHint): Promise<void> {
  // Just after a restart the report may come before the errors that show requests were lost: give them a moment.
  await armed;
  let captured = tracker.pageFailure(from, hint, Date.now());
  for (let i = 0; !captured && i < 5 && Date.now() - STARTED_AT < 3000; i++) {
    await new Promise((r) => setTimeout(r, 100));
    captured = tracker.pageFailure(from, hint, Date.now());
  }
  if (captured && !(await log.hasRequest(from.tabId, from.documentId, hint.method, hint.url))) record(captured);
}

function observe(event: RequestEvent): void {
  record(tracker.handle(event));
  const now = Date.now();
  if (now - activityWritten >= 1000) {
    activityWritten = now;
    void browser.storage.session.set({ [ACTIVITY_KEY]: now }).catch(() => undefined);
  }
}

// Errors wait for the arming to be restored: on an armed tab, one whose details were not seen was lost to the
// restart (and may be filled in by the page's report), on any other it was not watched.
browser.webRequest.onErrorOccurred.addListener((d) => {
  void armed.then(() => observe(errorEvent(d, detail.watching(d.tabId) || arming.isArmed(d.tabId))));
}, FILTER);

browser.webNavigation.onCommitted.addListener((d) => {
  if (d.frameId !== 0) return;
  void log.navigate(d.tabId, (d as { documentId?: string }).documentId ?? null, d.url);
  const changed = isDevelopmentOrigin(d.url) ? arming.arm(d.tabId, 'dev-origin') : arming.disarm(d.tabId, 'dev-origin');
  if (changed) applyArming();
});

browser.tabs.onRemoved.addListener((tabId) => {
  void log.remove(tabId);
  if (arming.forget(tabId)) applyArming();
});

browser.runtime.onConnect.addListener((port) => {
  if (port.name === HINTS_PORT) onHintsConnect(port);
  else onPanelConnect(log, port);
});

browser.action.onClicked.addListener((tab) => {
  if (tab.id === undefined) return;
  void browser.tabs.create({ url: browser.runtime.getURL(`${PANEL_PAGE}?tabId=${tab.id}`), index: (tab.index ?? 0) + 1 });
});

/**
 * What a page relay said about its page's calls, in order. The sender's tab and document come from the browser, not
 * from the page: a hint can only describe its own page.
 */
async function takeHints(payload: unknown, sender: Runtime.MessageSender): Promise<{ received: true; armed: boolean }> {
  const { documentId, origin } = sender as { documentId?: string; origin?: string };
  if (!Array.isArray(payload) || !documentId || sender.tab?.id === undefined) return RECEIVED;
  const reply = { received: true, armed: arming.isArmed(sender.tab.id) } as const;
  const from = { tabId: sender.tab.id, frameId: sender.frameId ?? 0, documentId, origin: origin ?? 'null' };
  const failures = [];
  for (const item of payload.slice(0, 200)) {
    const hint = parseHint(item);
    if (!hint) continue;
    if (hint.outcome === 'failed') failures.push(hint);
    else record(tracker.hint(documentId, hint, Date.now()));
  }
  for (const hint of failures) await pageFailure(from, hint);
  return reply;
}

/** A page relay's port: batches of call starts, and the tab's arming posted back whenever it differs. */
function onHintsConnect(port: Runtime.Port): void {
  const sender = port.sender;
  if (!sender?.tab) return;
  let told: boolean | null = null;
  port.onMessage.addListener(async (batch: unknown) => {
    const { armed } = await takeHints(batch, sender);
    if (armed === told) return;
    told = armed;
    try {
      port.postMessage({ channel: 'cors-lens', type: 'armed', payload: armed });
    } catch {
      // The page went away.
    }
  });
}

handle<Runtime.MessageSender>(browser.runtime, {
  hints: takeHints,
  snapshot: ({ tabId }) => log.snapshot(tabId),
  async clear({ tabId }) {
    await log.clear(tabId);
    return undefined;
  },
  async preserve({ tabId, preserve }) {
    await log.setPreserve(tabId, preserve);
    return undefined;
  },
  async ready() {
    await Promise.all([log.ready, armed]);
    return { ready: true, tabs: log.summaries().length };
  },
});

// After a restart: drop logs of tabs that closed while the worker was stopped, and repaint the badges.
void log.ready.then(async () => {
  const open = new Set((await browser.tabs.query({})).map((t) => t.id));
  for (const summary of log.summaries()) {
    if (!open.has(summary.tabId)) {
      void log.remove(summary.tabId);
      arming.forget(summary.tabId);
    } else showCount(summary);
  }
});
