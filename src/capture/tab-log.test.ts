/**
 * The per-tab log: one serialized, batched writer (never two writes in flight), a restart reads back exactly what
 * was written, caps drop the oldest and count them, navigation and preserve behave as the panel promises.
 */
import { describe, expect, test } from 'vitest';
import { diagnose } from '../diagnose.ts';
import { exchange } from '../test-exchange.ts';
import type { FailureRecord } from './records.ts';
import { type KeyValueStore, TabLog } from './tab-log.ts';

/** An in-memory store that, like storage.session, answers asynchronously, and records how writes overlapped. */
class FakeStore implements KeyValueStore {
  data = new Map<string, unknown>();
  inFlight = 0;
  maxInFlight = 0;
  writes = 0;
  async get(keys: string[] | null) {
    await Promise.resolve();
    const out: Record<string, unknown> = {};
    for (const [k, v] of this.data) if (!keys || keys.includes(k)) out[k] = structuredClone(v);
    return out;
  }
  private async write(fn: () => void) {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 1));
    fn();
    this.writes++;
    this.inFlight--;
  }
  set(items: Record<string, unknown>) {
    return this.write(() => {
      for (const [k, v] of Object.entries(items)) this.data.set(k, structuredClone(v));
    });
  }
  remove(keys: string[]) {
    return this.write(() => {
      for (const k of keys) this.data.delete(k);
    });
  }
}

const diagnosis = diagnose(exchange());
function record(id: string, tabId = 1, over: Partial<FailureRecord> = {}): FailureRecord {
  return {
    id,
    tabId,
    frameId: 0,
    documentId: 'DOC',
    time: 0,
    type: 'xmlhttprequest',
    kind: 'cors',
    exchange: exchange(),
    diagnosis,
    ...over,
  };
}

describe('TabLog', () => {
  test('a burst of adds is written by one writer, in few writes, and a new log reads it all back', async () => {
    const store = new FakeStore();
    const log = new TabLog(store, { pageSize: 10 });
    await log.navigate(1, 'DOC', 'http://page');
    await Promise.all(Array.from({ length: 95 }, (_, i) => log.add(record(`r${i}`))));
    await log.flush();
    expect(store.maxInFlight).toBe(1);
    expect(store.writes).toBeLessThan(20);
    const restored = new TabLog(store, { pageSize: 10 });
    const snap = await restored.snapshot(1);
    expect(snap.records.map((r) => r.id)).toEqual(Array.from({ length: 95 }, (_, i) => `r${i}`));
    expect(snap.summary.count).toBe(95);
  });

  test('the per-tab cap drops the oldest page and counts what it dropped', async () => {
    const store = new FakeStore();
    const log = new TabLog(store, { pageSize: 10, maxRecordsPerTab: 50 });
    for (let i = 0; i < 73; i++) await log.add(record(`r${i}`));
    await log.flush();
    const snap = await log.snapshot(1);
    expect(snap.records.length).toBeLessThanOrEqual(50);
    expect(snap.summary.dropped + snap.records.length).toBe(73);
    expect(snap.summary.count).toBe(snap.records.length);
    expect(snap.records.at(-1)?.id).toBe('r72');
    expect([...store.data.keys()].filter((k) => k.startsWith('tab:1:'))).toHaveLength(Math.ceil(snap.records.length / 10));
  });

  test('the total cap keeps all tabs together under the budget', async () => {
    const log = new TabLog(new FakeStore(), { pageSize: 10, maxRecordsPerTab: 100, maxRecordsTotal: 120 });
    for (let i = 0; i < 100; i++) await log.add(record(`a${i}`, 1));
    for (let i = 0; i < 100; i++) await log.add(record(`b${i}`, 2));
    const total = (await log.snapshot(1)).records.length + (await log.snapshot(2)).records.length;
    expect(total).toBeLessThanOrEqual(120);
  });

  test('a record with the same id replaces the earlier one', async () => {
    const log = new TabLog(new FakeStore());
    await log.add(record('x'));
    await log.add(record('x', 1, { type: 'font' }));
    const snap = await log.snapshot(1);
    expect(snap.records.map((r) => r.type)).toEqual(['font']);
    expect(snap.summary.count).toBe(1);
  });

  test('navigation starts a new log unless preserved; stale records of the old document are ignored', async () => {
    const log = new TabLog(new FakeStore());
    await log.navigate(1, 'DOC', 'http://a');
    await log.add(record('1'));
    await log.navigate(1, 'DOC2', 'http://b');
    expect((await log.snapshot(1)).records).toEqual([]);
    await log.add(record('late', 1, { documentId: 'DOC' }));
    expect((await log.snapshot(1)).records).toEqual([]);
    await log.add(record('2', 1, { documentId: 'DOC2' }));
    await log.setPreserve(1, true);
    await log.navigate(1, 'DOC3', 'http://c');
    expect((await log.snapshot(1)).records.map((r) => r.id)).toEqual(['2']);
  });

  test('removing a tab deletes its keys', async () => {
    const store = new FakeStore();
    const log = new TabLog(store);
    await log.add(record('1', 5));
    await log.flush();
    expect([...store.data.keys()]).toContain('tab:5');
    await log.remove(5);
    await log.flush();
    expect([...store.data.keys()].filter((k) => k.startsWith('tab:5'))).toEqual([]);
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
    expect((await new TabLog(store).snapshot(1)).records.map((r) => r.id)).toEqual(['1', '2']);
  });
});
