/**
 * The worker's decisions, with a fake platform: rows from the browser's error events, details joined from DevTools'
 * network log (before or after the error, after a restart, never twice), credentials from the page's reports, who may
 * send which command or open which port, where detailed capture is armed, where a worker's failures are listed, and
 * what a restarted worker recovers.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { ErrorEvent, RequestEventBase } from '../../src/capture/events.ts';
import { type FailureRecord, parseRecordJson, toFirefoxRecord } from '../../src/capture/records.ts';
import { type KeyValueStore, recordKey, STORED_KEY } from '../../src/capture/tab-log.ts';
import { captured, exchange } from '../../test-support/exchange.ts';
import { DETAILS_WANTED_MS, DEVTOOLS_PORT, type LoggedItem, PANEL_PORT, type WorkerMessage } from '../protocol.ts';
import { BADGE_DELAY_MS } from './badge.ts';
import type { PortLike, SenderLike } from './ports.ts';
import { type FrameRef, LensService, type WorkerPlatform } from './service.ts';

const EXT = 'chrome-extension://lens';
const PAGE = 'http://localhost:8801';
const API = 'http://127.0.0.1:8802/cors?id=1';
const TAB = 7;

class MemoryStore implements KeyValueStore {
  data = new Map<string, unknown>();
  async get(keys: string[] | null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of this.data) if (!keys || keys.includes(k)) out[k] = structuredClone(v);
    return out;
  }
  async set(items: Record<string, unknown>) {
    for (const [k, v] of Object.entries(items)) this.data.set(k, structuredClone(v));
  }
  async remove(keys: string[]) {
    for (const k of keys) this.data.delete(k);
  }
}

interface Fake extends WorkerPlatform {
  readonly badges: Map<number, string>;
  readonly armedTabs: number[][];
  clock: number;
  tabs: { id: number; url: string }[];
  frames: Map<number, string[]>;
  /** Every time the worker asked relays for their reports. */
  readonly asked: { tabId: number; frames?: readonly FrameRef[] }[];
  /** What the tab's relays do when asked (they hold their reports until then). */
  relay: ((tabId: number) => Promise<void>) | null;
}

function platform(session = new MemoryStore(), settings = new MemoryStore()): Fake {
  const fake: Fake = {
    session,
    settings,
    extensionOrigin: EXT,
    clock: Date.now(),
    now: () => fake.clock,
    badges: new Map(),
    setBadge: (tabId, text) => fake.badges.set(tabId, text),
    tabs: [{ id: TAB, url: `${PAGE}/app` }],
    openTabs: async () => fake.tabs,
    frames: new Map(),
    tabsShowingOrigin: async (origin) => [...fake.frames].filter(([, origins]) => origins.includes(origin)).map(([tab]) => tab),
    asked: [],
    relay: null,
    async requestReports(tabId, frames) {
      fake.asked.push(frames ? { tabId, frames } : { tabId });
      await fake.relay?.(tabId);
    },
    armedTabs: [],
    detailCapture: {
      apply: (tabs) => {
        fake.armedTabs.push([...tabs]);
      },
      watching: (tabId) => (fake.armedTabs.at(-1) ?? []).includes(tabId),
    },
  };
  return fake;
}

class FakePort implements PortLike {
  readonly sent: WorkerMessage[] = [];
  disconnected = false;
  private readonly messageListeners: ((m: unknown) => void)[] = [];
  private readonly disconnectListeners: (() => void)[] = [];
  constructor(
    readonly name: string,
    readonly sender: SenderLike,
  ) {}
  postMessage(message: unknown) {
    this.sent.push(message as WorkerMessage);
  }
  disconnect() {
    this.disconnected = true;
    for (const l of this.disconnectListeners) l();
  }
  onMessage = { addListener: (l: (m: unknown) => void) => this.messageListeners.push(l) };
  onDisconnect = { addListener: (l: () => void) => this.disconnectListeners.push(l) };
  receive(message: unknown) {
    for (const l of this.messageListeners) l(message);
  }
}

const extensionPage = (path = 'extension/panel/panel.html'): SenderLike => ({ id: 'lens', url: `${EXT}/${path}`, origin: EXT });
const contentScript = (tabId = TAB, documentId = 'DOC'): SenderLike => ({
  id: 'lens',
  url: `${PAGE}/app`,
  origin: PAGE,
  tab: { id: tabId },
  frameId: 0,
  documentId,
});

let requestIds = 0;
/** What every event of a request says: a GET from the page's top frame to the API. */
function requestBase(over: Partial<RequestEventBase> = {}): RequestEventBase {
  return {
    requestId: String(++requestIds),
    url: API,
    method: 'GET',
    type: 'xmlhttprequest',
    tabId: TAB,
    frameId: 0,
    documentId: 'DOC',
    initiator: PAGE,
    timeStamp: Date.now(),
    ...over,
  };
}

function errorEvent(over: Partial<ErrorEvent> = {}): ErrorEvent {
  return { ...requestBase(), kind: 'error', error: 'net::ERR_FAILED', ...over };
}

/** DevTools' exchange of a credentialed GET answered with the page's origin but no Access-Control-Allow-Credentials. */
function logged(id: string, over: Partial<LoggedItem> = {}): LoggedItem {
  return {
    id,
    started: Date.now(),
    method: 'GET',
    url: API,
    resourceType: 'fetch',
    exchange: exchange({
      url: API,
      origin: PAGE,
      credentials: 'same-origin',
      credentialsSource: 'default',
      response: { headers: { 'access-control-allow-origin': PAGE } },
    }),
    ...over,
  };
}

/** A page relay's report that a call of its frame failed, as the worker receives it. */
function failedReport(over: Record<string, unknown> = {}) {
  return { api: 'fetch', url: API, method: 'GET', credentials: 'include', mode: 'cors', outcome: 'failed', ...over };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await vi.advanceTimersByTimeAsync(0);
}

async function rows(service: LensService, tabId = TAB): Promise<FailureRecord[]> {
  await settle();
  return (await service.log.snapshot(tabId)).records as FailureRecord[];
}

function devtoolsPort(service: LensService, tabId = TAB): FakePort {
  const port = new FakePort(DEVTOOLS_PORT, extensionPage('extension/devtools/devtools.html'));
  service.onConnect(port);
  port.receive({ type: 'inspect', tabId });
  return port;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('rows and details', () => {
  test("a failure without details on a tab DevTools is open on asks its devtools page to read DevTools' log, at most every second", async () => {
    const p = platform();
    const s = new LensService(p);
    const port = devtoolsPort(s);
    const other = devtoolsPort(s, TAB + 1);
    await settle();
    const wanted = (q: FakePort) => (q.sent as unknown[]).filter((m) => (m as { type?: string }).type === 'wanted');
    expect(wanted(port)).toEqual([]);
    s.onError(errorEvent());
    await rows(s);
    expect(wanted(port)).toEqual([{ type: 'wanted', forMs: DETAILS_WANTED_MS }]);
    expect(wanted(other)).toEqual([]);
    // Failures going on: asked again only once the last ask is a second old.
    p.clock += 500;
    s.onError(errorEvent());
    await rows(s);
    expect(wanted(port)).toHaveLength(1);
    p.clock += 500;
    s.onError(errorEvent());
    await rows(s);
    expect(wanted(port)).toHaveLength(2);
    // A devtools page that connects now (DevTools reopened) is asked at the next failure, however recent the last ask.
    const reopened = devtoolsPort(s);
    await settle();
    s.onError(errorEvent());
    await rows(s);
    expect(wanted(reopened)).toHaveLength(1);
  });

  test('an error with DevTools closed is a row without details, counted on the badge', async () => {
    const p = platform();
    const s = new LensService(p);
    s.onError(errorEvent());
    const [r] = await rows(s);
    expect(r?.uncaptured).toBe(true);
    expect(r?.notWatched).toBe(true);
    await vi.advanceTimersByTimeAsync(BADGE_DELAY_MS);
    expect(p.badges.get(TAB)).toBe('1');
  });

  test("DevTools' exchange completes the row: same row, Chromium's code, details from DevTools", async () => {
    const s = new LensService(platform());
    s.onError(errorEvent());
    await rows(s);
    const port = devtoolsPort(s);
    port.receive({ type: 'logged', items: [logged('a:1')] });
    const list = await rows(s);
    expect(list).toHaveLength(1);
    expect(list[0]?.uncaptured).toBe(false);
    expect(list[0]?.source).toBe('devtools');
    expect(list[0]?.detailsId).toBe('a:1');
    // Nothing said how the page asked: the only mode that explains the refusal is 'include'.
    expect(list[0]?.judgement.verdict.status?.corsError).toBe('InvalidAllowCredentials');
    expect(list[0]?.judgement.credentials.source).toBe('inferred');
  });

  test('with DevTools open, the row is listed at once but stored only with its details (not twice)', async () => {
    const session = new MemoryStore();
    const s = new LensService(platform(session));
    const port = devtoolsPort(s);
    const written: boolean[] = [];
    const set = session.set.bind(session);
    session.set = async (items) => {
      for (const [k, v] of Object.entries(items))
        if (k.startsWith('rec:')) written.push((parseRecordJson(v as string) as FailureRecord).uncaptured);
      return set(items);
    };
    s.onError(errorEvent());
    expect((await rows(s)).map((r) => r.uncaptured)).toEqual([true]);
    await vi.advanceTimersByTimeAsync(250);
    port.receive({ type: 'logged', items: [logged('a:1')] });
    expect((await rows(s)).map((r) => r.uncaptured)).toEqual([false]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(written).toEqual([false]);
    // Details that never come: the row is stored as it is, a moment later.
    s.onError(errorEvent({ url: `${API}?other` }));
    await rows(s);
    expect(written).toEqual([false]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(written).toEqual([false, true]);
  });

  test('an exchange that comes before the error waits for it, and the two make one row', async () => {
    const s = new LensService(platform());
    const port = devtoolsPort(s);
    port.receive({ type: 'logged', items: [logged('a:1')] });
    await settle();
    s.onError(errorEvent());
    const list = await rows(s);
    expect(list).toHaveLength(1);
    expect(list[0]?.source).toBe('devtools');
  });

  test('five identical requests failing at once each get their own details', async () => {
    const s = new LensService(platform());
    for (let i = 0; i < 5; i++) s.onError(errorEvent());
    await rows(s);
    devtoolsPort(s).receive({ type: 'logged', items: Array.from({ length: 5 }, (_, i) => logged(`a:${i}`)) });
    const list = await rows(s);
    expect(list.map((r) => r.detailsId).sort()).toEqual(['a:0', 'a:1', 'a:2', 'a:3', 'a:4']);
  });

  test('an exchange whose error event never comes (lost in a restart) makes the row itself', async () => {
    const s = new LensService(platform());
    devtoolsPort(s).receive({ type: 'logged', items: [logged('a:1')] });
    expect(await rows(s)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2000);
    const list = await rows(s);
    expect(list.map((r) => [r.id, r.source, r.judgement.verdict.status?.corsError])).toEqual([
      ['dt:a:1', 'devtools', 'InvalidAllowCredentials'],
    ]);
  });

  test('exchanges sent again after a restart are not listed twice', async () => {
    const session = new MemoryStore();
    const first = new LensService(platform(session));
    first.onError(errorEvent());
    await rows(first);
    devtoolsPort(first).receive({ type: 'logged', items: [logged('a:1')] });
    await rows(first);
    await first.log.flush();
    // A new worker on the same storage; the devtools page reconnects and sends its recent exchanges again.
    const second = new LensService(platform(session));
    devtoolsPort(second).receive({ type: 'logged', items: [logged('a:1')] });
    await vi.advanceTimersByTimeAsync(2000);
    expect(await rows(second)).toHaveLength(1);
  });

  test('the page saying it asked with credentials judges DevTools details again', async () => {
    const s = new LensService(platform());
    s.onError(errorEvent());
    devtoolsPort(s).receive({
      type: 'logged',
      items: [logged('a:1', { exchange: exchange({ url: API, response: { headers: { 'access-control-allow-origin': '*' } } }) })],
    });
    await rows(s);
    await s.onMessage(
      {
        channel: 'cors-lens',
        type: 'reports',
        payload: [failedReport({ startedAt: 1 })],
      },
      contentScript(),
    );
    const [r] = await rows(s);
    expect(r?.judgement.credentials).toEqual({ mode: 'include', source: 'page' });
    expect(r?.judgement.verdict.status?.corsError).toBe('WildcardOriginNotAllowed');
    // Judged again, still DevTools' exchange a:1: sent again (its devtools page reconnects after a worker restart), it
    // is known as taken and makes no second row.
    expect(r?.detailsId).toBe('a:1');
    devtoolsPort(s).receive({
      type: 'logged',
      items: [logged('a:1', { exchange: exchange({ url: API, response: { headers: { 'access-control-allow-origin': '*' } } }) })],
    });
    await vi.advanceTimersByTimeAsync(2000);
    expect(await rows(s)).toHaveLength(1);
  });
});

describe("the pages' reports, held until asked", () => {
  const includeReport = failedReport({ startedAt: 1 });

  test("a snapshot asks the tab's relays first, and shows the page's word on how it asked", async () => {
    const p = platform();
    const s = new LensService(p);
    p.relay = async () => {
      await s.onMessage({ channel: 'cors-lens', type: 'reports', payload: [includeReport] }, contentScript());
    };
    s.onError(errorEvent());
    await rows(s);
    const snapshot = (await s.onMessage({ channel: 'cors-lens', type: 'snapshot', payload: { tabId: TAB } }, extensionPage())) as {
      records: FailureRecord[];
    };
    expect(p.asked).toEqual([{ tabId: TAB }]);
    expect(snapshot.records).toHaveLength(1);
    expect(snapshot.records[0]?.judgement.credentials).toEqual({ mode: 'include', source: 'page' });
  });

  test('nothing is asked while no panel shows the tab; with one, the frames of new failures are asked, batched', async () => {
    const p = platform();
    const s = new LensService(p);
    s.onError(errorEvent());
    await rows(s);
    await vi.advanceTimersByTimeAsync(1000);
    expect(p.asked).toEqual([]);
    const panel = new FakePort(PANEL_PORT, extensionPage());
    s.onConnect(panel);
    panel.receive({ type: 'subscribe', tabId: TAB, asPage: false });
    await settle();
    // Opening the panel asks every frame for what it holds.
    expect(p.asked).toEqual([{ tabId: TAB }]);
    s.onError(errorEvent({ frameId: 3, documentId: 'SUB' }));
    s.onError(errorEvent({ frameId: 3, documentId: 'SUB' }));
    s.onError(errorEvent({ frameId: 0, documentId: 'DOC' }));
    await rows(s);
    await vi.advanceTimersByTimeAsync(250);
    expect(p.asked.slice(1)).toEqual([
      {
        tabId: TAB,
        frames: [
          { frameId: 3, documentId: 'SUB' },
          { frameId: 0, documentId: 'DOC' },
        ],
      },
    ]);
  });

  test('a worker started just after its predecessor stopped mid-traffic asks every tab', async () => {
    const session = new MemoryStore();
    const p = platform(session);
    await session.set({ activity: p.clock - 2000 });
    const s = new LensService(p);
    await s.ready;
    expect(p.asked).toEqual([{ tabId: TAB }]);
  });

  test("the page's late word on a row that is gone does not bring it back", async () => {
    const s = new LensService(platform());
    s.onError(errorEvent());
    expect(await rows(s)).toHaveLength(1);
    await s.onMessage({ channel: 'cors-lens', type: 'clear', payload: { tabId: TAB } }, extensionPage());
    await s.onMessage({ channel: 'cors-lens', type: 'reports', payload: [includeReport] }, contentScript());
    expect(await rows(s)).toHaveLength(0);
  });

  test('a late report that the page closed an event stream takes its failure back', async () => {
    const s = new LensService(platform());
    s.onError(errorEvent());
    expect(await rows(s)).toHaveLength(1);
    await s.onMessage(
      {
        channel: 'cors-lens',
        type: 'reports',
        payload: [{ ...includeReport, api: 'eventsource', credentials: 'same-origin', outcome: 'closed' }],
      },
      contentScript(),
    );
    expect(await rows(s)).toHaveLength(0);
  });
  test("an event stream whose answer passed, closed by the page after its error was seen, goes when the page's word comes", async () => {
    const s = new LensService(platform());
    const base = requestBase({ requestId: 'sse' });
    s.onDetailEvent({
      ...base,
      kind: 'send',
      requestHeaders: [
        { name: 'Origin', value: PAGE },
        { name: 'Accept', value: 'text/event-stream' },
      ],
    });
    s.onDetailEvent({
      ...base,
      kind: 'headers',
      statusCode: 200,
      responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: '*' }],
    });
    s.onError(errorEvent({ requestId: 'sse' }));
    // Nothing from the page yet: only 'include' explains a refusal of that answer.
    expect((await rows(s)).map((r) => r.judgement.verdict.status?.corsError)).toEqual(['WildcardOriginNotAllowed']);
    await s.onMessage(
      {
        channel: 'cors-lens',
        type: 'reports',
        payload: [
          { api: 'eventsource', url: API, method: 'GET', credentials: 'same-origin', mode: 'cors', outcome: 'closed', startedAt: 1 },
        ],
      },
      contentScript(),
    );
    expect(await rows(s)).toHaveLength(0);
  });
});

describe('who may do what', () => {
  test.each(['snapshot', 'clear', 'preserve', 'detailOrigin', 'settings'] as const)('%s is refused to a content script', async (type) => {
    const s = new LensService(platform());
    const payload = type === 'detailOrigin' ? { origin: PAGE, on: true } : type === 'settings' ? null : { tabId: TAB, preserve: true };
    await expect(s.onMessage({ channel: 'cors-lens', type, payload }, contentScript())).rejects.toThrow(/not allowed/);
    await expect(s.onMessage({ channel: 'cors-lens', type, payload }, extensionPage())).resolves.not.toThrow();
  });

  test("a content script cannot read or clear another tab's log", async () => {
    const s = new LensService(platform());
    s.onError(errorEvent());
    await rows(s);
    await expect(
      s.onMessage({ channel: 'cors-lens', type: 'clear', payload: { tabId: TAB } }, contentScript(99, 'EVIL')),
    ).rejects.toThrow();
    expect(await rows(s)).toHaveLength(1);
  });

  test.each([PANEL_PORT, DEVTOOLS_PORT])('the %s port is closed for a content script', (name) => {
    const s = new LensService(platform());
    const port = new FakePort(name, contentScript());
    s.onConnect(port);
    expect(port.disconnected).toBe(true);
  });

  test("a report only ever describes the sender's own tab", async () => {
    const s = new LensService(platform());
    s.onError(errorEvent());
    await rows(s);
    // Another tab reports the same URL failing without credentials: the victim's row is not touched.
    await s.onMessage(
      {
        channel: 'cors-lens',
        type: 'reports',
        payload: [{ api: 'fetch', url: API, method: 'GET', credentials: 'omit', mode: 'cors', outcome: 'failed' }],
      },
      contentScript(99, 'EVIL'),
    );
    const [r] = await rows(s);
    expect(r?.exchange.request.credentials.source).not.toBe('page');
    expect(await rows(s, 99)).toHaveLength(0);
  });

  test('reports that come from an extension page are ignored', async () => {
    const s = new LensService(platform());
    await s.onMessage(
      {
        channel: 'cors-lens',
        type: 'reports',
        payload: [{ api: 'fetch', url: API, method: 'GET', credentials: 'omit', mode: 'cors', outcome: 'failed' }],
      },
      { ...extensionPage(), tab: { id: TAB }, documentId: 'X' },
    );
    expect(await rows(s)).toHaveLength(0);
  });
});

describe('detailed capture', () => {
  test('a panel opened as a page arms its tab; DevTools open on the tab disarms it; the panel is told', async () => {
    const p = platform();
    const s = new LensService(p);
    await s.ready;
    const panel = new FakePort(PANEL_PORT, extensionPage());
    s.onConnect(panel);
    panel.receive({ type: 'subscribe', tabId: TAB, asPage: true });
    await settle();
    expect(p.armedTabs.at(-1)).toEqual([TAB]);
    expect(s.captureState(TAB)).toBe('detailed');
    const dt = devtoolsPort(s);
    expect(p.armedTabs.at(-1)).toEqual([]);
    expect(s.captureState(TAB)).toBe('devtools');
    dt.disconnect();
    expect(p.armedTabs.at(-1)).toEqual([TAB]);
    await vi.advanceTimersByTimeAsync(100);
    const told = panel.sent.flatMap((m) => (m.type === 'batch' ? m.messages : [m])).filter((m) => m.type === 'capture');
    expect(told.map((m) => (m.type === 'capture' ? m.capture : ''))).toEqual(['detailed', 'devtools', 'detailed']);
  });

  test("a site turned on arms that site's tabs only, and a navigation away disarms", async () => {
    const p = platform();
    p.tabs = [
      { id: 1, url: `${PAGE}/a` },
      { id: 2, url: 'https://news.example/' },
    ];
    const s = new LensService(p);
    await s.ready;
    await s.onMessage({ channel: 'cors-lens', type: 'detailOrigin', payload: { origin: PAGE, on: true } }, extensionPage());
    expect(p.armedTabs.at(-1)).toEqual([1]);
    s.onNavigation(1, 0, 'D2', 'https://elsewhere.example/', p.clock);
    expect(p.armedTabs.at(-1)).toEqual([]);
    // The setting survives a restart.
    const again = new LensService({ ...p, openTabs: async () => [{ id: 3, url: `${PAGE}/b` }] });
    await again.ready;
    expect(p.armedTabs.at(-1)).toEqual([3]);
  });
});

describe('restart and workers', () => {
  test("a shared worker's failure is listed on the tabs of its origin, never on another site's", async () => {
    const p = platform();
    p.tabs = [
      { id: 1, url: `${PAGE}/a` },
      { id: 2, url: 'https://evil.example/' },
    ];
    p.frames.set(1, [PAGE]);
    p.frames.set(2, ['https://evil.example']);
    const s = new LensService(p);
    s.onError(errorEvent({ tabId: -1, frameId: -1, documentId: null, initiator: 'https://evil.example', url: 'https://api.example/x' }));
    await settle();
    expect(await rows(s, 2)).toHaveLength(1);
    expect(await rows(s, 1)).toHaveLength(0);
  });

  test("after a stop mid-traffic, the page's reports fill in failures whose events were lost", async () => {
    const session = new MemoryStore();
    const p = platform(session);
    await session.set({ activity: p.clock - 2000 });
    const s = new LensService(p);
    await s.ready;
    await s.onMessage(
      {
        channel: 'cors-lens',
        type: 'reports',
        payload: [failedReport({ startedAt: p.clock - 1000 })],
      },
      contentScript(),
    );
    const [r] = await rows(s);
    expect(r?.pageReported).toBe(true);
    expect(r?.uncaptured).toBe(true);
  });

  test('a report that makes a row alone is answered only once its row is stored', async () => {
    const session = new MemoryStore();
    const p = platform(session);
    await session.set({ activity: p.clock - 2000 });
    const s = new LensService(p);
    await s.ready;
    // From here, the store's writes complete only when the test lets them: a worker stopped before then lost them.
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const write = session.set.bind(session);
    session.set = async (items) => {
      await gate;
      await write(items);
    };
    const report = failedReport({ startedAt: p.clock - 1000 });
    let answer: unknown = null;
    void Promise.resolve(s.onMessage({ channel: 'cors-lens', type: 'reports', payload: [report] }, contentScript())).then((a) => {
      answer = a;
    });
    await settle();
    await vi.advanceTimersByTimeAsync(100);
    expect(answer).toBeNull();
    release();
    await settle();
    expect(answer).toEqual({ received: true });
    expect([...session.data.keys()].filter((k) => k.startsWith(recordKey(TAB, '')))).toHaveLength(1);
  });

  test("a worker stopped in its blind spot before it stored what it took: its successor takes the predecessor's failures", async () => {
    const session = new MemoryStore();
    const p = platform(session);
    const start = p.clock;
    // Worker A was busy 2 s before worker B started.
    await session.set({ activity: start - 2000 });
    const b = new LensService(p);
    await b.ready;
    // B works a moment (its activity is stored), and is stopped before a relay's report of A's last failures reaches it.
    p.clock = start + 300;
    b.onError(errorEvent({ url: `${API}&b` }));
    await rows(b);
    p.clock = start + 600;
    const c = new LensService(platform(session));
    await c.ready;
    // A failure that ended in A's last second: B was its last chance, and the relay sends it again to C.
    const report = failedReport({ startedAt: start - 1500, endedAt: start - 1000 });
    await c.onMessage({ channel: 'cors-lens', type: 'reports', payload: [report] }, contentScript());
    expect((await rows(c)).map((r) => r.exchange.request.url)).toContain(API);
  });

  test("a worker stopped with records it had not stored yet: its successor takes the pages' reports from its last record write", async () => {
    const session = new MemoryStore();
    const p = platform(session);
    const start = p.clock;
    // The predecessor was busy 1 s ago, but its last record write was 3 s ago: what it added since may be lost.
    await session.set({ activity: start - 1000, [STORED_KEY]: start - 3000 });
    const s = new LensService(p);
    await s.ready;
    const report = (id: number, endedAt: number) => failedReport({ url: `${API}&r=${id}`, startedAt: endedAt - 100, endedAt });
    await s.onMessage(
      { channel: 'cors-lens', type: 'reports', payload: [report(1, start - 2000), report(2, start - 4000)] },
      contentScript(),
    );
    // Ended after the last write: taken; ended before it (and its margin): that write stored it, if it was a failure.
    expect((await rows(s)).map((r) => r.exchange.request.url)).toEqual([`${API}&r=1`]);
  });

  test('a tab that opens while the worker starts is not taken for one closed while it was stopped', async () => {
    // Measured in a fresh browser: the worker lists the open tabs before the new tab exists, and the tab's first
    // navigation reaches it before it has compared that list with the logs it restored.
    const p = platform();
    p.tabs = [];
    const s = new LensService(p);
    s.onNavigation(TAB, 0, 'DOC', `${PAGE}/app`, Date.now());
    await s.ready;
    s.onError(errorEvent());
    expect(await rows(s)).toHaveLength(1);
  });

  test('a tab whose log was dropped as closed gets a log again when it navigates', async () => {
    const s = new LensService(platform());
    await s.ready;
    s.onTabRemoved(TAB);
    await settle();
    s.onNavigation(TAB, 0, 'DOC', `${PAGE}/app`, Date.now());
    s.onError(errorEvent());
    expect(await rows(s)).toHaveLength(1);
  });

  test('without a recent stop, a report alone never makes a row', async () => {
    const p = platform();
    const s = new LensService(p);
    await s.ready;
    await s.onMessage(
      {
        channel: 'cors-lens',
        type: 'reports',
        payload: [failedReport({ startedAt: p.clock - 1000 })],
      },
      contentScript(),
    );
    expect(await rows(s)).toHaveLength(0);
  });
});

test('the log holds no secret from the URL of a failed request', async () => {
  const s = new LensService(platform());
  s.onError(errorEvent({ url: 'http://127.0.0.1:8802/x?access_token=S3CRET123&id=1' }));
  const [r] = await rows(s);
  expect(JSON.stringify(r)).not.toContain('S3CRET123');
  expect(r?.exchange.request.url).toContain('access_token=');
});

describe('warnings', () => {
  test('a passing request whose answer echoes the origin with credentials and no Vary is a warning row, never counted', async () => {
    const p = platform();
    const s = new LensService(p);
    const passing = exchange({
      url: API,
      origin: PAGE,
      credentials: 'include',
      credentialsSource: 'page',
      response: { headers: { 'access-control-allow-origin': PAGE, 'access-control-allow-credentials': 'true' } },
      error: null,
    });
    const safe = exchange({
      url: `${API}&safe`,
      origin: PAGE,
      credentials: 'include',
      credentialsSource: 'page',
      response: { headers: { 'access-control-allow-origin': PAGE, 'access-control-allow-credentials': 'true', vary: 'Origin' } },
      error: null,
    });
    devtoolsPort(s).receive({
      type: 'logged',
      items: [logged('w:1', { exchange: passing }), logged('w:2', { url: `${API}&safe`, exchange: safe })],
    });
    const list = await rows(s);
    expect(list.map((r) => [r.kind, r.detailsId])).toEqual([['warning', 'w:1']]);
    expect(s.summary(TAB).count).toBe(0);
    await vi.advanceTimersByTimeAsync(BADGE_DELAY_MS);
    expect(p.badges.get(TAB) ?? '').toBe('');
  });
});

describe("a browser's own capture (Firefox)", () => {
  const reportMessage = (credentials: string) => ({
    channel: 'cors-lens',
    type: 'reports',
    payload: [{ api: 'fetch', url: API, method: 'GET', credentials, mode: 'cors', outcome: 'failed' }],
  });

  test("the pages' reports go to it, attributed to the sender the browser names, and its records are the rows", async () => {
    const reports: { from: unknown; url: string }[] = [];
    const p: Fake = { ...platform(), ownCapture: { report: (from, r) => reports.push({ from, url: r.url }) } };
    const s = new LensService(p);
    await s.onMessage(reportMessage('include'), contentScript(TAB, 'DOC'));
    expect(reports).toEqual([{ from: { tabId: TAB, frameId: 0, documentId: 'DOC', origin: PAGE }, url: API }]);
    const record = toFirefoxRecord(captured(exchange({ url: API, origin: PAGE, response: { headers: {} } })));
    if (!record) throw new Error('not a record');
    s.onRecord({ ...record, tabId: TAB, documentId: null });
    const [row] = await rows(s);
    expect(row?.firefox?.reason).toBe('CORSMissingAllowOrigin');
    await vi.advanceTimersByTimeAsync(BADGE_DELAY_MS);
    expect(p.badges.get(TAB)).toBe('1');
    // It sees every tab's details: nothing to arm, and the panel is told so.
    expect(s.captureState(TAB)).toBe('detailed');
  });

  test("DevTools' log makes no rows of its own beside it", async () => {
    const p: Fake = { ...platform(), ownCapture: { report: () => undefined } };
    const s = new LensService(p);
    devtoolsPort(s).receive({ type: 'logged', items: [logged('a:1')] });
    await vi.advanceTimersByTimeAsync(2000);
    expect(await rows(s)).toEqual([]);
  });

  test("a worker's record is listed on the tabs of its origin", async () => {
    const p: Fake = { ...platform(), ownCapture: { report: () => undefined } };
    p.frames.set(TAB, [PAGE]);
    const s = new LensService(p);
    const record = toFirefoxRecord(captured(exchange({ url: API, origin: PAGE, response: { headers: {} } })));
    if (!record) throw new Error('not a record');
    s.onRecord({ ...record, tabId: -1, documentId: null });
    await settle();
    expect((await rows(s)).map((r) => [r.frameId, r.firefox?.reason])).toEqual([[-1, 'CORSMissingAllowOrigin']]);
  });
});
