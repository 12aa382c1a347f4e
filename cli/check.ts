/**
 * `cors-lens check`: the call walked by the core (src/fetch) over real HTTP, the exchange judged by the same engine,
 * explanations and fix generators as the extension, and the report (schema version 1, documented in the README).
 */
import {
  type AuditFinding,
  type ClientFix,
  CORS_NET_ERROR,
  callProblem,
  type Diagnosis,
  type Exchange,
  explain,
  type FetchCall,
  type Header,
  judge,
  keptUrl,
  passiveFindings,
  redactExchange,
  redactHeaders,
  runWalk,
  type ServerFix,
  suggestFixes,
} from '../src/index.ts';
import { BadInput, type CheckOptions } from './args.ts';
import { type Sent, type Transport, unsendable } from './http.ts';
import { USER_AGENT, VERSION } from './version.ts';

/** The version of the JSON shape below: a new field keeps it, a changed or removed one bumps it. */
export const SCHEMA_VERSION = 1;

export type CheckOutcome = 'allowed' | 'refused' | 'network-error';

/** One wire request as reported: what went out and what came back. */
export interface WireStep {
  readonly kind: 'preflight' | 'request';
  readonly method: string;
  readonly url: string;
  readonly status: number | null;
  readonly error: string | null;
  readonly ms: number;
}

export interface CheckReport {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly command: 'check';
  readonly tool: string;
  readonly outcome: CheckOutcome;
  readonly exitCode: 0 | 1 | 2;
  readonly request: {
    readonly url: string;
    readonly origin: string;
    readonly method: string;
    readonly api: FetchCall['api'];
    readonly credentials: FetchCall['credentials'];
    readonly headers: readonly Header[];
  };
  /** Chromium's CorsError name and failedParameter, as CDP reports them; null when it would not refuse. */
  readonly corsError: string | null;
  readonly failedParameter: string | null;
  /** The network error (net::ERR_...), when the request did not get an answer the CORS check could judge. */
  readonly networkError: string | null;
  readonly diagnosis: Diagnosis;
  /** Dangerous setups the passing answer already proves (src/audit). */
  readonly security: readonly AuditFinding[];
  readonly fix: ServerFix | null;
  readonly clientFixes: readonly ClientFix[];
  readonly steps: readonly WireStep[];
  /** The exchange the engine judged, as the redaction keeps it: values only for the headers a diagnosis reads. */
  readonly exchange: Exchange;
}

/** The page's call the options describe. */
function callOf(o: CheckOptions): FetchCall {
  return {
    url: o.url,
    origin: o.origin,
    method: o.method,
    headers: o.headers,
    body: o.body,
    credentials: o.credentials ? 'include' : 'same-origin',
    api: o.api,
    userAgent: USER_AGENT,
    cookie: o.cookie,
  };
}

/** The reported step of a sent request. */
export function stepOf(s: Sent): WireStep {
  return {
    kind: s.request.kind,
    method: s.request.method,
    url: keptUrl(s.request.url),
    status: 'response' in s.outcome ? s.outcome.response.status : null,
    error: 'error' in s.outcome ? s.outcome.error : null,
    ms: Math.round(s.ms * 10) / 10,
  };
}

export interface CheckRun {
  readonly report: CheckReport;
  /** Node's words for the network error, for the one-line message. */
  readonly detail: string | null;
}

/** Runs a check; throws BadInput for a call a browser would refuse to make. */
export async function runCheck(o: CheckOptions, transport: Transport): Promise<CheckRun> {
  const call = callOf(o);
  const problem = callProblem(call);
  const limit = problem ?? unsendable([...o.headers, ...(call.cookie === null ? [] : [{ name: 'Cookie', value: call.cookie }])]);
  if (limit) throw new BadInput(limit);
  const sent: Sent[] = [];
  const exchange = await runWalk(call, async (request) => {
    const s = await transport(request);
    sent.push(s);
    return s.outcome;
  });
  // Judged on everything that came back, as the browser judges; worded and reported from what the project's one
  // redaction keeps (src/redact.ts: the values a diagnosis reads, URLs without secrets), like the extension.
  const kept = redactExchange(exchange);
  const diagnosis = explain(kept, judge(exchange));
  const fixes = suggestFixes(kept, diagnosis);
  const networkError = exchange.error !== null && exchange.error !== CORS_NET_ERROR ? exchange.error : null;
  const outcome: CheckOutcome = diagnosis.result === 'fail' ? 'refused' : networkError ? 'network-error' : 'allowed';
  const report: CheckReport = {
    schemaVersion: SCHEMA_VERSION,
    command: 'check',
    tool: `cors-lens ${VERSION}`,
    outcome,
    exitCode: outcome === 'allowed' ? 0 : outcome === 'refused' ? 1 : 2,
    request: {
      url: keptUrl(o.url),
      origin: o.origin,
      method: exchange.request.method,
      api: o.api,
      credentials: call.credentials,
      headers: redactHeaders(o.headers, 'request'),
    },
    corsError: diagnosis.status?.corsError ?? null,
    failedParameter: diagnosis.status?.failedParameter ?? null,
    networkError,
    diagnosis,
    security: passiveFindings(exchange),
    fix: fixes.server.find((f) => f.stack === o.stack) ?? null,
    clientFixes: fixes.client,
    steps: sent.map(stepOf),
    exchange: kept,
  };
  return { report, detail: sent.findLast((s) => s.detail !== null)?.detail ?? null };
}
