/**
 * The captured request as commands to replay it: cURL for the preflight and the request, paired and with the page's
 * Origin, and fetch() for the page's console. Built only from the stored record (secrets were never stored: such
 * headers are named in a comment, never given a value). Values are quoted for their language, and control and
 * bidirectional characters are written as escapes, so a pasted command is exactly what was captured and reads so.
 */
import { isAuthorHeaderName } from '../cors/safelist.ts';
import { type Header, type HeaderList, hasHeader } from '../headers.ts';
import type { Exchange, Hop } from '../model.ts';
import { hasHidden, markerOf, replaceHidden } from './visible-text.ts';

/** Shown where a value was withheld at capture, or never seen (a request the browser did not send). */
export const NOT_STORED = '<value not stored>';
export const NOT_CAPTURED = '<value not captured>';

/** A POSIX shell word: single quotes, or bash's $'...' with escapes when the value holds hidden characters. */
export function shellQuote(value: string): string {
  if (!hasHidden(value)) return `'${value.replaceAll("'", `'\\''`)}'`;
  return `$'${replaceHidden(
    value.replace(/[\\']/g, (ch) => `\\${ch}`),
    markerOf,
  )}'`;
}

/** A JavaScript string literal, with hidden characters (U+2028 and bidi controls too) as \u escapes. */
export function jsString(value: string): string {
  return replaceHidden(JSON.stringify(value), markerOf);
}

/** Headers curl writes itself, or that only describe the connection. */
const CURL_OWN = new Set(['host', 'content-length', 'connection', 'accept-encoding']);

function curlCommand(method: string, url: string, origin: string, headers: HeaderList, unknownValues: boolean): string {
  const lines: string[] = [
    `curl -i ${method === 'GET' ? '' : method === 'HEAD' ? '--head ' : `-X ${shellQuote(method)} `}${shellQuote(url)}`,
  ];
  const add = (h: Header) => lines.push(`-H ${shellQuote(`${h.name}: ${h.value}`)}`);
  if (!hasHeader(headers, 'origin')) add({ name: 'Origin', value: origin });
  let withheld = false;
  for (const h of headers) {
    if (CURL_OWN.has(h.name.toLowerCase())) continue;
    withheld ||= h.redacted === true;
    add({ name: h.name, value: h.redacted ? NOT_STORED : h.value === '' && unknownValues ? NOT_CAPTURED : h.value });
  }
  const note = withheld ? [`# ${NOT_STORED}: only the header's name was kept; put your own value there.`] : [];
  return [...note, lines.join(' \\\n  ')].join('\n');
}

/** The hop's Origin: what the browser sent there, or the page's origin. */
function originAt(exchange: Exchange, hop: Hop): string {
  return hop.originSent ?? exchange.request.origin;
}

/**
 * cURL commands for one hop (the one the verdict is about): the preflight the browser sent, then the request, each
 * with the Origin the browser sent. `-i` prints the answers' headers, where the CORS headers are read: curl itself
 * never enforces CORS.
 */
export function curlCommands(exchange: Exchange, hopIndex = 0): string {
  const hop = exchange.hops[hopIndex] ?? exchange.hops[0];
  if (!hop) return '';
  const origin = originAt(exchange, hop);
  const { request } = exchange;
  const out = [
    `# The browser's requests to ${hop.url}, from a page on ${origin}.`,
    '# curl does not enforce CORS: compare the Access-Control-* headers of each answer with what the panel needs.',
  ];
  if (hop.preflight) {
    out.push('', '# 1. The preflight (OPTIONS)', curlCommand('OPTIONS', hop.url, origin, hop.preflight.requestHeaders, false));
  }
  const sent = hop.requestHeaders !== null;
  out.push(
    '',
    hop.preflight
      ? `# 2. The request itself${sent ? '' : ' (the browser did not send it: the preflight failed; values it never sent are placeholders)'}`
      : '# The request',
  );
  if (request.method !== 'GET' && request.method !== 'HEAD') out.push("# Its body is not captured: add --data '...' to send one.");
  out.push(curlCommand(request.method, hop.url, origin, hop.requestHeaders ?? request.headers, !sent));
  return out.join('\n');
}

/** fetch() for the page's console: the same method, credentials and the headers the page set (the browser adds the rest). */
export function fetchSnippet(exchange: Exchange): string {
  const { request } = exchange;
  const sentHeaders = exchange.hops[0]?.requestHeaders;
  const own = request.headers.filter((h) => isAuthorHeaderName(h.name));
  const headerLines = own.map((h) => {
    const value = h.redacted ? NOT_STORED : h.value === '' && !sentHeaders ? NOT_CAPTURED : h.value;
    return `    ${jsString(h.name)}: ${jsString(value)},${h.redacted ? ' // not stored: put yours here' : ''}`;
  });
  const options = [
    ...(request.method === 'GET' ? [] : [`  method: ${jsString(request.method)},`]),
    ...(request.credentials.mode === 'include' ? ["  credentials: 'include',"] : []),
    ...(headerLines.length > 0 ? ['  headers: {', ...headerLines, '  },'] : []),
  ];
  return [
    `// Run in the DevTools console of a page on ${request.origin}: the browser adds Origin and the preflight itself.`,
    options.length === 0 ? `await fetch(${jsString(request.url)});` : `await fetch(${jsString(request.url)}, {\n${options.join('\n')}\n});`,
  ].join('\n');
}
