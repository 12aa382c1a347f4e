/**
 * The panel inside real DevTools (headless: --auto-open-devtools-for-tabs): the devtools page registers the "CORS"
 * panel, the panel takes its tab from chrome.devtools.inspectedWindow, and shows the inspected tab's failures with
 * Chromium's verdicts. Also: a panel opened after the failures shows them all.
 */

import { PANEL_PAGE } from '../extension/paths.ts';
import { launch } from '../test-support/browser/browser.ts';
import { type Call, runCalls, scenarioUrl } from '../test-support/browser/calls.ts';
import { CdpClient } from '../test-support/browser/cdp-client.ts';
import { attachOracle } from '../test-support/browser/oracle.ts';
import { detailsReady, expect, test } from './fixtures.ts';

interface PanelState {
  tabId: number | null;
  rows: { corsError: string; url: string }[];
}

test('the CORS panel in real DevTools shows the inspected tab and its failures', async ({ servers }) => {
  const lens = await launch({ devtools: true });
  const cdp = await CdpClient.connect(lens.debugPort as number);
  try {
    const page = await lens.context.newPage();
    await page.goto(`${servers.pageOrigin}/inspected-${Date.now()}`);
    const tabId = await lens.tabIdOf(page);
    await detailsReady(lens, tabId);
    const oracle = await attachOracle(lens.context, page);
    const calls: Call[] = [
      {
        api: 'fetch',
        credentials: true,
        url: scenarioUrl(servers.crossSite, { h: { 'access-control-allow-origin': '$ORIGIN' } }, 'dt-acac'),
      },
      { api: 'fetch', credentials: false, url: scenarioUrl(servers.crossSite, { h: {} }, 'dt-missing') },
      { api: 'fetch', credentials: false, url: scenarioUrl(servers.crossSite, { h: { 'access-control-allow-origin': '*' } }, 'dt-pass') },
    ];
    await runCalls(page, calls);
    const verdicts = await oracle.settle(calls.map((c) => c.url));

    // Show the extension's panel in every DevTools window, then read the one inspecting our tab.
    const panelId = `chrome-extension://${lens.extensionId}CORS`;
    let state: PanelState | null = null;
    await expect
      .poll(
        async () => {
          for (const t of (await cdp.targets()).filter((x) => x.url.startsWith('devtools://devtools/bundled/devtools_app.html'))) {
            const session = await cdp.attach(t.targetId);
            await cdp.evaluate(
              session,
              `import('devtools://devtools/bundled/ui/legacy/legacy.js').then((m) => m.InspectorView.InspectorView.instance().showPanel(${JSON.stringify(panelId)})).then(() => true, () => false)`,
            );
          }
          for (const t of (await cdp.targets()).filter((x) => x.url.includes(`${lens.extensionId}/${PANEL_PAGE}`))) {
            const session = await cdp.attach(t.targetId);
            const s = await cdp.evaluate<PanelState>(
              session,
              `({ tabId: chrome.devtools?.inspectedWindow?.tabId ?? null, rows: [...document.querySelectorAll('[data-testid="failure"]')].map((r) => ({ corsError: r.dataset.corsError, url: r.dataset.url })) })`,
            );
            if (s.tabId === tabId && s.rows.length === 2) state = s;
          }
          return state !== null;
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    const shown = state as PanelState | null;
    expect(shown?.tabId).toBe(tabId);
    for (const call of calls) {
      const outcome = verdicts.get(call.url)?.outcome;
      const row = shown?.rows.find((r) => r.url === call.url);
      if (outcome && !outcome.ok && outcome.corsError) expect(row?.corsError).toBe(outcome.corsError);
      else expect(row).toBeUndefined();
    }
  } finally {
    cdp.close();
    await lens.close();
  }
});
