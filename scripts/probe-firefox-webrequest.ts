/**
 * `npx tsx scripts/probe-firefox-webrequest.ts [--devtools]`: measures what Firefox's webRequest (and, with
 * --devtools, a DevTools page's devtools.network) shows an MV3 extension for CORS requests. Findings are written up
 * in docs/firefox-capture.md.
 *
 * A probe extension (test-support/firefox-probe/) listens to every webRequest event with headers and posts each one,
 * with all of its details, to a local report server. Firefox ESR (FIREFOX_PATH, default /usr/bin/firefox-esr) is
 * driven over WebDriver BiDi, installs the probe (webExtension.install), and a page makes a few conformance scenarios'
 * requests: blocked responses, failed and passing preflights, a redirect, credentialed requests with a cookie.
 * The probe prints, per scenario, the events in order with what each one carries, and the detail keys per event.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page as PlaywrightPage } from '@playwright/test';
import puppeteer from 'puppeteer-core';
import { callOf, hopUrls, runCalls } from '../test-support/conformance/replay.ts';
import { allScenarios } from '../test-support/conformance/scenarios.ts';
import { startRecordingServers } from '../test-support/conformance/server.ts';
import { idOf } from '../test-support/conformance/wire.ts';

const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const SCENARIOS = [
  'm-acao-echo',
  'm-acao-absent',
  'm-acao-other-origin',
  'm-acac-absent',
  'm-acao-star-cred',
  'm-pf-acah-absent',
  'm-pf-status-500',
  'm-pf-ok-actual-ok',
  'm-pf-ok-actual-missing',
  'm-auth-star',
  'm-redirect-taint-null',
  'm-redirect-redirect-missing',
  'm-xhr-cred-no-acac',
];

interface Reported {
  readonly path: string;
  readonly body: unknown;
}

interface WebRequestEvent {
  readonly event: string;
  readonly details: {
    readonly url: string;
    readonly method: string;
    readonly type: string;
    readonly requestId: string;
    readonly statusCode?: number;
    readonly error?: string;
    readonly requestHeaders?: { name: string; value?: string }[];
    readonly responseHeaders?: { name: string; value?: string }[];
  } & Record<string, unknown>;
}

function startReportServer(): Promise<{ url: string; reports: Reported[]; close: () => void }> {
  const reports: Reported[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      reports.push({ path: req.url ?? '', body: body ? JSON.parse(body) : null });
      res.setHeader('access-control-allow-origin', '*');
      res.end('ok');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, reports, close: () => server.close() }),
    ),
  );
}

const until = async (done: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
};

async function main(): Promise<void> {
  const devtools = process.argv.includes('--devtools');
  const servers = await startRecordingServers();
  const report = await startReportServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'firefox-probe-'));
  for (const f of fs.readdirSync('test-support/firefox-probe')) {
    const text = fs.readFileSync(path.join('test-support/firefox-probe', f), 'utf8');
    fs.writeFileSync(path.join(dir, f), text.replaceAll('__REPORT__', report.url));
  }
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    args: devtools ? ['-devtools'] : [],
    extraPrefsFirefox: { 'network.cookie.cookieBehavior': 0 },
  });
  try {
    const version = await browser.version();
    await browser.installExtension(dir);
    console.log(`${version} (${FIREFOX_PATH}); probe installed over WebDriver BiDi (webExtension.install)`);

    // A first-party cookie on the API origin, so that credentialed requests carry one.
    const api = await browser.newPage();
    await api.goto(`${servers.api}/conformance`);
    await api.evaluate(async () => {
      await cookieStore.set({ name: 'probe', value: '1', path: '/' });
    });
    // With --devtools, Firefox opened DevTools on its first tab only: the requests are made there.
    const page = devtools ? ((await browser.pages())[0] ?? (await browser.newPage())) : await browser.newPage();
    await page.goto(`${servers.page}/conformance`);
    // The DevTools page only reports what happens once it runs.
    if (devtools) await until(() => report.reports.some((r) => r.path === '/devtools-hello'), 15_000);
    const runId = Date.now().toString(36);
    const chosen = allScenarios().filter((s) => SCENARIOS.includes(s.id));
    const calls = chosen.map((s) => callOf(s, hopUrls(servers, s, runId)[0] as string));
    const inPage: Pick<PlaywrightPage, 'evaluate'> = {
      evaluate: ((fn: (arg: unknown) => unknown, arg: unknown) => page.evaluate(fn, arg)) as PlaywrightPage['evaluate'],
    };
    const said = await runCalls(inPage, calls);
    const events = () => report.reports.filter((r) => r.path === '/event').map((r) => r.body as WebRequestEvent);
    const ended = (key: string) =>
      events().some(
        (e) =>
          idOf(e.details.url)?.startsWith(key) &&
          (e.event === 'onCompleted' || e.event === 'onErrorOccurred') &&
          e.details.method !== 'OPTIONS',
      );
    // Blocked requests may never end in webRequest: wait for the ends that come, then for events to stop coming.
    await until(() => chosen.every((s) => ended(`${runId}.${s.id}.`)), 5_000);
    let seen = -1;
    while (seen !== report.reports.length) {
      seen = report.reports.length;
      await new Promise((r) => setTimeout(r, 1500));
    }
    if (devtools) await until(() => report.reports.some((r) => r.path === '/har'), 10_000);

    const keys = new Map<string, Set<string>>();
    for (const [i, s] of chosen.entries()) {
      console.log(`\n${s.id} (${s.description}; credentials ${calls[i]?.credentials}): page ${said[i]}`);
      for (const e of events().filter((x) => idOf(x.details.url)?.startsWith(`${runId}.${s.id}.`))) {
        const d = e.details;
        for (const k of Object.keys(d)) {
          const set = keys.get(e.event) ?? new Set<string>();
          set.add(k);
          keys.set(e.event, set);
        }
        const names = (hs: { name: string }[] | undefined) => hs?.map((h) => h.name.toLowerCase());
        const acr = d.requestHeaders?.filter((h) => h.name.toLowerCase().startsWith('access-control-request'));
        console.log(
          `  ${e.event.padEnd(19)} ${d.method.padEnd(7)} id ${d.requestId} hop ${idOf(d.url)?.split('.').at(-1)} type=${d.type}` +
            `${d.statusCode !== undefined ? ` status=${d.statusCode}` : ''}${d.error ? ` error=${d.error}` : ''}` +
            `${d.requestHeaders ? ` request=[${names(d.requestHeaders)?.join(',')}]` : ''}` +
            `${acr?.length ? ` ${acr.map((h) => `${h.name}: ${h.value}`).join('; ')}` : ''}` +
            `${d.responseHeaders ? ` response=[${names(d.responseHeaders)?.join(',')}]` : ''}`,
        );
      }
    }
    console.log('\nDetail keys per event:');
    for (const [event, set] of keys) console.log(`  ${event}: ${[...set].sort().join(', ')}`);
    if (devtools) {
      const entries = report.reports.filter((r) => r.path === '/har-entry');
      const har = report.reports.filter((r) => r.path === '/har').at(-1)?.body as
        | { request: { url: string; method: string } }[]
        | undefined;
      console.log(`\ndevtools page: ${report.reports.some((r) => r.path === '/devtools-hello') ? 'loaded' : 'never loaded'}`);
      console.log(`onRequestFinished entries: ${entries.length}; last getHAR: ${har?.length ?? 'none'} entries`);
      const last = har?.find((e) => idOf(e.request.url)?.includes('m-acao-absent'));
      console.log(
        `HAR entry keys: ${Object.keys(last ?? {}).join(', ')}; request keys: ${Object.keys((last as { request?: object })?.request ?? {}).join(', ')}`,
      );
      console.log(`a blocked request's HAR entry (m-acao-absent): ${JSON.stringify(last ?? null).slice(0, 1500)}`);
      for (const e of [...entries.map((x) => x.body as { request: { url: string; method: string }; response: unknown }), ...(har ?? [])]) {
        if (!idOf(e.request.url)?.startsWith(runId)) continue;
        console.log(
          `  ${e.request.method} ${idOf(e.request.url)} ${JSON.stringify((e as { response?: unknown }).response ?? {}).slice(0, 300)}`,
        );
      }
    }
  } finally {
    await browser.close();
    await servers.close();
    report.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
