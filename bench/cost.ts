/**
 * What CORS Lens costs the pages a developer works on, measured the way a user pays it: Chromium driven over a bare
 * CDP socket (bare.ts), a fresh profile per configuration and round, configurations interleaved and rotated each
 * round so that the machine's drift hits them alike, every ratio taken against its floor in the same round.
 *
 * Workloads, in the page: a burst of 2,000 cross-site fetches (half failing CORS, 50 in flight), its settle time and
 * the browser's CPU time; 50 sequential single fetches that pass (latency p50).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXTENSION_DIR } from '../test-support/browser/browser.ts';
import { BareBrowser, type BarePage, type BareBrowser as Browser, sleep } from './bare.ts';
import { type Stats, stats } from './lib.ts';

/** Host names for an ordinary site, mapped to the local servers. */
export const ORDINARY = { page: 'shop.example', api: 'api.example' } as const;
export const HOST_RULES = `--host-resolver-rules=MAP ${ORDINARY.page} 127.0.0.1, MAP ${ORDINARY.api} 127.0.0.1`;

/** The extensions CORS Lens is measured against: each does nothing of ours, and pays one step more (floorExtension). */
export type Floor = 'noop' | 'listener' | 'hook' | 'panel' | 'har' | 'har-panel' | 'poll-panel';
export type Extension = 'none' | Floor | 'lens' | 'compare';

/** What each floor is, as the benches print it (and its manifest's name). */
export const FLOOR_LABELS: Record<Floor, string> = {
  noop: 'do nothing',
  listener: 'one empty listener',
  hook: "one empty listener and CORS Lens's page hook and relay",
  panel: "one empty listener, an empty panel shown (DevTools' log not read)",
  har: 'empty error and onRequestFinished listeners',
  'har-panel': 'empty listeners, an empty panel shown',
  'poll-panel': "empty error listener, DevTools' log read (getHAR) each second, an empty panel shown",
};

/**
 * What each floor has: the empty error listener in a worker, the empty onRequestFinished listener (DevTools' log
 * read) and the empty panel, both in a devtools page; `hook`, CORS Lens's own page hook and relay (its content
 * scripts, from the build), which nobody asks for their reports: what they cost the page by themselves.
 */
const FLOOR_PARTS: Record<
  Floor,
  { readonly listener: boolean; readonly har: boolean; readonly panel: boolean; readonly hook?: true; readonly poll?: true }
> = {
  noop: { listener: false, har: false, panel: false },
  listener: { listener: true, har: false, panel: false },
  hook: { listener: true, har: false, panel: false, hook: true },
  panel: { listener: true, har: false, panel: true },
  har: { listener: true, har: true, panel: false },
  'har-panel': { listener: true, har: true, panel: true },
  'poll-panel': { listener: true, har: false, panel: true, poll: true },
};

/** Whether an extension measured has a floor's devtools page (its log listener or its panel). */
function hasFloorDevtoolsPage(extension: Extension): boolean {
  const parts = (FLOOR_PARTS as Partial<Record<Extension, (typeof FLOOR_PARTS)[Floor]>>)[extension];
  return parts !== undefined && (parts.har || parts.panel);
}

/**
 * The floor of CORS Lens with DevTools closed, open, or with its panel shown: what any design there pays. With
 * DevTools open and the panel not shown, DevTools' log is read only after a failure; with the panel shown it is read
 * all along, by reads of the whole log (getHAR), as CORS Lens does (extension/devtools/network-log.ts).
 */
export function floorFor(devtools: Config['devtools']): Floor {
  return devtools === 'closed' || devtools === 'open' ? 'listener' : 'poll-panel';
}

export interface Config {
  readonly id: string;
  readonly label: string;
  readonly extension: Extension;
  readonly origin: 'ordinary' | 'localhost';
  /** closed; open (DevTools open on the tab, another panel shown); panel (the CORS panel shown in DevTools). */
  readonly devtools: 'closed' | 'open' | 'panel';
  /** The user turned detailed capture on for the page's site. */
  readonly siteDetails?: boolean;
  /** The configuration this one is compared with (its floor), by id. */
  readonly floor?: string;
}

export interface Servers {
  readonly pagePort: number;
  readonly apiPort: number;
}

/**
 * A floor extension: a do-nothing MV3 extension with CORS Lens's permissions; from `listener` on, one empty
 * onErrorOccurred like ours; from `har` on, also a devtools page with one empty
 * chrome.devtools.network.onRequestFinished listener: what any design that takes its details from DevTools' network
 * log pays (DevTools then builds and sends every request's HAR entry); with `har-panel`, also an empty DevTools panel
 * named like ours, to be shown: what DevTools pays to show any extension's panel (its frame in the DevTools window),
 * so that the panel-shown row can tell that from what our panel does. `panel` is `listener` and the empty panel,
 * without the onRequestFinished listener: what showing an extension's panel costs by itself. `poll-panel` is that,
 * with the log read another way: the whole log (getHAR) every second, the hidden devtools page's timer allowing no
 * more, instead of each entry as its request ends.
 */
export function floorExtension(floor: Floor): string {
  const { listener, har, panel, hook, poll } = FLOOR_PARTS[floor];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lens-floor-'));
  const manifest = JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      manifest_version: 3,
      name: FLOOR_LABELS[floor],
      version: '1',
      permissions: manifest.permissions,
      host_permissions: manifest.host_permissions,
      background: { service_worker: 'sw.js' },
      ...(hasFloorDevtoolsPage(floor) ? { devtools_page: 'devtools.html' } : {}),
      ...(hook ? { content_scripts: manifest.content_scripts } : {}),
    }),
  );
  if (hook)
    for (const { js } of manifest.content_scripts as { js: string[] }[])
      for (const file of js) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.copyFileSync(path.join(EXTENSION_DIR, file), path.join(dir, file));
      }
  const types = ['xmlhttprequest', 'font', 'script', 'stylesheet', 'image', 'media', 'other'];
  fs.writeFileSync(
    path.join(dir, 'sw.js'),
    listener ? `chrome.webRequest.onErrorOccurred.addListener(() => {}, { urls: ['<all_urls>'], types: ${JSON.stringify(types)} });\n` : '',
  );
  if (hasFloorDevtoolsPage(floor)) {
    fs.writeFileSync(path.join(dir, 'devtools.html'), '<!doctype html><script src="devtools.js"></script>\n');
    fs.writeFileSync(
      path.join(dir, 'devtools.js'),
      `${har ? 'chrome.devtools.network.onRequestFinished.addListener(() => {});\n' : ''}${poll ? 'setInterval(() => chrome.devtools.network.getHAR(() => {}), 1000);\n' : ''}${panel ? "chrome.devtools.panels.create('CORS', '', 'panel.html');\n" : ''}`,
    );
  }
  if (panel) fs.writeFileSync(path.join(dir, 'panel.html'), '<!doctype html><title>empty</title><p>An empty panel.</p>\n');
  return dir;
}

export function origins(config: Pick<Config, 'origin'>, servers: Servers): { page: string; api: string } {
  return config.origin === 'localhost'
    ? { page: `http://localhost:${servers.pagePort}`, api: `http://127.0.0.1:${servers.apiPort}` }
    : { page: `http://${ORDINARY.page}:${servers.pagePort}`, api: `http://${ORDINARY.api}:${servers.apiPort}` };
}

export interface Measured {
  readonly burstMs: number;
  readonly burstCpuMs: number;
  readonly singleP50Ms: number;
}

/**
 * The burst: `total` fetches, every other one failing CORS (no Access-Control-Allow-Origin), `inFlight` at a time;
 * with `failing` false, all of them pass.
 */
export function burstScript(api: string, total: number, inFlight: number, tag: string, failing = true): string {
  return `(async () => {
    const api = ${JSON.stringify(api)}, total = ${total}, inFlight = ${inFlight}, tag = ${JSON.stringify(tag)};
    const star = encodeURIComponent(JSON.stringify({ 'access-control-allow-origin': '*' }));
    let next = 0;
    const t0 = performance.now();
    const lane = async () => {
      while (next < total) {
        const i = next++;
        await fetch(api + '/cors?b=' + tag + '-' + i + (i % 2 || ${!failing} ? '&h=' + star : '')).then((r) => r.text(), () => null);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    return performance.now() - t0;
  })()`;
}

/** Sequential single fetches that pass: the latency of each, ms. */
export function singleScript(api: string, n: number, tag: string): string {
  return `(async () => {
    const star = encodeURIComponent(JSON.stringify({ 'access-control-allow-origin': '*' }));
    const out = [];
    for (let i = 0; i < ${n}; i++) {
      const t = performance.now();
      await fetch(${JSON.stringify(api)} + '/cors?single=${tag}-' + i + '&h=' + star).then((r) => r.text(), () => null);
      out.push(performance.now() - t);
    }
    return out;
  })()`;
}

/** Waits until DevTools on the page records its network log (a probe request shows up in it). */
async function devtoolsRecording(browser: Browser, page: BarePage, api: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (let i = 0; Date.now() < deadline; i++) {
    const probe = `${api}/cors?devtools-probe=${Date.now()}-${i}`;
    await browser.evaluate(page, `fetch(${JSON.stringify(probe)}).catch(() => null)`);
    await sleep(300);
    for (const session of await browser.devtoolsSessions()) {
      const seen = await browser.cdp
        .evaluate<boolean>(
          session,
          `import('devtools://devtools/bundled/models/logs/logs.js').then((m) => m.NetworkLog.NetworkLog.instance().requests().some((r) => r.url() === ${JSON.stringify(probe)}), () => false)`,
        )
        .catch(() => false);
      if (seen) return;
    }
  }
  throw new Error('DevTools never recorded the page');
}

/**
 * Waits until CORS Lens gets details from DevTools on the tab (a failure recorded with them). DevTools loads the
 * extension's devtools page after its own front-end: a failing probe is sent again each second until one is joined.
 */
async function lensWatching(browser: Browser, page: BarePage, api: string): Promise<void> {
  const tabId = await browser.tabIdOf(page);
  const deadline = Date.now() + 60_000;
  for (let i = 0; Date.now() < deadline; i++) {
    if (i % 3 === 0)
      await browser.evaluate(page, `fetch(${JSON.stringify(`${api}/cors?lens-probe=${Date.now()}-${i}`)}).catch(() => null)`);
    const records = await browser.inWorker<string[]>(
      `chrome.storage.session.get(null).then((all) => Object.entries(all).filter(([k]) => k.startsWith('rec:${tabId}:')).map(([, v]) => v))`,
    );
    if (records.some((r) => r.includes('"source":"devtools"'))) return;
    await sleep(300);
  }
  throw new Error('CORS Lens never got details from DevTools');
}

/**
 * Shows the panel named CORS (ours, or the floor's empty one) in the page's DevTools, and waits until its page is
 * loaded: DevTools adds an extension's panel only once its devtools page ran, and showing it earlier does nothing.
 */
async function showPanel(browser: Browser): Promise<void> {
  const id = `chrome-extension://${browser.extensionId}CORS`;
  const loaded = async () =>
    (await browser.cdp.targets()).some(
      (t) => t.url.startsWith(`chrome-extension://${browser.extensionId}/`) && t.url.endsWith('panel.html'),
    );
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    for (const session of await browser.devtoolsSessions()) {
      await browser.cdp.evaluate(
        session,
        `import('devtools://devtools/bundled/ui/legacy/legacy.js').then((m) => m.InspectorView.InspectorView.instance().showPanel(${JSON.stringify(id)})).then(() => true, () => false)`,
      );
    }
    await sleep(300);
    if (await loaded()) return;
  }
  throw new Error('the CORS panel never loaded in DevTools');
}

/** Turns on detailed capture for a site, from an extension page (commands are only taken from those). */
async function turnOnSiteDetails(browser: Browser, origin: string): Promise<void> {
  const page = await browser.open(`chrome-extension://${browser.extensionId}/extension/panel/panel.html`);
  await browser.evaluate(
    page,
    `chrome.runtime.sendMessage({ channel: 'cors-lens', type: 'detailOrigin', payload: { origin: ${JSON.stringify(origin)}, on: true } })`,
  );
  await browser.cdp.send('Target.closeTarget', { targetId: page.targetId });
}

/** The DevTools front-end inspecting the page (another one may be open on the browser's first tab). */
async function devtoolsOf(browser: Browser, page: BarePage): Promise<string | null> {
  const url = await browser.evaluate<string>(page, 'location.href');
  for (const session of await browser.devtoolsSessions()) {
    const inspected = await browser.cdp
      .evaluate<string | null>(
        session,
        `import('devtools://devtools/bundled/core/sdk/sdk.js').then((m) => m.TargetManager.TargetManager.instance().primaryPageTarget()?.inspectedURL() ?? null, () => null)`,
      )
      .catch(() => null);
    if (inspected === url) return session;
  }
  return null;
}

/**
 * Brings the DevTools windows `fronts` to the front until a frame runs in the document of `session`; returns how many
 * times it had to. A window the browser does not paint (some runs here get one) runs no frames: DevTools and the CORS
 * panel skip their rendering there, and the panel's timers fire once a second. A developer looks at a painted one.
 */
export async function untilPainted(browser: Browser, session: string, fronts: readonly string[], what: string): Promise<number> {
  const paints = () =>
    browser.cdp.evaluate<boolean>(
      session,
      'new Promise((resolve) => { requestAnimationFrame(() => resolve(true)); setTimeout(() => resolve(false), 500); })',
    );
  let attempts = 0;
  while (!(await paints())) {
    if (++attempts > 10) throw new Error(`${what} is never painted`);
    for (const front of fronts) await browser.cdp.send('Page.bringToFront', {}, front).catch(() => undefined);
    await sleep(300);
  }
  if (attempts > 0) console.log(`  (${what} was not painted: brought to the front ${attempts} time(s))`);
  return attempts;
}

/** Waits until the floor's devtools page (its onRequestFinished listener, its panel) is loaded in the page's DevTools. */
async function harListening(browser: Browser): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await browser.cdp.targets()).some((t) => /^chrome-extension:\/\/[a-p]{32}\/devtools\.html$/.test(t.url))) return;
    await sleep(300);
  }
  throw new Error("the floor's devtools page never loaded in DevTools");
}

/** Makes sure the page's DevTools window is painted, as the one a developer looks at is (untilPainted). */
async function devtoolsPainted(browser: Browser, page: BarePage): Promise<void> {
  const session = await devtoolsOf(browser, page);
  if (!session) throw new Error('no DevTools front-end inspects the page');
  await untilPainted(browser, session, [session], "the page's DevTools window");
}

/** With DevTools open: waits until DevTools records the page and CORS Lens gets its details, shows the panel if asked. */
export async function prepareDevtools(
  browser: Browser,
  page: BarePage,
  api: string,
  config: Pick<Config, 'devtools' | 'extension'>,
): Promise<void> {
  if (config.devtools === 'closed') return;
  await devtoolsRecording(browser, page, api);
  if (hasFloorDevtoolsPage(config.extension)) await harListening(browser);
  if (config.extension === 'lens') {
    await browser.evaluate(page, `fetch(${JSON.stringify(`${api}/cors?warm-details=${Date.now()}`)}).catch(() => null)`);
    await lensWatching(browser, page, api);
  }
  if (config.devtools === 'panel') await showPanel(browser);
  await devtoolsPainted(browser, page);
}

/** A browser that used less than this share of one core over QUIET_STEP_MS is quiet. */
const QUIET_SHARE = 0.1;
const QUIET_STEP_MS = 250;

/**
 * Waits until the browser's processes are quiet for two steps in a row, at most `boundMs`: a fresh profile keeps
 * working for seconds after launch and after a warm-up (its own start-up tasks, the extension's writes, garbage
 * collection), and a burst measured on top of that measures them too. Returns how long it waited.
 */
export async function untilQuiet(browser: Browser, boundMs = 10_000): Promise<number> {
  const start = Date.now();
  let last = browser.cpuMs();
  for (let quiet = 0; quiet < 2 && Date.now() - start < boundMs; ) {
    await sleep(QUIET_STEP_MS);
    const now = browser.cpuMs();
    quiet = now - last < QUIET_SHARE * QUIET_STEP_MS ? quiet + 1 : 0;
    last = now;
  }
  return Date.now() - start;
}

/** One configuration, one round: a fresh browser, a warm-up, the burst, the single fetches, each once it is quiet. */
export async function measure(config: Config, servers: Servers, dirs: Record<Extension, string | null>, round: number): Promise<Measured> {
  const { page: pageOrigin, api } = origins(config, servers);
  const browser = await BareBrowser.launch({
    extensionDir: dirs[config.extension],
    devtools: config.devtools !== 'closed',
    extraArgs: [HOST_RULES],
  });
  try {
    if (config.siteDetails) await turnOnSiteDetails(browser, pageOrigin);
    const page = await browser.open(`${pageOrigin}/bench-${config.id}-${round}`);
    await prepareDevtools(browser, page, api, config);
    const tag = `${config.id}-${round}`;
    await browser.evaluate(page, burstScript(api, 200, 50, `warm-${tag}`));
    if ((await untilQuiet(browser)) >= 10_000) console.log(`  (${config.id}: the browser was not quiet within 10 s; measured anyway)`);
    const cpu0 = browser.cpuMs();
    const burstMs = await browser.evaluate<number>(page, burstScript(api, 2000, 50, tag));
    const burstCpuMs = browser.cpuMs() - cpu0;
    await untilQuiet(browser);
    const singles = await browser.evaluate<number[]>(page, singleScript(api, 50, tag));
    return { burstMs, burstCpuMs, singleP50Ms: stats(singles).median };
  } finally {
    await browser.close();
  }
}

export interface CostResult {
  readonly config: Config;
  readonly runs: Measured[];
}

/** Per-round ratios of a configuration against its floor, for one measure. */
export function ratioStats(results: Map<string, CostResult>, id: string, floor: string, key: keyof Measured): Stats {
  const a = results.get(id)?.runs ?? [];
  const b = results.get(floor)?.runs ?? [];
  return stats(a.map((m, i) => m[key] / (b[i]?.[key] ?? Number.NaN)).filter((x) => Number.isFinite(x)));
}
