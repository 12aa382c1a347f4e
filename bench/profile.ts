/**
 * CPU profile of the service worker during one armed burst (a development origin: detailed capture on): prints the
 * worker's busy share and the functions with the most self time. `npx tsx bench/profile.ts` after `npm run build`.
 * For finding where the extension's own time goes; the overhead figures themselves come from bench/run.ts.
 */

import { startServers } from '../test-support/servers/cors-server.ts';
import { burst, freshPage, openBrowser, workerSession } from './lib.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

async function main(): Promise<void> {
  const servers = await startServers();
  const b = await openBrowser('lens-dev', { noop: '', listeners: '' });
  await freshPage(b, `${servers.pageOrigin}/profile-warmup`);
  await burst(b.page, servers.crossSite, 200, 50, 'warm');
  await freshPage(b, `${servers.pageOrigin}/profile`);
  const { cdp, session } = await workerSession(b.lens);
  if (session === null) throw new Error('no service worker');
  await cdp.send('Profiler.enable', {}, session);
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 }, session);
  await cdp.send('Profiler.start', {}, session);
  const ms = await burst(b.page, servers.crossSite, 2000, 50, 'prof');
  const { profile } = await cdp.send<{ profile: Profile }>('Profiler.stop', {}, session);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const total = profile.endTime - profile.startTime;
  let idle = 0;
  const perFn = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id) as ProfileNode;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') idle += us;
    const file = n.callFrame.url.split('/').pop() ?? '';
    const key = `${name} ${file}:${n.callFrame.lineNumber + 1}`;
    perFn.set(key, (perFn.get(key) ?? 0) + us);
  }
  console.log(`burst ${ms.toFixed(0)} ms; profile ${(total / 1000).toFixed(0)} ms; worker busy ${(100 * (1 - idle / total)).toFixed(0)}%`);
  for (const [key, us] of [...perFn].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`);
  // Who calls the costliest browser bindings: self time by caller chain (three frames up).
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (id: number | undefined) => {
    const n = id === undefined ? undefined : byId.get(id);
    return n ? `${n.callFrame.functionName || '(anon)'}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}` : '-';
  };
  const chains = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id) as ProfileNode;
    if (n.callFrame.url !== '' || ['(idle)', '(program)', '(garbage collector)', '(root)'].includes(n.callFrame.functionName)) continue;
    const p1 = parent.get(id);
    const p2 = p1 === undefined ? undefined : parent.get(p1);
    const p3 = p2 === undefined ? undefined : parent.get(p2);
    const key = `${label(id)} <- ${label(p1)} <- ${label(p2)} <- ${label(p3)}`;
    chains.set(key, (chains.get(key) ?? 0) + us);
  }
  console.log('native time by caller:');
  for (const [key, us] of [...chains].sort((a, b) => b[1] - a[1]).slice(0, 12))
    console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`);
  cdp.close();
  await b.lens.close();
  await servers.close();
}

void main();
