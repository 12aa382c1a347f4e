/** The failures of the tab, one row each. Rows carry the stable test contract (data-testid, data-cors-error...). */
import { type FailureRecord, recordCode, recordDiagnosis } from '../../../src/capture/records.ts';

export function FailureList({
  records,
  selected,
  onSelect,
}: {
  records: readonly FailureRecord[];
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  return (
    <table class="list" data-testid="failures">
      <thead>
        <tr>
          <th class="m">Method</th>
          <th>URL</th>
          <th class="c">Reason</th>
        </tr>
      </thead>
      <tbody>
        {records.map((r) => (
          <tr
            key={r.id}
            data-testid={r.kind === 'cors' ? 'failure' : 'lookalike'}
            data-cors-error={recordCode(r)}
            data-method={r.exchange.request.method}
            data-url={r.exchange.request.url}
            data-origin={r.exchange.request.origin}
            class={`${r.kind}${r.id === selected ? ' selected' : ''}`}
            onClick={() => onSelect(r.id)}
            tabIndex={0}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') onSelect(r.id);
            }}
          >
            <td class="m">{r.exchange.request.method}</td>
            <td class="u" title={r.exchange.request.url}>
              {r.exchange.request.url}
            </td>
            <td class="c">{r.kind === 'cors' ? (r.uncaptured ? 'Blocked (details missing)' : recordCode(r)) : recordDiagnosis(r).title}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
