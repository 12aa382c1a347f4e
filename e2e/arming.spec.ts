/**
 * Detailed capture is armed where it is wanted (src/capture/arming.ts): on development origins and while the CORS
 * panel is open on a tab. On an ordinary site with no panel open, only the error watcher runs: a failure is still
 * counted and listed and says how to get its details; with the panel open, the next one is explained in full.
 * Chromium's own verdicts over CDP are the expectations throughout.
 */

import { runCalls, scenarioUrl } from '../test-support/browser/calls.ts';
import { attachOracle } from '../test-support/browser/oracle.ts';
import { expect, panelRows, test } from './fixtures.ts';

// An ordinary site: names that are not development origins, served by the local servers.
test.use({ lensArgs: ['--host-resolver-rules=MAP shop.example 127.0.0.1, MAP api.example 127.0.0.1'] });

test('on an ordinary site, a failure is counted without details; with the panel open, the next is explained', async ({ lens, servers }) => {
  const page = await lens.context.newPage();
  await page.goto(`http://shop.example:${servers.pagePort}/ordinary-${Date.now()}`);
  const tabId = await lens.tabIdOf(page);
  const oracle = await attachOracle(lens.context, page);
  const api = `http://api.example:${servers.apiPort}`;
  const first = scenarioUrl(api, { h: {} }, 'unarmed-first');
  await runCalls(page, [{ api: 'fetch', credentials: false, url: first }]);
  const panel = await lens.openPanel(tabId);
  await expect.poll(async () => (await panelRows(panel)).length).toBe(1);
  expect((await panelRows(panel))[0]).toMatchObject({ url: first, corsError: 'Unknown' });
  await panel.locator('[data-testid="failure"]').first().click();
  await expect(panel.getByTestId('explanation')).toContainText('watching the tab in detail');
  expect(await lens.badge(tabId)).toBe('1');

  // The open panel arms the tab: the next failure has Chromium's exact verdict.
  await panel.evaluate(() => chrome.runtime.sendMessage({ channel: 'cors-lens', type: 'ready', payload: null }));
  const second = scenarioUrl(api, { h: { 'access-control-allow-origin': 'http://other.example' } }, 'unarmed-second');
  await runCalls(page, [{ api: 'fetch', credentials: false, url: second }]);
  const verdict = (await oracle.settle([first, second])).get(second)?.outcome;
  await expect
    .poll(async () => (await panelRows(panel)).find((r) => r.url === second)?.corsError)
    .toBe(verdict && !verdict.ok ? verdict.corsError : 'none');
  await panel.close();
  await page.close();
});

test('opening the panel on a tab arms it before any failure', async ({ lens, servers }) => {
  const page = await lens.context.newPage();
  await page.goto(`http://shop.example:${servers.pagePort}/with-panel-${Date.now()}`);
  const tabId = await lens.tabIdOf(page);
  const panel = await lens.openPanel(tabId);
  // Ready means the worker has applied the arming the open panel asked for.
  await panel.evaluate(() => chrome.runtime.sendMessage({ channel: 'cors-lens', type: 'ready', payload: null }));
  const oracle = await attachOracle(lens.context, page);
  const url = scenarioUrl(`http://api.example:${servers.apiPort}`, { h: { 'access-control-allow-origin': '*' } }, 'panel-armed');
  await runCalls(page, [{ api: 'fetch', credentials: true, url }]);
  const verdict = (await oracle.settle([url])).get(url)?.outcome;
  expect(verdict && !verdict.ok ? verdict.corsError : null).toBe('WildcardOriginNotAllowed');
  await expect.poll(async () => (await panelRows(panel)).find((r) => r.url === url)?.corsError).toBe('WildcardOriginNotAllowed');
  await panel.close();
  await page.close();
});
