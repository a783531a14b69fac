/**
 * fuzz.ts: `npm run fuzz [-- CASES [SEED]]`: the long run of test/support/fuzz.ts (default 100,000 cases).
 * Each case runs the CLI's analyze action in-process, as `wirelab analyze FILE --format text|jsonl|json`
 * does; every 500th case also runs through the real binary (exit code, one-line error, RSS by
 * /usr/bin/time). A case that ends in ERR_INTERNAL, a multi-line error, > 10 s or > 300 MB is a failure:
 * its input is saved to test/fixtures/fuzz-regressions/ (replayed by npm test) and the run exits 1.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digest, FORMATS, loadSeeds, makeCase, runAnalyzeAction } from '../test/support/fuzz.js';

const ROOT = join(import.meta.dirname, '..');
const REGRESSIONS = join(ROOT, 'test', 'fixtures', 'fuzz-regressions');
const LIMIT_MS = 10_000;
const LIMIT_RSS = 300 * 1024 * 1024;
const CLI_EVERY = 500;

const cases = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
const seeds = await loadSeeds();
const dir = mkdtempSync(join(tmpdir(), 'wirelab-fuzz-'));
const started = performance.now();
const outcomes = new Map<string, number>();
const failures: string[] = [];
let maxRss = 0;
let maxMs = 0;
let cliRuns = 0;
let cliMaxRssKb = 0;

function fail(what: string, bytes: Buffer): void {
  const name = `fuzz-${digest(bytes)}.pcap`;
  writeFileSync(join(REGRESSIONS, name), bytes);
  failures.push(`${what} → test/fixtures/fuzz-regressions/${name}`);
  process.stderr.write(`FAIL ${what}\n`);
}

try {
  for (let i = 0; i < cases; i++) {
    const c = makeCase(seeds, seed, i);
    const path = join(dir, 'case.pcap');
    writeFileSync(path, c.bytes);
    const format = FORMATS[i % FORMATS.length]!;
    const o = await runAnalyzeAction(path, format);
    const what = `case ${i} seed ${seed} (${c.kind} of ${c.seed}, --format ${format})`;
    const code = o.line === undefined ? 'exit 0' : (/^error \[([A-Z_]+)\]/.exec(o.line)?.[1] ?? 'unknown');
    outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
    maxMs = Math.max(maxMs, o.ms);
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
    if (o.internal) fail(`${what}: ${o.line!.split('\n')[0]}`, c.bytes);
    else if (o.line?.includes('\n')) fail(`${what}: error of several lines`, c.bytes);
    else if (o.ms > LIMIT_MS) fail(`${what}: ${Math.round(o.ms)} ms`, c.bytes);
    else if (process.memoryUsage().rss > LIMIT_RSS) fail(`${what}: RSS ${process.memoryUsage().rss >> 20} MB`, c.bytes);
    if (i % CLI_EVERY === 0) {
      cliRuns++;
      const rssFile = join(dir, 'rss');
      const r = spawnSync('/usr/bin/time', ['-o', rssFile, '-f', '%M', process.execPath, join(ROOT, 'bin', 'wirelab.js'), 'analyze', path, '--format', format], {
        encoding: 'utf8',
        timeout: LIMIT_MS + 20_000,
        maxBuffer: 256 << 20,
      });
      const rssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
      cliMaxRssKb = Math.max(cliMaxRssKb, rssKb);
      const oneLine = /^error \[(ERR_[A-Z_]+)\]: [^\n]*\n$/.exec(r.stderr);
      const ok = r.error === undefined && ((r.status === 0 && r.stderr === '') || (r.status === 2 && oneLine !== null && oneLine[1] !== 'ERR_INTERNAL'));
      if (!ok) fail(`cli ${what}: exit ${r.status}, stderr ${JSON.stringify(r.stderr.slice(0, 300))}`, c.bytes);
      else if (rssKb * 1024 > LIMIT_RSS) fail(`cli ${what}: RSS ${rssKb} kB`, c.bytes);
    }
    if ((i + 1) % 10_000 === 0) process.stderr.write(`${i + 1}/${cases} cases, ${Math.round((performance.now() - started) / 1000)} s\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${cases} cases (seed ${seed}) in ${seconds.toFixed(0)} s (${((seconds * 1000) / cases).toFixed(1)} ms/case); ` +
    `${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}; slowest ${Math.round(maxMs)} ms; max RSS ${maxRss >> 20} MB in-process; ` +
    `${cliRuns} through the binary, max RSS ${Math.round(cliMaxRssKb / 1024)} MB; ${failures.length} failures\n`,
);
for (const f of failures) process.stdout.write(`  ${f}\n`);
process.exitCode = failures.length === 0 ? 0 : 1;
