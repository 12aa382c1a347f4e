/**
 * `npm run bench:firefox`: what CORS Lens's Firefox capture costs the pages a developer works on, in Firefox ESR
 * (driven over WebDriver BiDi, test-support/browser/firefox.ts). Firefox shows every request's headers to listeners
 * that ask for them, so its capture is always on, on every tab: this is its price. Same workloads as the Chromium
 * cost bench (cost.ts): a burst of 2,000 cross-site fetches (half failing CORS, 50 in flight), its time and the
 * browser's CPU time, and 50 sequential single fetches that pass (p50); on an ordinary site (host names that are not
 * potentially trustworthy, so no Sec-Fetch-* headers: the capture waits for the page's reports).
 *
 * Configurations, a fresh profile each, interleaved and rotated each round: Firefox without an extension, a
 * do-nothing extension with CORS Lens's manifest (its content scripts and permissions, no background), CORS Lens.
 * After each CORS Lens round the bench also checks that every failure of the burst got a row with Firefox's reason.
 *
 * Options: --rounds=N (default 5), --burst=N (fetches in the burst, default 2000).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIREFOX_EXTENSION_DIR, FIREFOX_PATH, type FirefoxLens, launchFirefox } from '../test-support/browser/firefox.ts';
import { startServers } from '../test-support/servers/cors-server.ts';
import { processTreeCpuMs } from './bare.ts';
import { burstScript, ORDINARY, singleScript } from './cost.ts';
import { type Stats, stats } from './lib.ts';

/** The browser's own name and version, as the first launch reports it. */
let version = '';
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const ROUNDS = Number(arg('rounds') ?? 5);
const BURST = Number(arg('burst') ?? 2000);

type Config = 'none' | 'noop' | 'lens';
const LABELS: Record<Config, string> = {
  none: 'Firefox, no extension',
  noop: "a do-nothing extension (CORS Lens's content scripts and permissions, no background)",
  lens: 'CORS Lens',
};

interface Measured {
  readonly burstMs: number;
  readonly burstCpuMs: number;
  readonly singleP50Ms: number;
  /** CORS Lens only: rows and rows carrying Firefox's reason for the burst's failures. */
  readonly rows?: { readonly rows: number; readonly withReason: number };
}

/** CORS Lens's Firefox build with no background: what installing it costs before its capture does anything. */
function noopExtension(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lens-firefox-noop-'));
  fs.cpSync(FIREFOX_EXTENSION_DIR, dir, { recursive: true });
  const file = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const { background: _none, devtools_page: _no, ...rest } = manifest;
  fs.writeFileSync(file, JSON.stringify(rest, null, 2));
  return dir;
}

async function measure(config: Config, pagePort: number, apiPort: number, noop: string, round: number): Promise<Measured> {
  const lens: FirefoxLens = await launchFirefox({
    extensionDir: config === 'none' ? null : config === 'noop' ? noop : FIREFOX_EXTENSION_DIR,
    prefs: { 'network.dns.localDomains': `${ORDINARY.page},${ORDINARY.api}` },
    awaitBackground: config === 'lens',
  });
  try {
    version ||= await lens.browser.version();
    const page = await lens.browser.newPage();
    const pageUrl = `http://${ORDINARY.page}:${pagePort}/bench-firefox-${config}-${round}`;
    await page.goto(pageUrl);
    const api = `http://${ORDINARY.api}:${apiPort}`;
    const tag = `${config}-${round}`;
    const run = <T>(script: string) => page.evaluate(script) as Promise<T>;
    await run(burstScript(api, 200, 50, `warm-${tag}`));
    await new Promise((r) => setTimeout(r, 200));
    const pid = lens.browser.process()?.pid ?? -1;
    const cpu0 = processTreeCpuMs(pid);
    const burstMs = await run<number>(burstScript(api, BURST, 50, tag));
    const burstCpuMs = processTreeCpuMs(pid) - cpu0;
    await new Promise((r) => setTimeout(r, 300));
    const singles = await run<number[]>(singleScript(api, 50, tag));
    let rows: Measured['rows'];
    if (config === 'lens') {
      const tabId = await lens.tabIdOf(pageUrl);
      const snapshot = await lens.command<{ records: { firefox?: { reason: string } }[] }>('snapshot', { tabId });
      rows = {
        rows: snapshot.records.length,
        withReason: snapshot.records.filter((r) => r.firefox?.reason === 'CORSMissingAllowOrigin').length,
      };
    }
    return { burstMs, burstCpuMs, singleP50Ms: stats(singles).median, ...(rows ? { rows } : {}) };
  } finally {
    await lens.close();
  }
}

const fmt = (s: Stats, unit = '') =>
  `${s.median.toFixed(unit ? 0 : 2)}${unit} (${s.min.toFixed(unit ? 0 : 2)}-${s.max.toFixed(unit ? 0 : 2)})`;

async function main(): Promise<void> {
  const servers = await startServers();
  const noop = noopExtension();
  const configs: Config[] = ['none', 'noop', 'lens'];
  const runs = new Map<Config, Measured[]>(configs.map((c) => [c, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Rotated each round, so that the machine's drift hits every configuration alike.
      const order = configs.map((_, i) => configs[(i + round) % configs.length] as Config);
      for (const config of order) {
        const m = await measure(config, servers.pagePort, servers.apiPort, noop, round);
        runs.get(config)?.push(m);
        console.log(
          `  round ${round + 1}/${ROUNDS} ${config}: burst ${m.burstMs.toFixed(0)} ms, CPU ${m.burstCpuMs.toFixed(0)} ms, single p50 ${m.singleP50Ms.toFixed(1)} ms${m.rows ? `, ${m.rows.rows} rows (${m.rows.withReason} with Firefox's reason)` : ''}`,
        );
      }
    }
  } finally {
    await servers.close();
    fs.rmSync(noop, { recursive: true, force: true });
  }
  const ratio = (c: Config, key: 'burstMs' | 'burstCpuMs' | 'singleP50Ms') =>
    stats((runs.get(c) ?? []).map((m, i) => m[key] / ((runs.get('none') ?? [])[i]?.[key] ?? Number.NaN)).filter(Number.isFinite));
  console.log(
    `\n${version} (${FIREFOX_PATH}), ${ROUNDS} rounds, ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)}; median (min-max)`,
  );
  console.log(
    `| configuration | burst of ${BURST} fetches | its CPU time | single fetch p50 | burst vs none | CPU vs none | single vs none |`,
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const c of configs) {
    const r = runs.get(c) ?? [];
    const cell = (key: 'burstMs' | 'burstCpuMs' | 'singleP50Ms', unit: string) => fmt(stats(r.map((m) => m[key])), unit);
    const vs = (key: 'burstMs' | 'burstCpuMs' | 'singleP50Ms') => (c === 'none' ? '' : `${fmt(ratio(c, key))}x`);
    console.log(
      `| ${LABELS[c]} | ${cell('burstMs', ' ms')} | ${cell('burstCpuMs', ' ms')} | ${cell('singleP50Ms', ' ms')} | ${vs('burstMs')} | ${vs('burstCpuMs')} | ${vs('singleP50Ms')} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
