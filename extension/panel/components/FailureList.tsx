/**
 * The failures of the tab, one row each. Rows carry the stable test contract (data-testid, data-cors-error...).
 * Up to WINDOW_FROM rows are all in the DOM (the usual case: the log keeps 500 per tab); a longer list renders only
 * the rows in view plus a margin, so 10,000 rows cost what 60 do.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { type FailureRecord, recordCode, recordDiagnosis, recordReason } from '../../../src/capture/records.ts';

const ROW_HEIGHT = 21;
const WINDOW_FROM = 1000;
const MARGIN = 20;

function Row({ r, selected, onSelect }: { r: FailureRecord; selected: boolean; onSelect: (id: string) => void }) {
  return (
    <tr
      data-testid={r.kind === 'cors' ? 'failure' : 'lookalike'}
      data-cors-error={recordCode(r)}
      data-firefox-reason={r.kind === 'cors' ? r.firefox?.reason : undefined}
      data-method={r.exchange.request.method}
      data-url={r.exchange.request.url}
      data-origin={r.exchange.request.origin}
      class={`${r.kind}${selected ? ' selected' : ''}`}
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
      <td class="c">{r.kind === 'cors' ? (r.uncaptured ? 'Blocked (details missing)' : recordReason(r)) : recordDiagnosis(r).title}</td>
    </tr>
  );
}

export function FailureList({
  records,
  selected,
  onSelect,
}: {
  records: readonly FailureRecord[];
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 800 });
  const windowed = records.length > WINDOW_FROM;
  useEffect(() => {
    const el = scroller.current;
    if (!el || !windowed) return;
    const update = () => setView({ top: el.scrollTop, height: el.clientHeight || 800 });
    update();
    const resize = new ResizeObserver(update);
    resize.observe(el);
    return () => resize.disconnect();
  }, [windowed]);
  const first = windowed ? Math.max(0, Math.floor(view.top / ROW_HEIGHT) - MARGIN) : 0;
  const last = windowed ? Math.min(records.length, Math.ceil((view.top + view.height) / ROW_HEIGHT) + MARGIN) : records.length;
  return (
    <div
      class="scroller"
      ref={scroller}
      onScroll={windowed ? (e) => setView({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight || 800 }) : undefined}
    >
      <table class="list" data-testid="failures" data-total={records.length}>
        <thead>
          <tr>
            <th class="m">Method</th>
            <th>URL</th>
            <th class="c">Reason</th>
          </tr>
        </thead>
        <tbody>
          {first > 0 && <tr class="spacer" style={{ height: `${first * ROW_HEIGHT}px` }} />}
          {records.slice(first, last).map((r) => (
            <Row key={r.id} r={r} selected={r.id === selected} onSelect={onSelect} />
          ))}
          {last < records.length && <tr class="spacer" style={{ height: `${(records.length - last) * ROW_HEIGHT}px` }} />}
        </tbody>
      </table>
    </div>
  );
}
