/**
 * Processes for the fix proof: real servers started from the configuration a snippet was merged into, their
 * validators, and the small waits around them (a port that accepts connections, a line a server prints).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { AppPlan, Launched } from './api.ts';

/** A tool the stack needs is not installed: the suite fails on it unless the stack is listed in the skip variable. */
export class MissingTool extends Error {}

/** Runs a command to completion; rejects with its output when it exits non-zero or takes longer than `timeoutMs`. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 8 << 20 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim();
        if (error) {
          const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
          reject(missing ? new MissingTool(`${command} is not installed`) : new Error(`${command} ${args.join(' ')} failed:\n${output}`));
        } else resolve(output);
      },
    );
  });
}

/** The first line of a command's output that matches, for version strings. */
export async function versionOf(command: string, args: readonly string[], pattern: RegExp): Promise<string> {
  const output = await run(command, args, { timeoutMs: 30_000 });
  const match = pattern.exec(output);
  if (!match) throw new Error(`no version in the output of ${command}: ${output.slice(0, 200)}`);
  return match[1] ?? match[0];
}

/** A port the OS just handed out (for servers whose configuration must name one: nginx, Apache, Caddy). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A started server process; `close` ends it (and its children, through its process group) and waits for it. */
export interface Server {
  readonly child: ChildProcess;
  output(): string;
  close(): Promise<void>;
}

export function start(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Server {
  const child = spawn(command, [...args], { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: 'pipe' });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  return {
    child,
    output: () => output,
    async close() {
      if (child.exitCode === null && child.pid) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
        const killed = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 5_000);
        await exited;
        clearTimeout(killed);
      }
    },
  };
}

/** Waits until the server printed a line matching `pattern` (or exited, or the time is up); returns the match. */
export async function waitForOutput(server: Server, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(server.output());
    if (match) return match;
    if (server.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`server ${server.child.spawnfile} did not start (${pattern}):\n${server.output().slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until 127.0.0.1:port accepts a connection (or the server exited, or the time is up). */
export async function waitForPort(server: Server, port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (server.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`server ${server.child.spawnfile} is not listening on ${port}:\n${server.output().slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Writes files under a folder, making sub-folders; returns the folder. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** Starts a server that prints `PORTS {"key": port, ...}` once it listens, and reads them (closing it on failure). */
export async function startWithPorts(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ server: Server; origins: Map<string, string> }> {
  const server = start(command, args, options);
  try {
    const ports = JSON.parse((await waitForOutput(server, /^PORTS (.+)$/m))[1] ?? '{}') as Record<string, number>;
    return { server, origins: new Map(Object.entries(ports).map(([key, port]) => [key, `http://127.0.0.1:${port}`])) };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/**
 * One server per app, all started together, each in its own folder under `dir`. `startOne` passes every process it
 * starts to `track` (so that all are closed if any app fails) and returns the app's origin.
 */
export async function launchEach(
  apps: readonly AppPlan[],
  dir: string,
  startOne: (app: AppPlan, appDir: string, track: (server: Server) => Server) => Promise<string>,
): Promise<Launched> {
  const servers: Server[] = [];
  const close = async () => void (await Promise.all(servers.map((s) => s.close())));
  const origins = new Map<string, string>();
  const track = (server: Server) => {
    servers.push(server);
    return server;
  };
  try {
    await Promise.all(
      apps.map(async (app) => {
        const appDir = path.join(dir, app.key);
        fs.mkdirSync(appDir, { recursive: true });
        origins.set(app.key, await startOne(app, appDir, track));
      }),
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { origins, close };
}
