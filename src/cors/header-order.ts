/**
 * The order in which Chromium checks request headers against Access-Control-Allow-Headers, which decides the
 * failedParameter of HeaderDisallowedByPreflightResponse when several headers are missing.
 *
 * The network service walks the request's header vector (services/network/cors/cors_util.cc,
 * CorsUnsafeNotForbiddenRequestHeaderNames) and reports the first name the preflight did not allow. That vector is
 * Blink's HTTPHeaderMap copied in iteration order (PopulateResourceRequest), and HTTPHeaderMap is a WTF HashMap keyed
 * with CaseFoldingHashTraits: its order is hash-table slot order. Neither alphabetical (Access-Control-Request-Headers
 * is sorted) nor the page's order. Emulated here exactly: rapidhash over the case-folded UTF-16 name
 * (third_party/rapidhash, wtf/text/case_folding_hash.h, MaskTop8Bits), WTF HashTable open addressing (triangular
 * probing, 8 slots at least, doubled when half full, rehashed in slot order). With the page's headers inserted in
 * fetch's sorted order and Blink's own headers after them, this reproduces every request header order Chromium 156
 * reported over CDP in the conformance corpus (test-support/conformance/corpus.json), and every failedParameter.
 */
import type { HeaderList } from '../headers.ts';
import { potentiallyTrustworthy } from '../origin.ts';
import { isAuthorHeaderName } from './safelist.ts';

const MASK64 = (1n << 64n) - 1n;
const RAPID_SEED = 0xbdd89aa982704029n;
const RAPID_SECRET = [0x2d358dccaa6c78a5n, 0x8bb84b93962eacc9n, 0x4b33a62ed433d4a3n] as const;
const [S0, S1, S2] = RAPID_SECRET;

/** 64x64 -> 128-bit multiply, as [low, high]. */
function mul128(a: bigint, b: bigint): [bigint, bigint] {
  const r = a * b;
  return [r & MASK64, r >> 64n];
}

function mix(a: bigint, b: bigint): bigint {
  const [lo, hi] = mul128(a, b);
  return lo ^ hi;
}

function read32(p: Uint8Array, at: number): bigint {
  return BigInt(((p[at] ?? 0) | ((p[at + 1] ?? 0) << 8) | ((p[at + 2] ?? 0) << 16)) + (p[at + 3] ?? 0) * 0x1000000);
}

function read64(p: Uint8Array, at: number): bigint {
  return read32(p, at) | (read32(p, at + 4) << 32n);
}

/**
 * rapidhash of the bytes a hash reader produces. `small` is the reader's ReadSmall result for inputs of 1 to 3
 * bytes (CaseFoldingHashReader only ever sees 2: one UTF-16 code unit, returned as is).
 */
function rapidhash(p: Uint8Array, small: bigint): bigint {
  const len = p.length;
  let seed = RAPID_SEED ^ mix(RAPID_SEED ^ S0, S1) ^ BigInt(len);
  let a: bigint;
  let b: bigint;
  if (len <= 16) {
    if (len >= 4) {
      const last = len - 4;
      a = (read32(p, 0) << 32n) | read32(p, last);
      const delta = (len & 24) >> (len >> 3);
      b = (read32(p, delta) << 32n) | read32(p, last - delta);
    } else if (len > 0) {
      a = small;
      b = 0n;
    } else {
      a = 0n;
      b = 0n;
    }
  } else {
    let i = len;
    let at = 0;
    if (i > 48) {
      let see1 = seed;
      let see2 = seed;
      do {
        seed = mix(read64(p, at) ^ S0, read64(p, at + 8) ^ seed);
        see1 = mix(read64(p, at + 16) ^ S1, read64(p, at + 24) ^ see1);
        see2 = mix(read64(p, at + 32) ^ S2, read64(p, at + 40) ^ see2);
        at += 48;
        i -= 48;
      } while (i >= 48);
      seed ^= see1 ^ see2;
    }
    if (i > 16) {
      seed = mix(read64(p, at) ^ S2, read64(p, at + 8) ^ seed ^ S1);
      if (i > 32) seed = mix(read64(p, at + 16) ^ S2, read64(p, at + 24) ^ seed);
    }
    a = read64(p, at + i - 16);
    b = read64(p, at + i - 8);
  }
  [a, b] = mul128(a ^ S1, b ^ seed);
  return mix(a ^ S0 ^ BigInt(len), b ^ S1);
}

/**
 * WTF::CaseFoldingHash of a header name: the name case-folded and widened to UTF-16 (CaseFoldingHashReader), hashed
 * with rapidhash, masked to 24 bits (StringHasher::MaskTop8Bits, which never returns 0). Header names are ASCII
 * tokens, for which case folding is lower-casing.
 */
export function caseFoldingHash(name: string): number {
  const folded = name.toLowerCase();
  const bytes = new Uint8Array(folded.length * 2);
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    bytes[2 * i] = c & 0xff;
    bytes[2 * i + 1] = c >> 8;
  }
  const hash = Number(rapidhash(bytes, BigInt(folded.charCodeAt(0) || 0)) & 0xffffffn);
  return hash === 0 ? 0x800000 : hash;
}

/** HashTraits<T>::kMinimumTableSize. */
const MIN_TABLE_SIZE = 8;

function place(table: (string | undefined)[], name: string): void {
  const mask = table.length - 1;
  let i = caseFoldingHash(name) & mask;
  for (let probe = 1; table[i] !== undefined; probe++) i = (i + probe) & mask;
  table[i] = name;
}

/**
 * The iteration order of a WTF HashMap keyed case-insensitively after inserting `names` in this order
 * (wtf/hash_table.h: insert, Expand when (keys + deleted) * kMaxLoad(2) >= size, Rehash in old slot order).
 */
export function hashMapOrder(names: readonly string[]): string[] {
  let table: (string | undefined)[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    const lower = name.toLowerCase();
    if (seen.has(lower)) continue;
    seen.add(lower);
    if (table.length === 0) table = new Array(MIN_TABLE_SIZE).fill(undefined);
    place(table, lower);
    if (seen.size * 2 >= table.length) {
      const old = table;
      table = new Array(old.length * 2).fill(undefined);
      for (const n of old) if (n !== undefined) place(table, n);
    }
  }
  return table.filter((n): n is string => n !== undefined);
}

/**
 * Headers Blink puts in a fetch or XHR request's header map itself, after the page's: the low-entropy client hints
 * (for potentially trustworthy URLs only: recorded, m-insecure-page-*) and User-Agent. Referer is not among them:
 * Blink keeps the referrer apart and //net adds the header (DevTools shows it in the map, the wire order shows it is
 * not). Their relative order is one of the few the recorded wire orders allow.
 */
const BLINK_ADDED = ['sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform', 'user-agent'];

export interface HeaderMapInput {
  /** The request's headers as far as known: Blink's own list, the wire list, or names rebuilt from the preflight. */
  readonly requestHeaders: HeaderList;
  /** The names Access-Control-Request-Headers listed. */
  readonly requested: readonly string[];
  /** The request's URL: whether Blink added client hints, when the request's own list does not tell. */
  readonly url: string;
}

/** The names in Blink's header map for a request, lower-cased, in its iteration order: the network service's order. */
export function blinkHeaderOrder(input: HeaderMapInput): string[] {
  const names = new Set(input.requestHeaders.map((h) => h.name.toLowerCase()));
  // fetch keeps the page's headers sorted by lower-cased name (FetchHeaderList) and copies them in that order.
  const author = [...new Set([...[...names].filter(isAuthorHeaderName), ...input.requested.map((n) => n.toLowerCase())])].sort();
  // Only the names of Access-Control-Request-Headers are known when the request never reached the network: then
  // Blink's additions are the ones it always makes.
  const known = names.has('user-agent');
  const added = BLINK_ADDED.filter((n) => (known ? names.has(n) : n === 'user-agent' || potentiallyTrustworthy(input.url)));
  return hashMapOrder([...author, ...added]);
}

/** Request header names in the order Chromium checks them: Blink's header-map order, unknown names last. */
export function inCheckOrder(requested: readonly string[], order: readonly string[]): string[] {
  const rank = (name: string) => {
    const i = order.indexOf(name.toLowerCase());
    return i < 0 ? order.length : i;
  };
  return requested
    .map((name, i) => ({ name, i, r: rank(name) }))
    .sort((x, y) => x.r - y.r || x.i - y.i)
    .map((x) => x.name);
}
