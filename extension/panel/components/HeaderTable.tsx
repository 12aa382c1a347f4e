/** The headers that decide the verdict, side by side: what was received, what was needed, and which is at fault. */
import type { HeaderFinding } from '../../../src/index.ts';
import { Text } from './Text.tsx';

const WHERE: Record<HeaderFinding['where'], string> = {
  request: 'request',
  'preflight-request': 'preflight request',
  'preflight-response': 'preflight response',
  'redirect-response': 'redirect response',
  response: 'response',
};

export const MARK: Record<HeaderFinding['state'], string> = {
  fault: '✗ at fault',
  ok: '✓ OK',
  browser: 'sent by the browser',
  advice: 'recommended',
};

export function HeaderTable({ findings }: { findings: readonly HeaderFinding[] }) {
  if (findings.length === 0) return null;
  return (
    <table class="findings" data-testid="findings">
      <thead>
        <tr>
          <th scope="col">Header</th>
          <th scope="col">In</th>
          <th scope="col">Received</th>
          <th scope="col">Needed</th>
          <th scope="col">
            <span class="sr-only">State</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {findings.map((f) => (
          <tr key={`${f.where}:${f.name}`} class={f.state} data-testid="finding" data-state={f.state} data-header={f.name}>
            <td class="name">{f.name}</td>
            <td>{WHERE[f.where]}</td>
            <td class="received">
              {f.received.length === 0 ? (
                <em class="absent">(absent)</em>
              ) : (
                f.received.map((v, i) => <div key={i}>{v === '' ? <em>(empty)</em> : <Text value={v} />}</div>)
              )}
            </td>
            <td class="needed">
              <Text value={f.needed} />
            </td>
            <td class={`mark ${f.state}`}>{MARK[f.state]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
