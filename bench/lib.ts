/** Benchmark plumbing: robust statistics and bundle sizes. */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly p95: number;
  readonly n: number;
}

export function stats(values: readonly number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
  const mid = s.length % 2 ? (s[(s.length - 1) / 2] ?? Number.NaN) : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
  return { median: mid, min: s[0] ?? Number.NaN, max: s.at(-1) ?? Number.NaN, p95: at(0.95), n: s.length };
}

/** The files a built entry loads (its static import graph), for bundle sizes. */
export function importGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file) || !fs.existsSync(file)) return seen;
  seen.add(file);
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:import|from)\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    importGraph(path.resolve(path.dirname(file), m[1] as string), seen);
  }
  return seen;
}

export function sizes(files: Iterable<string>): { raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const data = fs.readFileSync(f);
    raw += data.length;
    gzip += zlib.gzipSync(data, { level: 9 }).length;
  }
  return { raw, gzip };
}
