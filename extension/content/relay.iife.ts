/**
 * Page relay (ISOLATED world, document_start, every frame): forwards the page hook's hints to the service worker.
 * Everything from the page is untrusted: only strings of bounded size are read, the shape is validated, and a frame
 * may relay a bounded number per second (hint-event.ts). The worker validates again and attributes each hint to the sender's
 * document as the browser reports it, so a page can only describe its own requests.
 */
import { type PageHint, parseHint } from '../../src/capture/events.ts';
import { nativeRuntime } from '../platform/native.ts';
import { isArmedMessage, sender } from '../protocol.ts';
import { EVENTS_PER_SECOND, FAILURES_PER_SECOND, HINT_EVENT, MODE_EVENT, STARTS_PER_SECOND } from './hint-event.ts';

const runtime = nativeRuntime();
const send = sender(runtime);

/** Whether the tab has detailed capture; until the worker says, assume so (a hint too many costs little). */
let armed = true;

function setArmed(on: boolean): void {
  if (on === armed) return;
  armed = on;
  document.dispatchEvent(new CustomEvent(MODE_EVENT, { detail: on ? 'full' : 'quiet' }));
}

(runtime as unknown as { onMessage?: { addListener(l: (m: unknown) => void): void } }).onMessage?.addListener((message) => {
  if (isArmedMessage(message)) setArmed(message.payload);
});

/**
 * Hints made in the same task travel together, when that task ends: one message for a page that starts fifty calls
 * at once, and no added delay (a hint should reach the worker before the request's own events).
 */
const BATCH_MAX = 100;
let queue: PageHint[] = [];
let queued = false;

function enqueue(hint: PageHint): void {
  queue.push(hint);
  if (queue.length >= BATCH_MAX) flush();
  else if (!queued) {
    queued = true;
    queueMicrotask(flush);
  }
}

function flush(): void {
  queued = false;
  const batch = queue;
  queue = [];
  if (batch.length > 0) deliver(batch, batch.some((h) => h.outcome === 'failed') ? 3 : 0);
}

/**
 * Sends hints to the worker. A batch with failure reports is retried: the worker may be restarting right then (that
 * is when such reports matter), and a message handed to a stopping worker is neither answered nor refused.
 */
function deliver(batch: PageHint[], retries: number, delay = 150): void {
  if (retries === 0) {
    send('hints', batch).then(
      (reply) => setArmed(reply?.armed !== false),
      () => undefined,
    );
    return;
  }
  const retry = () => setTimeout(() => deliver(batch, retries - 1, delay * 3), delay);
  const unanswered = setTimeout(retry, 1000);
  send('hints', batch).then(
    (reply) => {
      clearTimeout(unanswered);
      if (reply?.received !== true) retry();
      else setArmed(reply.armed !== false);
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
    enqueue({ ...hint, startedAt: at });
  },
  true,
);
