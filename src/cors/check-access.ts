/**
 * The CORS check on one response (the actual response, each redirect response, the preflight response), in the
 * order Chromium runs it: services/network/public/cpp/cors/cors.cc, CheckAccessInternal.
 * Fetch standard: https://fetch.spec.whatwg.org/#cors-check
 */
import type { CredentialsMode } from '../model.ts';
import { isValidUrl } from '../origin.ts';

export type AccessError =
  | 'WildcardOriginNotAllowed'
  | 'MissingAllowOriginHeader'
  | 'MultipleAllowOriginValues'
  | 'InvalidAllowOriginValue'
  | 'AllowOriginMismatch'
  | 'InvalidAllowCredentials';

export type AccessResult = { readonly ok: true } | { readonly ok: false; readonly error: AccessError; readonly failedParameter: string };

export interface AccessInput {
  /** Access-Control-Allow-Origin as the network stack sees it: all lines joined with ", ", null when absent. */
  readonly allowOrigin: string | null;
  /** Access-Control-Allow-Credentials, joined the same way. */
  readonly allowCredentials: string | null;
  readonly credentials: CredentialsMode;
  /** The request's serialized origin ("null" when opaque or tainted by a redirect). */
  readonly origin: string;
  /** Whether the response URL is http(s): Chromium only refuses a credentialed wildcard there. */
  readonly httpResponse: boolean;
}

const OK: AccessResult = { ok: true };

export function checkAccess(input: AccessInput): AccessResult {
  const { allowOrigin, credentials } = input;
  if (allowOrigin === '*') {
    // A wildcard never works with credentials, even alongside Access-Control-Allow-Credentials: true.
    if (credentials !== 'include') return OK;
    if (input.httpResponse) return { ok: false, error: 'WildcardOriginNotAllowed', failedParameter: '' };
  } else if (allowOrigin === null) {
    return { ok: false, error: 'MissingAllowOriginHeader', failedParameter: '' };
  } else if (allowOrigin !== input.origin) {
    // Byte comparison with the serialized origin: "null" matches an opaque origin, nothing else is normalised.
    if (/[ ,]/.test(allowOrigin)) return { ok: false, error: 'MultipleAllowOriginValues', failedParameter: allowOrigin };
    if (allowOrigin === 'null') return { ok: false, error: 'AllowOriginMismatch', failedParameter: allowOrigin };
    if (!isValidUrl(allowOrigin)) return { ok: false, error: 'InvalidAllowOriginValue', failedParameter: allowOrigin };
    return { ok: false, error: 'AllowOriginMismatch', failedParameter: allowOrigin };
  }
  // Case-sensitive: "TRUE" and "True" fail. https://fetch.spec.whatwg.org/#http-access-control-allow-credentials
  if (credentials === 'include' && input.allowCredentials !== 'true') {
    return { ok: false, error: 'InvalidAllowCredentials', failedParameter: input.allowCredentials ?? '' };
  }
  return OK;
}
