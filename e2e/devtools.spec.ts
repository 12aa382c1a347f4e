/**
 * The panel inside real DevTools (headless: --auto-open-devtools-for-tabs), one browser for the file, DevTools docked
 * right: the devtools page registers the "CORS" panel, the panel takes its tab from chrome.devtools.inspectedWindow,
 * and shows the inspected tab's failures with Chromium's verdicts; docked right (about 550 px) its split stacks, and
 * undocked it is side by side; keys typed into DevTools move the selection; DevTools' theme is followed live.
 */

import { PANEL_PAGE } from '../extension/paths.ts';
import { type Lens, launch } from '../test-support/browser/browser.ts';
import { type Call, runCalls, scenarioUrl } from '../test-support/browser/calls.ts';
import { CdpClient } from '../test-support/browser/cdp-client.ts';
import { attachOracle } from '../test-support/browser/oracle.ts';
import { detailsReady, expect, test } from './fixtures.ts';

interface PanelState {
  tabId: number | null;
  rows: { corsError: string; url: string }[];
}

let lens: Lens;
let cdp: CdpClient;
test.beforeAll(async () => {
  lens = await launch({ devtools: true, devtoolsPreferences: { currentDockState: '"right"' } });
  cdp = await CdpClient.connect(lens.debugPort as number);
});
test.afterAll(async () => {
  cdp.close();
  await lens.close();
});

/** Shows the CORS panel in every DevTools window (the panel's page loads when it is first shown). */
async function showPanels(): Promise<string[]> {
  const fronts: string[] = [];
  for (const t of (await cdp.targets()).filter((x) => x.url.startsWith('devtools://devtools/bundled/devtools_app.html'))) {
    const session = await cdp.attach(t.targetId);
    await cdp.evaluate(
      session,
      `import('devtools://devtools/bundled/ui/legacy/legacy.js').then((m) => m.InspectorView.InspectorView.instance().showPanel(${JSON.stringify(`chrome-extension://${lens.extensionId}CORS`)})).then(() => true, () => false)`,
    );
    fronts.push(session);
  }
  return fronts;
}

/** The DevTools window of the tab showing this URL (another tab's may linger after its tab closed). */
async function frontOf(pageUrl: string): Promise<{ session: string; targetId: string } | null> {
  for (const t of (await cdp.targets()).filter((x) => x.url.startsWith('devtools://devtools/bundled/devtools_app.html'))) {
    const session = await cdp.attach(t.targetId);
    const inspected = await cdp
      .evaluate<string>(
        session,
        `import('devtools://devtools/bundled/core/sdk/sdk.js').then((m) => m.TargetManager.TargetManager.instance().primaryPageTarget()?.inspectedURL() ?? '')`,
      )
      .catch(() => '');
    if (inspected === pageUrl) return { session, targetId: t.targetId };
  }
  return null;
}

test('the CORS panel in real DevTools shows the inspected tab and its failures', async ({ servers }) => {
  // DevTools loads each tab's front-end, and the panel's page when first shown: on a busy two-core machine, slowly.
  test.setTimeout(180_000);
  {
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
    // A panel renders once per frame, so not while its DevTools window is hidden: the inspected tab in front.
    await page.bringToFront();

    // Show the extension's panel in every DevTools window, then read the one inspecting our tab once both rows have
    // their details (a row shows the error alone, as Unknown, until DevTools' details are joined a moment later).
    let state: PanelState | null = null;
    let seen = 'no panel of this tab';
    try {
      await expect
        .poll(
          async () => {
            await showPanels();
            for (const t of (await cdp.targets()).filter((x) => x.url.includes(`${lens.extensionId}/${PANEL_PAGE}`))) {
              const session = await cdp.attach(t.targetId);
              const s = await cdp.evaluate<PanelState>(
                session,
                `({ tabId: chrome.devtools?.inspectedWindow?.tabId ?? null, rows: [...document.querySelectorAll('[data-testid="failure"]')].map((r) => ({ corsError: r.dataset.corsError, url: r.dataset.url })) })`,
              );
              if (s.tabId !== tabId) continue;
              seen = JSON.stringify(s.rows);
              if (s.rows.length === 2 && s.rows.every((r) => r.corsError !== 'Unknown')) state = s;
            }
            return state !== null;
          },
          // DevTools loads the panel's page when it is first shown; on a loaded two-core machine that takes a while.
          { timeout: 90_000 },
        )
        .toBe(true);
    } catch (error) {
      throw new Error(`the panel of tab ${tabId} did not list both failures with their details; last seen: ${seen}`, { cause: error });
    }
    const shown = state as PanelState | null;
    expect(shown?.tabId).toBe(tabId);
    for (const call of calls) {
      const outcome = verdicts.get(call.url)?.outcome;
      const row = shown?.rows.find((r) => r.url === call.url);
      if (outcome && !outcome.ok && outcome.corsError) expect(row?.corsError).toBe(outcome.corsError);
      else expect(row).toBeUndefined();
    }
    await page.close();
  }
});

interface Layout {
  tabId: number;
  width: number;
  direction: string;
  font: string;
  theme: string | null;
  rows: { url: string; code: string; count: string }[];
  selected: string | null;
}

const LAYOUT = `({
  tabId: chrome.devtools.inspectedWindow.tabId,
  width: innerWidth,
  direction: getComputedStyle(document.querySelector('.split')).flexDirection,
  font: getComputedStyle(document.querySelector('.row') ?? document.body).fontSize,
  theme: document.documentElement.dataset.theme ?? null,
  rows: [...document.querySelectorAll('[role="option"]')].map((r) => ({ url: r.dataset.url, code: r.dataset.corsError, count: r.dataset.count })),
  selected: document.querySelector('[role="option"][aria-selected="true"]')?.dataset.url ?? null,
})`;

test('docked right the split stacks, undocked it does not; keys typed in DevTools select; the theme follows DevTools', async ({
  servers,
}) => {
  test.setTimeout(180_000);
  const page = await lens.context.newPage();
  // The other tabs closed, so that DevTools shows this tab's window (a closed tab's DevTools window may linger).
  for (const other of lens.context.pages()) if (other !== page) await other.close();
  await page.goto(`${servers.pageOrigin}/docked-${Date.now()}`);
  // A tab the test framework does not list may remain (an extension page): DevTools docked in a background tab is
  // not shown, so this tab is brought to the front.
  await page.bringToFront();
  const tabId = await lens.tabIdOf(page);
  await detailsReady(lens, tabId);
  const oracle = await attachOracle(lens.context, page);
  // The panel shown before any request, so its tab's details are captured from the first one.
  const panelOfTab = async (): Promise<{ session: string; layout: Layout } | null> => {
    await page.bringToFront();
    await showPanels();
    for (const t of (await cdp.targets()).filter((x) => x.url.includes(`${lens.extensionId}/extension/panel/panel.html`))) {
      const session = await cdp.attach(t.targetId);
      const l = await cdp.evaluate<Layout>(session, LAYOUT).catch(() => null);
      if (l?.tabId === tabId) return { session, layout: l };
    }
    return null;
  };
  await expect.poll(async () => (await panelOfTab()) !== null, { timeout: 90_000 }).toBe(true);
  const path = (name: string) => scenarioUrl(servers.crossSite, { h: {} }, name).replace('/cors?', `/t/${name}?`);
  const calls: Call[] = [
    { api: 'fetch', credentials: false, url: path('twice') },
    { api: 'fetch', credentials: false, url: path('twice') },
    {
      api: 'fetch',
      credentials: true,
      url: scenarioUrl(servers.crossSite, { h: { 'access-control-allow-origin': '$ORIGIN' } }, 'dt-creds'),
    },
  ];
  await runCalls(page, calls);
  const verdicts = await oracle.settle(calls.map((c) => c.url));
  let panel = '';
  let layout: Layout | null = null;
  await expect
    .poll(
      async () => {
        const found = await panelOfTab();
        // Details may come a moment after the row (DevTools' network log reports a request when it has finished).
        // The panel applies messages while not shown, too: its layout is measured once DevTools shows it (width > 0).
        if (found?.layout.rows.length === 2 && found.layout.rows.every((r) => r.code !== 'Unknown') && found.layout.width > 0)
          [panel, layout] = [found.session, found.layout];
        return layout !== null;
      },
      { timeout: 90_000 },
    )
    .toBe(true);
  const ours = await frontOf(page.url());
  expect(ours, 'the DevTools window of this tab').not.toBeNull();
  const front = ours?.session ?? '';
  const docked = layout as Layout | null;
  // Docked right: narrow, stacked, 12px text, DevTools' light theme; the two identical failures are one row of 2.
  expect(docked?.width).toBeLessThan(640);
  expect(docked?.direction).toBe('column');
  expect(docked?.font).toBe('12px');
  expect(docked?.theme).toBe('light');
  expect(docked?.rows.find((r) => r.url.includes('/t/twice'))?.count).toBe('2');
  for (const r of docked?.rows ?? []) {
    const o = verdicts.get(r.url)?.outcome;
    expect(r.code).toBe(o && !o.ok ? o.corsError : 'none');
  }

  // Keys typed into DevTools (real input events, to the focused panel) move the selection.
  const press = async (key: string, code: number) => {
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key, code: key, windowsVirtualKeyCode: code }, front);
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key, code: key, windowsVirtualKeyCode: code }, front);
  };
  await cdp.evaluate(panel, `document.querySelector('[role="listbox"]').focus()`);
  const selected = async () => (await cdp.evaluate<Layout>(panel, LAYOUT)).selected;
  const urls = docked?.rows.map((r) => r.url) ?? [];
  await press('ArrowDown', 40);
  await expect.poll(selected).toBe(urls[0]);
  await press('End', 35);
  await expect.poll(selected).toBe(urls[urls.length - 1]);
  await press('Home', 36);
  await expect.poll(selected).toBe(urls[0]);

  // Undocked, in a wide window: side by side. DevTools switched to dark: the panel follows at once.
  await cdp.evaluate(
    front,
    `import('devtools://devtools/bundled/ui/legacy/legacy.js').then((m) => m.DockController.DockController.instance().setDockSide('undocked'))`,
  );
  // DevTools sizes its new window itself, a moment later: the wide bounds are set again until they hold.
  const wide = () =>
    expect
      .poll(async () => {
        const { windowId } = await cdp.send<{ windowId: number }>('Browser.getWindowForTarget', { targetId: ours?.targetId });
        await cdp.send('Browser.setWindowBounds', { windowId, bounds: { width: 1280, height: 800 } });
        const { direction, width } = await cdp.evaluate<Layout>(panel, LAYOUT);
        return { direction, wide: width > 640 };
      })
      .toEqual({ direction: 'row', wide: true });
  await wide();
  await cdp.evaluate(
    front,
    `import('devtools://devtools/bundled/core/common/common.js').then((m) => m.Settings.Settings.instance().moduleSetting('ui-theme').set('dark'))`,
  );
  await expect.poll(async () => (await cdp.evaluate<Layout>(panel, LAYOUT)).theme).toBe('dark');
  await wide();
  const undocked = await cdp.evaluate<Layout>(panel, LAYOUT);
  expect(undocked.width).toBeGreaterThan(640);
  expect(undocked.rows).toEqual(docked?.rows);
  await press('ArrowDown', 40);
  await expect.poll(selected).toBe(urls[1]);
  await page.close();
});
