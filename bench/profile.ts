/**
 * `npx tsx bench/profile.ts`: where a failing burst's cost goes, for choosing the next lever (not a target: the
 * targets are in run.ts). One localhost burst like the cost bench's (2,000 fetches, half failing, 50 in flight, DevTools
 * closed), for CORS Lens and for the one-empty-listener floor (with DevTools open: and an empty onRequestFinished
 * listener, the cost of reading DevTools' log; with the panel shown: and an empty panel of its own, shown), each in a
 * fresh browser driven over bare CDP:
 * - the CPU time of each Chromium process during the burst, by kind (browser, network service, page, extension);
 * - for CORS Lens, a CPU profile of its service worker: busy time and the functions that spent it (self time).
 *
 * Options: --rounds=N (default 3), --origin=localhost|ordinary, --top=N functions (default 25), --compare=DIR (another
 * build, profiled the same way), --devtools=closed|open|panel (DevTools open on the tab, the CORS panel shown: then
 * the devtools page and the panel are profiled too), --page (the page is profiled too, for both: its scripts and the
 * extension's content scripts in it), --cpu-only (no JS profiler: only the CPU time of each process, as a user pays it).
 */
import path from 'node:path';
import { DEFERRED_WRITE_MS } from '../src/capture/tab-log.ts';
import { EXTENSION_DIR } from '../test-support/browser/browser.ts';
import { startServers } from '../test-support/servers/cors-server.ts';
import { BareBrowser, sleep } from './bare.ts';
import { burstScript, FLOOR_LABELS, floorExtension, floorFor, HOST_RULES, origins, prepareDevtools } from './cost.ts';
import { type Profile, selfTimes, totalTimes } from './cpu-profile.ts';
import { stats } from './lib.ts';
import { cpuByKind, devtoolsRenderers } from './processes.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const ROUNDS = Number(arg('rounds') ?? 3);
/** Long enough for every deferred record write to have gone (tab-log: at most twice DEFERRED_WRITE_MS). */
const WRITES_SETTLED_MS = 2 * DEFERRED_WRITE_MS + 500;
const ORIGIN = (arg('origin') ?? 'localhost') as 'localhost' | 'ordinary';
const TOP = Number(arg('top') ?? 25);
const COMPARE = arg('compare');
const DEVTOOLS = (arg('devtools') ?? 'closed') as 'closed' | 'open' | 'panel';
/** With DevTools open the floor reads DevTools' network log too, as CORS Lens does; with the panel shown, it shows one. */
const FLOOR = floorFor(DEVTOOLS);
const PROFILE_PAGE = process.argv.includes('--page');
/** Only the CPU time of each process: no JS profiler, which slows what it samples several times over. */
const CPU_ONLY = process.argv.includes('--cpu-only');

/** The extension's contexts to profile, by name: its worker, and with DevTools open its devtools page and panel. */
function contextName(url: string, type: string): string | null {
  if (type === 'service_worker') return 'worker';
  if (url.includes('/extension/devtools/')) return 'devtools page';
  if (url.includes('/extension/panel/')) return 'panel';
  return null;
}

async function round(extensionDir: string, lens: boolean, servers: { pagePort: number; apiPort: number }, i: number) {
  const { page: pageOrigin, api } = origins({ origin: ORIGIN }, servers);
  const browser = await BareBrowser.launch({ extensionDir, devtools: DEVTOOLS !== 'closed', extraArgs: [HOST_RULES] });
  try {
    const page = await browser.open(`${pageOrigin}/profile-${i}`);
    await prepareDevtools(browser, page, api, {
      devtools: DEVTOOLS,
      extension: lens ? 'lens' : FLOOR,
    });
    await browser.evaluate(page, burstScript(api, 200, 50, `warm-${lens}-${i}`));
    // The warm-up's writes done (a deferred one within twice DEFERRED_WRITE_MS), so that the burst's are counted alone.
    await sleep(lens ? WRITES_SETTLED_MS : 300);
    const sessions = new Map<string, string>();
    if (PROFILE_PAGE && !CPU_ONLY) sessions.set('page', page.session);
    for (const session of sessions.values()) {
      await browser.cdp.send('Profiler.enable', {}, session);
      await browser.cdp.send('Profiler.setSamplingInterval', { interval: 250 }, session);
      await browser.cdp.send('Profiler.start', {}, session);
    }
    if (lens && !CPU_ONLY) {
      for (const target of await browser.cdp.targets()) {
        const name = target.url.includes(browser.extensionId ?? '-') ? contextName(target.url, target.type) : null;
        if (!name || sessions.has(name)) continue;
        const session = await browser.cdp.attach(target.targetId);
        await browser.cdp.send('Profiler.enable', {}, session);
        await browser.cdp.send('Profiler.setSamplingInterval', { interval: 250 }, session);
        await browser.cdp.send('Profiler.start', {}, session);
        sessions.set(name, session);
      }
    }
    // The worker's writes to storage.session during the burst, counted by wrapping the API it calls.
    if (lens)
      await browser.inWorker(
        `(() => { const s = chrome.storage.session; const set = s.set.bind(s); globalThis.benchWrites = { sets: 0, records: 0, bytes: 0 }; s.set = (items, ...rest) => { benchWrites.sets++; for (const [k, v] of Object.entries(items)) if (k.startsWith('rec:')) { benchWrites.records++; benchWrites.bytes += typeof v === 'string' ? v.length : JSON.stringify(v).length; } return set(items, ...rest); }; return true; })()`,
      );
    const pid = browser.pid;
    const named = DEVTOOLS === 'closed' ? new Map<number, string>() : await devtoolsRenderers(browser);
    const before = cpuByKind(pid, named);
    const burstMs = await browser.evaluate<number>(page, burstScript(api, 2000, 50, `p-${lens}-${i}`));
    await sleep(500);
    const after = cpuByKind(pid, named);
    const cpu = new Map([...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)]));
    const profiles = new Map<string, Profile>();
    for (const [name, session] of sessions)
      profiles.set(name, (await browser.cdp.send<{ profile: Profile }>('Profiler.stop', {}, session)).profile);
    // Deferred record writes (a row waiting for DevTools' details) go within twice DEFERRED_WRITE_MS.
    if (lens) await sleep(WRITES_SETTLED_MS);
    const writes = lens ? await browser.inWorker<{ sets: number; records: number; bytes: number }>('globalThis.benchWrites') : null;
    const stored = lens
      ? await browser.inWorker<{ records: number; bytes: number; requestHeaderBytes: number }>(
          `chrome.storage.session.get(null).then((all) => { const recs = Object.entries(all).filter(([k]) => k.startsWith('rec:')); const parsed = recs.map(([, v]) => (typeof v === 'string' ? JSON.parse(v) : v)); return { records: recs.length, bytes: recs.reduce((n, [, v]) => n + (typeof v === 'string' ? v.length : JSON.stringify(v).length), 0), requestHeaderBytes: parsed.reduce((n, r) => n + JSON.stringify(r.exchange.request.headers).length + JSON.stringify(r.exchange.hops[0]?.requestHeaders ?? null).length, 0) }; })`,
        )
      : null;
    return { burstMs, cpu, profiles, stored, writes };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const servers = await startServers();
  const configs = [
    { label: FLOOR_LABELS[FLOOR], dir: floorExtension(FLOOR), lens: false },
    { label: 'CORS Lens', dir: EXTENSION_DIR, lens: true },
    ...(COMPARE ? [{ label: `compared (${COMPARE})`, dir: path.resolve(COMPARE), lens: true }] : []),
  ];
  const results = configs.map(() => [] as Awaited<ReturnType<typeof round>>[]);
  try {
    for (let i = 0; i < ROUNDS; i++) {
      // Rotated each round, so that the machine's drift hits every configuration alike.
      for (let j = 0; j < configs.length; j++) {
        const at = (i + j) % configs.length;
        const config = configs[at];
        if (config) results[at]?.push(await round(config.dir, config.lens, servers, i));
      }
    }
  } finally {
    await servers.close();
  }
  const kinds = [...new Set(results.flatMap((rs) => rs.flatMap((r) => [...r.cpu.keys()])))].sort();
  const med = (xs: number[]) => stats(xs).median.toFixed(0);
  console.log(`burst on ${ORIGIN}, DevTools ${DEVTOOLS}, ${ROUNDS} rounds (median ms)`);
  console.log(`| measure | ${configs.map((c) => c.label).join(' | ')} |`);
  console.log(`| --- |${configs.map(() => ' --- |').join('')}`);
  console.log(`| burst | ${results.map((rs) => med(rs.map((r) => r.burstMs))).join(' | ')} |`);
  for (const kind of kinds) console.log(`| CPU ${kind} | ${results.map((rs) => med(rs.map((r) => r.cpu.get(kind) ?? 0))).join(' | ')} |`);
  for (const [at, config] of configs.entries()) {
    const rs = results[at] ?? [];
    for (const { stored: x, writes: w } of rs)
      if (x && w)
        console.log(
          `${config.label}: stored after the burst: ${x.records} records, ${(x.bytes / Math.max(1, x.records)).toFixed(0)} bytes each, ${(x.requestHeaderBytes / Math.max(1, x.records)).toFixed(0)} of them the request's headers and its first hop's; written: ${w.sets} storage.session.set calls, ${w.records} record values, ${(w.bytes / 1024).toFixed(0)} KB`,
        );
    for (const name of [...new Set(rs.flatMap((r) => [...r.profiles.keys()]))]) {
      const profiles = rs.map((r) => r.profiles.get(name)).filter((p): p is Profile => p !== undefined);
      const merged = new Map<string, number>();
      const totals = new Map<string, number>();
      let busy = 0;
      for (const p of profiles) {
        const t = selfTimes(p);
        busy += t.busy;
        for (const [k, v] of t.rows) merged.set(k, (merged.get(k) ?? 0) + v);
        for (const [k, v] of totalTimes(p)) totals.set(k, (totals.get(k) ?? 0) + v);
      }
      const print = (rows: Map<string, number>) => {
        for (const [k, v] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, TOP))
          console.log(`${(v / profiles.length).toFixed(1).padStart(8)} ms  ${k}`);
      };
      console.log(`\n${config.label}, ${name}: busy ${(busy / profiles.length).toFixed(0)} ms per burst; self time per burst:`);
      print(merged);
      console.log(`${config.label}, ${name}: total time per burst of the extension's functions (with what they call):`);
      print(totals);
    }
  }
}

await main();
