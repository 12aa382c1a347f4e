/**
 * The panel's reading of a record and of the tab's summary, in one place: what a row shows, what the filter searches,
 * how rows group, whether details are missing. The capture is growing new fields (where the details came from,
 * trimming, the tab's capture state); they are read here, as optional, and nowhere else.
 */

import type { Diagnosis, LogRecord, TabSummary } from '../../src/index.ts';
import { diagnosisTitle, recordDiagnosis, UNCAPTURED_TITLE } from '../../src/index.ts';
import { type FilterFields, FilterIndex, type FilterTerm, LINES } from './filter.ts';

/** Fields the capture may add to a record. All optional. */
export interface RecordExtras {
  /** The top-level page the request belongs to (for navigation separators); the document id stands in without it. */
  readonly pageUrl?: string;
}

export type ShownRecord = LogRecord & RecordExtras;

/** The tab's summary, with the capture state the worker may add: whether details are being captured on this tab now. */
export type ShownSummary = TabSummary;

// Records never change in place (an update replaces the object), so derived values are cached per object.
const diagnoses = new WeakMap<object, Diagnosis>();
const titles = new WeakMap<object, string>();
const fields = new WeakMap<object, FilterFields>();
const keys = new WeakMap<object, string>();
// A log's records array never changes either (an update makes a new array): its filter index is kept with it.
const indexes = new WeakMap<readonly ShownRecord[], FilterIndex>();

/** The record's full diagnosis, worded once. */
export function diagnosisOf(record: ShownRecord): Diagnosis {
  let d = diagnoses.get(record);
  if (!d) {
    // recordDiagnosis reads the stored exchange and judgement only; the kind does not change its words.
    d = recordDiagnosis(record as Parameters<typeof recordDiagnosis>[0]);
    diagnoses.set(record, d);
  }
  return d;
}

/** Whether the headers that decide the verdict were not captured for this record ("details missing"). */
export function detailsMissing(record: ShownRecord): boolean {
  return record.uncaptured;
}

/** Where the details came from, in words; null when missing or not said. */
export function detailsSourceOf(record: ShownRecord): string | null {
  if (detailsMissing(record)) return null;
  if (record.source === 'devtools') return "DevTools' network log";
  if (record.source === 'webrequest') return 'the detailed capture';
  return null;
}

/** The row's one-line title, without wording the whole diagnosis (a list may hold thousands). */
export function titleOf(record: ShownRecord): string {
  let t = titles.get(record);
  if (t === undefined) {
    // A record judged in Firefox is worded from Firefox's verdict (recordDiagnosis), not from Chromium's judgement. A
    // record without details has one title: a burst lists each failure first without them, and wording its whole
    // diagnosis for the row cost the panel about a tenth of its time in one (bench/panel-burst.ts --profile).
    if (record.firefox) t = diagnosisOf(record).title;
    else if (detailsMissing(record)) t = UNCAPTURED_TITLE;
    else t = diagnosisTitle(record.exchange, record.judgement);
    titles.set(record, t);
  }
  return t;
}

/**
 * Chromium's CorsError name; 'Unknown' for a CORS failure without details; '' for look-alikes and warnings. For a
 * record judged in Firefox: what Chromium would name for the same exchange, '' when it would not refuse it or cannot
 * be told.
 */
export function codeOf(record: ShownRecord): string {
  if (record.kind !== 'cors') return '';
  if (record.firefox) return record.judgement.verdict.status?.corsError ?? '';
  return detailsMissing(record) ? 'Unknown' : (record.judgement.verdict.status?.corsError ?? 'Unknown');
}

/** The reason a row shows: Firefox's (its MDN name) for a record judged in Firefox, else Chromium's code. */
export function reasonOf(record: ShownRecord): string {
  return record.kind === 'cors' && record.firefox ? record.firefox.reason : codeOf(record);
}

/** The HTTP status of the answer the verdict is about (the preflight's for preflight failures), or null. */
export function statusOf(record: ShownRecord): number | null {
  const { verdict } = record.judgement;
  const hops = record.exchange.hops;
  const hop = hops[verdict.hop] ?? hops[hops.length - 1];
  const response = verdict.stage === 'preflight' ? hop?.preflight?.response : (hop?.response ?? hop?.preflight?.response);
  return response?.status ?? null;
}

/** Host (with port) and the rest of a URL, for a name column that keeps the path readable. */
export function splitUrl(url: string): { host: string; path: string } {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!m) return { host: '', path: url };
  return { host: m[1] ?? '', path: m[2] || '/' };
}

/** Identical failures share this: the kind, method, URL without its query, and code (or title). */
export function groupKey(record: ShownRecord): string {
  let key = keys.get(record);
  if (key === undefined) {
    const url = record.exchange.request.url;
    const cut = url.search(/[?#]/);
    key = `${record.kind}\n${record.exchange.request.method}\n${cut < 0 ? url : url.slice(0, cut)}\n${reasonOf(record) || titleOf(record)}`;
    keys.set(record, key);
  }
  return key;
}

/** The page load a record belongs to, when it tells (top-level frame); null for frames and workers. */
export function navigationKey(record: ShownRecord): string | null {
  if (record.pageUrl !== undefined) return record.pageUrl;
  return record.frameId === 0 ? record.documentId : null;
}

/** Whether the filter's fields of a record are built (the panel builds them in the background, see App). */
export function hasFilterFields(record: ShownRecord): boolean {
  return fields.has(record);
}

/** What the filter reads, built once per record: titles, codes, status, method, host, header names and values. */
export function filterFields(record: ShownRecord): FilterFields {
  let f = fields.get(record);
  if (!f) {
    const { request, hops } = record.exchange;
    const status = statusOf(record);
    // The verdict's words are the same for many records (one failure, many URLs): they are one line of the book,
    // searched once per distinct text; a record's own words are its method and URL.
    const verdict = new Set([titleOf(record), reasonOf(record), codeOf(record), status === null ? '' : String(status), record.kind]);
    const lists = [
      request.headers,
      ...hops.flatMap((h) => [h.requestHeaders, h.response?.headers, h.preflight?.requestHeaders, h.preflight?.response?.headers]),
    ];
    const lines = [LINES.id([...verdict].join('\n').toLowerCase())];
    for (const list of lists) for (const h of list ?? []) lines.push(LINES.id(`${h.name}: ${h.value}`.toLowerCase()));
    f = {
      text: `${request.method}\n${request.url}`.toLowerCase(),
      lines,
      code: reasonOf(record).toLowerCase(),
      status: status === null ? '' : String(status),
      method: request.method.toLowerCase(),
      host: splitUrl(request.url).host.toLowerCase(),
      kind: record.kind,
    };
    fields.set(record, f);
  }
  return f;
}

// The index last built: the next one (the log a few records on) keeps its unchanged blocks.
let latestIndex: FilterIndex | null = null;

/** The filter's index of a log, built once per records array (the panel builds it in the background, see App). */
export function filterIndex(records: readonly ShownRecord[]): FilterIndex {
  let index = indexes.get(records);
  if (!index) {
    index = new FilterIndex(records.map(filterFields), latestIndex);
    indexes.set(records, index);
    latestIndex = index;
  }
  return index;
}

/** The records that satisfy every term, in their order. */
export function filterRecords(records: readonly ShownRecord[], terms: readonly FilterTerm[]): readonly ShownRecord[] {
  if (terms.length === 0) return records;
  const keep = filterIndex(records).match(terms);
  const shown: ShownRecord[] = [];
  for (let i = 0; i < records.length; i++) if (keep[i] === 1) shown.push(records[i] as ShownRecord);
  return shown;
}

/** The trimmed note of a record, or null. */
export function trimmedNote(record: ShownRecord): string | null {
  return record.trimmed
    ? 'This record was trimmed to fit storage: some long values, header lines or middle redirects were left out (the verdict was made on everything).'
    : null;
}

/** "1 CORS failure", "2 CORS failures". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Time of day with milliseconds, as DevTools shows it. */
export function timeOfDay(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}
