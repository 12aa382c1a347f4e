/**
 * Benchmark plumbing: browsers in the configurations compared side by side (no extension, a do-nothing extension
 * with the same permissions, CORS Lens), the workloads (a burst of cross-origin requests, a realistic page), and
 * robust statistics. Every figure is measured in the same run, interleaved over rounds, so that the machine's drift
 * hits all configurations alike.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Page } from '@playwright/test';
import { CORS_TYPES, HEADERS_OPTIONS, SEND_OPTIONS } from '../extension/background/web-request.ts';
import { EXTENSION_DIR, type Lens, launch } from '../test-support/browser/browser.ts';
import { CdpClient } from '../test-support/browser/cdp-client.ts';

export type Config = 'none' | 'noop' | 'listeners' | 'lens' | 'lens+panel' | 'lens-dev';

/**
 * Host names for an ordinary site (not a development origin, so CORS Lens does not arm detailed capture there
 * unless its panel is open), mapped to the local servers.
 */
export const ORDINARY = { page: 'shop.example', api: 'api.example' } as const;
const HOST_RULES = `--host-resolver-rules=MAP ${ORDINARY.page} 127.0.0.1, MAP ${ORDINARY.api} 127.0.0.1`;

/**
 * A do-nothing MV3 extension with CORS Lens's permissions and no listeners: the floor of any extension. With
 * `listeners`, it registers the listeners of CORS Lens's detailed capture (onSendHeaders and onHeadersReceived with
 * extraHeaders, onErrorOccurred, same request types) and does nothing in them: the floor of that design.
 */
export function noopExtension(listeners = false): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lens-noop-'));
  const manifest = JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      manifest_version: 3,
      name: 'noop',
      version: '1',
      permissions: manifest.permissions,
      host_permissions: manifest.host_permissions,
      background: { service_worker: 'sw.js' },
    }),
  );
  const worker = listeners
    ? `const filter = { urls: ['<all_urls>'], types: ${JSON.stringify(CORS_TYPES)} };
chrome.webRequest.onSendHeaders.addListener(() => {}, filter, ${JSON.stringify(SEND_OPTIONS)});
chrome.webRequest.onHeadersReceived.addListener(() => {}, filter, ${JSON.stringify(HEADERS_OPTIONS)});
chrome.webRequest.onErrorOccurred.addListener(() => {}, filter);
`
    : '// nothing\n';
  fs.writeFileSync(path.join(dir, 'sw.js'), worker);
  return dir;
}

export interface Browser {
  readonly config: Config;
  readonly lens: Lens;
  /** The tab the workloads run in, with the panel page subscribed to it for 'lens+panel'. */
  page: Page;
  panel: Page | null;
}

export async function openBrowser(config: Config, floors: { noop: string; listeners: string }): Promise<Browser> {
  const extensionDir = config === 'none' ? null : config === 'noop' ? floors.noop : config === 'listeners' ? floors.listeners : undefined;
  const lens = await launch({ extensionDir, thirdPartyCookies: 'allow', debugPort: true, extraArgs: [HOST_RULES] });
  const page = await lens.context.newPage();
  return { config, lens, page, panel: null };
}

/** A fresh page for a round (a navigation: CORS Lens starts the tab's log anew) and, for 'lens+panel', its panel. */
export async function freshPage(b: Browser, url: string): Promise<void> {
  await b.page.goto(url);
  if (b.config === 'lens+panel' && !b.panel) {
    const tabId = await b.lens.tabIdOf(b.page);
    b.panel = await b.lens.openPanel(tabId);
    await b.page.bringToFront();
  }
}

/**
 * The burst: `total` cross-origin fetches, every other one failing CORS (no Access-Control-Allow-Origin), `inFlight`
 * at a time. Returns the settle time in ms, measured in the page.
 */
export async function burst(page: Page, api: string, total: number, inFlight: number, tag: string): Promise<number> {
  return page.evaluate(
    `(async () => {
      const api = ${JSON.stringify(api)}, total = ${total}, inFlight = ${inFlight}, tag = ${JSON.stringify(tag)};
      const star = encodeURIComponent(JSON.stringify({ 'access-control-allow-origin': '*' }));
      let next = 0;
      const t0 = performance.now();
      const lane = async () => {
        while (next < total) {
          const i = next++;
          const url = api + '/cors?b=' + tag + '-' + i + (i % 2 ? '&h=' + star : '');
          await fetch(url).then((r) => r.text(), () => null);
        }
      };
      await Promise.all(Array.from({ length: inFlight }, lane));
      return performance.now() - t0;
    })()`,
  ) as Promise<number>;
}

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly p95: number;
  readonly n: number;
}

export function stats(values: readonly number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
  const mid = s.length % 2 ? (s[(s.length - 1) / 2] ?? Number.NaN) : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
  return { median: mid, min: s[0] ?? Number.NaN, max: s.at(-1) ?? Number.NaN, p95: at(0.95), n: s.length };
}

/** A CDP session on the extension's service worker, or null when none is running; close the client when done. */
export async function workerSession(lens: Lens): Promise<{ cdp: CdpClient; session: string | null }> {
  const cdp = await CdpClient.connect(lens.debugPort as number);
  const target = (await cdp.targets()).find((t) => t.type === 'service_worker' && t.url.includes(lens.extensionId));
  return { cdp, session: target ? await cdp.attach(target.targetId) : null };
}

/** The extension service worker's JS heap in bytes (after a garbage collection), over CDP. */
export async function workerHeap(lens: Lens): Promise<number> {
  const { cdp, session } = await workerSession(lens);
  try {
    if (session === null) return Number.NaN;
    await cdp.send('HeapProfiler.collectGarbage', {}, session);
    return (await cdp.send<{ usedSize: number }>('Runtime.getHeapUsage', {}, session)).usedSize;
  } finally {
    cdp.close();
  }
}

/** The files a built entry loads (its static import graph), for bundle sizes. */
export function importGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file) || !fs.existsSync(file)) return seen;
  seen.add(file);
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:import|from)\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    importGraph(path.resolve(path.dirname(file), m[1] as string), seen);
  }
  return seen;
}

export function sizes(files: Iterable<string>): { raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const data = fs.readFileSync(f);
    raw += data.length;
    gzip += zlib.gzipSync(data, { level: 9 }).length;
  }
  return { raw, gzip };
}
