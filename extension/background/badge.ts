/** The toolbar badge: the number of CORS failures on each tab, updated at most every BADGE_DELAY_MS per tab. */
import type { TabSummary } from '../../src/capture/tab-log.ts';
import { browser } from '../platform/index.ts';

const BADGE_DELAY_MS = 50;
const pending = new Map<number, number>();
let timer: ReturnType<typeof setTimeout> | null = null;

export function badgeText(count: number): string {
  if (count <= 0) return '';
  return count > 999 ? '999+' : String(count);
}

export function showCount(summary: TabSummary): void {
  pending.set(summary.tabId, summary.count);
  if (timer === null) timer = setTimeout(flushBadges, BADGE_DELAY_MS);
}

export function forgetTab(tabId: number): void {
  pending.delete(tabId);
}

function flushBadges(): void {
  timer = null;
  const updates = [...pending];
  pending.clear();
  for (const [tabId, count] of updates) {
    // The tab may have closed in the meantime; that rejection is expected.
    browser.action.setBadgeText({ tabId, text: badgeText(count) }).catch(() => {});
    if (count > 0) browser.action.setBadgeBackgroundColor({ tabId, color: '#c5221f' }).catch(() => {});
  }
}
