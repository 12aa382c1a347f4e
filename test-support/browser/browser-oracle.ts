/**
 * Chromium's verdict for every request in the browser, not only the top page's: iframes in other processes,
 * dedicated and shared workers are separate DevTools targets, which a page CDP session does not see. This oracle
 * attaches to every target (browser-wide auto-attach, flat sessions) and records each request's outcome by URL.
 */
import { CdpClient } from './cdp-client.ts';
import type { BrowserVerdict } from './oracle.ts';

interface Entry {
  url: string;
  type: string;
  target: string;
  outcome: BrowserVerdict['outcome'];
}

export interface BrowserOracle {
  /** Every request whose URL contains the text, with its outcome (null while in flight). */
  requests(containing: string): (BrowserVerdict & { target: string })[];
  /** Waits until every request containing the text has an outcome and at least `min` were seen. */
  settle(containing: string, min: number, timeoutMs?: number): Promise<(BrowserVerdict & { target: string })[]>;
  close(): void;
}

export async function attachBrowserOracle(debugPort: number, ignoreUrlPrefix: string): Promise<BrowserOracle> {
  const cdp = await CdpClient.connect(debugPort);
  const entries = new Map<string, Entry>();
  const targetOf = new Map<string, string>();

  const prepare = async (sessionId: string) => {
    await Promise.all([
      cdp.send('Network.enable', {}, sessionId).catch(() => undefined),
      cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, sessionId).catch(() => undefined),
    ]);
    await cdp.send('Runtime.runIfWaitingForDebugger', {}, sessionId).catch(() => undefined);
  };

  cdp.on('Target.attachedToTarget', (params) => {
    const sessionId = params.sessionId as string;
    const info = params.targetInfo as { type: string; url: string };
    targetOf.set(sessionId, info.type);
    if (info.url.startsWith(ignoreUrlPrefix) || info.url.startsWith('devtools://')) {
      void cdp.send('Runtime.runIfWaitingForDebugger', {}, sessionId).catch(() => undefined);
      return;
    }
    void prepare(sessionId);
  });
  cdp.on('Network.requestWillBeSent', (params, sessionId) => {
    // Chromium 156 marks most preflights only by their initiator (type 'Other', initiator.type 'preflight').
    if ((params.type as string) === 'Preflight' || (params.initiator as { type?: string } | undefined)?.type === 'preflight') return;
    // Request ids are browser-wide: the same request seen through two sessions (a shared worker attached twice) is one.
    const key = params.requestId as string;
    if (entries.has(key)) return;
    const request = params.request as { url: string };
    entries.set(key, { url: request.url, type: (params.type as string) ?? '', target: targetOf.get(sessionId ?? '') ?? '', outcome: null });
  });
  cdp.on('Network.loadingFailed', (params) => {
    const entry = entries.get(params.requestId as string);
    if (!entry) return;
    const status = params.corsErrorStatus as { corsError: string; failedParameter: string } | undefined;
    entry.outcome = {
      ok: false,
      errorText: params.errorText as string,
      corsError: status?.corsError ?? null,
      failedParameter: status?.failedParameter ?? '',
    };
  });
  cdp.on('Network.loadingFinished', (params) => {
    const entry = entries.get(params.requestId as string);
    if (entry && !entry.outcome) entry.outcome = { ok: true };
  });

  await cdp.send('Target.setDiscoverTargets', { discover: true });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });

  const requests = (containing: string) => [...entries.values()].filter((e) => e.url.includes(containing)).map((e) => ({ ...e }));
  return {
    requests,
    async settle(containing, min, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const list = requests(containing);
        if (list.length >= min && list.every((e) => e.outcome)) return list;
        if (Date.now() > deadline) {
          throw new Error(
            `oracle: ${list.length}/${min} requests for ${containing}, ${list.filter((e) => !e.outcome).length} without outcome`,
          );
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => cdp.close(),
  };
}
