/**
 * replay.ts: `npm run bench:replay` (root): what `wirelab replay` achieves through the CLI a user runs:
 * packets/s at --topspeed, and the timing error (send time − schedule, median and p99) at a fixed rate
 * and as recorded. Median over BENCH_ITER runs (default 3). Also run by `npm run bench -- --replay`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CORPORA, ensureCorpus } from './make-corpus.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin', 'wirelab.js');

interface ReplayFigures {
  readonly pps: number;
  readonly medianUs: number | undefined;
  readonly p99Us: number | undefined;
  /** Frames the far side captured, of those sent. */
  readonly received: number;
  readonly sent: number;
}

function replayOnce(file: string, args: readonly string[], dir: string): ReplayFigures {
  const r = spawnSync(process.execPath, [BIN, 'replay', file, ...args, '-o', dir, '--quiet', '--no-compare'], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`wirelab replay ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.trim()}`);
  const pps = /\(([\d,]+) packets\/s\)/.exec(r.stdout);
  const timing = /median (\d+) µs, p99 (\d+) µs/.exec(r.stdout);
  const counts = /: (\d+) frames sent in .*, (\d+) received/.exec(r.stdout);
  return {
    pps: Number(pps?.[1]?.replace(/,/g, '') ?? NaN),
    medianUs: timing ? Number(timing[1]) : undefined,
    p99Us: timing ? Number(timing[2]) : undefined,
    sent: Number(counts?.[1] ?? NaN),
    received: Number(counts?.[2] ?? NaN),
  };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

/** Prints one line per case; returns them for results files. */
export async function benchReplay(iterations: number): Promise<string[]> {
  if (process.getuid?.() !== 0) return ['replay: skipped (needs root for namespaces and libpcap)'];
  const corpus = await ensureCorpus(DEFAULT_CORPORA.plain, () => {});
  const dir = mkdtempSync(join(tmpdir(), 'wirelab-bench-replay-'));
  const cases: readonly { label: string; file: string; args: readonly string[] }[] = [
    { label: `--topspeed, first 50,000 frames of ${corpus.path}`, file: corpus.path, args: ['--topspeed', '--limit', '50000'] },
    { label: `--topspeed --interface lo, first 50,000 frames of the same`, file: corpus.path, args: ['--topspeed', '--interface', 'lo', '--limit', '50000'] },
    { label: `--pps 5000, first 10,000 frames of the same`, file: corpus.path, args: ['--pps', '5000', '--limit', '10000'] },
    { label: '--speed 1, test/fixtures/captures/kernel/05_reorder_ooo_large_irtt.pcap (42 ms)', file: join(ROOT, 'test/fixtures/captures/kernel/05_reorder_ooo_large_irtt.pcap'), args: ['--speed', '1'] },
  ];
  const lines: string[] = [];
  try {
    for (const c of cases) {
      process.stderr.write(`  replay ${c.label}…\n`);
      const runs = Array.from({ length: iterations }, () => replayOnce(c.file, c.args, dir));
      const timed = runs.filter((r) => r.medianUs !== undefined);
      const timing = timed.length === 0 ? '' : `; timing error median ${median(timed.map((r) => r.medianUs!))} µs, p99 ${median(timed.map((r) => r.p99Us!))} µs`;
      const lost = runs.map((r) => r.sent - r.received);
      const losses = lost.some((n) => n !== 0) ? `; frames the far side missed: ${lost.join(', ')}` : '; every frame received';
      lines.push(`replay ${c.label}: ${Math.round(median(runs.map((r) => r.pps))).toLocaleString('en-US')} packets/s${timing}${losses} (median of ${iterations})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  lines.push(`load average after replay: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  return lines;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const iterations = Number(process.env['BENCH_ITER'] ?? 3);
  for (const l of await benchReplay(iterations)) console.log(l);
}
