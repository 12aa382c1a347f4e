/**
 * One hop as DevTools would show it: the preflight and the request side by side (stacked when narrow), each with the
 * headers sent and received. Rows of headers the verdict is about carry the same mark as the table above. Secret
 * values are shown only as present; long values say they were cut.
 */
import type { HeaderFinding, HeaderList, Hop } from '../../../src/index.ts';
import { MARK } from './HeaderTable.tsx';
import { Text } from './Text.tsx';

type Marks = ReadonlyMap<string, HeaderFinding['state']>;

function Headers({ title, headers, marks }: { title: string; headers: HeaderList | null | undefined; marks: Marks }) {
  if (!headers) return null;
  return (
    <>
      <h4>
        {title} ({headers.length})
      </h4>
      <table class="headers">
        <tbody>
          {headers.map((h, i) => {
            const mark = marks.get(h.name.toLowerCase());
            return (
              <tr key={i} class={mark ?? ''}>
                <th scope="row" class="name">
                  <Text value={h.name} />
                </th>
                <td class="value">
                  {h.redacted ? (
                    <em class="secret">present, value not stored</em>
                  ) : (
                    <>
                      <Text value={h.value} />
                      {h.truncatedFrom !== undefined && <em class="cut"> … ({h.truncatedFrom} characters, shortened)</em>}
                    </>
                  )}
                </td>
                <td class={`mark ${mark ?? ''}`}>{mark && mark !== 'browser' ? MARK[mark] : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

/** Marks per header name, for the message the findings are about. */
function marksFor(findings: readonly HeaderFinding[], where: readonly HeaderFinding['where'][]): Marks {
  return new Map(findings.filter((f) => where.includes(f.where)).map((f) => [f.name.toLowerCase(), f.state]));
}

export function MessagePair({
  hop,
  index,
  hops,
  method,
  findings,
  atFault,
}: {
  hop: Hop;
  index: number;
  hops: number;
  method: string;
  findings: readonly HeaderFinding[];
  /** Whether this is the hop the verdict is about (only its rows are marked). */
  atFault: boolean;
}) {
  const none: Marks = new Map();
  const preflightMarks = atFault ? marksFor(findings, ['preflight-request', 'preflight-response']) : none;
  const requestMarks = atFault ? marksFor(findings, ['request', 'response', 'redirect-response']) : none;
  return (
    <div class="hop" data-testid="hop">
      {hops > 1 && (
        <p>
          Hop {index + 1} of {hops}: <Text value={hop.url} class="url" />
        </p>
      )}
      <div class="pair">
        {hop.preflight && (
          <section class="message" data-testid="preflight">
            <header>
              Preflight: OPTIONS →{' '}
              {hop.preflight.response ? (
                `HTTP ${hop.preflight.response.status}`
              ) : hop.preflight.error ? (
                <Text value={hop.preflight.error} />
              ) : (
                'no answer'
              )}
            </header>
            <Headers title="Sent" headers={hop.preflight.requestHeaders} marks={preflightMarks} />
            <Headers title="Received" headers={hop.preflight.response?.headers} marks={preflightMarks} />
          </section>
        )}
        <section class="message" data-testid="request">
          <header>
            Request: <Text value={method} /> →{' '}
            {hop.response ? `HTTP ${hop.response.status}` : hop.requestHeaders ? 'no answer' : 'never sent'}
          </header>
          {hop.requestHeaders ? (
            <Headers title="Sent" headers={hop.requestHeaders} marks={requestMarks} />
          ) : (
            <p class="muted" style={{ margin: '4px 6px' }}>
              The browser did not send it{hop.preflight ? ': the preflight failed' : ''}.
            </p>
          )}
          <Headers title="Received" headers={hop.response?.headers} marks={requestMarks} />
        </section>
      </div>
    </div>
  );
}
