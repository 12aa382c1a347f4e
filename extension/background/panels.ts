/**
 * Live updates to open panels over a long-lived port. A panel subscribes to one tab and gets the tab's whole log,
 * then every change. The worker may die at any time; the panel reconnects and resubscribes (see panel/use-tab-log).
 */
import type { TabChange, TabLog } from '../../src/capture/tab-log.ts';
import { browser, type Runtime } from '../platform/index.ts';
import { PANEL_PORT, type PanelMessage, type WorkerMessage } from '../protocol.ts';

const subscribers = new Map<number, Set<Runtime.Port>>();
let panelsChanged: (tabId: number, open: boolean) => void = () => {};

/** Called when the first panel opens on a tab, or the last one closes. */
export function onPanelsChange(listener: (tabId: number, open: boolean) => void): void {
  panelsChanged = listener;
}

/** The tabs a panel is open on. */
export function panelTabs(): number[] {
  return [...subscribers].filter(([, set]) => set.size > 0).map(([tabId]) => tabId);
}

function unsubscribe(tabId: number, port: Runtime.Port): void {
  const set = subscribers.get(tabId);
  if (!set?.delete(port) || set.size > 0) return;
  subscribers.delete(tabId);
  panelsChanged(tabId, false);
}

function post(port: Runtime.Port, message: WorkerMessage): void {
  try {
    port.postMessage(message);
  } catch {
    // Disconnected: onDisconnect removes it.
  }
}

export function onPanelConnect(log: TabLog, port: Runtime.Port): void {
  if (port.name !== PANEL_PORT || port.sender?.id !== browser.runtime.id) return;
  let tabId: number | null = null;
  port.onMessage.addListener(async (message: unknown) => {
    const m = message as PanelMessage;
    if (m?.type !== 'subscribe' || !Number.isInteger(m.tabId)) return;
    await log.ready;
    if (tabId !== null) unsubscribe(tabId, port);
    tabId = m.tabId;
    // Snapshot and subscription in the same task: no change can fall between them.
    const snapshot = log.snapshotNow(tabId);
    let set = subscribers.get(tabId);
    if (!set) {
      set = new Set();
      subscribers.set(tabId, set);
    }
    set.add(port);
    if (set.size === 1) panelsChanged(tabId, true);
    post(port, { type: 'snapshot', snapshot });
  });
  port.onDisconnect.addListener(() => {
    if (tabId !== null) unsubscribe(tabId, port);
  });
}

/** Changes waiting to be posted, per tab: a burst of failures reaches a panel as one message, not hundreds. */
const pending = new Map<number, WorkerMessage[]>();
let flushTimer: ReturnType<typeof setTimeout> | null = null;
const BATCH_MS = 30;

export function publish(change: TabChange): void {
  const set = subscribers.get(change.tabId);
  if (!set || set.size === 0) return;
  let message: WorkerMessage;
  switch (change.type) {
    case 'record':
      message = { type: 'record', record: change.record, summary: change.summary };
      break;
    case 'reset':
      message = { type: 'reset', summary: change.summary };
      break;
    case 'retracted':
      message = { type: 'retracted', id: change.id, summary: change.summary };
      break;
    case 'removed':
      return;
  }
  const list = pending.get(change.tabId) ?? [];
  list.push(message);
  pending.set(change.tabId, list);
  if (flushTimer === null) flushTimer = setTimeout(flush, BATCH_MS);
}

function flush(): void {
  flushTimer = null;
  for (const [tabId, messages] of pending) {
    for (const port of subscribers.get(tabId) ?? [])
      post(port, messages.length === 1 ? (messages[0] as WorkerMessage) : { type: 'batch', messages });
  }
  pending.clear();
}
