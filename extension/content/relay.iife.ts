/**
 * Page relay (ISOLATED world, document_start, every frame): forwards the page hook's hints to the service worker.
 * Everything from the page is untrusted: only strings of bounded size are read, the shape is validated, and a frame
 * may relay a bounded number per second (hint-event.ts). The worker validates again and attributes each hint to the sender's
 * document as the browser reports it, so a page can only describe its own requests.
 */
import { type PageHint, parseHint } from '../../src/capture/events.ts';
import { nativeRuntime } from '../platform/native.ts';
import { sender } from '../protocol.ts';
import { EVENTS_PER_SECOND, FAILURES_PER_SECOND, HINT_EVENT, STARTS_PER_SECOND } from './hint-event.ts';

const send = sender(nativeRuntime());

/**
 * Sends a hint to the worker. A failure report is retried: the worker may be restarting right then (that is when
 * such reports matter), and a message sent to a stopping worker is refused.
 */
function deliver(hint: PageHint, retries: number, delay = 150): void {
  const retry = () => {
    if (retries > 0) setTimeout(() => deliver(hint, retries - 1, delay * 3), delay);
  };
  if (retries === 0) {
    send('hint', hint).catch(() => undefined);
    return;
  }
  // A message handed to a worker that is being stopped is neither answered nor refused: wait for the answer.
  const unanswered = setTimeout(retry, 1000);
  send('hint', hint).then(
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
      if (++budget.starts <= STARTS_PER_SECOND) deliver(hint, 0);
      return;
    }
    if (hint.outcome !== 'failed') {
      if (++budget.starts > STARTS_PER_SECOND) return;
      started.delete(call);
      started.set(call, now);
      if (started.size > 500) started.delete(started.keys().next().value as string);
      deliver(hint, 0);
      return;
    }
    // A failure report only for a call this relay saw start, stamped with when it did.
    const at = started.get(call);
    if (at === undefined || ++budget.failures > FAILURES_PER_SECOND) return;
    started.delete(call);
    deliver({ ...hint, startedAt: at }, 3);
  },
  true,
);
