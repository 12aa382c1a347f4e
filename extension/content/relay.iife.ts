/**
 * Page relay (ISOLATED world, document_start, every frame): forwards the page hook's hints to the service worker.
 * Everything from the page is untrusted: only strings of bounded size are read, the shape is validated, and a frame
 * may relay a bounded number per second (hint-event.ts). The worker validates again and attributes each hint to the sender's
 * document as the browser reports it, so a page can only describe its own requests.
 */
import { type PageHint, parseHint } from '../../src/capture/events.ts';
import { nativeRuntime } from '../platform/native.ts';
import { HINTS_PORT, type HintPort, isArmedMessage, sender } from '../protocol.ts';
import { EVENTS_PER_SECOND, FAILURES_PER_SECOND, HINT_EVENT, MODE_EVENT, STARTS_PER_SECOND } from './hint-event.ts';

const runtime = nativeRuntime();
const send = sender(runtime);

/** Whether the tab has detailed capture; until the worker says, assume so (a hint too many costs little). */
let armed = true;

function setArmed(on: boolean): void {
  if (on === armed) return;
  armed = on;
  // A tab without detailed capture sends nothing: its port need not stay open.
  if (!on && port) {
    const closing = port;
    port = null;
    closing.disconnect();
  }
  document.dispatchEvent(new CustomEvent(MODE_EVENT, { detail: on ? 'full' : 'quiet' }));
}

const onWorkerMessage = (message: unknown) => {
  if (isArmedMessage(message)) setArmed(message.payload);
};
runtime.onMessage.addListener(onWorkerMessage);

/** The port call starts travel on: opened on first use, and again after the worker stopped (which closes it). */
let port: HintPort | null = null;

function post(batch: PageHint[]): void {
  try {
    if (!port) {
      const opened = runtime.connect({ name: HINTS_PORT });
      opened.onMessage.addListener(onWorkerMessage);
      opened.onDisconnect.addListener(() => {
        if (port !== opened) return;
        port = null;
        workerStopped(Date.now());
      });
      port = opened;
    }
    port.postMessage(batch);
  } catch {
    // The extension was reloaded or the worker is gone: the next batch opens a new port.
    port = null;
  }
}

/**
 * Collects what is made in one task and hands it over together when that task ends (sooner at `max`): one message
 * for a page that starts fifty calls at once, and no added delay (a hint should reach the worker before the
 * request's own events).
 */
function batched<T>(deliverAll: (batch: T[]) => void, max = Number.POSITIVE_INFINITY): (item: T) => void {
  let queue: T[] = [];
  const flush = () => {
    const batch = queue;
    queue = [];
    if (batch.length > 0) deliverAll(batch);
  };
  return (item) => {
    queue.push(item);
    if (queue.length >= max) flush();
    else if (queue.length === 1) queueMicrotask(flush);
  };
}

/** Call starts, over the port. */
const enqueue = batched(post, 100);

/**
 * The page's failure reports matter only around a restart of the worker: the browser drops the events it was
 * handing to the stopped worker, and the new one fills that gap from these reports (tracker.pageFailure); at any
 * other time the worker ignores them. So they are kept here for a few seconds and sent only then: those kept when
 * the port closes under the relay (the worker stopped), and new ones for a few seconds after.
 */
const REPORT_WINDOW_MS = 5000;
const REPORTS_KEPT = 200;
const kept: { hint: PageHint; at: number }[] = [];
let stoppedAt = Number.NEGATIVE_INFINITY;
const sendReport = batched<PageHint>((batch) => deliver(batch, 3));

function keepReport(hint: PageHint, now: number): void {
  kept.push({ hint, at: now });
  while (kept.length > REPORTS_KEPT || (kept[0] && now - kept[0].at > REPORT_WINDOW_MS)) kept.shift();
  if (now - stoppedAt < REPORT_WINDOW_MS) sendReport(hint);
}

function workerStopped(now: number): void {
  stoppedAt = now;
  for (const k of kept) if (now - k.at <= REPORT_WINDOW_MS) sendReport(k.hint);
}

/**
 * Sends failure reports as a command, answered and retried: the worker may be restarting right then, and a message
 * handed to a stopping worker is neither answered nor refused.
 */
function deliver(batch: PageHint[], retries: number, delay = 150): void {
  const retry = () => {
    if (retries > 0) setTimeout(() => deliver(batch, retries - 1, delay * 3), delay);
  };
  const unanswered = setTimeout(retry, 1000);
  send('hints', batch).then(
    (reply) => {
      clearTimeout(unanswered);
      if (reply?.received !== true) retry();
    },
    () => {
      clearTimeout(unanswered);
      retry();
    },
  );
}

/** When each recent call started, as this relay saw it ("METHOD url" to ms since the epoch). */
const started = new Map<string, number>();

/** Counts per one-second window: messages read, starts and failure reports forwarded. */
const budget = { windowStart: 0, read: 0, starts: 0, failures: 0 };

document.addEventListener(
  HINT_EVENT,
  (event) => {
    const detail = (event as CustomEvent<unknown>).detail;
    if (typeof detail !== 'string' || detail.length > 10_000) return;
    const now = Date.now();
    if (now - budget.windowStart >= 1000) Object.assign(budget, { windowStart: now, read: 0, starts: 0, failures: 0 });
    if (++budget.read > EVENTS_PER_SECOND) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(detail);
    } catch {
      return;
    }
    // Whatever the page wrote in startedAt is dropped: only this relay's own clock counts.
    const hint = parseHint(typeof parsed === 'object' && parsed !== null ? { ...parsed, startedAt: undefined } : parsed);
    if (!hint) return;
    const call = `${hint.method} ${hint.url}`;
    if (hint.outcome === 'closed') {
      if (++budget.starts <= STARTS_PER_SECOND) enqueue(hint);
      return;
    }
    if (hint.outcome !== 'failed') {
      if (++budget.starts > STARTS_PER_SECOND) return;
      started.delete(call);
      started.set(call, now);
      if (started.size > 500) started.delete(started.keys().next().value as string);
      enqueue(hint);
      return;
    }
    // A failure report only for a call this relay saw start, stamped with when it did.
    const at = started.get(call);
    if (at === undefined || ++budget.failures > FAILURES_PER_SECOND) return;
    started.delete(call);
    keepReport({ ...hint, startedAt: at }, now);
  },
  true,
);
