/**
 * The list's filter, like the Network panel's: words match anywhere (titles, codes, status, method, URL, header names
 * and values), `code:`, `status:`, `method:`, `host:` and `kind:` match one field, a leading `-` negates, quotes keep
 * spaces together, and every term must hold. Parsed once per keystroke; the search reads fields built once per record,
 * through the log's FilterIndex.
 */

export interface FilterFields {
  /** The record's own words (method, URL), lower-cased, one per line. */
  readonly text: string;
  /**
   * Its lines in the shared LINES book, lower-cased: one of its verdict's words (title, code, status, kind, one per
   * line; the same for every record with that verdict), then its header lines (`name: value`).
   */
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
  // A quote ends at a line break too (the filter box has none): no value holds one, so no search spans two words.
  for (const m of input.matchAll(/(-?)(?:([a-z]+):)?(?:"([^"\n]*)"?|(\S*))/gi)) {
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
 * Every distinct line of the log (verdict words, header lines), once. Requests to one API repeat the same lines
 * thousands of times: a keystroke then scans each distinct line once, not every record's copy (10,000 records, about
 * 50 distinct lines).
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
 * A block of a log's records: their own words in one string, a line break before each record's words and one at the
 * end, so a word search runs natively over the block (a value without a line break never spans two records); and for
 * each line of the book (verdict words, header lines), the records of the block that carry it.
 */
class Block {
  private readonly text: string;
  /** Where each record's line break is; the last entry is the final one. */
  private readonly starts: Int32Array;
  private readonly carriers = new Map<number, number[]>();

  constructor(readonly fields: readonly FilterFields[]) {
    this.starts = new Int32Array(fields.length + 1);
    let at = 0;
    fields.forEach((f, i) => {
      this.starts[i] = at;
      at += f.text.length + 1;
      for (const id of f.lines) {
        const list = this.carriers.get(id);
        if (!list) this.carriers.set(id, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    });
    this.starts[fields.length] = at;
    // One join makes a flat string (a template literal would make a rope, flattened by the first search: a keystroke).
    this.text = ['', ...fields.map((f) => f.text), ''].join('\n');
  }

  /** Whether the block holds the same records (the same fields objects) as fields[first...], as far as BLOCK. */
  holds(fields: readonly FilterFields[], first: number): boolean {
    if (this.fields.length !== Math.min(BLOCK, fields.length - first)) return false;
    return this.fields.every((f, i) => f === fields[first + i]);
  }

  /** Sets hits[first + i] for each record i of the block whose words hold `value` (not empty, no line break). */
  markWords(value: string, hits: Uint8Array, first: number): void {
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

  /** Sets hits[first + i] for each record i of the block that carries one of these lines. */
  markLines(lines: ReadonlySet<number>, hits: Uint8Array, first: number): void {
    for (const id of lines) for (const i of this.carriers.get(id) ?? []) hits[first + i] = 1;
  }
}

/**
 * A log's filter fields, searched as a whole: a keystroke searches the records' words a block at a time, the
 * distinct lines once (then the records of each block that carry them), and the one-field prefixes in one
 * tight loop each. Built again for each new state of the log, it keeps the blocks of the previous state whose records
 * did not change (a log grows at its end).
 */
export class FilterIndex {
  private readonly blocks: Block[] = [];

  constructor(
    private readonly fields: readonly FilterFields[],
    previous: FilterIndex | null = null,
  ) {
    for (let first = 0; first < fields.length; first += BLOCK) {
      const kept = previous?.blocks[first / BLOCK];
      this.blocks.push(kept?.holds(fields, first) ? kept : new Block(fields.slice(first, first + BLOCK)));
    }
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
      case 'text': {
        for (const [b, block] of this.blocks.entries()) block.markWords(value, hits, b * BLOCK);
        const lines = LINES.containing(value);
        if (lines.size > 0) for (const [b, block] of this.blocks.entries()) block.markLines(lines, hits, b * BLOCK);
        break;
      }
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
