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
// The capture, as plain data: what the extension's adapters feed and what the worker keeps.
export { DetailOrigins } from './capture/arming.ts';
export { type ErrorEvent, type PageHint, parseHint, type RequestEvent, type RequestEventBase, type SendEvent } from './capture/events.ts';
export { HarAssembler, type HarEntry, type LoggedExchange } from './capture/har.ts';
export { type FailureRecord, recordDiagnosis, toFirefoxRecord, toRecord, UNCAPTURED_TITLE } from './capture/records.ts';
export {
  type KeyValueStore,
  STORED_KEY,
  sameRequestUrl,
  type TabChange,
  TabLog,
  type TabSnapshot,
  type TabSummary,
} from './capture/tab-log.ts';
export { type Captured, ExchangeTracker, initiatorOf, type PageSender, sameUrl } from './capture/tracker.ts';
export { leavesOrigin, redirectLocation } from './cors/engine.ts';
export { CORS_NET_ERROR, diagnose, diagnosisTitle, explain, judge } from './diagnose.ts';
export { type CallApi, callProblem, type FetchCall } from './fetch/call.ts';
export { advance, MAX_REDIRECTS, runWalk, startWalk, type Walk, type WireOutcome, type WireRequest } from './fetch/walk.ts';
export {
  type ClientFix,
  type DetectedStack,
  detectStack,
  type FixSet,
  type ServerFix,
  STACK_IDS,
  STACKS,
  type StackId,
  suggestFixes,
} from './fix/index.ts';
export * from './headers.ts';
export * from './model.ts';
export { originOf, sameOrigin } from './origin.ts';
export { keptUrl, redactExchange, redactHeaders, redactRequestHeaders, redactUrl } from './redact.ts';
// What the panel shares and tries: exports, reports, snippets, text made visible, the what-if editor.
export { type ExportedLog, exportFileName, exportLog, parseLog } from './share/export.ts';
export type { LogRecord } from './share/log-record.ts';
export { markdownReport } from './share/report.ts';
export { curlCommands, fetchSnippet } from './share/snippets.ts';
export { visibleParts, visibleText } from './share/visible-text.ts';
export { draftFrom, type MessageDraft, runWhatIf, suggestedDraft, type WhatIfDraft } from './what-if.ts';
