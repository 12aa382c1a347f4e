/**
 * The server fix for an audit: the same allowlist snippet every stack generator writes for a failure (fix/stacks),
 * granting exactly the user's own origin, credentials only when the server grants them today, and the method and
 * headers the audited request uses.
 */
import { isSafelistedMethod, normalizeMethod, unsafeRequestHeaders } from '../cors/safelist.ts';
import type { Requirements } from '../fix/requirements.ts';
import type { HeaderList } from '../headers.ts';

export interface AuditedRequest {
  readonly url: string;
  /** The user's own origin: the one the allowlist keeps. */
  readonly origin: string;
  readonly method: string;
  readonly headers: HeaderList;
  /** Whether the server allows credentials today (the fix keeps them for the allowlisted origin only). */
  readonly credentials: boolean;
}

/** What the allowlist fix must grant for the audited request. */
export function auditRequirements(r: AuditedRequest): Requirements {
  const method = normalizeMethod(r.method);
  const headers = unsafeRequestHeaders(r.headers).map((h) => h.name);
  const methods = isSafelistedMethod(method) ? [] : [method];
  return {
    origin: r.origin,
    url: r.url,
    path: new URL(r.url).pathname,
    credentials: r.credentials,
    method,
    methods,
    headers,
    preflight: methods.length > 0 || headers.length > 0,
    code: null,
    problems: method === method.toUpperCase() ? [] : ['lowercase-method'],
  };
}
