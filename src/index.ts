/** The pure core's public surface: exchange in, diagnosis and fixes out; a CORS call walked as the browser walks it; audits. */
export {
  type Acceptance,
  type AuditFinding,
  acceptance,
  auditFindings,
  classifyProbe,
  type FindingKind,
  type ProbeAnswer,
  passiveFindings,
  type Severity,
} from './audit/findings.ts';
export { type AuditedRequest, auditRequirements } from './audit/fix.ts';
export { ATTACKER_HOST, auditProbes, type Probe, type ProbeKind, type SkippedProbe } from './audit/probes.ts';
export { probeRequests } from './audit/requests.ts';
export { CORS_NET_ERROR, diagnose, explain, judge } from './diagnose.ts';
export { type CallApi, callProblem, type FetchCall } from './fetch/call.ts';
export { advance, MAX_REDIRECTS, runWalk, startWalk, type Walk, type WireOutcome, type WireRequest } from './fetch/walk.ts';
export { type ClientFix, type FixSet, type ServerFix, STACK_IDS, STACKS, type StackId, suggestFixes } from './fix/index.ts';
export * from './headers.ts';
export * from './model.ts';
export { originOf, sameOrigin } from './origin.ts';
export { keptUrl, redactExchange, redactHeaders, redactUrl } from './redact.ts';
