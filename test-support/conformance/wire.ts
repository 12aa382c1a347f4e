/**
 * What both corpus recorders (scripts/record-conformance.ts for Chromium, scripts/record-conformance-firefox.ts for
 * Firefox) build from the recording servers' log: each hop of a request as it went over the wire (preflight and
 * actual request header lines, statuses, response header lines), and the one-scenario-per-line file they write.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Header } from '../../src/headers.ts';
import type { Hop, ResponseFacts } from '../../src/model.ts';
import { CORPUS_PORTS } from './replay.ts';
import { INSECURE_HOSTS, type WireRequest } from './server.ts';

/** The scenario id a recording URL carries (`id=<run>.<scenario>.<hop>`). */
export const idOf = (url: string) => new URL(url, 'http://x.invalid').searchParams.get('id');

/**
 * Wire header lines the network stack adds to every request, irrelevant to CORS: left out of the corpus. User-Agent
 * and the client hints stay: their place among the page's headers is Blink's header-map order (header-order.ts).
 */
const NOISE = new Set(['host', 'connection', 'accept-encoding']);

/** Request header lines as a corpus keeps them: without NOISE, and without Accept-Language unless the page set it. */
export function wireHeaders(lines: readonly (readonly [string, string])[], pageSet: ReadonlySet<string>): Header[] {
  return lines
    .filter(([name]) => {
      const lower = name.toLowerCase();
      // Accept-Language comes from the browser's settings unless the page set it.
      return !NOISE.has(lower) && (lower !== 'accept-language' || pageSet.has(lower));
    })
    .map(([name, value]) => ({ name, value }));
}

function responseOf(w: WireRequest): ResponseFacts {
  return { status: w.status, headers: w.response.map(([name, value]) => ({ name, value })) };
}

/**
 * The hops of one request from the wire log: for each URL the browser visited (in order), the preflight the server
 * received for it and the actual request, each with what the server answered; null where nothing reached it.
 */
export function hopsFromWire(visited: readonly string[], log: readonly WireRequest[], pageSet: ReadonlySet<string>): Hop[] {
  return visited.map((url) => {
    const id = idOf(url);
    const wire = log.filter((w) => idOf(w.path) === id);
    const preflightWire = wire.find(
      (w) => w.method === 'OPTIONS' && w.headers.some(([n]) => n.toLowerCase() === 'access-control-request-method'),
    );
    const actualWire = wire.find((w) => w !== preflightWire);
    const originOf = (w: WireRequest | undefined) => w?.headers.find(([n]) => n.toLowerCase() === 'origin')?.[1];
    return {
      url,
      originSent: originOf(actualWire) ?? originOf(preflightWire) ?? null,
      requestHeaders: actualWire ? wireHeaders(actualWire.headers, pageSet) : null,
      preflight: preflightWire
        ? { requestHeaders: wireHeaders(preflightWire.headers, pageSet), response: responseOf(preflightWire), error: null }
        : null,
      response: actualWire ? responseOf(actualWire) : null,
    };
  });
}

/** Writes a corpus with one scenario per line, so that the file stays diffable when a new browser changes a few verdicts. */
export function writeCorpus(file: string, corpus: { readonly scenarios: readonly unknown[] }): void {
  const { scenarios: list, ...head } = corpus;
  const text = `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "scenarios": [\n${list.map((s) => `    ${JSON.stringify(s)}`).join(',\n')}\n  ]\n}\n`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** How many scenarios share each key, most first: the recorders' summary tables. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const item of items) m.set(key(item), (m.get(key(item)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
}

/** The origins a corpus is written with (the recorders run on free ports and rename them: replay.ts canonicalText). */
export function corpusOrigins(resolvedBy: string): Record<string, string> {
  const [page, api, other] = CORPUS_PORTS;
  return {
    page: `http://localhost:${page} (a secure context), http://${INSECURE_HOSTS.page}:${page} (not one)`,
    api: `http://127.0.0.1:${api} (another site), http://localhost:${api} (same site), http://${INSECURE_HOSTS.api}:${api}`,
    other: `http://127.0.0.1:${other}, http://localhost:${other}`,
    note: `recorded on free ports, written with these; every host name resolves to 127.0.0.1 (${resolvedBy})`,
  };
}

/** What a recorder prints when it is done: the verdicts, the failures without a CORS reason, the WPT differences. */
export interface RecordingSummary {
  readonly browser: string;
  readonly verdicts: [string, number][];
  /** Failures the browser gave no CORS reason for, and how it says it. */
  readonly noReason: { readonly label: string; readonly scenarios: readonly { id: string; note?: string }[] };
  readonly wptDiffers: readonly { id: string; note?: string }[];
  readonly problems: readonly string[];
}

export function printSummary(s: RecordingSummary): void {
  console.log('\nPer verdict:');
  for (const [k, n] of s.verdicts) console.log(`  ${String(n).padStart(4)}  ${k}`);
  console.log(`\n${s.noReason.scenarios.length} scenario(s) failed without ${s.noReason.label}:`);
  for (const x of s.noReason.scenarios) console.log(`  ${x.id}: ${x.note}`);
  const n = s.wptDiffers.length;
  console.log(`\n${s.browser} differs from the web-platform-test in ${n} scenario(s)${n ? ':' : '.'}`);
  for (const x of s.wptDiffers) console.log(`  ${x.id}: ${x.note}`);
  if (s.problems.length) {
    console.log(`\n${s.problems.length} problem(s):`);
    for (const p of s.problems) console.log(`  ${p}`);
    process.exitCode = 1;
  }
}
