/**
 * Which tabs get detailed capture. Seeing why the browser blocked a request needs webRequest listeners with
 * extraHeaders, and measured on this machine (bench/, README "Performance"), once any such listener exists every
 * request in the browser costs about 20-30% more in a burst, whatever the listener's filter, while the always-on
 * watcher (onErrorOccurred alone) costs about 10%. So detailed capture is armed only where it is wanted:
 * - 'panel': the CORS panel (in DevTools or as a page) is open on the tab;
 * - 'dev-origin': the tab shows a development origin (localhost, a private address, .test...), where people run
 *   what they are building;
 * - everywhere, when the user asks for it.
 * Not on a tab merely because a failure happened there: most CORS failures a browser meets are on sites the user
 * does not run, and arming them would make all browsing slower. A failure on an unarmed tab is still counted and
 * listed, and says how to get its details (open the panel, repeat the request).
 */

export type ArmReason = 'panel' | 'dev-origin';

export interface ArmingSnapshot {
  readonly everywhere: boolean;
  readonly tabs: Readonly<Record<string, readonly ArmReason[]>>;
}

export class Arming {
  private everywhereOn: boolean;
  private readonly tabs = new Map<number, Set<ArmReason>>();

  constructor(snapshot?: ArmingSnapshot | null) {
    this.everywhereOn = snapshot?.everywhere === true;
    for (const [tab, reasons] of Object.entries(snapshot?.tabs ?? {})) {
      const known = (Array.isArray(reasons) ? reasons : []).filter((r): r is ArmReason => r === 'panel' || r === 'dev-origin');
      if (known.length > 0 && Number.isInteger(Number(tab))) this.tabs.set(Number(tab), new Set(known));
    }
  }

  get everywhere(): boolean {
    return this.everywhereOn;
  }

  setEverywhere(on: boolean): boolean {
    const changed = this.everywhereOn !== on;
    this.everywhereOn = on;
    return changed;
  }

  /** Arms a tab for a reason. Returns whether anything changed. */
  arm(tabId: number, reason: ArmReason): boolean {
    const reasons = this.tabs.get(tabId) ?? new Set<ArmReason>();
    if (reasons.has(reason)) return false;
    reasons.add(reason);
    this.tabs.set(tabId, reasons);
    return true;
  }

  disarm(tabId: number, reason: ArmReason): boolean {
    const reasons = this.tabs.get(tabId);
    if (!reasons?.delete(reason)) return false;
    if (reasons.size === 0) this.tabs.delete(tabId);
    return true;
  }

  forget(tabId: number): boolean {
    return this.tabs.delete(tabId);
  }

  isArmed(tabId: number): boolean {
    return this.everywhereOn || this.tabs.has(tabId);
  }

  reasons(tabId: number): ArmReason[] {
    return [...(this.tabs.get(tabId) ?? [])];
  }

  /** The armed tabs, in order. */
  armedTabs(): number[] {
    return [...this.tabs.keys()].sort((a, b) => a - b);
  }

  toJSON(): ArmingSnapshot {
    return { everywhere: this.everywhereOn, tabs: Object.fromEntries([...this.tabs].map(([tab, reasons]) => [String(tab), [...reasons]])) };
  }
}

const DEV_SUFFIXES = ['.localhost', '.test', '.local', '.internal', '.lan', '.home.arpa'];

/**
 * Whether a page URL is on a development origin: loopback, a private or link-local address, or a host under a name
 * reserved for local use.
 */
export function isDevelopmentOrigin(url: string): boolean {
  let host: string;
  let protocol: string;
  try {
    const u = new URL(url);
    host = u.hostname.toLowerCase();
    protocol = u.protocol;
  } catch {
    return false;
  }
  if (protocol === 'file:') return true;
  if (protocol !== 'http:' && protocol !== 'https:') return false;
  if (host === 'localhost' || host === '[::1]' || host === '0.0.0.0') return true;
  if (DEV_SUFFIXES.some((s) => host.endsWith(s))) return true;
  const ip = host.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (!ip) return /^\[(fc|fd|fe8)/.test(host);
  const [a, b] = [Number(ip[1]), Number(ip[2])];
  return a === 127 || a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31) || (a === 169 && b === 254);
}
