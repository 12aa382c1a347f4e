/**
 * The log's life: it survives the service worker being stopped, follows the tab's navigations (unless preserved),
 * and the badge always equals the number of rows. Expectations for the failures come from CDP in the same run.
 */

import { launch } from '../test-support/browser/browser.ts';
import { type Call, runCalls, scenarioUrl } from '../test-support/browser/calls.ts';
import { attachOracle } from '../test-support/browser/oracle.ts';
import { detailsReady, expect, freshTab, panelRows, test, verdict } from './fixtures.ts';

function failingCalls(origin: string, n: number, tag: string): Call[] {
  return Array.from({ length: n }, (_, i) => ({
    api: 'fetch' as const,
    credentials: i % 2 === 0,
    url: scenarioUrl(origin, { h: i % 2 === 0 ? { 'access-control-allow-origin': '$ORIGIN' } : {} }, `${tag}-${i}`),
  }));
}

test('stopping the service worker mid-run loses nothing recorded', async ({ lens, servers }) => {
  const { page, tabId } = await freshTab(lens, servers, 'restart');
  const oracle = await attachOracle(lens.context, page);
  const panel = await lens.openPanel(tabId);
  const before = failingCalls(servers.crossSite, 6, 'before');
  await runCalls(page, before);
  await expect.poll(async () => (await panelRows(panel)).length).toBe(6);

  // A marker in the worker's memory proves the restart really happened (memory is lost, storage is not).
  await (await lens.worker()).evaluate(() => {
    (self as unknown as { marker?: string }).marker = 'before-stop';
  });
  await lens.stopWorker();
  // The panel reconnects by itself; asking the new worker whether it is ready waits for it to re-arm detailed capture.
  await panel.evaluate(() => chrome.runtime.sendMessage({ channel: 'cors-lens', type: 'ready', payload: null }));

  // The next request wakes a new worker, which must restore the log and keep recording.
  const after = failingCalls(servers.crossSite, 6, 'after');
  await runCalls(page, after);
  const verdicts = await oracle.settle([...before, ...after].map((c) => c.url));
  // The panel opened before the stop reconnects by itself; a row's details follow its error by a moment.
  const wanted = [...verdicts].map(([url, v]) => `${url} ${v.outcome && !v.outcome.ok ? v.outcome.corsError : 'passed'}`).sort();
  expect(wanted.filter((w) => w.endsWith(' passed'))).toEqual([]);
  await expect.poll(async () => (await panelRows(panel)).map((r) => `${r.url} ${r.corsError}`).sort()).toEqual(wanted);
  await expect.poll(() => lens.badge(tabId)).toBe('12');
  expect(await (await lens.worker()).evaluate(() => (self as unknown as { marker?: string }).marker ?? null)).toBeNull();
  await panel.close();
  await page.close();
});

test('a navigation starts a new log and resets the badge, unless the log is preserved', async ({ lens, servers }) => {
  const { page, tabId } = await freshTab(lens, servers, 'navigate');
  const panel = await lens.openPanel(tabId);
  await runCalls(page, failingCalls(servers.crossSite, 3, 'nav-a'));
  await expect.poll(async () => (await panelRows(panel)).length).toBe(3);
  await expect.poll(() => lens.badge(tabId)).toBe('3');

  await page.goto(`${servers.pageOrigin}/navigated-${Date.now()}`);
  await expect.poll(async () => (await panelRows(panel)).length).toBe(0);
  await expect.poll(() => lens.badge(tabId)).toBe('');

  // A same-document navigation (pushState) is not a new page.
  await runCalls(page, failingCalls(servers.crossSite, 2, 'nav-b'));
  await page.evaluate(() => history.pushState({}, '', '/pushed'));
  await expect.poll(async () => (await panelRows(panel)).length).toBe(2);

  // The box shows the worker's state, which comes back a moment after the click.

  await panel.getByTestId('preserve').click();

  await expect(panel.getByTestId('preserve')).toBeChecked();
  await page.goto(`${servers.pageOrigin}/preserved-${Date.now()}`);
  await runCalls(page, failingCalls(servers.crossSite, 1, 'nav-c'));
  await expect.poll(async () => (await panelRows(panel)).length).toBe(3);
  await expect.poll(() => lens.badge(tabId)).toBe('3');

  await panel.getByTestId('clear').click();
  await expect.poll(async () => (await panelRows(panel)).length).toBe(0);
  await expect.poll(() => lens.badge(tabId)).toBe('');

  // DevTools sends what it listed in the last minute again to a restarted worker: what was cleared stays cleared,
  // and a new failure is listed alone.
  await lens.stopWorker();
  await panel.evaluate(() => chrome.runtime.sendMessage({ channel: 'cors-lens', type: 'ready', payload: null }));
  await detailsReady(lens, tabId);
  const after = failingCalls(servers.crossSite, 1, 'nav-d')[0] as Call;
  const oracle = await attachOracle(lens.context, page);
  const chromium = await verdict(page, oracle, after);
  await oracle.detach();
  expect(chromium.ok).toBe(false);
  await expect
    .poll(async () => (await panelRows(panel)).map((r) => `${r.url} ${r.corsError}`))
    .toEqual([`${after.url} ${chromium.ok ? 'passed' : chromium.corsError}`]);
  // An exchange DevTools sent that joins no row waits 1.5 s for its error event before it makes a row of its own.
  await page.waitForTimeout(2500);
  expect((await panelRows(panel)).length).toBe(1);
  await expect.poll(() => lens.badge(tabId)).toBe('1');
  await panel.getByTestId('preserve').click();
  await expect(panel.getByTestId('preserve')).not.toBeChecked();
  await panel.close();
  await page.close();
});

test('closing a tab frees its log', async ({ lens, servers }) => {
  const { page, tabId } = await freshTab(lens, servers, 'close');
  await runCalls(page, failingCalls(servers.crossSite, 2, 'close'));
  const worker = await lens.worker();
  const stored = () =>
    worker.evaluate(
      async (id) =>
        Object.keys(await chrome.storage.session.get(null)).filter((k) => k === `tab:${id}` || k.startsWith(`rec:${id}:`)).length,
      tabId,
    );
  await expect.poll(stored).toBeGreaterThan(0);
  await page.close();
  await expect.poll(stored).toBe(0);
});

test('with third-party cookies blocked (the default), credentialed failures are still diagnosed', async ({ servers }) => {
  const lens = await launch({ thirdPartyCookies: 'block', devtools: true, debugPort: true });
  try {
    const page = await lens.context.newPage();
    await page.goto(`${servers.pageOrigin}/blocked-cookies`);
    const tabId = await lens.tabIdOf(page);
    await detailsReady(lens, tabId);
    const oracle = await attachOracle(lens.context, page);
    const calls: Call[] = [
      {
        api: 'fetch',
        credentials: true,
        url: scenarioUrl(servers.crossSite, { h: { 'access-control-allow-origin': '$ORIGIN' } }, 'blocked-fetch'),
      },
      { api: 'xhr', credentials: true, url: scenarioUrl(servers.crossSite, { h: { 'access-control-allow-origin': '*' } }, 'blocked-xhr') },
    ];
    await runCalls(page, calls);
    const verdicts = await oracle.settle(calls.map((c) => c.url));
    const panel = await lens.openPanel(tabId);
    // Each row first shows the error alone (Unknown), then its code once DevTools' details are joined (a moment
    // later; on a busy machine, longer): the rows must come to Chromium's codes.
    const expected = calls.map((c) => {
      const v = verdicts.get(c.url)?.outcome;
      return { url: c.url, corsError: v && !v.ok ? v.corsError : null };
    });
    await expect
      .poll(
        async () =>
          (await panelRows(panel)).map((r) => ({ url: r.url, corsError: r.corsError })).sort((a, b) => a.url.localeCompare(b.url)),
        {
          timeout: 30_000,
        },
      )
      .toEqual(expected.sort((a, b) => a.url.localeCompare(b.url)));
    // No cookie went out: the panel says that third-party cookies are blocked, which is not CORS.
    await panel.locator(`[data-testid="failure"][data-url="${calls[0]?.url}"]`).click();
    await expect(panel.getByTestId('warning').filter({ hasText: 'third-party cookies are blocked' })).toBeVisible();
    expect(await lens.badge(tabId)).toBe('2');
  } finally {
    await lens.close();
  }
});
