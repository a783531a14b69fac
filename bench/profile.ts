/**
 * profile.ts: summarises a V8 .cpuprofile (from `node --cpu-prof`) into self time per function and per file.
 * Bench code; pure apart from reading the file. Must not import analyzer/ or harness/.
 */
import { readFileSync } from 'node:fs';

/** The parts of V8's CPU profile format used here. */
interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time of one function (or file). */
export interface ProfileRow {
  /** `name (file:line)`, or the file, or a V8 pseudo-entry like `(garbage collector)`. */
  readonly label: string;
  readonly selfMs: number;
  /** Share of all sampled time, 0…1. */
  readonly share: number;
}

/** Self-time breakdown of a profile. */
export interface ProfileSummary {
  readonly totalMs: number;
  readonly functions: readonly ProfileRow[];
  readonly files: readonly ProfileRow[];
  /** Self time per pipeline stage (read, decode, TCP, TLS, findings, records, output, GC, other). */
  readonly stages: readonly ProfileRow[];
}

/** Stages by source folder, first match wins; the folder may sit under dist/. */
const STAGES: readonly (readonly [RegExp, string])[] = [
  [/analyzer\/capture\/|^node:internal\/fs|^read$|^node:internal\/buffer/, 'read (capture/, fs, buffers)'],
  [/analyzer\/decode\//, 'decode (decode/)'],
  [/analyzer\/analysis\/tcp\//, 'TCP analysis (analysis/tcp/)'],
  [/analyzer\/analysis\/tls\//, 'TLS analysis (analysis/tls/)'],
  [/analyzer\/(findings|analysis\/expert|core\/|report\/expert-tally)/, 'findings and expert tally'],
  [/analyzer\/report\//, 'records and report text (report/)'],
  [/cli\//, 'CLI output (cli/)'],
  [/analyzer\//, 'other analyzer (pipeline, session)'],
  [/^\(garbage collector\)$/, 'garbage collector'],
];

function stageOf(file: string): string {
  for (const [re, stage] of STAGES) if (re.test(file)) return stage;
  return 'other (node, start-up, idle)';
}

function shortUrl(url: string, root: string): string {
  const path = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  if (path.startsWith(root)) return path.slice(root.length);
  if (path === '') return '';
  return path.startsWith('node:') ? path : path.replace(/^.*\/node_modules\//, 'node_modules/');
}

function rows(totals: Map<string, number>, totalMs: number): ProfileRow[] {
  return [...totals]
    .map(([label, selfMs]) => ({ label, selfMs, share: totalMs > 0 ? selfMs / totalMs : 0 }))
    .sort((a, b) => b.selfMs - a.selfMs);
}

/**
 * Sums each sample's time delta onto the function it hit (self time), then per source file.
 * Paths under `root` are shown relative to it; line numbers (when V8 knows them) are 1-based.
 * @example
 * const s = summarizeCpuProfile(readCpuProfile('.bench/profile/x.cpuprofile'), '/work/main/');
 */
export function summarizeCpuProfile(profile: CpuProfile, root: string): ProfileSummary {
  const byId = new Map<number, { fn: string; file: string }>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = shortUrl(url, root);
    const name = functionName === '' ? '(anonymous)' : functionName;
    // tsx's transform does not keep line numbers (V8 reports line 1): show them only when they mean something.
    const where = lineNumber > 0 ? `${file}:${lineNumber + 1}` : file;
    byId.set(node.id, { fn: file === '' ? name : `${name} (${where})`, file: file === '' ? name : file });
  }
  const fnTotals = new Map<string, number>();
  const fileTotals = new Map<string, number>();
  let totalMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (node === undefined) continue;
    totalMs += ms;
    fnTotals.set(node.fn, (fnTotals.get(node.fn) ?? 0) + ms);
    fileTotals.set(node.file, (fileTotals.get(node.file) ?? 0) + ms);
  }
  const stageTotals = new Map<string, number>();
  for (const [file, ms] of fileTotals) stageTotals.set(stageOf(file), (stageTotals.get(stageOf(file)) ?? 0) + ms);
  return { totalMs, functions: rows(fnTotals, totalMs), files: rows(fileTotals, totalMs), stages: rows(stageTotals, totalMs) };
}

/** Reads a .cpuprofile file. */
export function readCpuProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

/** Formats the top `limit` rows as aligned text lines. */
export function formatProfileRows(list: readonly ProfileRow[], limit: number): string[] {
  return list.slice(0, limit).map((r) => `${r.selfMs.toFixed(0).padStart(8)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.label}`);
}
