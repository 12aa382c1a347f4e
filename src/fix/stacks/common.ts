/**
 * What every stack's generator shares: the fix's shape, the lists it fills in from Requirements, the notes that point
 * at the part of the setup that is actually wrong, and one quoting function per snippet language: every value that
 * comes from the request (origin, path, method, header names) goes through one, never into a snippet raw. Facts per
 * stack: the sources named in each generator's module; how each snippet is proven on its real server: README, "Fix
 * snippets, proven on real servers".
 */
import type { Problem, Requirements } from '../requirements.ts';

export type StackId =
  | 'headers'
  | 'express'
  | 'fastify'
  | 'koa'
  | 'hono'
  | 'nginx'
  | 'apache'
  | 'caddy'
  | 'django'
  | 'flask'
  | 'fastapi'
  | 'spring'
  | 'aspnet'
  | 'go'
  | 'rails'
  | 'cloudflare'
  | 'apigateway'
  | 's3';

/** Language for display (and the kind of file a user pastes the snippet into). */
export type SnippetLanguage =
  | 'http'
  | 'javascript'
  | 'typescript'
  | 'python'
  | 'java'
  | 'csharp'
  | 'go'
  | 'ruby'
  | 'nginx'
  | 'apache'
  | 'caddyfile'
  | 'json';

export interface ServerFix {
  readonly stack: StackId;
  readonly label: string;
  readonly language: SnippetLanguage;
  /** Where the snippet goes. */
  readonly where: string;
  readonly code: string;
  /** Traps specific to this stack and this failure. */
  readonly notes: readonly string[];
}

export interface Stack {
  readonly label: string;
  readonly language: SnippetLanguage;
  readonly generate: (r: Requirements) => ServerFix;
}

export const PREFLIGHT_MAX_AGE = 600;

/**
 * Methods to allow: the safelisted ones servers usually serve, plus what the request needs. `upper` is for stacks
 * that cannot allow a method in any case but upper case (their parser or library upper-cases it); their notes say
 * so, and the page fix sends it in upper case.
 */
export function methodList(r: Requirements, options: { upper?: boolean } = {}): string[] {
  const needed = options.upper ? r.methods.map((m) => m.toUpperCase()) : r.methods;
  return [...new Set(['GET', 'HEAD', 'POST', ...needed])];
}

/** Header names as servers usually write them (Content-Type), keeping unknown names as sent. */
export function headerList(r: Requirements): string[] {
  return r.headers.map((h) => (h === 'content-type' ? 'Content-Type' : h === 'authorization' ? 'Authorization' : h));
}

/**
 * A double-quoted string literal valid in JavaScript, TypeScript, JSON, Python, Java and C#: JSON's escapes (\\, \",
 * \n, \uXXXX for other control characters and lone surrogates) mean the same in each, and Java's early \uXXXX
 * translation never meets a quote or a line break because JSON writes those with short escapes.
 */
export const q = (s: string): string => JSON.stringify(s);

/** A list of double-quoted literals, comma-separated, without brackets. */
export const qs = (items: readonly string[]): string => items.map(q).join(', ');

/** A single-quoted JavaScript literal (line terminators escaped: they may not appear raw in one). */
export const sq = (s: string): string =>
  `'${s.replace(/[\\'\n\r\u2028\u2029]/g, (c) => (c === '\\' || c === "'" ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}'`;

export const sqs = (items: readonly string[]): string => items.map(sq).join(', ');

/** A single-quoted Ruby literal: only \\ and \' are escapes there, every other character stands for itself. */
export const rubyString = (s: string): string => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/**
 * A Go interpreted string literal: printable ASCII as is (with \\ and \" escaped), every other byte of the UTF-8
 * encoding as \xNN (Go rejects JSON's \uXXXX for a lone surrogate).
 */
export function goString(s: string): string {
  let out = '"';
  for (const byte of utf8(s)) {
    const c = String.fromCharCode(byte);
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (byte >= 0x20 && byte < 0x7f) out += c;
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** UTF-8 bytes of a string, a lone surrogate as U+FFFD (the core has no TextEncoder type). */
function utf8(s: string): number[] {
  const bytes: number[] = [];
  for (const ch of s) {
    let cp = ch.codePointAt(0) ?? 0xfffd;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return bytes;
}

/** The method the request uses that is not safelisted, as the page sent it ('' when there is none). */
export const neededMethod = (r: Requirements): string => r.methods[0] ?? '';

export const GENERIC_NOTES: Record<Problem, (r: Requirements) => string> = {
  'duplicate-header': () =>
    'Only one layer may send Access-Control-Allow-Origin. If both the application and a proxy or CDN add it, remove it from one of them.',
  'error-without-headers': () =>
    'The headers must be on error responses (4xx/5xx) too, or the browser hides the real error behind a CORS error.',
  'options-rejected': () =>
    'OPTIONS must be answered with 2xx before authentication or CSRF checks run: preflights never carry cookies or tokens.',
  redirect: () =>
    'Headers cannot fix this redirect: the browser will not follow it. Point the page at the final URL (scheme, host and trailing slash exactly as served).',
  'lowercase-method': (r) =>
    `fetch sends '${neededMethod(r)}' exactly as the page wrote it, and the browser compares it case-sensitively with Access-Control-Allow-Methods. Prefer changing the page to '${neededMethod(r).toUpperCase()}'; until then the server must accept and allow '${neededMethod(r)}' in the same case.`,
};

/** Notes for the problems at hand: the stack's own wording where it has one, the generic one otherwise. */
export function problemNotes(r: Requirements, stackNotes: Partial<Record<Problem, string>> = {}): string[] {
  return r.problems.map((p) => stackNotes[p] ?? GENERIC_NOTES[p](r));
}

/**
 * The lower-case method note for stacks that cannot serve it as sent: why, and that the page must change (the
 * snippet already allows the upper-case name the page will send then).
 */
export function uppercaseOnly(r: Requirements, why: string): string {
  const m = neededMethod(r);
  return `${why}, so '${m}' cannot be allowed as the page sends it. Change the page to method '${m.toUpperCase()}' (see the page fix); the snippet already allows ${m.toUpperCase()}.`;
}

/** JSON with one key per line and lists of plain values kept on one line, as people write CORS configurations. */
export function json(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    return `[\n${value.map((v) => `${inner}${json(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${json(v, inner)}`);
    return `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** Lines joined, dropping the ones a condition turned into null. */
export function lines(...items: (string | null | false | undefined)[]): string {
  return items.filter((l): l is string => typeof l === 'string').join('\n');
}
