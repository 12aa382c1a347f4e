/**
 * The browser's own verdict, the only expectation the tests accept: a CDP session on the page reports, for every
 * request, Network.loadingFailed with corsErrorStatus when Chromium blocked it for CORS, or loadingFinished when it
 * passed, and the exact console text (Log.entryAdded). Requests are keyed by their initial URL.
 */
import type { BrowserContext, CDPSession, Page } from '@playwright/test';

export interface BrowserVerdict {
  readonly url: string;
  readonly type: string;
  /** null while the request is in flight. */
  readonly outcome:
    | null
    | { readonly ok: true }
    | { readonly ok: false; readonly errorText: string; readonly corsError: string | null; readonly failedParameter: string };
}

export interface Oracle {
  readonly session: CDPSession;
  verdict(url: string): BrowserVerdict | undefined;
  /** Waits until every URL has an outcome. */
  settle(urls: readonly string[], timeoutMs?: number): Promise<Map<string, BrowserVerdict>>;
  /** Chromium's console lines about CORS so far. */
  readonly console: string[];
  detach(): Promise<void>;
}

interface Entry {
  url: string;
  type: string;
  outcome: BrowserVerdict['outcome'];
}

export async function attachOracle(context: BrowserContext, page: Page): Promise<Oracle> {
  const session = await context.newCDPSession(page);
  const byId = new Map<string, Entry>();
  const byUrl = new Map<string, Entry>();
  const console: string[] = [];
  session.on('Network.requestWillBeSent', (e) => {
    // Chromium 156 marks most preflights only by their initiator (type 'Other', initiator.type 'preflight').
    if (e.type === 'Preflight' || e.initiator?.type === 'preflight' || byId.has(e.requestId)) return;
    const entry: Entry = { url: e.request.url, type: e.type ?? '', outcome: null };
    byId.set(e.requestId, entry);
    byUrl.set(e.request.url, entry);
  });
  session.on('Network.loadingFailed', (e) => {
    const entry = byId.get(e.requestId);
    // A request Blink blocks itself fails twice (blockedReason first, then net::ERR_ABORTED): a CORS verdict stays.
    if (!entry || (entry.outcome && !entry.outcome.ok && entry.outcome.corsError)) return;
    entry.outcome = {
      ok: false,
      errorText: e.errorText,
      corsError: e.corsErrorStatus?.corsError ?? null,
      failedParameter: e.corsErrorStatus?.failedParameter ?? '',
    };
  });
  session.on('Network.loadingFinished', (e) => {
    const entry = byId.get(e.requestId);
    if (entry && !entry.outcome) entry.outcome = { ok: true };
  });
  session.on('Log.entryAdded', (e) => {
    if (e.entry.text.includes('blocked by CORS policy')) console.push(e.entry.text);
  });
  await session.send('Network.enable');
  await session.send('Log.enable');
  const verdict = (url: string): BrowserVerdict | undefined => byUrl.get(url);
  return {
    session,
    console,
    verdict,
    async settle(urls, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const missing = urls.filter((u) => !byUrl.get(u)?.outcome);
        if (missing.length === 0) break;
        if (Date.now() > deadline) throw new Error(`CDP gave no outcome for ${missing.length} request(s), e.g. ${missing[0]}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return new Map(urls.map((u) => [u, byUrl.get(u) as BrowserVerdict]));
    },
    detach: () => session.detach(),
  };
}
