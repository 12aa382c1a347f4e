/**
 * The what-if editor: the answers of the hop at fault as editable header lines, prefilled from the capture, judged
 * live by the same engine (src/what-if.ts). "Apply the suggested fix" writes the fix's headers in, to see it pass.
 */
import { useMemo, useState } from 'preact/hooks';
import type { Credentials, Diagnosis, Exchange } from '../../../src/index.ts';
import { draftFrom, type MessageDraft, runWhatIf, suggestedDraft, type WhatIfDraft } from '../../../src/index.ts';
import { Text } from './Text.tsx';

function MessageEditor({
  legend,
  draft,
  testId,
  onChange,
}: {
  legend: string;
  draft: MessageDraft;
  testId: string;
  onChange: (d: MessageDraft) => void;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <label>
        Status{' '}
        <input
          type="text"
          inputMode="numeric"
          value={draft.status}
          data-testid={`${testId}-status`}
          onInput={(e) => onChange({ ...draft, status: (e.target as HTMLInputElement).value })}
        />
      </label>
      <label>
        <span class="sr-only">{legend} headers, one Name: value per line</span>
        <textarea
          spellcheck={false}
          value={draft.headers}
          data-testid={testId}
          onInput={(e) => onChange({ ...draft, headers: (e.target as HTMLTextAreaElement).value })}
        />
      </label>
    </fieldset>
  );
}

export function WhatIf({ exchange, credentials, diagnosis }: { exchange: Exchange; credentials: Credentials; diagnosis: Diagnosis }) {
  const captured = useMemo(() => draftFrom(exchange, diagnosis.hop), [exchange, diagnosis.hop]);
  const [draft, setDraft] = useState<WhatIfDraft>(captured);
  const result = useMemo(() => runWhatIf(exchange, credentials, draft), [exchange, credentials, draft]);
  const suggestion = useMemo(() => suggestedDraft(exchange, diagnosis, captured), [exchange, diagnosis, captured]);
  const d = result.diagnosis;
  const passes = d.result === 'pass';
  const hops = exchange.hops.length;
  return (
    <section class="what-if" data-testid="what-if-editor" aria-label="What if the server answered differently">
      <p class="muted" style={{ margin: '0 0 4px' }}>
        Edit what the server answered{hops > 1 ? ` on hop ${diagnosis.hop + 1}` : ''}: the verdict below is computed live by the same checks
        as the browser's. Nothing is sent anywhere.
      </p>
      {draft.preflight && (
        <MessageEditor
          legend="Preflight response"
          draft={draft.preflight}
          testId="what-if-preflight"
          onChange={(preflight) => setDraft({ ...draft, preflight })}
        />
      )}
      {draft.response ? (
        <MessageEditor
          legend={captured.response ? 'Response' : 'Response (not captured: the browser stopped at the preflight)'}
          draft={draft.response}
          testId="what-if-response"
          onChange={(response) => setDraft({ ...draft, response })}
        />
      ) : (
        <p>
          <button type="button" class="link" onClick={() => setDraft({ ...draft, response: { status: '200', headers: '' } })}>
            Add the response the server would send
          </button>
        </p>
      )}
      {result.errors.length > 0 && (
        <ul class="errors" data-testid="what-if-errors">
          {result.errors.map((e) => (
            <li key={e}>
              <Text value={e} />
            </li>
          ))}
        </ul>
      )}
      <div
        class={`verdict ${passes ? 'pass' : ''}`}
        data-testid="what-if-verdict"
        data-verdict={d.result}
        data-cors-error={d.status?.corsError ?? ''}
        aria-live="polite"
      >
        <div>
          <strong>{passes ? '✓ Passes the CORS checks' : <Text value={d.title} />}</strong>
          {d.status && (
            <>
              {' '}
              <code>{d.status.corsError}</code>
            </>
          )}
        </div>
        {d.consoleMessage && (
          <blockquote data-testid="what-if-console">
            <Text value={d.consoleMessage} />
          </blockquote>
        )}
        {d.explanation && !passes && (
          <p style={{ margin: '4px 0 0' }}>
            <Text value={d.explanation} />
          </p>
        )}
      </div>
      <div class="actions">
        {suggestion && (
          <button type="button" class="text-button primary" data-testid="what-if-apply" onClick={() => setDraft(suggestion)}>
            Apply the suggested fix
          </button>
        )}
        <button type="button" class="text-button" data-testid="what-if-reset" onClick={() => setDraft(captured)}>
          Back to what was captured
        </button>
      </div>
    </section>
  );
}
