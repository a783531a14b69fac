/**
 * run.ts: `npm run bench`: makes the corpora, times each mode in its own process, times tshark, prints and saves results.
 * Bench code: may spawn processes; the analyzer itself runs only inside bench-worker.ts, compiled (dist/, rebuilt
 * when stale) unless `--source`. The CLI a user runs (`node dist/cli/main.js analyze`, output to a file) is timed
 * too. Flags: `--only=a,f`, `--profile[=mode]`, `--no-tshark`, `--source`, `--no-cli`, `--rss` (CLI peak RSS at
 * 0.2 and 2 GB; env BENCH_10G=1 adds 10 GB, several minutes per format), `--replay` (wirelab replay's packets/s and
 * timing error, root; also `npm run bench:replay`); env BENCH_ITER (runs per mode, default 5),
 * BENCH_PACKETS (corpus size).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, EnvironmentError } from '../analyzer/errors.js';
import { BenchMode } from './bench-worker.js';
import type { WorkerResult } from './bench-worker.js';
import { BENCH_DIR, DEFAULT_CORPORA, ensureCorpus } from './make-corpus.js';
import type { CorpusFile, CorpusSpec } from './make-corpus.js';
import { formatProfileRows, readCpuProfile, summarizeCpuProfile } from './profile.js';
import { benchReplay } from './replay.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SOURCE_WORKER = fileURLToPath(new URL('./bench-worker.ts', import.meta.url));
const COMPILED_WORKER = join(ROOT, 'dist', 'bench', 'bench-worker.js');
/** Source folders whose newest file decides whether dist/ is stale. */
const SOURCE_DIRS = ['analyzer', 'bench', 'cli'];

/** Which code the workers run: the compiled ESM in dist/ (what users run) or the sources through tsx. */
interface WorkerCode {
  readonly script: string;
  /** Node flags for the worker (the tsx loader only for sources). */
  readonly execArgv: readonly string[];
  readonly label: string;
}

/** One row of the results table. */
interface ModeResult {
  readonly name: string;
  readonly corpus: 'plain' | 'tunnel' | 'keyed';
  readonly frames: number;
  readonly bytes: number;
  readonly medianSeconds: number;
  readonly packetsPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly maxRssBytes: number;
  readonly medianHeapGrowthBytes: number;
  readonly secondsPerIteration: readonly number[];
}

interface TsharkResult {
  readonly command: string;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly maxRssBytes: number;
  readonly exitCode: number;
  readonly packetsPerSecond: number;
}

const MODES: readonly { name: string; mode: BenchMode; corpus: 'plain' | 'tunnel' | 'keyed' }[] = [
  { name: '(a) read only', mode: BenchMode.Read, corpus: 'plain' },
  { name: '(l) read only, columnar batches (not yet under the analysis)', mode: BenchMode.ReadColumns, corpus: 'plain' },
  { name: '(b) read + decode', mode: BenchMode.Decode, corpus: 'plain' },
  { name: '(m) columnar read + fast decode (not yet under the analysis)', mode: BenchMode.DecodeColumns, corpus: 'plain' },
  { name: '(c) read + decode + TCP/TLS analysis', mode: BenchMode.Pipeline, corpus: 'plain' },
  { name: '(d) analyzeCapture keepFrames:false', mode: BenchMode.Analyze, corpus: 'plain' },
  { name: '(e) tunnelled corpus through (c)', mode: BenchMode.Pipeline, corpus: 'tunnel' },
  { name: '(j) keyed corpus through (c), no keys', mode: BenchMode.Pipeline, corpus: 'keyed' },
  { name: '(k) keyed corpus through (c), decrypting', mode: BenchMode.PipelineKeys, corpus: 'keyed' },
];

/** `wirelab analyze` modes timed through the compiled CLI, output to a file in .bench/. */
const CLI_MODES: readonly { name: string; letter: string; args: readonly string[] }[] = [
  { name: '(f) CLI analyze --format json', letter: 'f', args: ['--format', 'json'] },
  { name: '(g) CLI analyze --no-packets', letter: 'g', args: ['--no-packets'] },
  { name: '(h) CLI analyze (packet list)', letter: 'h', args: [] },
  { name: '(i) CLI analyze --format jsonl', letter: 'i', args: ['--format', 'jsonl'] },
];

const COMPILED_CLI = join(ROOT, 'dist', 'cli', 'main.js');

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function machine(code: WorkerCode): Record<string, string | number> {
  const model = cpus()[0]?.model ?? 'unknown';
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  return { cpu: model, cores: cpus().length, node: process.version, load, code: code.label };
}

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Picks the code the workers run. By default the compiled ESM in dist/, rebuilt with `npm run build`
 * when missing or older than any analyzer/ or bench/ source: tsx turns every imported binding into a
 * getter call, so only compiled code gives the figure a user sees. `--source` runs the sources via tsx.
 * @throws EnvironmentError when the build leaves no compiled worker behind.
 */
function workerCode(useSource: boolean): WorkerCode {
  if (useSource) return { script: SOURCE_WORKER, execArgv: process.execArgv, label: 'TypeScript sources through tsx (--source)' };
  const sourcesMs = Math.max(...SOURCE_DIRS.map((d) => newestSourceMs(join(ROOT, d))));
  let how = 'dist/ up to date';
  if (!existsSync(COMPILED_WORKER) || statSync(COMPILED_WORKER).mtimeMs < sourcesMs) {
    process.stderr.write('  dist/ missing or older than the sources: npm run build…\n');
    const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    // tsc still emits when another part of the tree has type errors; say so but bench what was built.
    how = r.status === 0 ? 'rebuilt with npm run build' : `rebuilt with npm run build, which reported type errors (exit ${r.status})`;
    if (r.status !== 0) process.stderr.write(`${r.stdout.split('\n').filter((l) => l.includes('error TS')).slice(0, 5).join('\n')}\n`);
    if (!existsSync(COMPILED_WORKER) || statSync(COMPILED_WORKER).mtimeMs < sourcesMs) {
      throw new EnvironmentError(`npm run build did not produce an up-to-date ${COMPILED_WORKER}; run it by hand and fix its errors, or bench with --source`);
    }
  }
  // Drop this process's tsx loader: the compiled worker is plain ESM.
  return { script: COMPILED_WORKER, execArgv: [], label: `compiled ESM ${COMPILED_WORKER.slice(ROOT.length)} (${how})` };
}

let code: WorkerCode | undefined;

function runWorker(mode: BenchMode, file: CorpusFile, iterations: number, extraArgs: readonly string[] = []): WorkerResult {
  if (code === undefined) throw new EnvironmentError('bench: runWorker called before workerCode() chose the code to run');
  const args = [...code.execArgv, '--expose-gc', ...extraArgs, code.script, mode, file.path, String(iterations)];
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) {
    throw new EnvironmentError(`bench worker "${mode}" on ${file.path} exited with ${r.status ?? r.signal}; see its stderr above`);
  }
  return JSON.parse(line) as WorkerResult;
}

function toModeResult(name: string, corpus: 'plain' | 'tunnel' | 'keyed', file: CorpusFile, w: WorkerResult): ModeResult {
  const seconds = median(w.secondsPerIteration);
  return {
    name, corpus, frames: w.frames, bytes: file.bytes, medianSeconds: seconds,
    packetsPerSecond: w.frames / seconds, megabytesPerSecond: file.bytes / 1e6 / seconds,
    maxRssBytes: w.maxRssBytes, medianHeapGrowthBytes: median(w.heapGrowthBytes), secondsPerIteration: w.secondsPerIteration,
  };
}

// Waits for tshark and reports its wall time, CPU time and peak RSS (RUSAGE_CHILDREN: the largest child).
const TSHARK_WRAPPER = `
import json, resource, subprocess, sys, time
t = time.monotonic()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.monotonic() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": u.ru_utime + u.ru_stime, "maxrss_kb": u.ru_maxrss, "code": p.returncode}))
`;

/** Runs a command with stdout to `outFile` (or nowhere), returning wall time, peak RSS and exit code. */
function timeCommand(args: readonly string[], outFile?: string): { wall: number; cpu: number; maxRssBytes: number; code: number } {
  const script = outFile === undefined ? TSHARK_WRAPPER : TSHARK_WRAPPER.replace('stdout=subprocess.DEVNULL', `stdout=open(${JSON.stringify(outFile)}, "wb")`);
  const r = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8', cwd: ROOT });
  if (r.status !== 0) throw new EnvironmentError(`timing ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
  const m = JSON.parse(r.stdout) as { wall: number; cpu: number; maxrss_kb: number; code: number };
  return { wall: m.wall, cpu: m.cpu, maxRssBytes: m.maxrss_kb * 1024, code: m.code };
}

/** Times `wirelab analyze FILE ARGS` from dist/ `iterations` times (median), output to a file deleted after. */
function timeCli(name: string, file: CorpusFile, args: readonly string[], iterations: number): ModeResult {
  const out = join(BENCH_DIR, 'cli-output.tmp');
  const seconds: number[] = [];
  let maxRss = 0;
  try {
    for (let i = 0; i < iterations; i++) {
      const t = timeCommand([process.execPath, COMPILED_CLI, 'analyze', file.path, ...args], out);
      if (t.code !== 0) throw new EnvironmentError(`wirelab analyze ${args.join(' ')} ${file.path} exited with ${t.code}`);
      seconds.push(t.wall);
      maxRss = Math.max(maxRss, t.maxRssBytes);
    }
  } finally {
    rmSync(out, { force: true });
  }
  const medianSeconds = median(seconds);
  return {
    name, corpus: 'plain', frames: file.packets, bytes: file.bytes, medianSeconds, packetsPerSecond: file.packets / medianSeconds,
    megabytesPerSecond: file.bytes / 1e6 / medianSeconds, maxRssBytes: maxRss, medianHeapGrowthBytes: 0, secondsPerIteration: seconds,
  };
}

/** Writes `copies` copies of a pcap's records after one file header: a big capture by concatenation. */
async function concatenated(file: CorpusFile, copies: number, path: string): Promise<CorpusFile> {
  const fd = openSync(path, 'w');
  closeSync(fd);
  for (let i = 0; i < copies; i++) {
    await pipeline(createReadStream(file.path, { start: i === 0 ? 0 : 24 }), createWriteStream(path, { flags: 'a' }));
  }
  return { path, packets: file.packets * copies, bytes: statSync(path).size, generated: true };
}

/** Peak RSS of the CLI in every format at 0.2 GB, 2 GB and (BENCH_10G=1) 10 GB, big files deleted after. */
async function rssBySize(small: CorpusFile, plain: CorpusFile): Promise<void> {
  const sizes: { label: string; make: () => Promise<CorpusFile> }[] = [
    { label: '0.2 GB', make: () => Promise.resolve(small) },
    { label: '2 GB', make: () => concatenated(plain, Math.max(1, Math.round(2e9 / plain.bytes)), join(BENCH_DIR, 'concat-2g.pcap')) },
  ];
  if (process.env['BENCH_10G'] === '1') {
    sizes.push({ label: '10 GB', make: () => concatenated(plain, Math.max(1, Math.round(1e10 / plain.bytes)), join(BENCH_DIR, 'concat-10g.pcap')) });
  } else {
    console.log('  (10 GB point skipped: set BENCH_10G=1, it takes several minutes per format)');
  }
  console.log('\nCLI peak RSS by capture size (one run each, output to a file):');
  for (const size of sizes) {
    process.stderr.write(`  RSS at ${size.label}…\n`);
    const file = await size.make();
    try {
      const cells = CLI_MODES.map((m) => {
        const r = timeCli(m.name, file, m.args, 1);
        return `${m.args.join(' ') || 'text'}: ${mb(r.maxRssBytes)} MB in ${r.medianSeconds.toFixed(1)} s`;
      });
      console.log(`  ${size.label} (${mb(file.bytes)} MB, ${file.packets} frames): ${cells.join('; ')}`);
    } finally {
      if (file !== small) rmSync(file.path, { force: true });
    }
  }
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

function timeTshark(file: CorpusFile): TsharkResult | undefined {
  if (!onPath('tshark') || !onPath('python3')) return undefined;
  const args = ['tshark', '-n', '-2', '-z', 'expert', '-q', '-r', file.path];
  const r = spawnSync('python3', ['-c', TSHARK_WRAPPER, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new EnvironmentError(`timing tshark failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
  const m = JSON.parse(r.stdout) as { wall: number; cpu: number; maxrss_kb: number; code: number };
  return {
    command: args.join(' '), wallSeconds: m.wall, cpuSeconds: m.cpu, maxRssBytes: m.maxrss_kb * 1024, exitCode: m.code,
    packetsPerSecond: file.packets / m.wall,
  };
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

function printTable(results: readonly ModeResult[]): void {
  const head = ['mode', 'frames', 'median s', 'Mpkt/s', 'MB/s', 'peak RSS MB', 'retained MB', 'runs (s)'];
  const body = results.map((r) => [
    r.name, String(r.frames), r.medianSeconds.toFixed(3), (r.packetsPerSecond / 1e6).toFixed(3), r.megabytesPerSecond.toFixed(1),
    mb(r.maxRssBytes), mb(r.medianHeapGrowthBytes), r.secondsPerIteration.map((s) => s.toFixed(2)).join(' '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of body) console.log(line(row));
}

function profileMode(mode: BenchMode, file: CorpusFile): void {
  const dir = join(BENCH_DIR, 'profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  runWorker(mode, file, 1, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const profileFile = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (profileFile === undefined) throw new EnvironmentError(`no .cpuprofile written to ${dir}`);
  const summary = summarizeCpuProfile(readCpuProfile(join(dir, profileFile)), ROOT);
  console.log(`\nProfile of mode "${mode}", one run (${summary.totalMs.toFixed(0)} ms sampled; ${join(dir, profileFile)}):`);
  console.log('Top 15 functions by self time:');
  for (const l of formatProfileRows(summary.functions, 15)) console.log(l);
  console.log('Self time by file:');
  for (const l of formatProfileRows(summary.files, 12)) console.log(l);
  console.log('Self time by stage:');
  for (const l of formatProfileRows(summary.stages, 12)) console.log(l);
}

/**
 * (k)/(j) measured in pairs: each round times (j), then (k), each in a fresh process on its second pass (the
 * first warms the JIT), and takes their ratio. This machine's speed drifts by tens of percent over minutes
 * (seen: (j) 1.7 s to 3.7 s within one bench), so a ratio of neighbours is steadier than one of two medians
 * taken minutes apart.
 */
function pairedDecryptionCost(file: CorpusFile, rounds: number): { ratios: number[]; median: number } {
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) {
    process.stderr.write(`  pairing (j) and (k), round ${i + 1} of ${rounds}…\n`);
    const plain = runWorker(BenchMode.Pipeline, file, 2).secondsPerIteration[1]!;
    const keyed = runWorker(BenchMode.PipelineKeys, file, 2).secondsPerIteration[1]!;
    ratios.push(keyed / plain);
  }
  return { ratios, median: median(ratios) };
}

function progress(kind: string): (frames: number) => void {
  return (frames) => process.stderr.write(process.stderr.isTTY ? `\r  generating ${kind} corpus: ${frames} frames…` : `  generating ${kind} corpus: ${frames} frames\n`);
}

async function corpus(spec: CorpusSpec): Promise<CorpusFile> {
  const started = Date.now();
  const file = await ensureCorpus(spec, progress(spec.kind));
  if (process.stderr.isTTY && file.generated) process.stderr.write('\n');
  console.log(`corpus ${spec.kind}: ${file.path} — ${file.packets} frames, ${mb(file.bytes)} MB` +
    `${file.generated ? `, generated in ${((Date.now() - started) / 1000).toFixed(1)} s` : ' (reused)'}`);
  return file;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const iterations = Number(process.env['BENCH_ITER'] ?? 5);
  if (!Number.isInteger(iterations) || iterations < 1) throw new ConfigError(`BENCH_ITER must be a positive integer (got ${process.env['BENCH_ITER']})`);
  const packets = process.env['BENCH_PACKETS'] === undefined ? undefined : Number(process.env['BENCH_PACKETS']);
  console.log('wirelab bench');
  code = workerCode(args.includes('--source'));
  const info = machine(code);
  for (const [k, v] of Object.entries(info)) console.log(`  ${k}: ${v}`);
  console.log(`  iterations: ${iterations} per mode (median reported), each mode in its own process`);
  const plainSpec: CorpusSpec = packets === undefined ? DEFAULT_CORPORA.plain : { ...DEFAULT_CORPORA.plain, packets };
  const tunnelSpec: CorpusSpec = packets === undefined ? DEFAULT_CORPORA.tunnel : { ...DEFAULT_CORPORA.tunnel, packets: Math.ceil(packets / 5) };
  const keyedSpec: CorpusSpec = packets === undefined ? DEFAULT_CORPORA.keyed : { ...DEFAULT_CORPORA.keyed, packets };
  const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  const wantsKeyed = only === undefined || only.includes('j') || only.includes('k');
  const files = { plain: await corpus(plainSpec), tunnel: await corpus(tunnelSpec), keyed: wantsKeyed ? await corpus(keyedSpec) : undefined };
  const results: ModeResult[] = [];
  // --only=c,e runs a subset of the modes (by letter).
  for (const m of MODES) {
    if (only !== undefined && !only.includes(m.name.charAt(1))) continue;
    const file = files[m.corpus]!;
    process.stderr.write(`  running ${m.name}…\n`);
    results.push(toModeResult(m.name, m.corpus, file, runWorker(m.mode, file, iterations)));
  }
  if (!args.includes('--no-cli') && !code.label.includes('--source')) {
    for (const m of CLI_MODES) {
      if (only !== undefined && !only.includes(m.letter)) continue;
      process.stderr.write(`  running ${m.name}…\n`);
      results.push(timeCli(m.name, files.plain, m.args, iterations));
    }
  }
  console.log('');
  printTable(results);
  const withoutKeys = results.find((r) => r.name.startsWith('(j)'));
  const withKeys = results.find((r) => r.name.startsWith('(k)'));
  if (withoutKeys !== undefined && withKeys !== undefined) {
    console.log(`\ndecryption cost (k) / (j): ${(withKeys.medianSeconds / withoutKeys.medianSeconds).toFixed(2)}× the time of the same analysis without keys (target ≤ 2×)`);
    const paired = pairedDecryptionCost(files.keyed!, iterations);
    console.log(`decryption cost, paired: ${paired.median.toFixed(2)}× (median of ${paired.ratios.length} rounds of (j) then (k), ` +
      `each a fresh process timed on its 2nd pass; rounds: ${paired.ratios.map((r) => r.toFixed(2)).join(' ')})`);
  }
  let tshark: TsharkResult | undefined;
  if (args.includes('--no-tshark')) {
    console.log('\ntshark: skipped (--no-tshark)');
  } else {
    process.stderr.write('  timing tshark (once)…\n');
    tshark = timeTshark(files.plain);
    const full = results.find((r) => r.corpus === 'plain' && r.name.startsWith('(c)'));
    const cliJson = results.find((r) => r.name.startsWith('(f)'));
    if (tshark === undefined) {
      console.log('\ntshark: not on PATH (or python3 missing); no ratio');
    } else {
      console.log(`\n${tshark.command}: ${tshark.wallSeconds.toFixed(1)} s wall, ${tshark.cpuSeconds.toFixed(1)} s CPU, ` +
        `${(tshark.packetsPerSecond / 1e6).toFixed(3)} Mpkt/s, peak RSS ${mb(tshark.maxRssBytes)} MB, exit ${tshark.exitCode}`);
      if (full !== undefined) {
        console.log(`ratio (c) / tshark: ${(full.packetsPerSecond / tshark.packetsPerSecond).toFixed(1)}× the packets/s, ` +
          `${(tshark.maxRssBytes / full.maxRssBytes).toFixed(1)}× less peak RSS`);
      }
      if (cliJson !== undefined) {
        console.log(`ratio (f) CLI json time / tshark time: ${(cliJson.medianSeconds / tshark.wallSeconds).toFixed(3)} (${(cliJson.packetsPerSecond / tshark.packetsPerSecond).toFixed(1)}× the packets/s)`);
      }
    }
  }
  if (args.includes('--rss')) {
    const small = await corpus({ ...DEFAULT_CORPORA.plain, packets: 200_000 });
    await rssBySize(small, files.plain);
  }
  if (args.includes('--replay')) {
    console.log('');
    for (const l of await benchReplay(Math.min(iterations, 3))) console.log(l);
  }
  const loadAfter = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`load average before: ${info['load']}, after: ${loadAfter} (${info['cores']} cores)`);
  const out = join(BENCH_DIR, 'results.json');
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), machine: { ...info, loadAfter }, iterations, corpora: files, modes: results, tshark }, null, 2)}\n`);
  console.log(`results: ${out}`);
  // --profile profiles mode (c); --profile=analyze (or read, decode) another one.
  const profile = args.find((a) => a === '--profile' || a.startsWith('--profile='));
  if (profile !== undefined) {
    const mode = profile === '--profile' ? BenchMode.Pipeline : profile.slice('--profile='.length);
    if (!(Object.values(BenchMode) as string[]).includes(mode)) {
      throw new ConfigError(`--profile=${mode}: expected one of ${Object.values(BenchMode).join(', ')}`);
    }
    // The decrypting mode is profiled on the keyed corpus, the only one with keys.
    const keyedMode = mode === BenchMode.PipelineKeys;
    if (keyedMode && files.keyed === undefined) throw new ConfigError(`--profile=${mode} needs the keyed corpus: add j or k to --only`);
    profileMode(mode as BenchMode, keyedMode ? files.keyed! : files.plain);
  }
}

await main();
