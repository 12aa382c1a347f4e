/**
 * The seed failure and its neighbours, live: credentialed fetch, XHR and EventSource against responses that lack
 * Access-Control-Allow-Credentials: true (absent, 'false', 'TRUE'), allow '*' with credentials, lack or mismatch
 * Access-Control-Allow-Origin; and controls that must produce no row. Every expectation is Chromium's own verdict,
 * recorded over CDP in the same run.
 */

import { type Call, runCalls, scenarioUrl } from '../test-support/browser/calls.ts';
import { attachOracle } from '../test-support/browser/oracle.ts';
import { expect, freshTab, panelRows, readClipboard, test } from './fixtures.ts';

const ECHO = { 'access-control-allow-origin': '$ORIGIN' };
const RESPONSES: Record<string, Record<string, string>> = {
  'acac-absent': ECHO,
  'acac-false': { ...ECHO, 'access-control-allow-credentials': 'false' },
  'acac-TRUE': { ...ECHO, 'access-control-allow-credentials': 'TRUE' },
  'acao-star': { 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true' },
  'acao-missing': {},
  'acao-mismatch': { 'access-control-allow-origin': 'https://app.example.com', 'access-control-allow-credentials': 'true' },
  'acac-true': { ...ECHO, 'access-control-allow-credentials': 'true', vary: 'Origin' },
};
const APIS = ['fetch', 'xhr', 'eventsource'] as const;

function matrix(apiOrigin: string, pageOrigin: string): Call[] {
  const calls: Call[] = [];
  for (const api of APIS) {
    for (const [name, h] of Object.entries(RESPONSES)) {
      calls.push({ api, credentials: true, url: scenarioUrl(apiOrigin, { h, sse: api === 'eventsource' }, `${api}-${name}`) });
    }
    // Controls: the same origin check without credentials passes, and so does a same-origin request.
    calls.push({ api, credentials: false, url: scenarioUrl(apiOrigin, { h: ECHO, sse: api === 'eventsource' }, `${api}-anonymous`) });
  }
  calls.push({ api: 'fetch', credentials: true, url: `${pageOrigin}/same-origin?id=${Date.now()}` });
  return calls;
}

for (const site of ['cross-site', 'same-site'] as const) {
  test(`credentialed failures are recorded with Chromium's verdict (${site})`, async ({ lens, servers }) => {
    const { page, tabId } = await freshTab(lens, servers, site);
    const oracle = await attachOracle(lens.context, page);
    // A cookie for the API origin, so credentialed requests really carry one (third-party cookies allowed here).
    await page.evaluate(
      (u) => fetch(u, { credentials: 'include' }).catch(() => null),
      `${site === 'cross-site' ? servers.crossSite : servers.sameSite}/set-cookie`,
    );
    const calls = matrix(site === 'cross-site' ? servers.crossSite : servers.sameSite, servers.pageOrigin);
    await runCalls(page, calls);
    const verdicts = await oracle.settle(calls.map((c) => c.url));
    // CORS failures are the ones Chromium names a CorsError for; closing a passing EventSource aborts it, which is not one.
    const failures = [...verdicts.values()].filter((v) => v.outcome && !v.outcome.ok && v.outcome.corsError);
    // The matrix was built to fail 18 ways; if Chromium disagrees the test says so instead of adapting.
    expect(failures.length).toBe(18);

    const panel = await lens.openPanel(tabId);
    await expect
      .poll(async () => (await panelRows(panel)).length, { message: JSON.stringify(await panelRows(panel).catch(() => [])) })
      .toBe(failures.length);
    // Each row's details follow its error by a moment (on a busy machine, seconds).
    await expect.poll(async () => (await panelRows(panel)).filter((r) => r.corsError === 'Unknown').length, { timeout: 30_000 }).toBe(0);
    const rows = await panelRows(panel);
    for (const call of calls) {
      const outcome = verdicts.get(call.url)?.outcome;
      const row = rows.find((r) => r.url === call.url);
      if (outcome && !outcome.ok && outcome.corsError) {
        expect(row, `row for ${call.url}`).toBeDefined();
        expect(row?.corsError, call.url).toBe(outcome.corsError);
        expect(row?.method).toBe('GET');
      } else {
        expect(row, `no row for passing ${call.url}`).toBeUndefined();
      }
    }
    expect(await lens.badge(tabId)).toBe(String(failures.length));

    // The credentials mode and the API are known from what the page did, not guessed from the failure.
    for (const call of calls.filter((c) => c.credentials && rows.some((r) => r.url === c.url))) {
      await panel.locator(`[data-testid="failure"][data-url="${call.url}"]`).click();
      const detail = panel.getByTestId('detail');
      await expect(detail).toHaveAttribute('data-credentials', 'include');
      await expect(detail).not.toHaveAttribute('data-credentials-source', 'inferred');
      await expect(detail).toHaveAttribute('data-initiator', call.api);
    }

    // The selected failure shows Chromium's exact console text, with the value it received.
    for (const call of calls.filter((c) => c.url.includes('acac-TRUE') || c.url.includes('acac-false'))) {
      await panel.locator(`[data-testid="failure"][data-url="${call.url}"]`).click();
      const message = await panel.getByTestId('console-message').textContent();
      expect(oracle.console).toContain(message);
      expect(message).toContain(call.url.includes('acac-TRUE') ? "is 'TRUE'" : "is 'false'");
    }
    await panel.close();
    await page.close();
  });
}

test('the copy button puts the shown snippet on the clipboard', async ({ lens, servers }) => {
  const { page, tabId } = await freshTab(lens, servers, 'copy');
  const url = scenarioUrl(servers.crossSite, { h: ECHO }, 'copy');
  await runCalls(page, [{ api: 'fetch', credentials: true, url }]);
  const panel = await lens.openPanel(tabId);
  // The clipboard is the system's: read it back from a page origin that may read it.
  await lens.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: servers.pageOrigin });
  await panel.locator('[data-testid="failure"]').first().click();
  for (const stack of ['express', 'nginx', 'headers']) {
    await panel.getByTestId('stack-picker').selectOption(stack);
    const shown = await panel.getByTestId('snippet-server').textContent();
    expect(shown).toContain(servers.pageOrigin);
    // Writing and reading the clipboard each need a focused document (DevTools windows take focus too).
    await panel.bringToFront();
    await panel.getByTestId('copy-server').click();
    await expect(panel.getByTestId('copy-server')).toHaveText('Copied');
    expect(await readClipboard(page)).toBe(shown);
  }
  await panel.close();
  await page.close();
});
