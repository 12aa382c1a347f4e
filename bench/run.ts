/**
 * `npm run bench`: what CORS Lens costs, measured on real Chromium, printed as one table.
 *
 * - cost (cost.ts): a burst of 2,000 cross-site fetches (half failing) and 50 single fetches, in pages driven over a
 *   bare CDP socket, fresh profile per configuration and round, interleaved: no extension, a do-nothing extension
 *   with the same permissions, one empty onErrorOccurred (CORS Lens's floor: it keeps one such listener), CORS Lens;
 *   on an ordinary site and on localhost; with DevTools open (no extension, the floors of reading DevTools' log and
 *   of showing an empty extension panel, CORS Lens, its panel shown); with detailed capture turned on for the site.
 *   `--compare=DIR` adds another build (an earlier CORS Lens) as rows.
 * - paired (paired.ts): the target rows again, CORS Lens and its baseline in two browsers launched once, taking
 *   turns (`--pairs=N`, default 8; twice that with DevTools closed): ratios this noisy machine can resolve; also
 *   DevTools open on a page where nothing fails (CORS Lens reads DevTools' log only after a failure or while its
 *   panel is shown); and the floors of the panel-shown target against DevTools alone (an empty extension panel
 *   shown, with and without DevTools' log read);
 * - failure to row (and to its details) in the CORS panel shown in real DevTools, p50 and p95;
 * - service-worker heap and chrome.storage.session bytes after 100,000 requests on a site with detailed capture on;
 * - panel render time for 10,000 rows and for one filter keystroke; core diagnoses per second; bundle sizes (gzip).
 *
 * Options: --rounds=N (default 5), --only=cost,paired,latency,soak,panel,core,size, --pairs=N, --requests=N for the soak,
 * --configs=id,... to measure only some cost configurations.
 * Results also go to bench/results/<date>.json.
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PANEL_PAGE } from '../extension/paths.ts';
import { CHROMIUM_PATH, EXTENSION_DIR } from '../test-support/browser/browser.ts';
import { startServers } from '../test-support/servers/cors-server.ts';
import { BareBrowser, sleep } from './bare.ts';
import { coreThroughput } from './core.ts';
import {
  type Config,
  type CostResult,
  type Extension,
  FLOOR_LABELS,
  floorExtension,
  HOST_RULES,
  measure,
  origins,
  ratioStats,
  type Servers,
  untilPainted,
} from './cost.ts';
import { importGraph, type Stats, sizes, stats } from './lib.ts';
import { type PairedOptions, pairedRun } from './paired.ts';
import { panelRender } from './panel-render.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const ROUNDS = Number(arg('rounds') ?? 5);
const ONLY = new Set((arg('only') ?? 'cost,paired,latency,soak,panel,core,size').split(','));
/** Pairs per paired measurement (paired.ts). */
const PAIRS = Number(arg('pairs') ?? 8);
const SOAK_REQUESTS = Number(arg('requests') ?? 100_000);
const COMPARE = arg('compare');
/** --configs=id,id: only these cost configurations (the ids of CONFIGS), for a quick look at a few rows. */
const ONLY_CONFIGS = arg('configs')?.split(',');

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
const fmtMs = (s: Stats) => `${s.median.toFixed(0)} ms (${s.min.toFixed(0)}-${s.max.toFixed(0)})`;

const ALL_CONFIGS: Config[] = [
  { id: 'none', label: 'ordinary site, no extension', extension: 'none', origin: 'ordinary', devtools: 'closed' },
  { id: 'noop', label: 'ordinary site, do-nothing extension', extension: 'noop', origin: 'ordinary', devtools: 'closed', floor: 'none' },
  {
    id: 'listener',
    label: 'ordinary site, one empty listener',
    extension: 'listener',
    origin: 'ordinary',
    devtools: 'closed',
    floor: 'none',
  },
  { id: 'lens', label: 'ordinary site, CORS Lens', extension: 'lens', origin: 'ordinary', devtools: 'closed', floor: 'listener' },
  { id: 'none-local', label: 'localhost, no extension', extension: 'none', origin: 'localhost', devtools: 'closed' },
  {
    id: 'noop-local',
    label: 'localhost, do-nothing extension',
    extension: 'noop',
    origin: 'localhost',
    devtools: 'closed',
    floor: 'none-local',
  },
  {
    id: 'listener-local',
    label: 'localhost, one empty listener',
    extension: 'listener',
    origin: 'localhost',
    devtools: 'closed',
    floor: 'none-local',
  },
  { id: 'lens-local', label: 'localhost, CORS Lens', extension: 'lens', origin: 'localhost', devtools: 'closed', floor: 'listener-local' },
  {
    id: 'lens-site',
    label: 'localhost, CORS Lens, detailed capture turned on for the site',
    extension: 'lens',
    origin: 'localhost',
    devtools: 'closed',
    siteDetails: true,
    floor: 'listener-local',
  },
  { id: 'dt-none', label: 'DevTools open, no extension', extension: 'none', origin: 'localhost', devtools: 'open' },
  {
    // What any extension that counts failures with DevTools closed pays while DevTools is open: the part of the
    // DevTools rows below that no design keeping that listener can remove.
    id: 'dt-listener',
    label: 'DevTools open, one empty listener',
    extension: 'listener',
    origin: 'localhost',
    devtools: 'open',
    floor: 'dt-none',
  },
  {
    // What any design that takes its details from DevTools' network log pays: the empty error listener, and an empty
    // onRequestFinished listener, for which DevTools builds and sends every request's HAR entry.
    id: 'dt-har',
    label: 'DevTools open, empty error and onRequestFinished listeners',
    extension: 'har',
    origin: 'localhost',
    devtools: 'open',
    floor: 'dt-none',
  },
  {
    id: 'dt-lens',
    label: 'DevTools open, CORS Lens (panel not shown)',
    extension: 'lens',
    origin: 'localhost',
    devtools: 'open',
    floor: 'dt-none',
  },
  {
    // What DevTools pays to show any extension's panel, with the listeners above: the part of the panel-shown row
    // that is not what our panel does.
    id: 'dt-har-panel',
    label: 'DevTools open, empty listeners, an empty extension panel shown',
    extension: 'har-panel',
    origin: 'localhost',
    devtools: 'panel',
    floor: 'dt-none',
  },
  { id: 'dt-panel', label: 'DevTools open, CORS panel shown', extension: 'lens', origin: 'localhost', devtools: 'panel', floor: 'dt-none' },
  ...(COMPARE
    ? ([
        {
          id: 'cmp-local',
          label: 'localhost, compared build',
          extension: 'compare',
          origin: 'localhost',
          devtools: 'closed',
          floor: 'listener-local',
        },
        {
          id: 'cmp-dt',
          label: 'DevTools open, compared build (its panel not shown)',
          extension: 'compare',
          origin: 'localhost',
          devtools: 'open',
          floor: 'dt-none',
        },
        {
          id: 'cmp-panel',
          label: 'DevTools open, compared build, its panel shown',
          extension: 'compare',
          origin: 'localhost',
          devtools: 'panel',
          floor: 'dt-none',
        },
      ] as Config[])
    : []),
];
const CONFIGS = ALL_CONFIGS.filter((c) => !ONLY_CONFIGS || ONLY_CONFIGS.includes(c.id));

/** Targets of the issue this benchmark answers to, by configuration id and measure. */
const TARGETS: Record<string, { burst?: number; single?: number }> = {
  lens: { burst: 1.05, single: 1.05 },
  'lens-local': { burst: 1.05, single: 1.05 },
  'dt-panel': { burst: 1.1 },
};

async function cost(servers: { pagePort: number; apiPort: number }): Promise<void> {
  console.log(`cost: ${CONFIGS.length} configurations x ${ROUNDS} rounds, fresh profile each (bare CDP)`);
  const dirs: Record<Extension, string | null> = {
    none: null,
    noop: floorExtension('noop'),
    listener: floorExtension('listener'),
    hook: floorExtension('hook'),
    'poll-panel': floorExtension('poll-panel'),
    har: floorExtension('har'),
    panel: floorExtension('panel'),
    'har-panel': floorExtension('har-panel'),
    lens: EXTENSION_DIR,
    compare: COMPARE ? path.resolve(COMPARE) : null,
  };
  const results = new Map<string, CostResult>(CONFIGS.map((c) => [c.id, { config: c, runs: [] }]));
  for (let r = 0; r < ROUNDS; r++) {
    // Interleaved, and the order rotates each round, so drift and warm-up hit every configuration alike.
    const order = CONFIGS.map((_, i) => CONFIGS[(i + r) % CONFIGS.length] as Config);
    for (const c of order) {
      const m = await measure(c, servers, dirs, r);
      results.get(c.id)?.runs.push(m);
      console.log(
        `  round ${r + 1}, ${c.id}: burst ${m.burstMs.toFixed(0)} ms, cpu ${m.burstCpuMs.toFixed(0)} ms, single p50 ${m.singleP50Ms.toFixed(2)} ms`,
      );
    }
  }
  raw.cost = Object.fromEntries([...results].map(([id, r]) => [id, r.runs]));
  for (const base of ['none', 'none-local', 'dt-none']) {
    const runs = results.get(base)?.runs ?? [];
    if (runs.length === 0) continue;
    const label = results.get(base)?.config.label ?? base;
    row(`${label}: burst`, fmtMs(stats(runs.map((m) => m.burstMs))));
    row(`${label}: single fetch p50`, `${stats(runs.map((m) => m.singleP50Ms)).median.toFixed(2)} ms`);
  }
  for (const c of CONFIGS) {
    if (!c.floor || !results.has(c.floor)) continue;
    const floorLabel =
      results.get(c.floor)?.config.extension === 'listener' ? FLOOR_LABELS.listener : (results.get(c.floor)?.config.label ?? c.floor);
    const target = TARGETS[c.id];
    const burst = ratioStats(results, c.id, c.floor, 'burstMs');
    const single = ratioStats(results, c.id, c.floor, 'singleP50Ms');
    const cpu = ratioStats(results, c.id, c.floor, 'burstCpuMs');
    row(
      `${c.label}: burst vs ${floorLabel}`,
      fmtRatio(burst),
      target?.burst ? `<= ${target.burst.toFixed(2)}x` : '',
      target?.burst ? burst.median <= target.burst : null,
    );
    row(
      `${c.label}: single fetch p50 vs ${floorLabel}`,
      fmtRatio(single),
      target?.single ? `<= ${target.single.toFixed(2)}x` : '',
      target?.single ? single.median <= target.single : null,
    );
    row(`${c.label}: browser CPU in the burst vs ${floorLabel}`, fmtRatio(cpu));
    // Against no extension too, so the floor itself is visible.
    const none = c.devtools === 'closed' ? (c.origin === 'ordinary' ? 'none' : 'none-local') : 'dt-none';
    if (c.floor !== none && results.has(none))
      row(`${c.label}: burst vs no extension`, fmtRatio(ratioStats(results, c.id, none, 'burstMs')));
    // With DevTools open, also against what reading DevTools' network log costs any design that does.
    const ours = c.extension === 'lens' || c.extension === 'compare';
    const har = results.get('dt-har');
    if (har && c.devtools !== 'closed' && ours)
      row(`${c.label}: burst vs ${har.config.label}`, fmtRatio(ratioStats(results, c.id, 'dt-har', 'burstMs')));
    // With a panel shown, also against showing an empty one: what is left is what our panel and its feed cost.
    const harPanel = results.get('dt-har-panel');
    if (harPanel && c.devtools === 'panel' && ours)
      row(`${c.label}: burst vs ${harPanel.config.label}`, fmtRatio(ratioStats(results, c.id, 'dt-har-panel', 'burstMs')));
  }
}

/**
 * The target rows again, each measured in two browsers launched once that take turns (paired.ts): the two sides of a
 * ratio seconds apart instead of half a minute, which the cost rows above cannot resolve on a noisy machine.
 */
async function paired(servers: Servers): Promise<void> {
  const runs: { label: string; options: Omit<PairedOptions, 'servers' | 'pairs'>; target: { burst?: number; single?: number } }[] = [
    {
      label: 'ordinary site, CORS Lens',
      options: { origin: 'ordinary', devtools: 'closed', against: 'floor' },
      target: TARGETS.lens ?? {},
    },
    {
      label: 'localhost, CORS Lens',
      options: { origin: 'localhost', devtools: 'closed', against: 'floor' },
      target: TARGETS['lens-local'] ?? {},
    },
    {
      label: 'DevTools open (CORS panel not shown), nothing failing',
      options: { origin: 'localhost', devtools: 'open', against: 'none', passing: true },
      target: {},
    },
    {
      label: 'DevTools open (CORS panel not shown), nothing failing',
      options: { origin: 'localhost', devtools: 'open', against: 'listener', passing: true },
      target: {},
    },
    {
      label: 'DevTools open, CORS panel shown',
      options: { origin: 'localhost', devtools: 'panel', against: 'none' },
      target: TARGETS['dt-panel'] ?? {},
    },
    { label: 'DevTools open, CORS panel shown', options: { origin: 'localhost', devtools: 'panel', against: 'floor' }, target: {} },
    // The panel-shown target's floors: what showing any extension's panel costs, and with DevTools' log read, each
    // entry as its request ends (onRequestFinished) or the whole log each second (getHAR, as CORS Lens reads it).
    {
      label: `DevTools open, ${FLOOR_LABELS.panel}`,
      options: { origin: 'localhost', devtools: 'panel', against: 'none', subject: 'panel' },
      target: {},
    },
    {
      label: `DevTools open, ${FLOOR_LABELS['har-panel']}`,
      options: { origin: 'localhost', devtools: 'panel', against: 'none', subject: 'har-panel' },
      target: {},
    },
    {
      label: `DevTools open, ${FLOOR_LABELS['poll-panel']}`,
      options: { origin: 'localhost', devtools: 'panel', against: 'none', subject: 'poll-panel' },
      target: {},
    },
  ];
  const results: Record<string, unknown>[] = [];
  for (const run of runs) {
    // DevTools closed is where developers spend their day, and its target sits within a few percent of its floor:
    // twice the pairs there.
    const pairs = run.options.devtools === 'closed' ? 2 * PAIRS : PAIRS;
    console.log(`paired: ${run.label}, ${pairs} pairs, against ${run.options.against}`);
    const r = await pairedRun({ ...run.options, pairs, servers }, console.log);
    results.push({ ...run.options, baseline: r.baseline, burst: r.burst, cpu: r.cpu, single: r.single, medians: r.medians, raw: r.raw });
    const against = r.baseline === 'DevTools alone' ? 'DevTools open, no extension' : r.baseline;
    const { burst, single } = run.target;
    row(
      `paired, ${run.label}: burst vs ${against}`,
      fmtRatio(r.burst),
      burst ? `<= ${burst.toFixed(2)}x` : '',
      burst ? r.burst.median <= burst : null,
    );
    row(
      `paired, ${run.label}: single fetch p50 vs ${against}`,
      fmtRatio(r.single),
      single ? `<= ${single.toFixed(2)}x` : '',
      single ? r.single.median <= single : null,
    );
    row(`paired, ${run.label}: browser CPU in the burst vs ${against}`, fmtRatio(r.cpu));
    const extension = r.medians.lens.cpuByKind.extension ?? 0;
    const baseExtension = r.medians.base.cpuByKind.extension ?? 0;
    row(
      `paired, ${run.label}: the extension's process, CPU per burst (vs ${against})`,
      `${extension.toFixed(0)} ms (${baseExtension.toFixed(0)} ms)`,
    );
  }
  raw.paired = results;
}

/** Failure to row, and to its details, in the CORS panel shown in real DevTools. */
async function latency(servers: { pagePort: number; apiPort: number }): Promise<void> {
  console.log('failure to row: 100 sequential failures, the CORS panel shown in DevTools');
  const { page: pageOrigin, api } = origins({ origin: 'localhost' } as Config, servers);
  const browser = await BareBrowser.launch({ extensionDir: EXTENSION_DIR, devtools: true, extraArgs: [HOST_RULES] });
  try {
    const page = await browser.open(`${pageOrigin}/bench-latency`);
    const tabId = await browser.tabIdOf(page);
    // The panel shown, its rows watched from inside it.
    const panelId = `chrome-extension://${browser.extensionId}CORS`;
    let panel: string | null = null;
    for (let i = 0; i < 200 && panel === null; i++) {
      for (const s of await browser.devtoolsSessions()) {
        await browser.cdp.evaluate(
          s,
          `import('devtools://devtools/bundled/ui/legacy/legacy.js').then((m) => m.InspectorView.InspectorView.instance().showPanel(${JSON.stringify(panelId)})).then(() => true, () => false)`,
        );
      }
      for (const t of (await browser.cdp.targets()).filter((x) => x.url.includes(`${browser.extensionId}/extension/panel/panel.html`))) {
        const session = await browser.cdp.attach(t.targetId);
        const id = await browser.cdp.evaluate<number | null>(session, 'chrome.devtools?.inspectedWindow?.tabId ?? null').catch(() => null);
        if (id === tabId) panel = session;
      }
      if (panel === null) await sleep(300);
    }
    if (panel === null) throw new Error('the CORS panel did not open in DevTools');
    // Some runs (1 in 4 here, with this build and the one before) get a DevTools window the browser does not paint:
    // each row would wait about a second for the panel's throttled timers. A user cannot see such a window either.
    await untilPainted(browser, panel, await browser.devtoolsSessions(), 'the DevTools window with the CORS panel');
    await browser.cdp.evaluate(
      panel,
      `(() => { window.rowTimes = {}; window.detailTimes = {};
        new MutationObserver(() => {
          for (const r of document.querySelectorAll('[data-testid="failure"]')) {
            const u = r.getAttribute('data-url');
            if (!u) continue;
            if (!(u in rowTimes)) rowTimes[u] = Date.now();
            if (!(u in detailTimes) && r.getAttribute('data-cors-error') !== 'Unknown') detailTimes[u] = Date.now();
          }
        }).observe(document.body, { childList: true, subtree: true, attributes: true });
        return true; })()`,
    );
    const sent: Record<string, number> = {};
    const deadline = Date.now() + 120_000;
    for (let i = 0; i < 100; i++) {
      // A path of its own: the panel groups identical failures (same method, URL without query, code) in one row.
      const url = `${api}/latency/${i}?at=${Date.now()}`;
      // Watching the newest rows, as a user does: a long list has only the rows in view in the DOM.
      await browser.cdp.evaluate(
        panel,
        `(() => { const s = document.querySelector('[data-testid="failures"]')?.parentElement; if (s) s.scrollTop = s.scrollHeight; return true; })()`,
      );
      sent[url] = await browser.evaluate<number>(
        page,
        `(() => { const t = Date.now(); fetch(${JSON.stringify(url)}).catch(() => null); return t; })()`,
      );
      while (!(await browser.cdp.evaluate<boolean>(panel, `${JSON.stringify(url)} in detailTimes`))) {
        if (Date.now() > deadline) throw new Error('rows stopped coming');
        await sleep(5);
      }
    }
    const seen = await browser.cdp.evaluate<{ rowTimes: Record<string, number>; detailTimes: Record<string, number> }>(
      panel,
      '({ rowTimes, detailTimes })',
    );
    const toRow = stats(Object.keys(sent).map((u) => (seen.rowTimes[u] as number) - (sent[u] as number)));
    const toDetails = stats(Object.keys(sent).map((u) => (seen.detailTimes[u] as number) - (sent[u] as number)));
    raw.latency = { toRow, toDetails };
    row(
      'failure to row in the CORS panel (DevTools), p50 / p95',
      `${toRow.median.toFixed(0)} ms / ${toRow.p95.toFixed(0)} ms`,
      'p95 < 100 ms',
      toRow.p95 < 100,
    );
    row(
      'failure to its details in the CORS panel (DevTools), p50 / p95',
      `${toDetails.median.toFixed(0)} ms / ${toDetails.p95.toFixed(0)} ms`,
    );
  } finally {
    await browser.close();
  }
}

/** The worker's heap and storage after many requests on a site with detailed capture on (its busiest path). */
async function soak(servers: { pagePort: number; apiPort: number }): Promise<void> {
  console.log(`soak: ${SOAK_REQUESTS.toLocaleString('en')} requests on one tab (1 in 10 failing), detailed capture on for the site`);
  const { page: pageOrigin, api } = origins({ origin: 'localhost' } as Config, servers);
  const browser = await BareBrowser.launch({ extensionDir: EXTENSION_DIR, extraArgs: [HOST_RULES] });
  try {
    const settings = await browser.open(`chrome-extension://${browser.extensionId}/extension/panel/panel.html`);
    await browser.evaluate(
      settings,
      `chrome.runtime.sendMessage({ channel: 'cors-lens', type: 'detailOrigin', payload: { origin: ${JSON.stringify(pageOrigin)}, on: true } })`,
    );
    const page = await browser.open(`${pageOrigin}/bench-soak`);
    const heap = async () => {
      const target = (await browser.cdp.targets()).find((t) => t.type === 'service_worker' && t.url.includes(browser.extensionId ?? '-'));
      if (!target) return Number.NaN;
      const session = await browser.cdp.attach(target.targetId);
      await browser.cdp.send('HeapProfiler.collectGarbage', {}, session);
      const used = (await browser.cdp.send<{ usedSize: number }>('Runtime.getHeapUsage', {}, session)).usedSize;
      await browser.cdp.send('Target.detachFromTarget', { sessionId: session });
      return used;
    };
    const heapBefore = await heap();
    const heaps: number[] = [];
    const chunk = 10_000;
    for (let done = 0; done < SOAK_REQUESTS; done += chunk) {
      await browser.evaluate(
        page,
        `(async () => {
          const api = ${JSON.stringify(api)}, from = ${done}, n = ${Math.min(chunk, SOAK_REQUESTS - done)};
          const star = encodeURIComponent(JSON.stringify({ 'access-control-allow-origin': '*' }));
          let next = 0;
          const lane = async () => { while (next < n) { const i = from + next++; await fetch(api + '/cors?soak=' + i + (i % 10 ? '&h=' + star : '')).then((r) => r.text(), () => null); } };
          await Promise.all(Array.from({ length: 50 }, lane));
        })()`,
      );
      heaps.push(await heap());
    }
    const bytes = await browser.inWorker<number>('chrome.storage.session.getBytesInUse(null)');
    const quota = await browser.inWorker<number>('chrome.storage.session.QUOTA_BYTES');
    raw.soak = { heapBefore, heaps, bytes, quota };
    const maxHeap = Math.max(...heaps);
    row(
      'worker heap before / after the soak (max)',
      `${(heapBefore / 1e6).toFixed(1)} MB / ${(maxHeap / 1e6).toFixed(1)} MB`,
      '< 30 MB',
      maxHeap < 30e6,
    );
    row('worker heap per 10,000 requests', heaps.map((h) => (h / 1e6).toFixed(1)).join(' '));
    row('storage.session after the soak', `${(bytes / 1e6).toFixed(2)} MB of ${(quota / 1e6).toFixed(2)} MB`, '< quota', bytes < quota);
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const machine = `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  let chromium = '';
  try {
    chromium = execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    chromium = CHROMIUM_PATH;
  }
  console.log(`CORS Lens benchmark: ${chromium}; ${machine}; ${ROUNDS} rounds; ${new Date().toISOString()}`);
  const needServers = ['cost', 'paired', 'latency', 'soak'].some((s) => ONLY.has(s));
  const servers = needServers ? await startServers() : null;
  if (servers && ONLY.has('cost')) await cost(servers);
  if (servers && ONLY.has('paired')) await paired(servers);
  if (servers && ONLY.has('latency')) await latency(servers);
  if (servers && ONLY.has('soak')) await soak(servers);
  await servers?.close();

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
      'panel filter index, 10,000 rows (built in the background once the log is quiet)',
      `${p.index.median.toFixed(0)} ms (${p.index.min.toFixed(0)}-${p.index.max.toFixed(0)})`,
      '',
      null,
    );
    row(
      'panel filter keystroke, to the list and count updated',
      `${p.filter.median.toFixed(1)} ms (${p.filter.min.toFixed(1)}-${p.filter.max.toFixed(1)})`,
      '< 8 ms',
      p.filter.median < 8,
    );
    row(
      'panel filter keystroke, to the next frame',
      `${p.frame.median.toFixed(1)} ms (${p.frame.min.toFixed(1)}-${p.frame.max.toFixed(1)})`,
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
    const htmlEntries = (page: string) => {
      const html = fs.readFileSync(path.join(dist, page), 'utf8');
      const files = new Set<string>();
      for (const m of html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g))
        importGraph(path.join(dist, (m[1] as string).replace(/^\//, '')), files);
      return files;
    };
    const sw = sizes(importGraph(loader));
    const panel = sizes(htmlEntries(PANEL_PAGE));
    const devtools = sizes(htmlEntries('extension/devtools/devtools.html'));
    const relay = sizes([path.join(dist, 'extension/content/relay.iife.js')]);
    const hook = sizes([path.join(dist, 'extension/content/page-hook.iife.js')]);
    raw.size = { sw, panel, devtools, relay, hook };
    const kb = (s: { gzip: number }) => (s.gzip / 1024).toFixed(1);
    row(
      'bundles, gzip KB: worker / panel / devtools page / page relay / page hook',
      `${kb(sw)} / ${kb(panel)} / ${kb(devtools)} / ${kb(relay)} / ${kb(hook)}`,
    );
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
  console.log(`\n${chromium}; ${machine}; ${new Date().toISOString().slice(0, 10)}; npm run bench -- --rounds=${ROUNDS}\n`);
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
