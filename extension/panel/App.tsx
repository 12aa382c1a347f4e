/** The CORS panel: the tab's failures on the left, the selected one explained on the right. */
import { useMemo, useState } from 'preact/hooks';
import { recordCode, recordReason } from '../../src/capture/records.ts';
import { STACK_IDS, type StackId } from '../../src/fix/index.ts';
import { send } from '../platform/index.ts';
import { FailureDetail } from './components/FailureDetail.tsx';
import { FailureList } from './components/FailureList.tsx';
import { useTabLog } from './use-tab-log.ts';

const STACK_KEY = 'cors-lens:stack';

function savedStack(): StackId {
  const saved = localStorage.getItem(STACK_KEY);
  return (STACK_IDS as string[]).includes(saved ?? '') ? (saved as StackId) : 'headers';
}

export function App({ tabId }: { tabId: number | null }) {
  const view = useTabLog(tabId);
  const [selected, setSelected] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [stack, setStack] = useState<StackId>(savedStack);
  // One lower-cased search text per record, built when the records change, not on every keystroke.
  const searchText = useMemo(
    () =>
      view.records.map((r) => `${r.exchange.request.method} ${r.exchange.request.url} ${recordReason(r)} ${recordCode(r)}`.toLowerCase()),
    [view.records],
  );
  const visible = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    if (needle === '') return view.records;
    return view.records.filter((_, i) => searchText[i]?.includes(needle));
  }, [view.records, searchText, filter]);

  if (tabId === null) {
    return <p class="empty">Open this panel from DevTools, or add ?tabId=&lt;tab id&gt; to its address.</p>;
  }
  const current = view.records.find((r) => r.id === selected) ?? null;
  const summary = view.summary;
  const chooseStack = (s: StackId) => {
    setStack(s);
    localStorage.setItem(STACK_KEY, s);
  };
  return (
    <div class="app">
      <header class="toolbar">
        <strong>CORS Lens</strong>
        <span data-testid="count">{summary?.count ?? 0} CORS failures</span>
        {(summary?.lookalikes ?? 0) > 0 && <span class="muted">{summary?.lookalikes} other failures</span>}
        {(summary?.dropped ?? 0) > 0 && (
          <span class="dropped" data-testid="dropped">
            {summary?.dropped} older entries dropped (limit reached)
          </span>
        )}
        <input
          type="search"
          placeholder="Filter by URL, method or reason"
          value={filter}
          onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
          data-testid="filter"
        />
        <label>
          <input
            type="checkbox"
            checked={summary?.preserve ?? false}
            onChange={(e) => void send('preserve', { tabId, preserve: (e.target as HTMLInputElement).checked })}
            data-testid="preserve"
          />{' '}
          Preserve log
        </label>
        <button type="button" onClick={() => void send('clear', { tabId })} data-testid="clear">
          Clear
        </button>
        {!view.connected && <span class="muted">reconnecting…</span>}
      </header>
      <main class="split">
        <div class="left">
          {visible.length === 0 ? (
            <p class="empty" data-testid="empty">
              {view.records.length === 0
                ? 'No CORS failures on this page yet. They appear here as they happen.'
                : 'Nothing matches the filter.'}
            </p>
          ) : (
            <FailureList records={visible} selected={selected} onSelect={setSelected} />
          )}
        </div>
        <div class="right">
          {current ? (
            <FailureDetail record={current} stack={stack} onStack={chooseStack} />
          ) : (
            <p class="empty">Select a failure to see why the browser blocked it and how to fix it.</p>
          )}
        </div>
      </main>
    </div>
  );
}
