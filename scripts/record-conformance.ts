/**
 * `npm run record:conformance`: records the conformance corpus (test-support/conformance/corpus.json) from the real Chromium.
 *
 * For each scenario (test-support/conformance/scenarios.ts) a page on the page origin makes the request (fetch, XHR or
 * EventSource) to servers that answer as the scenario says and log every request and response line. Chromium's
 * verdict comes over CDP (Network.loadingFailed.corsErrorStatus, or loadingFinished); the exchange the engine is held
 * to is built from what went over the wire (the servers' logs: preflight and actual request headers as Chromium
 * computed them, each hop's status and header lines) plus the request headers as Blink built them (CDP
 * Network.requestWillBeSent), which is all the browser itself knew when it decided.
 *
 * The browser is CHROMIUM_PATH (default /usr/bin/chromium), without any extension. Takes well under a minute.
 */
import path from 'node:path';
import type { CDPSession, Page } from '@playwright/test';
import type { CorsErrorStatus, CredentialsMode, Exchange } from '../src/model.ts';
import { CHROMIUM_PATH, launch } from '../test-support/browser/browser.ts';
import type { Corpus, CorpusScenario } from '../test-support/conformance/corpus.ts';
import { type Call, callOf, canonicalText, hopUrls, runCalls } from '../test-support/conformance/replay.ts';
import { allScenarios, type Scenario } from '../test-support/conformance/scenarios.ts';
import { INSECURE_HOSTS, type RecordingServers, startRecordingServers, type WireRequest } from '../test-support/conformance/server.ts';
import { corpusOrigins, countBy, hopsFromWire, idOf, printSummary, writeCorpus } from '../test-support/conformance/wire.ts';

const OUT = path.resolve('test-support/conformance/corpus.json');
const BATCH = 8;

interface CdpHop {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
}

interface CdpRequest {
  readonly hops: CdpHop[];
  outcome:
    | null
    | { readonly ok: true }
    | { readonly ok: false; errorText: string; readonly cors: CorsErrorStatus | null; readonly blockedReason: string | null };
}

/** Follows every request of the page over CDP, keyed by request id; preflights are left out (the wire shows them). */
function watch(cdp: CDPSession): Map<string, CdpRequest> {
  const requests = new Map<string, CdpRequest>();
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.initiator.type === 'preflight') return;
    const entry = requests.get(e.requestId) ?? { hops: [], outcome: null };
    entry.hops.push({ url: e.request.url, method: e.request.method, headers: e.request.headers as Record<string, string> });
    requests.set(e.requestId, entry);
  });
  cdp.on('Network.loadingFailed', (e) => {
    const entry = requests.get(e.requestId);
    if (!entry) return;
    // A request Blink blocks itself fails twice: blockedReason with no error text, then net::ERR_ABORTED.
    if (entry.outcome && !entry.outcome.ok && entry.outcome.errorText === '') entry.outcome.errorText = e.errorText;
    if (entry.outcome) return;
    const cors = e.corsErrorStatus ? { corsError: e.corsErrorStatus.corsError, failedParameter: e.corsErrorStatus.failedParameter } : null;
    entry.outcome = { ok: false, errorText: e.errorText, cors: cors as CorsErrorStatus | null, blockedReason: e.blockedReason ?? null };
  });
  cdp.on('Network.loadingFinished', (e) => {
    const entry = requests.get(e.requestId);
    if (entry && !entry.outcome) entry.outcome = { ok: true };
  });
  return requests;
}

function buildExchange(
  scenario: Scenario,
  call: Call,
  urls: string[],
  req: CdpRequest,
  log: readonly WireRequest[],
  pageOrigin: string,
): Exchange {
  const first = req.hops[0] as CdpHop;
  const pageSet = new Set((scenario.headers ?? []).map(([n]) => n.toLowerCase()));
  const hops = hopsFromWire(
    req.hops.map((h) => h.url),
    log,
    pageSet,
  );
  const credentials: CredentialsMode = call.credentials;
  return {
    request: {
      url: urls[0] as string,
      method: first.method,
      origin: pageOrigin,
      mode: call.mode,
      credentials: { mode: credentials, source: 'page' },
      initiator: scenario.api,
      headers: Object.entries(first.headers).map(([name, value]) => ({ name, value })),
    },
    hops,
    error: req.outcome && !req.outcome.ok ? req.outcome.errorText : null,
  };
}

/** The scenario with the servers' free ports renamed and the run id dropped (canonicalText). */
function canonical(s: CorpusScenario, servers: RecordingServers, runId: string): CorpusScenario {
  return JSON.parse(canonicalText(JSON.stringify(s), servers, runId)) as CorpusScenario;
}

/** What a web-platform-test expects against what Chromium did, for the scenarios where they disagree. */
function divergenceNote(s: Scenario, expected: CorsErrorStatus | null, version: string): string {
  const verdict = expected ? `blocks it (${expected.corsError})` : 'lets it through';
  return `WPT ${s.source.slice(4)} expects ${s.wpt === 'pass' ? 'success' : 'a network error'}; Chromium ${version} ${verdict}.`;
}

interface Recorder {
  readonly page: Page;
  readonly origin: string;
  readonly requests: Map<string, CdpRequest>;
}

async function main(): Promise<void> {
  const started = Date.now();
  const servers = await startRecordingServers();
  const lens = await launch({
    extensionDir: null,
    thirdPartyCookies: 'allow',
    extraArgs: [
      `--host-resolver-rules=${Object.values(INSECURE_HOSTS)
        .map((h) => `MAP ${h} 127.0.0.1`)
        .join(', ')}`,
    ],
  });
  try {
    const open = async (origin: string): Promise<Recorder> => {
      const page = await lens.context.newPage();
      await page.goto(`${origin}/conformance`);
      const cdp = await lens.context.newCDPSession(page);
      const requests = watch(cdp);
      await cdp.send('Network.enable');
      return { page, origin, requests };
    };
    const secure = await open(servers.page);
    const insecure = await open(servers.pageInsecure);
    const cdp = await lens.context.newCDPSession(secure.page);
    const browserVersion = (await cdp.send('Browser.getVersion')) as { product: string };
    await cdp.detach();
    const version = browserVersion.product.split('/')[1] ?? browserVersion.product;
    const runId = Date.now().toString(36);

    const scenarios = allScenarios();
    const recorded = new Map<string, CorpusScenario>();
    const problems: string[] = [];
    for (const recorder of [secure, insecure]) {
      const mine = scenarios.filter((s) => (s.page === 'insecure') === (recorder === insecure));
      for (let i = 0; i < mine.length; i += BATCH) {
        const batch = mine.slice(i, i + BATCH).map((s) => {
          const urls = hopUrls(servers, s, runId);
          return { s, urls, call: callOf(s, urls[0] as string) };
        });
        const results = await runCalls(
          recorder.page,
          batch.map((b) => b.call),
        );
        for (const [j, b] of batch.entries()) {
          const firstId = idOf(b.urls[0] as string);
          const deadline = Date.now() + 10_000;
          let req: CdpRequest | undefined;
          for (;;) {
            req = [...recorder.requests.values()].find((r) => r.hops.length > 0 && idOf((r.hops[0] as CdpHop).url) === firstId);
            // A request blocked by the renderer reports its final error in a second event: wait for it too.
            const settled = req?.outcome && (req.outcome.ok || req.outcome.errorText !== '');
            if (settled || Date.now() > deadline) break;
            await new Promise((r) => setTimeout(r, 20));
          }
          if (!req?.outcome) {
            problems.push(`${b.s.id}: no CDP outcome (page said ${results[j]})`);
            continue;
          }
          const outcome = req.outcome;
          const expected = outcome.ok ? null : outcome.cors;
          // An opaque (no-cors) response reaches the page, which cannot read it; Chromium then aborts the load.
          const opaque = b.call.mode === 'no-cors' && !outcome.ok && outcome.errorText === 'net::ERR_ABORTED';
          if ((results[j] === 'ok') !== outcome.ok && !opaque)
            problems.push(`${b.s.id}: page said ${results[j]}, CDP ${outcome.ok ? 'finished' : 'failed'}`);
          const exchange = buildExchange(b.s, b.call, b.urls, req, servers.log, recorder.origin);
          const notes: string[] = [];
          if (!outcome.ok && !outcome.cors) {
            const blocked = outcome.blockedReason
              ? `, blocked by the renderer before the network service saw it (CDP blockedReason '${outcome.blockedReason}')`
              : '';
            const nul = exchange.hops.some((h) => h.response?.headers.some((x) => x.value.includes('\0')))
              ? ': a NUL byte in the response header block makes the whole response invalid'
              : '';
            notes.push(`Not a CORS error: Chromium ended the request with ${outcome.errorText || 'no error text'}${blocked}${nul}.`);
          }
          const chromiumPasses = outcome.ok || opaque;
          const diverges = b.s.wpt !== undefined && (b.s.wpt === 'pass') !== chromiumPasses;
          if (diverges) notes.unshift(divergenceNote(b.s, expected, version));
          recorded.set(b.s.id, {
            id: b.s.id,
            source: b.s.source,
            description: b.s.description,
            exchange,
            expected,
            ...(diverges ? { wptExpects: b.s.wpt } : {}),
            ...(notes.length ? { note: notes.join(' ') } : {}),
          });
        }
      }
    }
    const out = scenarios.flatMap((s) => recorded.get(s.id) ?? []).map((s) => canonical(s, servers, runId));

    const corpus: Corpus = {
      chromium: version,
      product: browserVersion.product,
      browserPath: CHROMIUM_PATH,
      recordedAt: new Date().toISOString(),
      recorder: 'scripts/record-conformance.ts',
      origins: corpusOrigins('--host-resolver-rules'),
      fields: {
        'exchange.request.headers':
          'the request headers as Blink reported them over CDP (Network.requestWillBeSent), in its order; DevTools adds Referer, which Blink keeps apart',
        'exchange.hops[].requestHeaders, .preflight.requestHeaders':
          'the header lines the server received, in order, without Host, Connection, Accept-Encoding and a browser-set Accept-Language; null when the request never reached the network on that hop',
        'exchange.hops[].response, .preflight.response': 'the status and every header line the server wrote, byte for byte',
        expected:
          "Network.loadingFailed.corsErrorStatus, or null when Chromium reported none (loadingFinished, or a failure that is not CORS: see 'note')",
      },
      scenarios: out,
    };
    writeCorpus(OUT, corpus);

    const count = (key: (s: CorpusScenario) => string) => countBy(out, key);
    console.log(
      `Recorded ${out.length} scenarios with Chromium ${version} (${browserVersion.product}, ${CHROMIUM_PATH}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log(`Wrote ${path.relative(process.cwd(), OUT)}`);
    console.log('\nPer source:');
    for (const [k, n] of count((s) => s.source)) console.log(`  ${String(n).padStart(4)}  ${k}`);
    printSummary({
      browser: 'Chromium',
      verdicts: count((s) => s.expected?.corsError ?? 'pass'),
      noReason: {
        label: 'a CORS error',
        scenarios: out.filter((s) => !s.expected && s.exchange.error && s.exchange.request.mode !== 'no-cors'),
      },
      wptDiffers: out.filter((s) => s.wptExpects),
      problems,
    });
  } finally {
    await lens.close();
    await servers.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
