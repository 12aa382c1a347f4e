/**
 * A Markdown report of one failure, ready for an issue tracker: the request, the browser's verdict and console
 * message, the explanation, the headers at fault, the fix for the chosen stack, and the captured headers. Built only
 * from the stored record and its diagnosis. Every captured value is written with hidden characters made visible, so
 * a right-to-left override cannot reverse the report in the tracker that renders it.
 */

import type { ServerFix } from '../fix/index.ts';
import type { HeaderList } from '../headers.ts';
import type { Diagnosis, Exchange } from '../model.ts';
import { visibleText } from './visible-text.ts';

/** Inline code that survives backticks in the value. */
export function inlineCode(value: string): string {
  const text = visibleText(value);
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced block that no line of the code can close early. */
export function codeBlock(code: string, language = ''): string {
  const text = code.split(/\r?\n/).map(visibleText).join('\n');
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/** A table cell: visible characters, no pipe or line break to break the row. */
function cell(value: string): string {
  return visibleText(value).replaceAll('\\', '\\\\').replaceAll('|', '\\|');
}

const WHERE: Record<Diagnosis['headers'][number]['where'], string> = {
  request: 'request',
  'preflight-request': 'preflight request',
  'preflight-response': 'preflight response',
  'redirect-response': 'redirect response',
  response: 'response',
};

const STATE: Record<Diagnosis['headers'][number]['state'], string> = {
  fault: '✗ at fault',
  ok: '✓ OK',
  browser: 'sent by the browser',
  advice: 'recommended',
};

function headerBlock(title: string, headers: HeaderList | null | undefined): string[] {
  if (!headers) return [];
  const text = headers.map((h) => `${h.name}: ${h.redacted && h.value === '' ? '(value not stored)' : h.value}`).join('\n');
  return [`**${title}**`, '', codeBlock(text, 'http'), ''];
}

export interface ReportInput {
  readonly exchange: Exchange;
  readonly diagnosis: Diagnosis;
  /** The fix for the stack the user chose, if the failure has one. */
  readonly fix: ServerFix | null;
  /** When the failure happened (ms since the epoch). */
  readonly time: number;
  /** Product and version, for the footer. */
  readonly generator: string;
}

export function markdownReport({ exchange, diagnosis: d, fix, time, generator }: ReportInput): string {
  const { request } = exchange;
  const out: string[] = [`## CORS: ${visibleText(d.title)}`, ''];
  out.push(
    `- **Request:** ${inlineCode(`${request.method} ${request.url}`)} from ${inlineCode(request.origin)}, credentials ${inlineCode(d.credentials.mode)}`,
  );
  if (d.status) {
    out.push(
      `- **Chromium:** ${inlineCode(d.status.corsError)}${d.status.failedParameter ? ` (failedParameter ${inlineCode(d.status.failedParameter)})` : ''}`,
    );
  }
  if (d.firefox) out.push(`- **Firefox:** ${visibleText(d.firefox.text)} ([MDN](${d.firefox.mdnUrl}))`);
  out.push(`- **When:** ${new Date(time).toISOString()}`, '');
  if (d.consoleMessage) out.push('**Console message**', '', codeBlock(d.consoleMessage), '');
  out.push('### Why', '', visibleText(d.explanation), '');
  if (d.rule) out.push(visibleText(d.rule), '');
  if (d.headers.length > 0) {
    out.push('### Headers', '', '| Header | In | Received | Needed | |', '| --- | --- | --- | --- | --- |');
    for (const h of d.headers) {
      const received = h.received.length === 0 ? '(absent)' : h.received.map((v) => (v === '' ? '(empty)' : v)).join(' / ');
      out.push(`| ${cell(h.name)} | ${WHERE[h.where]} | ${cell(received)} | ${cell(h.needed)} | ${STATE[h.state]} |`);
    }
    out.push('');
  }
  const notes = [...d.notes, ...d.warnings];
  if (notes.length > 0) out.push(...notes.map((n) => `- ${visibleText(n.text)}`), '');
  if (fix) {
    out.push(`### Fix (${fix.label})`, '', visibleText(fix.where), '', codeBlock(fix.code, fix.language), '');
    if (fix.notes.length > 0) out.push(...fix.notes.map((n) => `- ${visibleText(n)}`), '');
  }
  out.push('<details><summary>Captured headers</summary>', '');
  exchange.hops.forEach((hop, i) => {
    const at = exchange.hops.length > 1 ? ` (hop ${i + 1}: ${visibleText(hop.url)})` : '';
    if (hop.preflight) {
      out.push(...headerBlock(`Preflight request${at}`, hop.preflight.requestHeaders));
      if (hop.preflight.response)
        out.push(...headerBlock(`Preflight response, HTTP ${hop.preflight.response.status}`, hop.preflight.response.headers));
    }
    out.push(...headerBlock(`Request${at}`, hop.requestHeaders));
    if (hop.response) out.push(...headerBlock(`Response, HTTP ${hop.response.status}`, hop.response.headers));
  });
  out.push(
    '</details>',
    '',
    `_Reported by ${generator}. Only the header values a CORS diagnosis reads were kept (the others by name only), and secrets in URLs were redacted._`,
  );
  return out.join('\n');
}
