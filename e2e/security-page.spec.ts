/**
 * The page cannot tell the extension is there, with DevTools closed: where opening the panel on its tab turns on
 * detailed capture (the moment an earlier design told the page about). Its functions look native; nothing it can
 * listen to happens when the panel opens, while the extension captures, or when it closes.
 */
import { runCalls, scenarioUrl } from '../test-support/browser/calls.ts';
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
