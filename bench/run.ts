/**
 * `npm run bench`: what CORS Lens costs, measured on real Chromium, printed as one table.
 *
 * - burst overhead: 2,000 cross-origin fetches (half failing CORS, 50 in flight), settle time relative to the same
 *   browser without any extension, for a do-nothing extension with the same permissions (the floor), one with the
 *   detailed capture's listeners doing nothing (that design's floor), CORS Lens with DevTools closed, with its panel
 *   open on the tab, and on a development origin; interleaved over rounds, median and spread;
 * - a realistic page (about 150 requests, a few failing) load time ratio;
 * - failure-to-row latency in an open panel (p50, p95);
 * - service-worker heap and chrome.storage.session bytes after 100,000 requests on one tab;
 * - panel render time for 10,000 rows and for one filter keystroke;
 * - core diagnoses per second; built bundle sizes (gzip).
 *
 * Options: --rounds=N (default 5), --only=burst,page,latency,soak,panel,core,size, --requests=N for the soak.
 * Results also go to bench/results/<date>.json.
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_PATH, EXTENSION_DIR } from '../test-support/browser/browser.ts';
import { startServers } from '../test-support/servers/cors-server.ts';
import { coreThroughput } from './core.ts';
import {
  type Browser,
  burst,
  type Config,
  freshPage,
  importGraph,
  noopExtension,
  ORDINARY,
  openBrowser,
  type Stats,
  sizes,
  stats,
  workerHeap,
} from './lib.ts';
import { panelRender } from './panel-render.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const ROUNDS = Number(arg('rounds') ?? 5);
const ONLY = new Set((arg('only') ?? 'burst,page,latency,soak,panel,core,size').split(','));
const SOAK_REQUESTS = Number(arg('requests') ?? 100_000);

interface Row {
  readonly measure: string;
  readonly value: string;
  readonly target: string;
  readonly ok: boolean | null;
}
const rows: Row[] = [];
const raw: Record<string, unknown> = {};

function row(measure: string, value: string, target = '', ok: boolean | null = null): void {
  rows.push({ measure, value, target, ok });
  console.log(`  ${measure}: ${value}${target ? ` (target ${target})` : ''}`);
}

const fmtRatio = (s: Stats) => `${s.median.toFixed(2)}x (${s.min.toFixed(2)}-${s.max.toFixed(2)})`;

async function main(): Promise<void> {
  const machine = `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  let chromium = '';
  try {
    chromium = execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    chromium = CHROMIUM_PATH;
  }
  console.log(`CORS Lens benchmark: ${chromium}; ${machine}; ${ROUNDS} rounds`);
  const servers = await startServers();
  const floors = { noop: noopExtension(), listeners: noopExtension(true) };
  // Every configuration loads an ordinary site (shop.example calling api.example), except 'lens-dev', the same on
  // localhost: a development origin, where CORS Lens arms detailed capture without its panel.
  const configs: Config[] = ['none', 'noop', 'listeners', 'lens', 'lens+panel', 'lens-dev'];
  const pageOrigin = (c: Config) => (c === 'lens-dev' ? servers.pageOrigin : `http://${ORDINARY.page}:${servers.pagePort}`);
  const apiOrigin = (c: Config) => (c === 'lens-dev' ? servers.crossSite : `http://${ORDINARY.api}:${servers.apiPort}`);
  const browsers = new Map<Config, Browser>();
  const needBrowsers = ['burst', 'page', 'latency', 'soak'].some((s) => ONLY.has(s));
  if (needBrowsers) for (const c of configs) browsers.set(c, await openBrowser(c, floors));
  const get = (c: Config) => browsers.get(c) as Browser;

  if (ONLY.has('burst')) {
    console.log('burst: 2,000 cross-origin fetches, half failing, 50 in flight');
    const times = new Map<Config, number[]>(configs.map((c) => [c, []]));
    for (const b of browsers.values()) {
      await freshPage(b, `${pageOrigin(b.config)}/bench-warmup`);
      await burst(b.page, apiOrigin(b.config), 200, 50, 'warm');
    }
    for (let r = 0; r < ROUNDS; r++) {
      // Interleaved, and the order rotates each round, so drift and warm-up hit every configuration alike.
      const order = configs.map((_, i) => configs[(i + r) % configs.length] as Config);
      for (const c of order) {
        const b = get(c);
        await freshPage(b, `${pageOrigin(c)}/bench-burst-${r}`);
        times.get(c)?.push(await burst(b.page, apiOrigin(c), 2000, 50, `r${r}${c}`));
      }
    }
    const base = times.get('none') as number[];
    const ratio = (c: Config) => stats((times.get(c) as number[]).map((t, i) => t / (base[i] as number)));
    raw.burst = Object.fromEntries(times);
    row('burst, no extension', `${stats(base).median.toFixed(0)} ms (${stats(base).min.toFixed(0)}-${stats(base).max.toFixed(0)})`);
    row('burst, do-nothing extension (floor)', fmtRatio(ratio('noop')));
    row('burst, empty listeners of the detailed capture, no work (its floor)', fmtRatio(ratio('listeners')));
    const closed = ratio('lens');
    row('burst, CORS Lens, DevTools closed', fmtRatio(closed), '<= 1.3x', closed.median <= 1.3);
    const open = ratio('lens+panel');
    row('burst, CORS Lens, panel open', fmtRatio(open), '<= 1.6x', open.median <= 1.6);
    row('burst, CORS Lens, development origin (armed, DevTools closed)', fmtRatio(ratio('lens-dev')));
  }

  if (ONLY.has('page')) {
    console.log('realistic page: ~150 requests (scripts, styles, images, fonts, API calls, 4 failing)');
    const times = new Map<Config, number[]>(configs.map((c) => [c, []]));
    // The panel subscribed to the tab, also when the burst did not run first.
    for (const b of browsers.values()) if (b.config === 'lens+panel' && !b.panel) await freshPage(b, `${pageOrigin(b.config)}/bench-page`);
    // A page load is short and noisy: four loads per configuration and round.
    for (let r = 0; r < ROUNDS * 4; r++) {
      const order = configs.map((_, i) => configs[(i + r) % configs.length] as Config);
      for (const c of order) {
        const b = get(c);
        await b.page.goto(`${pageOrigin(c)}/realistic?tag=r${r}${c.replace('+', '')}&api=${encodeURIComponent(apiOrigin(c))}`);
        times.get(c)?.push((await b.page.evaluate('window.pageDone')) as number);
      }
    }
    const base = times.get('none') as number[];
    const ratio = (c: Config) => stats((times.get(c) as number[]).map((t, i) => t / (base[i] as number)));
    raw.page = Object.fromEntries(times);
    row('realistic page, no extension', `${stats(base).median.toFixed(0)} ms`);
    row('realistic page, do-nothing extension', fmtRatio(ratio('noop')));
    row('realistic page, empty listeners of the detailed capture', fmtRatio(ratio('listeners')));
    const lens = ratio('lens');
    row('realistic page, CORS Lens', fmtRatio(lens), '<= 1.05x', lens.median <= 1.05);
    row('realistic page, CORS Lens, panel open', fmtRatio(ratio('lens+panel')));
    row('realistic page, CORS Lens, development origin', fmtRatio(ratio('lens-dev')));
  }

  if (ONLY.has('latency')) {
    console.log('failure-to-row latency: 100 sequential failures, panel open');
    const b = get('lens+panel');
    await freshPage(b, `${pageOrigin('lens+panel')}/bench-latency`);
    const panel = b.panel;
    if (panel) {
      // The panel in view, as when someone watches it (a hidden panel renders only when shown again).
      await panel.bringToFront();
      // Functions, not strings: the extension page's CSP forbids eval.
      await panel.evaluate(() => {
        const w = window as unknown as { rowTimes: Record<string, number> };
        w.rowTimes = {};
        new MutationObserver(() => {
          for (const r of document.querySelectorAll('[data-testid="failure"]')) {
            const u = r.getAttribute('data-url');
            if (u && !(u in w.rowTimes)) w.rowTimes[u] = Date.now();
          }
        }).observe(document.body, { childList: true, subtree: true });
      });
      const sent: Record<string, number> = {};
      for (let i = 0; i < 100; i++) {
        const url = `${apiOrigin('lens+panel')}/cors?latency=${i}`;
        sent[url] = (await b.page.evaluate(
          `(() => { const t = Date.now(); fetch(${JSON.stringify(url)}).catch(() => null); return t; })()`,
        )) as number;
        await panel.waitForFunction((u) => (window as unknown as { rowTimes: Record<string, number> }).rowTimes[u] !== undefined, url, {
          timeout: 10_000,
        });
      }
      const seen = await panel.evaluate(() => (window as unknown as { rowTimes: Record<string, number> }).rowTimes);
      const lat = stats(Object.keys(sent).map((u) => (seen[u] as number) - (sent[u] as number)));
      raw.latency = lat;
      row('failure to row, p50', `${lat.median.toFixed(0)} ms`);
      row('failure to row, p95', `${lat.p95.toFixed(0)} ms`, '< 100 ms', lat.p95 < 100);
    }
  }

  if (ONLY.has('soak')) {
    console.log(`soak: ${SOAK_REQUESTS.toLocaleString('en')} requests on one tab (1 in 10 failing), development origin (armed)`);
    const b = get('lens-dev');
    await freshPage(b, `${pageOrigin('lens-dev')}/bench-soak`);
    const heapBefore = await workerHeap(b.lens);
    const heaps: number[] = [];
    const chunk = 10_000;
    for (let done = 0; done < SOAK_REQUESTS; done += chunk) {
      await b.page.evaluate(
        `(async () => {
          const api = ${JSON.stringify(apiOrigin('lens-dev'))}, from = ${done}, n = ${Math.min(chunk, SOAK_REQUESTS - done)};
          const star = encodeURIComponent(JSON.stringify({ 'access-control-allow-origin': '*' }));
          let next = 0;
          const lane = async () => { while (next < n) { const i = from + next++; await fetch(api + '/cors?soak=' + i + (i % 10 ? '&h=' + star : '')).then((r) => r.text(), () => null); } };
          await Promise.all(Array.from({ length: 50 }, lane));
        })()`,
      );
      heaps.push(await workerHeap(b.lens));
    }
    const worker = await b.lens.worker();
    const bytes = (await worker.evaluate(() => chrome.storage.session.getBytesInUse(null))) as number;
    const quota = (await worker.evaluate(() => chrome.storage.session.QUOTA_BYTES)) as number;
    raw.soak = { heapBefore, heaps, bytes, quota };
    const maxHeap = Math.max(...heaps);
    row(
      'worker heap before / after soak (max)',
      `${(heapBefore / 1e6).toFixed(1)} MB / ${(maxHeap / 1e6).toFixed(1)} MB`,
      '< 30 MB',
      maxHeap < 30e6,
    );
    row('worker heap per 10k requests', heaps.map((h) => (h / 1e6).toFixed(1)).join(' '));
    row('storage.session bytes after soak', `${(bytes / 1e6).toFixed(2)} MB of ${(quota / 1e6).toFixed(2)} MB`, '< quota', bytes < quota);
  }

  for (const b of browsers.values()) await b.lens.close();
  await servers.close();

  if (ONLY.has('panel')) {
    console.log('panel: 10,000 rows, one filter keystroke');
    const p = await panelRender();
    raw.panel = p;
    row(
      'panel render, 10,000 rows',
      `${p.render.median.toFixed(1)} ms (${p.render.min.toFixed(1)}-${p.render.max.toFixed(1)})`,
      '< 50 ms',
      p.render.median < 50,
    );
    row(
      'panel filter index, 10,000 rows (in the background, after the render)',
      `${p.index.median.toFixed(0)} ms (${p.index.min.toFixed(0)}-${p.index.max.toFixed(0)})`,
      '',
      null,
    );
    row(
      'panel filter keystroke',
      `${p.filter.median.toFixed(1)} ms (${p.filter.min.toFixed(1)}-${p.filter.max.toFixed(1)})`,
      '< 8 ms',
      p.filter.median < 8,
    );
  }

  if (ONLY.has('core')) {
    console.log('core: diagnoses per second, conformance corpus mix');
    const c = coreThroughput();
    raw.core = c;
    row('core diagnoses per second', `${Math.round(c.perSecond).toLocaleString('en')} (${c.scenarios} scenarios, judge + words)`);
    row('core verdicts per second', `${Math.round(c.verdictsPerSecond).toLocaleString('en')} (judge only)`);
  }

  if (ONLY.has('size')) {
    const dist = EXTENSION_DIR;
    const loader = path.join(dist, 'service-worker-loader.js');
    const panelHtml = fs.readFileSync(path.join(dist, 'extension/panel/panel.html'), 'utf8');
    const panelEntries = [...panelHtml.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) =>
      path.join(dist, (m[1] as string).replace(/^\//, '')),
    );
    const panelFiles = new Set<string>();
    for (const e of panelEntries) importGraph(e, panelFiles);
    const sw = sizes(importGraph(loader));
    const panel = sizes(panelFiles);
    const relay = sizes([path.join(dist, 'extension/content/relay.iife.js')]);
    const hook = sizes([path.join(dist, 'extension/content/page-hook.iife.js')]);
    raw.size = { sw, panel, relay, hook };
    const kb = (s: { raw: number; gzip: number }) => `${(s.gzip / 1024).toFixed(1)} KB gzip (${(s.raw / 1024).toFixed(1)} KB)`;
    row('bundle: service worker', kb(sw));
    row('bundle: panel (JS + CSS)', kb(panel));
    row('bundle: page relay (isolated world)', kb(relay));
    row('bundle: page hook (main world)', kb(hook));
  }

  printTable(chromium, machine);
  const out = path.resolve('bench/results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    JSON.stringify({ chromium, machine, rows, raw }, null, 2),
  );
}

function printTable(chromium: string, machine: string): void {
  const w1 = Math.max(...rows.map((r) => r.measure.length), 7);
  const w2 = Math.max(...rows.map((r) => r.value.length), 5);
  const w3 = Math.max(...rows.map((r) => r.target.length), 6);
  console.log(`\n${chromium}; ${machine}\n`);
  console.log(`| ${'measure'.padEnd(w1)} | ${'value'.padEnd(w2)} | ${'target'.padEnd(w3)} | met |`);
  console.log(`|${'-'.repeat(w1 + 2)}|${'-'.repeat(w2 + 2)}|${'-'.repeat(w3 + 2)}|-----|`);
  for (const r of rows) {
    console.log(
      `| ${r.measure.padEnd(w1)} | ${r.value.padEnd(w2)} | ${r.target.padEnd(w3)} | ${r.ok === null ? '   ' : r.ok ? 'yes' : 'NO '} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
