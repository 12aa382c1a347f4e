/**
 * `npx tsx bench/paired.ts`: CORS Lens against its floor with the two measured seconds apart, for a ratio this noisy
 * machine can resolve. The cost bench (run.ts) launches a fresh browser per configuration and round, so the two sides
 * of each ratio run 20-60 s apart, and on this machine a burst's time (and its CPU time) swings by 20-40% from one
 * half-minute to the next: its medians could not tell 1.01x from 1.10x. Here both browsers are launched once, side
 * by side, and take turns: floor, lens, lens, floor, floor, lens... (each pair's order alternates, so a steady drift
 * favours neither), the idle one waiting while the other works. Each pair gives one ratio; the median of many pairs
 * is the result. What it gives up: a fresh profile per round (CORS Lens's log fills up to its cap, as in a working day).
 *
 * Workloads: the cost bench's burst (2,000 fetches, half failing, 50 in flight) and its 50 single fetches (p50). Also
 * printed: each side's CPU time in a burst by kind of process (bench/processes.ts), medians.
 * Options: --pairs=N (default 12), --origin=localhost|ordinary, --devtools=closed|open|panel (DevTools open on both
 * tabs; its floor is then the one run.ts uses there), --against=floor|listener|none (`listener`: one empty error
 * listener however DevTools is; `none`: no extension, DevTools alone when it is open), --compare=DIR (another build against CORS Lens instead of the floor),
 * --passing (nothing fails: the bursts' fetches all pass, as on a page that works), --subject=FLOOR (a floor of
 * cost.ts measured instead of CORS Lens: what a part of any design costs by itself, e.g. `panel` against `none`, or
 * CORS Lens's own page hook, `hook` against `listener`).
 * `npm run bench` runs it too (run.ts, section `paired`), for its target rows.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DETAILS_WANTED_MS } from '../extension/protocol.ts';
import { EXTENSION_DIR } from '../test-support/browser/browser.ts';
import { startServers } from '../test-support/servers/cors-server.ts';
import { BareBrowser, type BarePage, sleep } from './bare.ts';
import {
  burstScript,
  type Extension,
  FLOOR_LABELS,
  type Floor,
  floorExtension,
  floorFor,
  HOST_RULES,
  origins,
  prepareDevtools,
  type Servers,
  singleScript,
  untilQuiet,
} from './cost.ts';
import { type Stats, stats } from './lib.ts';
import { cpuByKind, devtoolsRenderers } from './processes.ts';

export interface PairedOptions {
  readonly pairs: number;
  readonly origin: 'localhost' | 'ordinary';
  readonly devtools: 'closed' | 'open' | 'panel';
  /**
   * floor: the floor run.ts uses with DevTools so; listener: one empty error listener whatever DevTools does (CORS
   * Lens's floor where DevTools' log is not read); none: no extension (DevTools alone when it is open).
   */
  readonly against: 'floor' | 'listener' | 'none';
  /** Another build of CORS Lens as the baseline, instead. */
  readonly compare?: string;
  /** A floor measured instead of CORS Lens (what a part of any design costs by itself). */
  readonly subject?: Floor;
  /**
   * Nothing fails: every fetch of the bursts passes, and the turns start once the failures of the set-up are more
   * than DETAILS_WANTED_MS old (the devtools page reads DevTools' log for that long after one): a page that works.
   */
  readonly passing?: boolean;
  readonly servers: Servers;
}

export interface PairedResult {
  readonly baseline: string;
  readonly subject: string;
  /** Per-pair ratios, the subject (CORS Lens) over the baseline. */
  readonly burst: Stats;
  readonly cpu: Stats;
  readonly single: Stats;
  /** Medians, CORS Lens and the baseline: burst ms, single fetch p50 ms, CPU ms per burst by kind of process. */
  readonly medians: { readonly lens: Medians; readonly base: Medians };
  readonly raw: { readonly lens: SideRuns; readonly base: SideRuns };
}

interface Medians {
  readonly burstMs: number;
  readonly singleP50Ms: number;
  readonly cpuByKind: Record<string, number>;
}

interface SideRuns {
  readonly bursts: number[];
  readonly cpu: number[];
  readonly singles: number[];
}

interface Side extends SideRuns {
  readonly browser: BareBrowser;
  readonly page: BarePage;
  /** CPU ms per burst by kind of process (processes.ts). */
  readonly kinds: Map<string, number>[];
  readonly named: Map<number, string>;
}

/** One side: a build of CORS Lens, or a floor extension, or none, from `dir`. */
interface Contender {
  readonly label: string;
  readonly dir: string | null;
  readonly extension: Extension;
}

/** What CORS Lens is measured against. */
function baselineOf(o: PairedOptions): Contender {
  if (o.compare) return { label: `compared (${o.compare})`, dir: path.resolve(o.compare), extension: 'lens' };
  if (o.against === 'none') return { label: o.devtools === 'closed' ? 'no extension' : 'DevTools alone', dir: null, extension: 'none' };
  const floor = o.against === 'listener' ? 'listener' : floorFor(o.devtools);
  return { label: FLOOR_LABELS[floor], dir: floorExtension(floor), extension: floor };
}

/** What is measured: CORS Lens, or a floor. */
function subjectOf(o: PairedOptions): Contender {
  if (o.subject) return { label: FLOOR_LABELS[o.subject], dir: floorExtension(o.subject), extension: o.subject };
  return { label: 'CORS Lens', dir: EXTENSION_DIR, extension: 'lens' };
}

async function open(o: PairedOptions, { dir, extension }: Contender): Promise<Side> {
  const { page: pageOrigin, api } = origins(o, o.servers);
  const browser = await BareBrowser.launch({ extensionDir: dir, devtools: o.devtools !== 'closed', extraArgs: [HOST_RULES] });
  try {
    const page = await browser.open(`${pageOrigin}/paired-${extension}`);
    // With no extension there is no panel to show: DevTools stays on its own first panel, as in run.ts's row.
    const devtools = extension === 'none' && o.devtools === 'panel' ? 'open' : o.devtools;
    await prepareDevtools(browser, page, api, { devtools, extension });
    await browser.evaluate(page, burstScript(api, 200, 50, `warm-${extension}`, !o.passing));
    const named = o.devtools === 'closed' ? new Map<number, string>() : await devtoolsRenderers(browser);
    return { browser, page, bursts: [], cpu: [], singles: [], kinds: [], named };
  } catch (e) {
    await browser.close();
    throw e;
  }
}

async function turn(side: Side, api: string, tag: string, failing: boolean): Promise<void> {
  await untilQuiet(side.browser);
  const cpu0 = side.browser.cpuMs();
  const kinds0 = cpuByKind(side.browser.pid, side.named);
  side.bursts.push(await side.browser.evaluate<number>(side.page, burstScript(api, 2000, 50, tag, failing)));
  side.cpu.push(side.browser.cpuMs() - cpu0);
  side.kinds.push(new Map([...cpuByKind(side.browser.pid, side.named)].map(([k, v]) => [k, v - (kinds0.get(k) ?? 0)])));
  await untilQuiet(side.browser);
  side.singles.push(stats(await side.browser.evaluate<number[]>(side.page, singleScript(api, 50, tag))).median);
}

function medians(side: Side): Medians {
  const kinds = [...new Set(side.kinds.flatMap((k) => [...k.keys()]))];
  return {
    burstMs: stats(side.bursts).median,
    singleP50Ms: stats(side.singles).median,
    cpuByKind: Object.fromEntries(kinds.map((kind) => [kind, stats(side.kinds.map((k) => k.get(kind) ?? 0)).median])),
  };
}

/** CORS Lens and its baseline, in two browsers launched once, taking turns `pairs` times. */
export async function pairedRun(o: PairedOptions, log: (line: string) => void = () => undefined): Promise<PairedResult> {
  const { api } = origins(o, o.servers);
  const baseline = baselineOf(o);
  const sides: Side[] = [];
  try {
    // Launched one after the other: each warms up alone.
    sides.push(await open(o, baseline));
    sides.push(await open(o, subjectOf(o)));
    const [base, lens] = sides as [Side, Side];
    if (o.passing && o.devtools !== 'closed') await sleep(DETAILS_WANTED_MS + 2_000);
    for (let i = 0; i < o.pairs; i++) {
      const order = i % 2 === 0 ? [base, lens] : [lens, base];
      for (const side of order) await turn(side, api, `${side === lens ? 'l' : 'b'}-${i}`, !o.passing);
      log(
        `  pair ${i + 1}: burst ${base.bursts[i]?.toFixed(0)} / ${lens.bursts[i]?.toFixed(0)} ms, single p50 ${base.singles[i]?.toFixed(2)} / ${lens.singles[i]?.toFixed(2)} ms`,
      );
    }
    const ratio = (key: keyof SideRuns) =>
      stats(lens[key].map((v, i) => v / (base[key][i] ?? Number.NaN)).filter((x) => Number.isFinite(x)));
    const runs = (side: Side): SideRuns => ({ bursts: side.bursts, cpu: side.cpu, singles: side.singles });
    return {
      baseline: baseline.label,
      subject: subjectOf(o).label,
      burst: ratio('bursts'),
      cpu: ratio('cpu'),
      single: ratio('singles'),
      medians: { lens: medians(lens), base: medians(base) },
      raw: { lens: runs(lens), base: runs(base) },
    };
  } finally {
    for (const side of sides) await side.browser.close();
  }
}

async function main(): Promise<void> {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const servers = await startServers();
  try {
    const options: PairedOptions = {
      pairs: Number(arg('pairs') ?? 12),
      origin: (arg('origin') ?? 'localhost') as PairedOptions['origin'],
      devtools: (arg('devtools') ?? 'closed') as PairedOptions['devtools'],
      against: (arg('against') ?? 'floor') as PairedOptions['against'],
      compare: arg('compare'),
      subject: arg('subject') as Floor | undefined,
      passing: process.argv.includes('--passing'),
      servers,
    };
    const r = await pairedRun(options, console.log);
    const fmt = (s: Stats) => `${s.median.toFixed(2)}x (${s.min.toFixed(2)}-${s.max.toFixed(2)})`;
    const { lens, base } = r.medians;
    console.log(
      `\n${r.subject} against ${r.baseline}, ${options.origin}, DevTools ${options.devtools}${options.passing ? ', nothing failing' : ''}, ${options.pairs} pairs (median of per-pair ratios, range)`,
    );
    console.log(`| measure | ratio | medians, ${r.subject} / baseline |`);
    console.log('| --- | --- | --- |');
    console.log(`| burst | ${fmt(r.burst)} | ${lens.burstMs.toFixed(0)} / ${base.burstMs.toFixed(0)} ms |`);
    console.log(
      `| burst, browser CPU | ${fmt(r.cpu)} | ${stats(r.raw.lens.cpu).median.toFixed(0)} / ${stats(r.raw.base.cpu).median.toFixed(0)} ms |`,
    );
    console.log(`| single fetch p50 | ${fmt(r.single)} | ${lens.singleP50Ms.toFixed(2)} / ${base.singleP50Ms.toFixed(2)} ms |`);
    for (const kind of [...new Set([...Object.keys(lens.cpuByKind), ...Object.keys(base.cpuByKind)])].sort()) {
      const [a, b] = [lens.cpuByKind[kind] ?? 0, base.cpuByKind[kind] ?? 0];
      if (Math.max(a, b) >= 20) console.log(`| CPU ${kind} | | ${a.toFixed(0)} / ${b.toFixed(0)} ms |`);
    }
  } finally {
    await servers.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
