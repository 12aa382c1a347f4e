/**
 * `npm run record:conformance:firefox`: records Firefox's verdicts for the conformance scenarios
 * (test-support/conformance/corpus-firefox.json) from a real Firefox, the way scripts/record-conformance.ts records
 * Chromium's: the same scenarios, pages, recording servers and calls.
 *
 * Firefox is driven over WebDriver BiDi (puppeteer-core, headless, no extension). Its verdict is its own report of
 * each request: the CORS message it logs to the web console ("Cross-Origin Request Blocked: ... (Reason: ...)"),
 * which reaches BiDi as a log.entryAdded entry of type "javascript" for the page's browsing context (puppeteer's
 * page 'console' events never carry it). The request's hops and its request headers come from BiDi's network events
 * (network.beforeRequestSent; a redirect keeps the request id and counts up redirectCount), and everything that went
 * over the wire from the recording servers' log, as for Chromium.
 *
 * The browser is FIREFOX_PATH (default /usr/bin/firefox-esr, Debian's firefox-esr package). Takes about a minute.
 */
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { FIREFOX_WARNINGS, parseFirefoxMessage } from '../src/cors/firefox-messages.ts';
import type { Exchange } from '../src/model.ts';
import { evaluator, FIREFOX_PATH, until } from '../test-support/browser/firefox.ts';
import type { FirefoxCorpus, FirefoxCorpusScenario } from '../test-support/conformance/corpus.ts';
import { type Call, callOf, canonicalText, hopUrls, runCalls } from '../test-support/conformance/replay.ts';
import { allScenarios, type Scenario } from '../test-support/conformance/scenarios.ts';
import { INSECURE_HOSTS, type RecordingServers, startRecordingServers } from '../test-support/conformance/server.ts';
import { corpusOrigins, countBy, hopsFromWire, idOf, printSummary, wireHeaders, writeCorpus } from '../test-support/conformance/wire.ts';

const OUT = path.resolve('test-support/conformance/corpus-firefox.json');
const BATCH = 8;
/** How long the console must stay quiet after a batch before its messages count as complete. */
const QUIET_MS = 300;

/** The BiDi events the recorder reads (WebDriver BiDi network and log modules), reduced to what it uses. */
interface BidiRequestEvent {
  readonly request: { readonly request: string; readonly url: string; readonly method: string; readonly headers: readonly BidiHeader[] };
  readonly redirectCount: number;
  readonly errorText?: string;
}
interface BidiHeader {
  readonly name: string;
  readonly value: { readonly type: string; readonly value: string };
}
interface BidiLogEntry {
  readonly type: string;
  readonly level: string;
  readonly text: string | null;
  readonly source: { readonly context?: string };
}
interface BidiEvents {
  on(event: 'network.beforeRequestSent' | 'network.fetchError', listener: (e: BidiRequestEvent) => void): void;
  on(event: 'log.entryAdded', listener: (e: BidiLogEntry) => void): void;
}

/** One request as Firefox reported it over BiDi: each hop's URL, method and request headers, and its network error. */
interface FirefoxRequest {
  readonly hops: { url: string; method: string; headers: [string, string][] }[];
  /** network.fetchError's errorText, each time BiDi reported one for this request id. */
  readonly errors: string[];
}

/** Everything Firefox said during the run: requests by BiDi id (preflights apart), and every log entry in order. */
interface Watch {
  readonly requests: Map<string, FirefoxRequest>;
  readonly logs: { readonly at: number; readonly text: string; readonly level: string }[];
}

function watch(browser: Browser): Watch {
  // puppeteer-core's Browser for Firefox is its BiDi browser, whose connection emits every BiDi event it subscribed to.
  const bidi = (browser as unknown as { connection: BidiEvents }).connection;
  const requests = new Map<string, FirefoxRequest>();
  const logs: Watch['logs'] = [];
  bidi.on('network.beforeRequestSent', (e) => {
    const headers = e.request.headers.map((h): [string, string] => [h.name, h.value.value]);
    if (e.request.method === 'OPTIONS' && headers.some(([n]) => n.toLowerCase() === 'access-control-request-method')) return;
    const entry = requests.get(e.request.request) ?? { hops: [], errors: [] };
    entry.hops[e.redirectCount] = { url: e.request.url, method: e.request.method, headers };
    requests.set(e.request.request, entry);
  });
  bidi.on('network.fetchError', (e) => {
    const entry = requests.get(e.request.request);
    if (entry) entry.errors.push(e.errorText ?? 'unknown');
  });
  bidi.on('log.entryAdded', (e) => {
    if (e.type === 'javascript' && e.text !== null) logs.push({ at: Date.now(), text: e.text, level: e.level });
  });
  return { requests, logs };
}

/** The scenario id a URL belongs to: `<run>.<scenario>.<hop>` without the hop. */
const scenarioOf = (url: string) => idOf(url)?.split('.').slice(0, -1).join('.') ?? null;

/**
 * The request's network error. The same race makes a refused redirect end with NS_ERROR_UNEXPECTED (the cancelled
 * next channel) instead of NS_ERROR_DOM_BAD_URI (the CORS refusal, which Firefox's console reports): the latter wins.
 */
function errorOf(req: FirefoxRequest): string | null {
  return req.errors.includes('NS_ERROR_DOM_BAD_URI') ? 'NS_ERROR_DOM_BAD_URI' : (req.errors[0] ?? null);
}

/**
 * BiDi does not always report the network error of an EventSource Firefox refused (recorded runs differ): when the
 * page's call failed and Firefox logged a CORS refusal, the request ended as every CORS refusal does in Firefox, with
 * NS_ERROR_DOM_BAD_URI (what its CORS listener cancels the channel with).
 */
const CORS_REFUSAL = 'NS_ERROR_DOM_BAD_URI';

function buildExchange(scenario: Scenario, call: Call, urls: string[], req: FirefoxRequest | undefined, recorder: Recorder): Exchange {
  const pageSet = new Set((scenario.headers ?? []).map(([n]) => n.toLowerCase()));
  const visited = req?.hops.filter((h) => h !== undefined).map((h) => h.url) ?? [];
  const first = req?.hops[0];
  const hops = hopsFromWire(visited, recorder.servers.log, pageSet);
  // When Firefox refuses a redirect, BiDi may or may not have announced the next hop before the channel was
  // cancelled (a race): a last hop that never reached the wire carries no fact and is left out.
  while (hops.length > 1 && hops.at(-1)?.requestHeaders === null && hops.at(-1)?.preflight === null) hops.pop();
  return {
    request: {
      url: urls[0] as string,
      method: first?.method ?? call.method ?? 'GET',
      origin: recorder.origin,
      mode: call.mode,
      credentials: { mode: call.credentials, source: 'page' },
      initiator: scenario.api,
      // Firefox reports the headers as it will send them; the wire-only ones (Host, Connection...) are left out.
      headers: first ? wireHeaders(first.headers, pageSet) : [],
    },
    hops,
    error: req ? errorOf(req) : null,
  };
}

interface Recorder {
  readonly page: Page;
  readonly origin: string;
  readonly servers: RecordingServers;
}

async function main(): Promise<void> {
  const started = Date.now();
  const servers = await startRecordingServers();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: {
      // page.test and api.test resolve to loopback, as --host-resolver-rules does for Chromium.
      'network.dns.localDomains': Object.values(INSECURE_HOSTS).join(','),
      // Third-party cookies allowed, as in the Chromium recording: credentials go with credentialed requests.
      'network.cookie.cookieBehavior': 0,
    },
  });
  try {
    const product = await browser.version();
    const version = product.split('/')[1] ?? product;
    const seen = watch(browser);
    const open = async (origin: string): Promise<Recorder> => {
      const page = await browser.newPage();
      await page.goto(`${origin}/conformance`);
      return { page, origin, servers };
    };
    const secure = await open(servers.page);
    const insecure = await open(servers.pageInsecure);
    const runId = Date.now().toString(36);

    const scenarios = allScenarios();
    const recorded = new Map<string, FirefoxCorpusScenario>();
    const problems: string[] = [];
    const ran: { s: Scenario; urls: string[]; call: Call; key: string; said: string; recorder: Recorder }[] = [];
    const requestOf = (key: string) =>
      [...seen.requests.values()].find((r) => r.hops[0] !== undefined && scenarioOf(r.hops[0].url) === key);
    const messagesOf = (key: string) =>
      seen.logs.flatMap((l) => {
        const m = parseFirefoxMessage(l.text);
        return m && scenarioOf(m.url) === key ? [m] : [];
      });
    const blockingOf = (key: string) => messagesOf(key).find((m) => !FIREFOX_WARNINGS.has(m.reason));
    for (const recorder of [secure, insecure]) {
      const mine = scenarios.filter((s) => (s.page === 'insecure') === (recorder === insecure));
      for (let i = 0; i < mine.length; i += BATCH) {
        const batch = mine.slice(i, i + BATCH).map((s) => {
          const urls = hopUrls(servers, s, runId);
          return { s, urls, call: callOf(s, urls[0] as string), key: `${runId}.${s.id}` };
        });
        const results = await runCalls(
          evaluator(recorder.page),
          batch.map((b) => b.call),
        );
        // Firefox logs the CORS message after the page's call has failed: wait for each failed call's message (a
        // failure Firefox does not report as CORS waits out the deadline), then for the console to stay quiet.
        await until(() => batch.every((b, j) => results[j] === 'ok' || blockingOf(b.key) !== undefined), 5_000);
        await until(() => Date.now() - (seen.logs.at(-1)?.at ?? 0) >= QUIET_MS, 5_000);
        for (const [j, b] of batch.entries()) ran.push({ ...b, said: results[j] ?? 'none', recorder });
      }
    }
    // Messages are read at the end, so that one logged late still goes to its scenario.
    for (const { s, urls, call, key, said, recorder } of ran) {
      const req = requestOf(key);
      const messages = messagesOf(key);
      const blocking = blockingOf(key);
      if (said !== 'ok' && said !== 'failed') problems.push(`${s.id}: page said ${said}`);
      if (!req) problems.push(`${s.id}: no BiDi request seen`);
      const built = buildExchange(s, call, urls, req, recorder);
      const exchange = said === 'failed' && blocking && built.error === null ? { ...built, error: CORS_REFUSAL } : built;
      const notes: string[] = [];
      if (said === 'failed' && !blocking) {
        notes.push(
          `Not reported as CORS: Firefox logged no CORS message, and ended the request with ${(req && errorOf(req)) ?? 'no network error'}.`,
        );
      }
      // An opaque (no-cors) response reaches the page as a success.
      const firefoxPasses = said === 'ok';
      const diverges = s.wpt !== undefined && (s.wpt === 'pass') !== firefoxPasses;
      if (diverges) {
        const verdict = blocking ? `blocks it (${blocking.reason})` : firefoxPasses ? 'lets it through' : 'fails it';
        notes.unshift(
          `WPT ${s.source.slice(4)} expects ${s.wpt === 'pass' ? 'success' : 'a network error'}; Firefox ${version} ${verdict}.`,
        );
      }
      recorded.set(s.id, {
        id: s.id,
        source: s.source,
        description: s.description,
        exchange,
        expected: blocking ? { reason: blocking.reason, parameter: blocking.parameter } : null,
        messages: messages.map((m) => m.text),
        page: said === 'ok' ? 'ok' : 'failed',
        ...(diverges ? { wptExpects: s.wpt } : {}),
        ...(notes.length ? { note: notes.join(' ') } : {}),
      });
    }
    const canonical = (s: FirefoxCorpusScenario) => JSON.parse(canonicalText(JSON.stringify(s), servers, runId)) as FirefoxCorpusScenario;
    const out = scenarios.flatMap((s) => recorded.get(s.id) ?? []).map(canonical);
    const unclaimed = seen.logs.filter((l) => {
      const m = parseFirefoxMessage(l.text);
      return m === null ? /Cross-Origin Request/.test(l.text) : !recorded.has(scenarioOf(m.url)?.slice(runId.length + 1) ?? '');
    });
    for (const l of unclaimed) problems.push(`a CORS message no scenario claims: ${l.text}`);

    const corpus: FirefoxCorpus = {
      firefox: version,
      product,
      browserPath: FIREFOX_PATH,
      recordedAt: new Date().toISOString(),
      recorder: 'scripts/record-conformance-firefox.ts',
      origins: corpusOrigins('network.dns.localDomains'),
      fields: {
        'exchange.request.headers':
          'the request headers as Firefox reported them over WebDriver BiDi (network.beforeRequestSent) for the first hop, without Host, Connection, Accept-Encoding and a browser-set Accept-Language',
        'exchange.hops[].requestHeaders, .preflight.requestHeaders':
          'the header lines the server received, in order, without Host, Connection, Accept-Encoding and a browser-set Accept-Language; null when the request never reached the network on that hop',
        'exchange.hops[].response, .preflight.response': 'the status and every header line the server wrote, byte for byte',
        'exchange.error':
          "the request's network error as BiDi network.fetchError reported it (NS_ERROR_DOM_BAD_URI for CORS); NS_ERROR_DOM_BAD_URI when BiDi reported none for a call that failed with a CORS message (some EventSource refusals)",
        messages: 'every CORS message Firefox logged to the web console for the request (BiDi log.entryAdded), word for word',
        expected:
          "the first blocking message, read back: its MDN reason name and the value it names (''  when none); null when Firefox logged none",
        page: "what the page's call saw: 'ok' (resolved, or an opaque no-cors response) or 'failed'",
      },
      notRecorded: [],
      scenarios: out,
    };
    writeCorpus(OUT, corpus);

    console.log(
      `Recorded ${out.length} scenarios with Firefox ${version} (${FIREFOX_PATH}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log(`Wrote ${path.relative(process.cwd(), OUT)}`);
    printSummary({
      browser: 'Firefox',
      verdicts: countBy(out, (s) => s.expected?.reason ?? (s.page === 'ok' ? 'pass' : 'failed, no CORS message')),
      noReason: { label: 'a CORS message', scenarios: out.filter((s) => !s.expected && s.page === 'failed') },
      wptDiffers: out.filter((s) => s.wptExpects),
      problems,
    });
  } finally {
    await browser.close();
    await servers.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
