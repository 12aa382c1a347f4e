/**
 * What the panel says about how much CORS Lens sees on its tab now (docs/capture.md), with the two actions that get
 * more: reload the page with details captured, and, for a developer's own site, always-on detailed capture (off by
 * default; its cost is said next to it).
 */
import { useEffect, useState } from 'preact/hooks';
import { originOf } from '../../../src/index.ts';
import { reloadInspected, seesEveryDetail, send } from '../../platform/index.ts';
import type { CaptureState as State } from '../../protocol.ts';

/**
 * The price of always-on detailed capture, as `npm run bench` measured it on a 2-core machine: while any tab of such a
 * site is open, every request of the whole browser goes through listeners that read headers.
 */
const COST =
  'a burst of requests about 1.6x as long, single requests 1.4x-1.6x, on every tab of the browser, while a tab of this site is open';

export function CaptureState({ tabId, capture, pageUrl }: { tabId: number; capture: State | null; pageUrl: string }) {
  const origin = pageUrl ? originOf(pageUrl) : 'null';
  const [siteOn, setSiteOn] = useState<boolean | null>(null);
  useEffect(() => {
    if (origin === 'null') return;
    send('settings', null).then(
      (s) => setSiteOn(s.origins.includes(origin)),
      () => setSiteOn(null),
    );
  }, [origin, capture]);
  const toggle = (on: boolean) => {
    send('detailOrigin', { origin, on }).then(
      (s) => setSiteOn(s.origins.includes(origin)),
      () => undefined,
    );
  };
  return (
    <div
      class="capture-state"
      data-testid="capture-state"
      data-capture={capture ?? 'unknown'}
      data-active={String(capture === 'devtools' || capture === 'detailed')}
    >
      {capture === 'devtools' && (
        <p>DevTools is open on this tab: each failure comes with the headers that explain it, read from DevTools' own network log.</p>
      )}
      {capture === 'detailed' && <p>Detailed capture is on for this tab: each failure comes with the headers that explain it.</p>}
      {capture === 'counting' && (
        <>
          <p>
            DevTools is not open on this tab: failures are counted and listed, without the headers that explain them. Open DevTools on the
            tab (F12) and reload, or:
          </p>
          <button type="button" class="text-button primary" data-testid="reload-with-details" onClick={() => void reloadInspected(tabId)}>
            Reload the page with details captured
          </button>
        </>
      )}
      {/* Where every tab's details are seen always (Firefox) there is nothing to turn on (docs/firefox-capture.md). */}
      {origin !== 'null' && siteOn !== null && !seesEveryDetail && (
        <label class="site-details" title={`Costs ${COST}.`}>
          <input
            type="checkbox"
            data-testid="site-details"
            checked={siteOn}
            onChange={(e) => toggle((e.target as HTMLInputElement).checked)}
          />
          Always capture details on {origin}, also with DevTools closed <span class="muted">(costs {COST})</span>
        </label>
      )}
    </div>
  );
}
