/**
 * The list's filter, like the Network panel's: words match anywhere (titles, codes, status, method, URL, header names
 * and values), `code:`, `status:`, `method:`, `host:` and `kind:` match one field, a leading `-` negates, quotes keep
 * spaces together, and every term must hold. Parsed once per keystroke; matching reads fields built once per record.
 */

export interface FilterFields {
  /** The record's own searchable words (method, URL, title, code, status, kind), lower-cased, one per line. */
  readonly text: string;
  /** Its header lines (`name: value`, lower-cased), as ids in the shared LINES book. */
  readonly lines: readonly number[];
  readonly code: string;
  readonly status: string;
  readonly method: string;
  readonly host: string;
  readonly kind: string;
}

export type FilterKey = 'text' | 'code' | 'status' | 'method' | 'host' | 'kind';

export interface FilterTerm {
  readonly key: FilterKey;
  /** Lower-cased. */
  readonly value: string;
  readonly negate: boolean;
}

const KEYS: readonly FilterKey[] = ['code', 'status', 'method', 'host', 'kind'];

/** Splits the filter into terms. An unknown `word:` is plain text; an empty `code:` is ignored. */
export function parseFilter(input: string): FilterTerm[] {
  const terms: FilterTerm[] = [];
  for (const m of input.matchAll(/(-?)(?:([a-z]+):)?(?:"([^"]*)"?|(\S*))/gi)) {
    const negate = m[1] === '-';
    const prefix = (m[2] ?? '').toLowerCase();
    const value = (m[3] ?? m[4] ?? '').toLowerCase();
    const key = (KEYS as readonly string[]).includes(prefix) ? (prefix as FilterKey) : 'text';
    const text = key === 'text' && prefix !== '' ? `${prefix}:${value}` : value;
    if (text === '') continue;
    terms.push({ key, value: text, negate });
  }
  return terms;
}

/**
 * Every distinct header line of the log, once. Requests to one API repeat the same lines thousands of times: a
 * keystroke then scans each distinct line once, not every record's copy (10,000 records, about 50 distinct lines).
 */
class LineBook {
  private readonly ids = new Map<string, number>();
  private readonly lines: string[] = [];
  private cache: { value: string; size: number; hits: Set<number> } | null = null;

  id(line: string): number {
    let id = this.ids.get(line);
    if (id === undefined) {
      id = this.lines.length;
      this.lines.push(line);
      this.ids.set(line, id);
    }
    return id;
  }

  /** The ids of the lines that contain `value`; computed once per value while the book does not grow. */
  containing(value: string): Set<number> {
    if (this.cache?.value === value && this.cache.size === this.lines.length) return this.cache.hits;
    const hits = new Set<number>();
    this.lines.forEach((line, id) => {
      if (line.includes(value)) hits.add(id);
    });
    this.cache = { value, size: this.lines.length, hits };
    return hits;
  }
}

export const LINES = new LineBook();

function holds(term: FilterTerm, f: FilterFields): boolean {
  switch (term.key) {
    case 'text': {
      if (f.text.includes(term.value)) return true;
      const hits = LINES.containing(term.value);
      return hits.size > 0 && f.lines.some((id) => hits.has(id));
    }
    case 'status':
      // status:4 is every 4xx, status:401 exactly 401.
      return f.status.startsWith(term.value);
    case 'method':
      return f.method === term.value;
    default:
      return f[term.key].includes(term.value);
  }
}

/** Whether a record's fields satisfy every term. */
export function matches(terms: readonly FilterTerm[], f: FilterFields): boolean {
  for (const t of terms) if (holds(t, f) === t.negate) return false;
  return true;
}
