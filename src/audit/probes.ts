/**
 * The forged origins an audit sends, derived from the user's own origin: the usual ways a server's origin check goes
 * wrong (an echo of any origin, "null" allowed, a prefix or suffix match, http accepted for https, every sub-domain
 * trusted). A small fixed set: the audit asks the one URL the user named, nothing else.
 */

export type ProbeKind = 'own-origin' | 'other-site' | 'null' | 'suffix' | 'prefix' | 'insecure-scheme' | 'subdomain';

export interface Probe {
  readonly kind: ProbeKind;
  /** The Origin header sent. */
  readonly origin: string;
  /** What the forged origin stands for, in words. */
  readonly label: string;
}

export interface SkippedProbe {
  readonly kind: ProbeKind;
  readonly reason: string;
}

/** The attacker's site: under .example, reserved (RFC 2606), so no real site can be meant. */
export const ATTACKER_HOST = 'attacker.example';

/** Whether a host is an IP address (v4 or bracketed v6): it has no sub-domains, and labels cannot be added to it. */
function isIpHost(host: string): boolean {
  return host.startsWith('[') || /^\d+(\.\d+){3}$/.test(host);
}

/**
 * The probes for an origin (scheme://host[:port]), the user's own first, and the forged ones that make no sense for
 * it with the reason (an IP address has no sub-domains; an http origin has no http variant).
 */
export function auditProbes(origin: string): { probes: Probe[]; skipped: SkippedProbe[] } {
  const u = new URL(origin);
  const scheme = u.protocol; // "https:"
  const port = u.port ? `:${u.port}` : '';
  const host = u.hostname;
  const probes: Probe[] = [
    { kind: 'own-origin', origin, label: 'your origin' },
    { kind: 'other-site', origin: `https://${ATTACKER_HOST}`, label: 'another site' },
    { kind: 'null', origin: 'null', label: 'the opaque origin "null"' },
  ];
  const skipped: SkippedProbe[] = [];
  if (host.startsWith('[')) {
    skipped.push({ kind: 'suffix', reason: 'an IPv6 address cannot take a suffix' });
  } else {
    probes.push({ kind: 'suffix', origin: `${scheme}//${host}.${ATTACKER_HOST}${port}`, label: 'your host with a suffix' });
  }
  if (isIpHost(host)) {
    skipped.push({ kind: 'prefix', reason: 'an IP address cannot take a prefix' });
    skipped.push({ kind: 'subdomain', reason: 'an IP address has no sub-domains' });
  } else {
    probes.push({ kind: 'prefix', origin: `${scheme}//attacker${host}${port}`, label: 'your host with a prefix' });
  }
  if (scheme === 'https:') {
    probes.push({ kind: 'insecure-scheme', origin: `http://${host}${port}`, label: 'http instead of https' });
  } else {
    skipped.push({ kind: 'insecure-scheme', reason: 'your origin is already http' });
  }
  if (!isIpHost(host)) {
    probes.push({ kind: 'subdomain', origin: `${scheme}//attacker.${host}${port}`, label: 'a sub-domain of your host' });
  }
  return { probes, skipped };
}
