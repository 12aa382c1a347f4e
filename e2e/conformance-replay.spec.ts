/**
 * The conformance corpus, replayed live through the extension: every scenario of test-support/conformance/corpus.json (or a
 * stratified sample, CORS_LENS_REPLAY_STRIDE=N) is made again from a page on the page origin, in the extension's
 * browser, against the recording servers (test-support/conformance/server.ts) answering as the scenario
 * (test-support/conformance/scenarios.ts) says. Chromium's verdict comes over CDP in the same run; the panel must show
 * exactly one failure row per CORS failure, at the request's initial URL, with the same CorsError, the same
 * failedParameter and Chromium's console line word for word, and no failure row for anything else.
 *
 * Nothing is left out: the scenarios that never reach the extension as a CORS failure (fetch mode no-cors, mode
 * same-origin to another origin and the userinfo redirect Blink refuses before the network, responses Chromium
 * rejects as invalid HTTP) are replayed too; CDP names no CorsError for them, so no failure row is expected.
 *
 * The replay is also held to the corpus itself: the URLs it builds are the recorded ones (ports and run id renamed),
 * and when the browser is the Chromium the corpus was recorded with, its live verdicts must be the recorded ones.
 */
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { keptUrl } from '../src/redact.ts';
import { visibleText } from '../src/share/visible-text.ts';
import { attachOracle, type BrowserVerdict } from '../test-support/browser/oracle.ts';
import type { Corpus, CorpusScenario } from '../test-support/conformance/corpus.ts';
import { type Call, callOf, canonicalText, hopUrls, runCalls } from '../test-support/conformance/replay.ts';
import { allScenarios, type Scenario } from '../test-support/conformance/scenarios.ts';
import { INSECURE_HOSTS, startRecordingServers } from '../test-support/conformance/server.ts';
import { detailsReady, expect, listRows, test } from './fixtures.ts';

const corpus = JSON.parse(fs.readFileSync(new URL('../test-support/conformance/corpus.json', import.meta.url), 'utf8')) as Corpus;

/** The corpus host names (page.test, api.test) resolve to the loopback servers, as when the corpus was recorded. */
test.use({
  lensArgs: [
    `--host-resolver-rules=${Object.values(INSECURE_HOSTS)
      .map((h) => `MAP ${h} 127.0.0.1`)
      .join(', ')}`,
  ],
});

/** Scenarios per page.evaluate: enough to keep the browser busy, few enough that no call waits long in a queue. */
const BATCH = 48;
const code = (s: CorpusScenario) => s.expected?.corsError ?? 'none';

/**
 * Every scenario by default; with CORS_LENS_REPLAY_STRIDE=N every Nth one plus the first of each (source, recorded
 * verdict) pair not yet in, so that every source and every CorsError stays covered. Deterministic: corpus order.
 */
function sample(all: readonly CorpusScenario[]): CorpusScenario[] {
  const stride = Math.max(1, Number(process.env.CORS_LENS_REPLAY_STRIDE ?? 1) || 1);
  const chosen = new Set(all.filter((_, i) => i % stride === 0));
  const strata = new Set([...chosen].map((s) => `${s.source} ${code(s)}`));
  for (const s of all) {
    const key = `${s.source} ${code(s)}`;
    if (!strata.has(key)) {
      strata.add(key);
      chosen.add(s);
    }
  }
  return all.filter((s) => chosen.has(s));
}

interface Row {
  readonly testid: string;
  readonly corsError: string;
  readonly method: string;
  readonly url: string;
}

/** The failure and look-alike rows of the panel (a long list scrolled through). */
const rowsOf = async (panel: Page): Promise<Row[]> =>
  (await listRows(panel)).filter((r) => r.testid === 'failure' || r.testid === 'lookalike');

interface Detail {
  readonly url: string;
  readonly shown: boolean;
  readonly corsError: string;
  readonly failedParameter: string;
  readonly consoleMessage: string | null;
  readonly credentials: string;
  readonly credentialsSource: string;
  readonly initiator: string;
}

/** Selects each failure row in turn and reads its detail: the verdict block and the request line. */
function detailsOf(panel: Page): Promise<Detail[]> {
  return panel.evaluate(async () => {
    const out: Detail[] = [];
    const list = document.querySelector<HTMLElement>('[data-testid="failures"]');
    const scroller = list?.parentElement;
    if (!list || !scroller) return out;
    const total = Number(list.dataset.total);
    // Whether item i is in the DOM's range (a page-load separator there has no row).
    const inRange = (i: number) => Number(list.dataset.from) <= i && i < Number(list.dataset.to);
    for (let i = 0; i < total; i++) {
      // A long list has only the items in view in the DOM: scroll each one in before selecting it.
      let row = document.getElementById(`item-${i}`);
      if (!row && !inRange(i)) scroller.scrollTop = (i * list.offsetHeight) / total;
      for (let waited = 0; !row && !inRange(i) && waited < 3_000; waited += 16) await new Promise((r) => setTimeout(r, 16));
      row = document.getElementById(`item-${i}`);
      if (row?.getAttribute('data-testid') !== 'failure') continue;
      const url = row.getAttribute('data-url') ?? '';
      row.click();
      let detail: Element | null = null;
      for (let waited = 0; waited < 2_000; waited += 5) {
        const d = document.querySelector('[data-testid="detail"]');
        if (d && d.querySelector('.request .url')?.textContent === url && row.getAttribute('aria-selected') === 'true') {
          detail = d;
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      const label = Array.from(detail?.querySelectorAll('.verdict .label') ?? []).find((l) => l.textContent === 'failedParameter');
      out.push({
        url,
        shown: detail !== null,
        corsError: detail?.getAttribute('data-cors-error') ?? '',
        failedParameter: label?.nextElementSibling?.textContent ?? '',
        consoleMessage: detail?.querySelector('[data-testid="console-message"]')?.textContent ?? null,
        credentials: detail?.getAttribute('data-credentials') ?? '',
        credentialsSource: detail?.getAttribute('data-credentials-source') ?? '',
        initiator: detail?.getAttribute('data-initiator') ?? '',
      });
    }
    return out;
  });
}

interface Replayed {
  readonly scenario: Scenario;
  readonly recorded: CorpusScenario;
  readonly urls: string[];
  readonly call: Call;
  readonly insecure: boolean;
}

const failureOf = (v: BrowserVerdict | undefined) => (v?.outcome && !v.outcome.ok && v.outcome.corsError ? v.outcome : null);

test('conformance corpus replayed live: every panel row equals Chromium over CDP', async ({ lens }) => {
  test.setTimeout(300_000);
  const started = Date.now();
  const byId = new Map(allScenarios().map((s) => [s.id, s]));
  const chosen = sample(corpus.scenarios);
  const servers = await startRecordingServers();
  const runId = `r${Date.now().toString(36)}`;
  const problems: string[] = [];
  const fidelity: string[] = [];
  const opened: { close(): Promise<unknown> }[] = [];
  try {
    // The renaming scripts/record-conformance.ts applies before writing the corpus: free ports to 8801-8803, no run id.
    const canonical = (text: string) => canonicalText(text, servers, runId);

    const replayed: Replayed[] = chosen.map((recorded) => {
      const scenario = byId.get(recorded.id);
      if (!scenario) throw new Error(`${recorded.id} is in the corpus but not in test-support/conformance/scenarios.ts`);
      const urls = hopUrls(servers, scenario, runId);
      // The replay makes the very request the corpus recorded.
      if (canonical(urls[0] as string) !== recorded.exchange.request.url)
        problems.push(`${recorded.id}: replay URL ${canonical(urls[0] as string)} is not the recorded ${recorded.exchange.request.url}`);
      return { scenario, recorded, urls, call: callOf(scenario, urls[0] as string), insecure: scenario.page === 'insecure' };
    });
    expect(problems).toEqual([]);

    // The panel shows every URL as the extension keeps it (secrets in it redacted), Chromium's console lines too.
    const kept = new Map(replayed.flatMap((r) => r.urls).map((u) => [u, keptUrl(u)]));
    const shown = (url: string) => kept.get(url) ?? keptUrl(url);

    // One tab per page origin (a secure context on localhost, and page.test, which is not one), each with its oracle.
    const tabs = await Promise.all(
      [servers.page, servers.pageInsecure].map(async (origin) => {
        const page = await lens.context.newPage();
        opened.push(page);
        await page.goto(`${origin}/conformance-${runId}`);
        const oracle = await attachOracle(lens.context, page);
        const tabId = await lens.tabIdOf(page);
        await detailsReady(lens, tabId);
        return { page, oracle, tabId };
      }),
    );
    const tabOf = (r: Replayed) => tabs[r.insecure ? 1 : 0] as (typeof tabs)[number];
    const laps: string[] = [];
    let lap = Date.now();
    const time = (what: string) => {
      laps.push(`${what} ${((Date.now() - lap) / 1000).toFixed(1)} s`);
      lap = Date.now();
    };

    for (const insecure of [false, true]) {
      const mine = replayed.filter((r) => r.insecure === insecure);
      const { page } = tabs[insecure ? 1 : 0] as (typeof tabs)[number];
      for (let i = 0; i < mine.length; i += BATCH) {
        const batch = mine.slice(i, i + BATCH);
        const said = await runCalls(
          page,
          batch.map((r) => r.call),
        );
        for (const [j, r] of batch.entries()) if (said[j] === 'timeout') problems.push(`${r.recorded.id}: the page call timed out`);
      }
    }

    // Chromium's verdict for every request, by its initial URL.
    const verdicts = new Map<string, BrowserVerdict>();
    for (const tab of tabs) {
      const urls = replayed.filter((r) => tabOf(r) === tab).map((r) => r.call.url);
      for (const [u, v] of await tab.oracle.settle(urls)) verdicts.set(u, v);
    }
    const expected = replayed.filter((r) => failureOf(verdicts.get(r.call.url)));
    time('requests');

    // The replay is the corpus: with the Chromium it was recorded with, each live verdict is the recorded one.
    const { product } = (await (tabs[0] as (typeof tabs)[number]).oracle.session.send('Browser.getVersion')) as { product: string };
    const version = product.split('/')[1] ?? product;
    for (const r of replayed) {
      const live = failureOf(verdicts.get(r.call.url));
      const got = live ? `${live.corsError} ${canonical(live.failedParameter)}` : 'none';
      const want = r.recorded.expected ? `${r.recorded.expected.corsError} ${r.recorded.expected.failedParameter}` : 'none';
      if (got !== want) fidelity.push(`${r.recorded.id}: recorded ${want}, Chromium ${version} now ${got}`);
    }
    if (version === corpus.chromium) problems.push(...fidelity);
    else if (fidelity.length)
      console.log(`Chromium ${version} (corpus: ${corpus.chromium}) differs from the corpus:\n  ${fidelity.join('\n  ')}`);

    // The panel of each tab: wait for the rows to settle on Chromium's failures (failures are recorded as their
    // responses arrive and taken back if the request succeeds), then compare row by row.
    const rows: Row[] = [];
    const details: Detail[] = [];
    const want = (tab: (typeof tabs)[number]) =>
      expected
        .filter((r) => tabOf(r) === tab)
        .map((r) => `${shown(r.call.url)} ${failureOf(verdicts.get(r.call.url))?.corsError}`)
        .sort();
    for (const tab of tabs) {
      const panel = await lens.openPanel(tab.tabId);
      opened.push(panel);
      const failureRows = async () =>
        (await rowsOf(panel))
          .filter((x) => x.testid === 'failure')
          .map((x) => `${x.url} ${x.corsError}`)
          .sort();
      // Until the rows are Chromium's failures, or have not changed for 3 s (a disagreement: no need to wait longer).
      const target = JSON.stringify(want(tab));
      let last = '';
      let since = Date.now();
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; await panel.waitForTimeout(100)) {
        const now = JSON.stringify(await failureRows());
        if (now !== last) [last, since] = [now, Date.now()];
        if (now === target || Date.now() - since > 3_000) break;
      }
      // Late rows (a request the extension still thinks failed) would show now.
      await panel.waitForTimeout(300);
      rows.push(...(await rowsOf(panel)));
      details.push(...(await detailsOf(panel)));
      const badge = await lens.badge(tab.tabId);
      const count = (await rowsOf(panel)).filter((x) => x.testid === 'failure').length;
      if (badge !== String(count) && !(count === 0 && badge === ''))
        problems.push(`tab ${tab.tabId}: badge ${badge}, ${count} failure rows`);
    }

    time('panel');
    const consoleLines = tabs
      .flatMap((t) => t.oracle.console)
      .map((line) => line.replace(/'([^']+)'/g, (quoted, url: string) => (kept.has(url) ? `'${shown(url)}'` : quoted)));
    const known = new Set(replayed.map((r) => shown(r.call.url)));
    for (const row of rows.filter((x) => !known.has(x.url))) {
      const owner = replayed.find((r) => r.urls.some((u) => shown(u) === row.url));
      problems.push(
        owner
          ? `${owner.recorded.id}: an extra ${row.testid} row (${row.corsError}) at redirect hop ${owner.urls.findIndex((u) => shown(u) === row.url)}, not the request's URL`
          : `a ${row.testid} row for a URL no scenario requested: ${row.url}`,
      );
    }
    // Chromium's console line for a request names its final URL, then "(redirected from <initial URL>)".
    const policy = (line: string) => line.slice(line.indexOf('blocked by CORS policy: ') + 24);
    let lookalikes = 0;
    const hintless: string[] = [];
    for (const r of replayed) {
      const id = r.recorded.id;
      const verdict = verdicts.get(r.call.url);
      const failure = failureOf(verdict);
      const mine = rows.filter((x) => x.url === shown(r.call.url));
      const failureRows = mine.filter((x) => x.testid === 'failure');
      const lookalikeRows = mine.filter((x) => x.testid === 'lookalike');
      if (!failure) {
        if (failureRows.length)
          problems.push(`${id}: Chromium reports no CORS error, the panel lists ${failureRows.map((x) => x.corsError)}`);
        // A look-alike (not a CORS failure) is right only for a request that failed for another reason.
        if (lookalikeRows.length && verdict?.outcome?.ok !== false) problems.push(`${id}: passed, yet the panel lists a look-alike`);
        lookalikes += lookalikeRows.length;
        continue;
      }
      if (failureRows.length !== 1 || lookalikeRows.length) {
        problems.push(`${id}: Chromium ${failure.corsError}, panel rows ${JSON.stringify(mine.map((x) => `${x.testid} ${x.corsError}`))}`);
        continue;
      }
      const row = failureRows[0] as Row;
      if (row.corsError !== failure.corsError) problems.push(`${id}: Chromium ${failure.corsError}, panel ${row.corsError}`);
      if (row.method !== r.recorded.exchange.request.method)
        problems.push(`${id}: method ${row.method}, Chromium sent ${r.recorded.exchange.request.method}`);
      const detail = details.find((d) => d.url === shown(r.call.url));
      if (!detail?.shown) {
        problems.push(`${id}: selecting the row shows no detail`);
        continue;
      }
      if (detail.corsError !== failure.corsError) problems.push(`${id}: detail ${detail.corsError}, Chromium ${failure.corsError}`);
      // Shown with its hidden characters made visible (a tab as \u0009), as every header value is.
      if (detail.failedParameter !== visibleText(failure.failedParameter))
        problems.push(
          `${id}: failedParameter ${JSON.stringify(detail.failedParameter)}, Chromium ${JSON.stringify(failure.failedParameter)}`,
        );
      if (detail.consoleMessage === null || !consoleLines.includes(detail.consoleMessage)) {
        const chromium = consoleLines.find((l) => l.includes(`'${shown(r.call.url)}'`)) ?? '';
        problems.push(
          `${id}: console text differs after "blocked by CORS policy: ": panel ${JSON.stringify(policy(detail.consoleMessage ?? ''))}, Chromium ${JSON.stringify(policy(chromium))}`,
        );
      }
      // The page hook's hint races the network events; a row without it says so (README: "What it can and cannot
      // see"), and is counted below. With it, the row must say what the page did.
      if (detail.credentialsSource !== 'page')
        hintless.push(`${id} (${detail.credentialsSource}: ${detail.initiator}, ${detail.credentials})`);
      else if (detail.credentials !== r.call.credentials || detail.initiator !== r.call.api)
        problems.push(
          `${id}: ${detail.initiator} with credentials ${detail.credentials}, the page used ${r.call.api} with ${r.call.credentials}`,
        );
    }

    const perCode = new Map<string, number>();
    for (const r of expected) {
      const c = failureOf(verdicts.get(r.call.url))?.corsError ?? '';
      perCode.set(c, (perCode.get(c) ?? 0) + 1);
    }
    // A sample must still cover every source and every CorsError of the corpus.
    for (const c of new Set(corpus.scenarios.flatMap((s) => (s.expected ? [s.expected.corsError] : []))))
      if (!perCode.has(c) && version === corpus.chromium) problems.push(`the sample has no ${c} failure`);
    for (const s of new Set(corpus.scenarios.map((x) => x.source)))
      if (!replayed.some((r) => r.recorded.source === s)) problems.push(`the sample has no scenario from ${s}`);
    const codes = [...perCode.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `${c} ${n}`)
      .join(', ');
    const otherFailures = replayed.filter((r) => !failureOf(verdicts.get(r.call.url)) && verdicts.get(r.call.url)?.outcome?.ok === false);
    console.log(
      `conformance replay: ${replayed.length}/${corpus.scenarios.length} scenarios replayed (Chromium ${version}), ` +
        `${expected.length} CORS failures compared (row, code, method, failedParameter, console text), ` +
        `${replayed.length - expected.length - otherFailures.length} passed (no row), ` +
        `${otherFailures.length} failed without a CORS error (no failure row; ${lookalikes} look-alike rows): ${otherFailures.map((r) => r.recorded.id).join(' ')}; ` +
        `${hintless.length} rows without the page's hint${hintless.length ? ` (${hintless.join(', ')})` : ''}; ` +
        `${problems.length} disagreements; ${((Date.now() - started) / 1000).toFixed(1)} s (${laps.join(', ')}); per code: ${codes}`,
    );
    if (process.env.CORS_LENS_REPLAY_DUMP)
      fs.writeFileSync(
        process.env.CORS_LENS_REPLAY_DUMP,
        JSON.stringify({ verdicts: [...verdicts.values()], rows, details, console: consoleLines, problems }, null, 1),
      );
    // Sorted by scenario id: the same disagreements read the same from one run to the next.
    expect(problems.sort(), 'every disagreement between the panel and Chromium').toEqual([]);
  } finally {
    // Closing a tab also drops its log in the extension.
    for (const p of opened) await p.close().catch(() => undefined);
    await servers.close();
  }
});
