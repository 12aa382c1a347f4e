/**
 * `npx tsx bench/trace.ts [--devtools=closed|open|panel] [--top=N] [DIR]`: where each Chromium process spends a
 * localhost burst like the cost bench's (2,000 fetches, half failing, 50 in flight), read from a Chrome trace. The JS
 * profiler (bench/profile.ts) shows native work only as "(program)"; the trace names it: layout, message ports,
 * serialization, the network stack. Totals per event name are inclusive (nested events overlap), and tracing slows
 * everything down: read the rows against each other, not as costs. DIR: the build to load (default: dist);
 * --floor: the floor extension of that DevTools mode instead (cost.ts floorFor, as bench/profile.ts measures against).
 */
import { EXTENSION_DIR } from '../test-support/browser/browser.ts';
import { startServers } from '../test-support/servers/cors-server.ts';
import { BareBrowser, sleep } from './bare.ts';
import { burstScript, floorExtension, floorFor, HOST_RULES, origins, prepareDevtools } from './cost.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const DEVTOOLS = (arg('devtools') ?? 'panel') as 'closed' | 'open' | 'panel';
const TOP = Number(arg('top') ?? 20);
const FLOOR = process.argv.includes('--floor');
const DIR = FLOOR ? floorExtension(floorFor(DEVTOOLS)) : (process.argv.slice(2).find((a) => !a.startsWith('--')) ?? EXTENSION_DIR);
const CATEGORIES = [
  'toplevel',
  'blink',
  'v8',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'ipc',
  'mojom',
  'loading',
  'extensions',
];

interface TraceEvent {
  readonly ph: string;
  readonly name: string;
  readonly pid: number;
  readonly tid: number;
  readonly dur?: number;
  readonly args?: { name?: string; labels?: string };
}

const servers = await startServers();
const { page: pageOrigin, api } = origins({ origin: 'localhost' }, servers);
const browser = await BareBrowser.launch({ extensionDir: DIR, devtools: DEVTOOLS !== 'closed', extraArgs: [HOST_RULES] });
try {
  const page = await browser.open(`${pageOrigin}/trace`);
  await prepareDevtools(browser, page, api, { devtools: DEVTOOLS, extension: FLOOR ? floorFor(DEVTOOLS) : 'lens' });
  await browser.evaluate(page, burstScript(api, 200, 50, 'warm'));
  await sleep(2000);
  const events: TraceEvent[] = [];
  browser.cdp.on('Tracing.dataCollected', (p) => events.push(...(p.value as TraceEvent[])));
  const complete = new Promise<void>((resolve) => browser.cdp.on('Tracing.tracingComplete', () => resolve()));
  await browser.cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES }, transferMode: 'ReportEvents' });
  const burstMs = await browser.evaluate<number>(page, burstScript(api, 2000, 50, 'traced'));
  await sleep(500);
  await browser.cdp.send('Tracing.end', {});
  await complete;
  const names = new Map<number, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'process_name') names.set(e.pid, String(e.args?.name ?? ''));
  // A renderer's labels name what it shows (a page's title, DevTools).
  for (const e of events)
    if (e.ph === 'M' && e.name === 'process_labels') names.set(e.pid, `${names.get(e.pid) ?? 'process'}: ${e.args?.labels ?? ''}`);
  // Each process's main thread (CrRendererMain, CrBrowserMain...): its tasks say how busy the process was.
  const mainThreads = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && /^Cr\w*Main$/.test(String(e.args?.name)))
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const mainBusy = new Map<number, number>();
  const totals = new Map<number, Map<string, number>>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined) continue;
    if (e.name === 'RunTask' && mainThreads.has(`${e.pid}:${e.tid}`)) mainBusy.set(e.pid, (mainBusy.get(e.pid) ?? 0) + e.dur / 1000);
    const byName = totals.get(e.pid) ?? new Map<string, number>();
    byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur / 1000);
    totals.set(e.pid, byName);
  }
  console.log(`burst on localhost, DevTools ${DEVTOOLS}, traced: ${burstMs.toFixed(0)} ms (${DIR}), ${events.length} trace events`);
  // Tasks on all of a process's threads (RunTask), to sort and skip the idle ones.
  const busy = (m: Map<string, number>) => m.get('RunTask') ?? 0;
  for (const [pid, byName] of [...totals].sort((a, b) => busy(b[1]) - busy(a[1]))) {
    if (busy(byName) < 50) continue;
    console.log(`\n${names.get(pid) ?? 'process'} (${pid}): main thread busy ${(mainBusy.get(pid) ?? 0).toFixed(0)} ms; all threads:`);
    for (const [name, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${ms.toFixed(1).padStart(9)} ms  ${name}`);
  }
} finally {
  await browser.close();
  await servers.close();
}
