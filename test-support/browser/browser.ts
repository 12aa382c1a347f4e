/**
 * Launching the system Chromium with the built extension (dist/): new headless, the flags this closed network needs
 * (docs/capture.md), a profile of our own, and optionally real DevTools on every tab. Also the handles tests need: the
 * service worker (fresh after a restart), tab ids, the badge, the panel page, and commands to the worker.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page, type Worker } from '@playwright/test';
import { PANEL_PAGE } from '../../extension/paths.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const EXTENSION_DIR = path.resolve(process.env.CORS_LENS_EXTENSION ?? 'dist');

export interface LaunchOptions {
  /** 'allow' seeds the profile so cross-site requests carry cookies; 'block' is Chromium's default. */
  readonly thirdPartyCookies?: 'allow' | 'block';
  /** Open real DevTools for every tab (with a remote debugging port to reach its front-end). */
  readonly devtools?: boolean;
  /** Open a remote debugging port (for the browser-wide oracle), without DevTools windows. */
  readonly debugPort?: boolean;
  readonly headless?: boolean;
  readonly extensionDir?: string | null;
  readonly extraArgs?: readonly string[];
  /**
   * DevTools' own settings, as DevTools stores them (each value JSON-encoded), e.g. `{ currentDockState: '"right"',
   * uiTheme: '"dark"' }`: where DevTools docks and its theme.
   */
  readonly devtoolsPreferences?: Readonly<Record<string, string>>;
}

export interface Lens {
  readonly context: BrowserContext;
  /** Whether DevTools opens on every tab (CORS Lens then takes details from its network log). */
  readonly devtools: boolean;
  readonly extensionId: string;
  readonly profileDir: string;
  readonly debugPort: number | null;
  /** The current service worker (a new one after each restart). */
  worker(): Promise<Worker>;
  tabIdOf(page: Page): Promise<number>;
  badge(tabId: number): Promise<string>;
  /**
   * Opens the panel page for a tab, as a normal tab. One row per request (`&group=0`) unless `group` is set: the
   * tests that compare rows with Chromium's verdicts need every request's own row.
   */
  openPanel(tabId: number, options?: { group?: boolean }): Promise<Page>;
  /** Sends a command to the worker from an extension page (the worker takes commands only from those). */
  command<T>(type: string, payload: unknown): Promise<T>;
  /** How much the worker captures on a tab now: 'devtools', 'detailed' or 'counting'. */
  captureState(tabId: number): Promise<string>;
  /** Stops the extension's service worker the way the browser does when it is idle. */
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export function chromiumArgs(extensionDir: string | null): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-features=Translate,OptimizationHints,MediaRouter',
    ...(extensionDir ? [`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`] : []),
  ];
}

function freePort(): number {
  return 20000 + Math.floor(Math.random() * 20000);
}

export async function launch(options: LaunchOptions = {}): Promise<Lens> {
  const extensionDir = options.extensionDir === undefined ? EXTENSION_DIR : options.extensionDir;
  if (extensionDir && !fs.existsSync(path.join(extensionDir, 'manifest.json'))) {
    throw new Error(`No built extension in ${extensionDir}: run npm run build first.`);
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lens-'));
  const profileDir = path.join(root, 'profile');
  fs.mkdirSync(path.join(profileDir, 'Default'), { recursive: true });
  const preferences = {
    ...(options.thirdPartyCookies === 'allow' ? { profile: { cookie_controls_mode: 0 } } : {}),
    ...(options.devtoolsPreferences ? { devtools: { preferences: options.devtoolsPreferences } } : {}),
  };
  if (Object.keys(preferences).length > 0) fs.writeFileSync(path.join(profileDir, 'Default', 'Preferences'), JSON.stringify(preferences));
  const debugPort = options.devtools || options.debugPort ? freePort() : null;
  const args = [
    ...chromiumArgs(extensionDir),
    ...(debugPort ? [`--remote-debugging-port=${debugPort}`] : []),
    ...(options.devtools ? ['--auto-open-devtools-for-tabs'] : []),
    ...(options.extraArgs ?? []),
  ];
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: options.headless ?? true,
    args,
    // Killed Chromium leaves its temporary files behind: keep them in our folder.
    env: { ...process.env, TMPDIR: root },
  });
  let extensionId = '';
  const worker = async (): Promise<Worker> => {
    const existing = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
    const w = existing ?? (await context.waitForEvent('serviceworker', { timeout: 10_000 }));
    await w.evaluate(() => chrome.runtime.id);
    return w;
  };
  if (extensionDir) extensionId = new URL((await worker()).url()).host;
  let commandPage: Page | null = null;
  const command = async <T>(type: string, payload: unknown): Promise<T> => {
    if (!commandPage || commandPage.isClosed()) {
      // The panel page without a tab: it subscribes to nothing, and it is an extension page the worker listens to.
      commandPage = await context.newPage();
      await commandPage.goto(`chrome-extension://${extensionId}/${PANEL_PAGE}`);
    }
    return commandPage.evaluate(([t, p]) => chrome.runtime.sendMessage({ channel: 'cors-lens', type: t, payload: p }), [
      type,
      payload,
    ] as const) as Promise<T>;
  };
  const lens: Lens = {
    context,
    devtools: options.devtools === true,
    extensionId,
    command,
    async captureState(tabId) {
      return (await command<{ capture: string }>('snapshot', { tabId })).capture;
    },
    profileDir,
    debugPort,
    worker,
    async tabIdOf(page) {
      const url = page.url();
      const w = await worker();
      const id = await w.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)?.id ?? -1, url);
      if (id < 0) throw new Error(`no tab for ${url}`);
      return id;
    },
    async badge(tabId) {
      const w = await worker();
      return w.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
    },
    async openPanel(tabId, options = {}) {
      const panel = await context.newPage();
      await panel.goto(`chrome-extension://${extensionId}/${PANEL_PAGE}?tabId=${tabId}${options.group ? '' : '&group=0'}`);
      return panel;
    },
    async stopWorker() {
      const page = context.pages()[0] ?? (await context.newPage());
      const cdp = await context.newCDPSession(page);
      const stopped = new Promise<void>((resolve) => {
        cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
          if (e.versions.some((v) => v.scriptURL.startsWith(`chrome-extension://${extensionId}/`) && v.runningStatus === 'stopped'))
            resolve();
        });
      });
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.stopAllWorkers');
      await stopped;
      await cdp.detach();
    },
    async close() {
      await context.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  return lens;
}
