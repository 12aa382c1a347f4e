/**
 * The tab's requests, one row each (or one per group of identical failures, with a count), DevTools-style. The list
 * is one Tab stop (a listbox whose selection follows arrows, Home/End and PageUp/PageDown); rows carry the stable
 * test contract (data-testid="failure", aria-selected, data-cors-error...). Up to WINDOW_FROM items are all in the
 * DOM; a longer list renders only the items in view plus a margin, so 10,000 rows cost what a screenful does.
 */
import { Component, createRef } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { visibleParts, visibleText } from '../../../src/index.ts';
import type { ListItem } from '../grouping.ts';
import { moveSelection } from '../grouping.ts';
import { codeOf, reasonOf, type ShownRecord, splitUrl, statusOf, timeOfDay, titleOf } from '../record-view.ts';

export const ROW_HEIGHT = 20;
/**
 * From how many items the list renders only those in view (and MARGIN either side). A burst fills a tab's log (500
 * records) within seconds; with every row in the DOM, each render styled and laid out all of them. Fed the messages of
 * a burst of 1,000 failures, the panel's main thread spent 780 ms windowing from 100 items against 1,796 ms from
 * 1,000 (style 23 against 225 ms, layout 118 against 272; bench/panel-burst.ts, 3 rounds).
 */
const WINDOW_FROM = 100;
/** Rows rendered beyond each edge of the view: enough for a frame of fast scrolling. */
const MARGIN = 8;

const TEST_ID: Record<ShownRecord['kind'], string> = { cors: 'failure', lookalike: 'lookalike', warning: 'warning-request' };
const KIND_LABEL: Record<ShownRecord['kind'], string> = { cors: 'CORS failure', lookalike: 'not CORS', warning: 'passed, with a warning' };

interface RowProps {
  id: string;
  domId: string;
  /** An even row of the whole list (separators not counted): striped, the same however the list is scrolled. */
  even: boolean;
  /** The record shown (the group's latest) and how many the group holds. */
  record: ShownRecord;
  count: number;
  selected: boolean;
  showTime: boolean;
  onSelect: (id: string) => void;
  onMenu: (id: string, x: number, y: number) => void;
}

/** An element with attributes and children; strings become text nodes (never HTML). */
function element(tag: string, attributes: Record<string, string>, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) e.setAttribute(name, value);
  e.append(...children);
  return e;
}

/** The nodes of a row that change with its record; built once per row, then written in place. */
interface RowNodes {
  readonly root: HTMLElement;
  readonly name: HTMLElement;
  readonly bubble: HTMLElement;
  readonly path: HTMLElement;
  readonly host: HTMLElement;
  readonly method: HTMLElement;
  readonly status: HTMLElement;
  readonly kind: HTMLElement;
  readonly reason: HTMLElement;
  readonly title: HTMLElement;
  readonly code: HTMLElement;
  readonly time: HTMLElement;
}

function rowNodes(root: HTMLElement): RowNodes {
  const path = element('bdi', { class: 'path' });
  const host = element('bdi', { class: 'host' });
  const name = element('span', {}, path, ' ', host);
  const method = element('bdi', {});
  const status = element('span', {});
  const kind = element('span', { class: 'sr-only' });
  const title = element('bdi', { class: 'title' });
  const reason = element('span', {}, kind, title);
  root.append(name, element('span', {}, method), status, reason);
  const bubble = element('span', { class: 'bubble', 'data-testid': 'group-count' });
  return {
    root,
    name,
    bubble,
    path,
    host,
    method,
    status,
    kind,
    reason,
    title,
    code: element('span', { class: 'code' }),
    time: element('span', {}),
  };
}

const ROW_ATTRIBUTES = [
  'id',
  'aria-selected',
  'data-testid',
  'data-cors-error',
  'data-firefox-reason',
  'data-method',
  'data-url',
  'data-origin',
  'data-count',
  'class',
] as const;

/** Everything a row shows, as strings (null: absent). */
type RowValues = Record<
  (typeof ROW_ATTRIBUTES)[number] | 'url' | 'bubble' | 'path' | 'host' | 'method' | 'status' | 'kind' | 'title' | 'code' | 'time',
  string | null
>;

/** A row writes a node only when its string changed, so a filter that changes the rows in view costs a few writes. */
function rowValues({ domId, even, record: r, count, selected, showTime }: RowProps): RowValues {
  const { url, method, origin } = r.exchange.request;
  const { host, path } = splitUrl(url);
  const code = reasonOf(r);
  return {
    id: domId,
    'aria-selected': String(selected),
    'data-testid': TEST_ID[r.kind],
    'data-cors-error': codeOf(r),
    'data-firefox-reason': (r.kind === 'cors' ? r.firefox?.reason : undefined) ?? null,
    'data-method': method,
    'data-url': url,
    'data-origin': origin,
    'data-count': String(count),
    class: `row ${r.kind}${even ? ' even' : ''}`,
    url: visibleText(url),
    bubble: count > 1 ? String(count) : null,
    path: path.replace(/[?#].*$/s, '') || '/',
    host,
    method,
    status: String(statusOf(r) ?? ''),
    kind: `${KIND_LABEL[r.kind]}: `,
    title: titleOf(r),
    code: code || null,
    time: showTime ? timeOfDay(r.time) : null,
  };
}

/** Shows a captured value in a <bdi> as Text does: hidden characters as markers, always text. */
function writeVisible(bdi: HTMLElement, value: string): void {
  const parts = visibleParts(value);
  const only = bdi.firstChild;
  // Plain text over plain text (the usual case): the text node is kept.
  if (parts.length === 1 && only instanceof Text && only === bdi.lastChild) only.data = value;
  else bdi.replaceChildren(...parts.map((p) => ('text' in p ? p.text : element('abbr', { class: 'ctl', title: p.name }, p.marker))));
}

/** Writes what changed between two rows' values (`was` is empty for a new row). */
function writeRow(n: RowNodes, now: RowValues, was: Partial<RowValues>): void {
  const changed = (key: keyof RowValues) => now[key] !== was[key];
  for (const name of ROW_ATTRIBUTES) {
    const value = now[name];
    if (!changed(name)) continue;
    if (value === null) n.root.removeAttribute(name);
    else n.root.setAttribute(name, value);
  }
  if (changed('url')) n.name.title = now.url ?? '';
  if (changed('bubble')) {
    if (now.bubble === null) n.bubble.remove();
    else {
      n.bubble.textContent = now.bubble;
      n.bubble.title = `${now.bubble} identical`;
      if (!n.bubble.isConnected) n.name.prepend(n.bubble);
    }
  }
  for (const key of ['path', 'host', 'method', 'title'] as const) if (changed(key)) writeVisible(n[key], now[key] ?? '');
  if (changed('status')) n.status.textContent = now.status;
  if (changed('kind')) n.kind.textContent = now.kind;
  if (changed('code')) {
    n.code.textContent = now.code;
    if (now.code === null) n.code.remove();
    else n.reason.append(n.code);
  }
  if (changed('time')) {
    n.time.textContent = now.time;
    if (now.time === null) n.time.remove();
    else n.root.append(n.time);
  }
}

/**
 * One row, written directly: its nodes are built once and each value is written only when it changes. A filter
 * keystroke changes every row in view, and diffing ~20 virtual nodes per row was most of the keystroke's cost.
 * Records never change in place, so a row whose props are the same is not looked at again.
 */
class Row extends Component<RowProps> {
  private readonly root = createRef<HTMLDivElement>();
  private nodes: RowNodes | null = null;
  private shown: Partial<RowValues> = {};

  override componentDidMount(): void {
    if (this.root.current) this.nodes = rowNodes(this.root.current);
    this.paint(this.props);
  }

  override shouldComponentUpdate(next: RowProps): boolean {
    const p = this.props;
    const same =
      p.domId === next.domId &&
      p.even === next.even &&
      p.record === next.record &&
      p.count === next.count &&
      p.selected === next.selected &&
      p.showTime === next.showTime;
    if (!same) this.paint(next);
    // Never rendered again: the handlers read this.props, which Preact updates all the same.
    return false;
  }

  private paint(p: RowProps): void {
    if (!this.nodes) return;
    const values = rowValues(p);
    writeRow(this.nodes, values, this.shown);
    this.shown = values;
  }

  private readonly select = () => this.props.onSelect(this.props.id);

  private readonly menu = (e: MouseEvent) => {
    e.preventDefault();
    this.props.onSelect(this.props.id);
    this.props.onMenu(this.props.id, e.clientX, e.clientY);
  };

  override render() {
    // biome-ignore lint/a11y/useFocusableInteractive: options of an aria-activedescendant listbox are not focused; the listbox is the one Tab stop
    // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox handles the keys for all its options
    return <div role="option" ref={this.root} onClick={this.select} onContextMenu={this.menu} />;
  }
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
  // A list that just became long enough to window starts from where it is scrolled to (scrolls were not tracked).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (windowed && el) setView({ top: el.scrollTop, height: el.clientHeight || 800 });
  }, [windowed]);
  const selectedAt = selected === null ? -1 : items.findIndex((item) => item.id === selected);
  // Each item's place among the rows (separators not counted): stripes by it, not by the rows in the DOM, stay put
  // while a long list scrolls.
  const rowNumbers = useMemo(() => {
    let n = 0;
    return items.map((item) => (item.type === 'row' ? n++ : -1));
  }, [items]);
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
    const rowIds = items.flatMap((item) => (item.type === 'row' ? [item.id] : []));
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
          // Only a row in the DOM: a selected row scrolled out of a long list's window is not there to name.
          aria-activedescendant={selectedAt >= first && selectedAt < last ? `item-${selectedAt}` : undefined}
          data-testid="failures"
          data-total={items.length}
          data-from={first}
          data-to={last}
          onKeyDown={onKeyDown}
        >
          {first > 0 && <div aria-hidden="true" style={{ height: `${first * ROW_HEIGHT}px` }} />}
          {/* Keyed by position, not by id: a filter that changes the rows in view updates their elements in place. */}
          {items.slice(first, last).map((item, k) =>
            item.type === 'separator' ? (
              <div key={first + k} class="separator" aria-hidden="true" data-testid="navigation">
                Page load {item.load} · {timeOfDay(item.time)}
              </div>
            ) : (
              <Row
                key={first + k}
                id={item.id}
                domId={`item-${first + k}`}
                even={(rowNumbers[first + k] ?? 0) % 2 === 1}
                record={item.records[item.records.length - 1] as ShownRecord}
                count={item.records.length}
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
