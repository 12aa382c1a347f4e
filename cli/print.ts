/**
 * The human-readable reports: the verdict first, then why, the headers at fault, the fix. Every value that came from
 * a server or the command line goes through safe() (text.ts) before any colour is added.
 */
import type { AuditFinding, ServerFix } from '../src/index.ts';
import type { AuditReport } from './audit.ts';
import type { CheckReport, WireStep } from './check.ts';
import { indent, type Style, safe, safeLine, wrap } from './text.ts';

function stepLine(s: WireStep, st: Style): string {
  const answer = s.error !== null ? st.red(s.error) : String(s.status);
  const kind = s.kind === 'preflight' ? 'preflight' : 'request';
  return `  ${st.dim(kind.padEnd(9))} ${safeLine(s.method)} ${safeLine(s.url)} -> ${answer} ${st.dim(`(${s.ms} ms)`)}`;
}

function fixBlock(fix: ServerFix, st: Style, heading: string): string[] {
  return [
    st.bold(heading),
    wrap(safe(fix.where), '  '),
    '',
    indent(safe(fix.code), '    '),
    '',
    ...fix.notes.map((n) => wrap(`- ${safe(n)}`, '  ', '    ')),
  ];
}

function findingBlock(f: AuditFinding, st: Style): string[] {
  const tag = f.severity === 'high' ? st.red('HIGH  ') : f.severity === 'medium' ? st.yellow('MEDIUM') : st.dim('LOW   ');
  return [
    `  ${tag} ${st.bold(safe(f.title))}`,
    wrap(safe(f.evidence), '         '),
    wrap(`Risk: ${safe(f.risk)}`, '         '),
    wrap(`Fix: ${safe(f.fix)}`, '         '),
  ];
}

/** The report of `check`, for people. */
export function printCheck(r: CheckReport, st: Style, detail: string | null): string {
  const d = r.diagnosis;
  const out: string[] = [];
  const creds = r.request.credentials === 'include' ? 'with credentials' : 'without credentials';
  out.push(`${safeLine(r.request.method)} ${safeLine(r.request.url)} from ${safeLine(r.request.origin)} (${r.request.api}, ${creds})`);
  out.push(...r.steps.map((s) => stepLine(s, st)));
  out.push('');
  if (r.outcome === 'refused') {
    const parameter = r.failedParameter ? ` (${safeLine(r.failedParameter)})` : '';
    out.push(`${st.red(st.bold('BLOCKED'))} ${st.bold(r.corsError ?? '')}${parameter}: a browser refuses this request`);
    out.push(wrap(`Chromium: ${safe(d.consoleMessage)}`, '  ', '    '));
    if (d.firefox) out.push(wrap(`Firefox: ${safe(d.firefox.text)} (${d.firefox.mdnUrl})`, '  ', '    '));
  } else if (r.outcome === 'network-error') {
    out.push(`${st.red(st.bold('NETWORK ERROR'))} ${r.networkError ?? ''}${detail ? `: ${safeLine(detail)}` : ''}`);
  } else {
    out.push(`${st.green(st.bold('ALLOWED'))} a browser lets the page read this response`);
  }
  out.push('', st.bold(safe(d.title)));
  if (d.explanation) out.push(wrap(safe(d.explanation), '  '));
  if (d.rule) out.push('', wrap(`The CORS rule: ${safe(d.rule)}`, '  '));
  if (d.headers.length > 0) {
    out.push('', st.bold('Headers at fault'));
    for (const h of d.headers) {
      const received = h.received.length ? h.received.map((v) => JSON.stringify(v)).join(', ') : '(absent)';
      out.push(
        `  ${safe(h.name)} (${h.where})`,
        `    received: ${safe(received)}`,
        wrap(`needed:   ${safe(h.needed)}`, '    ', '              '),
      );
    }
  }
  for (const n of d.notes) out.push('', wrap(`Note: ${safe(n.text)}`, '  ', '    '));
  for (const w of d.warnings) out.push('', wrap(`Warning: ${safe(w.text)}`, '  ', '    ').replace('Warning:', st.yellow('Warning:')));
  if (r.security.length > 0) {
    out.push('', st.bold('Security: what this answer already shows'));
    for (const f of r.security) out.push(...findingBlock(f, st));
  }
  if (r.fix) out.push('', ...fixBlock(r.fix, st, `Fix on the server: ${r.fix.label} (--stack to choose another)`));
  if (r.clientFixes.length > 0) {
    out.push('', st.bold('Or on the page'));
    for (const c of r.clientFixes) out.push(wrap(`- ${safe(c.label)}: ${safe(c.when)}`, '  ', '    '));
  }
  return `${out.join('\n')}\n`;
}

/** The report of `audit`, for people. */
export function printAudit(r: AuditReport, st: Style, detail: string | null): string {
  const out: string[] = [];
  out.push(`Audit of ${safeLine(r.request.url)} for ${safeLine(r.request.origin)}`);
  for (const p of r.probes) {
    const verdict = p.readableWithCredentials
      ? 'readable with credentials'
      : p.readable
        ? 'readable'
        : p.allowOrigin === '*'
          ? "readable by anyone ('*'), without credentials"
          : 'refused';
    const mark = p.kind === 'own-origin' ? st.green : p.readable ? st.red : st.dim;
    const where = p.stage === 'preflight' ? 'preflight' : `${p.status}`.padEnd(9);
    out.push(`  ${p.label.padEnd(26)} ${safeLine(p.origin).padEnd(44)} ${where} ${mark(verdict)}`);
    if (p.location) out.push(st.dim(`      redirects to ${safeLine(p.location)}: audit that URL too`));
  }
  for (const s of r.skipped) out.push(st.dim(`  (${s.kind} not sent: ${s.reason})`));
  out.push('');
  if (r.outcome === 'network-error') {
    out.push(
      `${st.red(st.bold('NETWORK ERROR'))} ${r.networkError ?? ''}${detail ? `: ${safeLine(detail)}` : ''}: the audit is incomplete`,
    );
  } else if (r.findings.length === 0) {
    out.push(`${st.green(st.bold('NOTHING FOUND'))} no forged origin may read these responses`);
  } else {
    out.push(`${st.red(st.bold(`${r.findings.length} FINDING${r.findings.length > 1 ? 'S' : ''}`))}`);
    for (const f of r.findings) out.push(...findingBlock(f, st));
  }
  if (r.fix) out.push('', ...fixBlock(r.fix, st, `The fix: an allowlist, for ${r.fix.label} (--stack to choose another)`));
  return `${out.join('\n')}\n`;
}
