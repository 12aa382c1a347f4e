/**
 * Shared fixtures: one local server pair and one browser with the extension per Playwright worker (launching
 * Chromium costs seconds; the suite runs on two cores), a fresh tab per test.
 */
import { test as base, expect, type Locator, type Page, type Worker } from '@playwright/test';
import type { FailureRecord } from '../src/capture/records.ts';
import { keptUrl } from '../src/redact.ts';
import { type Lens, launch } from '../test-support/browser/browser.ts';
import { type Call, runCalls } from '../test-support/browser/calls.ts';
import type { BrowserVerdict, Oracle } from '../test-support/browser/oracle.ts';
import { type CorsServers, startServers } from '../test-support/servers/cors-server.ts';

export interface PanelRow {
  readonly corsError: string;
  readonly method: string;
  readonly url: string;
}

/** A row of the panel's list, as the test contract exposes it. */
export interface ListedRow extends PanelRow {
  /** Its place among the list's items (page-load separators count). */
  readonly index: number;
  readonly testid: string;
  readonly origin: string;
}

/**
 * The rows of the list in the DOM once the list is scrolled to `top` (runs in the panel). From 100 items on, the list
 * renders only the items in view and a margin (FailureList); a short list is read whole, unscrolled. `next` is where
 * to scroll for the next rows, null at the end.
 */
async function rowsAt(top: number): Promise<{ rows: ListedRow[]; next: number | null }> {
  const list = document.querySelector<HTMLElement>('[data-testid="failures"]');
  const scroller = list?.parentElement;
  if (!list || !scroller) return { rows: [], next: null };
  const range = () => ({ from: Number(list.dataset.from), to: Number(list.dataset.to), total: Number(list.dataset.total) });
  const whole = () => range().from === 0 && range().to === range().total;
  if (!whole()) {
    scroller.scrollTop = top;
    // Rendered at the next frames: wait until the items in view are in the DOM.
    const rendered = () => {
      const { from, to, total } = range();
      const height = list.offsetHeight / Math.max(1, total);
      const first = Math.floor(scroller.scrollTop / height);
      const last = Math.ceil((scroller.scrollTop + scroller.clientHeight) / height);
      return from <= first && (to === total || last <= to);
    };
    for (let waited = 0; !rendered() && waited < 3000; waited += 16) await new Promise((r) => setTimeout(r, 16));
  }
  const rows = [...list.querySelectorAll<HTMLElement>('[role="option"]')].map((r) => ({
    index: Number(r.id.replace('item-', '')),
    testid: r.getAttribute('data-testid') ?? '',
    corsError: r.getAttribute('data-cors-error') ?? '',
    method: r.getAttribute('data-method') ?? '',
    url: r.getAttribute('data-url') ?? '',
    origin: r.getAttribute('data-origin') ?? '',
  }));
  const next = scroller.scrollTop + scroller.clientHeight;
  // The end, or a list that cannot scroll further (no height): what was read is all there is.
  const end = whole() || range().to >= range().total || next >= scroller.scrollHeight - 1 || next <= top;
  return { rows, next: end ? null : next };
}

/**
 * Every row of the panel's list, in order: a long list is scrolled through a screenful at a time, as a user reads it,
 * then put back where it was.
 */
export async function listRows(panel: Page): Promise<ListedRow[]> {
  const total = () => panel.evaluate(() => Number(document.querySelector<HTMLElement>('[data-testid="failures"]')?.dataset.total ?? 0));
  const start = await panel.evaluate(() => document.querySelector('[data-testid="failures"]')?.parentElement?.scrollTop ?? 0);
  let rows: ListedRow[] = [];
  // A list that changed while it was read is read again (rows stitched from before and after a change could be stale).
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = await total();
    const byIndex = new Map<number, ListedRow>();
    for (let top: number | null = 0; top !== null; ) {
      const step: Awaited<ReturnType<typeof rowsAt>> = await panel.evaluate(rowsAt, top);
      for (const row of step.rows) byIndex.set(row.index, row);
      top = step.next;
    }
    rows = [...byIndex.values()].sort((a, b) => a.index - b.index);
    if ((await total()) === before) break;
  }
  await panel.evaluate((top) => {
    const scroller = document.querySelector('[data-testid="failures"]')?.parentElement;
    if (scroller && scroller.scrollTop !== top) scroller.scrollTop = top;
  }, start);
  return rows;
}

/** The first row matching a CSS selector, scrolled into the DOM if the list is long. */
export async function showRow(panel: Page, selector: string): Promise<Locator> {
  const row = panel.locator(selector).first();
  for (let top: number | null = 0; top !== null && (await row.count()) === 0; ) top = (await panel.evaluate(rowsAt, top)).next;
  return row;
}

/** The CORS failure rows of the panel's list (all of them, a long list scrolled through). */
export async function panelRows(panel: Page): Promise<PanelRow[]> {
  return (await listRows(panel)).filter((r) => r.testid === 'failure').map(({ corsError, method, url }) => ({ corsError, method, url }));
}

/**
 * After the worker was stopped during traffic: every failure Chromium reported is listed exactly once, with
 * Chromium's code, or as Unknown when the stop cost its details (never missing). Returns how many lack details.
 */
export async function expectEveryFailureListed(panel: Page, verdicts: ReadonlyMap<string, BrowserVerdict>): Promise<number> {
  const failed = [...verdicts].filter(([, v]) => v.outcome && !v.outcome.ok && v.outcome.corsError).map(([url]) => url);
  const expected = failed.length;
  let rows = await panelRows(panel);
  for (const deadline = Date.now() + 30_000; rows.length !== expected && Date.now() < deadline; rows = await panelRows(panel))
    await panel.waitForTimeout(250);
  // Which failures are missing tells when they were lost (their URLs carry their place in the traffic).
  const listed = new Set(rows.map((r) => r.url));
  expect(
    failed.filter((url) => !listed.has(url)),
    `${rows.length} of ${expected} failures listed; not listed:`,
  ).toEqual([]);
  expect(rows.length, 'each failure listed once').toBe(expected);
  expect(new Set(rows.map((r) => r.url)).size).toBe(expected);
  const wrong = rows.filter((r) => {
    const v = verdicts.get(r.url)?.outcome;
    return r.corsError !== (v && !v.ok ? v.corsError : 'none');
  });
  expect(wrong.map((r) => r.corsError).filter((c) => c !== 'Unknown')).toEqual([]);
  return wrong.length;
}

/**
 * Opens a fresh page on the page origin and returns it with its tab id. In a browser with DevTools on every tab, waits
 * until CORS Lens takes details from the tab's DevTools (the devtools page starts once DevTools has loaded).
 */
export async function freshTab(lens: Lens, servers: CorsServers, name = 'page'): Promise<{ page: Page; tabId: number }> {
  const page = await lens.context.newPage();
  await page.goto(`${servers.pageOrigin}/${name}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`);
  const tabId = await lens.tabIdOf(page);
  await detailsReady(lens, tabId);
  return { page, tabId };
}

/** In a browser with DevTools on every tab: waits until CORS Lens takes the tab's details from its DevTools. */
export async function detailsReady(lens: Lens, tabId: number): Promise<void> {
  if (lens.devtools) await expect.poll(() => lens.captureState(tabId), { timeout: 60_000, intervals: [100, 250, 500] }).toBe('devtools');
}

/** How many failure records of the tab are in storage.session: what a worker restarted now would read back. */
export function storedRecords(worker: Worker, tabId: number): Promise<number> {
  return worker.evaluate(
    async (id) => Object.keys(await chrome.storage.session.get(null)).filter((k) => k.startsWith(`rec:${id}:`)).length,
    tabId,
  );
}

/**
 * Readiness (the worker is listed before its listeners run, docs/capture.md): a failing request must show up in
 * the log before a test sends traffic. The warm-up tab is closed, which also removes its log.
 */
export async function warmUp(lens: Lens, servers: CorsServers): Promise<void> {
  const { page, tabId } = await freshTab(lens, servers, 'warmup');
  const worker = await lens.worker();
  try {
    await expect
      .poll(
        async () => {
          await page.evaluate((u) => fetch(u).catch(() => null), `${servers.crossSite}/cors?warmup=${Date.now()}`);
          return storedRecords(worker, tabId);
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
  } catch (error) {
    // Rare on a loaded machine: say what the worker had, so a CI log tells a slow start from lost records.
    const now = await lens.worker();
    const keys = await now.evaluate(async () => Object.keys(await chrome.storage.session.get(null))).catch(String);
    const state = await lens.captureState(tabId).catch(String);
    throw new Error(
      `warm-up: no record stored for tab ${tabId} (capture ${state}, ${now === worker ? 'same' : 'another'} worker, stored keys: ${JSON.stringify(keys)})`,
      { cause: error },
    );
  }
  await page.close();
}

/**
 * The system clipboard's text, read from the page (an origin the test may grant reading to). Only a focused document
 * may read it, and DevTools windows take focus, sometimes a moment after the page was brought to the front: tried
 * again until the page has the focus.
 */
export async function readClipboard(page: Page): Promise<string> {
  let last: unknown = null;
  for (let attempt = 1; attempt <= 20; attempt++) {
    await page.bringToFront();
    try {
      return await page.evaluate(() => navigator.clipboard.readText());
    } catch (error) {
      if (!String(error).includes('not focused')) throw error;
      last = error;
      await page.waitForTimeout(100 * Math.min(attempt, 5));
    }
  }
  throw last;
}

/** Chromium's verdict on one call made from the page. */
export async function verdict(page: Page, oracle: Oracle, call: Call) {
  await runCalls(page, [call]);
  const outcome = (await oracle.settle([call.url])).get(call.url)?.outcome;
  if (!outcome) throw new Error(`no outcome for ${call.url}`);
  return outcome;
}

/**
 * The record the extension keeps for a URL, once it carries Chromium's code. Read through the snapshot command, as a
 * panel reads it: the page's reports of how it asked are held in the page until the worker asks (a snapshot does).
 */
export async function recordFor(lens: Lens, tabId: number, url: string, corsError: string): Promise<FailureRecord> {
  let found: FailureRecord | undefined;
  // What the tab's log held at the last look: a CI log then tells a lost row from one judged otherwise or still
  // without its details.
  let seen = 'no snapshot';
  try {
    await expect
      .poll(
        async () => {
          const { records } = await lens.command<{ records: FailureRecord[] }>('snapshot', { tabId });
          seen = JSON.stringify(
            records.map((r) => ({
              url: r.exchange.request.url,
              code: r.judgement.verdict.status?.corsError ?? null,
              uncaptured: r.uncaptured,
              source: r.source ?? null,
              watched: !r.notWatched,
            })),
          );
          found = records.find((r) => r.exchange.request.url === keptUrl(url) && r.judgement.verdict.status?.corsError === corsError);
          return found !== undefined;
        },
        // Its details follow the error by a moment (on a busy machine, seconds).
        { message: `record for ${url}`, timeout: 45_000 },
      )
      .toBe(true);
  } catch (error) {
    const state = await lens.captureState(tabId).catch(String);
    throw new Error(`no ${corsError} record for ${url} on tab ${tabId} (capture ${state}); the tab's log held: ${seen}`, { cause: error });
  }
  return found as FailureRecord;
}

export const test = base.extend<object, { servers: CorsServers; lens: Lens; lensArgs: readonly string[]; lensDevtools: boolean }>({
  /** Extra Chromium flags for the worker's browser; a spec that sets them (test.use) gets a browser of its own. */
  lensArgs: [[], { scope: 'worker', option: true }],
  /**
   * DevTools open on every tab (the main path: details from DevTools' network log). A spec about what CORS Lens
   * does with DevTools closed sets it to false (test.use) and gets a browser of its own.
   */
  lensDevtools: [true, { scope: 'worker', option: true }],
  servers: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a pattern
    async ({}, use) => {
      const servers = await startServers();
      await use(servers);
      await servers.close();
    },
    { scope: 'worker' },
  ],
  lens: [
    async ({ servers, lensArgs, lensDevtools }, use) => {
      const lens = await launch({ thirdPartyCookies: 'allow', debugPort: true, devtools: lensDevtools, extraArgs: lensArgs });
      await warmUp(lens, servers);
      await use(lens);
      await lens.close();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});

export { expect };
