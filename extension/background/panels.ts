/**
 * Live updates to open panels over long-lived ports. A panel subscribes to one tab and gets the tab's whole log and
 * capture state, then every change, batched: a burst of failures reaches a panel as one message, not hundreds. The
 * worker may die at any time; the panel reconnects and subscribes again (see panel/use-tab-log).
 */
import type { TabChange, TabSnapshot } from '../../src/index.ts';
import type { CaptureState, WorkerMessage } from '../protocol.ts';
import type { PortLike } from './ports.ts';

const BATCH_MS = 30;

interface Subscription {
  readonly tabId: number;
  readonly asPage: boolean;
}

export class PanelHub {
  private readonly subscribers = new Map<PortLike, Subscription>();
  private readonly pending = new Map<number, WorkerMessage[]>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  /** Called when the set of tabs with a panel open as a page changes (they get detailed capture). */
  constructor(private readonly onPagePanelsChange: () => void) {}

  /** Subscribes a panel's port to a tab: the snapshot goes out in the same task, so no change falls between. */
  subscribe(port: PortLike, tabId: number, asPage: boolean, snapshot: TabSnapshot, capture: CaptureState): void {
    const before = this.subscribers.get(port);
    this.subscribers.set(port, { tabId, asPage });
    post(port, { type: 'snapshot', snapshot, capture });
    if (asPage || before?.asPage) this.onPagePanelsChange();
  }

  unsubscribe(port: PortLike): void {
    const gone = this.subscribers.get(port);
    this.subscribers.delete(port);
    if (gone?.asPage) this.onPagePanelsChange();
  }

  /** Tabs with a panel open as a page. */
  pageTabs(): Set<number> {
    const tabs = new Set<number>();
    for (const s of this.subscribers.values()) if (s.asPage) tabs.add(s.tabId);
    return tabs;
  }

  /** Tabs with any panel subscribed. */
  tabs(): Set<number> {
    return new Set([...this.subscribers.values()].map((s) => s.tabId));
  }

  publish(change: TabChange): void {
    switch (change.type) {
      case 'record':
        this.queue(change.tabId, { type: 'record', record: change.record, summary: change.summary });
        break;
      case 'reset':
        this.queue(change.tabId, { type: 'reset', summary: change.summary });
        break;
      case 'retracted':
        this.queue(change.tabId, { type: 'retracted', id: change.id, summary: change.summary });
        break;
      case 'removed':
        break;
    }
  }

  /** Tells the tab's panels how much is being captured now. */
  capture(tabId: number, capture: CaptureState): void {
    this.queue(tabId, { type: 'capture', capture });
  }

  private queue(tabId: number, message: WorkerMessage): void {
    if (!this.tabs().has(tabId)) return;
    const list = this.pending.get(tabId) ?? [];
    list.push(message);
    this.pending.set(tabId, list);
    this.flushTimer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    this.flushTimer = null;
    for (const [port, { tabId }] of this.subscribers) {
      const messages = this.pending.get(tabId);
      if (messages) post(port, messages.length === 1 ? (messages[0] as WorkerMessage) : { type: 'batch', messages });
    }
    this.pending.clear();
  }
}

function post(port: PortLike, message: WorkerMessage): void {
  try {
    port.postMessage(message);
  } catch {
    // Disconnected: onDisconnect unsubscribes it.
  }
}
