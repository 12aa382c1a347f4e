/**
 * DevTools' network log as a detail source. While DevTools is open on a tab it records every request of the tab
 * anyway; this reads finished entries (chrome.devtools.network.onRequestFinished), keeps what CORS needs
 * (src/capture/har.ts assembles preflights, redirects and the request into an exchange), and sends each failed
 * request's exchange to the worker, which joins it with the browser's error event for the same request. No
 * `extraHeaders` webRequest listener is needed while DevTools is open.
 *
 * The log is read only while it is wanted (LogReader): while the CORS panel is shown, and for a while after the worker
 * asks (a failure on the tab, listed without its details yet). Reading it is not free: for each request of the tab,
 * DevTools builds a HAR entry and posts it to this page, which cost a page with DevTools open about a third more
 * latency per request whether anything failed or not (docs/performance.md). When reading starts, the entries that
 * ended since it last stopped are taken from the whole log once (getHAR): the failure that woke it among them.
 *
 * The worker can stop at any time: the port then closes, and the last minute's exchanges are sent again on the new
 * one (the worker ignores the ones it already has), so a restart loses nothing seen here.
 */

import type { HeaderList } from '../../src/index.ts';
import { HarAssembler, type HarEntry, keptUrl, type LoggedExchange, passiveFindings, redactExchange } from '../../src/index.ts';
import { browser, type Runtime } from '../platform/index.ts';
import { DEVTOOLS_PORT, type DevtoolsMessage, type LoggedItem, type WorkerToDevtools } from '../protocol.ts';
import type { WakeUp } from './clock.worker.ts';

/** A HAR entry as chrome.devtools.network delivers it (Chromium's own fields start with `_`). */
export interface RawEntry {
  startedDateTime?: string;
  /** Total time of the request, ms (-1 or absent while it runs). */
  time?: number;
  _resourceType?: string;
  _initiator?: { type?: string; url?: string } | null;
  request?: { method?: string; url?: string; headers?: { name: string; value: string }[] };
  response?: { status?: number; headers?: { name: string; value: string }[]; _error?: string | null };
}

const RESEND_MS = 60_000;
const SETTLE_MS = 60;
/**
 * Least time between two sends to the worker. Each message costs the devtools page and the worker more than its
 * content does (bench, DevTools open, a burst of 1,000 failures: the devtools page busy 3.8 s sending every 60 ms,
 * 2.5 s every 250 ms). A failure after a quiet spell still goes after SETTLE_MS.
 */
const SEND_GAP_MS = 250;

const UTF8 = new TextDecoder('utf-8');

/** windows-1252's characters for the bytes 0x80-0x9F (the others stand for themselves, as in Latin-1). */
const CP1252 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const BYTE_OF = new Map<string, number>([...CP1252].map((c, i) => [c, 0x80 + i]));

/**
 * A header value as the network stack reads it. DevTools' log gives the header's bytes one character per byte,
 * decoded as windows-1252 (measured: the UTF-8 bytes E2 80 AE of U+202E arrive as "â€®", those of "é" as "Ã©"); the
 * engine, like Chromium's checks and like the webRequest adapter, wants them decoded as UTF-8, with replacement
 * characters for invalid bytes.
 */
export function networkText(value: string): string {
  if (!/[\u0080-\uffff]/.test(value)) return value;
  const bytes: number[] = [];
  for (const c of value) {
    const code = c.charCodeAt(0);
    const byte = code < 0x80 || (code >= 0xa0 && code <= 0xff) ? code : BYTE_OF.get(c);
    // Not one byte per character after all: leave the value as DevTools gave it.
    if (byte === undefined) return value;
    bytes.push(byte);
  }
  return UTF8.decode(Uint8Array.from(bytes));
}

function headerList(list: { name: string; value: string }[] | undefined): HeaderList {
  return (list ?? []).map((h) => ({ name: String(h.name), value: networkText(String(h.value)) }));
}

/** The fields the assembler reads, for the entries that can matter; null for the rest (most of a page's requests). */
export function toEntry(raw: RawEntry): HarEntry | null {
  const type = raw._resourceType ?? 'other';
  const status = raw.response?.status ?? 0;
  const error = raw.response?._error || null;
  const requestHeaders = raw.request?.headers ?? [];
  const relevant =
    type === 'preflight' ||
    error !== null ||
    (status >= 300 && status < 400) ||
    requestHeaders.some((h) => h.name.length === 6 && h.name.toLowerCase() === 'origin');
  if (!relevant || !raw.request?.url) return null;
  return {
    started: Date.parse(raw.startedDateTime ?? '') || Date.now(),
    resourceType: type,
    preflightFor: type === 'preflight' ? (raw._initiator?.url ?? null) : null,
    method: String(raw.request.method ?? 'GET'),
    url: String(raw.request.url),
    requestHeaders: headerList(requestHeaders),
    status,
    responseHeaders: headerList(raw.response?.headers),
    error,
  };
}

/**
 * Calls back after about `ms`, on the clock worker (clock.worker.ts) where there is one: the page's own timers fire
 * at most once a second in this hidden frame. Falls back to the page's timer where a worker cannot start.
 */
function unthrottledClock(): (ms: number, callback: () => void) => void {
  let worker: Worker | null = null;
  try {
    worker = new Worker(new URL('./clock.worker.ts', import.meta.url), { type: 'module' });
  } catch {
    worker = null;
  }
  const waiting = new Map<number, () => void>();
  let ids = 0;
  if (worker) {
    worker.onmessage = (e: MessageEvent<number>) => {
      const callback = waiting.get(e.data);
      waiting.delete(e.data);
      callback?.();
    };
    worker.onerror = () => {
      // The worker could not run: what waits on it runs on the page's timer.
      for (const callback of waiting.values()) setTimeout(callback, 0);
      waiting.clear();
      worker = null;
    };
  }
  return (ms, callback) => {
    if (!worker) {
      setTimeout(callback, ms);
      return;
    }
    const wake: WakeUp = { id: ++ids, ms };
    waiting.set(wake.id, callback);
    worker.postMessage(wake);
  };
}

/** Where LogReader reads entries: DevTools' network log (chrome.devtools.network), or a test's stand-in. */
export interface LogSource {
  listen(listener: (raw: RawEntry) => void): void;
  unlisten(listener: (raw: RawEntry) => void): void;
  /** Every entry of the log now (getHAR). */
  entries(): Promise<readonly RawEntry[]>;
}

/** How far before the last time the log was read a catch-up looks, ms: entries still being handed over then. */
const CATCH_UP_MARGIN_MS = 2_000;
/** Entries remembered as taken, by key (a catch-up and the listener can both see an entry ending around that time). */
const MAX_SEEN = 5_000;

/** When an entry ended, ms since the epoch (its start while it has no total time). */
function endedAt(raw: RawEntry): number {
  return (Date.parse(raw.startedDateTime ?? '') || 0) + Math.max(0, raw.time ?? 0);
}

/**
 * The entries a catch-up takes: those that make up a failure's exchange (the failed request, its preflight, the
 * redirects before it), once they ended. Not the requests that passed: one still receiving its body looks ended in the
 * log, with a total time that grows until it ends, and comes to the listener when it does (the warnings a passing
 * answer can prove are read while the log is read, not from a catch-up).
 */
function caughtUp(raw: RawEntry): boolean {
  const status = raw.response?.status ?? 0;
  return Boolean(raw.response?._error) || (raw._resourceType === 'preflight' && status > 0) || (status >= 300 && status < 400);
}

/**
 * What tells one entry from another: identical requests made at once start in the same millisecond, but their total
 * times (fractions of a millisecond) differ.
 */
const entryKey = (raw: RawEntry) =>
  `${raw.startedDateTime ?? ''} ${raw.time ?? ''} ${raw._resourceType ?? ''} ${raw.request?.method ?? ''} ${raw.request?.url ?? ''}`;

/** Entries taken one way, by key, to be matched one for one with those the other way hands over too. */
class Tally {
  private readonly counts = new Map<string, number>();

  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (this.counts.size > MAX_SEEN) this.counts.delete(this.counts.keys().next().value as string);
  }

  /** Takes one of this key off the tally; false when there is none. */
  match(key: string): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n === 0) return false;
    if (n === 1) this.counts.delete(key);
    else this.counts.set(key, n - 1);
    return true;
  }
}

/**
 * Reads DevTools' log while it is wanted: while the CORS panel is shown, and until `want`'s time runs out. Each entry
 * goes to `take` once, whether it came to the listener, from a catch-up (when reading starts: the failures' entries
 * that ended since reading last stopped, or since this page started), or from both (an entry that ended as reading
 * started): each way's entries are matched with the other's one for one, by key.
 */
export class LogReader {
  private listening = false;
  private panelShown = false;
  private wantedUntil = 0;
  private readUntil: number;
  private checking = false;
  /** Entries the listener took, and the catch-ups: an entry both see is taken by the first. */
  private readonly byListener = new Tally();
  private readonly byCatchUp = new Tally();

  constructor(
    private readonly source: LogSource,
    private readonly take: (raw: RawEntry) => void,
    private readonly after: (ms: number, callback: () => void) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.readUntil = now();
  }

  /** The worker wants the tab's details for the next `forMs` (a failure without them). */
  want(forMs: number): void {
    this.wantedUntil = Math.max(this.wantedUntil, this.now() + forMs);
    this.update();
  }

  /** The CORS panel was shown or hidden: while it is shown, every entry is read (its warnings of passing requests too). */
  shown(on: boolean): void {
    this.panelShown = on;
    this.update();
  }

  get reading(): boolean {
    return this.listening;
  }

  private readonly onEntry = (raw: RawEntry) => {
    const key = entryKey(raw);
    if (this.byCatchUp.match(key)) return;
    this.byListener.add(key);
    this.take(raw);
  };

  private readonly onCaughtUp = (raw: RawEntry) => {
    const key = entryKey(raw);
    if (this.byListener.match(key)) return;
    this.byCatchUp.add(key);
    this.take(raw);
  };

  private update(): void {
    const wanted = this.panelShown || this.now() < this.wantedUntil;
    if (wanted && !this.listening) {
      this.listening = true;
      // Listening first: an entry that ends from now on comes to the listener, one that ended before is in the log.
      this.source.listen(this.onEntry);
      const since = this.readUntil - CATCH_UP_MARGIN_MS;
      this.source.entries().then(
        (entries) => {
          for (const raw of entries) if (caughtUp(raw) && endedAt(raw) >= since) this.onCaughtUp(raw);
        },
        () => undefined,
      );
    } else if (!wanted && this.listening) {
      this.listening = false;
      this.source.unlisten(this.onEntry);
      this.readUntil = this.now();
    }
    if (this.listening && !this.panelShown && !this.checking) {
      this.checking = true;
      this.after(Math.max(0, this.wantedUntil - this.now()) + 10, () => {
        this.checking = false;
        this.update();
      });
    }
  }
}

/**
 * Watches DevTools' network log of the tab; `start` tells the worker that the tab's details come from here (and sends
 * what was seen until then), `shown` says whether the CORS panel is shown. The log is read as LogReader decides.
 */
export function watchNetworkLog(tabId: number): { start: () => void; shown: (on: boolean) => void } {
  const assembler = new HarAssembler({ settleMs: SETTLE_MS });
  const instance = Math.random().toString(36).slice(2, 10);
  let counter = 0;
  let recent: { item: LoggedItem; at: number }[] = [];
  let port: Runtime.Port | null = null;
  let draining = false;
  let sentAt = 0;
  const after = unthrottledClock();

  const post = (message: DevtoolsMessage) => {
    try {
      port?.postMessage(message);
    } catch {
      // The port closed under us: onDisconnect reconnects and sends again.
    }
  };

  const drain = () => {
    draining = false;
    const now = Date.now();
    const items: LoggedItem[] = assembler
      .take(now)
      // Failures, and the passing requests whose answer already proves a dangerous setup (warnings).
      .filter((x: LoggedExchange) => x.exchange.error !== null || passiveFindings(x.exchange).length > 0)
      .map((x) => ({ ...x, url: keptUrl(x.url), id: `${instance}:${++counter}`, exchange: redactExchange(x.exchange) }));
    if (items.length > 0) {
      for (const item of items) recent.push({ item, at: now });
      if (recent.length > 500) recent = recent.slice(-500);
      post({ type: 'logged', items });
      sentAt = now;
    }
    if (assembler.pending) scheduleDrain();
  };
  const scheduleDrain = () => {
    if (draining) return;
    draining = true;
    after(Math.max(SETTLE_MS, sentAt + SEND_GAP_MS - Date.now()), drain);
  };

  const take = (raw: RawEntry) => {
    const entry = toEntry(raw);
    if (!entry) return;
    assembler.add(entry, Date.now());
    scheduleDrain();
  };

  const { network } = browser.devtools;
  const reader = new LogReader(
    {
      listen: (listener) => network.onRequestFinished.addListener(listener as (request: unknown) => void),
      unlisten: (listener) => network.onRequestFinished.removeListener(listener as (request: unknown) => void),
      entries: async () => ((await network.getHAR()) as { entries?: RawEntry[] }).entries ?? [],
    },
    take,
    after,
  );

  const connect = () => {
    const opened = browser.runtime.connect({ name: DEVTOOLS_PORT });
    port = opened;
    opened.onDisconnect.addListener(() => {
      if (port !== opened) return;
      port = null;
      after(100, connect);
    });
    opened.onMessage.addListener((message: unknown) => {
      const m = message as WorkerToDevtools;
      if (m?.type === 'wanted' && typeof m.forMs === 'number') reader.want(Math.min(m.forMs, 10 * 60_000));
    });
    post({ type: 'inspect', tabId });
    const now = Date.now();
    recent = recent.filter((r) => now - r.at < RESEND_MS);
    if (recent.length > 0) post({ type: 'logged', items: recent.map((r) => r.item) });
  };

  let started = false;
  return {
    start: () => {
      if (started) return;
      started = true;
      connect();
    },
    shown: (on) => reader.shown(on),
  };
}
