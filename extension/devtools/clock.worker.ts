/**
 * A clock for the devtools page. The devtools page is a hidden frame, and the browser runs a hidden frame's timers at
 * most once a second (measured in Chromium 156: setTimeout(60) fired after 670-990 ms), which made every failure wait
 * about a second for its details. A dedicated worker's timers are not throttled with the page that owns it: the page
 * asks for a wake-up here, and the message event that brings it runs at once.
 */
const scope = self as unknown as { onmessage: ((e: MessageEvent<WakeUp>) => void) | null; postMessage(m: number): void };

/** A wake-up asked for: its id, sent back after `ms`. */
export interface WakeUp {
  readonly id: number;
  readonly ms: number;
}

scope.onmessage = (e) => {
  const { id, ms } = e.data;
  setTimeout(() => scope.postMessage(id), Number.isFinite(ms) ? Math.max(0, ms) : 0);
};
