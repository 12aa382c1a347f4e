/**
 * `npm start`: the built extension on a live demo. Starts the two-origin demo (a page and an API that reproduce the
 * seed failure and its neighbours) and opens Chromium with the extension and DevTools on the CORS panel. Without a
 * display (or with --headless) it runs the same demo headless, DevTools open as a developer would have it, and prints
 * every failure the extension recorded.
 *
 * Options: --headless, --headed, --port=<page port> (the API uses the next one). CHROMIUM_PATH overrides the browser.
 */
import { execFileSync } from 'node:child_process';
import { PANEL_PAGE } from '../extension/paths.ts';
import { type FailureRecord, parseRecordJson, recordDiagnosis } from '../src/capture/records.ts';
import type { TabSummary } from '../src/capture/tab-log.ts';
import { suggestFixes } from '../src/fix/index.ts';
import { CHROMIUM_PATH, launch } from '../test-support/browser/browser.ts';
import { CdpClient } from '../test-support/browser/cdp-client.ts';
import { startServers } from '../test-support/servers/cors-server.ts';

const args = new Set(process.argv.slice(2));
const portArg = process.argv.find((a) => a.startsWith('--port='));
const headless = args.has('--headless') || (!args.has('--headed') && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY);

async function serversOn(port: number) {
  try {
    return await startServers({ pagePort: port, apiPort: port + 1 });
  } catch {
    // Ports taken: any free pair will do.
    return await startServers();
  }
}

function chromiumVersion(): string {
  try {
    return execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return `no browser at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`;
  }
}

function indent(text: string, by = '      '): string {
  return text
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

function print(records: readonly FailureRecord[], summary: TabSummary | undefined, badge: string): void {
  const cors = records.filter((r) => r.kind === 'cors');
  console.log(`\n${cors.length} CORS failures recorded on the demo tab (toolbar badge: '${badge}')\n`);
  cors.forEach((r, i) => {
    const d = recordDiagnosis(r);
    console.log(`${i + 1}. ${r.exchange.request.method} ${r.exchange.request.url}`);
    console.log(`   ${d.title}`);
    if (d.status)
      console.log(
        `   Chromium: ${d.status.corsError}${d.status.failedParameter ? ` (failedParameter '${d.status.failedParameter}')` : ''}`,
      );
    if (d.consoleMessage) console.log(`   Console:  ${d.consoleMessage}`);
    if (d.firefox) console.log(`   Firefox:  ${d.firefox.text}  ${d.firefox.mdnUrl}`);
    console.log(`   Why:      ${d.explanation}`);
    for (const h of d.headers) {
      console.log(
        `   ${h.name} (${h.where}): received ${h.received.length ? h.received.map((v) => `'${v}'`).join(', ') : '(absent)'}; needed ${h.needed}`,
      );
    }
    const fixes = suggestFixes(r.exchange, d);
    const express = fixes.server.find((f) => f.stack === 'express');
    if (express) console.log(`   Fix (${express.label}):\n${indent(express.code)}`);
    const client = fixes.client.find((c) => c.id !== 'dev-proxy');
    if (client) console.log(`   Or in the page (${client.label}):\n${indent(client.code)}`);
    console.log('');
  });
  if (summary && summary.dropped > 0) console.log(`${summary.dropped} older failures were dropped (per-tab limit).`);
}

async function main(): Promise<void> {
  const servers = await serversOn(Number(portArg?.slice('--port='.length) ?? 8801));
  console.log(`CORS Lens demo: page ${servers.pageOrigin}, API ${servers.crossSite} (cross-site) and ${servers.sameSite} (same-site)`);
  console.log(`${chromiumVersion()}, extension from dist/ (${headless ? 'headless' : 'headed'})`);
  // DevTools on the demo tab, as a developer has it: CORS Lens then reads every failure's details from its network log.
  const lens = await launch({ headless, devtools: true, debugPort: true, thirdPartyCookies: 'allow' });
  const page = await lens.context.newPage();
  await page.goto(`${servers.pageOrigin}/`);
  const tabId = await lens.tabIdOf(page);
  // DevTools records only once it has loaded: wait for it, then load the demo again so its calls are seen in full.
  for (let i = 0; i < 600 && (await lens.captureState(tabId)) !== 'devtools'; i++) await page.waitForTimeout(100);
  await page.reload();
  await page.evaluate(() => (window as unknown as { demoDone: Promise<unknown> }).demoDone);

  if (headless) {
    const worker = await lens.worker();
    // Wait until the log holds what the page's calls produced (writes are batched).
    let snapshot: Record<string, unknown> = {};
    let records: FailureRecord[] = [];
    for (let i = 0; i < 150; i++) {
      snapshot = await worker.evaluate(() => chrome.storage.session.get(null));
      // Each record is stored as it happens (the summary's counts are recounted from them on a restart).
      records = Object.entries(snapshot)
        .filter(([k]) => k.startsWith(`rec:${tabId}:`))
        .map(([, v]) => (typeof v === 'string' ? parseRecordJson(v) : v) as FailureRecord)
        .sort((a, b) => a.time - b.time);
      const cors = records.filter((r) => r.kind === 'cors');
      if (cors.length >= 9 && cors.every((r) => !r.uncaptured)) break;
      await page.waitForTimeout(100);
    }
    const summary = snapshot[`tab:${tabId}`] as TabSummary | undefined;
    print(records, summary, await lens.badge(tabId));
    console.log('Run `npm start -- --headed` on a machine with a display to browse the demo with the CORS panel open.');
    await lens.close();
    await servers.close();
    return;
  }

  // Headed: bring the CORS panel to the front in the demo tab's DevTools.
  try {
    const cdp = await CdpClient.connect(lens.debugPort as number);
    for (const t of (await cdp.targets()).filter((x) => x.url.startsWith('devtools://devtools/bundled/devtools_app.html'))) {
      const session = await cdp.attach(t.targetId);
      await cdp
        .evaluate(
          session,
          `import('devtools://devtools/bundled/ui/legacy/legacy.js').then((m) => m.InspectorView.InspectorView.instance().showPanel(${JSON.stringify(`chrome-extension://${lens.extensionId}CORS`)}))`,
        )
        .catch(() => undefined);
    }
    cdp.close();
  } catch {
    console.log('Open DevTools (F12) and choose the CORS panel.');
  }
  console.log(`Demo running. Panel as a page: chrome-extension://${lens.extensionId}/${PANEL_PAGE}?tabId=${tabId}`);
  console.log('Close the browser window or press Ctrl+C to stop.');
  const stop = async () => {
    await lens.close().catch(() => undefined);
    await servers.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  lens.context.on('close', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
