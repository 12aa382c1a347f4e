/**
 * Where a browser's CPU time goes, from /proc: by kind of process (the browser, the network service, pages, DevTools'
 * own renderer, the extension's process), and the extension's process by thread (its main thread runs the devtools
 * page and the panel; the service worker has a thread of its own; V8's background work runs on the thread pool).
 */
import fs from 'node:fs';
import { type BareBrowser, descendants, processCpuMs } from './bare.ts';

/**
 * CPU ms of each process of the browser, by kind, from /proc (the command line says what a process is). `named`: the
 * kind of renderers told apart otherwise (the command line of DevTools' own renderer is a page's).
 */
export function cpuByKind(root: number, named = new Map<number, string>()): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of descendants(root)) {
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // Gone.
    }
    // Chromium rewrites a child's command line as one string: split on spaces as well.
    const kind = named.get(pid) ?? kindOf(cmdline.split(/[\0 ]/));
    out.set(kind, (out.get(kind) ?? 0) + processCpuMs(pid));
    // The extension's process by thread: its main thread runs the devtools page and the panel, the worker has its own.
    if (kind === 'extension')
      for (const [thread, ms] of threadCpuMs(pid)) out.set(`extension: ${thread}`, (out.get(`extension: ${thread}`) ?? 0) + ms);
  }
  return out;
}

/** CPU ms of each thread of a process, summed by thread name (/proc/PID/task/TID/comm). */
function threadCpuMs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out; // Gone.
  }
  for (const tid of tids) {
    let name: string;
    try {
      name = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    out.set(name, (out.get(name) ?? 0) + processCpuMs(`${pid}/task/${tid}`));
  }
  return out;
}

function kindOf(cmd: string[]): string {
  const type = cmd.find((a) => a.startsWith('--type='))?.slice(7);
  if (!type) return 'browser';
  if (type === 'renderer') return cmd.includes('--extension-process') ? 'extension' : 'page';
  if (type === 'utility') return cmd.find((a) => a.startsWith('--utility-sub-type='))?.slice(19) ?? 'utility';
  return type;
}

/**
 * The renderer process of a CDP target: the one whose CPU time grows while the target's main thread spins for a
 * moment (a renderer's command line does not say whether it runs a page or DevTools). Null when none stood out.
 */
async function rendererOf(browser: BareBrowser, session: string): Promise<number | null> {
  const renderers = descendants(browser.pid).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
    } catch {
      return false;
    }
  });
  const before = new Map(renderers.map((pid) => [pid, processCpuMs(pid)]));
  await browser.cdp.evaluate(session, '(() => { const t = performance.now(); while (performance.now() - t < 300); return 0; })()');
  const grown = renderers.map((pid) => ({ pid, ms: processCpuMs(pid) - (before.get(pid) ?? 0) })).sort((a, b) => b.ms - a.ms);
  return grown[0] && grown[0].ms >= 200 ? grown[0].pid : null;
}

/** DevTools' renderers (one per front end open), told apart from the pages' by rendererOf. */
export async function devtoolsRenderers(browser: BareBrowser): Promise<Map<number, string>> {
  const named = new Map<number, string>();
  for (const session of await browser.devtoolsSessions()) {
    const front = await rendererOf(browser, session);
    if (front !== null) named.set(front, 'DevTools front end');
    await browser.cdp.send('Target.detachFromTarget', { sessionId: session }).catch(() => undefined);
  }
  return named;
}
