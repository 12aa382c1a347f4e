/**
 * How often the panel renders a log that grows. A token bucket: a render spends one token, tokens come back at
 * `rate` a second up to `burst`. So a failure now and then, or a request and its details a moment later, renders at
 * the next frame; a burst of thousands renders `rate` times a second, as DevTools' Network panel does, not sixty:
 * every render costs the page being debugged CPU time (measured in bench/run.ts, panel shown during a burst).
 */
export class RenderBudget {
  private tokens: number;
  private refilled: number;
  /** Until when the next render waits after one that applied a burst's worth of messages (0: it does not). */
  private busyUntil = 0;

  /**
   * `busy`: a render that applied at least `messages` messages is followed by a pause of a `rate`-per-second render:
   * a burst is in progress, and its rows fly by faster than anyone reads them.
   */
  constructor(
    private readonly burst: number,
    private readonly rate: number,
    private readonly now: () => number = () => performance.now(),
    private readonly busy: { readonly messages: number; readonly rate: number } | null = null,
  ) {
    this.tokens = burst;
    this.refilled = now();
  }

  /** How long to wait before the next render, ms (0: now). */
  wait(): number {
    this.refill();
    const paced = this.tokens >= 1 ? 0 : ((1 - this.tokens) * 1000) / this.rate;
    return Math.max(paced, this.busyUntil - this.now());
  }

  /** A render happened, applying `applied` messages. */
  spend(applied = 1): void {
    this.refill();
    this.tokens -= 1;
    this.busyUntil = this.busy && applied >= this.busy.messages ? this.now() + 1000 / this.busy.rate : 0;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilled) * this.rate) / 1000);
    this.refilled = now;
  }
}
