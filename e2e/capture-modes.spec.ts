/**
 * How much CORS Lens sees with DevTools closed (docs/capture.md): only that requests failed (one cheap listener), on
 * every origin, localhost included; the details where the user asks for them: a panel opened as a page on the tab,
 * or a site turned on for detailed capture. Chromium's own verdicts over CDP are the expectations throughout.
 */

import { runCalls, scenarioUrl } from '../test-support/browser/calls.ts';
import { attachOracle } from '../test-support/browser/oracle.ts';
import { expect, panelRows, test } from './fixtures.ts';

test.use({ lensDevtools: false });

test('on localhost with DevTools closed, a failure is counted and listed without details, and says how to get them', async ({
  lens,
  servers,
}) => {
  const page = await lens.context.newPage();
  await page.goto(`${servers.pageOrigin}/counting-${Date.now()}`);
  const tabId = await lens.tabIdOf(page);
  expect(await lens.captureState(tabId)).toBe('counting');
  const url = scenarioUrl(servers.crossSite, { h: {} }, 'counting');
  await runCalls(page, [{ api: 'fetch', credentials: false, url }]);
  await expect.poll(() => lens.badge(tabId)).toBe('1');
  const panel = await lens.openPanel(tabId);
  await expect.poll(async () => (await panelRows(panel)).length).toBe(1);
  expect((await panelRows(panel))[0]).toMatchObject({ url, corsError: 'Unknown' });
  await panel.locator('[data-testid="failure"]').first().click();
  await expect(panel.getByTestId('explanation')).toContainText('With DevTools open on the tab');
  await panel.close();
  await page.close();
});

test('a panel opened as a page turns on detailed capture for its tab, and off when it closes', async ({ lens, servers }) => {
  const page = await lens.context.newPage();
  await page.goto(`${servers.pageOrigin}/with-panel-${Date.now()}`);
  const tabId = await lens.tabIdOf(page);
  const panel = await lens.openPanel(tabId);
  await expect.poll(() => lens.captureState(tabId)).toBe('detailed');
  const oracle = await attachOracle(lens.context, page);
  const url = scenarioUrl(servers.crossSite, { h: { 'access-control-allow-origin': '*' } }, 'panel-armed');
  await runCalls(page, [{ api: 'fetch', credentials: true, url }]);
  const verdict = (await oracle.settle([url])).get(url)?.outcome;
  expect(verdict && !verdict.ok ? verdict.corsError : null).toBe('WildcardOriginNotAllowed');
  await expect.poll(async () => (await panelRows(panel)).find((r) => r.url === url)?.corsError).toBe('WildcardOriginNotAllowed');
  await panel.close();
  await expect.poll(() => lens.captureState(tabId)).toBe('counting');
  await page.close();
});

test('a site turned on gets details on its tabs with DevTools closed; turned off, only counting again', async ({ lens, servers }) => {
  const page = await lens.context.newPage();
  await page.goto(`${servers.pageOrigin}/site-${Date.now()}`);
  const tabId = await lens.tabIdOf(page);
  const set = (on: boolean) => lens.command<{ origins: string[] }>('detailOrigin', { origin: servers.pageOrigin, on });
  expect((await set(true)).origins).toEqual([servers.pageOrigin]);
  await expect.poll(() => lens.captureState(tabId)).toBe('detailed');
  const oracle = await attachOracle(lens.context, page);
  const url = scenarioUrl(servers.crossSite, { h: { 'access-control-allow-origin': '$ORIGIN' } }, 'site-on');
  await runCalls(page, [{ api: 'fetch', credentials: true, url }]);
  const verdict = (await oracle.settle([url])).get(url)?.outcome;
  const snapshot = async () =>
    (
      await lens.command<{
        records: { exchange: { request: { url: string } }; judgement: { verdict: { status: { corsError: string } | null } } }[];
      }>('snapshot', { tabId })
    ).records;
  await expect
    .poll(async () => (await snapshot()).find((r) => r.exchange.request.url === url)?.judgement.verdict.status?.corsError)
    .toBe(verdict && !verdict.ok ? verdict.corsError : 'none');
  expect((await set(false)).origins).toEqual([]);
  await expect.poll(() => lens.captureState(tabId)).toBe('counting');
  await page.close();
});
