/**
 * DevTools' network log as a detail source. While DevTools is open on a tab it records every request of the tab
 * anyway; this reads its entries (chrome.devtools.network.getHAR), keeps what CORS needs (src/capture/har.ts
 * assembles preflights, redirects and the request into an exchange), and sends each failed request's exchange to the
 * worker, which joins it with the browser's error event for the same request. No `extraHeaders` webRequest listener
 * is needed while DevTools is open.
 *
 * The log is read only while it is wanted (LogReader): while the CORS panel is shown, and for a while after the worker
 * asks (a failure on the tab, listed without its details yet); then every half second while reads find something,
 * less often while they do not. Reading is not free: DevTools builds a HAR entry for each request of its log and
 * posts them to this page (docs/performance.md).
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

/** Where LogReader reads entries: DevTools' network log (chrome.devtools.network.getHAR), or a test's stand-in. */
export interface LogSource {
  /** Every entry of the log now, in the order the requests started. */
  entries(): Promise<readonly RawEntry[]>;
}

/** Time between two reads while they find something, ms (and after the worker asks). */
export const READ_GAP_MS = 500;
/** Longest time between two reads: after reads that find nothing, the gap doubles up to this. */
export const IDLE_READ_GAP_MS = 4_000;
/** A read of the log may take at most this share of the time between reads (a long log takes longer to hand over). */
const READ_SHARE = 0.25;
/** How soon a read comes after the worker asks: its failure is then usually in the log. */
const ASKED_READ_MS = 100;
/**
 * How far before the last read a read looks, ms: an entry can be listed with its end some time after it ended, and a
 * passing request is taken only PASSING_SETTLE_MS after it ended.
 */
const READ_MARGIN_MS = 3_000;
/**
 * How long after it ended a passing request is taken (its warnings): one still receiving its body is in the log with
 * a total time that grows until it ends, so an end this old is final.
 */
const PASSING_SETTLE_MS = 1_500;

/** When an entry ended, ms since the epoch (its start while it has no total time). */
function endedAt(raw: RawEntry): number {
  return (Date.parse(raw.startedDateTime ?? '') || 0) + Math.max(0, raw.time ?? 0);
}

/**
 * The entries that make up a failure's exchange (the failed request, its preflight, the redirects before it), taken
 * as soon as they are in the log with their outcome: none of them changes after that.
 */
function ofFailure(raw: RawEntry): boolean {
  const status = raw.response?.status ?? 0;
  return Boolean(raw.response?._error) || (raw._resourceType === 'preflight' && status > 0) || (status >= 300 && status < 400);
}

/**
 * What tells one entry from another in successive reads: its start, type, method and URL, and which of the entries
 * with all four the same it is (identical requests made at once start in the same millisecond; the log lists them in
 * the order they started, read after read). Not its total time, which can still change after its outcome is known.
 */
function identity(entries: readonly RawEntry[], i: number): string {
  const raw = entries[i] as RawEntry;
  const key = `${raw.startedDateTime ?? ''} ${raw._resourceType ?? ''} ${raw.request?.method ?? ''} ${raw.request?.url ?? ''}`;
  let nth = 0;
  for (let j = i - 1; j >= 0; j--) {
    const other = entries[j] as RawEntry;
    if (other.startedDateTime !== raw.startedDateTime) break;
    if (
      other._resourceType === raw._resourceType &&
      other.request?.method === raw.request?.method &&
      other.request?.url === raw.request?.url
    )
      nth++;
  }
  return `${key} #${nth}`;
}

/**
 * Reads DevTools' log while it is wanted: while the CORS panel is shown, and until `want`'s time runs out. Each read
 * takes the whole log (getHAR) and hands each entry to `take` once: the failures' entries as soon as they have their
 * outcome, and, while the panel is shown, the passing requests (their warnings) once they ended. A read looks back to
 * a little before the read before it, so the first read after a pause takes what ended during the pause.
 *
 * Why reads and not DevTools' onRequestFinished event: while an extension listens to that event, DevTools builds the
 * HAR entry of every request of the tab and posts it across processes as the request ends, which made a burst of
 * requests a tenth to a fifth slower with DevTools open (docs/performance.md). A read every half second costs a
 * fraction of that in a burst, and nothing while reads find nothing (their gap grows to IDLE_READ_GAP_MS); a long log
 * takes longer to hand over, so the gap is also at least four times what the last read took.
 */
export class LogReader {
  private panelShown = false;
  private wantedUntil = 0;
  /** When the last read started: the next looks back from there. */
  private readFrom: number;
  private gap = READ_GAP_MS;
  /** The read waited for (its timer's token), and when it is due; null when none is. */
  private next: { token: number; at: number } | null = null;
  private tokens = 0;
  private inFlight = false;
  /** The entries taken that a read can still see, by identity: when each ended (forgotten once no read can see it). */
  private readonly taken = new Map<string, number>();

  constructor(
    private readonly source: LogSource,
    private readonly take: (raw: RawEntry) => void,
    private readonly after: (ms: number, callback: () => void) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.readFrom = now();
  }

  /** The worker wants the tab's details for the next `forMs` (a failure without them): a read comes soon. */
  want(forMs: number): void {
    this.wantedUntil = Math.max(this.wantedUntil, this.now() + forMs);
    this.gap = READ_GAP_MS;
    this.schedule(ASKED_READ_MS);
  }

  /** The CORS panel was shown or hidden: while it is shown, the log is read whatever the time. */
  shown(on: boolean): void {
    this.panelShown = on;
    if (on) {
      this.gap = READ_GAP_MS;
      this.schedule(0);
    }
  }

  /** Whether the log is being read (reads go on). */
  get reading(): boolean {
    return this.panelShown || this.now() < this.wantedUntil;
  }

  /** Makes the next read come within `ms` (or keeps an earlier one); none while one is in flight (it schedules the next). */
  private schedule(ms: number): void {
    if (this.inFlight || !this.reading) return;
    const at = this.now() + ms;
    if (this.next && this.next.at <= at) return;
    const token = ++this.tokens;
    this.next = { token, at };
    this.after(ms, () => {
      if (this.next?.token !== token) return;
      this.next = null;
      void this.read();
    });
  }

  private async read(): Promise<void> {
    if (!this.reading) return;
    this.inFlight = true;
    const startedAt = this.now();
    let entries: readonly RawEntry[] | null = null;
    try {
      entries = await this.source.entries();
    } catch {
      // DevTools closing, or the log not readable now: the next read looks back from the last one that worked.
    }
    const since = this.readFrom - READ_MARGIN_MS;
    const settled = startedAt - PASSING_SETTLE_MS;
    let found = 0;
    for (let i = 0; entries && i < entries.length; i++) {
      const raw = entries[i] as RawEntry;
      const ended = endedAt(raw);
      if (ended < since) continue;
      if (!ofFailure(raw) && !(this.panelShown && (raw.response?.status ?? 0) > 0 && ended < settled)) continue;
      const key = identity(entries, i);
      if (this.taken.has(key)) continue;
      this.taken.set(key, ended);
      found++;
      this.take(raw);
    }
    if (entries) this.readFrom = startedAt;
    // What ended before the next read's look-back is never seen again: forgotten, however many a read took.
    for (const [key, ended] of this.taken) if (ended < this.readFrom - READ_MARGIN_MS) this.taken.delete(key);
    this.inFlight = false;
    const took = this.now() - startedAt;
    this.gap = found > 0 ? READ_GAP_MS : Math.min(IDLE_READ_GAP_MS, this.gap * 2);
    this.schedule(Math.max(this.gap, took / READ_SHARE));
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
  const reader = new LogReader({ entries: async () => ((await network.getHAR()) as { entries?: RawEntry[] }).entries ?? [] }, take, after);

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
