/**
 * The fix we suggest really fixes the failure, in real Chromium. For each failing request the page makes, the test
 * takes the failure the extension recorded (from chrome.storage.session), derives the Requirements and the Express
 * cors() options our snippet prints (expressCorsOptions, the same object the snippet is written from), starts a real
 * Express server configured with exactly those options, and replays the same request from the same page against it.
 * Chromium's own verdict over CDP decides: the replay must pass, while the same server without cors(), and with
 * cors()'s defaults where the notes warn about them, must still fail.
 */
import { recordDiagnosis } from '../src/capture/records.ts';
import { expressCorsOptions, requirementsFor, suggestFixes } from '../src/fix/index.ts';
import { type Call, scenarioUrl } from '../test-support/browser/calls.ts';
import { attachOracle } from '../test-support/browser/oracle.ts';
import { API_KEY, startReplica } from '../test-support/servers/express-replica.ts';
import { expect, freshTab, recordFor, test, verdict } from './fixtures.ts';

const ECHO = { 'access-control-allow-origin': '$ORIGIN' };

interface Scenario {
  readonly name: string;
  /** The failing call, against the test API (see cors-server.ts for the query language). */
  readonly call: (api: string) => Call;
  /** The failure is one the notes say cors()'s defaults cannot fix. */
  readonly defaultsFail?: boolean;
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'credentialed fetch without Access-Control-Allow-Credentials',
    call: (api) => ({ api: 'fetch', credentials: true, url: scenarioUrl(api, { h: ECHO }, 'fix-acac') }),
    defaultsFail: true,
  },
  {
    name: 'PUT with a custom header whose preflight is refused by authentication (401)',
    call: (api) => ({
      api: 'fetch',
      credentials: false,
      method: 'PUT',
      headers: { 'x-api-key': API_KEY },
      url: `${scenarioUrl(api, { ps: 401, p: ECHO, h: ECHO }, 'fix-put')}&auth=key`,
    }),
  },
  {
    name: 'missing Access-Control-Allow-Origin',
    call: (api) => ({ api: 'fetch', credentials: false, url: scenarioUrl(api, { h: {} }, 'fix-acao') }),
  },
  {
    name: 'error status without CORS headers',
    call: (api) => ({ api: 'fetch', credentials: false, url: scenarioUrl(api, { s: 500, h: {} }, 'fix-500') }),
  },
  {
    name: "credentialed JSON POST whose preflight allows '*'",
    call: (api) => ({
      api: 'fetch',
      credentials: true,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      url: scenarioUrl(api, { p: { 'access-control-allow-origin': '*' }, h: ECHO }, 'fix-star'),
    }),
    defaultsFail: true,
  },
  {
    name: "XHR withCredentials answered with Access-Control-Allow-Origin '*'",
    call: (api) => ({
      api: 'xhr',
      credentials: true,
      url: scenarioUrl(api, { h: { 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true' } }, 'fix-xhr'),
    }),
    defaultsFail: true,
  },
];

/** The same call against another server: same path and query (so it fails or succeeds the same way), new origin. */
function replayOf(call: Call, origin: string, tag: string, method = call.method): Call {
  const u = new URL(call.url);
  return { ...call, method, url: `${origin}${u.pathname}${u.search}&replay=${tag}` };
}

for (const scenario of SCENARIOS) {
  test(`the Express fix passes in Chromium: ${scenario.name}`, async ({ lens, servers }) => {
    const { page, tabId } = await freshTab(lens, servers, 'fix');
    const oracle = await attachOracle(lens.context, page);
    const call = scenario.call(servers.crossSite);

    const original = await verdict(page, oracle, call);
    expect(original.ok, 'the scenario must fail in Chromium first').toBe(false);
    const corsError = original.ok ? '' : (original.corsError ?? '');
    expect(corsError).not.toBe('');

    const record = await recordFor(lens, tabId, call.url, corsError);
    const diagnosis = recordDiagnosis(record);
    const requirements = requirementsFor(record.exchange, diagnosis);
    const options = expressCorsOptions(requirements);
    expect(options.origin).toEqual([servers.pageOrigin]);
    // What the panel shows is written from the same object.
    const snippet = suggestFixes(record.exchange, diagnosis).server.find((f) => f.stack === 'express')?.code ?? '';
    for (const [key, value] of Object.entries(options)) expect(snippet).toContain(`${key}: ${JSON.stringify(value)},`);

    const fixed = await startReplica(options);
    const bare = await startReplica(null);
    const defaults = scenario.defaultsFail ? await startReplica('defaults') : null;
    try {
      const withFix = await verdict(page, oracle, replayOf(call, fixed.origin, 'fixed'));
      expect(withFix, `the suggested cors(${JSON.stringify(options)}) fixes ${corsError}`).toEqual({ ok: true });

      const withoutCors = await verdict(page, oracle, replayOf(call, bare.origin, 'bare'));
      expect(withoutCors.ok ? null : withoutCors.corsError, 'the replica alone still fails').toBeTruthy();

      if (defaults) {
        const withDefaults = await verdict(page, oracle, replayOf(call, defaults.origin, 'defaults'));
        expect(withDefaults.ok ? null : withDefaults.corsError, "cors() defaults (origin '*') fail with credentials").toBeTruthy();
      }
    } finally {
      await Promise.all([fixed.close(), bare.close(), defaults?.close()]);
    }
    await oracle.detach();
    await page.close();
  });
}

test('a lower-case method: no cors() option can allow it on Node, the page fix plus the snippet does', async ({ lens, servers }) => {
  const { page, tabId } = await freshTab(lens, servers, 'fix-lower');
  const oracle = await attachOracle(lens.context, page);
  const call: Call = {
    api: 'fetch',
    credentials: false,
    method: 'patch',
    url: scenarioUrl(servers.crossSite, { p: { ...ECHO, 'access-control-allow-methods': 'PATCH' }, h: ECHO }, 'fix-patch'),
  };
  const original = await verdict(page, oracle, call);
  const corsError = original.ok ? '' : (original.corsError ?? '');
  expect(corsError).not.toBe('');

  const record = await recordFor(lens, tabId, call.url, corsError);
  const diagnosis = recordDiagnosis(record);
  const requirements = requirementsFor(record.exchange, diagnosis);
  expect(requirements.problems).toContain('lowercase-method');
  const fixes = suggestFixes(record.exchange, diagnosis);
  const options = expressCorsOptions(requirements);
  const pageFix = fixes.client.find((c) => c.id === 'uppercase-method')?.code ?? '';
  const upper = /method: '([^']+)'/.exec(pageFix)?.[1] ?? '';
  expect(upper).toBe('PATCH');
  expect(fixes.server.find((f) => f.stack === 'express')?.notes.join(' ')).toContain("'patch' cannot be allowed");

  // What a generator that copied the method as sent would suggest: the preflight passes, then Node refuses 'patch'.
  const asSent = await startReplica({ ...options, methods: [...(options.methods ?? []), 'patch'] });
  const fixed = await startReplica(options);
  try {
    const naive = await verdict(page, oracle, replayOf(call, asSent.origin, 'as-sent'));
    // The preflight passes; the request itself gets Node's 400, which has no CORS headers.
    expect(naive.ok ? null : naive.corsError, "allowing 'patch' in cors() does not help on Node").toBe('MissingAllowOriginHeader');
    const unchangedPage = await verdict(page, oracle, replayOf(call, fixed.origin, 'unchanged-page'));
    expect(unchangedPage.ok ? null : unchangedPage.corsError, 'the server fix alone cannot make the lower-case method pass').toBe(
      'MethodDisallowedByPreflightResponse',
    );
    const withBoth = await verdict(page, oracle, replayOf(call, fixed.origin, 'page-fix', upper));
    expect(withBoth, 'the page fix with the suggested cors() options passes').toEqual({ ok: true });
  } finally {
    await Promise.all([asSent.close(), fixed.close()]);
  }
  await oracle.detach();
  await page.close();
});
