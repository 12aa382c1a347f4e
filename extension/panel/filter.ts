/**
 * The list's filter, like the Network panel's: words match anywhere (titles, codes, status, method, URL, header names
 * and values), `code:`, `status:`, `method:`, `host:` and `kind:` match one field, a leading `-` negates, quotes keep
 * spaces together, and every term must hold. Parsed once per keystroke; the search reads fields built once per record,
 * through the log's FilterIndex.
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

/** Records per block of words: V8 joins a few hundred strings fast (10,000 at once took 16 ms here, 40 blocks 1 ms). */
const BLOCK = 256;

/**
 * The own words of a block of records in one string, a line break before each record's words and one at the end,
 * so a word search runs natively over the block. A value without a line break never spans two records.
 */
class WordBlock {
  private readonly text: string;
  /** Where each record's line break is; the last entry is the final one. */
  private readonly starts: Int32Array;

  constructor(words: readonly string[]) {
    this.starts = new Int32Array(words.length + 1);
    let at = 0;
    for (let i = 0; i < words.length; i++) {
      this.starts[i] = at;
      at += (words[i] as string).length + 1;
    }
    this.starts[words.length] = at;
    // One join makes a flat string (a template literal would make a rope, flattened by the first search: a keystroke).
    this.text = ['', ...words, ''].join('\n');
  }

  /** Sets hits[first + i] for each record i of the block whose words hold `value` (not empty, no line break). */
  mark(value: string, hits: Uint8Array, first: number): void {
    const { starts, text } = this;
    let from = 0;
    let i = 0;
    for (;;) {
      const at = text.indexOf(value, from);
      if (at < 0) return;
      // The record whose words hold `at` (hits come in order: the walk goes over the block once at most).
      while ((starts[i + 1] as number) <= at) i++;
      hits[first + i] = 1;
      from = starts[i + 1] as number;
    }
  }
}

/**
 * A log's filter fields, searched as a whole: a keystroke searches the records' words a block at a time, the
 * distinct header lines once (a line's carriers are listed when the index is built), and the one-field prefixes in
 * one tight loop each.
 */
export class FilterIndex {
  private readonly blocks: WordBlock[] = [];
  /** For each header line id, the records that carry it (ascending). */
  private readonly carriers: number[][] = [];

  constructor(private readonly fields: readonly FilterFields[]) {
    for (let first = 0; first < fields.length; first += BLOCK) {
      this.blocks.push(new WordBlock(fields.slice(first, first + BLOCK).map((f) => f.text)));
    }
    fields.forEach((f, i) => {
      for (const id of f.lines) {
        const list = this.carriers[id];
        if (!list) this.carriers[id] = [i];
        else if (list[list.length - 1] !== i) list.push(i);
      }
    });
  }

  /** For each record, 1 when it satisfies every term. */
  match(terms: readonly FilterTerm[]): Uint8Array {
    const n = this.fields.length;
    let keep: Uint8Array | null = null;
    for (const t of terms) {
      const hits = this.hits(t);
      if (t.negate) for (let i = 0; i < n; i++) hits[i] = 1 - (hits[i] as number);
      if (keep === null) keep = hits;
      else for (let i = 0; i < n; i++) keep[i] = (keep[i] as number) & (hits[i] as number);
    }
    return keep ?? new Uint8Array(n).fill(1);
  }

  /** For each record, 1 when the term (without its negation) holds. */
  private hits({ key, value }: FilterTerm): Uint8Array {
    const { fields } = this;
    const n = fields.length;
    const hits = new Uint8Array(n);
    switch (key) {
      case 'text':
        // A line break (a quoted value from elsewhere than the filter box, which has none) could span two records.
        if (value.includes('\n')) {
          for (let i = 0; i < n; i++) if ((fields[i] as FilterFields).text.includes(value)) hits[i] = 1;
        } else for (let b = 0; b < this.blocks.length; b++) (this.blocks[b] as WordBlock).mark(value, hits, b * BLOCK);
        for (const id of LINES.containing(value)) for (const i of this.carriers[id] ?? []) hits[i] = 1;
        break;
      case 'status':
        // status:4 is every 4xx, status:401 exactly 401.
        for (let i = 0; i < n; i++) if ((fields[i] as FilterFields).status.startsWith(value)) hits[i] = 1;
        break;
      case 'method':
        for (let i = 0; i < n; i++) if ((fields[i] as FilterFields).method === value) hits[i] = 1;
        break;
      default:
        for (let i = 0; i < n; i++) if ((fields[i] as FilterFields)[key].includes(value)) hits[i] = 1;
    }
    return hits;
  }
}
