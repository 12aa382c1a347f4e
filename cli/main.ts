/**
 * The cors-lens command: parses the arguments, runs check or audit over node's HTTP, prints the report (text or
 * JSON) and returns the exit status. Takes its output channels and transport as parameters so that tests run it
 * in-process; bin.ts wires it to the process.
 */

import { BadInput, type Command, helpText, parseCommand } from './args.ts';
import { type AuditRun, runAudit } from './audit.ts';
import { type CheckRun, runCheck, SCHEMA_VERSION } from './check.ts';
import { nodeTransport, type Transport } from './http.ts';
import { printAudit, printCheck } from './print.ts';
import { safeJson, safeLine, style } from './text.ts';
import { VERSION } from './version.ts';

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Colours on the human report (a terminal that wants them). */
  readonly color: boolean;
}

/** Runs the command line; resolves with the exit status (0, 1 or 2). `transport` replaces node's HTTP in tests. */
export async function main(argv: readonly string[], io: Io, transport?: Transport): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (e) {
    return badInput(e, io, argv.includes('--json'), argv[0]);
  }
  if (command.command === 'version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (command.command === 'help') {
    io.stdout(helpText(VERSION));
    return 0;
  }
  const send = transport ?? nodeTransport({ timeoutMs: command.timeoutMs, resolve: command.resolve });
  let run: CheckRun | AuditRun;
  try {
    run = command.command === 'check' ? await runCheck(command, send) : await runAudit(command, send);
  } catch (e) {
    return badInput(e, io, command.json, command.command);
  }
  const { report, detail } = run;
  const st = style(io.color && !command.json);
  if (command.json) io.stdout(`${safeJson(report)}\n`);
  else io.stdout(report.command === 'check' ? printCheck(report, st, detail) : printAudit(report, st, detail));
  if (report.networkError) {
    const where = report.steps.findLast((s) => s.error !== null);
    io.stderr(
      `cors-lens: network error ${report.networkError}${where ? ` on ${where.method} ${safeLine(where.url)}` : ''}${detail ? ` (${safeLine(detail)})` : ''}\n`,
    );
  }
  return report.exitCode;
}

function badInput(e: unknown, io: Io, json: boolean, command: string | undefined): number {
  if (!(e instanceof BadInput)) throw e;
  const message = safeLine(e.message);
  io.stderr(`cors-lens: ${message}\n`);
  if (json) {
    const which = command === 'audit' ? 'audit' : 'check';
    io.stdout(
      `${JSON.stringify({ schemaVersion: SCHEMA_VERSION, command: which, tool: `cors-lens ${VERSION}`, outcome: 'bad-input', exitCode: 2, error: message }, null, 2)}\n`,
    );
  }
  return 2;
}
