/**
 * Live updates to open panels over long-lived ports. A panel subscribes to one tab and gets the tab's whole log and
 * capture state, then every change, batched: a burst of failures reaches a panel as one message, not hundreds. The
 * worker may die at any time; the panel reconnects and subscribes again (see panel/use-tab-log).
 */
import type { TabChange, TabSnapshot } from '../../src/index.ts';
import type { CaptureState, WorkerMessage } from '../protocol.ts';
import type { PortLike } from './ports.ts';

const BATCH_MS = 30;
/**
 * A batch of at least `changes` changes means a burst: the next batch waits `ms`, and a row updated meanwhile (its
 * first version, the page's word 50 ms later, DevTools' details a quarter second later) goes once, in its latest
 * version. The panel renders three times a second in a burst anyway (panel/use-tab-log's BUSY), so no row shows later
 * for it; a failure now and then still goes after BATCH_MS.
 */
const BUSY = { changes: 20, ms: 300 };
/**
 * In a burst on a tab whose details come from DevTools' log (they follow within a second or so: devtools/network-log.ts
 * reads the log every half second or more, and sends at most every quarter second), a row listed without details waits
 * for them, and the rows after it with it (the panel lists rows in the order they come): it goes once it has them, or
 * with the first batch after it waited this long (batches are BUSY.ms apart in a burst, so at most 0.8 s). So the panel
 * gets and renders most of a burst's failures once, with their details, instead of twice. A failure now and then, on a
 * tab not in a burst, is not held: it goes at once; nor is a row queued with a change of the tab's capture state.
 */
const DETAILS_HOLD_MS = 500;

/** A tab's changes waiting for the next batch, and where each record's latest version is among them. */
interface Pending {
  readonly messages: WorkerMessage[];
  readonly at: Map<string, number>;
  /** Changes queued, versions replaced included (what tells a burst). */
  changes: number;
  /** When each record among them was first queued (a row held for its details waits from then). */
  readonly since: Map<string, number>;
}

interface Subscription {
  readonly tabId: number;
  readonly asPage: boolean;
}

export class PanelHub {
  private readonly subscribers = new Map<PortLike, Subscription>();
  private readonly pending = new Map<number, Pending>();
  /**
   * The capture state each subscribed tab's panels were last told (in their snapshot, then by `capture`): with
   * 'devtools', details follow a row without them.
   */
  private readonly states = new Map<number, CaptureState>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Until when the next batch waits (after a burst's batch), by the worker's clock. */
  private busyUntil = 0;
  /** Tabs whose last batch was a burst's, or held rows: their rows without details wait for them (DETAILS_HOLD_MS). */
  private readonly bursting = new Set<number>();

  /** Called when the set of tabs with a panel open as a page changes (they get detailed capture). */
  constructor(private readonly onPagePanelsChange: () => void) {}

  /** Subscribes a panel's port to a tab: the snapshot goes out in the same task, so no change falls between. */
  subscribe(port: PortLike, tabId: number, asPage: boolean, snapshot: TabSnapshot, capture: CaptureState): void {
    const before = this.subscribers.get(port);
    this.subscribers.set(port, { tabId, asPage });
    if (before) this.forgetUnwatched(before.tabId);
    this.states.set(tabId, capture);
    post(port, { type: 'snapshot', snapshot, capture });
    if (asPage || before?.asPage) this.onPagePanelsChange();
  }

  unsubscribe(port: PortLike): void {
    const gone = this.subscribers.get(port);
    this.subscribers.delete(port);
    if (gone) this.forgetUnwatched(gone.tabId);
    if (gone?.asPage) this.onPagePanelsChange();
  }

  private forgetUnwatched(tabId: number): void {
    if (this.tabs().has(tabId)) return;
    this.states.delete(tabId);
    this.bursting.delete(tabId);
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

  /** Tells the tab's panels how much is being captured now, if that is not what they were last told. */
  capture(tabId: number, capture: CaptureState): void {
    if (!this.tabs().has(tabId) || this.states.get(tabId) === capture) return;
    this.states.set(tabId, capture);
    this.queue(tabId, { type: 'capture', capture });
  }

  private queue(tabId: number, message: WorkerMessage): void {
    if (!this.tabs().has(tabId)) return;
    let pending = this.pending.get(tabId);
    if (!pending) {
      pending = emptyPending();
      this.pending.set(tabId, pending);
    }
    pending.changes++;
    if (message.type === 'record' && !pending.since.has(message.record.id)) pending.since.set(message.record.id, Date.now());
    coalesce(pending, message);
    this.schedule();
  }

  private schedule(): void {
    this.flushTimer ??= setTimeout(() => this.flush(), Math.max(BATCH_MS, this.busyUntil - Date.now()));
  }

  private flush(): void {
    this.flushTimer = null;
    const now = Date.now();
    const changes = Math.max(0, ...[...this.pending.values()].map((p) => p.changes));
    const held = new Map<number, Pending>();
    const due = new Map<number, readonly WorkerMessage[]>();
    for (const [tabId, pending] of this.pending) {
      // In a burst, the batch stops at the first row whose details are on their way: it and what follows wait.
      const bursting = this.bursting.has(tabId) || pending.changes >= BUSY.changes;
      const steady = !pending.messages.some((m) => m.type === 'capture');
      const cut = bursting && steady ? pending.messages.findIndex((m) => this.waitsForDetails(tabId, m, pending, now)) : -1;
      if (cut < 0) {
        due.set(tabId, pending.messages);
        continue;
      }
      if (cut > 0) due.set(tabId, pending.messages.slice(0, cut));
      held.set(tabId, rest(pending, cut));
    }
    for (const [port, { tabId }] of this.subscribers) {
      const messages = due.get(tabId);
      if (messages) post(port, messages.length === 1 ? (messages[0] as WorkerMessage) : { type: 'batch', messages });
    }
    this.busyUntil = changes >= BUSY.changes || held.size > 0 ? now + BUSY.ms : 0;
    this.bursting.clear();
    for (const [tabId, pending] of this.pending) if (pending.changes >= BUSY.changes || held.has(tabId)) this.bursting.add(tabId);
    this.pending.clear();
    for (const [tabId, pending] of held) this.pending.set(tabId, pending);
    if (held.size > 0) this.schedule();
  }

  /** A row without details, on a tab whose details come from DevTools' log, queued less than DETAILS_HOLD_MS ago. */
  private waitsForDetails(tabId: number, message: WorkerMessage, pending: Pending, now: number): boolean {
    if (message.type !== 'record' || !message.record.uncaptured || message.record.frameId < 0) return false;
    if (this.states.get(tabId) !== 'devtools') return false;
    return now - (pending.since.get(message.record.id) ?? now) < DETAILS_HOLD_MS;
  }
}

const emptyPending = (): Pending => ({ messages: [], at: new Map(), changes: 0, since: new Map() });

/** The messages of a batch from `from` on, as a batch of their own: where each record stands, and since when it waits. */
function rest(pending: Pending, from: number): Pending {
  const next = emptyPending();
  for (const message of pending.messages.slice(from)) {
    next.changes++;
    if (message.type === 'record') {
      // The same in each place a record stands: since it was first queued.
      const since = pending.since.get(message.record.id);
      if (since !== undefined) next.since.set(message.record.id, since);
    }
    coalesce(next, message);
  }
  return next;
}

/**
 * Adds a change to a tab's batch. A record already in the batch is replaced where it stands (its row keeps its place),
 * and the batch's last summary becomes the newest: the panel keeps the summary of a batch's last message. A reset or
 * a retraction ends what the record's earlier versions can be merged with.
 */
function coalesce(pending: Pending, message: WorkerMessage): void {
  const { messages, at } = pending;
  if (message.type === 'reset') at.clear();
  if (message.type === 'retracted') at.delete(message.id);
  if (message.type !== 'record') {
    messages.push(message);
    return;
  }
  const i = at.get(message.record.id);
  if (i === undefined) {
    at.set(message.record.id, messages.length);
    messages.push(message);
    return;
  }
  messages[i] = message;
  const last = messages.findLastIndex((m) => 'summary' in m);
  const carrier = messages[last];
  if (last > i && carrier && 'summary' in carrier) messages[last] = { ...carrier, summary: message.summary };
}

function post(port: PortLike, message: WorkerMessage): void {
  try {
    port.postMessage(message);
  } catch {
    // Disconnected: onDisconnect unsubscribes it.
  }
}
