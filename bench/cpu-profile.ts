/** Reading a CDP CPU profile (Profiler.stop): where the time went, by function. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A script URL without the extension's origin. */
const inExtension = (url: string) => url.replace(/^chrome-extension:\/\/[^/]+\//, '');

/** Self time by function, ms, and the profile's busy time (every sample but idle ones). */
export function selfTimes(profile: Profile): { busy: number; rows: [string, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  let busy = 0;
  for (const [i, id] of profile.samples.entries()) {
    const node = byId.get(id);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    busy += ms;
    // A native function is named with its nearest script caller: the profile names them oddly.
    let caller = '';
    for (let p = parent.get(id); !url && p !== undefined && !caller; p = parent.get(p)) {
      const f = byId.get(p)?.callFrame;
      if (f?.url) caller = ` <- ${f.functionName || '(anonymous)'} ${inExtension(f.url)}`;
    }
    const key = `${functionName || '(anonymous)'} ${inExtension(url)}:${lineNumber + 1}${caller}`;
    self.set(key, (self.get(key) ?? 0) + ms);
  }
  return { busy, rows: [...self].sort((a, b) => b[1] - a[1]) };
}

/**
 * Total time by function of the extension's own code, ms: the samples with the function anywhere on their stack (each
 * counted once per function, however deep it recurses). With an unminified build (`npx vite build --minify false`),
 * this says which handler a burst's time goes to.
 */
export function totalTimes(profile: Profile): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const total = new Map<string, number>();
  for (const [i, id] of profile.samples.entries()) {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)?.callFrame;
      if (!f?.url.startsWith('chrome-extension://')) continue;
      const key = `${f.functionName || '(anonymous)'} ${inExtension(f.url)}:${f.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + ms);
    }
  }
  return [...total].sort((a, b) => b[1] - a[1]);
}
