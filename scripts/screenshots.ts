/**
 * `npm run screenshots`: the README's pictures of the panel, from the demo (docs/panel-*.png): the panel as a page
 * in the light and the dark theme, and inside real DevTools docked right (about 550 px wide, where the split stacks).
 * Headless Chromium with the built extension; run `npm run build` first (the npm script does).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { launch } from '../test-support/browser/browser.ts';
import { CdpClient } from '../test-support/browser/cdp-client.ts';
import { startServers } from '../test-support/servers/cors-server.ts';

const OUT = path.resolve('docs');
/** The failure shown selected: the preflighted PUT, whose detail has the most to show. */
const SELECTED = '/api/orders';

/**
 * The demo's tab, on a blank page first: `before` opens the panel on it (details are captured while the panel is
 * open), then the demo loads and makes its calls.
 */
async function demoTab(
  lens: Awaited<ReturnType<typeof launch>>,
  pageOrigin: string,
  before: (tabId: number) => Promise<void>,
): Promise<Page> {
  const page = await lens.context.newPage();
  // Only the demo tab (and so one DevTools window) stays open.
  for (const other of lens.context.pages()) if (other !== page) await other.close();
  await page.goto(`${pageOrigin}/blank`);
  await before(await lens.tabIdOf(page));
  await page.goto(`${pageOrigin}/`);
  await page.evaluate(() => (window as unknown as { demoDone: Promise<unknown> }).demoDone);
  return page;
}

async function asPage(dark: boolean): Promise<void> {
  const servers = await startServers();
  const lens = await launch({ thirdPartyCookies: 'allow' });
  try {
    let panel: Page | null = null;
    await demoTab(lens, servers.pageOrigin, async (tabId) => {
      panel = await lens.openPanel(tabId, { group: true });
    });
    if (!panel) throw new Error('no panel');
    panel = panel as Page;
    await panel.bringToFront();
    await panel.setViewportSize({ width: 1280, height: 760 });
    await panel.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
    await panel.locator(`[data-testid="failure"][data-url*="${SELECTED}"]`).click();
    await panel.getByTestId('detail-title').waitFor();
    await panel.screenshot({ path: path.join(OUT, dark ? 'panel-dark.png' : 'panel-light.png') });
  } finally {
    await lens.close();
    await servers.close();
  }
}

async function dockedRight(): Promise<void> {
  const servers = await startServers();
  const lens = await launch({ devtools: true, thirdPartyCookies: 'allow', devtoolsPreferences: { currentDockState: '"right"' } });
  const cdp = await CdpClient.connect(lens.debugPort as number);
  try {
    const panelId = JSON.stringify(`chrome-extension://${lens.extensionId}CORS`);
    const showPanel = async () => {
      for (const t of (await cdp.targets()).filter((x) => x.url.startsWith('devtools://devtools/bundled/devtools_app.html'))) {
        await cdp.evaluate(
          await cdp.attach(t.targetId),
          `import('devtools://devtools/bundled/ui/legacy/legacy.js').then((m) => m.InspectorView.InspectorView.instance().showPanel(${panelId})).then(() => true, () => false)`,
        );
      }
    };
    await demoTab(lens, servers.pageOrigin, async () => {
      for (let i = 0; i < 60 && !(await cdp.targets()).some((x) => x.url.includes('/extension/panel/panel.html')); i++) {
        await showPanel();
        await new Promise((r) => setTimeout(r, 500));
      }
    });
    for (let attempt = 0; attempt < 60; attempt++) {
      for (const t of (await cdp.targets()).filter((x) => x.url.startsWith('devtools://devtools/bundled/devtools_app.html'))) {
        const front = await cdp.attach(t.targetId);
        await cdp.evaluate(
          front,
          `import('devtools://devtools/bundled/ui/legacy/legacy.js').then((m) => m.InspectorView.InspectorView.instance().showPanel(${panelId})).then(() => true, () => false)`,
        );
        for (const p of (await cdp.targets()).filter((x) => x.url.includes(`${lens.extensionId}/extension/panel/panel.html`))) {
          const panel = await cdp.attach(p.targetId);
          const width = await cdp.evaluate<number>(
            panel,
            `(() => { const row = document.querySelector('[data-testid="failure"][data-url*="${SELECTED}"]'); if (!row) return 0; row.click(); return innerWidth; })()`,
          );
          if (width === 0) continue;
          await new Promise((r) => setTimeout(r, 300));
          const size = await cdp.evaluate<{ w: number; h: number }>(front, '({ w: innerWidth, h: innerHeight })');
          const shot = await cdp.send<{ data: string }>(
            'Page.captureScreenshot',
            { clip: { x: size.w - width - 2, y: 0, width: width + 2, height: size.h, scale: 1 } },
            front,
          );
          fs.writeFileSync(path.join(OUT, 'panel-docked-right.png'), Buffer.from(shot.data, 'base64'));
          return;
        }
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error('the CORS panel did not show in DevTools');
  } finally {
    cdp.close();
    await lens.close();
    await servers.close();
  }
}

fs.mkdirSync(OUT, { recursive: true });
await asPage(false);
await asPage(true);
await dockedRight();
console.log(`Screenshots written to ${path.relative(process.cwd(), OUT)}/panel-light.png, panel-dark.png, panel-docked-right.png`);
