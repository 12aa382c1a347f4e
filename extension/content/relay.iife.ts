/**
 * Page relay (ISOLATED world, document_start, every frame): forwards the page hook's hints to the service worker.
 * Everything from the page is untrusted: only strings of bounded size are read, the shape is validated, and a frame
 * may relay at most HINTS_PER_SECOND hints. The worker validates again and attributes each hint to the sender's
 * document as the browser reports it, so a page can only describe its own requests.
 */
import { parseHint } from '../../src/capture/events.ts';
import { send } from '../protocol.ts';
import { HINT_EVENT, HINTS_PER_SECOND } from './hint-event.ts';

let windowStart = 0;
let inWindow = 0;

document.addEventListener(
  HINT_EVENT,
  (event) => {
    const detail = (event as CustomEvent<unknown>).detail;
    if (typeof detail !== 'string' || detail.length > 10_000) return;
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      inWindow = 0;
    }
    if (++inWindow > HINTS_PER_SECOND) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(detail);
    } catch {
      return;
    }
    const hint = parseHint(parsed);
    if (hint) send('hint', hint).catch(() => {});
  },
  true,
);
