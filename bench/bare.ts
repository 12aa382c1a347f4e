/**
 * Chromium driven over a bare CDP socket, for measuring what a user pays: no Playwright on the measured page (its
 * per-page instrumentation makes the no-extension baseline much slower and hides relative cost). The browser is
 * spawned directly with --remote-debugging-port; pages are driven with Page.navigate and Runtime.evaluate only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_PATH, chromiumArgs } from '../test-support/browser/browser.ts';
import { CdpClient } from '../test-support/browser/cdp-client.ts';

export interface BareOptions {
  /** The unpacked extension to load, or null for none. */
  readonly extensionDir: string | null;
  /** Open real DevTools on every tab (--auto-open-devtools-for-tabs). */
  readonly devtools?: boolean;
  readonly extraArgs?: readonly string[];
}

export interface BarePage {
  readonly targetId: string;
  readonly session: string;
}

export class BareBrowser {
  private constructor(
    private readonly process: ChildProcess,
    private readonly root: string,
    readonly cdp: CdpClient,
    readonly extensionId: string | null,
  ) {}

  static async launch(options: BareOptions): Promise<BareBrowser> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lens-bare-'));
    const profile = path.join(root, 'profile');
    fs.mkdirSync(path.join(profile, 'Default'), { recursive: true });
    // Third-party cookies allowed, as a developer testing credentialed calls has them.
    fs.writeFileSync(path.join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0 } }));
    const args = [
      ...chromiumArgs(options.extensionDir),
      '--headless=new',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      ...(options.devtools ? ['--auto-open-devtools-for-tabs'] : []),
      ...(options.extraArgs ?? []),
      'about:blank',
    ];
    const child = spawn(CHROMIUM_PATH, args, {
      stdio: ['ignore', 'ignore', 'ignore'],
      env: { ...process.env, TMPDIR: root },
      detached: true,
    });
    const portFile = path.join(profile, 'DevToolsActivePort');
    const deadline = Date.now() + 20_000;
    while (!fs.existsSync(portFile) || fs.readFileSync(portFile, 'utf8').split('\n').length < 2) {
      if (Date.now() > deadline) throw new Error('Chromium did not open its debugging port');
      await sleep(50);
    }
    const port = Number(fs.readFileSync(portFile, 'utf8').split('\n')[0]);
    const cdp = await CdpClient.connect(port);
    let extensionId: string | null = null;
    if (options.extensionDir) {
      while (extensionId === null) {
        const worker = (await cdp.targets()).find((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'));
        if (worker) extensionId = new URL(worker.url).host;
        else if (Date.now() > deadline) throw new Error('the extension did not start');
        else await sleep(50);
      }
    }
    return new BareBrowser(child, root, cdp, extensionId);
  }

  /** Opens a tab on a URL and waits for its load. */
  async open(url: string): Promise<BarePage> {
    const { targetId } = await this.cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    const session = await this.cdp.attach(targetId);
    const page = { targetId, session };
    await this.navigate(page, url);
    return page;
  }

  async navigate(page: BarePage, url: string): Promise<void> {
    await this.cdp.send('Page.navigate', { url }, page.session);
    const deadline = Date.now() + 30_000;
    // Poll: no Page domain events, nothing enabled on the page but the runtime calls themselves.
    for (;;) {
      const state = await this.evaluate<string>(
        page,
        `location.href === ${JSON.stringify(url)} ? document.readyState : 'navigating'`,
      ).catch(() => 'navigating');
      if (state === 'complete') return;
      if (Date.now() > deadline) throw new Error(`page did not load: ${url}`);
      await sleep(20);
    }
  }

  evaluate<T>(page: BarePage, expression: string): Promise<T> {
    return this.cdp.evaluate<T>(page.session, expression);
  }

  /** The tab id the extension sees for a page (from its worker). */
  async tabIdOf(page: BarePage): Promise<number> {
    const url = await this.evaluate<string>(page, 'location.href');
    return this.inWorker<number>(`chrome.tabs.query({}).then((tabs) => tabs.find((t) => t.url === ${JSON.stringify(url)})?.id ?? -1)`);
  }

  /** Evaluates in the extension's service worker. */
  async inWorker<T>(expression: string): Promise<T> {
    const target = (await this.cdp.targets()).find((t) => t.type === 'service_worker' && t.url.includes(this.extensionId ?? '-'));
    if (!target) throw new Error('no extension worker');
    const session = await this.cdp.attach(target.targetId);
    try {
      // A worker the browser just started answers before its extension APIs are bound: asked again a moment later.
      for (let tries = 0; ; tries++) {
        try {
          return await this.cdp.evaluate<T>(session, expression);
        } catch (e) {
          if (tries >= 10 || !String(e).includes('chrome is not defined')) throw e;
          await new Promise((r) => setTimeout(r, 300));
        }
      }
    } finally {
      await this.cdp.send('Target.detachFromTarget', { sessionId: session }).catch(() => undefined);
    }
  }

  /** The DevTools front-ends open now (one per inspected tab). */
  async devtoolsSessions(): Promise<string[]> {
    const fronts = (await this.cdp.targets()).filter((t) => t.url.startsWith('devtools://devtools/bundled/devtools_app.html'));
    return Promise.all(fronts.map((t) => this.cdp.attach(t.targetId)));
  }

  /** The browser process's id (its children are the renderers, the network service, the GPU process). */
  get pid(): number {
    return this.process.pid ?? -1;
  }

  /** CPU time (user + system, ms) of the browser and all its child processes so far. */
  cpuMs(): number {
    return processTreeCpuMs(this.pid);
  }

  async close(): Promise<void> {
    this.cdp.close();
    try {
      if (this.process.pid) process.kill(-this.process.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await new Promise<void>((resolve) => {
      if (this.process.exitCode !== null) resolve();
      else this.process.once('exit', () => resolve());
      setTimeout(resolve, 2000);
    });
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** CPU time (user and system, ms) a process and all its descendants have used so far (Linux /proc). */
export function processTreeCpuMs(root: number): number {
  return descendants(root).reduce((total, pid) => total + processCpuMs(pid), 0);
}

/** CPU time (user and system, ms) one process (or thread: `PID/task/TID`) has used so far; 0 once it ended. */
export function processCpuMs(pid: number | string): number {
  const tick = 1000 / 100; // USER_HZ on Linux
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * tick;
  } catch {
    // The process ended in the meantime.
    return 0;
  }
}

/** A process and all its descendants, from /proc. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // Gone.
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
