/**
 * Safe to keep installed, tried as an attacker would: another site cannot push a tab's failures out or grow the
 * worker without bound; no secret a request carries is kept, shown or copied; only the extension's own pages can read
 * or clear a log (not a content script, which is what a compromised renderer gets); and the page can neither see the
 * extension nor speak for it. The victim is a tab on localhost; the attacker's pages are on 127.0.0.1, another site.
 */
import type { Page } from '@playwright/test';
import type { Lens } from '../test-support/browser/browser.ts';
import { runCalls, scenarioUrl } from '../test-support/browser/calls.ts';
import { attachOracle } from '../test-support/browser/oracle.ts';
import { type CorsServers, SERVER_SECRET } from '../test-support/servers/cors-server.ts';
import { expect, freshTab, panelRows, readClipboard, test } from './fixtures.ts';

const ECHO = { 'access-control-allow-origin': '$ORIGIN' };

interface Snapshot {
  readonly records: {
    readonly source?: string;
    readonly exchange: { readonly request: { readonly url: string; readonly credentials: { mode: string; source: string } } };
  }[];
  readonly summary: { readonly count: number; readonly dropped: number };
}

const snapshot = (lens: Lens, tabId: number) => lens.command<Snapshot>('snapshot', { tabId });

/** A tab on the attacker's site (127.0.0.1: another site than the victim's localhost). */
async function attackerTab(lens: Lens, servers: CorsServers, name: string): Promise<Page> {
  const page = await lens.context.newPage();
  await page.goto(`http://127.0.0.1:${servers.pagePort}/${name}-${Date.now()}`);
  return page;
}

/** The victim: a tab on localhost with `n` failures listed with their details. */
async function victim(lens: Lens, servers: CorsServers, n: number): Promise<{ page: Page; tabId: number; urls: string[] }> {
  const { page, tabId } = await freshTab(lens, servers, 'victim');
  const urls = Array.from({ length: n }, () => scenarioUrl(servers.crossSite, { h: {} }, 'victim'));
  await runCalls(
    page,
    urls.map((url) => ({ api: 'fetch' as const, credentials: false, url })),
  );
  await expect.poll(async () => (await snapshot(lens, tabId)).summary.count).toBe(n);
  return { page, tabId, urls };
}

test('another site cannot push a tab out of its log, even through huge records from a shared worker', async ({ lens, servers }) => {
  test.setTimeout(180_000);
  const { page, tabId } = await victim(lens, servers, 60);
  const evil = await attackerTab(lens, servers, 'evil');
  // The attacker's shared worker: failing fetches, each through 19 redirects of 100 headers of 2,000 characters.
  const hostile = `${servers.crossSite}/cors?id=evil-${Date.now()}&hops=19&wide=100`;
  await evil.evaluate(async (u) => {
    const src = `onconnect = (e) => { Promise.all([0, 1, 2].map((i) => fetch('${u}&n=' + i).catch(() => 0))).then(() => e.ports[0].postMessage('done')); };`;
    const worker = new SharedWorker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
    await new Promise((resolve) => {
      worker.port.onmessage = resolve;
    });
  }, hostile);
  // And the attacker's own tab fails a thousand times.
  await evil.evaluate(
    (u) => Promise.all(Array.from({ length: 1000 }, (_, i) => fetch(`${u}&flood=${i}`).catch(() => 0))),
    `${servers.crossSite}/cors?id=flood-${Date.now()}&wide=20`,
  );
  const evilTab = await lens.tabIdOf(evil);
  await expect.poll(async () => (await snapshot(lens, evilTab)).summary.count, { timeout: 30_000 }).toBeGreaterThan(0);
  expect((await snapshot(lens, tabId)).summary).toMatchObject({ count: 60, dropped: 0 });
  expect(await lens.badge(tabId)).toBe('60');
  // And so it stays when the worker restarts and reads the logs back.
  await lens.stopWorker();
  await expect.poll(async () => (await snapshot(lens, tabId)).records.length).toBe(60);
  await evil.close();
  await page.close();
});

test('no secret a request carries is stored, shown or copied: only that it was there', async ({ lens, servers }) => {
  test.setTimeout(180_000);
  const SECRET = `S3cr3t${Date.now().toString(36)}X`;
  const page = await lens.context.newPage();
  // The page's own URL carries secrets too, and its referrer policy sends the full URL.
  await page.goto(`${servers.pageOrigin}/secret?session=${SECRET}#access_token=${SECRET}`);
  await page.evaluate(() => {
    const meta = document.createElement('meta');
    meta.name = 'referrer';
    meta.content = 'unsafe-url';
    document.head.append(meta);
  });
  const tabId = await lens.tabIdOf(page);
  await expect.poll(() => lens.captureState(tabId), { timeout: 60_000 }).toBe('devtools');
  const query = `token=${SECRET}&api_key=${SECRET}&password=${SECRET}&code=${SECRET}`;
  const next = encodeURIComponent(`${servers.crossSite}/cors?id=secret-next&access_token=${SECRET}`);
  const urls = {
    headers: `${scenarioUrl(servers.crossSite, { h: ECHO }, 'secret-h')}&wwwauth=1&${query}`,
    redirect: `${servers.crossSite}/cors?id=secret-redirect-${Date.now()}&s=302&loc=${next}&${query}`,
    xhr: scenarioUrl(servers.crossSite, { h: {} }, 'secret-xhr'),
  };
  const custom = ['Authentication', 'Ocp-Apim-Subscription-Key', 'X-Sentry-Auth', 'X-Jwt', 'X-Access-Key', 'X-Bearer'];
  await page.evaluate(
    async ({ urls, custom, secret }) => {
      await fetch(urls.headers, { credentials: 'include', headers: Object.fromEntries(custom.map((h) => [h, secret])) }).catch(() => 0);
      await fetch(urls.redirect).catch(() => 0);
      await new Promise<void>((resolve) => {
        const x = new XMLHttpRequest();
        x.open('GET', urls.xhr, true, 'alice', secret);
        x.onloadend = () => resolve();
        x.send();
      });
    },
    { urls, custom, secret: SECRET },
  );
  // Three failures, each with its details from DevTools (where most of the secrets would be).
  await expect
    .poll(async () => (await snapshot(lens, tabId)).records.filter((r) => r.source === 'devtools').length, { timeout: 20_000 })
    .toBe(3);
  expect((await snapshot(lens, tabId)).summary.count).toBe(3);

  // Storage: nothing anywhere, under any key.
  const worker = await lens.worker();
  const stored = await worker.evaluate(async () => JSON.stringify(await chrome.storage.session.get(null)));
  expect(stored).not.toContain(SECRET);
  expect(stored).not.toContain(SERVER_SECRET);
  // That the headers were there is kept.
  expect(stored.toLowerCase()).toContain('ocp-apim-subscription-key');

  // The panel, every failure and every stack's snippet, and what the copy buttons put on the clipboard.
  const panel = await lens.openPanel(tabId);
  await lens.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: servers.pageOrigin });
  await expect.poll(async () => (await panelRows(panel)).length).toBe(3);
  for (const row of await panel.locator('[data-testid="failure"]').all()) {
    await row.click();
    expect(await panel.content()).not.toContain(SECRET);
    expect(await panel.content()).not.toContain(SERVER_SECRET);
    for (const copy of await panel.locator('[data-testid^="copy-"]').all()) {
      await panel.bringToFront();
      await copy.click();
      const copied = await readClipboard(page);
      expect(copied).not.toContain(SECRET);
      expect(copied).not.toContain(SERVER_SECRET);
    }
  }
  await panel.close();
  await page.close();
});

/**
 * Runs code in the extension's isolated world of a page (the relay's world): what a compromised renderer, or a bug in
 * the relay, could do with the extension's messaging.
 */
async function inRelayWorld<T>(lens: Lens, page: Page, expression: string): Promise<T> {
  const cdp = await lens.context.newCDPSession(page);
  const contexts: { id: number; name: string; auxData?: { type?: string } }[] = [];
  cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context as (typeof contexts)[number]));
  await cdp.send('Runtime.enable');
  const world = contexts.find((c) => c.auxData?.type === 'isolated' && c.name === 'CORS Lens');
  if (!world) throw new Error(`no isolated world of CORS Lens in ${JSON.stringify(contexts.map((c) => c.name))}`);
  const result = await cdp.send('Runtime.evaluate', { expression, contextId: world.id, awaitPromise: true, returnByValue: true });
  await cdp.detach();
  return result.result.value as T;
}

test("a content script can neither read nor clear another tab's log, nor watch it, nor speak for DevTools", async ({ lens, servers }) => {
  test.setTimeout(120_000);
  const { page, tabId } = await victim(lens, servers, 5);
  const evil = await attackerTab(lens, servers, 'relay-world');
  const attempts = await inRelayWorld<Record<string, string>>(
    lens,
    evil,
    `(async () => {
      const out = {};
      const send = (type, payload) => chrome.runtime.sendMessage({ channel: 'cors-lens', type, payload }).then((r) => 'answered: ' + JSON.stringify(r).slice(0, 80), (e) => 'refused: ' + e.message);
      out.snapshot = await send('snapshot', { tabId: ${tabId} });
      out.clear = await send('clear', { tabId: ${tabId} });
      out.preserve = await send('preserve', { tabId: ${tabId}, preserve: true });
      out.detailOrigin = await send('detailOrigin', { origin: 'http://127.0.0.1:${servers.pagePort}', on: true });
      const watch = (name, first) => new Promise((resolve) => {
        const port = chrome.runtime.connect({ name });
        const got = [];
        port.onMessage.addListener((m) => got.push(m.type));
        port.onDisconnect.addListener(() => resolve('disconnected after ' + JSON.stringify(got)));
        port.postMessage(first);
        setTimeout(() => resolve('still open, got ' + JSON.stringify(got)), 2000);
      });
      out.panel = await watch('cors-lens/panel', { type: 'subscribe', tabId: ${tabId}, asPage: true });
      out.devtools = await watch('cors-lens/devtools', { type: 'inspect', tabId: ${tabId} });
      return out;
    })()`,
  );
  expect(attempts.snapshot).toMatch(/^refused/);
  expect(attempts.clear).toMatch(/^refused/);
  expect(attempts.preserve).toMatch(/^refused/);
  expect(attempts.detailOrigin).toMatch(/^refused/);
  expect(attempts.panel).toBe('disconnected after []');
  expect(attempts.devtools).toBe('disconnected after []');
  expect((await snapshot(lens, tabId)).summary).toMatchObject({ count: 5 });
  expect((await lens.command<{ origins: string[] }>('settings', null)).origins).toEqual([]);
  await evil.close();
  await page.close();
});

test('a page cannot forge reports: not to hide its own failure, not to make rows, not around a worker restart', async ({
  lens,
  servers,
}) => {
  test.setTimeout(120_000);
  const { page, tabId } = await freshTab(lens, servers, 'forger');
  const oracle = await attachOracle(lens.context, page);
  const real = scenarioUrl(servers.crossSite, { h: ECHO }, 'forger-real');
  const forged = Array.from({ length: 50 }, (_, i) => `https://victim.example/api/${i}`);
  const forge = (list: string[]) =>
    page.evaluate((urls) => {
      const report = (url: string, credentials: string, outcome?: string) =>
        JSON.stringify({ api: 'fetch', url, method: 'GET', credentials, mode: 'cors', outcome, startedAt: 1 });
      // The old event the relay listened to, and a handshake of the page's own to the private channel.
      const mine = document.createElement('span');
      document.dispatchEvent(new MouseEvent('cors-lens:channel', { relatedTarget: mine }));
      for (const url of urls) {
        for (const detail of [report(url, 'omit'), report(url, 'omit', 'failed')]) {
          document.dispatchEvent(new CustomEvent('cors-lens:hint', { detail }));
          mine.dispatchEvent(new CustomEvent('report', { detail }));
        }
      }
    }, list);
  // "I asked without credentials": said before the page's credentialed call fails, to hide what it really did.
  await forge([real]);
  await runCalls(page, [{ api: 'fetch', credentials: true, url: real }]);
  const verdict = (await oracle.settle([real])).get(real)?.outcome;
  expect(verdict && !verdict.ok ? verdict.corsError : null).toBe('InvalidAllowCredentials');
  // Failures of other sites' URLs, while the worker restarts (when the worker trusts the pages' reports most).
  await forge(forged);
  await lens.stopWorker();
  await forge(forged);
  await expect.poll(async () => (await snapshot(lens, tabId)).summary.count, { timeout: 20_000 }).toBe(1);
  // Give forged reports every chance to arrive, then look again.
  await page.waitForTimeout(3000);
  const { records } = await snapshot(lens, tabId);
  expect(records.map((r) => r.exchange.request.url)).toEqual([real]);
  expect(records[0]?.exchange.request.credentials.mode).toBe('include');
  await page.close();
});

test("a tab of 300 frames reporting failures cannot take another tab's reports away", async ({ lens, servers }) => {
  test.setTimeout(120_000);
  const evil = await attackerTab(lens, servers, 'frames');
  await evil.evaluate(async (api) => {
    const body = `<script>for (let i = 0; i < 3; i++) fetch('${api}/cors?id=frame-' + Math.random() + '&n=' + i).catch(() => 0);</script>`;
    for (let i = 0; i < 300; i++) {
      const f = document.createElement('iframe');
      f.srcdoc = body;
      document.body.append(f);
    }
    await new Promise((r) => setTimeout(r, 3000));
  }, servers.crossSite);
  // The victim's same-site credentialed call: nothing on the network says its credentials mode, only its page.
  const { page, tabId } = await freshTab(lens, servers, 'hinted');
  const url = scenarioUrl(servers.sameSite, { h: { 'access-control-allow-origin': '*' } }, 'hinted');
  await runCalls(page, [{ api: 'fetch', credentials: true, url }]);
  await expect
    .poll(async () => (await snapshot(lens, tabId)).records.find((r) => r.exchange.request.url === url)?.exchange.request.credentials)
    .toEqual({ mode: 'include', source: 'page' });
  await evil.close();
  await page.close();
});
