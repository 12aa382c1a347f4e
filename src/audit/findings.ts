/**
 * Dangerous CORS setups, judged from responses. A forged origin is "accepted" when the browser's own CORS check
 * (check-access.ts, Chromium's order) would let a page on that origin read the answer; with
 * Access-Control-Allow-Credentials: true it reads it with the user's cookies. `classifyProbe` judges one answer to one
 * forged origin (the active audit); `passiveFindings` judges one observed exchange that passed, for what that single
 * answer already proves, with no request of ours.
 */
import { checkAccess } from '../cors/check-access.ts';
import { evaluate, networkHeaderValue } from '../cors/engine.ts';
import { type HeaderList, variesOn } from '../headers.ts';
import type { Exchange, ResponseFacts } from '../model.ts';
import { potentiallyTrustworthy, schemeOf } from '../origin.ts';
import type { Probe, ProbeKind } from './probes.ts';

export type FindingKind =
  | 'credentials-with-reflected-origin'
  | 'reflects-any-origin'
  | 'null-allowed'
  | 'suffix-match'
  | 'prefix-match'
  | 'insecure-origin-allowed'
  | 'subdomain-allowed'
  | 'missing-vary';

export type Severity = 'high' | 'medium' | 'low';

export interface AuditFinding {
  readonly kind: FindingKind;
  readonly severity: Severity;
  /** The Origin whose answer proves it. */
  readonly origin: string;
  /** Which answer: the preflight's or the request's own. */
  readonly stage: 'preflight' | 'response';
  /** Whether that origin may read with the user's credentials (Access-Control-Allow-Credentials: true). */
  readonly credentials: boolean;
  readonly title: string;
  /** The headers received, quoted. */
  readonly evidence: string;
  /** What an attacker gains. */
  readonly risk: string;
  /** What to change on the server. */
  readonly fix: string;
}

export interface Acceptance {
  /** A page on the origin can read the answer without credentials (a '*' does not count: it names no one). */
  readonly accepted: boolean;
  /** ... and with credentials. */
  readonly credentials: boolean;
  readonly allowOrigin: string | null;
  readonly allowCredentials: string | null;
}

/** What the browser lets a page on `origin` do with this answer (the same check it runs on every CORS response). */
export function acceptance(response: ResponseFacts, origin: string): Acceptance {
  const allowOrigin = networkHeaderValue(response.headers, 'access-control-allow-origin');
  const allowCredentials = networkHeaderValue(response.headers, 'access-control-allow-credentials');
  const check = (credentials: 'omit' | 'include') =>
    checkAccess({ allowOrigin, allowCredentials, credentials, origin, httpResponse: true }).ok;
  const credentials = check('include');
  return { accepted: credentials || (allowOrigin !== '*' && check('omit')), credentials, allowOrigin, allowCredentials };
}

const FIX_ALLOWLIST =
  "Compare the request's Origin with an exact allowlist of your origins and send back only a listed one; never copy the Origin header into Access-Control-Allow-Origin.";

interface KindText {
  readonly title: (credentials: boolean) => string;
  /** What an attacker gains, given the origin that got in. */
  readonly risk: (credentials: boolean, origin: string) => string;
  readonly fix: string;
  readonly severity: (credentials: boolean) => Severity;
}

const COOKIES = " with the user's cookies";
const cookies = (c: boolean) => (c ? COOKIES : '');

const TEXTS: Record<FindingKind, KindText> = {
  'credentials-with-reflected-origin': {
    title: () => 'Any origin is echoed back, with credentials allowed',
    risk: () =>
      "Any website a logged-in user visits can read these responses with the user's cookies: their data, and any token in it. This is the most serious CORS mistake.",
    fix: `${FIX_ALLOWLIST} Allow credentials only for those origins.`,
    severity: () => 'high',
  },
  'reflects-any-origin': {
    title: () => 'Any origin is echoed back',
    risk: () =>
      "Every website can read these responses (without cookies), as with Access-Control-Allow-Origin: *. Harmless for public data; not for an API that trusts the caller's network (an intranet, an IP allowlist). And the day credentials are switched on, every site reads your users' data.",
    fix: `${FIX_ALLOWLIST} For a truly public API, send Access-Control-Allow-Origin: * instead of an echo.`,
    severity: () => 'low',
  },
  'null-allowed': {
    title: (c) => `The origin "null" is allowed${c ? ', with credentials' : ''}`,
    risk: (c) =>
      `Any site can make a request with Origin: null (from a sandboxed iframe, for one): allowing "null" lets every site read these responses${cookies(c)}.`,
    fix: 'Remove "null" from the allowed origins. Pages that need access must come from a real origin you list.',
    severity: (c) => (c ? 'high' : 'medium'),
  },
  'suffix-match': {
    title: (c) => `Your host name with anything appended is allowed${c ? ', with credentials' : ''}`,
    risk: (c, origin) =>
      `The check matches the start of the origin (startsWith, or a regular expression without an end anchor): whoever registers a name like ${origin} reads these responses${cookies(c)}.`,
    fix: 'Compare whole origins for equality (scheme, host and port), not with startsWith, includes or an unanchored regular expression.',
    severity: (c) => (c ? 'high' : 'medium'),
  },
  'prefix-match': {
    title: (c) => `Any host name ending like yours is allowed${c ? ', with credentials' : ''}`,
    risk: (c, origin) =>
      `The check matches the end of the origin (endsWith, or a regular expression without a start anchor): whoever registers a name like ${origin} reads these responses${cookies(c)}.`,
    fix: 'Compare whole origins for equality. To allow sub-domains, parse the origin and match the host exactly or its end after a dot, never a bare suffix.',
    severity: (c) => (c ? 'high' : 'medium'),
  },
  'insecure-origin-allowed': {
    title: (c) => `An http:// origin is allowed for an https:// resource${c ? ', with credentials' : ''}`,
    risk: (c, origin) =>
      `Anyone on the network path (public Wi-Fi, a hostile proxy) can change the page at ${origin} and through it read these responses${cookies(c)}: https is only as strong as the origins it trusts.`,
    fix: 'Allow only https:// origins (and http://localhost during development).',
    severity: (c) => (c ? 'medium' : 'low'),
  },
  'subdomain-allowed': {
    title: (c) => `Every sub-domain of your host is allowed${c ? ', with credentials' : ''}`,
    risk: (c) =>
      `One cross-site scripting bug or one taken-over sub-domain (a dangling DNS record) anywhere under your host is enough to read these responses${cookies(c)}.`,
    fix: 'List the sub-domains that need access instead of accepting all of them.',
    severity: (c) => (c ? 'medium' : 'low'),
  },
  'missing-vary': {
    title: (c) => `Access-Control-Allow-Origin depends on the Origin, without Vary: Origin${c ? ' (credentials allowed)' : ''}`,
    risk: () =>
      "Caches key responses by URL unless Vary says otherwise: one origin's answer is served to another, which then fails or gets access it should not have, and a shared cache can be poisoned with an answer naming the attacker's origin.",
    fix: 'Send Vary: Origin on every response whose Access-Control-Allow-Origin is chosen per request, errors and OPTIONS included.',
    // Serious only where a forged origin gets in with credentials (a poisoned cache then serves it); else a reliability bug.
    severity: (c) => (c ? 'medium' : 'low'),
  },
};

/** Header values quoted for evidence: absent says so, control characters are escaped. */
function quoteValue(value: string | null): string {
  return value === null
    ? '(absent)'
    : JSON.stringify(value).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function evidenceOf(origin: string, a: Acceptance, headers: HeaderList, stage: AuditFinding['stage']): string {
  const vary = networkHeaderValue(headers, 'vary');
  return (
    `Origin: ${quoteValue(origin)} got ${stage === 'preflight' ? 'a preflight answer with ' : ''}Access-Control-Allow-Origin: ${quoteValue(a.allowOrigin)}, ` +
    `Access-Control-Allow-Credentials: ${quoteValue(a.allowCredentials)}, Vary: ${quoteValue(vary)}`
  );
}

function finding(
  kind: FindingKind,
  origin: string,
  a: Acceptance,
  headers: HeaderList,
  stage: AuditFinding['stage'],
  severity?: Severity,
): AuditFinding {
  const t = TEXTS[kind];
  const credentials = a.credentials;
  return {
    kind,
    severity: severity ?? t.severity(credentials),
    origin,
    stage,
    credentials,
    title: t.title(credentials),
    evidence: evidenceOf(origin, a, headers, stage),
    risk: t.risk(credentials, origin),
    fix: t.fix,
  };
}

const PROBE_FINDING: Record<Exclude<ProbeKind, 'own-origin' | 'other-site'>, FindingKind> = {
  null: 'null-allowed',
  suffix: 'suffix-match',
  prefix: 'prefix-match',
  'insecure-scheme': 'insecure-origin-allowed',
  subdomain: 'subdomain-allowed',
};

/**
 * The dangers one answer to one probe proves: the forged origin accepted (each probe kind its own finding; another
 * site accepted is an echo of any origin), and an accepted forged origin without Vary: Origin (the value is
 * evidently chosen per request). The user's own origin being accepted is what it should be: no finding.
 */
export function classifyProbe(probe: Probe, response: ResponseFacts, stage: AuditFinding['stage'] = 'response'): AuditFinding[] {
  if (probe.kind === 'own-origin') return [];
  const a = acceptance(response, probe.origin);
  if (!a.accepted) return [];
  const kind =
    probe.kind === 'other-site' ? (a.credentials ? 'credentials-with-reflected-origin' : 'reflects-any-origin') : PROBE_FINDING[probe.kind];
  const out = [finding(kind, probe.origin, a, response.headers, stage)];
  if (!variesOn(response.headers, 'origin')) out.push(finding('missing-vary', probe.origin, a, response.headers, stage));
  return out;
}

/** One answer the audit got: which probe, which request, what came back. */
export interface ProbeAnswer {
  readonly probe: Probe;
  readonly stage: AuditFinding['stage'];
  readonly response: ResponseFacts;
}

const SEVERITY_RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/**
 * Every finding over all the answers, most severe first, with one missing-vary finding at most: from a reflected
 * forged origin, or else from answers whose Access-Control-Allow-Origin differs between origins (an allowlist picking
 * per request) while some answer carrying one lacks Vary: Origin.
 */
export function auditFindings(answers: readonly ProbeAnswer[]): AuditFinding[] {
  const all = answers.flatMap((a) => classifyProbe(a.probe, a.response, a.stage));
  const vary = all.filter((f) => f.kind === 'missing-vary').sort((x, y) => SEVERITY_RANK[x.severity] - SEVERITY_RANK[y.severity])[0];
  const out = all.filter((f) => f.kind !== 'missing-vary');
  if (vary) {
    out.push(vary);
  } else {
    for (const stage of ['response', 'preflight'] as const) {
      const mine = answers.filter((a) => a.stage === stage);
      const values = new Set(mine.map((a) => networkHeaderValue(a.response.headers, 'access-control-allow-origin')));
      const unvaried = mine.find(
        (a) => networkHeaderValue(a.response.headers, 'access-control-allow-origin') !== null && !variesOn(a.response.headers, 'origin'),
      );
      if (values.size > 1 && unvaried) {
        const a = acceptance(unvaried.response, unvaried.probe.origin);
        out.push(finding('missing-vary', unvaried.probe.origin, a, unvaried.response.headers, stage, 'low'));
        break;
      }
    }
  }
  return out.sort((x, y) => SEVERITY_RANK[x.severity] - SEVERITY_RANK[y.severity]);
}

/**
 * What one observed exchange that passed already proves, with no request of ours: the last answer (and its
 * preflight) allows "null", trusts an http:// origin that is not local for an https:// resource, or names the origin
 * with credentials allowed and no Vary: Origin. Nothing for a failed or same-origin exchange, nor for '*'.
 */
export function passiveFindings(exchange: Exchange): AuditFinding[] {
  // An answer that allows no origin, or '*', is never accepted (acceptance above: '*' fails with credentials, and
  // without them is not counted), so it proves nothing. Most answers a page gets are such, and DevTools' log hands
  // the devtools page every passing request: those skip the engine.
  if (exchange.error !== null || !exchange.hops.some(namesAnOrigin)) return [];
  const verdict = evaluate(exchange, exchange.request.credentials.mode);
  const hop = exchange.hops[verdict.hop];
  if (verdict.status || !verdict.corsApplied || !hop?.response) return [];
  const answers: [AuditFinding['stage'], ResponseFacts][] = [];
  if (hop.preflight?.response) answers.push(['preflight', hop.preflight.response]);
  answers.push(['response', hop.response]);
  const out: AuditFinding[] = [];
  for (const [stage, response] of answers) {
    const a = acceptance(response, verdict.origin);
    if (!a.accepted) continue;
    if (a.allowOrigin === 'null') out.push(finding('null-allowed', verdict.origin, a, response.headers, stage));
    else if (schemeOf(hop.url) === 'https' && schemeOf(verdict.origin) === 'http' && !potentiallyTrustworthy(verdict.origin)) {
      out.push(finding('insecure-origin-allowed', verdict.origin, a, response.headers, stage));
    }
    if (stage === 'response' && a.credentials && !variesOn(response.headers, 'origin')) {
      out.push(finding('missing-vary', verdict.origin, a, response.headers, stage, 'low'));
    }
  }
  return out.sort((x, y) => SEVERITY_RANK[x.severity] - SEVERITY_RANK[y.severity]);
}

/** Whether a hop's answer (or its preflight's) allows an origin by name: an Access-Control-Allow-Origin other than '*'. */
function namesAnOrigin(hop: Exchange['hops'][number]): boolean {
  return [hop.preflight?.response, hop.response].some((response) => {
    if (!response) return false;
    const allowOrigin = networkHeaderValue(response.headers, 'access-control-allow-origin');
    return allowOrigin !== null && allowOrigin !== '*';
  });
}
