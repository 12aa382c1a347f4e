/**
 * The per-tab failure log and its persistence. Memory is a cache; the store (chrome.storage.session in the
 * extension, a Map in tests) is the truth, and a restarted service worker reads it back whole.
 *
 * Layout: each record is its own key, `rec:<tab>:<request id>`, written the moment it is added, or during a burst
 * with the others of the next write at most RECORD_WRITE_GAP_MS later (no write ever reads, modifies and rewrites
 * shared data); `tab:<tab>` holds the tab's summary. Everything else (summaries, removals of dropped records,
 * retries) goes through one serialized, batched writer: at most one write in flight, every change made meanwhile goes
 * in the next one.
 */
import { type FailureRecord, parseRecordJson, recordJson } from './records.ts';

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
  /** Passing requests listed for a dangerous setup their answer proves (never counted as failures). */
  readonly warnings?: number;
  /** Records dropped to respect the limits (oldest first). */
  readonly dropped: number;
  /** Keep the log across navigations. */
  readonly preserve: boolean;
  /** Bumped each time the log restarts from empty (navigation, Clear): the panel drops what it showed. */
  readonly generation: number;
  /**
   * When the log last restarted from empty, ms since the epoch. A row from DevTools' log alone for a request that
   * started before it belongs to what was cleared or left: DevTools may list it late, or send it again after a worker
   * restart, and it must not come back.
   */
  readonly since?: number;
}

export interface TabSnapshot {
  readonly summary: TabSummary;
  readonly records: readonly FailureRecord[];
}

export type TabChange =
  | { readonly type: 'record'; readonly tabId: number; readonly record: FailureRecord; readonly summary: TabSummary }
  | { readonly type: 'reset'; readonly tabId: number; readonly summary: TabSummary }
  | { readonly type: 'retracted'; readonly tabId: number; readonly id: string; readonly summary: TabSummary }
  | { readonly type: 'removed'; readonly tabId: number };

export interface TabLogOptions {
  /** Records kept per tab; the oldest are dropped (and counted) beyond it. */
  readonly maxRecordsPerTab?: number;
  /** Look-alike records kept per tab, within maxRecordsPerTab. */
  readonly maxLookalikesPerTab?: number;
  /**
   * Estimated storage bytes for one tab's records. A tab only ever drops its own oldest records to stay under it, so
   * no page, however much it fails, can push another tab's failures out (chrome.storage.session holds 10 MiB in all;
   * past that, writes fail and the records stay in memory, see flush).
   */
  readonly maxBytesPerTab?: number;
  /**
   * Resolves after `ms` (the worker's timer): how a record write waits for its gap (RECORD_WRITE_GAP_MS). Without it,
   * each record write starts the moment the one before completes.
   */
  readonly delay?: (ms: number) => Promise<void>;
}

/**
 * Least time between the starts of two record writes. A lone failure is written at once; during a burst the records
 * go together, one write per gap. Each write is a trip to the browser process, and its cost is mostly per call, not
 * per byte: without a gap a burst paid one per record (803 writes for a burst of 1,000 failures); with 25 ms, about
 * 230 writes, whose handling cost the extension and browser processes about as much as everything else the worker
 * did (docs/performance.md); with 250 ms, about 20, and the same burst cost as if nothing were written. A worker
 * stopped abruptly in the middle of a burst can lose the records added since its last record write (STORED_KEY);
 * the page relays hold their reports of failed calls for that case, and a restarted worker asks for them
 * (docs/capture.md).
 */
export const RECORD_WRITE_GAP_MS = 250;

/**
 * How long a deferred record waits at least before it is written (TabLog.add's `defer`): a row without details while DevTools'
 * details for the same request are on their way (they come within a quarter of a second, then replace it). Written
 * meanwhile, each failure was stored twice; a worker stopped in that time loses the row from its store, and DevTools'
 * log, sent again to the next worker, brings it back with its details (docs/capture.md).
 */
export const DEFERRED_WRITE_MS = 2000;

/**
 * Key of a time (ms since the epoch) written with every record write: every record added before it is in the store,
 * except deferred ones (add's `defer`). A worker stopped abruptly lost from its store only records added after it.
 */
export const STORED_KEY = 'storedAt';

export const SUMMARY_PREFIX = 'tab:';
export const RECORD_PREFIX = 'rec:';
export const summaryKey = (tabId: number) => `${SUMMARY_PREFIX}${tabId}`;
export const recordKey = (tabId: number, id: string) => `${RECORD_PREFIX}${tabId}:${id}`;

/** Storage cost of one record: chrome.storage.session counts about the JSON length plus 240 bytes per key. */
function storageBytes(key: string, json: string): number {
  return key.length + json.length + 256;
}

/** A stored record, read back: a JSON string (the cheap form to hand to the storage API) or, from older versions, an object. */
function parseStored(value: unknown): FailureRecord | null {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = parseRecordJson(value);
    } catch {
      return null;
    }
  }
  return isRecord(parsed) ? parsed : null;
}

interface Entry {
  readonly record: FailureRecord;
  readonly bytes: number;
}

interface TabState {
  summary: TabSummary;
  /** In order of arrival (after a restart: of request start time). */
  entries: Entry[];
  byId: Map<string, number>;
  /**
   * How many entries hold each DevTools exchange's details (detailsId): asked for every exchange the devtools page
   * sends, a burst's thousand, so not a scan of the log each time.
   */
  byDetails: Map<string, number>;
  /** Estimated storage bytes of the entries. */
  bytes: number;
}

function newState(summary: TabSummary): TabState {
  return { summary, entries: [], byId: new Map(), byDetails: new Map(), bytes: 0 };
}

function emptySummary(tabId: number): TabSummary {
  return { tabId, documentId: null, pageUrl: '', count: 0, lookalikes: 0, dropped: 0, preserve: false, generation: 0 };
}

function isSummary(value: unknown): value is TabSummary {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.tabId === 'number' && typeof v.dropped === 'number';
}

function isRecord(value: unknown): value is FailureRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.tabId === 'number' && typeof v.exchange === 'object' && typeof v.judgement === 'object';
}

/** A row made from DevTools' network log alone: the browser's error event for its request never reached a worker. */
function isLogOnly(record: FailureRecord): boolean {
  return record.id.startsWith('dt:');
}

export class TabLog {
  private readonly tabs = new Map<number, TabState>();
  private readonly dirty = new Set<string>();
  private readonly removed = new Set<string>();
  /** New records waiting for the next record write; written together when it starts. */
  private readonly urgent = new Map<string, string>();
  /**
   * Deferred records (add's `defer`): their JSON and the requestDeferred round they wait for, until they are written
   * or replaced.
   */
  private readonly deferred = new Map<string, { readonly json: string; readonly round: number }>();
  private deferTimer: Promise<void> | null = null;
  private deferRound = 0;
  /** The record write in flight, or the one waiting for its gap (it resolves once that write completes). */
  private urgentWriting: Promise<void> | null = null;
  /** When the last record write started (Date.now()). */
  private urgentStartedAt = Number.NEGATIVE_INFINITY;
  /** Starts the record write waiting for its gap now. */
  private releaseUrgent: (() => void) | null = null;
  private readonly listeners: ((change: TabChange) => void)[] = [];
  private writing: Promise<void> | null = null;
  private scheduled = false;
  /** Tabs that closed: a record still in flight for one of them must not bring its log back. */
  private readonly closed = new Set<number>();
  private readonly options: Required<Omit<TabLogOptions, 'delay'>>;
  private readonly delay: ((ms: number) => Promise<void>) | null;
  /** Resolves when the log has been read back from the store. */
  readonly ready: Promise<void>;

  constructor(
    private readonly store: KeyValueStore,
    options: TabLogOptions = {},
  ) {
    const { delay, ...limits } = options;
    this.options = { maxRecordsPerTab: 500, maxLookalikesPerTab: 100, maxBytesPerTab: 2 * 1024 * 1024, ...limits };
    this.delay = delay ?? null;
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
    const records: [string, FailureRecord, number][] = [];
    for (const [key, value] of Object.entries(all)) {
      if (key.startsWith(SUMMARY_PREFIX) && isSummary(value)) {
        this.tabs.set(value.tabId, newState({ ...emptySummary(value.tabId), ...value, count: 0, lookalikes: 0, warnings: 0 }));
      } else if (key.startsWith(RECORD_PREFIX)) {
        const record = parseStored(value);
        if (record) records.push([key, record, typeof value === 'string' ? value.length : JSON.stringify(value).length]);
        else this.forget(key);
      }
    }
    records.sort(([, a], [, b]) => a.time - b.time || (a.id < b.id ? -1 : 1));
    // Details that a request's own row holds: a row made from DevTools' log alone for the same details is a twin that
    // successive workers wrote (one made the row from the log while the other's write of the request's row landed).
    const joined = new Set(records.flatMap(([, r]) => (r.detailsId && !isLogOnly(r) ? [`${r.tabId} ${r.detailsId}`] : [])));
    for (const [key, record, length] of records) {
      const state = this.state(record.tabId);
      if (this.isStale(state.summary, record) || (isLogOnly(record) && joined.has(`${record.tabId} ${record.detailsId}`))) {
        this.forget(key);
        continue;
      }
      this.insert(state, { record, bytes: key.length + length + 256 });
    }
    for (const state of this.tabs.values()) this.enforceCaps(state);
    if (this.removed.size > 0) this.schedule();
  }

  private state(tabId: number): TabState {
    let state = this.tabs.get(tabId);
    if (!state) {
      state = newState(emptySummary(tabId));
      this.tabs.set(tabId, state);
    }
    return state;
  }

  /**
   * A record of what the log no longer shows: from a document the tab has left (the top frame navigated while it was
   * in flight; unless the log is preserved), or from DevTools' log alone for a request that started before the log
   * last restarted (TabSummary.since).
   */
  private isStale(s: TabSummary, record: FailureRecord): boolean {
    if (isLogOnly(record) && record.time < (s.since ?? 0)) return true;
    return !s.preserve && record.frameId === 0 && s.documentId !== null && record.documentId !== null && record.documentId !== s.documentId;
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
    return { summary: state.summary, records: state.entries.map((e) => e.record) };
  }

  /**
   * Adds a record, or replaces the one with the same id (the error event's record after the response's, or a page
   * hint that came late). A record whose details were not captured never replaces one whose details were, and an
   * identical record is not written again. A deferred record (`defer`) is in memory and emitted at once, but written
   * only if nothing replaced it within DEFERRED_WRITE_MS.
   */
  async add(record: FailureRecord, { defer = false }: { readonly defer?: boolean } = {}): Promise<void> {
    const key = recordKey(record.tabId, record.id);
    const known = this.find(record.tabId, record.id);
    if (known && (sameRecord(known, record) || losesDetails(known, record))) return;
    // Written now, before anything else can happen to this worker; the bookkeeping follows. As a JSON string: the
    // storage API converts one string several times faster than a nested object, and the handler must be quick.
    const json = recordJson(record);
    if (defer && this.delay) {
      this.deferred.set(key, { json, round: this.deferRound });
      this.requestDeferred();
    } else {
      this.deferred.delete(key);
      this.urgent.set(key, json);
      this.requestUrgent();
    }
    await this.ready;
    if (this.closed.has(record.tabId)) {
      this.forget(key);
      this.schedule();
      return;
    }
    const state = this.state(record.tabId);
    // Details may have been stored while this waited: a record without them must not replace them (the store, which
    // may already hold this one from the urgent write, gets the stored record again).
    const stored = this.find(record.tabId, record.id);
    if (stored && losesDetails(stored, record)) {
      this.urgent.delete(key);
      this.deferred.delete(key);
      this.dirty.add(key);
      this.schedule();
      return;
    }
    if (this.isStale(state.summary, record)) {
      this.forget(key);
      this.schedule();
      return;
    }
    // One row per request: a row from DevTools' log alone never doubles the request's own row with the same details.
    const twin =
      record.detailsId && state.byDetails.has(record.detailsId)
        ? state.entries.find((e) => e.record.detailsId === record.detailsId && e.record.id !== record.id)
        : undefined;
    if (twin && isLogOnly(record)) {
      this.forget(key);
      this.schedule();
      return;
    }
    if (twin && isLogOnly(twin.record)) this.retractNow(record.tabId, twin.record.id);
    this.insert(state, { record, bytes: storageBytes(key, json) });
    // The stored summary is not rewritten for a new record: counts are recounted from the records on restore.
    this.enforceCaps(state);
    this.emit({ type: 'record', tabId: record.tabId, record, summary: state.summary });
  }

  /** Takes a record back: the request it was recorded for succeeded after all. */
  async retract(tabId: number, id: string): Promise<void> {
    await this.ready;
    this.retractNow(tabId, id);
  }

  private retractNow(tabId: number, id: string): void {
    const state = this.tabs.get(tabId);
    const at = state?.byId.get(id);
    if (!state || at === undefined) return;
    const [gone] = state.entries.splice(at, 1);
    reindex(state);
    if (gone) {
      state.bytes -= gone.bytes;
      state.summary = counted(state.summary, gone.record, -1);
    }
    const key = recordKey(tabId, id);
    this.dirty.delete(key);
    this.forget(key);
    this.schedule();
    this.emit({ type: 'retracted', tabId, id, summary: state.summary });
  }

  /**
   * Whether the tab's log holds a record of this request by what it asked for (document, method, URL). A record made
   * from DevTools' log alone knows no document (null): it counts for any document of the tab.
   */
  async hasRequest(tabId: number, documentId: string | null, method: string, url: string): Promise<boolean> {
    await this.ready;
    return (this.tabs.get(tabId)?.entries ?? []).some(
      ({ record: r }) =>
        (r.documentId === documentId || r.documentId === null) && r.exchange.request.method === method && r.exchange.request.url === url,
    );
  }

  /** The tab's record with this id, if it has one (call after `ready`). */
  record(tabId: number, id: string): FailureRecord | undefined {
    return this.find(tabId, id);
  }

  /** Whether the tab's log holds a record made from this DevTools exchange (call after `ready`). */
  hasDetails(tabId: number, detailsId: string): boolean {
    return this.tabs.get(tabId)?.byDetails.has(detailsId) ?? false;
  }

  /**
   * The oldest CORS failure of the tab listed without its details, for this method and (last) URL, that started
   * within `windowMs` of `time`, and not in `taken`: the row DevTools' exchange of the same request completes (call
   * after `ready`).
   */
  findUndetailed(
    tabId: number,
    method: string,
    url: string,
    time: number,
    windowMs: number,
    taken: ReadonlySet<string> = new Set(),
  ): FailureRecord | undefined {
    for (const { record: r } of this.tabs.get(tabId)?.entries ?? []) {
      if (r.kind !== 'cors' || !r.uncaptured || r.exchange.request.method !== method || Math.abs(r.time - time) > windowMs) continue;
      if (taken.has(r.id)) continue;
      if (sameRequestUrl(r.exchange.hops.at(-1)?.url ?? r.exchange.request.url, url)) return r;
    }
    return undefined;
  }

  /** Whether the tab's log holds a record with this id (false until the log is restored). */
  has(tabId: number, id: string): boolean {
    return this.tabs.get(tabId)?.byId.has(id) ?? false;
  }

  private find(tabId: number, id: string): FailureRecord | undefined {
    const state = this.tabs.get(tabId);
    const at = state?.byId.get(id);
    return at === undefined ? undefined : state?.entries[at]?.record;
  }

  private insert(state: TabState, entry: Entry): void {
    const at = state.byId.get(entry.record.id);
    if (at !== undefined) {
      const previous = state.entries[at] as Entry;
      state.entries[at] = entry;
      countDetails(state, previous.record, -1);
      countDetails(state, entry.record, 1);
      state.bytes += entry.bytes - previous.bytes;
      state.summary = counted(counted(state.summary, previous.record, -1), entry.record, 1);
      return;
    }
    state.byId.set(entry.record.id, state.entries.length);
    state.entries.push(entry);
    countDetails(state, entry.record, 1);
    state.bytes += entry.bytes;
    state.summary = counted(state.summary, entry.record, 1);
  }

  /** The tab's top frame committed a new document at `at` (ms since the epoch): a new log unless the user preserves it. */
  async navigate(tabId: number, documentId: string | null, pageUrl: string, at: number): Promise<void> {
    await this.ready;
    // A tab that navigates is open, whatever was concluded before.
    this.closed.delete(tabId);
    const state = this.state(tabId);
    if (!state.summary.preserve) this.empty(state, at);
    state.summary = { ...state.summary, documentId, pageUrl };
    this.markSummary(tabId);
    this.emit({ type: 'reset', tabId, summary: state.summary });
  }

  /** Empties the tab's log: the panel's Clear button, pressed at `at` (ms since the epoch). */
  async clear(tabId: number, at: number): Promise<void> {
    await this.ready;
    const state = this.state(tabId);
    this.empty(state, at);
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
    this.closed.add(tabId);
    if (this.closed.size > 1000) this.closed.delete(this.closed.values().next().value as number);
    const state = this.tabs.get(tabId);
    if (!state) return;
    this.empty(state, state.summary.since ?? 0);
    this.tabs.delete(tabId);
    this.dirty.delete(summaryKey(tabId));
    this.forget(summaryKey(tabId));
    this.schedule();
    this.emit({ type: 'removed', tabId });
  }

  private empty(state: TabState, since: number): void {
    const { tabId } = state.summary;
    for (const e of state.entries) {
      const key = recordKey(tabId, e.record.id);
      this.dirty.delete(key);
      this.forget(key);
    }
    state.bytes = 0;
    state.entries = [];
    state.byId.clear();
    state.byDetails.clear();
    state.summary = { ...state.summary, count: 0, lookalikes: 0, warnings: 0, dropped: 0, generation: state.summary.generation + 1, since };
  }

  private enforceCaps(state: TabState): void {
    // Look-alikes (a burst of refused connections, too many requests at once) never push CORS failures out.
    const overLookalikes = state.summary.lookalikes - this.options.maxLookalikesPerTab;
    if (overLookalikes > 0) this.dropOldest(state, overLookalikes, 'lookalike');
    // Warnings too: a page whose every call passes with the same dangerous answer never pushes failures out.
    const overWarnings = (state.summary.warnings ?? 0) - this.options.maxLookalikesPerTab;
    if (overWarnings > 0) this.dropOldest(state, overWarnings, 'warning');
    const overTab = state.entries.length - this.options.maxRecordsPerTab;
    // Dropped a twentieth at a time, not one by one: a long burst then costs one re-index per twenty failures.
    if (overTab > 0) this.dropOldest(state, Math.max(overTab, Math.ceil(this.options.maxRecordsPerTab / 20)));
    // Over the tab's byte budget: its own oldest go, a twentieth at a time. Never another tab's.
    while (state.bytes > this.options.maxBytesPerTab && state.entries.length > 0) {
      this.dropOldest(state, Math.max(1, Math.ceil(state.entries.length / 20)));
    }
  }

  private dropOldest(state: TabState, n: number, kind?: FailureRecord['kind']): void {
    let gone: Entry[];
    if (kind) {
      gone = [];
      state.entries = state.entries.filter((e) => {
        if (gone.length < n && e.record.kind === kind) {
          gone.push(e);
          return false;
        }
        return true;
      });
    } else {
      gone = state.entries.splice(0, n);
    }
    let summary = state.summary;
    for (const e of gone) {
      const key = recordKey(summary.tabId, e.record.id);
      this.dirty.delete(key);
      this.forget(key);
      state.bytes -= e.bytes;
      summary = counted(summary, e.record, -1);
    }
    reindex(state);
    state.summary = { ...summary, dropped: summary.dropped + gone.length };
    this.markSummary(summary.tabId);
    // Open panels drop them too (they arrive batched).
    for (const e of gone) this.emit({ type: 'retracted', tabId: summary.tabId, id: e.record.id, summary: state.summary });
  }

  private markSummary(tabId: number): void {
    const key = summaryKey(tabId);
    this.removed.delete(key);
    this.dirty.add(key);
    this.schedule();
  }

  /**
   * Writes the waiting records: at once when the last record write started RECORD_WRITE_GAP_MS ago or more, else when
   * it has. At most one record write is in flight or waiting: records that come meanwhile go with it, so a burst
   * costs a write per gap, not one per record, and a record waits at most one gap and one write for its turn.
   */
  private requestUrgent(): void {
    if (this.urgentWriting) return;
    // Never more than one gap, whatever the system clock did in between.
    const wait = Math.min(RECORD_WRITE_GAP_MS, this.urgentStartedAt + RECORD_WRITE_GAP_MS - Date.now());
    if (wait <= 0 || !this.delay) {
      this.writeUrgent();
      return;
    }
    // flush() does not wait for the gap: it releases the write at once.
    const released = new Promise<void>((resolve) => {
      this.releaseUrgent = resolve;
    });
    const waited: Promise<void> = Promise.race([this.delay(wait), released]).then(() => {
      this.releaseUrgent = null;
      if (this.urgentWriting === waited) this.urgentWriting = null;
      this.writeUrgent();
      return this.urgentWriting ?? undefined;
    });
    this.urgentWriting = waited;
  }

  /**
   * Moves the deferred records to the next record write once they waited DEFERRED_WRITE_MS (up to twice that: the
   * records deferred while a wait runs go at the end of the next one; the worker's timer only, whatever the clock does).
   */
  private requestDeferred(): void {
    if (this.deferTimer || !this.delay) return;
    const round = this.deferRound++;
    this.deferTimer = this.delay(DEFERRED_WRITE_MS).then(() => {
      this.deferTimer = null;
      this.releaseDeferred(round);
      if (this.deferred.size > 0) this.requestDeferred();
    });
  }

  /** Moves the records deferred up to this round of requestDeferred to the next record write. */
  private releaseDeferred(round: number): void {
    let moved = false;
    for (const [key, deferred] of this.deferred) {
      if (deferred.round > round) continue;
      this.deferred.delete(key);
      this.urgent.set(key, deferred.json);
      moved = true;
    }
    if (moved) this.requestUrgent();
  }

  private writeUrgent(): void {
    if (this.urgent.size === 0) return;
    const keys = [...this.urgent.keys()];
    const items: Record<string, unknown> = Object.fromEntries(this.urgent);
    this.urgent.clear();
    this.urgentStartedAt = Date.now();
    items[STORED_KEY] = this.urgentStartedAt;
    this.urgentWriting = this.store
      .set(items)
      .catch(async () => {
        // Retried by the batched writer once the records are in memory.
        await this.ready;
        for (const key of keys) this.dirty.add(key);
        this.schedule();
      })
      .finally(() => {
        this.urgentWriting = null;
        if (this.urgent.size > 0) this.requestUrgent();
      });
  }

  /** Marks a key for removal from the store; a record still waiting for its first write is not written. */
  private forget(key: string): void {
    this.removed.add(key);
    this.urgent.delete(key);
    this.deferred.delete(key);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // One write per burst of changes: everything marked before the current write finishes goes in the next one.
    void Promise.resolve().then(() => this.writePending());
  }

  /** Writes every pending change now (a record waiting for its gap, or deferred, too); resolves when it is in the store. */
  flush(): Promise<void> {
    this.releaseDeferred(Number.POSITIVE_INFINITY);
    this.releaseUrgent?.();
    return this.writePending();
  }

  /** Writes every pending change after the record write in flight or waiting; resolves when it is in the store. */
  private async writePending(): Promise<void> {
    while (this.urgentWriting) await this.urgentWriting;
    while (this.writing) await this.writing;
    this.scheduled = false;
    const items: Record<string, unknown> = {};
    for (const key of this.dirty) {
      // A key without a value here was dropped or cleared since it was marked: nothing to write.
      const value = this.valueOf(key);
      if (value !== undefined) items[key] = value;
    }
    const removals = [...this.removed];
    this.dirty.clear();
    this.removed.clear();
    if (removals.length === 0 && Object.keys(items).length === 0) return;
    // Asynchronous from the first step, so `writing` is always cleared after it was set.
    this.writing = Promise.resolve()
      .then(async () => {
        if (removals.length > 0) await this.store.remove(removals);
        if (Object.keys(items).length > 0) await this.store.set(items);
      })
      .catch(() => {
        // Quota or a closing store: memory still has everything; the next change retries the write.
        for (const key of Object.keys(items)) this.dirty.add(key);
      })
      .finally(() => {
        this.writing = null;
      });
    await this.writing;
  }

  private valueOf(key: string): unknown {
    if (key.startsWith(SUMMARY_PREFIX)) return this.tabs.get(Number(key.slice(SUMMARY_PREFIX.length)))?.summary;
    const rest = key.slice(RECORD_PREFIX.length);
    const colon = rest.indexOf(':');
    const state = this.tabs.get(Number(rest.slice(0, colon)));
    const at = state?.byId.get(rest.slice(colon + 1));
    const record = at === undefined ? undefined : state?.entries[at]?.record;
    return record === undefined ? undefined : recordJson(record);
  }
}

/** Indexes the entries again (after some were taken out). */
function reindex(state: TabState): void {
  state.byId.clear();
  state.byDetails.clear();
  for (const [i, e] of state.entries.entries()) {
    state.byId.set(e.record.id, i);
    countDetails(state, e.record, 1);
  }
}

function countDetails(state: TabState, record: FailureRecord, delta: 1 | -1): void {
  const id = record.detailsId;
  if (id === undefined) return;
  const n = (state.byDetails.get(id) ?? 0) + delta;
  if (n > 0) state.byDetails.set(id, n);
  else state.byDetails.delete(id);
}

/** Whether two records of the same request say the same thing (then the second is not written). */
function sameRecord(a: FailureRecord, b: FailureRecord): boolean {
  const sa = a.judgement.verdict.status;
  const sb = b.judgement.verdict.status;
  return (
    a.kind === b.kind &&
    a.type === b.type &&
    a.uncaptured === b.uncaptured &&
    sa?.corsError === sb?.corsError &&
    sa?.failedParameter === sb?.failedParameter &&
    a.judgement.credentials.mode === b.judgement.credentials.mode &&
    a.judgement.credentials.source === b.judgement.credentials.source &&
    a.exchange.request.initiator === b.exchange.request.initiator &&
    a.exchange.hops.length === b.exchange.hops.length &&
    a.exchange.error === b.exchange.error &&
    a.firefox?.reason === b.firefox?.reason &&
    a.firefox?.parameter === b.firefox?.parameter
  );
}

function counted(s: TabSummary, record: FailureRecord, sign: 1 | -1): TabSummary {
  if (record.kind === 'cors') return { ...s, count: s.count + sign };
  if (record.kind === 'lookalike') return { ...s, lookalikes: s.lookalikes + sign };
  return { ...s, warnings: (s.warnings ?? 0) + sign };
}

/**
 * Whether two observations name the same request URL. The user name and password of a URL (XHR's open(method, url,
 * async, user, password)) are in what webRequest reports, not in what DevTools' log shows.
 */
export function sameRequestUrl(a: string, b: string): boolean {
  const bare = (u: string) => u.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#@]*@/, '$1');
  return a === b || bare(a) === bare(b);
}

/** Whether storing `next` over `stored` would drop the details `stored` has: a record without them never replaces one. */
function losesDetails(stored: FailureRecord, next: FailureRecord): boolean {
  return next.uncaptured && !stored.uncaptured;
}
