/**
 * Fault tests: the worker stopped in the middle of a burst of 500 failing requests loses none of them (the panel,
 * opened after the failures, shows them all); a flood of forged page messages changes nothing.
 */

import { scenarioUrl } from '../test-support/browser/calls.ts';
import { CdpClient } from '../test-support/browser/cdp-client.ts';
import { attachOracle } from '../test-support/browser/oracle.ts';
import { expect, expectEveryFailureListed, freshTab, panelRows, storedRecords, test } from './fixtures.ts';

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
  await panel.close();
  await page.close();
});

test('a flood of forged page messages adds no rows and grows no memory', async ({ lens, servers }) => {
  test.setTimeout(120_000);
  const { page, tabId } = await freshTab(lens, servers, 'forged');
  const oracle = await attachOracle(lens.context, page);
  const heap = async () => {
    const cdp = await CdpClient.connect(lens.debugPort as number);
    try {
      const target = (await cdp.targets()).find((t) => t.type === 'service_worker' && t.url.includes(lens.extensionId));
      const session = await cdp.attach(target?.targetId ?? '');
      await cdp.send('HeapProfiler.collectGarbage', {}, session);
      return (await cdp.send<{ usedSize: number }>('Runtime.getHeapUsage', {}, session)).usedSize;
    } finally {
      cdp.close();
    }
  };
  const before = await heap();
  // The page speaks to its relay like the page hook does: failure reports and hints for requests never made,
  // malformed and oversized messages, as fast as it can for a few seconds.
  const sent = await page.evaluate(async (api) => {
    let n = 0;
    const end = Date.now() + 3000;
    while (Date.now() < end) {
      for (let i = 0; i < 500; i++, n++) {
        const url = `${api}/cors?forged=${n}`;
        const detail =
          n % 5 === 0
            ? 'x'.repeat(20_000)
            : n % 5 === 1
              ? '{not json'
              : JSON.stringify({
                  api: 'fetch',
                  url,
                  method: 'GET',
                  credentials: 'include',
                  mode: 'cors',
                  outcome: n % 5 === 2 ? 'failed' : undefined,
                });
        document.dispatchEvent(new CustomEvent('cors-lens:hint', { detail }));
      }
      await new Promise((r) => setTimeout(r, 0));
    }
    return n;
  }, servers.crossSite);
  // A real failure after the flood is still recorded, exactly once, with Chromium's verdict.
  const real = scenarioUrl(servers.crossSite, { h: {} }, 'after-flood');
  await page.evaluate((u) => fetch(u).catch(() => null), real);
  const verdict = (await oracle.settle([real])).get(real)?.outcome;
  const panel = await lens.openPanel(tabId);
  await expect.poll(async () => (await panelRows(panel)).length).toBe(1);
  const rows = await panelRows(panel);
  expect(rows[0]?.url).toBe(real);
  expect(rows[0]?.corsError).toBe(verdict && !verdict.ok ? verdict.corsError : 'none');
  expect(await lens.badge(tabId)).toBe('1');
  const after = await heap();
  console.log(`forged flood: ${sent} messages, worker heap ${(before / 1e6).toFixed(2)} MB -> ${(after / 1e6).toFixed(2)} MB`);
  expect(sent).toBeGreaterThan(10_000);
  expect(after - before).toBeLessThan(2_000_000);
  await panel.close();
  await page.close();
});
