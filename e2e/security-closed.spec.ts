/**
 * Attacks where DevTools is closed and detailed capture is on (opening the panel as a page, or a site turned on):
 * the page cannot tell the extension is there (the moment an earlier design told it, when the panel opened); its
 * functions look native; nothing it can listen to happens. And the worker, which then sees every header of every
 * hop, stays small under a flood of redirects with huge headers.
 */

import type { Lens } from '../test-support/browser/browser.ts';
import { runCalls, scenarioUrl } from '../test-support/browser/calls.ts';
import { CdpClient } from '../test-support/browser/cdp-client.ts';
import type { CorsServers } from '../test-support/servers/cors-server.ts';
import { expect, panelRows, test } from './fixtures.ts';

test.use({ lensDevtools: false });

const ECHO = { 'access-control-allow-origin': '$ORIGIN' };

test('the page cannot tell the extension is there: native-looking functions, nothing to hear when the panel opens', async ({
  lens,
  servers,
}) => {
  const page = await lens.context.newPage();
  await page.goto(`${servers.pageOrigin}/observer-${Date.now()}`);
  const tabId = await lens.tabIdOf(page);
  const looks = await page.evaluate(() => ({
    fetch: fetch.toString(),
    fetchCall: Function.prototype.toString.call(fetch),
    open: XMLHttpRequest.prototype.open.toString(),
    send: XMLHttpRequest.prototype.send.toString(),
    eventSource: EventSource.toString(),
    close: EventSource.prototype.close.toString(),
    toString: Function.prototype.toString.toString(),
    ownFetch: Object.getOwnPropertyNames(fetch).sort().join(),
    ownEventSource: Object.getOwnPropertyNames(EventSource).sort().join(),
    constructorBack: EventSource.prototype.constructor === EventSource,
    fetchName: `${fetch.name}/${fetch.length}`,
  }));
  expect(looks).toEqual({
    fetch: 'function fetch() { [native code] }',
    fetchCall: 'function fetch() { [native code] }',
    open: 'function open() { [native code] }',
    send: 'function send() { [native code] }',
    eventSource: 'function EventSource() { [native code] }',
    close: 'function close() { [native code] }',
    toString: 'function toString() { [native code] }',
    ownFetch: 'length,name',
    ownEventSource: 'CLOSED,CONNECTING,OPEN,length,name,prototype',
    constructorBack: true,
    fetchName: 'fetch/1',
  });
  // Everything the page could listen to: our old event names, window messages, any DOM change.
  await page.evaluate(() => {
    const w = window as unknown as { heard: string[] };
    w.heard = [];
    for (const name of ['cors-lens:mode', 'cors-lens:hint', 'cors-lens:channel', 'report'])
      for (const target of [window, document]) target.addEventListener(name, () => w.heard.push(name), true);
    window.addEventListener('message', (e) => w.heard.push(`message ${JSON.stringify(e.data).slice(0, 40)}`), true);
    new MutationObserver((m) => w.heard.push(`mutation ${m.length}`)).observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
    });
  });
  // A failure, the panel opened on the tab (it turns on detailed capture), another failure, the panel closed.
  await runCalls(page, [{ api: 'fetch', credentials: true, url: scenarioUrl(servers.crossSite, { h: ECHO }, 'observed-1') }]);
  const panel = await lens.openPanel(tabId);
  await expect.poll(() => lens.captureState(tabId)).toBe('detailed');
  await runCalls(page, [{ api: 'fetch', credentials: true, url: scenarioUrl(servers.crossSite, { h: ECHO }, 'observed-2') }]);
  await expect.poll(async () => (await panelRows(panel)).length).toBe(2);
  await panel.close();
  await expect.poll(() => lens.captureState(tabId)).not.toBe('detailed');
  expect(await page.evaluate(() => (window as unknown as { heard: string[] }).heard)).toEqual([]);
  await page.close();
});

/** The worker's JS heap after a garbage collection, over CDP. */
async function workerHeap(lens: Lens): Promise<number> {
  const cdp = await CdpClient.connect(lens.debugPort as number);
  try {
    const target = (await cdp.targets()).find((t) => t.type === 'service_worker' && t.url.includes(lens.extensionId));
    const session = await cdp.attach(target?.targetId ?? '');
    await cdp.send('HeapProfiler.collectGarbage', {}, session);
    return (await cdp.send<{ usedSize: number }>('Runtime.getHeapUsage', {}, session)).usedSize;
  } finally {
    cdp.close();
  }
}

/** A tab on the attacker's site (127.0.0.1: another site than the victim's localhost). */
async function attackerTab(lens: Lens, servers: CorsServers, name: string) {
  const page = await lens.context.newPage();
  await page.goto(`http://127.0.0.1:${servers.pagePort}/${name}-${Date.now()}`);
  return page;
}

test('the worker stays small under a flood of redirects with huge headers, even with detailed capture on', async ({ lens, servers }) => {
  test.setTimeout(180_000);
  const evil = await attackerTab(lens, servers, 'heap');
  // The worst case: the attacker's site has detailed capture on, so every header of every hop reaches the worker.
  await lens.command('detailOrigin', { origin: `http://127.0.0.1:${servers.pagePort}`, on: true });
  try {
    const before = await workerHeap(lens);
    // Passing requests through 20 redirects with about 200 KB of headers each, for ten seconds.
    const sent = await evil.evaluate(async (base) => {
      let n = 0;
      const end = Date.now() + 10_000;
      const star = encodeURIComponent(JSON.stringify({ 'access-control-allow-origin': '*' }));
      while (Date.now() < end) {
        await Promise.all(Array.from({ length: 10 }, () => fetch(`${base}&hops=20&wide=100&h=${star}&n=${n++}`).catch(() => 0)));
      }
      return n;
    }, `${servers.crossSite}/cors?id=heap-${Date.now()}`);
    const after = await workerHeap(lens);
    console.log(
      `redirect-header flood: ${sent} requests x 21 hops of 200 KB headers, worker heap ${(before / 1e6).toFixed(1)} MB -> ${(after / 1e6).toFixed(1)} MB`,
    );
    expect(sent).toBeGreaterThanOrEqual(10);
    expect(after).toBeLessThan(30e6);
  } finally {
    await lens.command('detailOrigin', { origin: `http://127.0.0.1:${servers.pagePort}`, on: false });
    await evil.close();
  }
});
