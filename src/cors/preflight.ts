/**
 * The preflight checks after the CORS check passed on the preflight response, in Chromium's order
 * (services/network/cors/preflight_controller.cc, preflight_result.cc): HTTP ok status, then parsing
 * Access-Control-Allow-Methods and -Headers, then the method, then the headers.
 * Fetch standard: https://fetch.spec.whatwg.org/#cors-preflight-fetch
 */
import type { CredentialsMode } from '../model.ts';
import { isSafelistedMethod } from './safelist.ts';

/** RFC 9110 token characters. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export type AllowList = { readonly ok: true; readonly items: readonly string[] } | { readonly ok: false; readonly badToken: string };

/**
 * Parses a comma-separated token list the way Chromium's ParseAccessControlAllowList does: items are trimmed of
 * HTTP whitespace, empty items are skipped, and any item that is not a token makes the whole header unparsable.
 */
export function parseAllowList(value: string | null): AllowList {
  if (value === null) return { ok: true, items: [] };
  const items: string[] = [];
  for (const raw of value.split(',')) {
    const item = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    if (item === '') continue;
    if (!TOKEN.test(item)) return { ok: false, badToken: item };
    items.push(item);
  }
  return { ok: true, items };
}

/**
 * Whether a method is allowed by a parsed Access-Control-Allow-Methods list: an exact, case-sensitive match of the
 * method as sent (Chromium's spec-conformant mode, on by default: `patch` needs `patch`), a safelisted method, or `*`
 * when the request is not credentialed.
 */
export function methodAllowed(method: string, allowed: readonly string[], credentials: CredentialsMode): boolean {
  if (allowed.includes(method) || isSafelistedMethod(method.toUpperCase())) return true;
  return credentials !== 'include' && allowed.includes('*');
}

/**
 * The first request header the allowed list does not cover, or null. Names compare case-insensitively. Without
 * credentials `*` covers every name, Authorization included: Chromium still allows that (its
 * CorsNonWildcardRequestHeadersSupport feature is off by default) although the Fetch standard and Firefox do not,
 * so the diagnosis warns about it. With credentials `*` is a literal name.
 */
export function firstDisallowedHeader(
  requested: readonly string[],
  allowed: readonly string[],
  credentials: CredentialsMode,
): string | null {
  const set = new Set(allowed.map((a) => a.toLowerCase()));
  if (credentials !== 'include' && set.has('*')) return null;
  for (const name of requested) {
    const lower = name.toLowerCase();
    if (!set.has(lower)) return lower;
  }
  return null;
}

export function isOkStatus(status: number): boolean {
  return status >= 200 && status <= 299;
}

export function isRedirectStatus(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}
