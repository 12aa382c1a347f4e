/**
 * The panel as a workbench, as a page on one shared browser: keyboard selection (one Tab stop), the filter's
 * prefixes and counts, grouping, header rows marked, preflight and request paired, share (cURL replayed with curl
 * against the test server gives Chromium's verdict again; fetch; the Markdown report), export then import (panel
 * only: the worker's log is untouched), the what-if editor (its suggested headers pass in Chromium itself), a U+202E
 * in a header value that reverses nothing, the preserved log's time column and navigation separators, records the
 * capture is about to add (warnings, details missing, capture state), and axe-core finding no serious violation.
 * Every verdict compared is Chromium's own, over CDP, in the same run.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { toRecord } from '../src/capture/records.ts';
import { evaluate } from '../src/cors/engine.ts';
import type { HeaderList } from '../src/headers.ts';
import type { Exchange } from '../src/model.ts';
import { parseHeaders } from '../src/what-if.ts';
import { scenarioUrl } from '../test-support/browser/calls.ts';
import { attachOracle, type Oracle } from '../test-support/browser/oracle.ts';
import { runTriggers, type Trigger } from '../test-support/browser/triggers.ts';
import { captured, exchange } from '../test-support/exchange.ts';
import { expect, freshTab, readClipboard, storedRecords, test } from './fixtures.ts';

const latin1 = (utf8: string) => Buffer.from(utf8, 'utf8').toString('latin1');
const ECHO = { 'access-control-allow-origin': '$ORIGIN' };

/**
 * A scenario URL on its own path, so identical failures (same path) group and others do not. Tags stay short: a
 * query value of 20 letters and digits looks like a token and is redacted in storage.
 */
const at = (api: string, path: string, spec: Parameters<typeof scenarioUrl>[1]) =>
  scenarioUrl(api, spec, path).replace('/cors?', `/t/${path}?`);

/**
 * What the panel's last copy put on the clipboard, read from the page (an origin the test may grant reading to). Only a
 * focused document may read or write it, and DevTools windows take focus: each side is brought to the front in turn.
 */
async function clipboard(panel: Page, page: Page): Promise<string> {
  const text = await readClipboard(page);
  await panel.bringToFront();
  return text;
}

/** curl's answers, in order: status and header lines of each HTTP response it printed (asynchronously: the test server runs in this process). */
async function curlAnswers(commands: string): Promise<{ status: number; headers: HeaderList }[]> {
  const { stdout } = await promisify(execFile)('bash', ['-c', commands], { encoding: 'latin1', timeout: 15_000 });
  return stdout
    .split(/(?=HTTP\/1\.1 \d{3})/)
    .filter((b) => b.startsWith('HTTP/'))
    .map((block) => {
      const [head = ''] = block.split(/\r?\n\r?\n/);
      const [statusLine = '', ...lines] = head.split(/\r?\n/);
      return {
        status: Number(statusLine.split(' ')[1]),
        headers: lines.map((l) => ({ name: l.slice(0, l.indexOf(':')), value: l.slice(l.indexOf(':') + 1).trim() })),
      };
    });
}

/** Characters laid out right to left in the element's text (none, for Latin text whose bidi controls are neutralized). */
function reversedCharacters(page: Page, selector: string): Promise<{ reversed: number; checked: number }> {
  return page.evaluate((sel) => {
    let reversed = 0;
    let checked = 0;
    const range = document.createRange();
    for (const root of document.querySelectorAll(sel)) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
        let prev: DOMRect | null = null;
        for (let i = 0; i < n.data.length; i++) {
          range.setStart(n, i);
          range.setEnd(n, i + 1);
          const r = range.getClientRects()[0];
          if (!r || r.width === 0) continue;
          if (prev && Math.abs(r.top - prev.top) < 2 && r.left < prev.left - 0.5) reversed++;
          prev = r;
          checked++;
        }
      }
    }
    return { reversed, checked };
  }, selector);
}

interface Rows {
  url: string;
  code: string;
  count: string;
}
const rowsOf = (panel: Page): Promise<Rows[]> =>
  panel.locator('[role="option"]').evaluateAll((rows) =>
    rows.map((r) => ({
      url: r.getAttribute('data-url') ?? '',
      code: r.getAttribute('data-cors-error') ?? '',
      count: r.getAttribute('data-count') ?? '',
    })),
  );

test.describe('the panel as a workbench', () => {
  test('keyboard, filter, grouping, marks, share, export and import, what-if, bidi text, accessibility', async ({ lens, servers }) => {
    test.setTimeout(120_000);
    const { page, tabId } = await freshTab(lens, servers, 'workbench');
    const oracle: Oracle = await attachOracle(lens.context, page);
    const api = servers.crossSite;
    const urls = {
      missing: [0, 1, 2].map(() => at(api, 'missing', { h: {} })),
      put: at(api, 'orders', { p: { ...ECHO, 'access-control-allow-methods': 'GET' }, h: ECHO }),
      creds: at(api, 'profile', { h: ECHO }),
      error: at(api, 'report', { h: {}, s: 500 }),
      rlo: at(api, 'rtl', { h: { 'access-control-allow-origin': latin1('http://a.example\u202Elive.evil') } }),
    };
    // The panel open first: its tab then has detailed capture before any request.
    const panel = await lens.openPanel(tabId, { group: true });
    const triggers: Trigger[] = [
      ...urls.missing.map((url) => ({ kind: 'fetch' as const, url })),
      { kind: 'fetch', url: urls.put, method: 'PUT', headers: { 'x-request-id': 'wb-1' } },
      { kind: 'fetch', url: urls.creds, credentials: 'include' },
      { kind: 'fetch', url: urls.error },
      { kind: 'fetch', url: urls.rlo },
    ];
    // The three identical failures one after another, so that the last of them is the latest to arrive (run at once,
    // they may fail in any order); then the rest at once.
    for (const trigger of triggers.slice(0, 3)) await runTriggers(page, [trigger]);
    await runTriggers(page, triggers.slice(3));
    const verdicts = await oracle.settle(triggers.map((t) => t.url));
    const chromium = (url: string) => {
      const o = verdicts.get(url)?.outcome;
      return o && !o.ok ? o.corsError : null;
    };
    expect(triggers.map((t) => chromium(t.url))).toEqual([
      'MissingAllowOriginHeader',
      'MissingAllowOriginHeader',
      'MissingAllowOriginHeader',
      'MethodDisallowedByPreflightResponse',
      'InvalidAllowCredentials',
      'MissingAllowOriginHeader',
      'InvalidAllowOriginValue',
    ]);

    await lens.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: servers.pageOrigin });
    await panel.bringToFront();
    const row = (url: string) => panel.locator(`[role="option"][data-url="${url}"]`);

    // Grouping: the three identical failures are one row with a count (the latest shown); seven failures in all.
    await expect.poll(async () => (await rowsOf(panel)).filter((r) => r.code !== 'Unknown').length).toBe(5);
    await expect(panel.getByTestId('count')).toHaveText('7 CORS failures');
    const grouped = (await rowsOf(panel)).find((r) => r.url.includes('/t/missing'));
    expect(grouped).toEqual({ url: urls.missing[2], code: 'MissingAllowOriginHeader', count: '3' });
    for (const r of await rowsOf(panel)) expect(r.code).toBe(chromium(r.url));
    await panel.getByTestId('group').uncheck();
    await expect.poll(async () => (await rowsOf(panel)).length).toBe(7);
    await panel.getByTestId('group').check();
    await expect.poll(async () => (await rowsOf(panel)).length).toBe(5);

    // One Tab stop; arrows, Home, End, PageUp, PageDown move one selection, and the detail follows.
    const list = panel.getByRole('listbox');
    expect(await list.getAttribute('tabindex')).toBe('0');
    expect(await panel.locator('[role="option"][tabindex]').count()).toBe(0);
    const selectedUrl = () => panel.locator('[role="option"][aria-selected="true"]').getAttribute('data-url');
    const order = (await rowsOf(panel)).map((r) => r.url);
    // Rows come in the order the failures did; any row but the last will do.
    await row(order[0] ?? '').click();
    await expect(list).toBeFocused();
    await panel.keyboard.press('ArrowDown');
    expect(await selectedUrl()).toBe(order[1]);
    await panel.keyboard.press('End');
    expect(await selectedUrl()).toBe(order[order.length - 1]);
    await panel.keyboard.press('Home');
    expect(await selectedUrl()).toBe(order[0]);
    await panel.keyboard.press('PageDown');
    expect(await selectedUrl()).toBe(order[order.length - 1]);
    await panel.keyboard.press('PageUp');
    expect(await selectedUrl()).toBe(order[0]);
    await expect(panel.locator('[aria-selected="true"]')).toHaveCount(1);
    await expect(panel.getByTestId('detail')).toHaveAttribute('data-cors-error', chromium(order[0] ?? '') ?? '');
    await panel.keyboard.press('Tab');
    await expect(list).not.toBeFocused();

    // The filter: / and Ctrl+F focus it, prefixes and negation, "N of M", Escape clears.
    await list.focus();
    await panel.keyboard.press('/');
    const filter = panel.getByTestId('filter');
    await expect(filter).toBeFocused();
    const shownFor = async (q: string) => {
      await filter.fill(q);
      return { rows: (await rowsOf(panel)).map((r) => r.url), count: await panel.getByTestId('filter-count').textContent() };
    };
    expect(await shownFor('code:MethodDisallowed')).toEqual({ rows: [urls.put], count: '1 of 7' });
    expect(await shownFor('status:500')).toEqual({ rows: [urls.error], count: '1 of 7' });
    expect(await shownFor('method:PUT')).toEqual({ rows: [urls.put], count: '1 of 7' });
    expect((await shownFor('host:127.0.0.1')).count).toBe('7 of 7');
    expect((await shownFor('-code:MissingAllow')).rows.sort()).toEqual([urls.put, urls.creds, urls.rlo].sort());
    expect((await shownFor('x-request-id')).rows).toEqual([urls.put]);
    expect((await shownFor('credentials')).rows).toContain(urls.creds);
    // The selected row is hidden by this filter: no detail stays on screen for it.
    await shownFor('status:500');
    await expect(panel.getByTestId('detail')).toHaveCount(0);
    await panel.keyboard.press('Escape');
    await expect(filter).toHaveValue('');
    await list.focus();
    await panel.keyboard.press('Control+f');
    await expect(filter).toBeFocused();
    await expect.poll(async () => (await rowsOf(panel)).length).toBe(5);

    // The header rows are marked; the preflight and the request are shown as a pair.
    await row(urls.creds).click();
    const state = (name: string) => panel.locator(`[data-testid="finding"][data-header="${name}"]`).getAttribute('data-state');
    expect(await state('Access-Control-Allow-Credentials')).toBe('fault');
    expect(await state('Access-Control-Allow-Origin')).toBe('ok');
    expect(await state('Origin')).toBe('browser');
    await row(urls.put).click();
    await expect(panel.getByTestId('preflight')).toContainText('OPTIONS → HTTP 204');
    await expect(panel.getByTestId('request')).toContainText('never sent');
    expect(await state('Access-Control-Allow-Methods')).toBe('fault');
    await panel.getByTestId('jump-to-fix').click();
    await expect(panel.getByTestId('fix')).toBeInViewport();

    // Copy as cURL, replayed with curl against the test server: the answers, judged, give Chromium's verdict again.
    await panel.getByTestId('copy-curl').click();
    const putCurl = await clipboard(panel, page);
    expect(putCurl).toContain(`-H 'Origin: ${servers.pageOrigin}'`);
    const [preflightAnswer] = await curlAnswers(putCurl);
    const origin = servers.pageOrigin;
    const request = (method: string, url: string, include: boolean): Exchange['request'] => ({
      url,
      method,
      origin,
      mode: 'cors',
      credentials: { mode: include ? 'include' : 'same-origin', source: 'page' },
      initiator: 'fetch',
      headers: [],
    });
    const putReplay: Exchange = {
      request: { ...request('PUT', urls.put, false), headers: [{ name: 'x-request-id', value: 'wb-1' }] },
      hops: [
        {
          url: urls.put,
          originSent: origin,
          requestHeaders: null,
          preflight: {
            requestHeaders: [
              { name: 'Access-Control-Request-Method', value: 'PUT' },
              { name: 'Access-Control-Request-Headers', value: 'x-request-id' },
            ],
            response: preflightAnswer ?? null,
            error: null,
          },
          response: null,
        },
      ],
      error: 'net::ERR_FAILED',
    };
    expect(evaluate(putReplay, 'same-origin').status?.corsError).toBe(chromium(urls.put));
    await row(urls.creds).click();
    await panel.getByTestId('copy-curl').click();
    const [credsAnswer] = await curlAnswers(await clipboard(panel, page));
    const credsReplay: Exchange = {
      request: request('GET', urls.creds, true),
      hops: [{ url: urls.creds, originSent: origin, requestHeaders: [], preflight: null, response: credsAnswer ?? null }],
      error: 'net::ERR_FAILED',
    };
    expect(evaluate(credsReplay, 'include').status?.corsError).toBe(chromium(urls.creds));
    expect(servers.hits.filter((h) => h.url.includes('/t/profile') && h.origin === origin).length).toBeGreaterThanOrEqual(2);

    // Copy as fetch and the Markdown report.
    await panel.getByTestId('copy-fetch').click();
    const fetchText = await clipboard(panel, page);
    expect(fetchText).toContain(`await fetch(${JSON.stringify(urls.creds)}`);
    expect(fetchText).toContain("credentials: 'include'");
    await panel.getByTestId('copy-report').click();
    const report = await clipboard(panel, page);
    expect(report).toContain('`InvalidAllowCredentials`');
    expect(report).toContain((await panel.getByTestId('explanation').textContent()) ?? 'explanation');
    const snippet = (await panel.getByTestId('snippet-server').textContent()) ?? 'snippet';
    expect(report).toContain(snippet.split('\n')[0]);
    expect(report).toContain('### Fix (');

    // Right-click: the same share actions on any row.
    await row(urls.error).click({ button: 'right' });
    await panel.getByTestId('menu-copy-url').click();
    expect(await clipboard(panel, page)).toBe(urls.error);

    // What-if: the captured answers judged live; the suggested fix flips it to pass, and it passes in Chromium too.
    await row(urls.creds).click();
    await panel.getByTestId('what-if').click();
    const verdict = panel.getByTestId('what-if-verdict');
    await expect(verdict).toHaveAttribute('data-cors-error', 'InvalidAllowCredentials');
    await panel.getByTestId('what-if-response').fill(`Access-Control-Allow-Origin: ${origin}\nAccess-Control-Allow-Credentials: TRUE`);
    await expect(verdict).toHaveAttribute('data-cors-error', 'InvalidAllowCredentials');
    await expect(panel.getByTestId('what-if-console')).toContainText("is 'TRUE'");
    await panel.getByTestId('what-if-apply').click();
    await expect(verdict).toHaveAttribute('data-verdict', 'pass');
    await row(urls.put).click();
    await panel.getByTestId('what-if').click();
    await expect(verdict).toHaveAttribute('data-cors-error', 'MethodDisallowedByPreflightResponse');
    await panel.getByTestId('what-if-apply').click();
    await expect(verdict).toHaveAttribute('data-verdict', 'pass');
    const spec = (text: string) => Object.fromEntries(parseHeaders(text).headers.map((h) => [h.name, h.value]));
    const suggested = at(api, 'fixed', {
      p: spec(await panel.getByTestId('what-if-preflight').inputValue()),
      h: spec(await panel.getByTestId('what-if-response').inputValue()),
    });
    await runTriggers(page, [{ kind: 'fetch', url: suggested, method: 'PUT', headers: { 'x-request-id': 'wb-2' } }]);
    expect((await oracle.settle([suggested])).get(suggested)?.outcome).toEqual({ ok: true });

    // A U+202E in a header value: shown as a marker, and no text (the value's or the panel's own) is reversed.
    await row(urls.rlo).click();
    await expect(panel.getByTestId('console-message')).toContainText('\\u202E');
    expect(await panel.evaluate(() => /[\u202a-\u202e\u2066-\u2069]/.test(document.body.textContent ?? ''))).toBe(false);
    for (const sel of ['[data-testid="console-message"]', '[data-testid="explanation"]', '[data-testid="findings"]', '[role="listbox"]']) {
      const r = await reversedCharacters(panel, sel);
      expect(r.checked, sel).toBeGreaterThan(20);
      expect(r.reversed, sel).toBe(0);
    }
    await row(urls.creds).click();
    expect((await reversedCharacters(panel, 'body')).reversed).toBe(0);

    // Accessibility: axe-core finds no serious or critical violation, light and dark, with the what-if editor open.
    await panel.getByTestId('what-if').click();
    for (const scheme of ['light', 'dark'] as const) {
      await panel.emulateMedia({ colorScheme: scheme });
      const { violations } = await new AxeBuilder({ page: panel }).analyze();
      expect(
        violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${scheme} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
      ).toEqual([]);
    }

    // Export, then import: the same list, shown from the file; the worker's log is not touched.
    const before = await rowsOf(panel);
    const worker = await lens.worker();
    const stored = await storedRecords(worker, tabId);
    const [download] = await Promise.all([panel.waitForEvent('download'), panel.getByTestId('export').click()]);
    const file = await download.path();
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ format: 'cors-lens-log', version: 1, counts: { failures: 7 } });
    const viewer = await lens.openPanel(tabId, { group: true });
    const [chooser] = await Promise.all([viewer.waitForEvent('filechooser'), viewer.getByTestId('import').click()]);
    await chooser.setFiles(file);
    await expect(viewer.getByTestId('imported')).toBeVisible();
    expect(await rowsOf(viewer)).toEqual(before);
    expect(await storedRecords(worker, tabId)).toBe(stored);
    expect(await lens.badge(tabId)).toBe('7');
    // A broken file says what is wrong and changes nothing.
    const [again] = await Promise.all([viewer.waitForEvent('filechooser'), viewer.getByTestId('import').click()]);
    await again.setFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format":"cors-lens-log","version":1}'),
    });
    await expect(viewer.getByTestId('import-error')).toContainText('broken.json: Not a valid CORS Lens log: log.exportedAt');
    expect(await rowsOf(viewer)).toEqual(before);
    await viewer.close();
    await panel.close();
    await page.close();
  });

  test('preserve log: a time column, and a separator where each page load begins', async ({ lens, servers }) => {
    const { page, tabId } = await freshTab(lens, servers, 'preserve');
    const panel = await lens.openPanel(tabId, { group: true });
    // The box shows the worker's state, which comes back a moment after the click.
    await panel.getByTestId('preserve').click();
    await expect(panel.getByTestId('preserve')).toBeChecked();
    const fail = async (tag: string) => {
      const url = at(servers.crossSite, tag, { h: {} });
      await runTriggers(page, [{ kind: 'fetch', url }]);
      return url;
    };
    const first = await fail('load1');
    await expect(panel.locator('[role="option"]')).toHaveCount(1);
    await expect(panel.getByTestId('navigation')).toHaveCount(0);
    await page.goto(`${servers.pageOrigin}/preserve-second-${Date.now()}`);
    const second = await fail('load2');
    await expect(panel.locator('[role="option"]')).toHaveCount(2);
    const items = await panel
      .locator('[role="listbox"] > [data-testid="navigation"], [role="listbox"] > [role="option"]')
      .evaluateAll((els) => els.map((e) => (e.getAttribute('role') === 'option' ? e.getAttribute('data-url') : 'separator')));
    expect(items).toEqual([first, 'separator', second]);
    await expect(panel.locator('.list-head')).toContainText('Time');
    await expect(panel.locator('[role="option"]').first()).toContainText(/\d\d:\d\d:\d\d\.\d{3}/);
    await panel.getByTestId('preserve').click();
    await expect(panel.getByTestId('preserve')).not.toBeChecked();
    await panel.close();
    await page.close();
  });

  test('records the capture is adding: warnings shown apart and never counted, details missing, capture state', async ({ lens }) => {
    const record = (id: string, spec: Parameters<typeof exchange>[0]) => {
      const r = toRecord({ ...captured(exchange(spec)), recordId: id });
      if (!r) throw new Error('no record');
      return r;
    };
    const failure = record('f1', {});
    const passing = record('w1', {});
    const warning = {
      ...passing,
      kind: 'warning',
      exchange: exchange({ response: { headers: { 'access-control-allow-origin': 'https://app.example' } }, error: null }),
    };
    const noDetails = { ...record('m1', { url: 'https://api.example/v2/other' }), uncaptured: true };
    // A right-to-left override in a URL (an imported log can hold anything): the row draws it as a marker.
    const bidi = record('b1', { url: 'https://api.example/v2/\u202Eevil' });
    const summary = {
      tabId: 4242,
      documentId: null,
      pageUrl: 'https://app.example/',
      count: 2,
      lookalikes: 0,
      dropped: 0,
      preserve: false,
      generation: 0,
    };
    const page = await lens.context.newPage();
    // The worker's port, stood in for: a snapshot of constructed records, as the capture will send them.
    await page.addInitScript(
      ({ full, empty, hidden }) => {
        const query = new URLSearchParams(location.search);
        const snapshot = query.has('empty') ? empty : query.has('hidden') ? hidden : full;
        chrome.runtime.connect = (() => {
          const listeners: ((m: unknown) => void)[] = [];
          return {
            name: 'stub',
            onMessage: { addListener: (f: (m: unknown) => void) => listeners.push(f) },
            onDisconnect: { addListener: () => {} },
            disconnect: () => {},
            postMessage: () =>
              setTimeout(() => {
                for (const f of listeners) f({ type: 'snapshot', snapshot: snapshot.log, capture: snapshot.capture });
              }, 0),
          };
        }) as unknown as typeof chrome.runtime.connect;
      },
      {
        full: { log: { summary, records: [failure, warning, noDetails] }, capture: 'devtools' },
        empty: { log: { summary, records: [] }, capture: 'counting' },
        hidden: { log: { summary, records: [record('p1', { url: 'https://api.example/v2/plain' }), bidi] }, capture: 'devtools' },
      },
    );
    await page.goto(`chrome-extension://${lens.extensionId}/extension/panel/panel.html?tabId=4242&group=0`);
    await expect(page.getByTestId('warning-request')).toHaveCount(1);
    await expect(page.getByTestId('failure')).toHaveCount(2);
    await expect(page.getByTestId('count')).toHaveText('2 CORS failures');
    await expect(page.getByTestId('warning-count')).toHaveText(' · 1 warning');
    await page.getByTestId('filter').fill('kind:warning');
    await expect(page.locator('[role="option"]')).toHaveCount(1);
    await page.getByTestId('filter').fill('');
    await page.locator('[data-testid="failure"][data-url="https://api.example/v2/other"]').click();
    await expect(page.getByTestId('reload-with-details')).toHaveText('Reload the page with details captured');
    await page.goto(`chrome-extension://${lens.extensionId}/extension/panel/panel.html?tabId=4242&empty`);
    await expect(page.getByTestId('capture-state')).toHaveAttribute('data-active', 'false');
    await expect(page.getByTestId('reload-with-details')).toBeVisible();
    // Rows are written in place when the filter changes what they show: the marker comes and goes with the value.
    await page.goto(`chrome-extension://${lens.extensionId}/extension/panel/panel.html?tabId=4242&group=0&hidden`);
    const rows = page.locator('[role="option"]');
    const rawControls = () => rows.evaluateAll((els) => els.some((e) => /[\u202a-\u202e]/.test(e.textContent ?? '')));
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1).locator('abbr.ctl')).toHaveCount(1);
    expect(await rawControls()).toBe(false);
    await page.getByTestId('filter').fill('evil');
    await expect(rows).toHaveCount(1);
    await expect(rows.first().locator('abbr.ctl')).toHaveCount(1);
    expect(await rawControls()).toBe(false);
    await page.getByTestId('filter').fill('');
    await expect(rows).toHaveCount(2);
    await expect(rows.first().locator('abbr.ctl')).toHaveCount(0);
    await expect(rows.first().locator('.path')).toHaveText('/v2/plain');
    await page.close();
  });
});
