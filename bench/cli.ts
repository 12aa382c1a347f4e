/**
 * `npm run bench:cli` (npx tsx bench/cli.ts [--seconds=3]): checks per second of `cors-lens check` against a local
 * server (the conformance recording server, one connection per request as the CLI opens them): in-process for a
 * simple request, a preflighted one, a redirect and a simple one 8 at a time; audits per second; and whole runs of
 * the built file under plain node, start-up included (it is built into a temporary folder first).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { main } from '../cli/main.ts';
import { startRecordingServers } from '../test-support/conformance/server.ts';

const run = promisify(execFile);
const seconds = Number(process.argv.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 3);
const quiet = { stdout: () => undefined, stderr: () => undefined, color: false };

/** Runs `once` back to back (`parallel` at a time) for the given time; returns runs per second and mean ms per run. */
async function measure(once: () => Promise<unknown>, parallel = 1): Promise<{ perSecond: number; ms: number }> {
  for (let i = 0; i < 3; i++) await once(); // warm-up
  let n = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (performance.now() < deadline) {
        await once();
        n++;
      }
    }),
  );
  const elapsed = performance.now() - t0;
  return { perSecond: (n / elapsed) * 1000, ms: (elapsed * parallel) / n };
}

async function exitCode(argv: string[], expected: number): Promise<void> {
  const code = await main(argv, quiet);
  if (code !== expected) throw new Error(`${argv.join(' ')} exited ${code}, not ${expected}`);
}

const servers = await startRecordingServers();
const out = await mkdtemp(path.join(tmpdir(), 'cors-lens-bench-'));
try {
  const h = (spec: object) => encodeURIComponent(JSON.stringify(spec));
  const echo = h({ 'access-control-allow-origin': '$ORIGIN' });
  const put = h({
    'access-control-allow-origin': '$ORIGIN',
    'access-control-allow-methods': 'PUT',
    'access-control-allow-headers': 'x-token',
  });
  const next = `${servers.other}/cors?h=${h({ 'access-control-allow-origin': 'null' })}`;
  const simple = ['check', `${servers.api}/cors?h=${echo}`, '--origin', servers.page];
  const rows: [string, number, { perSecond: number; ms: number }][] = [];
  rows.push(['check, simple GET', 1, await measure(() => exitCode(simple, 0))]);
  rows.push([
    'check, PUT with a header (preflight + request)',
    2,
    await measure(() =>
      exitCode(['check', `${servers.api}/cors?h=${echo}&p=${put}`, '--origin', servers.page, '-X', 'PUT', '-H', 'X-Token: 1'], 0),
    ),
  ]);
  rows.push([
    'check, redirect to another origin',
    2,
    await measure(() =>
      exitCode(['check', `${servers.api}/cors?h=${echo}&loc=${encodeURIComponent(next)}&s=302`, '--origin', servers.page], 0),
    ),
  ]);
  rows.push(['check, simple GET, 8 at a time', 1, await measure(() => exitCode(simple, 0), 8)]);
  rows.push([
    'audit (7 origins)',
    7,
    await measure(() => exitCode(['audit', `${servers.api}/cors?h=${echo}`, '--origin', 'https://app.example.com'], 1)),
  ]);

  const root = path.resolve(import.meta.dirname, '..');
  await run(
    process.execPath,
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'vite.cli.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      env: { ...process.env, CORS_LENS_CLI_OUT: out },
    },
  );
  const bin = path.join(out, 'cors-lens.js');
  rows.push(['node itself starting and exiting (node -e 0), the floor', 0, await measure(() => run(process.execPath, ['-e', '0']))]);
  rows.push(['built file under node, simple GET (start-up included)', 1, await measure(() => run(process.execPath, [bin, ...simple]))]);

  console.log(`cors-lens check against a local server, ${seconds} s per row (node ${process.version}, ${new Date().toISOString()})\n`);
  console.log(`${'measure'.padEnd(56)} ${'requests'.padStart(8)} ${'per second'.padStart(11)} ${'ms each'.padStart(8)}`);
  for (const [name, requests, r] of rows) {
    console.log(`${name.padEnd(56)} ${String(requests).padStart(8)} ${r.perSecond.toFixed(0).padStart(11)} ${r.ms.toFixed(2).padStart(8)}`);
  }
} finally {
  await servers.close();
  await rm(out, { recursive: true, force: true });
}
