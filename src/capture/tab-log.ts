/**
 * The per-tab failure log and its persistence. Memory is a cache; the store (chrome.storage.session in the
 * extension, a Map in tests) is the truth, written by this one serialized, batched writer so that concurrent updates
 * never overwrite each other, and read back whole when the service worker starts again.
 *
 * Layout: `tab:<id>` holds the tab's summary, `tab:<id>:<page>` holds up to PAGE_SIZE records. Records only ever
 * append to the last page, so a write touches the summary and one page, whatever the log's length.
 */
import type { FailureRecord } from './records.ts';

export interface KeyValueStore {
  get(keys: string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

export interface TabSummary {
  readonly tabId: number;
  /** The top-level document the log belongs to; records of older documents are not added. */
  readonly documentId: string | null;
  readonly pageUrl: string;
  /** CORS failures in the log (the badge count). */
  readonly count: number;
  /** Look-alike failures in the log. */
  readonly lookalikes: number;
  /** Records dropped because the tab reached its cap (oldest first). */
  readonly dropped: number;
  /** Keep the log across navigations. */
  readonly preserve: boolean;
  readonly firstPage: number;
  readonly nextSeq: number;
}

export interface TabSnapshot {
  readonly summary: TabSummary;
  readonly records: readonly FailureRecord[];
}

export type TabChange =
  | { readonly type: 'record'; readonly tabId: number; readonly record: FailureRecord; readonly summary: TabSummary }
  | { readonly type: 'reset'; readonly tabId: number; readonly summary: TabSummary }
  | { readonly type: 'removed'; readonly tabId: number };

export interface TabLogOptions {
  /** Records kept per tab; older pages are dropped (and counted) beyond it. */
  readonly maxRecordsPerTab?: number;
  readonly pageSize?: number;
  /** Records kept across all tabs, to stay far below the storage quota. */
  readonly maxRecordsTotal?: number;
}

const PREFIX = 'tab:';
const summaryKey = (tabId: number) => `${PREFIX}${tabId}`;
const pageKey = (tabId: number, page: number) => `${PREFIX}${tabId}:${page}`;

interface TabState {
  summary: TabSummary;
  pages: Map<number, FailureRecord[]>;
}

function emptySummary(tabId: number, preserve = false): TabSummary {
  return { tabId, documentId: null, pageUrl: '', count: 0, lookalikes: 0, dropped: 0, preserve, firstPage: 0, nextSeq: 0 };
}

function isSummary(value: unknown): value is TabSummary {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.tabId === 'number' && typeof v.count === 'number' && typeof v.nextSeq === 'number' && typeof v.firstPage === 'number';
}

export class TabLog {
  private readonly tabs = new Map<number, TabState>();
  private readonly dirty = new Set<string>();
  private readonly removed = new Set<string>();
  private readonly listeners: ((change: TabChange) => void)[] = [];
  private writing: Promise<void> | null = null;
  private scheduled = false;
  private readonly options: Required<TabLogOptions>;
  /** Resolves when the log has been read back from the store. */
  readonly ready: Promise<void>;

  constructor(
    private readonly store: KeyValueStore,
    options: TabLogOptions = {},
  ) {
    this.options = { maxRecordsPerTab: 500, pageSize: 25, maxRecordsTotal: 6000, ...options };
    this.ready = this.restore();
  }

  onChange(listener: (change: TabChange) => void): void {
    this.listeners.push(listener);
  }

  private emit(change: TabChange): void {
    for (const l of this.listeners) l(change);
  }

  private async restore(): Promise<void> {
    let all: Record<string, unknown>;
    try {
      all = await this.store.get(null);
    } catch {
      return;
    }
    for (const [key, value] of Object.entries(all)) {
      if (!key.startsWith(PREFIX) || key.includes(':', PREFIX.length) || !isSummary(value)) continue;
      const pages = new Map<number, FailureRecord[]>();
      const lastPage = Math.floor(Math.max(0, value.nextSeq - 1) / this.options.pageSize);
      for (let p = value.firstPage; p <= lastPage && value.nextSeq > 0; p++) {
        const page = all[pageKey(value.tabId, p)];
        pages.set(p, Array.isArray(page) ? (page as FailureRecord[]) : []);
      }
      this.tabs.set(value.tabId, { summary: value, pages });
    }
  }

  private state(tabId: number): TabState {
    let state = this.tabs.get(tabId);
    if (!state) {
      state = { summary: emptySummary(tabId), pages: new Map() };
      this.tabs.set(tabId, state);
    }
    return state;
  }

  summary(tabId: number): TabSummary {
    return this.tabs.get(tabId)?.summary ?? emptySummary(tabId);
  }

  /** Every tab with a log, for the badge after a restart. */
  summaries(): TabSummary[] {
    return [...this.tabs.values()].map((t) => t.summary);
  }

  async snapshot(tabId: number): Promise<TabSnapshot> {
    await this.ready;
    return this.snapshotNow(tabId);
  }

  /** The tab's log as it is in memory now; call after `ready`. */
  snapshotNow(tabId: number): TabSnapshot {
    const state = this.tabs.get(tabId);
    if (!state) return { summary: emptySummary(tabId), records: [] };
    const records = [...state.pages.keys()].sort((a, b) => a - b).flatMap((p) => state.pages.get(p) ?? []);
    return { summary: state.summary, records };
  }

  /** Adds a record, or replaces the one with the same id (a later, better capture of the same request). */
  async add(record: FailureRecord): Promise<void> {
    await this.ready;
    const state = this.state(record.tabId);
    const s = state.summary;
    // A record from a document the tab has left (the top frame navigated while it was in flight) is stale.
    if (record.frameId === 0 && s.documentId !== null && record.documentId !== null && record.documentId !== s.documentId) return;
    for (const [p, page] of state.pages) {
      const index = page.findIndex((r) => r.id === record.id);
      if (index >= 0) {
        const previous = page[index] as FailureRecord;
        page[index] = record;
        state.summary = { ...s, ...countDelta(s, previous, -1) };
        state.summary = { ...state.summary, ...countDelta(state.summary, record, +1) };
        this.markPage(record.tabId, p);
        this.emit({ type: 'record', tabId: record.tabId, record, summary: state.summary });
        return;
      }
    }
    const page = Math.floor(s.nextSeq / this.options.pageSize);
    const list = state.pages.get(page) ?? [];
    list.push(record);
    state.pages.set(page, list);
    state.summary = { ...s, ...countDelta(s, record, +1), nextSeq: s.nextSeq + 1 };
    this.markPage(record.tabId, page);
    this.enforceCaps(state);
    this.emit({ type: 'record', tabId: record.tabId, record, summary: state.summary });
  }

  /** The tab's top frame committed a new document: start a new log unless the user preserves it. */
  async navigate(tabId: number, documentId: string | null, pageUrl: string): Promise<void> {
    await this.ready;
    const state = this.state(tabId);
    if (state.summary.preserve) {
      state.summary = { ...state.summary, documentId, pageUrl };
      this.markSummary(tabId);
      this.emit({ type: 'reset', tabId, summary: state.summary });
      return;
    }
    this.clearPages(state);
    state.summary = { ...emptySummary(tabId, false), documentId, pageUrl, firstPage: 0, nextSeq: 0 };
    this.markSummary(tabId);
    this.emit({ type: 'reset', tabId, summary: state.summary });
  }

  /** Empties the tab's log (the panel's Clear button). */
  async clear(tabId: number): Promise<void> {
    await this.ready;
    const state = this.state(tabId);
    this.clearPages(state);
    state.summary = { ...state.summary, count: 0, lookalikes: 0, dropped: 0, firstPage: 0, nextSeq: 0 };
    this.markSummary(tabId);
    this.emit({ type: 'reset', tabId, summary: state.summary });
  }

  async setPreserve(tabId: number, preserve: boolean): Promise<void> {
    await this.ready;
    const state = this.state(tabId);
    state.summary = { ...state.summary, preserve };
    this.markSummary(tabId);
    this.emit({ type: 'reset', tabId, summary: state.summary });
  }

  /** The tab closed: forget it entirely. */
  async remove(tabId: number): Promise<void> {
    await this.ready;
    const state = this.tabs.get(tabId);
    if (!state) return;
    this.clearPages(state);
    this.tabs.delete(tabId);
    this.dirty.delete(summaryKey(tabId));
    this.removed.add(summaryKey(tabId));
    this.schedule();
    this.emit({ type: 'removed', tabId });
  }

  private clearPages(state: TabState): void {
    for (const p of state.pages.keys()) {
      const key = pageKey(state.summary.tabId, p);
      this.dirty.delete(key);
      this.removed.add(key);
    }
    state.pages.clear();
  }

  private enforceCaps(state: TabState): void {
    const { pageSize, maxRecordsPerTab, maxRecordsTotal } = this.options;
    while (state.summary.nextSeq - state.summary.firstPage * pageSize > maxRecordsPerTab) this.dropFirstPage(state);
    let total = 0;
    for (const t of this.tabs.values()) total += t.summary.nextSeq - t.summary.firstPage * pageSize;
    while (total > maxRecordsTotal) {
      // Drop from the tab with the most records, oldest page first.
      let largest: TabState | null = null;
      let size = 0;
      for (const t of this.tabs.values()) {
        const n = t.summary.nextSeq - t.summary.firstPage * pageSize;
        if (n > size) {
          size = n;
          largest = t;
        }
      }
      if (!largest || size === 0) break;
      total -= this.dropFirstPage(largest);
    }
  }

  /** Drops a tab's oldest page, counting what it held; returns how many records went. */
  private dropFirstPage(state: TabState): number {
    const s = state.summary;
    const page = state.pages.get(s.firstPage) ?? [];
    let count = s.count;
    let lookalikes = s.lookalikes;
    for (const r of page) {
      if (r.kind === 'cors') count--;
      else lookalikes--;
    }
    state.pages.delete(s.firstPage);
    const key = pageKey(s.tabId, s.firstPage);
    this.dirty.delete(key);
    this.removed.add(key);
    state.summary = { ...s, count, lookalikes, dropped: s.dropped + page.length, firstPage: s.firstPage + 1 };
    this.markSummary(s.tabId);
    return page.length;
  }

  private markPage(tabId: number, page: number): void {
    const key = pageKey(tabId, page);
    this.removed.delete(key);
    this.dirty.add(key);
    this.markSummary(tabId);
  }

  private markSummary(tabId: number): void {
    const key = summaryKey(tabId);
    this.removed.delete(key);
    this.dirty.add(key);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // One write per burst of changes: everything marked before the current write finishes goes in the next one.
    void Promise.resolve().then(() => this.flush());
  }

  /** Writes everything changed so far; resolves when it is in the store. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    this.scheduled = false;
    if (this.dirty.size === 0 && this.removed.size === 0) return;
    const items: Record<string, unknown> = {};
    for (const key of this.dirty) {
      const value = this.valueOf(key);
      if (value !== undefined) items[key] = value;
    }
    const removals = [...this.removed];
    this.dirty.clear();
    this.removed.clear();
    this.writing = (async () => {
      try {
        if (removals.length > 0) await this.store.remove(removals);
        if (Object.keys(items).length > 0) await this.store.set(items);
      } catch {
        // Quota or a closing store: memory still has everything; the next change retries the write.
        for (const key of Object.keys(items)) this.dirty.add(key);
      } finally {
        this.writing = null;
      }
    })();
    await this.writing;
  }

  private valueOf(key: string): unknown {
    const rest = key.slice(PREFIX.length);
    const [tab, page] = rest.split(':');
    const state = this.tabs.get(Number(tab));
    if (!state) return undefined;
    if (page === undefined) return state.summary;
    return state.pages.get(Number(page));
  }
}

function countDelta(s: TabSummary, record: FailureRecord, sign: 1 | -1): Pick<TabSummary, 'count' | 'lookalikes'> {
  return record.kind === 'cors' ? { count: s.count + sign, lookalikes: s.lookalikes } : { count: s.count, lookalikes: s.lookalikes + sign };
}
