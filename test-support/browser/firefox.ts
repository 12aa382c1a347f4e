/**
 * Firefox ESR (Debian's firefox-esr) driven over WebDriver BiDi with puppeteer-core: launched headless with the
 * Firefox build installed (webExtension.install), and the handles the tests, the recorder and the bench need: the
 * pages' console as BiDi log entries (Firefox's CORS messages reach BiDi there, never as puppeteer console events),
 * the panel page, the badge, and the CORS panel inside Firefox's real DevTools.
 *
 * The remote agent runs with system access (--remote-allow-system-access): BiDi may then navigate a tab to an
 * extension page and run script in the browser window's own scope, where DevTools is opened and its panels read.
 */
import path from 'node:path';
import type { Page as PlaywrightPage } from '@playwright/test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { PANEL_PAGE } from '../../extension/paths.ts';
import { GECKO_ID } from '../../manifest.config.ts';
import type { PageEvaluator } from './triggers.ts';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const FIREFOX_EXTENSION_DIR = path.resolve(process.env.CORS_LENS_FIREFOX_EXTENSION ?? 'dist-firefox');
/** The moz-extension:// host the extension gets: fixed by a preference, so that its pages' URLs are known. */
const EXTENSION_UUID = '3c6f1e8a-0b7d-4d52-9a41-c0b5e7d2f914';
const EXTENSION_ORIGIN = `moz-extension://${EXTENSION_UUID}`;

/** The BiDi connection puppeteer's Firefox Browser drives, for the events and commands it does not wrap. */
interface BidiConnection {
  on(event: string, listener: (params: never) => void): void;
  send(method: string, params: object): Promise<{ result: Record<string, unknown> }>;
}

export const bidiOf = (browser: Browser): BidiConnection => (browser as unknown as { connection: BidiConnection }).connection;

/** Runs puppeteer's page.evaluate where code written for Playwright's expects it (same calling convention). */
export const evaluator = (page: Page): PageEvaluator => ({
  evaluate: ((fn: (arg: unknown) => unknown, arg: unknown) => page.evaluate(fn, arg)) as PlaywrightPage['evaluate'],
});

export const until = async (done: () => boolean, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
};

export interface FirefoxLaunchOptions {
  /** The extension to install; null for none. */
  readonly extensionDir?: string | null;
  readonly prefs?: Readonly<Record<string, string | number | boolean>>;
  /** Wait until CORS Lens's background answers (default: when an extension is installed; not for one without it). */
  readonly awaitBackground?: boolean;
}

/** One console entry of a page, as BiDi's log module reports it. */
export interface ConsoleEntry {
  readonly at: number;
  readonly level: string;
  readonly text: string;
}

export interface FirefoxLens {
  readonly browser: Browser;
  /** Every error-level console entry of every page so far (Firefox's CORS messages among them), in order. */
  readonly console: readonly ConsoleEntry[];
  /** Sends a command to the extension's background from one of its pages (it takes commands only from those). */
  command<T>(type: string, payload: unknown): Promise<T>;
  /** The WebExtension id of the tab showing this URL. */
  tabIdOf(url: string): Promise<number>;
  badge(tabId: number): Promise<string>;
  /** Opens the panel page for a tab, as a normal tab: one row per request unless `group` (as in Chromium's Lens). */
  openPanel(tabId: number, options?: { group?: boolean }): Promise<Page>;
  /**
   * Opens Firefox DevTools on the tab showing this URL, with the CORS panel selected: one row per request unless
   * `group` (the panel's remembered setting, written before it opens).
   */
  openDevtools(url: string, options?: { group?: boolean }): Promise<void>;
  /** Runs a function in the CORS panel shown in the DevTools of the tab showing this URL, and returns its result. */
  inDevtoolsPanel<T>(url: string, fn: () => T): Promise<T>;
  close(): Promise<void>;
}

/** Launches Firefox ESR headless with the Firefox build installed. */
export async function launchFirefox(options: FirefoxLaunchOptions = {}): Promise<FirefoxLens> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: EXTENSION_UUID }),
      // The copy test reads the clipboard back from a page without a paste prompt.
      'dom.events.testing.asyncClipboard': true,
      ...options.prefs,
    },
  });
  const bidi = bidiOf(browser);
  const console: ConsoleEntry[] = [];
  bidi.on('log.entryAdded', (e: { type: string; level: string; text: string | null }) => {
    if (e.type === 'javascript' && e.text !== null) console.push({ at: Date.now(), level: e.level, text: e.text });
  });
  const extensionDir = options.extensionDir === undefined ? FIREFOX_EXTENSION_DIR : options.extensionDir;
  if (extensionDir) await browser.installExtension(extensionDir);

  // A page of the extension the tests keep for asking the extension's own APIs (tabs, badge).
  let helper: Page | null = null;
  const extensionPage = async (): Promise<Page> => {
    helper ??= await openExtensionPage(browser, `${EXTENSION_ORIGIN}/${PANEL_PAGE}`);
    return helper;
  };
  const inChrome = async <T>(expression: string): Promise<T> => {
    const tree = await bidi.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
    const [window] = tree.result.contexts as { context: string }[];
    const { result } = await bidi.send('script.evaluate', {
      expression,
      target: { context: window?.context },
      awaitPromise: true,
      resultOwnership: 'none',
    });
    const r = result as { type: string; result?: { value?: string }; exceptionDetails?: { text?: string } };
    if (r.type !== 'success') throw new Error(`in the browser window: ${r.exceptionDetails?.text ?? JSON.stringify(r)}`);
    return JSON.parse(r.result?.value ?? 'null') as T;
  };
  const command = async <T>(type: string, payload: unknown): Promise<T> => {
    const page = await extensionPage();
    return page.evaluate(
      (t, p) => (globalThis as unknown as ExtensionGlobal).browser.runtime.sendMessage({ channel: 'cors-lens', type: t, payload: p }),
      type,
      payload,
    ) as Promise<T>;
  };
  if (extensionDir && options.awaitBackground !== false) {
    // The background starts after the install returns: requests made before its listeners are registered are not seen.
    const deadline = Date.now() + 30_000;
    while (!(await command<{ ready?: boolean }>('ready', null).catch(() => null))?.ready) {
      if (Date.now() > deadline) throw new Error("CORS Lens's background did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    browser,
    console,
    command,
    async tabIdOf(url) {
      const page = await extensionPage();
      const id = await page.evaluate(async (u) => {
        const tabs = await (globalThis as unknown as ExtensionGlobal).browser.tabs.query({});
        return tabs.find((t) => t.url === u)?.id ?? -1;
      }, url);
      if (id < 0) throw new Error(`no tab shows ${url}`);
      return id;
    },
    async badge(tabId) {
      const page = await extensionPage();
      return page.evaluate((id) => (globalThis as unknown as ExtensionGlobal).browser.action.getBadgeText({ tabId: id }), tabId);
    },
    openPanel: (tabId, options = {}) =>
      openExtensionPage(browser, `${EXTENSION_ORIGIN}/${PANEL_PAGE}?tabId=${tabId}${options.group ? '' : '&group=0'}`),
    async openDevtools(url, options = {}) {
      const page = await extensionPage();
      await page.evaluate((group) => localStorage.setItem('cors-lens:group', String(group)), options.group === true);
      await inChrome(`(async () => {
        const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
        const { gDevTools } = require('devtools/client/framework/devtools');
        const tab = gBrowser.tabs.find((t) => t.linkedBrowser.currentURI.spec === ${JSON.stringify(url)});
        gBrowser.selectedTab = tab;
        const toolbox = await gDevTools.showToolboxForTab(tab);
        // The devtools page adds the panel once it has run.
        const deadline = Date.now() + 20000;
        let tool;
        while (!(tool = toolbox.getAdditionalTools().find((t) => t.label === 'CORS')) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
        }
        if (!tool) throw new Error('no CORS panel in DevTools');
        await toolbox.selectTool(tool.id);
        return 'true';
      })()`);
    },
    async inDevtoolsPanel(url, fn) {
      // The panel's page runs in a <browser> inside the toolbox: a frame script there runs the function and answers.
      const script = `sendAsyncMessage('cors-lens-test', JSON.stringify((${fn.toString()})()));`;
      return inChrome(`(async () => {
        const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
        const { gDevTools } = require('devtools/client/framework/devtools');
        const tab = gBrowser.tabs.find((t) => t.linkedBrowser.currentURI.spec === ${JSON.stringify(url)});
        const toolbox = gDevTools.getToolboxForTab(tab);
        const frame = toolbox.doc.getElementById('toolbox-panel-iframe-' + toolbox.currentToolId);
        const mm = frame.contentDocument.querySelector('browser').messageManager;
        const answer = new Promise((resolve) => {
          const listener = (m) => {
            mm.removeMessageListener('cors-lens-test', listener);
            resolve(m.data);
          };
          mm.addMessageListener('cors-lens-test', listener);
        });
        mm.loadFrameScript('data:,' + encodeURIComponent(${JSON.stringify(`(() => { const document = content.document; ${script} })()`)}), false);
        return answer;
      })()`);
    },
    close: () => browser.close(),
  };
}

/** What the tests call of the extension's own APIs, from one of its pages. */
interface ExtensionGlobal {
  browser: {
    runtime: { sendMessage(message: unknown): Promise<unknown> };
    tabs: { query(q: object): Promise<{ id?: number; url?: string }[]> };
    action: { getBadgeText(d: { tabId: number }): Promise<string> };
  };
}

/**
 * Opens an extension page in a new tab. BiDi's navigation never reports an extension page loaded (it moves to the
 * extension's process), so the tab is sent there and the page is awaited by asking it where it is.
 */
async function openExtensionPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  const context = (page.mainFrame() as unknown as { _id: string })._id;
  await bidiOf(browser).send('browsingContext.navigate', { context, url, wait: 'none' });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const at = await page.evaluate(() => (document.readyState === 'loading' ? '' : location.href)).catch(() => '');
    if (at === url) return page;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not open`);
}
