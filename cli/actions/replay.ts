/**
 * replay.ts: `wirelab replay CAPTURE`: sends a capture's frames onto a veth of a fresh wirelab topology
 * (addresses rewritten into the run's own ranges), captures them on the far side, analyses them live
 * with `wirelab analyze -` as they arrive, and checks that live analysis against `wirelab analyze CAPTURE`
 * frame for frame.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError, EnvironmentError, FileNotFoundError } from '../../analyzer/errors.js';
import { checkEnvironment } from '../../harness/env-check.js';
import { replayOntoWire, type ReplayTiming } from '../../harness/replay/replay-onto-wire.js';
import { parsePositive } from '../numbers.js';
import { wirelabBin } from '../wirelab-bin.js';

/** Options of `wirelab replay`. */
export interface ReplayCommandOptions {
  readonly speed?: string;
  readonly pps?: string;
  readonly topspeed?: boolean;
  readonly loop: string;
  readonly limit?: string;
  readonly interface?: string;
  readonly out: string;
  readonly compare: boolean;
  readonly quiet?: boolean;
}

/** --speed, --pps and --topspeed → one timing. @throws ConfigError when more than one is given */
export function parseTiming(options: Pick<ReplayCommandOptions, 'speed' | 'pps' | 'topspeed'>): ReplayTiming {
  const given = [options.speed !== undefined, options.pps !== undefined, options.topspeed === true].filter(Boolean).length;
  if (given > 1) throw new ConfigError('give one of --speed, --pps and --topspeed');
  if (options.pps !== undefined) return { mode: 'pps', pps: parsePositive(options.pps, '--pps', false) };
  if (options.topspeed === true) return { mode: 'topspeed' };
  return { mode: 'recorded', speed: options.speed === undefined ? 1 : parsePositive(options.speed, '--speed', false) };
}

/** The fields of an analyze JSONL record that must not change on the wire: everything but time, addresses, the cut and one-pass completeness. */
const WIRE_INDEPENDENT_IGNORED = new Set(['time_epoch', 'src', 'dst', 'completeness', 'frame_len']);
const LINK_FIELDS = new Set(['cap_len', 'protocols', 'encap']);

/** Frames whose comparable fields differ between the original's analysis and the live one (first 10 kept). */
export function compareAnalyses(original: readonly string[], live: readonly string[], linkChanged: boolean): { compared: number; differing: number; examples: string[] } {
  const examples: string[] = [];
  let differing = 0;
  const n = Math.max(original.length, live.length);
  for (let i = 0; i < n; i++) {
    const a = original[i] === undefined ? undefined : (JSON.parse(original[i]!) as Record<string, unknown>);
    const b = live[i] === undefined ? undefined : (JSON.parse(live[i]!) as Record<string, unknown>);
    if (a === undefined || b === undefined) {
      differing++;
      if (examples.length < 10) examples.push(`frame ${i + 1}: ${a === undefined ? 'not in the original' : 'never received'}`);
      continue;
    }
    const fields = Object.keys(a).filter((k) => !WIRE_INDEPENDENT_IGNORED.has(k) && !(linkChanged && LINK_FIELDS.has(k)) && !(k === 'info' && a['stream'] === null));
    const diff = fields.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    if (diff.length > 0) {
      differing++;
      if (examples.length < 10) examples.push(`frame ${i + 1}: ${diff.map((k) => `${k} ${JSON.stringify(a[k])} → ${JSON.stringify(b[k])}`).join(', ')}`);
    }
  }
  return { compared: n, differing, examples };
}

/** `wirelab analyze FILE --format jsonl`'s lines. */
async function analyzeToLines(file: string): Promise<string[]> {
  const child = spawn(process.execPath, [wirelabBin(), 'analyze', file, '--format', 'jsonl', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (err += t));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new EnvironmentError(`wirelab analyze ${file} failed: ${err.trim()}`);
  return out.split('\n').filter((l) => l !== '');
}

/** Runs the command; resolves the exit code (0, or 1 when the live analysis differs from the file's). */
export async function replayCommand(capture: string, options: ReplayCommandOptions): Promise<number> {
  const timing = parseTiming(options);
  const loop = parsePositive(options.loop, '--loop', true);
  const limit = options.limit === undefined ? undefined : parsePositive(options.limit, '--limit', true);
  const file = await stat(capture).catch(() => undefined);
  if (file === undefined) throw new FileNotFoundError(capture, `${capture}: no such file`);
  if (!file.isFile()) throw new ConfigError(`${capture}: not a file`);
  checkEnvironment();
  const dir = resolve(options.out);
  await mkdir(dir, { recursive: true });
  const receivedPath = join(dir, 'received.pcapng');
  const livePath = join(dir, 'live.jsonl');
  const received = createWriteStream(receivedPath);
  const live = createWriteStream(livePath);
  // The live analysis: the same `wirelab analyze -` a user pipes tcpdump into, fed as frames arrive.
  const analyzer = spawn(process.execPath, [wirelabBin(), 'analyze', '-', '--format', 'jsonl', '--quiet'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let analyzerErr = '';
  analyzer.stderr.setEncoding('utf8').on('data', (t: string) => (analyzerErr = (analyzerErr + t).slice(-4000)));
  analyzer.stdout.pipe(live);
  const analyzerExit = once(analyzer, 'exit') as Promise<[number | null]>;
  const status = options.quiet !== true && process.stderr.isTTY === true;
  let result;
  try {
    result = await replayOntoWire({
      capture,
      timing,
      loop,
      ...(limit === undefined ? {} : { limit }),
      ...(options.interface === undefined ? {} : { interface: options.interface }),
      onReceived: (chunk) => {
        received.write(chunk);
        analyzer.stdin.write(chunk);
      },
      ...(status ? { onProgress: (sent: number, total: number) => void process.stderr.write(`\r\x1b[Kreplay: ${sent.toLocaleString('en-US')}/${total.toLocaleString('en-US')} frames sent`) } : {}),
    });
  } finally {
    if (status) process.stderr.write('\r\x1b[K');
    analyzer.stdin.end();
    received.end();
  }
  const [code] = await analyzerExit;
  await Promise.all([finished(received), finished(live)]);
  if (code !== 0) throw new EnvironmentError(`the live analysis (wirelab analyze -) failed: ${analyzerErr.trim()}`);
  const liveLines = (await readFile(livePath, 'utf8')).split('\n').filter((l) => l !== '');

  const mode = timing.mode === 'recorded' ? `as recorded${timing.speed === 1 ? '' : ` ×${timing.speed}`}` : timing.mode === 'pps' ? `${timing.pps} packets/s` : 'top speed';
  const lines = [
    `replayed ${capture} ${mode}${loop > 1 ? `, ${loop} loops` : ''}: ${result.sent} frames sent in ${(result.sendMs / 1000).toFixed(2)} s (${Math.round(result.achievedPps).toLocaleString('en-US')} packets/s), ${liveLines.length} received`,
    ...(timing.mode === 'topspeed' ? [] : [`timing error (send time − schedule): median ${result.timingErrorUs.median.toFixed(0)} µs, p99 ${result.timingErrorUs.p99.toFixed(0)} µs, max ${result.timingErrorUs.max.toFixed(0)} µs`]),
    `sent onto ${result.path}; addresses: ${result.addresses.ipv4.size} IPv4 mapped into ${result.ranges.ipv4}, ${result.addresses.ipv6.size} IPv6 into ${result.ranges.ipv6}; MTU ${result.mtu}`,
    `received capture: ${receivedPath}`,
    `live analysis (wirelab analyze - as frames arrived): ${livePath}`,
  ];
  let exit = 0;
  if (options.compare && loop === 1) {
    const original = (await analyzeToLines(capture)).slice(0, limit);
    const firstLink = original[0] === undefined ? undefined : (JSON.parse(original[0]) as { encap?: string[] }).encap?.[0];
    const verdict = compareAnalyses(original, liveLines, firstLink !== 'eth');
    if (verdict.differing === 0) lines.push(`live analysis = wirelab analyze ${capture}: all ${verdict.compared} frames agree (stream, TCP fields and flags, TLS; time, addresses and completeness aside)`);
    else {
      exit = 1;
      lines.push(`live analysis differs from wirelab analyze ${capture} on ${verdict.differing} of ${verdict.compared} frames:`, ...verdict.examples.map((e) => `  ${e}`));
    }
  } else if (options.compare) lines.push('(with --loop, the repeated frames are new traffic to the analysis: no frame-for-frame comparison)');
  process.stdout.write(`${lines.join('\n')}\n`);
  return exit;
}
