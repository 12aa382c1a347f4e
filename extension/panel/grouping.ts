/**
 * The list's items: records grouped when identical (same kind, method, URL without query, code), with a separator
 * where a new page load begins when the log is preserved. A group stays where its first record was and shows its
 * latest one; groups never span a navigation.
 */

export interface RowItem<R> {
  readonly type: 'row';
  /** Stable while the group grows: the selection follows it. */
  readonly id: string;
  /** In arrival order; the last is the one shown. */
  readonly records: readonly R[];
}

export interface SeparatorItem {
  readonly type: 'separator';
  readonly id: string;
  /** When the page load's first record came. */
  readonly time: number;
  /** Which load it is, counting from the first kept (1-based). */
  readonly load: number;
}

export type ListItem<R> = RowItem<R> | SeparatorItem;

export interface ItemOptions<R> {
  readonly group: boolean;
  readonly separators: boolean;
  readonly idOf: (r: R) => string;
  readonly timeOf: (r: R) => number;
  readonly keyOf: (r: R) => string;
  /** The page load of a record; null when it does not tell (frames, workers): it stays with the load before. */
  readonly navigationOf: (r: R) => string | null;
}

/** The items for records in arrival order. */
export function buildItems<R>(records: readonly R[], o: ItemOptions<R>): ListItem<R>[] {
  const items: ListItem<R>[] = [];
  let load: string | null = null;
  let loads = 0;
  let groups = new Map<string, R[]>();
  for (const r of records) {
    const nav = o.separators ? o.navigationOf(r) : null;
    if (nav !== null && nav !== load) {
      // The first load gets its separator too once a second one exists; until then the list needs none.
      if (load !== null || loads > 0) items.push({ type: 'separator', id: `nav:${nav}:${o.idOf(r)}`, time: o.timeOf(r), load: ++loads });
      else loads = 1;
      load = nav;
      groups = new Map();
    }
    if (!o.group) {
      items.push({ type: 'row', id: o.idOf(r), records: [r] });
      continue;
    }
    const key = o.keyOf(r);
    const group = groups.get(key);
    if (group) group.push(r);
    else {
      const fresh = [r];
      groups.set(key, fresh);
      items.push({ type: 'row', id: loads > 1 ? `${loads}:${key}` : key, records: fresh });
    }
  }
  return items;
}

/** Moves a selection by a key press over the rows (separators are skipped); null when nothing moves. */
export function moveSelection(rowIds: readonly string[], current: string | null, key: string, page: number): string | null {
  if (rowIds.length === 0) return null;
  const at = current === null ? -1 : rowIds.indexOf(current);
  const last = rowIds.length - 1;
  let next: number;
  switch (key) {
    case 'ArrowDown':
      next = at < 0 ? 0 : Math.min(last, at + 1);
      break;
    case 'ArrowUp':
      next = at < 0 ? last : Math.max(0, at - 1);
      break;
    case 'Home':
      next = 0;
      break;
    case 'End':
      next = last;
      break;
    case 'PageDown':
      next = at < 0 ? Math.min(last, page - 1) : Math.min(last, at + page);
      break;
    case 'PageUp':
      next = at < 0 ? 0 : Math.max(0, at - page);
      break;
    default:
      return null;
  }
  return rowIds[next] ?? null;
}
