/**
 * CORS Lens service worker. Only wiring: every listener is registered synchronously at the top level so that an
 * event that wakes a stopped worker is delivered; state lives in the tab log (storage.session), memory is a cache.
 */

import type { RequestEvent } from '../../src/capture/events.ts';
import { parseHint } from '../../src/capture/events.ts';
import { toRecord } from '../../src/capture/records.ts';
import { TabLog } from '../../src/capture/tab-log.ts';
import { type Captured, ExchangeTracker } from '../../src/capture/tracker.ts';
import { browser, type Runtime } from '../platform/index.ts';
import { handle } from '../protocol.ts';
import { forgetTab, showCount } from './badge.ts';
import { onPanelConnect, publish } from './panels.ts';
import { sessionStore } from './session-store.ts';
import { completedEvent, errorEvent, FILTER, HEADERS_OPTIONS, headersEvent, SEND_OPTIONS, sendEvent } from './web-request.ts';
import { tabsShowingOrigin } from './worker-requests.ts';

const tracker = new ExchangeTracker({ startedAt: Date.now() });
const log = new TabLog(sessionStore);

log.onChange((change) => {
  publish(change);
  if (change.type === 'removed') forgetTab(change.tabId);
  else showCount(change.summary);
});

function record(captured: Captured | null): void {
  if (!captured) return;
  if (captured.phase === 'completed') {
    // The request succeeded after all: take back what its response (or preflight) recorded, if anything.
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

function observe(event: RequestEvent): void {
  record(tracker.handle(event));
}

browser.webRequest.onSendHeaders.addListener((d) => observe(sendEvent(d)), FILTER, SEND_OPTIONS);
browser.webRequest.onHeadersReceived.addListener((d) => observe(headersEvent(d)), FILTER, HEADERS_OPTIONS);
browser.webRequest.onErrorOccurred.addListener((d) => observe(errorEvent(d)), FILTER);
browser.webRequest.onCompleted.addListener((d) => observe(completedEvent(d)), FILTER);

browser.webNavigation.onCommitted.addListener((d) => {
  if (d.frameId !== 0) return;
  void log.navigate(d.tabId, (d as { documentId?: string }).documentId ?? null, d.url);
});

browser.tabs.onRemoved.addListener((tabId) => {
  void log.remove(tabId);
});

browser.runtime.onConnect.addListener((port) => onPanelConnect(log, port));

browser.action.onClicked.addListener((tab) => {
  if (tab.id === undefined) return;
  void browser.tabs.create({ url: browser.runtime.getURL(`extension/panel/panel.html?tabId=${tab.id}`), index: (tab.index ?? 0) + 1 });
});

handle<Runtime.MessageSender>(browser.runtime, {
  async hint(payload, sender) {
    const hint = parseHint(payload);
    const { documentId, origin } = sender as { documentId?: string; origin?: string };
    // The sender's tab and document come from the browser, not from the page: a hint can only describe its own page.
    if (!hint || !documentId || sender.tab?.id === undefined) return undefined;
    if (hint.outcome !== 'failed') {
      record(tracker.hint(documentId, hint, Date.now()));
      return undefined;
    }
    const tabId = sender.tab.id;
    const captured = tracker.pageFailure({ tabId, frameId: sender.frameId ?? 0, documentId, origin: origin ?? 'null' }, hint, Date.now());
    if (captured && !(await log.hasRequest(tabId, documentId, hint.method, hint.url))) record(captured);
    return undefined;
  },
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
    await log.ready;
    return { ready: true, tabs: log.summaries().length };
  },
});

// After a restart: drop logs of tabs that closed while the worker was stopped, and repaint the badges.
void log.ready.then(async () => {
  const open = new Set((await browser.tabs.query({})).map((t) => t.id));
  for (const summary of log.summaries()) {
    if (!open.has(summary.tabId)) void log.remove(summary.tabId);
    else showCount(summary);
  }
});
