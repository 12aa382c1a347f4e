/** The toolbar badge: the number of CORS failures on each tab, updated at most once per BADGE_DELAY_MS. */
import type { TabSummary } from '../../src/index.ts';

/**
 * Each update is a call into the browser process, which repaints the toolbar icon; a page failing hundreds of calls a
 * second would otherwise pay for twenty a second. Five a second still reads as live.
 */
export const BADGE_DELAY_MS = 200;

export function badgeText(count: number): string {
  if (count <= 0) return '';
  return count > 999 ? '999+' : String(count);
}

export class Badge {
  private readonly pending = new Map<number, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** `paint` sets one tab's badge (the platform's; a closed tab's rejection is its business). */
  constructor(private readonly paint: (tabId: number, text: string) => void) {}

  show(summary: TabSummary): void {
    this.pending.set(summary.tabId, summary.count);
    this.timer ??= setTimeout(() => this.flush(), BADGE_DELAY_MS);
  }

  forget(tabId: number): void {
    this.pending.delete(tabId);
  }

  private flush(): void {
    this.timer = null;
    const updates = [...this.pending];
    this.pending.clear();
    for (const [tabId, count] of updates) this.paint(tabId, badgeText(count));
  }
}
