/**
 * DevTools' network log as a detail source. While DevTools is open on a tab it records every request of the tab
 * anyway; this reads each finished entry (chrome.devtools.network.onRequestFinished), keeps what CORS needs
 * (src/capture/har.ts assembles preflights, redirects and the request into an exchange), and sends each failed
 * request's exchange to the worker, which joins it with the browser's error event for the same request. No
 * `extraHeaders` webRequest listener is needed while DevTools is open, and the page pays nothing for it.
 *
 * The worker can stop at any time: the port then closes, and the last minute's exchanges are sent again on the new
 * one (the worker ignores the ones it already has), so a restart loses nothing seen here.
 */

import type { HeaderList } from '../../src/index.ts';
import { HarAssembler, type HarEntry, keptUrl, type LoggedExchange, passiveFindings, redactExchange } from '../../src/index.ts';
import { browser, type Runtime } from '../platform/index.ts';
import { DEVTOOLS_PORT, type DevtoolsMessage, type LoggedItem } from '../protocol.ts';
import type { WakeUp } from './clock.worker.ts';

/** A HAR entry as chrome.devtools.network delivers it (Chromium's own fields start with `_`). */
interface RawEntry {
  startedDateTime?: string;
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

/**
 * Starts listening to DevTools' network log of the tab at once; `start` then tells the worker that the tab's details
 * come from here, and sends what was seen until then. Call it once DevTools has taken the subscription (devtools.ts):
 * before that, a request that finishes is in nobody's log, and the worker would wait for its details in vain.
 */
export function watchNetworkLog(tabId: number): { start: () => void } {
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

  const connect = () => {
    const opened = browser.runtime.connect({ name: DEVTOOLS_PORT });
    port = opened;
    opened.onDisconnect.addListener(() => {
      if (port !== opened) return;
      port = null;
      after(100, connect);
    });
    post({ type: 'inspect', tabId });
    const now = Date.now();
    recent = recent.filter((r) => now - r.at < RESEND_MS);
    if (recent.length > 0) post({ type: 'logged', items: recent.map((r) => r.item) });
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

  browser.devtools.network.onRequestFinished.addListener(take as (request: unknown) => void);
  let started = false;
  return {
    start: () => {
      if (started) return;
      started = true;
      connect();
    },
  };
}
