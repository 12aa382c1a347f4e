/**
 * Page relay (ISOLATED world, document_start, every frame): forwards the page hook's reports of failed calls to the
 * service worker. It is listed before the hook in the manifest, so it is listening when the hook hands over the
 * private element the reports travel on (channel.ts); nothing the page does reaches it. Reports are bounded in size
 * and rate-limited here, and validated by the worker (a compromised renderer could write anything), which attributes
 * each one to the sender's frame and document as the browser reports them: a frame can only describe its own calls.
 * It imports nothing of the core: it runs in every frame of every page, and stays a couple of kilobytes.
 *
 * Nothing is sent while calls succeed. A report goes as a command the worker answers, retried when it is not: the
 * worker may be restarting at that very moment, and these reports are what fills in failures whose browser events
 * a stopping worker lost.
 */
import { nativeRuntime } from '../platform/native.ts';
import { sender } from '../protocol.ts';
import { HANDSHAKE, REPORT, REPORTS_PER_SECOND } from './channel.ts';

const send = sender(nativeRuntime());

/** Reports forwarded in the current one-second window. */
const budget = { windowStart: 0, forwarded: 0 };

function onReport(event: Event): void {
  const detail = (event as CustomEvent<unknown>).detail;
  if (typeof detail !== 'string' || detail.length > 10_000) return;
  const now = Date.now();
  if (now - budget.windowStart >= 1000) Object.assign(budget, { windowStart: now, forwarded: 0 });
  if (budget.forwarded >= REPORTS_PER_SECOND) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return;
  }
  if (typeof parsed !== 'object' || parsed === null) return;
  budget.forwarded++;
  enqueue(parsed);
}

const onHandshake = (event: Event) => {
  document.removeEventListener(HANDSHAKE, onHandshake, true);
  event.stopImmediatePropagation();
  const channel = (event as MouseEvent).relatedTarget;
  channel?.addEventListener(REPORT, onReport);
};
document.addEventListener(HANDSHAKE, onHandshake, true);

/** Reports made in one task go together, at the end of that task: one message for a page whose fifty calls failed. */
let queue: object[] = [];
function enqueue(report: object): void {
  queue.push(report);
  if (queue.length === 1) queueMicrotask(flush);
}
function flush(): void {
  const batch = queue;
  queue = [];
  if (batch.length > 0) deliver(batch, 3);
}

/** Sends a batch and retries when it is not answered: a message handed to a stopping worker is neither answered nor refused. */
function deliver(batch: object[], retries: number, delay = 150): void {
  const retry = () => {
    if (retries > 0) setTimeout(() => deliver(batch, retries - 1, delay * 3), delay);
  };
  const unanswered = setTimeout(retry, 1000);
  send('reports', batch).then(
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
