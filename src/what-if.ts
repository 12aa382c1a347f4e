/**
 * What-if: the captured exchange with the server's answers edited (the response, and the preflight's, of the hop the
 * verdict is about), judged again by the same engine and worded by the same catalog, so the verdict, the explanation
 * and the console message the user sees are the ones the browser would give for those headers. Also the suggested
 * fix as an edit, to see it pass before deploying it. Headers are edited as text, one `Name: value` line each.
 */
import { evaluate } from './cors/engine.ts';
import { explain } from './diagnose.ts';
import { requirementsFor } from './fix/requirements.ts';
import { headerList, methodList, PREFLIGHT_MAX_AGE } from './fix/stacks/common.ts';
import type { Header, HeaderList } from './headers.ts';
import type { CorsErrorCode, Credentials, Diagnosis, Exchange, Hop, ResponseFacts } from './model.ts';

/** One edited message: its status and its header lines, as the user typed them. */
export interface MessageDraft {
  readonly status: string;
  readonly headers: string;
}

export interface WhatIfDraft {
  /** The hop whose answers are edited: the one the verdict is about. */
  readonly hop: number;
  /** The preflight's response; null when no preflight was sent on that hop. */
  readonly preflight: MessageDraft | null;
  /** The response; null when it was never captured (the browser stopped at the preflight) and none was added. */
  readonly response: MessageDraft | null;
}

export interface WhatIfResult {
  readonly diagnosis: Diagnosis;
  /** Lines that could not be read, and were left out ("preflight line 2: ..."). */
  readonly errors: readonly string[];
}

/** A header name: an HTTP token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Header lines as text, one `Name: value` each. A value that was not kept reads as such (the NUL byte redaction
 * keeps, because it makes the response invalid, stays).
 */
export function formatHeaders(headers: HeaderList): string {
  return headers.map((h) => `${h.name}: ${h.redacted && h.value === '' ? '(value not stored)' : h.value}`).join('\n');
}

/**
 * Reads `Name: value` lines. The one space after the colon is the separator (so formatHeaders reads back exactly,
 * padding included, which Chromium's checks strip the way the network stack does); blank lines are skipped; a line
 * without a colon or with a name that is not a token is reported and left out.
 */
export function parseHeaders(text: string, label = 'line'): { headers: Header[]; errors: string[] } {
  const headers: Header[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon).trim();
    if (colon < 0) errors.push(`${label} ${i + 1}: no colon (write Name: value)`);
    else if (!TOKEN.test(name)) errors.push(`${label} ${i + 1}: '${name}' is not a header name`);
    else {
      const rest = line.slice(colon + 1);
      headers.push({ name, value: rest.startsWith(' ') ? rest.slice(1) : rest });
    }
  });
  return { headers, errors };
}

/** An HTTP status from its text: a three-digit number from 100 to 599, or null. */
export function parseStatus(text: string): number | null {
  const status = /^\s*(\d{3})\s*$/.exec(text)?.[1];
  const n = status === undefined ? Number.NaN : Number(status);
  return n >= 100 && n <= 599 ? n : null;
}

const draftOf = (r: ResponseFacts): MessageDraft => ({ status: String(r.status), headers: formatHeaders(r.headers) });

/** The draft as captured: editing nothing judges the exchange exactly as it was judged. */
export function draftFrom(exchange: Exchange, hop: number): WhatIfDraft {
  const h = exchange.hops[hop];
  return {
    hop,
    preflight: h?.preflight ? draftOf(h.preflight.response ?? { status: 204, headers: [] }) : null,
    response: h?.response ? draftOf(h.response) : null,
  };
}

function readMessage(draft: MessageDraft, label: string, errors: string[]): ResponseFacts {
  const status = parseStatus(draft.status);
  if (status === null) errors.push(`${label} status: '${draft.status}' is not an HTTP status (100-599)`);
  const { headers, errors: lineErrors } = parseHeaders(draft.headers, `${label} line`);
  errors.push(...lineErrors);
  return { status: status ?? 200, headers };
}

/** The exchange with the draft's answers in place of the captured ones at the draft's hop. */
export function applyDraft(exchange: Exchange, draft: WhatIfDraft, errors: string[] = []): Exchange {
  const hops = exchange.hops.map((h, i): Hop => {
    if (i !== draft.hop) return h;
    const preflight =
      h.preflight && draft.preflight
        ? { ...h.preflight, response: readMessage(draft.preflight, 'preflight', errors), error: null }
        : h.preflight;
    const response = draft.response ? readMessage(draft.response, 'response', errors) : h.response;
    return { ...h, preflight, response };
  });
  return { ...exchange, hops };
}

/** Judges the edited exchange with the credentials mode of the original judgement, and words it. */
export function runWhatIf(exchange: Exchange, credentials: Credentials, draft: WhatIfDraft): WhatIfResult {
  const errors: string[] = [];
  const edited = applyDraft(exchange, draft, errors);
  const verdict = evaluate(edited, credentials.mode);
  return { diagnosis: explain(edited, { verdict, credentials }), errors };
}

/** Failures no header can fix: the request itself, its scheme or a redirect target has to change. */
const NOT_BY_HEADERS: ReadonlySet<CorsErrorCode> = new Set([
  'RedirectContainsCredentials',
  'CorsDisabledScheme',
  'DisallowedByMode',
  'InvalidResponse',
  'InsecureLocalNetwork',
  'InvalidLocalNetworkAccess',
  'LocalNetworkAccessPermissionDenied',
  'NoCorsRedirectModeNotFollow',
]);

/** Whether response headers can fix a failure with this code. */
export function fixableByHeaders(code: CorsErrorCode): boolean {
  return !NOT_BY_HEADERS.has(code);
}

/** The header lines without the CORS headers and Vary (and Location, for a preflight that must not redirect), then `extra`. */
function replaceCorsHeaders(text: string, extra: readonly string[], dropLocation: boolean): string {
  const kept = text.split(/\r?\n/).filter((line) => {
    const name = line
      .slice(0, Math.max(0, line.indexOf(':')))
      .trim()
      .toLowerCase();
    return line.trim() !== '' && !name.startsWith('access-control-') && name !== 'vary' && !(dropLocation && name === 'location');
  });
  return [...kept, ...extra].join('\n');
}

/**
 * The draft with the suggested fix applied: the headers the fix snippets send (the page's origin by name,
 * credentials when the page sends them, the method and headers the preflight asks for, Vary: Origin), a 204 for
 * the preflight, and, when the response was never captured, a 200 carrying them. Null when headers cannot fix it
 * (see NOT_BY_HEADERS; a redirect that made the origin 'null', which only calling the final URL fixes).
 */
export function suggestedDraft(exchange: Exchange, diagnosis: Diagnosis, draft: WhatIfDraft): WhatIfDraft | null {
  const code = diagnosis.status?.corsError;
  if (!code || !fixableByHeaders(code) || diagnosis.origin === 'null') return null;
  const r = requirementsFor(exchange, diagnosis);
  const common = [
    `Access-Control-Allow-Origin: ${r.origin}`,
    ...(r.credentials ? ['Access-Control-Allow-Credentials: true'] : []),
    'Vary: Origin',
  ];
  const preflightLines = [
    ...common,
    `Access-Control-Allow-Methods: ${methodList(r).join(', ')}`,
    ...(r.headers.length > 0 ? [`Access-Control-Allow-Headers: ${headerList(r).join(', ')}`] : []),
    `Access-Control-Max-Age: ${PREFLIGHT_MAX_AGE}`,
  ];
  const response = draft.response ?? { status: '200', headers: '' };
  return {
    hop: draft.hop,
    preflight: draft.preflight ? { status: '204', headers: replaceCorsHeaders(draft.preflight.headers, preflightLines, true) } : null,
    response: { status: response.status, headers: replaceCorsHeaders(response.headers, common, false) },
  };
}
