/**
 * Capture that never misses and never lies: a corpus of live scenarios covering every CORS-mode request type
 * (fetch, XHR, EventSource, images, scripts, module scripts, stylesheets, fonts, media, dedicated and shared
 * workers, iframes of another origin), credentials modes, preflights (failing, passing, cached, concurrent),
 * redirects and look-alikes. For each, Chromium's own verdict is recorded over CDP for every target (pages, iframes,
 * workers) in the same run, and the panel must list exactly the CORS failures, with the same codes, and nothing else.
 */
import net from 'node:net';
import { keptUrl } from '../src/redact.ts';
import type { Lens } from '../test-support/browser/browser.ts';
import { attachBrowserOracle } from '../test-support/browser/browser-oracle.ts';
import { scenarioUrl } from '../test-support/browser/calls.ts';
import type { Trigger } from '../test-support/browser/triggers.ts';
import { runTriggers } from '../test-support/browser/triggers.ts';
import type { CorsServers } from '../test-support/servers/cors-server.ts';
import { expect, freshTab, listRows, showRow } from './fixtures.ts';

type Spec = Parameters<typeof scenarioUrl>[1];

interface Scenario {
  readonly name: string;
  /** Triggers to run; later phases start after earlier ones are done. */
  readonly phases: (tag: string) => Trigger[][];
  /** Requests (not preflights) the scenario makes whose URL contains its tag. */
  readonly requests: number;
  /** The credentials mode the failing rows must show. */
  readonly credentials?: 'include' | 'same-origin' | 'omit';
  /** The origin failing rows must be attributed to, when not the page's. */
  readonly origin?: (o: Origins) => string;
  /** A failure that is not CORS: a look-alike row instead of a failure row. */
  readonly lookalike?: boolean;
  /**
   * Where its details cannot be seen, so that its rows are listed as 'Unknown' there: DevTools' log of a tab holds no
   * response headers for requests of workers (measured, docs/capture.md), and the detailed capture has no tab to
   * filter a shared worker's requests on.
   */
  readonly noDetails?: readonly DetailSource[];
}

export type DetailSource = 'devtools' | 'detailed';

/** How many scenarios the corpus has. */
export const scenarioCount = (): number => SCENARIOS.length;

interface Origins {
  page: string;
  pageAlt: string;
  api: string;
  apiSameSite: string;
  closed: string;
}

const ECHO = { 'access-control-allow-origin': '$ORIGIN' };
const STAR = { 'access-control-allow-origin': '*' };
const CREDS = { ...ECHO, 'access-control-allow-credentials': 'true', vary: 'Origin' };
const NONE = {};

let o: Origins;
const url = (tag: string, spec: Spec, base = o.api) => scenarioUrl(base, spec, tag);
const one = (make: (tag: string) => Trigger, requests = 1): Pick<Scenario, 'phases' | 'requests'> => ({
  phases: (tag) => [[make(tag)]],
  requests,
});

const SCENARIOS: Scenario[] = [];
const add = (s: Scenario) => SCENARIOS.push(s);

// fetch: credentials omit / same-origin / include against missing, '*' and an echo without Allow-Credentials.
for (const credentials of ['omit', 'same-origin', 'include'] as const) {
  for (const [name, h] of Object.entries({ missing: NONE, star: STAR, echo: ECHO })) {
    add({ name: `fetch ${credentials} ${name}`, ...one((t) => ({ kind: 'fetch', url: url(t, { h }), credentials })), credentials });
  }
}
add({
  name: 'fetch include, same-site API, echo without credentials',
  ...one((t) => ({ kind: 'fetch', url: url(t, { h: ECHO }, o.apiSameSite), credentials: 'include' })),
  credentials: 'include',
});
add({
  name: 'fetch include, same-site API, allowed',
  ...one((t) => ({ kind: 'fetch', url: url(t, { h: CREDS }, o.apiSameSite), credentials: 'include' })),
});
add({ name: 'fetch mode no-cors (opaque, not a failure)', ...one((t) => ({ kind: 'fetch', url: url(t, { h: NONE }), mode: 'no-cors' })) });

// XHR and EventSource, with and without credentials.
for (const withCredentials of [false, true]) {
  for (const [name, h] of Object.entries({ missing: NONE, star: STAR, creds: CREDS })) {
    const credentials = withCredentials ? 'include' : 'same-origin';
    add({ name: `xhr ${credentials} ${name}`, ...one((t) => ({ kind: 'xhr', url: url(t, { h }), withCredentials })), credentials });
    add({
      name: `eventsource ${credentials} ${name}`,
      ...one((t) => ({ kind: 'eventsource', url: url(t, { h, sse: true }), withCredentials })),
      credentials,
    });
  }
}

// Elements with crossorigin: anonymous sends no credentials, use-credentials does.
const CT = {
  img: 'image/png',
  script: 'text/javascript',
  module: 'text/javascript',
  link: 'text/css',
  video: 'video/mp4',
  audio: 'audio/mpeg',
} as const;
for (const tag of ['img', 'script', 'module', 'link', 'video', 'audio'] as const) {
  const typed = (t: string, h: Record<string, string>) => `${url(t, { h })}&ct=${encodeURIComponent(CT[tag])}`;
  add({
    name: `${tag} crossorigin=anonymous missing`,
    ...one((t) => ({ kind: 'element', tag, url: typed(t, NONE), crossOrigin: 'anonymous' })),
    credentials: 'same-origin',
  });
  add({
    name: `${tag} crossorigin=anonymous star`,
    ...one((t) => ({ kind: 'element', tag, url: typed(t, STAR), crossOrigin: 'anonymous' })),
  });
  add({
    name: `${tag} crossorigin=use-credentials star`,
    ...one((t) => ({ kind: 'element', tag, url: typed(t, STAR), crossOrigin: 'use-credentials' })),
    credentials: 'include',
  });
  add({
    name: `${tag} crossorigin=use-credentials echo`,
    ...one((t) => ({ kind: 'element', tag, url: typed(t, ECHO), crossOrigin: 'use-credentials' })),
    credentials: 'include',
  });
}
add({
  name: 'img without crossorigin (no-cors)',
  ...one((t) => ({ kind: 'element', tag: 'img', url: `${url(t, { h: NONE })}&ct=image%2Fpng`, crossOrigin: null })),
});
add({
  name: 'script without crossorigin (no-cors)',
  ...one((t) => ({ kind: 'element', tag: 'script', url: `${url(t, { h: NONE })}&ct=text%2Fjavascript`, crossOrigin: null })),
});

// Fonts are always CORS requests.
for (const [name, h] of Object.entries({
  missing: NONE,
  star: STAR,
  mismatch: { 'access-control-allow-origin': 'https://fonts.example' },
})) {
  add({ name: `font ${name}`, ...one((t) => ({ kind: 'font', url: `${url(t, { h })}&ct=font%2Fwoff2` })), credentials: 'same-origin' });
}

// Workers (dedicated ones belong to their page's tab; shared ones to the tabs of their origin) and iframes.
const inWorker = (kind: 'worker' | 'shared-worker', creds: 'include' | 'same-origin', h: Record<string, string>) => (t: string) => ({
  kind,
  url: `${o.page}/${kind === 'worker' ? 'worker.js' : 'shared-worker.js'}?creds=${creds}&target=${encodeURIComponent(url(t, { h }))}`,
});
const DEDICATED: DetailSource[] = ['devtools'];
const SHARED: DetailSource[] = ['devtools', 'detailed'];
add({ name: 'dedicated worker fetch missing', ...one(inWorker('worker', 'same-origin', NONE)), noDetails: DEDICATED });
add({ name: 'dedicated worker fetch star', ...one(inWorker('worker', 'same-origin', STAR)), noDetails: DEDICATED });
add({
  name: 'dedicated worker fetch include echo',
  ...one(inWorker('worker', 'include', ECHO)),
  credentials: 'include',
  noDetails: DEDICATED,
});
add({ name: 'shared worker fetch missing', ...one(inWorker('shared-worker', 'same-origin', NONE)), noDetails: SHARED });
add({
  name: 'shared worker fetch include star',
  ...one(inWorker('shared-worker', 'include', STAR)),
  credentials: 'include',
  noDetails: SHARED,
});
add({ name: 'shared worker fetch star', ...one(inWorker('shared-worker', 'same-origin', STAR)), noDetails: SHARED });
const inFrame = (base: () => string, creds: 'include' | 'same-origin', h: Record<string, string>) => (t: string) => ({
  kind: 'frame' as const,
  url: `${base()}/frame?creds=${creds}&target=${encodeURIComponent(url(t, { h }))}`,
});
add({ name: 'cross-origin iframe fetch missing', ...one(inFrame(() => o.pageAlt, 'same-origin', NONE)), origin: (x) => x.pageAlt });
add({
  name: 'cross-origin iframe fetch include echo',
  ...one(inFrame(() => o.pageAlt, 'include', ECHO)),
  origin: (x) => x.pageAlt,
  credentials: 'include',
});
add({ name: 'cross-origin iframe fetch star', ...one(inFrame(() => o.pageAlt, 'same-origin', STAR)) });
add({ name: 'same-origin iframe fetch missing', ...one(inFrame(() => o.page, 'same-origin', NONE)), origin: (x) => x.page });

// Preflights: failing, passing then failing on the response, cached, and many identical ones at once.
const put = (t: string, spec: Spec, extra: Partial<Extract<Trigger, { kind: 'fetch' }>> = {}): Trigger => ({
  kind: 'fetch',
  url: url(t, spec),
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  ...extra,
});
add({ name: 'preflight without Allow-Origin', ...one((t) => put(t, { p: NONE, h: ECHO })) });
add({
  name: 'preflight disallows the method',
  ...one((t) => put(t, { p: { ...ECHO, 'access-control-allow-headers': 'content-type' }, h: ECHO })),
});
add({ name: 'preflight disallows the header', ...one((t) => put(t, { p: { ...ECHO, 'access-control-allow-methods': 'PUT' }, h: ECHO })) });
add({ name: 'preflight 401', ...one((t) => put(t, { p: ECHO, ps: 401, h: ECHO })) });
add({
  name: 'preflight passes, response lacks Allow-Origin',
  ...one((t) => put(t, { p: { ...ECHO, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'content-type' }, h: NONE })),
});
add({
  name: 'preflight passes, everything allowed',
  ...one((t) => put(t, { p: { ...ECHO, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'content-type' }, h: ECHO })),
});
add({
  name: 'cached preflight: the second request goes without OPTIONS and fails on its response',
  phases: (t) => {
    const u = `${url(t, { p: { ...ECHO, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' }, h: ECHO })}&h2=${encodeURIComponent('{}')}`;
    const call: Trigger = { kind: 'fetch', url: u, method: 'PUT', headers: { 'content-type': 'application/json' } };
    return [[call], [call]];
  },
  requests: 2,
});
add({
  name: 'five identical preflighted requests at once, preflight failing',
  phases: (t) => {
    const u = url(t, { p: NONE, h: ECHO });
    return [Array.from({ length: 5 }, () => ({ kind: 'fetch' as const, url: u, method: 'DELETE' }))];
  },
  requests: 5,
});
add({
  name: 'five identical preflighted requests at once, preflight passing, response failing',
  phases: (t) => {
    const u = url(t, { p: { ...ECHO, 'access-control-allow-methods': 'DELETE' }, h: NONE });
    return [Array.from({ length: 5 }, () => ({ kind: 'fetch' as const, url: u, method: 'DELETE' }))];
  },
  requests: 5,
});
add({
  name: 'lower-case method patch against PATCH',
  ...one((t) => ({ kind: 'fetch', url: url(t, { p: { ...ECHO, 'access-control-allow-methods': 'PATCH' }, h: ECHO }), method: 'patch' })),
});

// Redirects: the origin becomes null after a cross-origin hop; each hop is checked.
const final = (h: Record<string, string>) => scenarioUrl(o.apiSameSite, { h }, 'redirect-target');
add({
  name: 'redirect to another origin, final allows null (echo)',
  ...one((t) => ({ kind: 'fetch', url: url(t, { s: 302, h: ECHO, loc: final(ECHO) }) })),
});
add({
  name: 'redirect to another origin, final allows the page origin only',
  ...one((t) => ({ kind: 'fetch', url: url(t, { s: 302, h: ECHO, loc: final({ 'access-control-allow-origin': o.page }) }) })),
});
add({
  name: 'redirect response without Allow-Origin',
  ...one((t) => ({ kind: 'fetch', url: url(t, { s: 307, h: NONE, loc: final(STAR) }) })),
});
add({
  name: 'redirect to a URL with credentials',
  ...one((t) => ({ kind: 'fetch', url: url(t, { s: 302, h: STAR, loc: final(STAR).replace('http://', 'http://user:pw@') }) })),
});
add({
  name: 'same-origin request redirected to another origin',
  ...one((t) => ({ kind: 'fetch', url: `${o.page}/redirect?id=${t}-&target=${encodeURIComponent(url(`${t}b`, { h: NONE }))}` })),
});

// Look-alike: nothing listens on the port.
add({ name: 'connection refused', ...one((t) => ({ kind: 'fetch', url: `${o.closed}/cors?id=${t}-x` })), lookalike: true });

/** Runs the corpus in a fresh tab and compares every row with Chromium's verdict; `source` says where details come from. */
export async function corpus(lens: Lens, servers: CorsServers, source: DetailSource): Promise<void> {
  expect(SCENARIOS.length).toBeGreaterThanOrEqual(60);
  const closedPort = await new Promise<number>((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
  o = {
    page: servers.pageOrigin,
    pageAlt: `http://127.0.0.1:${servers.pagePort}`,
    api: servers.crossSite,
    apiSameSite: servers.sameSite,
    closed: `http://127.0.0.1:${closedPort}`,
  };
  const oracle = await attachBrowserOracle(lens.debugPort as number, `chrome-extension://${lens.extensionId}`);
  // The detailed capture is turned on for the page's site; DevTools needs nothing turned on.
  if (source === 'detailed') await lens.command('detailOrigin', { origin: servers.pageOrigin, on: true });
  const { page, tabId } = await freshTab(lens, servers, 'capture');
  if (source === 'detailed') await expect.poll(() => lens.captureState(tabId)).toBe('detailed');
  // A cookie on the API, so credentialed requests carry one.
  await page.evaluate((u) => fetch(u, { credentials: 'include' }).catch(() => null), `${servers.crossSite}/set-cookie`);

  const tags = SCENARIOS.map((_, i) => `cap${i}q`);
  const phases = SCENARIOS.map((s, i) => s.phases(tags[i] as string));
  const depth = Math.max(...phases.map((p) => p.length));
  for (let d = 0; d < depth; d++)
    await runTriggers(
      page,
      phases.flatMap((p) => p[d] ?? []),
    );

  const panel = await lens.openPanel(tabId);
  const expectedFailures: { tag: string; url: string; code: string }[] = [];
  const verdicts = new Map<string, Awaited<ReturnType<typeof oracle.settle>>>();
  // Scenario URLs carry `id=<tag>-` unencoded; a worker's or frame's own URL only carries it encoded.
  for (const [i, s] of SCENARIOS.entries()) {
    const tag = `id=${tags[i]}-`;
    const list = await oracle.settle(tag, s.requests).catch((e: Error) => {
      throw new Error(`${s.name}: ${e.message}`);
    });
    verdicts.set(tag, list);
    for (const v of list)
      if (v.outcome && !v.outcome.ok && v.outcome.corsError) expectedFailures.push({ tag, url: v.url, code: v.outcome.corsError });
  }
  const rowsOf = async () => (await listRows(panel)).filter((r) => r.testid === 'failure' || r.testid === 'lookalike');
  // One failure row per failure Chromium reported (rows show URLs as the extension keeps them).
  const failureUrls = expectedFailures.map((f) => keptUrl(f.url)).sort();
  await expect
    .poll(
      async () =>
        (await rowsOf())
          .filter((r) => r.testid === 'failure' && r.url.includes('id=cap'))
          .map((r) => r.url)
          .sort(),
      { timeout: 20_000 },
    )
    .toEqual(failureUrls);
  // A row's details follow its error by a moment (DevTools' log on a busy machine, by seconds): wait for every row
  // that can have them (named, so that a failure says which scenarios still wait).
  const waitingForDetails = (rows: Awaited<ReturnType<typeof rowsOf>>) =>
    SCENARIOS.filter(
      (s, i) => !s.noDetails?.includes(source) && rows.some((r) => r.url.includes(`id=${tags[i]}-`) && r.corsError === 'Unknown'),
    ).map((s) => s.name);
  await expect.poll(async () => waitingForDetails(await rowsOf()), { timeout: 30_000 }).toEqual([]);
  const rows = await rowsOf();

  const problems: string[] = [];
  for (const [i, s] of SCENARIOS.entries()) {
    const tag = `id=${tags[i]}-`;
    const blind = s.noDetails?.includes(source) === true;
    const chromium = (verdicts.get(tag) ?? [])
      .filter((v) => v.outcome && !v.outcome.ok && v.outcome.corsError)
      // The panel shows URLs as they are kept (redacted: a URL with credentials inside a query value loses them).
      .map((v) => `${keptUrl(v.url)} ${blind ? 'Unknown' : v.outcome && !v.outcome.ok ? v.outcome.corsError : ''}`);
    const ours = rows.filter((r) => r.testid === 'failure' && r.url.includes(tag)).map((r) => `${r.url} ${r.corsError}`);
    if (JSON.stringify(chromium.sort()) !== JSON.stringify(ours.sort())) {
      problems.push(
        `${s.name}: Chromium ${JSON.stringify(chromium.map((c) => c.split(' ')[1]))}, panel ${JSON.stringify(ours.map((c) => c.split(' ')[1]))}`,
      );
    }
    const lookalikes = rows.filter((r) => r.testid === 'lookalike' && r.url.includes(tag));
    if (s.lookalike && lookalikes.length === 0) problems.push(`${s.name}: no look-alike row`);
    if (!s.lookalike && lookalikes.length > 0) problems.push(`${s.name}: unexpected look-alike row`);
    if (s.origin) {
      const want = s.origin(o);
      for (const r of rows.filter((x) => x.url.includes(tag)))
        if (r.origin !== want) problems.push(`${s.name}: attributed to ${r.origin}, not ${want}`);
    }
    if (s.credentials && ours.length > 0 && !blind) {
      await (await showRow(panel, `[data-testid="failure"][data-url*="${tag}"]`)).click();
      const mode = await panel.getByTestId('detail').getAttribute('data-credentials');
      if (mode !== s.credentials && !(s.credentials !== 'include' && mode !== 'include'))
        problems.push(`${s.name}: credentials ${mode}, not ${s.credentials}`);
    }
  }
  const byCode = new Map<string, number>();
  for (const f of expectedFailures) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
  const passing = [...verdicts.values()].flat().filter((v) => !(v.outcome && !v.outcome.ok && v.outcome.corsError)).length;
  console.log(
    `capture corpus (${source}): ${SCENARIOS.length} scenarios, ${expectedFailures.length} CORS failures, ${passing} other requests`,
    Object.fromEntries(byCode),
  );
  expect(problems).toEqual([]);
  // Each scenario ran; the whole table adds up; the badge agrees.
  expect(expectedFailures.length).toBeGreaterThan(40);
  await expect.poll(() => lens.badge(tabId)).toBe(String(rows.filter((r) => r.testid === 'failure').length));
  oracle.close();
  await panel.close();
  await page.close();
  if (source === 'detailed') await lens.command('detailOrigin', { origin: servers.pageOrigin, on: false });
}
