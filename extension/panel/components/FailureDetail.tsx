/** One failure: the browser's verdict in its own words, the headers at fault, and the fix. */
import { useMemo } from 'preact/hooks';
import { type FailureRecord, recordDiagnosis } from '../../../src/capture/records.ts';
import { STACKS, type StackId, suggestFixes } from '../../../src/fix/index.ts';
import type { Diagnosis } from '../../../src/model.ts';
import { CodeBlock } from './CodeBlock.tsx';
import { HeaderTable } from './HeaderTable.tsx';
import { RawHeaders } from './RawHeaders.tsx';

const CREDENTIALS_SOURCE: Record<string, string> = {
  page: 'as the page asked',
  'cookie-sent': 'a cookie was sent',
  'storage-access-header': 'from Sec-Fetch-Storage-Access',
  inferred: 'inferred from the failure',
  default: 'the default',
};

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
            <span class="label">failedParameter</span> <code data-testid="failed-parameter">{d.status.failedParameter}</code>
          </>
        )}
      </div>
      <blockquote data-testid="console-message">{d.consoleMessage}</blockquote>
    </>
  );
}

/** Firefox's verdict: its console message word for word, and the MDN page for its reason. */
function FirefoxVerdict({ d }: { d: Diagnosis }) {
  if (!d.firefox) return null;
  return (
    <div>
      <span class="label">Firefox</span> <span data-testid="firefox-reason">{d.firefox.text}</span>{' '}
      <a href={d.firefox.mdnUrl} target="_blank" rel="noreferrer">
        MDN: {d.firefox.key}
      </a>
    </div>
  );
}

export function FailureDetail({ record, stack, onStack }: { record: FailureRecord; stack: StackId; onStack: (s: StackId) => void }) {
  const { exchange } = record;
  const d = useMemo(() => recordDiagnosis(record), [record]);
  const fixes = useMemo(() => suggestFixes(exchange, d), [exchange, d]);
  const server = fixes.server.find((f) => f.stack === stack) ?? fixes.server[0];
  const hop = exchange.hops[d.hop];
  return (
    <section
      class="detail"
      data-testid="detail"
      data-cors-error={d.status?.corsError ?? ''}
      data-firefox-reason={record.firefox?.reason}
      data-credentials={d.credentials.mode}
      data-credentials-source={d.credentials.source}
      data-initiator={exchange.request.initiator}
    >
      <h2 data-testid="detail-title">{d.title}</h2>
      <p class="request">
        <span class="method">{exchange.request.method}</span> <span class="url">{exchange.request.url}</span>
        <br />
        from <span class="origin">{exchange.request.origin}</span>, credentials <strong>{d.credentials.mode}</strong> (
        {CREDENTIALS_SOURCE[d.credentials.source]}){exchange.hops.length > 1 && <span>, redirected {exchange.hops.length - 1}×</span>}
      </p>
      {record.firefox ? (
        // Judged in Firefox: Firefox's own verdict first; Chromium's on the same exchange, when it refuses it too.
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
        {d.explanation}
      </p>
      {d.rule && (
        <details class="rule">
          <summary>The CORS rule the browser applied</summary>
          <p>{d.rule}</p>
        </details>
      )}
      <HeaderTable findings={d.headers} />
      {(d.notes.length > 0 || d.warnings.length > 0) && (
        <ul class="notes">
          {d.notes.map((n) => (
            <li key={n.text} class="note">
              {n.text}
            </li>
          ))}
          {d.warnings.map((w) => (
            <li key={w.text} class="warning" data-testid="warning">
              {w.text}
            </li>
          ))}
        </ul>
      )}
      {server && (
        <div class="fix" data-testid="fix">
          <h3>Fix on the server</h3>
          <div class="stacks" role="tablist">
            {fixes.server.map((f) => (
              <button
                type="button"
                role="tab"
                key={f.stack}
                aria-selected={f.stack === server.stack}
                data-testid={`stack-${f.stack}`}
                onClick={() => onStack(f.stack)}
              >
                {STACKS[f.stack].label}
              </button>
            ))}
          </div>
          <p class="where">{server.where}</p>
          <CodeBlock code={server.code} label={`${server.label} fix`} testId="server" />
          <ul class="notes">
            {server.notes.map((n) => (
              <li key={n}>{n}</li>
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
              <p class="where">{c.when}</p>
              <CodeBlock code={c.code} label={c.label} testId={`client-${c.id}`} />
            </div>
          ))}
        </div>
      )}
      <h3>Captured</h3>
      {exchange.hops.map((h, i) => (
        <div key={i} class="hop">
          {exchange.hops.length > 1 && (
            <p>
              Hop {i + 1}: {h.url}
            </p>
          )}
          {h.preflight && <RawHeaders title="Preflight request headers" headers={h.preflight.requestHeaders} />}
          {h.preflight?.response && (
            <RawHeaders title={`Preflight response headers (HTTP ${h.preflight.response.status})`} headers={h.preflight.response.headers} />
          )}
          <RawHeaders title="Request headers" headers={h.requestHeaders} />
          {h.response && <RawHeaders title={`Response headers (HTTP ${h.response.status})`} headers={h.response.headers} />}
        </div>
      ))}
      {hop && !hop.response && !hop.preflight?.response && (
        <p class="note">No response was observed for this request{exchange.error ? ` (${exchange.error})` : ''}.</p>
      )}
    </section>
  );
}
