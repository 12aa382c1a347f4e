/** The headers at fault, side by side: what the browser received and what it needed. */
import type { HeaderFinding } from '../../../src/model.ts';

const WHERE: Record<HeaderFinding['where'], string> = {
  request: 'request',
  'preflight-request': 'preflight request',
  'preflight-response': 'preflight response',
  'redirect-response': 'redirect response',
  response: 'response',
};

export function HeaderTable({ findings }: { findings: readonly HeaderFinding[] }) {
  if (findings.length === 0) return null;
  return (
    <table class="findings" data-testid="findings">
      <thead>
        <tr>
          <th>Header</th>
          <th>In</th>
          <th>Received</th>
          <th>Needed</th>
        </tr>
      </thead>
      <tbody>
        {findings.map((f) => (
          <tr key={`${f.where}:${f.name}`}>
            <td class="name">{f.name}</td>
            <td>{WHERE[f.where]}</td>
            <td class="received">
              {f.received.length === 0 ? (
                <em class="absent">(absent)</em>
              ) : (
                f.received.map((v, i) => <div key={i}>{v === '' ? <em>(empty)</em> : v}</div>)
              )}
            </td>
            <td class="needed">{f.needed}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
