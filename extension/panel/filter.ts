/**
 * The list's filter, like the Network panel's: words match anywhere (titles, codes, status, method, URL, header names
 * and values), `code:`, `status:`, `method:`, `host:` and `kind:` match one field, a leading `-` negates, quotes keep
 * spaces together, and every term must hold. Parsed once per keystroke; matching reads fields built once per record.
 */

export interface FilterFields {
  /** Everything searchable, lower-cased, one item per line. */
  readonly text: string;
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

function holds(term: FilterTerm, f: FilterFields): boolean {
  switch (term.key) {
    case 'text':
      return f.text.includes(term.value);
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
