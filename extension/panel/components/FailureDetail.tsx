/**
 * One failure: the browser's verdict in its own words, the headers at fault marked, the fix, and the preflight and
 * request as a pair. Its header bar holds "jump to fix", the share actions and the what-if editor's switch.
 */
import { useMemo, useState } from 'preact/hooks';
import { curlCommands, type Diagnosis, detectStack, fetchSnippet, markdownReport, type StackId, suggestFixes } from '../../../src/index.ts';
import { productName } from '../../platform/index.ts';
import { detailsMissing, detailsSourceOf, diagnosisOf, type ShownRecord, timeOfDay, trimmedNote } from '../record-view.ts';
import { CodeBlock } from './CodeBlock.tsx';
import { CopyButton } from './CopyButton.tsx';
import { HeaderTable } from './HeaderTable.tsx';
import { MessagePair } from './MessagePair.tsx';
import { StackPicker } from './StackPicker.tsx';
import { Text } from './Text.tsx';
import { WhatIf } from './WhatIf.tsx';

const CREDENTIALS_SOURCE: Record<string, string> = {
  page: 'as the page asked',
  'cookie-sent': 'a cookie was sent',
  'storage-access-header': 'from Sec-Fetch-Storage-Access',
  inferred: 'inferred from the failure',
  default: 'the default',
};

export interface DetailProps {
  readonly record: ShownRecord;
  /** How many identical failures the row groups, and when the first came. */
  readonly count: number;
  readonly firstTime: number;
  readonly stack: StackId | null;
  readonly onStack: (s: StackId) => void;
  /** Reload the inspected page with details captured; null when the log is not live (an imported file). */
  readonly onReload: (() => void) | null;
}

/** The share texts of a record, built from the stored record only (already redacted at capture). */
export function shareTexts(record: ShownRecord, stack: StackId | null) {
  const d = diagnosisOf(record);
  const fixes = suggestFixes(record.exchange, d);
  const fix = fixes.server.find((f) => f.stack === stack) ?? fixes.server[0] ?? null;
  return {
    curl: () => curlCommands(record.exchange, detailsMissing(record) ? 0 : d.hop),
    fetch: () => fetchSnippet(record.exchange),
    report: () => markdownReport({ exchange: record.exchange, diagnosis: d, fix, time: record.time, generator: productName() }),
  };
}

/** Chromium's verdict: its CorsError, failedParameter and console message. */
function ChromiumVerdict({ d }: { d: Diagnosis }) {
  if (!d.status) return null;
  return (
    <>
      <div>
        <span class="label">Chromium</span> <code data-testid="cors-error">{d.status.corsError}</code>
        {d.status.failedParameter !== '' && (
          <>
            {' '}
            <span class="label">failedParameter</span>{' '}
            <code data-testid="failed-parameter">
              <Text value={d.status.failedParameter} />
            </code>
          </>
        )}
      </div>
      <blockquote data-testid="console-message">
        <Text value={d.consoleMessage} />
      </blockquote>
    </>
  );
}

/** Firefox's verdict: its console message word for word, and the MDN page of its reason. */
function FirefoxVerdict({ d }: { d: Diagnosis }) {
  if (!d.firefox) return null;
  return (
    <div>
      <span class="label">Firefox</span>{' '}
      <span data-testid="firefox-reason">
        <Text value={d.firefox.text} />
      </span>{' '}
      <a href={d.firefox.mdnUrl} target="_blank" rel="noreferrer">
        MDN: {d.firefox.key}
      </a>
    </div>
  );
}

export function FailureDetail({ record, count, firstTime, stack, onStack, onReload }: DetailProps) {
  const { exchange } = record;
  const d = diagnosisOf(record);
  const fixes = useMemo(() => suggestFixes(exchange, d), [exchange, d]);
  const detected = useMemo(() => detectStack(exchange), [exchange]);
  const chosen = stack ?? detected?.stack ?? 'headers';
  const server = fixes.server.find((f) => f.stack === chosen) ?? fixes.server[0];
  const [whatIf, setWhatIf] = useState(false);
  const missing = detailsMissing(record);
  const share = shareTexts(record, chosen);
  const trimmed = trimmedNote(record);
  const canWhatIf = d.status !== null && !missing;
  return (
    <section
      class="detail"
      data-testid="detail"
      data-cors-error={d.status?.corsError ?? ''}
      data-firefox-reason={record.firefox?.reason}
      data-credentials={d.credentials.mode}
      data-credentials-source={d.credentials.source}
      data-initiator={exchange.request.initiator}
      data-kind={record.kind}
      aria-label="Selected request"
    >
      <header class="detail-head">
        <h2 data-testid="detail-title">
          <Text value={d.title} />
        </h2>
        <div class="actions">
          {server && (
            <button
              type="button"
              class="link"
              data-testid="jump-to-fix"
              onClick={() => {
                const fix = document.getElementById('fix');
                fix?.scrollIntoView({ block: 'start' });
                fix?.focus({ preventScroll: true });
              }}
            >
              Jump to fix
            </button>
          )}
          <CopyButton text={share.curl} label="Copy as cURL" what="the preflight and the request, for curl" testId="copy-curl" />
          <CopyButton text={share.fetch} label="Copy as fetch" what="fetch() for the page's console" testId="copy-fetch" />
          <CopyButton text={share.report} label="Copy report" what="Markdown for an issue tracker" testId="copy-report" />
          {canWhatIf && (
            <button type="button" class="text-button" aria-pressed={whatIf} data-testid="what-if" onClick={() => setWhatIf(!whatIf)}>
              What if…
            </button>
          )}
        </div>
      </header>
      {count > 1 && (
        <p class="muted" data-testid="group-count">
          Happened {count} times since {timeOfDay(firstTime)}; the latest is shown.
        </p>
      )}
      {trimmed && (
        <p class="trimmed" data-testid="trimmed">
          <Text value={trimmed} />
        </p>
      )}
      <p class="request">
        <Text value={exchange.request.method} class="method" /> <Text value={exchange.request.url} class="url" />
        <br />
        from <Text value={exchange.request.origin} class="origin" />, credentials <strong>{d.credentials.mode}</strong> (
        {CREDENTIALS_SOURCE[d.credentials.source]}){exchange.hops.length > 1 && <span>, redirected {exchange.hops.length - 1}×</span>}, at{' '}
        {timeOfDay(record.time)}
        {detailsSourceOf(record) && <span class="muted"> · details from {detailsSourceOf(record)}</span>}
      </p>
      {missing && onReload && (
        <div class="missing" data-testid="details-missing">
          <p style={{ margin: '0 0 6px' }}>The headers that decide why were not captured for this request.</p>
          <button type="button" class="text-button primary" data-testid="reload-with-details" onClick={onReload}>
            Reload the page with details captured
          </button>
        </div>
      )}
      {record.firefox ? (
        // Judged in Firefox: Firefox's own verdict first, then Chromium's on the same exchange when it can be told.
        <div class="verdict">
          <FirefoxVerdict d={d} />
          <ChromiumVerdict d={d} />
        </div>
      ) : (
        d.status && (
          <div class="verdict">
            <ChromiumVerdict d={d} />
            <FirefoxVerdict d={d} />
          </div>
        )
      )}
      {d.divergence.text && (
        <p class="divergence" data-testid="divergence">
          <span class="label">Other browser</span> {d.divergence.text}
        </p>
      )}
      <p class="explanation" data-testid="explanation">
        <Text value={d.explanation} />
      </p>
      {d.rule && (
        <details class="rule">
          <summary>The CORS rule the browser applied</summary>
          <p>
            <Text value={d.rule} />
          </p>
        </details>
      )}
      {whatIf && canWhatIf && <WhatIf key={record.id} exchange={exchange} credentials={d.credentials} diagnosis={d} />}
      <HeaderTable findings={d.headers} />
      {(d.notes.length > 0 || d.warnings.length > 0) && (
        <ul class="notes">
          {d.notes.map((n) => (
            <li key={n.text} class="note">
              <Text value={n.text} />
            </li>
          ))}
          {d.warnings.map((w) => (
            <li key={w.text} class="warning" data-testid="warning">
              <Text value={w.text} />
            </li>
          ))}
        </ul>
      )}
      {server && (
        <div class="fix" data-testid="fix" id="fix" tabIndex={-1}>
          <h3>Fix on the server</h3>
          <StackPicker stack={chosen} detected={detected} onStack={onStack} />
          <p class="muted">
            <Text value={server.where} />
          </p>
          <CodeBlock code={server.code} label={`${server.label} fix`} testId="server" />
          <ul class="notes">
            {server.notes.map((n) => (
              <li key={n}>
                <Text value={n} />
              </li>
            ))}
          </ul>
        </div>
      )}
      {fixes.client.length > 0 && (
        <div class="fix client" data-testid="client-fixes">
          <h3>Or change the page</h3>
          {fixes.client.map((c) => (
            <div key={c.id} data-testid={`client-${c.id}`}>
              <h4>{c.label}</h4>
              <p class="muted">
                <Text value={c.when} />
              </p>
              <CodeBlock code={c.code} label={c.label} testId={`client-${c.id}`} />
            </div>
          ))}
        </div>
      )}
      <h3>Preflight and request</h3>
      {exchange.hops.map((h, i) => (
        <MessagePair
          key={i}
          hop={h}
          index={i}
          hops={exchange.hops.length}
          method={exchange.request.method}
          findings={d.headers}
          atFault={i === d.hop}
        />
      ))}
      {exchange.hops.every((h) => !h.response && !h.preflight?.response) && (
        <p class="muted">
          No response was observed for this request
          {exchange.error ? (
            <>
              {' '}
              (<Text value={exchange.error} />)
            </>
          ) : (
            ''
          )}
          .
        </p>
      )}
    </section>
  );
}
