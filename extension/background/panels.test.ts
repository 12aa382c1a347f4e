import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { toRecord } from '../../src/capture/records.ts';
import type { FailureRecord, TabSummary } from '../../src/index.ts';
import { captured, exchange } from '../../test-support/exchange.ts';
import type { WorkerMessage } from '../protocol.ts';
import { PanelHub } from './panels.ts';
import type { PortLike } from './ports.ts';

const TAB = 7;
const base = toRecord({ ...captured(exchange({})), recordId: 'base' }) as FailureRecord;
const summary = (count: number, generation = 1): TabSummary =>
  ({ tabId: TAB, documentId: null, pageUrl: '', count, lookalikes: 0, dropped: 0, preserve: false, generation }) as TabSummary;
const record = (id: string, version: number, uncaptured = false): FailureRecord => ({ ...base, id, time: version, uncaptured });

function port(): PortLike & { sent: WorkerMessage[] } {
  const sent: WorkerMessage[] = [];
  return {
    name: 'panel',
    sent,
    postMessage: (m) => sent.push(m as WorkerMessage),
    disconnect: () => {},
    onMessage: { addListener: () => {} },
    onDisconnect: { addListener: () => {} },
  };
}

/** The messages of each post after the snapshot, flattened per post. */
const posts = (p: { sent: WorkerMessage[] }) => p.sent.slice(1).map((m) => (m.type === 'batch' ? m.messages : [m]));
const describeMessage = (m: WorkerMessage) =>
  m.type === 'record' ? `${m.record.id}@${m.record.time}` : m.type === 'retracted' ? `-${m.id}` : m.type;

describe('PanelHub batches', () => {
  let hub: PanelHub;
  let panel: ReturnType<typeof port>;
  let n = 0;
  const publish = (id: string, version: number, uncaptured = false) =>
    hub.publish({ type: 'record', tabId: TAB, record: record(id, version, uncaptured), summary: summary(++n) });
  beforeEach(() => {
    vi.useFakeTimers();
    n = 0;
    hub = new PanelHub(() => {});
    panel = port();
    hub.subscribe(panel, TAB, false, { summary: summary(0), records: [] }, 'devtools');
  });
  afterEach(() => vi.useRealTimers());

  test('a failure now and then goes after 30 ms, each version of it', async () => {
    publish('a', 1);
    await vi.advanceTimersByTimeAsync(30);
    publish('a', 2);
    await vi.advanceTimersByTimeAsync(30);
    expect(posts(panel).map((p) => p.map(describeMessage))).toEqual([['a@1'], ['a@2']]);
  });

  test("after a burst's batch the next waits 300 ms, and a record updated meanwhile goes once, where it first stood", async () => {
    for (let i = 0; i < 20; i++) publish(`b${i}`, 1);
    await vi.advanceTimersByTimeAsync(30);
    expect(posts(panel)).toHaveLength(1);
    publish('x', 1);
    publish('y', 1);
    publish('x', 2);
    publish('x', 3);
    await vi.advanceTimersByTimeAsync(299);
    expect(posts(panel)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const last = posts(panel)[1] ?? [];
    expect(last.map(describeMessage)).toEqual(['x@3', 'y@1']);
    // The batch's last message carries the newest summary: the panel keeps that one.
    const final = last[last.length - 1];
    expect(final && 'summary' in final ? final.summary.count : null).toBe(n);
    // That batch was small: the next change goes after 30 ms again.
    publish('z', 1);
    await vi.advanceTimersByTimeAsync(30);
    expect(posts(panel)).toHaveLength(3);
  });

  test('a reset or a retraction between two versions keeps both: the later one is a new row', async () => {
    for (let i = 0; i < 20; i++) publish(`b${i}`, 1);
    await vi.advanceTimersByTimeAsync(30);
    publish('x', 1);
    hub.publish({ type: 'retracted', tabId: TAB, id: 'x', summary: summary(++n) });
    publish('x', 2);
    hub.publish({ type: 'reset', tabId: TAB, summary: summary(0, 2) });
    publish('x', 3);
    publish('x', 4);
    await vi.advanceTimersByTimeAsync(300);
    expect((posts(panel)[1] ?? []).map(describeMessage)).toEqual(['x@1', '-x', 'x@2', 'reset', 'x@4']);
  });

  test("in a burst, a row without details waits up to 500 ms for DevTools' details, and the rows after it with it", async () => {
    for (let i = 0; i < 20; i++) publish(`b${i}`, 1);
    publish('u', 1, true);
    publish('v', 1, true);
    publish('c', 1);
    await vi.advanceTimersByTimeAsync(30);
    // The burst's batch stops at the first row whose details are on their way.
    expect((posts(panel)[0] ?? []).map(describeMessage)).toEqual(Array.from({ length: 20 }, (_, i) => `b${i}@1`));
    // u's details come: it goes with them, once, in its place; v still waits, and c (after it) with it.
    publish('u', 2);
    await vi.advanceTimersByTimeAsync(300);
    expect((posts(panel)[1] ?? []).map(describeMessage)).toEqual(['u@2']);
    const shown = posts(panel)[1]?.at(-1);
    expect(shown && 'summary' in shown ? shown.summary.count : null).toBe(24);
    // v's details never come: it goes without them once it waited 500 ms, and c follows it.
    await vi.advanceTimersByTimeAsync(300);
    expect((posts(panel)[2] ?? []).map(describeMessage)).toEqual(['v@1', 'c@1']);
    const last = posts(panel)[2]?.at(-1);
    expect(last && 'summary' in last ? last.summary.count : null).toBe(n);
    await vi.advanceTimersByTimeAsync(1000);
    expect(posts(panel)).toHaveLength(3);
  });

  test("a failure now and then, a tab not in a burst, a tab whose details do not come from DevTools, a worker's request: not held", async () => {
    publish('u', 1, true);
    await vi.advanceTimersByTimeAsync(30);
    expect(posts(panel).map((p) => p.map(describeMessage))).toEqual([['u@1']]);
    // A burst on another tab, whose details come from webRequest: its rows go at once.
    const other = port();
    hub.subscribe(other, 8, false, { summary: summary(0), records: [] }, 'counting');
    for (let i = 0; i < 21; i++) hub.publish({ type: 'record', tabId: 8, record: record(`w${i}`, 1, true), summary: summary(i) });
    // Meanwhile one row without details here: this tab is not in a burst.
    publish('q', 1, true);
    await vi.advanceTimersByTimeAsync(30);
    expect(posts(other)[0]).toHaveLength(21);
    expect((posts(panel)[1] ?? []).map(describeMessage)).toEqual(['q@1']);
    // A burst here of rows from a shared or service worker (frame -1): DevTools' log of the tab has no details for them.
    await vi.advanceTimersByTimeAsync(1000);
    for (let i = 0; i < 20; i++)
      hub.publish({ type: 'record', tabId: TAB, record: { ...record(`s${i}`, 1, true), frameId: -1 }, summary: summary(++n) });
    await vi.advanceTimersByTimeAsync(30);
    expect(posts(panel)[2]).toHaveLength(20);
  });

  test('the capture state goes to the panels only when it differs from what they were last told', async () => {
    hub.capture(TAB, 'devtools');
    await vi.advanceTimersByTimeAsync(30);
    expect(posts(panel)).toEqual([]);
    hub.capture(TAB, 'counting');
    hub.capture(TAB, 'counting');
    await vi.advanceTimersByTimeAsync(30);
    expect(posts(panel).map((p) => p.map(describeMessage))).toEqual([['capture']]);
  });

  test("a change of the tab's capture state is not held behind a row: the rows before it go with it", async () => {
    hub.capture(TAB, 'counting');
    await vi.advanceTimersByTimeAsync(30);
    // DevTools opens on the tab in a burst: the row queued before has no details coming, and the panel must know at once.
    for (let i = 0; i < 20; i++) publish(`b${i}`, 1);
    publish('u', 1, true);
    hub.capture(TAB, 'devtools');
    await vi.advanceTimersByTimeAsync(30);
    expect((posts(panel)[1] ?? []).map(describeMessage).slice(-2)).toEqual(['u@1', 'capture']);
  });

  test('a reset after a held row keeps its place: the row is not brought back after it', async () => {
    for (let i = 0; i < 20; i++) publish(`b${i}`, 1);
    publish('u', 1, true);
    hub.publish({ type: 'reset', tabId: TAB, summary: summary(0, 2) });
    publish('c', 1);
    await vi.advanceTimersByTimeAsync(30);
    expect(posts(panel)[0]).toHaveLength(20);
    await vi.advanceTimersByTimeAsync(600);
    expect((posts(panel)[1] ?? []).map(describeMessage)).toEqual(['u@1', 'reset', 'c@1']);
  });
});
