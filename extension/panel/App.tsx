/**
 * The CORS panel: a DevTools-style toolbar, the tab's requests on one side and the selected one explained on the
 * other. The log is the worker's live one, or a file imported for viewing (panel-only: nothing is written back).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type ExportedLog, exportFileName, exportLog, parseLog, STACK_IDS, type StackId } from '../../src/index.ts';
import { productName, reloadInspected, send } from '../platform/index.ts';
import { CaptureState } from './components/CaptureState.tsx';
import { FailureDetail, shareTexts } from './components/FailureDetail.tsx';
import { FailureList } from './components/FailureList.tsx';
import { Icon } from './components/Icons.tsx';
import { Menu } from './components/Menu.tsx';
import { Split } from './components/Split.tsx';
import { Text } from './components/Text.tsx';
import { copyText } from './copy.ts';
import { countsOf } from './counts.ts';
import { parseFilter } from './filter.ts';
import { buildItems, type ListItem, type RowItem } from './grouping.ts';
import {
  filterFields,
  filterIndex,
  filterRecords,
  groupKey,
  navigationKey,
  plural,
  type ShownRecord,
  type ShownSummary,
} from './record-view.ts';
import { stored } from './settings.ts';
import { useTabLog } from './use-tab-log.ts';

const stackSetting = stored<StackId | null>('cors-lens:stack', null, (v) => ((STACK_IDS as string[]).includes(v) ? (v as StackId) : null));
const groupSetting = stored<boolean>('cors-lens:group', true, (v) => v === 'true');
const splitSetting = stored<number>('cors-lens:split', 42, (v) => (Number(v) >= 15 && Number(v) <= 85 ? Number(v) : null));
/**
 * How long the log must stay unchanged before the filter index is built, ms. Longer than the pause between a burst's
 * renders (a third of a second, use-tab-log's BUSY): at 300 ms, each of a burst's renders started the index again, and
 * with the panel shown through a burst of 1,000 failures the index's slices were the panel's busiest function
 * (bench/profile.ts --devtools=panel, unminified build).
 */
const INDEX_QUIET_MS = 1000;

interface Imported {
  readonly name: string;
  readonly log: ExportedLog;
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

export function App({ tabId, groupParam }: { tabId: number | null; groupParam: boolean | null }) {
  const live = useTabLog(tabId);
  const [imported, setImported] = useState<Imported | null>(null);
  const [importError, setImportError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [stack, setStack] = useState<StackId | null>(stackSetting.read);
  const [group, setGroup] = useState<boolean>(() => groupParam ?? groupSetting.read());
  const [ratio, setRatio] = useState<number>(splitSetting.read);
  const [menu, setMenu] = useState<{ id: string; x: number; y: number } | null>(null);
  const filterInput = useRef<HTMLInputElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const records = (imported ? imported.log.records : live.records) as readonly ShownRecord[];
  const summary = (imported ? null : live.summary) as ShownSummary | null;
  const preserved = imported !== null || (summary?.preserve ?? false);
  const terms = useMemo(() => parseFilter(filter), [filter]);
  const shown = useMemo(() => filterRecords(records, terms), [records, terms]);
  const itemsOf = useCallback(
    (list: readonly ShownRecord[]) =>
      buildItems(list, {
        group,
        separators: preserved,
        idOf: (r) => r.id,
        timeOf: (r) => r.time,
        keyOf: groupKey,
        navigationOf: navigationKey,
      }),
    [group, preserved],
  );
  // The whole log's items are kept (made when first shown) while the log stays the same: clearing the filter does not
  // group 10,000 records again, and a filter over a growing log does not group the records it hides.
  const allItems = useMemo(() => {
    let made: ListItem<ShownRecord>[] | null = null;
    return () => {
      if (made === null) made = itemsOf(records);
      return made;
    };
  }, [itemsOf, records]);
  const items = useMemo(() => (shown === records ? allItems() : itemsOf(shown)), [allItems, itemsOf, shown, records]);
  const counts = useMemo(() => countsOf(records), [records]);
  // The filter's index (each record's fields, then the log's FilterIndex), built in the background in slices of a few ms
  // once the log has been quiet for INDEX_QUIET_MS, so a keystroke only searches. Not during a burst: each update would
  // start it again (a filter typed then builds it at once).
  const listRoot = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let next = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let began = 0;
    listRoot.current?.removeAttribute('data-indexed');
    const slice = () => {
      if (next === 0) began = performance.now();
      const end = performance.now() + 6;
      while (next < records.length && performance.now() < end) filterFields(records[next++] as ShownRecord);
      if (next < records.length) timer = setTimeout(slice, 0);
      else {
        filterIndex(records);
        // How long building it took, start to end (for the benchmark).
        listRoot.current?.setAttribute('data-index-ms', (performance.now() - began).toFixed(1));
        listRoot.current?.setAttribute('data-indexed', String(records.length));
      }
    };
    timer = setTimeout(slice, INDEX_QUIET_MS);
    return () => {
      if (timer) clearTimeout(timer);
    };
  }, [records]);
  // A row hidden by the filter (or gone) shows no detail.
  const current = selected === null ? null : (items.find((i): i is RowItem<ShownRecord> => i.type === 'row' && i.id === selected) ?? null);
  const record = current ? (current.records[current.records.length - 1] as ShownRecord) : null;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const find = (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'f';
      if (find || (e.key === '/' && !isEditable(e.target))) {
        e.preventDefault();
        filterInput.current?.focus();
        filterInput.current?.select();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const chooseStack = useCallback((s: StackId) => {
    setStack(s);
    stackSetting.write(s);
  }, []);
  const closeMenu = useCallback(() => setMenu(null), []);
  const reload = useMemo(() => (imported || tabId === null ? null : () => void reloadInspected(tabId)), [imported, tabId]);
  const currentId = current?.id ?? null;
  const count = current?.records.length ?? 0;
  const firstTime = current ? (current.records[0] as ShownRecord).time : 0;
  // The same element while the request shown is the same: a filter keystroke does not render the detail again.
  const detail = useMemo(
    () =>
      record && currentId !== null ? (
        <FailureDetail
          key={currentId}
          record={record}
          count={count}
          firstTime={firstTime}
          stack={stack}
          onStack={chooseStack}
          onReload={reload}
        />
      ) : null,
    [currentId, record, count, firstTime, stack, chooseStack, reload],
  );
  const openMenu = useCallback((id: string, x: number, y: number) => setMenu({ id, x, y }), []);

  if (tabId === null && !imported) {
    return <p class="empty">Open this panel from DevTools, or add ?tabId=&lt;tab id&gt; to its address.</p>;
  }

  const onExport = () => {
    const at = new Date();
    const log = exportLog(
      records,
      { url: summary?.pageUrl ?? imported?.log.page.url ?? '', tabId: imported ? imported.log.page.tabId : tabId },
      at,
      productName(),
    );
    download(exportFileName(log.page.url, at), JSON.stringify(log, null, 2));
  };
  const onImportFile = async (file: File | undefined) => {
    if (!file) return;
    const parsed = parseLog(await file.text());
    if (parsed.ok) {
      setImported({ name: file.name, log: parsed.log });
      setImportError(null);
      setSelected(null);
    } else setImportError(`${file.name}: ${parsed.error}`);
    if (fileInput.current) fileInput.current.value = '';
  };
  const menuRecord = menu ? items.find((i): i is RowItem<ShownRecord> => i.type === 'row' && i.id === menu.id) : null;
  const menuTarget = menuRecord ? (menuRecord.records[menuRecord.records.length - 1] as ShownRecord) : null;

  return (
    <div class="app" ref={listRoot}>
      <div class="toolbar">
        <button
          type="button"
          class="icon-button"
          title="Clear"
          aria-label="Clear"
          data-testid="clear"
          disabled={imported !== null || tabId === null}
          onClick={() => tabId !== null && void send('clear', { tabId })}
        >
          <Icon name="clear" />
        </button>
        <span class="sep" />
        <label class="filter">
          <span class="sr-only">Filter</span>
          <input
            ref={filterInput}
            type="search"
            placeholder="Filter"
            title="Words match anywhere; code: status: method: host: kind: match one field; -term excludes. / or Ctrl+F to focus, Escape to clear."
            value={filter}
            onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                setFilter('');
              }
            }}
            data-testid="filter"
          />
          {filter.trim() !== '' && (
            <span class="filter-count" data-testid="filter-count" aria-live="polite">
              {shown.length} of {records.length}
            </span>
          )}
        </label>
        <span class="sep" />
        <label class="check" title="Keep the list across page loads">
          <input
            type="checkbox"
            checked={summary?.preserve ?? false}
            disabled={imported !== null || tabId === null}
            onChange={(e) => tabId !== null && void send('preserve', { tabId, preserve: (e.target as HTMLInputElement).checked })}
            data-testid="preserve"
          />
          Preserve log
        </label>
        <label class="check" title="One row for identical failures (method, URL without query, reason)">
          <input
            type="checkbox"
            checked={group}
            onChange={(e) => {
              const on = (e.target as HTMLInputElement).checked;
              setGroup(on);
              groupSetting.write(on);
            }}
            data-testid="group"
          />
          Group similar
        </label>
        <span class="sep" />
        <button
          type="button"
          class="icon-button"
          title="Export the log as JSON"
          aria-label="Export the log as JSON"
          data-testid="export"
          onClick={onExport}
        >
          <Icon name="download" />
        </button>
        <button
          type="button"
          class="icon-button"
          title="Import a log (JSON) to view it"
          aria-label="Import a log (JSON) to view it"
          data-testid="import"
          onClick={() => fileInput.current?.click()}
        >
          <Icon name="upload" />
        </button>
        <input
          ref={fileInput}
          type="file"
          accept="application/json,.json"
          hidden
          data-testid="import-file"
          onChange={(e) => void onImportFile((e.target as HTMLInputElement).files?.[0])}
        />
        <span class="counts" data-testid="counts">
          <span class="failures" data-testid="count">
            {plural(counts.failures, 'CORS failure')}
          </span>
          {counts.lookalikes > 0 && <span> · {plural(counts.lookalikes, 'other failure')}</span>}
          {counts.warnings > 0 && <span data-testid="warning-count"> · {plural(counts.warnings, 'warning')}</span>}
          {!imported && tabId !== null && !live.connected && <span> · reconnecting…</span>}
        </span>
      </div>
      {imported && (
        <div class="banner" data-testid="imported">
          <span>
            Viewing{' '}
            <strong>
              <Text value={imported.name} />
            </strong>
            : {plural(imported.log.records.length, 'request')} exported {new Date(imported.log.exportedAt).toLocaleString()} from{' '}
            <Text value={imported.log.page.url || 'a tab'} />. Not live; nothing is written to this tab's log.
          </span>
          {tabId !== null && (
            <button type="button" class="text-button" data-testid="back-to-live" onClick={() => setImported(null)}>
              Back to the live log
            </button>
          )}
        </div>
      )}
      {importError && (
        <div class="banner error" role="alert" data-testid="import-error">
          <Text value={importError} />
        </div>
      )}
      {!imported && (summary?.dropped ?? 0) > 0 && (
        <div class="banner dropped" data-testid="dropped">
          {summary?.dropped} older entries dropped (limit reached)
        </div>
      )}
      <Split
        ratio={ratio}
        onRatio={(r) => {
          setRatio(r);
          splitSetting.write(r);
        }}
        first={
          items.length === 0 ? (
            <div class="list-pane">
              <div class="empty" data-testid="empty">
                {records.length === 0 ? (
                  <>
                    <p>No CORS failures on this page yet. They appear here as they happen.</p>
                    {tabId !== null && !imported && <CaptureState tabId={tabId} capture={live.capture} pageUrl={summary?.pageUrl ?? ''} />}
                  </>
                ) : (
                  <p>Nothing matches the filter.</p>
                )}
              </div>
            </div>
          ) : (
            <FailureList items={items} selected={current?.id ?? null} onSelect={setSelected} onMenu={openMenu} showTime={preserved} />
          )
        }
        second={
          <div class="detail-pane">
            {detail ?? <p class="empty">Select a request to see why the browser blocked it and how to fix it.</p>}
          </div>
        }
      />
      {menu && menuTarget && (
        <Menu
          x={menu.x}
          y={menu.y}
          onClose={closeMenu}
          items={(() => {
            const share = shareTexts(menuTarget, stack);
            return [
              { label: 'Copy as cURL', testId: 'menu-copy-curl', run: () => void copyText(share.curl()) },
              { label: 'Copy as fetch', testId: 'menu-copy-fetch', run: () => void copyText(share.fetch()) },
              { label: 'Copy report (Markdown)', testId: 'menu-copy-report', run: () => void copyText(share.report()) },
              { label: 'Copy URL', testId: 'menu-copy-url', run: () => void copyText(menuTarget.exchange.request.url) },
            ];
          })()}
        />
      )}
    </div>
  );
}
