/**
 * analyze-fuzz.test.ts: `wirelab analyze` on mutated real captures (test/support/fuzz.ts), as an outsider
 * would try it: every input ends with exit 0 or a one-line `error [CODE]` that is not ERR_INTERNAL, within
 * 10 s, under 300 MB RSS. Most cases run the CLI's analyze action in-process; a sample runs the real binary.
 * Every input that ever failed is kept in test/fixtures/fuzz-regressions/ and replayed here.
 * The long run is `npm run fuzz` (script/fuzz.ts).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORMATS, loadSeeds, makeCase, runAnalyzeAction, type FuzzSeed } from '../../support/fuzz.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const REGRESSIONS = join(ROOT, 'test', 'fixtures', 'fuzz-regressions');
const CASE_LIMIT_MS = 10_000;
const RSS_LIMIT_BYTES = 300 * 1024 * 1024;
const ONE_LINE_ERROR = /^error \[(ERR_[A-Z_]+)\]: [^\n]*\n$/;

describe('fuzz: wirelab analyze on mutated captures', function () {
  this.timeout(600_000);
  let seeds: FuzzSeed[];
  let dir: string;
  // This process is the whole test suite: what its earlier tests hold is not a case's memory. The
  // in-process cases are held to the limit above this baseline; the CLI sample below measures real RSS.
  let baselineRss = 0;

  before(async () => {
    seeds = await loadSeeds();
    dir = mkdtempSync(join(tmpdir(), 'wirelab-fuzz-'));
    baselineRss = process.memoryUsage().rss;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs one input in-process; returns a description of the failure, or undefined. */
  async function check(bytes: Buffer, label: string, n: number): Promise<string | undefined> {
    const path = join(dir, 'case.pcap');
    writeFileSync(path, bytes);
    const outcome = await runAnalyzeAction(path, FORMATS[n % FORMATS.length]!);
    if (outcome.internal) return `${label}: ${outcome.line?.split('\n')[0]}`;
    if (outcome.line !== undefined && outcome.line.includes('\n')) return `${label}: error is not one line: ${outcome.line}`;
    if (outcome.ms > CASE_LIMIT_MS) return `${label}: took ${Math.round(outcome.ms)} ms`;
    const grown = process.memoryUsage().rss - baselineRss;
    if (grown > RSS_LIMIT_BYTES) return `${label}: RSS grew by ${Math.round(grown / 2 ** 20)} MB during the fuzz cases`;
    return undefined;
  }

  it('survives 2,000 mutations (flips, overwrites, truncations, splices, length edits, snapshot cuts, duplicated/reordered/dropped records)', async () => {
    const failures: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const c = makeCase(seeds, 20261203, i);
      const failure = await check(c.bytes, `case ${i} (${c.kind} of ${c.seed})`, i);
      if (failure !== undefined) failures.push(failure);
    }
    expect(failures.slice(0, 10), `${failures.length} of 2000 cases failed (replay: makeCase(seeds, 20261203, i))`).to.deep.equal([]);
  });

  it('survives a TLS capture truncated at every length', async () => {
    const seed = seeds.find((s) => s.name === 'tls/21_tls12_alert.pcap')!;
    const failures: string[] = [];
    for (let n = 0; n <= seed.bytes.length; n++) {
      const failure = await check(seed.bytes.subarray(0, n), `${seed.name} cut at ${n}`, n);
      if (failure !== undefined) failures.push(failure);
    }
    expect(failures.slice(0, 10), `${failures.length} truncations failed`).to.deep.equal([]);
  });

  it('survives every input that ever failed (test/fixtures/fuzz-regressions/) in every format', async () => {
    const names = readdirSync(REGRESSIONS).filter((n) => /\.(pcap|pcapng|cap)$/.test(n)).sort();
    expect(names.length).to.be.greaterThan(0);
    const failures: string[] = [];
    for (const name of names) {
      for (let f = 0; f < FORMATS.length; f++) {
        const failure = await check(readFileSync(join(REGRESSIONS, name)), `${name} --format ${FORMATS[f]}`, f);
        if (failure !== undefined) failures.push(failure);
      }
    }
    expect(failures).to.deep.equal([]);
  });

  it('keeps the exit-code, one-line error and RSS contract through the real CLI binary (sample of 8)', function () {
    const failures: string[] = [];
    const outcomes = new Set<string>();
    for (let i = 0; i < 8; i++) {
      // A spread of kinds: every 7th case of the same run as above.
      const c = makeCase(seeds, 20261203, i * 7);
      const path = join(dir, `cli-${i}.pcap`);
      writeFileSync(path, c.bytes);
      const format = FORMATS[i % FORMATS.length]!;
      const rssFile = join(dir, `cli-${i}.rss`);
      const r = spawnSync('/usr/bin/time', ['-o', rssFile, '-f', 'maxrss_kb=%M', process.execPath, join(ROOT, 'bin', 'wirelab.js'), 'analyze', path, '--format', format], {
        encoding: 'utf8',
        timeout: CASE_LIMIT_MS + 20_000, // the binary's own start (tsx) is not the analysis; checked below
        maxBuffer: 64 << 20,
      });
      const label = `cli case ${i * 7} (${c.kind} of ${c.seed}, --format ${format})`;
      const rssLine = /maxrss_kb=(\d+)/.exec(readFileSync(rssFile, 'utf8'));
      const stderr = r.stderr;
      if (r.error !== undefined) failures.push(`${label}: ${r.error.message}`);
      else if (r.status === 0) {
        if (stderr !== '') failures.push(`${label}: exit 0 with stderr ${JSON.stringify(stderr)}`);
        outcomes.add('exit 0');
      } else {
        const m = ONE_LINE_ERROR.exec(stderr);
        if (r.status !== 2 || m === null) failures.push(`${label}: exit ${r.status}, stderr ${JSON.stringify(stderr.slice(0, 300))}`);
        else if (m[1] === 'ERR_INTERNAL') failures.push(`${label}: ${stderr.trim()}`);
        else outcomes.add(m[1]!);
      }
      if (rssLine === null) failures.push(`${label}: no RSS from /usr/bin/time`);
      else if (Number(rssLine[1]) * 1024 > RSS_LIMIT_BYTES) failures.push(`${label}: RSS ${rssLine[1]} kB`);
    }
    expect(failures).to.deep.equal([]);
    // The sample must exercise both endings, or it checks nothing.
    expect([...outcomes]).to.include('exit 0');
    expect(outcomes.size).to.be.greaterThan(1);
  });
});
