/**
 * The exported log: a versioned JSON document of one tab's records, as stored (already redacted at capture), and
 * its reader. An imported file is untrusted: every field the panel and the engine read is checked, with a message
 * that says where the file is wrong, and its exchanges go through the same redaction as storage (src/redact.ts) before
 * they are shown. The format is documented in docs/export-format.md; bump LOG_VERSION on any incompatible change.
 */
import { FIREFOX_REASONS } from '../cors/firefox-messages.ts';
import { CORS_ERRORS } from '../model.ts';
import { redactExchange } from '../redact.ts';
import type { LogRecord } from './log-record.ts';

export const LOG_FORMAT = 'cors-lens-log';
export const LOG_VERSION = 1;
/** The largest file read, and the most records in one: a day of a busy page, far below what would hang the panel. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
export const MAX_IMPORT_RECORDS = 20_000;

export interface ExportedLog {
  readonly format: typeof LOG_FORMAT;
  readonly version: typeof LOG_VERSION;
  /** ISO 8601. */
  readonly exportedAt: string;
  /** The product that wrote it, e.g. "CORS Lens 0.1.0". */
  readonly generator: string;
  /** The page the log was taken on, as the panel knew it. */
  readonly page: { readonly url: string; readonly tabId: number | null };
  /** CORS failures, look-alikes and warnings among the records. */
  readonly counts: { readonly failures: number; readonly lookalikes: number; readonly warnings: number };
  readonly records: readonly LogRecord[];
}

export function exportLog(records: readonly LogRecord[], page: ExportedLog['page'], exportedAt: Date, generator: string): ExportedLog {
  return {
    format: LOG_FORMAT,
    version: LOG_VERSION,
    exportedAt: exportedAt.toISOString(),
    generator,
    page,
    counts: {
      failures: records.filter((r) => r.kind === 'cors').length,
      lookalikes: records.filter((r) => r.kind === 'lookalike').length,
      warnings: records.filter((r) => r.kind === 'warning').length,
    },
    records,
  };
}

/** A file name for the export: the page's host and the time, safe on every file system. */
export function exportFileName(pageUrl: string, at: Date): string {
  let host = 'tab';
  try {
    host = new URL(pageUrl).host || 'tab';
  } catch {
    // keep 'tab'
  }
  return `cors-lens-${host.replace(/[^a-z0-9.-]/gi, '_')}-${at.toISOString().replace(/[:.]/g, '-')}.json`;
}

export type ParsedLog = { readonly ok: true; readonly log: ExportedLog } | { readonly ok: false; readonly error: string };

class Invalid extends Error {}

type Check = (value: unknown, path: string) => void;

const fail = (path: string, what: string): never => {
  throw new Invalid(`${path}: ${what}`);
};
const describeValue = (v: unknown) =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : JSON.stringify(v);
const str: Check = (v, p) => {
  if (typeof v !== 'string') fail(p, `expected text, found ${describeValue(v)}`);
};
const int: Check = (v, p) => {
  if (!Number.isInteger(v)) fail(p, `expected a whole number, found ${describeValue(v)}`);
};
const num: Check = (v, p) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(p, `expected a number, found ${describeValue(v)}`);
};
const bool: Check = (v, p) => {
  if (typeof v !== 'boolean') fail(p, `expected true or false, found ${describeValue(v)}`);
};
const oneOf =
  (values: readonly string[]): Check =>
  (v, p) => {
    if (typeof v !== 'string' || !values.includes(v)) fail(p, `expected one of ${values.join(', ')}, found ${describeValue(v)}`);
  };
const nullable =
  (check: Check): Check =>
  (v, p) => {
    if (v !== null) check(v, p);
  };
const optional =
  (check: Check): Check =>
  (v, p) => {
    if (v !== undefined) check(v, p);
  };
const list =
  (check: Check, min = 0): Check =>
  (v, p) => {
    if (!Array.isArray(v)) return fail(p, `expected a list, found ${describeValue(v)}`);
    if (v.length < min) fail(p, `expected at least ${min} entries`);
    v.forEach((item, i) => {
      check(item, `${p}[${i}]`);
    });
  };
const object =
  (fields: Record<string, Check>): Check =>
  (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, `expected an object, found ${describeValue(v)}`);
    for (const [key, check] of Object.entries(fields)) check((v as Record<string, unknown>)[key], `${p}.${key}`);
  };
const literalTrue: Check = (v, p) => {
  if (v !== true) fail(p, `expected true, found ${describeValue(v)}`);
};

const headerList = list(object({ name: str, value: str, redacted: optional(literalTrue), truncatedFrom: optional(int) }));
const response = object({ status: int, headers: headerList });
const credentials = object({
  mode: oneOf(['omit', 'same-origin', 'include']),
  source: oneOf(['page', 'cookie-sent', 'storage-access-header', 'inferred', 'default']),
});
const exchange = object({
  request: object({
    url: str,
    method: str,
    origin: str,
    mode: oneOf(['cors', 'no-cors', 'same-origin', 'navigate', 'websocket', 'unknown']),
    credentials,
    initiator: oneOf(['fetch', 'xhr', 'eventsource', 'font', 'script', 'stylesheet', 'image', 'media', 'worker', 'other']),
    headers: headerList,
  }),
  hops: list(
    object({
      url: str,
      originSent: nullable(str),
      requestHeaders: nullable(headerList),
      preflight: nullable(object({ requestHeaders: headerList, response: nullable(response), error: nullable(str) })),
      response: nullable(response),
    }),
    1,
  ),
  error: nullable(str),
});
const STAGES = ['preflight', 'redirect', 'response', 'request'];
const judgement = object({
  credentials,
  verdict: object({
    status: nullable(object({ corsError: oneOf(CORS_ERRORS), failedParameter: str })),
    stage: nullable(oneOf(STAGES)),
    hop: int,
    origin: str,
    corsApplied: bool,
    preflightReasons: list(object({ kind: oneOf(['method', 'header']), name: str, detail: str })),
    preflightCached: bool,
    location: nullable(str),
    incomplete: bool,
  }),
});
/** A record judged in Firefox mode (Firefox's own capture): Firefox's verdict as the record keeps it. */
const firefox = object({
  reason: oneOf(FIREFOX_REASONS),
  parameter: str,
  stage: nullable(oneOf(STAGES)),
  hop: int,
  origin: str,
  message: str,
});
const record = object({
  id: str,
  tabId: int,
  frameId: int,
  documentId: nullable(str),
  time: num,
  type: str,
  kind: oneOf(['cors', 'lookalike', 'warning']),
  exchange,
  judgement,
  uncaptured: bool,
  pageReported: optional(literalTrue),
  notWatched: optional(literalTrue),
  firefox: optional(firefox),
});

/** Reads an exported log, or says what is wrong with it. Never throws. */
export function parseLog(text: string): ParsedLog {
  if (text.length > MAX_IMPORT_BYTES) return { ok: false, error: `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB.` };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `The file is not JSON: ${(e as Error).message}` };
  }
  const d = data as Partial<Record<keyof ExportedLog, unknown>> | null;
  if (typeof d !== 'object' || d === null || d.format !== LOG_FORMAT) {
    return { ok: false, error: `Not a CORS Lens log: "format" must be "${LOG_FORMAT}".` };
  }
  if (d.version !== LOG_VERSION) {
    return {
      ok: false,
      error: `This log is version ${describeValue(d.version)}; this CORS Lens reads version ${LOG_VERSION}. Update the extension to read newer logs.`,
    };
  }
  try {
    object({ exportedAt: str, generator: str, page: object({ url: str, tabId: nullable(int) }) })(d, 'log');
    if (!Array.isArray(d.records)) fail('log.records', `expected a list, found ${describeValue(d.records)}`);
    const records = d.records as unknown[];
    if (records.length > MAX_IMPORT_RECORDS) fail('log.records', `more than ${MAX_IMPORT_RECORDS} records`);
    const ids = new Set<string>();
    records.forEach((r, i) => {
      record(r, `log.records[${i}]`);
      const rec = r as LogRecord;
      if (rec.judgement.verdict.hop >= rec.exchange.hops.length)
        fail(`log.records[${i}].judgement.verdict.hop`, 'points past the last hop');
      if (rec.firefox && rec.firefox.hop >= rec.exchange.hops.length) fail(`log.records[${i}].firefox.hop`, 'points past the last hop');
      if (ids.has(rec.id)) fail(`log.records[${i}].id`, `"${rec.id}" appears twice`);
      ids.add(rec.id);
    });
    // Redacted like storage: whatever the file holds, secrets and oversized values go the way capture sends them.
    const clean = (records as LogRecord[]).map((r) => ({ ...r, exchange: redactExchange(r.exchange) }));
    if (Number.isNaN(Date.parse(d.exportedAt as string))) fail('log.exportedAt', 'expected a date and time (ISO 8601)');
    const log = exportLog(clean, d.page as ExportedLog['page'], new Date(d.exportedAt as string), d.generator as string);
    return { ok: true, log };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: `Not a valid CORS Lens log: ${e.message}` };
    throw e;
  }
}
