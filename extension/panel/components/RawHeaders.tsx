/** Every header line of one message. Secret values are shown only as present; long values say they were cut. */
import type { HeaderList } from '../../../src/index.ts';

export function RawHeaders({ title, headers }: { title: string; headers: HeaderList | null }) {
  if (!headers) return null;
  return (
    <details class="raw">
      <summary>
        {title} ({headers.length})
      </summary>
      <table>
        <tbody>
          {headers.map((h, i) => (
            <tr key={i}>
              <td class="name">{h.name}</td>
              <td>
                {h.redacted ? (
                  <em class="secret">present, value not stored</em>
                ) : (
                  <>
                    {h.value}
                    {h.truncatedFrom !== undefined && <em class="cut"> … ({h.truncatedFrom} characters, shortened)</em>}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
