/**
 * Page relay (ISOLATED world, document_start, every frame): forwards the page hook's reports of failed calls to the
 * service worker. It is listed before the hook in the manifest, so it is listening when the hook hands over the
 * private element the reports travel on (channel.ts); nothing the page does reaches it. Reports are bounded in size
 * and rate-limited here, and validated by the worker (a compromised renderer could write anything), which attributes
 * each one to the sender's frame and document as the browser reports them: a frame can only describe its own calls.
 * It imports nothing of the core: it runs in every frame of every page, and stays a couple of kilobytes.
 *
 * Nothing is sent while calls succeed, and in Chromium nothing is sent while nobody looks either: the relay holds its
 * frame's reports until the worker asks for them (SEND_REPORTS: a panel opened on the tab, or is showing it, a
 * snapshot, a restarted worker filling its blind spot). Sending each report as it happened cost a page failing a
 * thousand calls a third of its time (README, Performance). Two kinds go at once: a report that the page closed an
 * event stream (its end looks like a failure to the browser's error event, and the badge must not count it), and
 * every report in Firefox, whose capture joins them with what it saw (docs/firefox-capture.md).
 *
 * A report goes as a command the worker answers, retried when it is not: the worker may be restarting at that very
 * moment.
 */
import { nativeRuntime } from '../platform/native.ts';
import { isRelayRequest, sender } from '../protocol.ts';
import { HANDSHAKE, REPORT, REPORTS_PER_SECOND } from './channel.ts';

const runtime = nativeRuntime();
const send = sender(runtime);
const live = runtime.getURL('').startsWith('moz-extension:');

/** Most reports held while the worker has not asked; the oldest go first (the worker's matching of late reports keeps only recent failures anyway). */
const MAX_HELD = 500;

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
  // Stamped here, out of the page's reach: when the call ended (a restarted worker takes only what its predecessor
  // cannot have seen).
  hold({ ...parsed, endedAt: now }, live || (parsed as { outcome?: unknown }).outcome === 'closed');
}

const onHandshake = (event: Event) => {
  document.removeEventListener(HANDSHAKE, onHandshake, true);
  event.stopImmediatePropagation();
  const channel = (event as MouseEvent).relatedTarget;
  channel?.addEventListener(REPORT, onReport);
};
document.addEventListener(HANDSHAKE, onHandshake, true);

let held: object[] = [];
let flushQueued = false;

/** Holds a report; `now`: send it (and everything held) at the end of this task, with the others of the task. */
function hold(report: object, now: boolean): void {
  held.push(report);
  if (held.length > MAX_HELD) held.splice(0, held.length - MAX_HELD);
  if (now && !flushQueued) {
    flushQueued = true;
    queueMicrotask(() => {
      flushQueued = false;
      void flush();
    });
  }
}

/** Sends what is held; resolves once the worker received it (or gave no answer after the retries). */
function flush(): Promise<void> {
  const batch = held;
  held = [];
  return batch.length > 0 ? deliver(batch, 3) : Promise.resolve();
}

// The worker asks for the held reports; it alone can (content scripts hear no page or other extension here).
runtime.onMessage.addListener((message, _from, sendResponse) => {
  if (!isRelayRequest(message)) return undefined;
  void flush().then(() => sendResponse({ sent: true }));
  return true;
});

/** Sends a batch and retries when it is not answered: a message handed to a stopping worker is neither answered nor refused. */
async function deliver(batch: object[], retries: number, delay = 150): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    let unanswered: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => {
      unanswered = setTimeout(() => resolve(null), 1000);
    });
    const reply = await Promise.race([send('reports', batch).catch(() => null), timeout]);
    clearTimeout(unanswered);
    if (reply?.received === true || attempt >= retries) return;
    await new Promise((resolve) => setTimeout(resolve, delay * 3 ** attempt));
  }
}
