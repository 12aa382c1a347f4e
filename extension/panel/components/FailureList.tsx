/**
 * The tab's requests, one row each (or one per group of identical failures, with a count), DevTools-style. The list
 * is one Tab stop (a listbox whose selection follows arrows, Home/End and PageUp/PageDown); rows carry the stable
 * test contract (data-testid="failure", aria-selected, data-cors-error...). Up to WINDOW_FROM items are all in the
 * DOM; a longer list renders only the items in view plus a margin, so 10,000 rows cost what 60 do.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { visibleText } from '../../../src/index.ts';
import type { ListItem } from '../grouping.ts';
import { moveSelection } from '../grouping.ts';
import { codeOf, reasonOf, type ShownRecord, splitUrl, statusOf, timeOfDay, titleOf } from '../record-view.ts';
import { Text } from './Text.tsx';

export const ROW_HEIGHT = 20;
const WINDOW_FROM = 1000;
const MARGIN = 20;

const TEST_ID: Record<ShownRecord['kind'], string> = { cors: 'failure', lookalike: 'lookalike', warning: 'warning-request' };
const KIND_LABEL: Record<ShownRecord['kind'], string> = { cors: 'CORS failure', lookalike: 'not CORS', warning: 'passed, with a warning' };

function Row({
  id,
  domId,
  records,
  selected,
  showTime,
  onSelect,
  onMenu,
}: {
  id: string;
  domId: string;
  records: readonly ShownRecord[];
  selected: boolean;
  showTime: boolean;
  onSelect: (id: string) => void;
  onMenu: (id: string, x: number, y: number) => void;
}) {
  const r = records[records.length - 1] as ShownRecord;
  const { host, path } = splitUrl(r.exchange.request.url);
  const status = statusOf(r);
  const code = reasonOf(r);
  return (
    // biome-ignore lint/a11y/useFocusableInteractive: options of an aria-activedescendant listbox are not focused; the listbox is the one Tab stop
    // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox handles the keys for all its options
    <div
      role="option"
      id={domId}
      aria-selected={selected}
      data-testid={TEST_ID[r.kind]}
      data-cors-error={codeOf(r)}
      data-firefox-reason={r.kind === 'cors' ? r.firefox?.reason : undefined}
      data-method={r.exchange.request.method}
      data-url={r.exchange.request.url}
      data-origin={r.exchange.request.origin}
      data-count={records.length}
      class={`row ${r.kind}`}
      onClick={() => onSelect(id)}
      onContextMenu={(e) => {
        e.preventDefault();
        onSelect(id);
        onMenu(id, e.clientX, e.clientY);
      }}
    >
      <span title={visibleText(r.exchange.request.url)}>
        {records.length > 1 && (
          <span class="bubble" data-testid="group-count" title={`${records.length} identical`}>
            {records.length}
          </span>
        )}
        <Text value={path.replace(/[?#].*$/s, '') || '/'} class="path" /> <Text value={host} class="host" />
      </span>
      <span>
        <Text value={r.exchange.request.method} />
      </span>
      <span>{status ?? ''}</span>
      <span>
        <span class="sr-only">{KIND_LABEL[r.kind]}: </span>
        <Text value={titleOf(r)} class="title" />
        {code && <span class="code">{code}</span>}
      </span>
      {showTime && <span>{timeOfDay(r.time)}</span>}
    </div>
  );
}

export interface ListProps {
  readonly items: readonly ListItem<ShownRecord>[];
  readonly selected: string | null;
  readonly onSelect: (id: string) => void;
  readonly onMenu: (id: string, x: number, y: number) => void;
  readonly showTime: boolean;
}

export function FailureList({ items, selected, onSelect, onMenu, showTime }: ListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 800 });
  const windowed = items.length > WINDOW_FROM;
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const update = () => setView({ top: el.scrollTop, height: el.clientHeight || 800 });
    update();
    const resize = new ResizeObserver(update);
    resize.observe(el);
    return () => resize.disconnect();
  }, []);
  let selectedAt = -1;
  const rowIds: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as ListItem<ShownRecord>;
    if (item.id === selected) selectedAt = i;
    if (item.type === 'row') rowIds.push(item.id);
  }
  // Keep the selection in view when the keyboard moves it (every item is ROW_HEIGHT tall).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || selectedAt < 0) return;
    const top = selectedAt * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, [selectedAt]);
  const onKeyDown = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 200) / ROW_HEIGHT) - 1);
    const next = moveSelection(rowIds, selected, e.key, page);
    if (next === null) return;
    e.preventDefault();
    onSelect(next);
  };
  const first = windowed ? Math.max(0, Math.floor(view.top / ROW_HEIGHT) - MARGIN) : 0;
  const last = windowed ? Math.min(items.length, Math.ceil((view.top + view.height) / ROW_HEIGHT) + MARGIN) : items.length;
  return (
    <div class={`list-pane${showTime ? ' with-time' : ''}`}>
      <div class="list-head" aria-hidden="true">
        <span>Name</span>
        <span>Method</span>
        <span>Status</span>
        <span>Reason</span>
        {showTime && <span>Time</span>}
      </div>
      <div
        class="scroller"
        ref={scroller}
        onScroll={windowed ? (e) => setView({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight || 800 }) : undefined}
      >
        <div
          role="listbox"
          tabIndex={0}
          class="listbox"
          aria-label="Requests"
          aria-activedescendant={selectedAt >= 0 ? `item-${selectedAt}` : undefined}
          data-testid="failures"
          data-total={items.length}
          onKeyDown={onKeyDown}
        >
          {first > 0 && <div aria-hidden="true" style={{ height: `${first * ROW_HEIGHT}px` }} />}
          {items.slice(first, last).map((item, k) =>
            item.type === 'separator' ? (
              <div key={item.id} class="separator" aria-hidden="true" data-testid="navigation">
                Page load {item.load} · {timeOfDay(item.time)}
              </div>
            ) : (
              <Row
                key={item.id}
                id={item.id}
                domId={`item-${first + k}`}
                records={item.records}
                selected={item.id === selected}
                showTime={showTime}
                onSelect={onSelect}
                onMenu={onMenu}
              />
            ),
          )}
          {last < items.length && <div aria-hidden="true" style={{ height: `${(items.length - last) * ROW_HEIGHT}px` }} />}
        </div>
      </div>
    </div>
  );
}
