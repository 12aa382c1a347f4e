/**
 * How often the panel renders a log that grows. A token bucket: a render spends one token, tokens come back at
 * `rate` a second up to `burst`. So a failure now and then, or a request and its details a moment later, renders at
 * the next frame; a burst of thousands renders `rate` times a second, as DevTools' Network panel does, not sixty:
 * every render costs the page being debugged CPU time (measured in bench/run.ts, panel shown during a burst).
 */
export class RenderBudget {
  private tokens: number;
  private refilled: number;

  constructor(
    private readonly burst: number,
    private readonly rate: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.refilled = now();
  }

  /** How long to wait before the next render, ms (0: now). */
  wait(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) * 1000) / this.rate;
  }

  /** A render happened. */
  spend(): void {
    this.refill();
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilled) * this.rate) / 1000);
    this.refilled = now;
  }
}
