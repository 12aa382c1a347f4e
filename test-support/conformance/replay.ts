/**
 * How a scenario (scenarios.ts) is made from a page, against the recording servers (server.ts): the URL of each hop,
 * the page's call and running it. One implementation for the recorder (scripts/record-conformance.ts) and the live
 * replay through the extension (e2e/conformance-replay.spec.ts), so that the replay makes the very requests the corpus
 * recorded; also the renaming the recorder applies before writing the corpus.
 */
import { type PageEvaluator, runTriggers, type Trigger } from '../browser/triggers.ts';
import type { Scenario, Step } from './scenarios.ts';
import type { RecordingServers } from './server.ts';

/** The request the page makes for a scenario, as the page makes it. */
export interface Call {
  readonly api: Scenario['api'];
  readonly url: string;
  readonly method?: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: string;
  readonly credentials: 'include' | 'same-origin' | 'omit';
  readonly mode: 'cors' | 'same-origin' | 'no-cors';
}

function originFor(servers: RecordingServers, at: Step['at']): string {
  return {
    page: servers.page,
    api: servers.api,
    'api-same-site': servers.apiSameSite,
    'api-insecure': servers.apiInsecure,
    other: servers.other,
    'other-same-site': servers.otherSameSite,
  }[at];
}

/** The URL of each hop: the scenario's step chain, each redirect's Location pointing at the next URL. */
export function hopUrls(servers: RecordingServers, scenario: Scenario, runId: string): string[] {
  const urls: string[] = [];
  const build = (step: Step, index: number): string => {
    const q = new URLSearchParams();
    q.set('id', `${runId}.${scenario.id}.${index}`);
    if (step.h) q.set('h', JSON.stringify(step.h));
    if (step.p) q.set('p', JSON.stringify(step.p));
    if (step.ps) q.set('ps', String(step.ps));
    if (step.ploc) q.set('ploc', step.ploc);
    let status = step.s;
    if (step.to) {
      const next = new URL(build(step.to, index + 1));
      if (step.to.userinfo) {
        const [user, pass] = step.to.userinfo.split(':');
        next.username = user ?? '';
        next.password = pass ?? '';
      }
      q.set('loc', next.href);
      status ??= 302;
    } else if (step.loc) {
      q.set('loc', step.loc);
    }
    if (status) q.set('s', String(status));
    if (scenario.api === 'eventsource' && !step.to) q.set('sse', '1');
    urls[index] = `${originFor(servers, step.at)}/cors?${q}`;
    return urls[index] as string;
  };
  build(scenario.step, 0);
  return urls;
}

export function callOf(scenario: Scenario, url: string): Call {
  const credentials = scenario.credentials ?? 'same-origin';
  return {
    api: scenario.api,
    url,
    ...(scenario.method ? { method: scenario.method } : {}),
    headers: scenario.headers ?? [],
    ...(scenario.body !== undefined ? { body: scenario.body } : {}),
    credentials: scenario.api === 'fetch' ? credentials : credentials === 'include' ? 'include' : 'same-origin',
    mode: scenario.mode ?? 'cors',
  };
}

const triggerOf = ({ api, url, method, headers, body, credentials, mode }: Call): Trigger =>
  api === 'xhr'
    ? { kind: 'xhr', url, method, headers, body, withCredentials: credentials === 'include' }
    : api === 'eventsource'
      ? // The server ends the stream after one message; the error that follows is the end of the response.
        { kind: 'eventsource', url, withCredentials: credentials === 'include', untilEnd: true }
      : { kind: 'fetch', url, method, headers, body, credentials, mode };

/** Runs the calls in the page, all at once; resolves with 'ok', 'failed' or 'timeout' (after 15 s) per call. */
export function runCalls(page: PageEvaluator, calls: readonly Call[]): Promise<string[]> {
  return runTriggers(page, calls.map(triggerOf), 15_000);
}

/** The fixed ports the corpus is written with: page, API, other origin. */
export const CORPUS_PORTS = [8801, 8802, 8803] as const;

/**
 * The text with the servers' free ports renamed to CORPUS_PORTS and the run id dropped, everywhere (URLs, encoded
 * Locations, Origin, Referer, failedParameter): a renaming that changes no verdict, so that recording again with the
 * same Chromium rewrites the same file, and a replay's URLs and verdicts compare with the recorded ones.
 */
export function canonicalText(text: string, servers: RecordingServers, runId: string): string {
  const ports = [servers.page, servers.api, servers.other].map((o) => new URL(o).port);
  let out = text.replaceAll(`${runId}.`, '');
  for (const [i, port] of ports.entries()) {
    out = out.replace(new RegExp(`(:|%3A|%253A|%25253A)${port}(?!\\d)`, 'g'), `$1${CORPUS_PORTS[i]}`);
  }
  return out;
}
