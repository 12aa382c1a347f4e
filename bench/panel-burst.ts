/**
 * `npx tsx bench/panel-burst.ts [--rounds=N] [--compare=DIR]`: what the CORS panel itself spends while a burst fills
 * its list, without a network, a page or DevTools around it (those make the cost bench's panel row too noisy to tell
 * one panel build from another). The real panel page of the build, in Chromium, is fed through a stand-in for its
 * port what the worker sends during a burst of 1,000 failures over 6 s: batches every 30 ms (PanelHub's), each
 * failure three times (its row, the page's word 50 ms later, DevTools' details 250 ms later), the log capped at 500
 * rows as the worker caps it. Prints the panel renderer's main-thread time from CDP Performance.getMetrics (tasks,
 * script, style, layout), median over the rounds, one build after the other in each round.
 *
 * `--profile[=N]`: also a CPU profile of the panel during the burst, and its N (default 20) heaviest functions by self
 * and by total time, summed over the rounds (a profiled run is slower: read it for where, not how much). Names need
 * an unminified build: `npx vite build --minify false --outDir DIR`, then `--build=DIR`.
 */
import path from 'node:path';
import { PANEL_PAGE } from '../extension/paths.ts';
import { EXTENSION_DIR, launch } from '../test-support/browser/browser.ts';
import { type Profile, selfTimes, totalTimes } from './cpu-profile.ts';
import { stats } from './lib.ts';
import { fakePort, recordTemplate } from './panel-render.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const ROUNDS = Number(arg('rounds') ?? 5);
const COMPARE = arg('compare');
const BUILD = arg('build');
const PROFILE = process.argv.some((a) => a === '--profile' || a.startsWith('--profile='));
const TOP = Number(arg('profile') ?? 20);
const METRICS = ['TaskDuration', 'ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration'] as const;

/** The stand-in port and the burst it plays, installed before the panel's scripts run. */
function script(): string {
  return `(() => {
    const template = ${JSON.stringify(recordTemplate())};
    const FAILURES = 1000, SPAN = 6000, BATCH = 30, CAP = 500;
    // Each failure's versions: [when, id, version].
    const plan = [];
    for (let i = 0; i < FAILURES; i++) {
      const t = (i * SPAN) / FAILURES;
      plan.push([t, i, 0], [t + 50, i, 1], [t + 250, i, 2]);
    }
    plan.sort((a, b) => a[0] - b[0]);
    const record = (i, version) => {
      const r = JSON.parse(template);
      r.id = 'r' + i;
      r.time = Date.now();
      r.exchange.request.url = 'https://api.example/v1/items/' + i + '?page=' + (i % 37);
      r.uncaptured = version < 2;
      if (version === 0) r.exchange.request.credentials = { ...r.exchange.request.credentials, source: 'inferred' };
      return r;
    };
    ${fakePort(`
          let summary = { tabId: 1, documentId: null, pageUrl: '', count: 0, lookalikes: 0, dropped: 0, preserve: false, generation: 1 };
          send({ type: 'snapshot', snapshot: { summary, records: [] }, capture: 'devtools' });
          let start = 0;
          const live = [];
          let next = 0;
          const tick = () => {
            const now = performance.now() - start;
            const messages = [];
            for (; next < plan.length && plan[next][0] <= now; next++) {
              const [, i, version] = plan[next];
              if (version === 0) {
                live.push(i);
                summary = { ...summary, count: summary.count + 1 };
                if (live.length > CAP) {
                  const gone = live.splice(0, 25);
                  summary = { ...summary, count: summary.count - gone.length, dropped: summary.dropped + gone.length };
                  for (const g of gone) messages.push({ type: 'retracted', id: 'r' + g, summary });
                }
              }
              if (live.includes(i)) messages.push({ type: 'record', record: record(i, version), summary });
            }
            if (messages.length) send(messages.length === 1 ? messages[0] : { type: 'batch', messages });
            if (next < plan.length) setTimeout(tick, BATCH);
            else window.burstDone = true;
          };
          // The bench starts it once it has read the metrics before it.
          window.startBurst = () => {
            start = performance.now();
            setTimeout(tick, BATCH);
          };
    `)}
  })()`;
}

async function round(extensionDir: string, profiles: Profile[]): Promise<Record<string, number>> {
  const lens = await launch({ extensionDir });
  try {
    const page = await lens.context.newPage();
    await page.addInitScript(script());
    const cdp = await lens.context.newCDPSession(page);
    await page.goto(`chrome-extension://${lens.extensionId}/${PANEL_PAGE}?tabId=1`);
    // The snapshot (an empty log) shown, the burst ready to start.
    await page.waitForSelector('[data-testid="empty"]');
    await cdp.send('Performance.enable');
    const read = async () =>
      Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value])) as Record<string, number>;
    await page.waitForFunction(() => typeof (window as unknown as { startBurst?: () => void }).startBurst === 'function');
    if (PROFILE) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
      await cdp.send('Profiler.start');
    }
    const before = await read();
    await page.evaluate(() => (window as unknown as { startBurst: () => void }).startBurst());
    // Polled on a timer: Playwright's default polls on every animation frame, and each such frame (style, paint,
    // commit) counted in the panel's time: about as much as the panel's own work.
    await page.waitForFunction(() => (window as unknown as { burstDone?: boolean }).burstDone === true, undefined, {
      timeout: 60_000,
      polling: 250,
    });
    await page.waitForTimeout(1000);
    const after = await read();
    if (PROFILE) profiles.push((await cdp.send('Profiler.stop')).profile as Profile);
    const rows = await page.locator('[role="option"]').count();
    if (rows === 0) throw new Error('the panel listed nothing');
    return Object.fromEntries(METRICS.map((m) => [m, ((after[m] ?? 0) - (before[m] ?? 0)) * 1000]));
  } finally {
    await lens.close();
  }
}

const builds = [
  { label: BUILD ? `this build (${BUILD})` : 'this build', dir: BUILD ? path.resolve(BUILD) : EXTENSION_DIR },
  ...(COMPARE ? [{ label: `compared (${COMPARE})`, dir: path.resolve(COMPARE) }] : []),
];
const results = builds.map(() => [] as Record<string, number>[]);
const profiles = builds.map(() => [] as Profile[]);
for (let r = 0; r < ROUNDS; r++)
  for (let b = 0; b < builds.length; b++) {
    const at = (r + b) % builds.length;
    const build = builds[at];
    if (build) results[at]?.push(await round(build.dir, profiles[at] ?? []));
  }
console.log(`the panel fed a burst of 1,000 failures (3 versions each) over 6 s, ${ROUNDS} rounds, main-thread ms (median, range)`);
console.log(`| measure | ${builds.map((b) => b.label).join(' | ')} |`);
console.log(`| --- |${builds.map(() => ' --- |').join('')}`);
for (const m of METRICS) {
  const cells = results.map((rs) => {
    const s = stats(rs.map((x) => x[m] ?? 0));
    return `${s.median.toFixed(0)} (${s.min.toFixed(0)}-${s.max.toFixed(0)})`;
  });
  console.log(`| ${m} | ${cells.join(' | ')} |`);
}

if (PROFILE)
  for (const [b, build] of builds.entries()) {
    const self = new Map<string, number>();
    const total = new Map<string, number>();
    for (const p of profiles[b] ?? []) {
      for (const [k, v] of selfTimes(p).rows) self.set(k, (self.get(k) ?? 0) + v);
      for (const [k, v] of totalTimes(p)) total.set(k, (total.get(k) ?? 0) + v);
    }
    const top = (m: Map<string, number>) => [...m].sort((x, y) => y[1] - x[1]).slice(0, TOP);
    console.log(`\n${build.label}: self time, ms over ${ROUNDS} rounds`);
    for (const [k, v] of top(self)) console.log(`${v.toFixed(0).padStart(7)}  ${k}`);
    console.log(`\n${build.label}: total time of the panel's own functions, ms over ${ROUNDS} rounds`);
    for (const [k, v] of top(total)) console.log(`${v.toFixed(0).padStart(7)}  ${k}`);
  }
