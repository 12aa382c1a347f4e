/**
 * The built command, end to end: the CLI build (vite.cli.config.ts, what `npm run build` runs) writes one file that
 * plain node runs, with nothing from node_modules; spawned as a process it checks and audits real servers and exits
 * with the documented statuses.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { ALLOWED, startMisconfigured } from '../test-support/servers/misconfigured.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
let out: string;
let bin: string;
let server: Awaited<ReturnType<typeof startMisconfigured>>;

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'cors-lens-cli-'));
  bin = path.join(out, 'cors-lens.js');
  await run(
    process.execPath,
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'vite.cli.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      env: { ...process.env, CORS_LENS_CLI_OUT: out },
    },
  );
  server = await startMisconfigured();
}, 60_000);
afterAll(async () => {
  await server?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

/** Runs the built file with plain node, from a directory without node_modules; resolves whatever the exit status. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...argv], { cwd: out });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failed = e as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the built cors-lens', () => {
  test('is one executable file with a node shebang', async () => {
    expect((await readFile(bin, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect((await stat(bin)).mode & 0o111).not.toBe(0);
  });
  test('--version says the package version', async () => {
    expect(await cli('--version')).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
  test('check: a refused request exits 1 with the JSON report', async () => {
    const { code, stdout } = await cli('check', `${server.origin}/correct`, '--origin', 'https://other.example', '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ outcome: 'refused', corsError: 'MissingAllowOriginHeader' });
  });
  test('audit: a planted mistake exits 1, a correct allowlist 0', async () => {
    const found = await cli('audit', `${server.origin}/starts-with`, '--origin', ALLOWED);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain('Your host name with anything appended is allowed');
    expect((await cli('audit', `${server.origin}/correct`, '--origin', ALLOWED)).code).toBe(0);
  });
  test('bad input exits 2 with one line on stderr', async () => {
    expect(await cli('check', `${server.origin}/`, '--origin', 'nowhere')).toMatchObject({ code: 2, stdout: '' });
  });
});
