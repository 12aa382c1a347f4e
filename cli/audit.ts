/**
 * `cors-lens audit`: the core's probes (src/audit) sent to the one URL the user named, one origin after the other,
 * the answers judged by the core, and the report (schema version 1, documented in the README).
 */
import {
  type AuditFinding,
  acceptance,
  auditFindings,
  auditProbes,
  auditRequirements,
  callProblem,
  type FetchCall,
  type Header,
  headerValue,
  keptUrl,
  originOf,
  type Probe,
  type ProbeAnswer,
  probeRequests,
  redactHeaders,
  redactUrl,
  type ServerFix,
  type SkippedProbe,
  STACKS,
  sameOrigin,
} from '../src/index.ts';
import type { AuditOptions } from './args.ts';
import { BadInput } from './args.ts';
import { SCHEMA_VERSION, stepOf, type WireStep } from './check.ts';
import { type Transport, unsendable } from './http.ts';
import { USER_AGENT, VERSION } from './version.ts';

export type AuditOutcome = 'clean' | 'findings' | 'network-error';

/** What one forged (or the own) origin got, per request. */
export interface ProbeResult {
  readonly kind: Probe['kind'];
  readonly origin: string;
  readonly label: string;
  readonly stage: 'preflight' | 'response';
  readonly status: number;
  readonly allowOrigin: string | null;
  readonly allowCredentials: string | null;
  readonly vary: string | null;
  /** A page on this origin could read the answer ('*' excluded: it names no one); with credentials too. */
  readonly readable: boolean;
  readonly readableWithCredentials: boolean;
  /** The Location of a redirect answer: the audit judged the redirect itself, not where it leads. */
  readonly location: string | null;
}

export interface AuditReport {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly command: 'audit';
  readonly tool: string;
  readonly outcome: AuditOutcome;
  readonly exitCode: 0 | 1 | 2;
  readonly request: { readonly url: string; readonly origin: string; readonly method: string; readonly headers: readonly Header[] };
  readonly probes: readonly ProbeResult[];
  readonly skipped: readonly SkippedProbe[];
  readonly findings: readonly AuditFinding[];
  /** The allowlist fix for the chosen stack, when something was found. */
  readonly fix: ServerFix | null;
  readonly networkError: string | null;
  readonly steps: readonly WireStep[];
}

export interface AuditRun {
  readonly report: AuditReport;
  readonly detail: string | null;
}

/** Runs an audit; throws BadInput for a request a browser would refuse to make. */
export async function runAudit(o: AuditOptions, transport: Transport): Promise<AuditRun> {
  const call: FetchCall = {
    url: o.url,
    origin: o.origin,
    method: o.method,
    headers: o.headers,
    body: null,
    credentials: 'same-origin',
    api: 'fetch',
    userAgent: USER_AGENT,
    cookie: null,
  };
  const problem = callProblem(call);
  const limit = problem ?? unsendable(o.headers);
  if (limit) throw new BadInput(limit);
  const { probes, skipped } = auditProbes(o.origin);
  const target = originOf(o.url);
  // A probe that is the URL's own origin is not a cross-origin request: nothing for CORS to judge.
  const kept = probes.filter((p) => !sameOrigin(p.origin, target));
  const dropped = probes.filter((p) => sameOrigin(p.origin, target)).map((p) => ({ kind: p.kind, reason: `it is the URL's own origin` }));
  const answers: ProbeAnswer[] = [];
  const steps: WireStep[] = [];
  let networkError: string | null = null;
  let detail: string | null = null;
  for (const probe of kept) {
    for (const request of probeRequests(call, probe)) {
      const sent = await transport(request);
      steps.push(stepOf(sent));
      if ('error' in sent.outcome) {
        networkError = sent.outcome.error;
        detail = sent.detail;
        break;
      }
      answers.push({ probe, stage: request.kind === 'preflight' ? 'preflight' : 'response', response: sent.outcome.response });
    }
    if (networkError) break;
  }
  const findings = networkError ? [] : auditFindings(answers);
  const own = answers.find((a) => a.probe.kind === 'own-origin' && a.stage === 'response');
  // The fix keeps credentials for the own origin when the server grants them to it today.
  const ownCredentials = own ? acceptance(own.response, o.origin).credentials : false;
  const fix =
    findings.length > 0
      ? STACKS[o.stack].generate(
          auditRequirements({ url: o.url, origin: o.origin, method: o.method, headers: o.headers, credentials: ownCredentials }),
        )
      : null;
  const outcome: AuditOutcome = networkError ? 'network-error' : findings.length > 0 ? 'findings' : 'clean';
  const report: AuditReport = {
    schemaVersion: SCHEMA_VERSION,
    command: 'audit',
    tool: `cors-lens ${VERSION}`,
    outcome,
    exitCode: outcome === 'clean' ? 0 : outcome === 'findings' ? 1 : 2,
    request: { url: keptUrl(o.url), origin: o.origin, method: o.method, headers: redactHeaders(o.headers, 'request') },
    probes: answers.map(resultOf),
    skipped: [...skipped, ...dropped],
    findings,
    fix,
    networkError,
    steps,
  };
  return { report, detail };
}

function resultOf(a: ProbeAnswer): ProbeResult {
  const headers = a.response.headers;
  const granted = acceptance(a.response, a.probe.origin);
  const location = a.response.status >= 300 && a.response.status < 400 ? headerValue(headers, 'location') : null;
  return {
    kind: a.probe.kind,
    origin: a.probe.origin,
    label: a.probe.label,
    stage: a.stage,
    status: a.response.status,
    allowOrigin: granted.allowOrigin,
    allowCredentials: granted.allowCredentials,
    vary: headerValue(headers, 'vary'),
    readable: granted.accepted,
    readableWithCredentials: granted.credentials,
    location: location === null ? null : redactUrl(location),
  };
}
