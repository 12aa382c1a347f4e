/**
 * The per-tab log: one serialized, batched writer (never two writes in flight), a restart reads back exactly what
 * was written, caps drop the oldest and count them, navigation and preserve behave as the panel promises.
 */
import { describe, expect, test, vi } from 'vitest';
import { exchange } from '../../test-support/exchange.ts';
import { judge } from '../diagnose.ts';
import { type FailureRecord, fitRecord, parseRecordJson } from './records.ts';
import { DEFERRED_WRITE_MS, type KeyValueStore, RECORD_PREFIX, RECORD_WRITE_GAP_MS, recordKey, STORED_KEY, TabLog } from './tab-log.ts';

/** An in-memory store that, like storage.session, answers asynchronously, and records how writes overlapped. */
class FakeStore implements KeyValueStore {
  data = new Map<string, unknown>();
  inFlight = 0;
  maxInFlight = 0;
  writes = 0;
  /** Keys whose write takes longer (5 ms instead of 1), to order writes as a busy browser may. */
  slow = new Set<string>();
  async get(keys: string[] | null) {
    await Promise.resolve();
    const out: Record<string, unknown> = {};
    for (const [k, v] of this.data) if (!keys || keys.includes(k)) out[k] = structuredClone(v);
    return out;
  }
  private async write(fn: () => void, ms = 1) {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, ms));
    fn();
    this.writes++;
    this.inFlight--;
  }
  /** set() calls, and those that wrote records. */
  sets = 0;
  recordSets = 0;
  set(items: Record<string, unknown>) {
    this.sets++;
    if (Object.keys(items).some((k) => k.startsWith(RECORD_PREFIX))) this.recordSets++;
    return this.write(
      () => {
        for (const [k, v] of Object.entries(items)) this.data.set(k, structuredClone(v));
      },
      Object.keys(items).some((k) => this.slow.has(k)) ? 5 : 1,
    );
  }
  remove(keys: string[]) {
    return this.write(() => {
      for (const k of keys) this.data.delete(k);
    });
  }
}

const judgement = judge(exchange());
let clock = 0;
function record(id: string, tabId = 1, over: Partial<FailureRecord> = {}): FailureRecord {
  return {
    id,
    tabId,
    frameId: 0,
    documentId: 'DOC',
    time: clock++,
    type: 'xmlhttprequest',
    kind: 'cors',
    exchange: exchange(),
    judgement,
    uncaptured: false,
    ...over,
  };
}

describe('TabLog', () => {
  test('a record is written at once; records that come during that write go together in the next one', async () => {
    const store = new FakeStore();
    const log = new TabLog(store);
    await log.navigate(1, 'DOC', 'http://page', 0);
    await log.flush();
    const before = store.writes;
    // Not awaited: the first record's write must already be under way when add() returns.
    const adding = Array.from({ length: 95 }, (_, i) => log.add(record(`r${i}`)));
    expect(store.inFlight).toBe(1);
    // When that write completes, the next one carries the other 94: no record waits for more than one write.
    while (store.writes - before < 2) await new Promise((r) => setTimeout(r, 1));
    expect([...store.data.keys()].filter((k) => k.startsWith('rec:'))).toHaveLength(95);
    await Promise.all(adding);
    await log.flush();
    // Two record writes plus a handful of batched summary writes, not one write per record.
    expect(store.writes - before).toBeLessThan(2 + 10);
    const restored = new TabLog(store);
    const snap = await restored.snapshot(1);
    expect(snap.records.map((r) => r.id)).toEqual(Array.from({ length: 95 }, (_, i) => `r${i}`));
    expect(snap.summary.count).toBe(95);
  });

  test('during a burst, records go one write per gap, not one write per record (each write is a trip to the browser)', async () => {
    const store = new FakeStore();
    const log = new TabLog(store, { delay: (ms) => new Promise((r) => setTimeout(r, ms)) });
    await log.navigate(1, 'DOC', 'http://page', 0);
    await log.flush();
    const setsBefore = store.sets;
    // A failure every 3 ms for 150 ms: each write (1 ms here) completes before the next failure comes.
    const adding: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      adding.push(log.add(record(`b${i}`)));
      await new Promise((r) => setTimeout(r, 3));
    }
    await Promise.all(adding);
    await log.flush();
    const recordSets = store.recordSets;
    // 150 ms at most one record write per RECORD_WRITE_GAP_MS: about 7 (without the gap: 50, one per record).
    expect(recordSets).toBeLessThanOrEqual(Math.ceil(150 / RECORD_WRITE_GAP_MS) + 3);
    expect(store.sets - setsBefore).toBeLessThan(25);
    const restored = new TabLog(store);
    expect((await restored.snapshot(1)).records).toHaveLength(50);
  });

  test('every record write says since when records may be missing from the store', async () => {
    const store = new FakeStore();
    const log = new TabLog(store, { delay: (ms) => new Promise((r) => setTimeout(r, ms)) });
    await log.navigate(1, 'DOC', 'http://page', 0);
    const before = Date.now();
    await log.add(record('a'));
    await log.flush();
    const first = store.data.get(STORED_KEY) as number;
    expect(first).toBeGreaterThanOrEqual(before);
    // A record whose write fails (a stopping worker's, or a full store) leaves the mark where it was.
    const set = store.set.bind(store);
    store.set = () => Promise.reject(new Error('stopped'));
    await new Promise((r) => setTimeout(r, RECORD_WRITE_GAP_MS + 5));
    await log.add(record('b'));
    await log.flush().catch(() => undefined);
    expect(store.data.get(STORED_KEY)).toBe(first);
    expect(store.data.has(recordKey(1, 'b'))).toBe(false);
    store.set = set;
    await new Promise((r) => setTimeout(r, RECORD_WRITE_GAP_MS + 5));
    await log.add(record('c'));
    await log.flush();
    expect(store.data.get(STORED_KEY) as number).toBeGreaterThan(first);
    // Records the failed write held are written again, by the batched writer.
    expect(store.data.has(recordKey(1, 'b'))).toBe(true);
  });

  test('a deferred record is listed at once, written only if nothing replaced it in time, and written by flush', async () => {
    vi.useFakeTimers();
    try {
      const store = new FakeStore();
      const log = new TabLog(store, { delay: (ms) => new Promise((r) => setTimeout(r, ms)) });
      const shown: string[] = [];
      log.onChange((c) => {
        if (c.type === 'record') shown.push(`${c.record.id} ${c.record.uncaptured}`);
      });
      await vi.advanceTimersByTimeAsync(10);
      // A row without details, then its details 250 ms later: only the detailed record ever reaches the store.
      const replaced = log.add(record('a', 1, { uncaptured: true }), { defer: true });
      const lone = log.add(record('b', 1, { uncaptured: true }), { defer: true });
      await vi.advanceTimersByTimeAsync(250);
      await Promise.all([replaced, lone]);
      const detailed = log.add(record('a', 1));
      await vi.advanceTimersByTimeAsync(100);
      await detailed;
      expect(shown).toEqual(['a true', 'b true', 'a false']);
      expect((parseRecordJson(store.data.get(recordKey(1, 'a')) as string) as FailureRecord).uncaptured).toBe(false);
      expect(store.data.has(recordKey(1, 'b'))).toBe(false);
      // The row nothing replaced is written once it waited DEFERRED_WRITE_MS (up to twice that), not before.
      await vi.advanceTimersByTimeAsync(DEFERRED_WRITE_MS - 400);
      expect(store.data.has(recordKey(1, 'b'))).toBe(false);
      await vi.advanceTimersByTimeAsync(DEFERRED_WRITE_MS + 500);
      expect(store.data.has(recordKey(1, 'b'))).toBe(true);
      // flush() writes a deferred record at once.
      const late = log.add(record('c', 1, { uncaptured: true }), { defer: true });
      await vi.advanceTimersByTimeAsync(1);
      await late;
      expect(store.data.has(recordKey(1, 'c'))).toBe(false);
      const flushed = log.flush();
      await vi.advanceTimersByTimeAsync(10);
      await flushed;
      expect(store.data.has(recordKey(1, 'c'))).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  test("a record from DevTools' log alone (no document) is this tab's request for any document", async () => {
    const log = new TabLog(new FakeStore());
    const url = exchange().request.url;
    await log.add(record('dt:1', 1, { documentId: null }));
    expect(await log.hasRequest(1, 'DOC-A', 'GET', url)).toBe(true);
    expect(await log.hasRequest(1, 'DOC-A', 'PUT', url)).toBe(false);
    expect(await log.hasRequest(2, 'DOC-A', 'GET', url)).toBe(false);
    await log.add(record('r2', 3, { documentId: 'DOC-B' }));
    expect(await log.hasRequest(3, 'DOC-A', 'GET', url)).toBe(false);
  });

  test("one row per request: a row from DevTools' log alone and the request's own row with the same details never both stay", async () => {
    const store = new FakeStore();
    const log = new TabLog(store);
    // The request's row came first: the log-only row for its details is not added.
    await log.add(record('41', 1, { detailsId: 'A' }));
    await log.add(record('dt:A', 1, { documentId: null, detailsId: 'A' }));
    // The log-only row came first (the error event was late): the request's row takes its place.
    await log.add(record('dt:B', 1, { documentId: null, detailsId: 'B' }));
    await log.add(record('42', 1, { detailsId: 'B' }));
    expect((await log.snapshot(1)).records.map((r) => r.id)).toEqual(['41', '42']);
    expect(log.summary(1).count).toBe(2);
    await log.flush();
    // Two workers each wrote one of a pair (one made the row from the log while the other's write landed): a restart
    // keeps the request's row.
    store.data.set('rec:1:dt:C', JSON.stringify(record('dt:C', 1, { documentId: null, detailsId: 'C' })));
    store.data.set('rec:1:43', JSON.stringify(record('43', 1, { detailsId: 'C' })));
    const restored = new TabLog(store);
    expect((await restored.snapshot(1)).records.map((r) => r.id)).toEqual(['41', '42', '43']);
    await restored.flush();
    expect([...store.data.keys()].filter((k) => k.startsWith('rec:')).sort()).toEqual(['rec:1:41', 'rec:1:42', 'rec:1:43']);
  });

  test('hasDetails answers what the log holds, whichever way a record left it or changed (the worker skips the exchanges it says are taken)', async () => {
    const store = new FakeStore();
    const log = new TabLog(store, { maxRecordsPerTab: 40 });
    await log.navigate(1, 'DOC', 'http://page', 0);
    const held = () => ['A', 'B', 'C', 'D', 'E'].filter((d) => log.hasDetails(1, d));
    await log.add(record('1', 1, { detailsId: 'A' }));
    await log.add(record('2', 1, { detailsId: 'B' }));
    await log.add(record('3', 1, { detailsId: 'C' }));
    expect(held()).toEqual(['A', 'B', 'C']);
    expect(log.hasDetails(2, 'A')).toBe(false);
    // Replaced by a version that says something else, made from other details.
    await log.add(record('2', 1, { detailsId: 'D', type: 'script' }));
    expect(held()).toEqual(['A', 'C', 'D']);
    // Taken back.
    await log.retract(1, '1');
    expect(held()).toEqual(['C', 'D']);
    // Pushed out by the cap (the oldest go first).
    for (let i = 0; i < 40; i++) await log.add(record(`x${i}`));
    expect(held()).toEqual([]);
    await log.add(record('4', 1, { detailsId: 'E' }));
    expect(held()).toEqual(['E']);
    await log.flush();
    // Read back by a restarted worker.
    expect(new TabLog(store).hasDetails(1, 'E')).toBe(false);
    const restored = new TabLog(store);
    await restored.ready;
    expect(restored.hasDetails(1, 'E')).toBe(true);
    // Cleared.
    await log.clear(1, 1000);
    expect(held()).toEqual([]);
  });

  test('a record is serialized once: the JSON fitRecord measured is the JSON stored', async () => {
    const store = new FakeStore();
    const log = new TabLog(store);
    await log.navigate(1, 'DOC', 'http://page', 0);
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      const r = fitRecord(record('once'));
      await log.add(r);
      await log.flush();
      // The record, or the copy of it that is written (its first hop's headers said once), is serialized once.
      expect(stringify.mock.calls.filter(([value]) => (value as { id?: unknown } | null)?.id === 'once')).toHaveLength(1);
      expect(parseRecordJson(store.data.get('rec:1:once') as string)).toEqual(r);
    } finally {
      stringify.mockRestore();
    }
  });

  test("after Clear or a new page, DevTools' late word on an earlier request makes no row, also after a restart", async () => {
    const store = new FakeStore();
    const log = new TabLog(store);
    await log.navigate(1, 'DOC', 'http://a', 1000);
    await log.add(record('7', 1, { time: 1100 }));
    await log.clear(1, 2000);
    // DevTools lists the cleared request late (or again, to a restarted worker): it stays cleared.
    await log.add(record('dt:A', 1, { documentId: null, detailsId: 'A', time: 1100 }));
    // A request that started after the Clear, known from DevTools alone (its error event lost), is listed.
    await log.add(record('dt:B', 1, { documentId: null, detailsId: 'B', time: 2100 }));
    // The browser's own error event for a request that was in flight during the Clear is a failure after it.
    await log.add(record('8', 1, { time: 1900 }));
    expect((await log.snapshot(1)).records.map((r) => r.id)).toEqual(['dt:B', '8']);
    await log.flush();
    const restored = new TabLog(store);
    await restored.add(record('dt:C', 1, { documentId: null, detailsId: 'C', time: 1500 }));
    // (Read back in order of request start.)
    expect((await restored.snapshot(1)).records.map((r) => r.id)).toEqual(['8', 'dt:B']);
    // A new page: the old page's requests DevTools lists late are not the new page's.
    await restored.navigate(1, 'DOC2', 'http://b', 3000);
    await restored.add(record('dt:D', 1, { documentId: null, detailsId: 'D', time: 2900 }));
    await restored.add(record('dt:E', 1, { documentId: null, detailsId: 'E', time: 3050 }));
    expect((await restored.snapshot(1)).records.map((r) => r.id)).toEqual(['dt:E']);
  });

  test('a record taken back while it waited for its write is never written', async () => {
    const store = new FakeStore();
    // The first record's write is slow: the removal of the second goes out before that write completes.
    store.slow.add('rec:1:first');
    const log = new TabLog(store);
    void log.add(record('first'));
    await log.add(record('taken-back'));
    await log.retract(1, 'taken-back');
    await log.flush();
    await new Promise((r) => setTimeout(r, 20));
    expect([...store.data.keys()].filter((k) => k.startsWith('rec:'))).toEqual(['rec:1:first']);
    expect((await new TabLog(store).snapshot(1)).records.map((r) => r.id)).toEqual(['first']);
  });

  test('a worker stopped before the summary was written still restores every record', async () => {
    const store = new FakeStore();
    const log = new TabLog(store);
    for (let i = 0; i < 10; i++) void log.add(record(`r${i}`));
    // Nothing awaited, no flush: the process dies once the record writes land. What reached the store is the records.
    while (store.inFlight > 0 || store.writes < 2) await new Promise((r) => setTimeout(r, 1));
    const restored = new TabLog(store);
    expect((await restored.snapshot(1)).records).toHaveLength(10);
    expect(restored.summary(1).count).toBe(10);
  });

  test('the per-tab cap drops the oldest and counts what it dropped', async () => {
    const store = new FakeStore();
    const log = new TabLog(store, { maxRecordsPerTab: 50 });
    for (let i = 0; i < 73; i++) await log.add(record(`r${i}`));
    await log.flush();
    const snap = await log.snapshot(1);
    // Never more than the cap, dropped a twentieth of it at a time, oldest first, and every drop counted.
    expect(snap.records.length).toBeLessThanOrEqual(50);
    expect(snap.records.length).toBeGreaterThanOrEqual(47);
    expect(snap.summary.dropped + snap.records.length).toBe(73);
    expect(snap.summary.count).toBe(snap.records.length);
    expect(snap.records.at(-1)?.id).toBe('r72');
    expect(snap.records[0]?.id).toBe(`r${snap.summary.dropped}`);
    expect([...store.data.keys()].filter((k) => k.startsWith('rec:1:'))).toHaveLength(snap.records.length);
    expect((await new TabLog(store).snapshot(1)).summary).toMatchObject({ count: snap.records.length, dropped: snap.summary.dropped });
  });

  test('each tab keeps under its own byte budget, and only drops its own records to stay there', async () => {
    const one = JSON.stringify(record('x')).length + 300;
    const log = new TabLog(new FakeStore(), { maxRecordsPerTab: 500, maxBytesPerTab: one * 60 });
    // The victim tab logs 40 failures; then another tab adds a few huge ones (fewer rows than the victim has).
    for (let i = 0; i < 40; i++) await log.add(record(`v${i}`, 1));
    const big = `http://x/${'a'.repeat(one * 20)}`;
    const huge = (id: string) =>
      record(id, 2, { exchange: { ...record(id).exchange, request: { ...record(id).exchange.request, url: big } } });
    for (let i = 0; i < 10; i++) await log.add(huge(`e${i}`));
    expect((await log.snapshot(1)).records).toHaveLength(40);
    expect(log.summary(1).dropped).toBe(0);
    const flood = await log.snapshot(2);
    expect(flood.records.length).toBeLessThan(10);
    expect(log.summary(2).dropped).toBe(10 - flood.records.length);
    expect(flood.records.reduce((n, r) => n + JSON.stringify(r).length, 0)).toBeLessThanOrEqual(one * 60);
  });

  test('a record with the same id replaces the earlier one', async () => {
    const log = new TabLog(new FakeStore());
    await log.add(record('x'));
    await log.add(record('x', 1, { type: 'font' }));
    const snap = await log.snapshot(1);
    expect(snap.records.map((r) => r.type)).toEqual(['font']);
    expect(snap.summary.count).toBe(1);
  });

  test('a record without details never replaces one with details, also when both were on their way at once', async () => {
    const store = new FakeStore();
    const log = new TabLog(store);
    await log.add(record('x', 1, { uncaptured: true }));
    // Details joined, and the page's late word about the same request (still without details), both before either is in.
    const detailed = log.add(record('x', 1, { type: 'font' }));
    const late = log.add(record('x', 1, { uncaptured: true, type: 'image' }));
    await Promise.all([detailed, late]);
    await log.flush();
    await new Promise((r) => setTimeout(r, 20));
    expect((await log.snapshot(1)).records.map((r) => [r.type, r.uncaptured])).toEqual([['font', false]]);
    expect((await new TabLog(store).snapshot(1)).records.map((r) => [r.type, r.uncaptured])).toEqual([['font', false]]);
  });

  test('navigation starts a new log unless preserved; stale records of the old document are ignored', async () => {
    const log = new TabLog(new FakeStore());
    await log.navigate(1, 'DOC', 'http://a', 0);
    await log.add(record('1'));
    const generation = log.summary(1).generation;
    await log.navigate(1, 'DOC2', 'http://b', 0);
    expect((await log.snapshot(1)).records).toEqual([]);
    expect(log.summary(1).generation).toBe(generation + 1);
    await log.add(record('late', 1, { documentId: 'DOC' }));
    expect((await log.snapshot(1)).records).toEqual([]);
    await log.add(record('2', 1, { documentId: 'DOC2' }));
    await log.setPreserve(1, true);
    await log.navigate(1, 'DOC3', 'http://c', 0);
    expect((await log.snapshot(1)).records.map((r) => r.id)).toEqual(['2']);
  });

  test('removing a tab deletes its keys, and a record still in flight for it does not bring it back', async () => {
    const store = new FakeStore();
    const log = new TabLog(store);
    await log.add(record('1', 5));
    await log.flush();
    expect([...store.data.keys()]).toContain('rec:5:1');
    await log.remove(5);
    await log.add(record('2', 5));
    await log.flush();
    expect([...store.data.keys()].filter((k) => k.includes(':5'))).toEqual([]);
    expect(log.summaries()).toEqual([]);
  });

  test('look-alikes are kept but not counted as CORS failures', async () => {
    const log = new TabLog(new FakeStore());
    await log.add(record('1'));
    await log.add(record('2', 1, { kind: 'lookalike' }));
    expect(log.summary(1)).toMatchObject({ count: 1, lookalikes: 1 });
  });

  test('a store that refuses a write (quota) keeps everything in memory and retries with the next change', async () => {
    const store = new FakeStore();
    let fail = true;
    const set = store.set.bind(store);
    store.set = async (items) => {
      if (fail) throw new Error('QUOTA_BYTES quota exceeded');
      return set(items);
    };
    const log = new TabLog(store);
    await log.add(record('1'));
    await log.flush();
    expect(store.data.size).toBe(0);
    fail = false;
    await log.add(record('2'));
    await log.flush();
    await log.flush();
    expect((await new TabLog(store).snapshot(1)).records.map((r) => r.id)).toEqual(['1', '2']);
  });
});

test('dropping old records tells the listeners, so open panels drop them too', async () => {
  const log = new TabLog(new FakeStore(), { maxRecordsPerTab: 3 });
  const gone: string[] = [];
  log.onChange((c) => {
    if (c.type === 'retracted') gone.push(c.id);
  });
  for (let i = 0; i < 5; i++) await log.add(record(`r${i}`));
  expect(gone).toEqual(['r0', 'r1']);
  expect((await log.snapshot(1)).records.map((r) => r.id)).toEqual(['r2', 'r3', 'r4']);
});
