/**
 * Fault tests: the worker stopped in the middle of a burst of 500 failing requests loses none of them (the panel,
 * opened after the failures, shows them all). What a page can forge: security.spec.ts.
 */

import { scenarioUrl } from '../test-support/browser/calls.ts';
import { attachOracle } from '../test-support/browser/oracle.ts';
import { expect, expectEveryFailureListed, freshTab, storedRecords, test } from './fixtures.ts';

test('the worker stopped in the middle of a burst of 500 failing requests loses none', async ({ lens, servers }) => {
  test.setTimeout(180_000);
  const { page, tabId } = await freshTab(lens, servers, 'burst');
  const oracle = await attachOracle(lens.context, page);
  const urls = Array.from({ length: 500 }, (_, i) =>
    scenarioUrl(servers.crossSite, { h: i % 2 ? {} : { 'access-control-allow-origin': '$ORIGIN' } }, `burst${i % 2 ? 'missing' : 'creds'}`),
  );
  // 25 in flight at a time, as a busy page would; the worker is stopped once about a fifth are done.
  const burst = page.evaluate(async (list) => {
    let next = 0;
    const run = async () => {
      while (next < list.length) {
        const i = next++;
        await fetch(list[i] as string, { credentials: i % 2 ? 'same-origin' : 'include' }).catch(() => null);
      }
    };
    await Promise.all(Array.from({ length: 25 }, run));
  }, urls);
  const worker = await lens.worker();
  await expect
    .poll(() => storedRecords(worker, tabId), {
      intervals: [20],
    })
    .toBeGreaterThan(80);
  await lens.stopWorker();
  await burst;
  const verdicts = await oracle.settle(urls, 60_000);
  const codes = [...verdicts.values()].map((v) => (v.outcome && !v.outcome.ok ? v.outcome.corsError : null));
  expect(codes.filter((c) => c === null)).toEqual([]);

  const panel = await lens.openPanel(tabId);
  const withoutDetails = await expectEveryFailureListed(panel, verdicts);
  console.log(`burst with a worker stop: 500 failures, all listed, ${withoutDetails} without details`);
  await expect.poll(() => lens.badge(tabId)).toBe('500');
  // A list this long has only the rows in view in the DOM; its stripes follow each row's place in the whole list
  // (every other row), not its place among the rows rendered, however far it is scrolled.
  const stripes = () =>
    panel.evaluate(() =>
      [...document.querySelectorAll('[role="option"]')].map((r) => [Number(r.id.replace('item-', '')), r.classList.contains('even')]),
    );
  const striped = async () => (await stripes()).every(([i, even]) => even === (Number(i) % 2 === 1));
  expect(await stripes()).not.toHaveLength(500);
  expect(await striped()).toBe(true);
  // The list names its selected row for assistive technology only while that row is in the DOM.
  const named = () =>
    panel.evaluate(() => {
      const id = document.querySelector('[data-testid="failures"]')?.getAttribute('aria-activedescendant');
      return id ? document.getElementById(id) !== null : null;
    });
  await panel.locator('[data-testid="failure"]').first().click();
  expect(await named()).toBe(true);
  await panel.evaluate(() => {
    const scroller = document.querySelector('[data-testid="failures"]')?.parentElement;
    if (scroller) scroller.scrollTop = 20 * 137;
  });
  await expect.poll(async () => (await stripes()).some(([i]) => Number(i) > 137)).toBe(true);
  expect(await striped()).toBe(true);
  expect(await named()).toBeNull();
  await panel.close();
  await page.close();
});
