/**
 * `wirelab run`'s suite features without root: targets (files, directories, globs), --shard coverage,
 * JUnit XML valid against test/fixtures/junit/junit.xsd (xmllint), GitHub annotations and pass rates.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveScenarios, shardOf } from '../../../cli/actions/load-scenarios.js';
import type { RunRecord, RunSummary } from '../../../cli/actions/run.js';
import { formatGithubAnnotations, formatJunit, formatPassRates, parseReporters } from '../../../cli/actions/run-reports.js';
import { skipBecause } from '../../support/skip.js';

const root = new URL('../../../', import.meta.url).pathname;
const bin = join(root, 'bin/wirelab.js');
const suite = join(root, 'test/fixtures/user-scenarios/suite');
const xsd = join(root, 'test/fixtures/junit/junit.xsd');

function wirelab(args: readonly string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, cwd: root });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const timings = { setupMs: 900, topologyUpMs: 120, trafficMs: 600, analyzeMs: 50, teardownMs: 100, topologyDownMs: 60, totalMs: 1700 };

function record(run: number, seed: number, ok: boolean): RunRecord {
  return {
    name: 'user-lost-segment',
    file: 'test/fixtures/user-scenarios/suite/lost-segment.scenario.ts',
    run,
    seed,
    ok,
    dir: `/tmp/runs/user-lost-segment/run-${run}`,
    capturePoint: 'server',
    timings,
    outcomes: [
      { label: 'count tcp.analysis.duplicate_ack at least 2', ok: true, expected: 'at least 2 tcp.analysis.duplicate_ack', found: '3 (frames 97, 98, 99)', tolerance: '2..∞', explanation: [] },
      {
        label: 'count tcp.analysis.fast_retransmission exactly 1',
        ok,
        expected: 'exactly 1 tcp.analysis.fast_retransmission',
        found: ok ? '1 (frame 102)' : '0 (none)',
        tolerance: '',
        explanation: ok ? [] : ['frame 95 resends seq 41985 but only 1 dup ACK preceded it (Wireshark needs 2), so it is Out-Of-Order'],
      },
    ],
    failures: ok ? [] : ['expected exactly 1 tcp.analysis.fast_retransmission, found 0 (none)'],
    summary: [],
    chains: { uplink: 'delay 25ms', downlink: 'drop-nth 30 data | delay 25ms' },
    // The failed run lost one server frame outside the impairments (a busy machine).
    path: { uplink: { sent: 20, received: 20, failedSends: 0 }, downlink: { sent: 190, received: ok ? 190 : 189, failedSends: 0 }, lost: ok ? 0 : 1 },
    ...(ok ? {} : { error: { message: 'user-lost-segment: expected exactly 1 … <&> "quoted"', timeline: '>>   95   0.2 S>C . 41985:43433 [out_of_order]' } }),
  };
}

const summary: RunSummary = { name: 'user-lost-segment', file: 'test/fixtures/user-scenarios/suite/lost-segment.scenario.ts', runs: 3, passed: 2, results: [record(1, 7, true), record(2, 8, false), record(3, 9, true)] };

describe('unit', () => {
  describe('wirelab run suites: targets, shards and reports', function () {
    this.timeout(60_000);

    it("loads a user's TypeScript and JavaScript scenario files from a directory, in path order", async () => {
      const sources = await resolveScenarios([suite]);
      expect(sources.map((s) => s.scenario.name)).to.deep.equal(['user-handshake', 'user-handshake-rst', 'user-lost-segment']);
      expect(sources[2]!.scenario.tcp).to.include({ sack: false, rack: false, tlp: false, delayedAck: false });
      expect(sources[2]!.scenario.route).to.deep.equal({ quickack: true, initcwnd: 10 });
      const globbed = await resolveScenarios([join(root, 'test/fixtures/user-scenarios/**/lost-*.scenario.ts'), 'tcp-handshake']);
      expect(globbed.map((s) => s.scenario.name)).to.deep.equal(['user-lost-segment', 'tcp-handshake']);
    });

    it('covers the suite exactly once with --shard 1/2 and 2/2 (the CLI, dry run)', () => {
      const all = wirelab(['run', '--all', suite, '--dry-run']);
      const one = wirelab(['run', '--all', suite, '--shard', '1/2', '--dry-run']);
      const two = wirelab(['run', '--all', suite, '--shard', '2/2', '--dry-run']);
      for (const r of [all, one, two]) expect(r.status, r.stderr).to.equal(0);
      const names = (r: { stdout: string }): string[] => r.stdout.trim().split('\n').map((l) => l.split('\t')[0]!);
      expect(names(all)).to.have.length(20); // the 17 bundled scenarios and the 3 files of the user suite
      expect([...names(one), ...names(two)].sort()).to.deep.equal([...names(all)].sort());
      expect(names(one).filter((n) => names(two).includes(n))).to.deep.equal([]);
      expect(shardOf([1, 2, 3, 4, 5], '2/2')).to.deep.equal([2, 4]);
      expect(() => shardOf([1], '3/2')).to.throw('--shard 3/2: expected I/N with 1 <= I <= N, e.g. 1/2');
    });

    it('rejects bad targets in one line with exit code 2', () => {
      const typo = wirelab(['run', 'test/fixtures/user-scenarios/broken/typo.scenario.mjs']);
      expect(typo.status).to.equal(2);
      expect(typo.stderr).to.match(/^error \[ERR_CONFIG\]: test\/fixtures\/user-scenarios\/broken\/typo\.scenario\.mjs: unknown flag id "fast_retransmision" \(did you mean fast_retransmission\?\); known: retransmission, /);
      expect(wirelab(['run', 'no/such/dir/']).stderr.trim()).to.equal('error [ERR_CONFIG]: scenario file no/such/dir/: not found');
      expect(wirelab(['run', 'nothing-*.scenario.ts']).stderr.trim()).to.equal('error [ERR_CONFIG]: no scenario files match "nothing-*.scenario.ts"');
      expect(wirelab(['run', 'tcp-handshake', '--reporter', 'junit']).stderr.trim()).to.equal('error [ERR_CONFIG]: --reporter junit: name the file, e.g. --reporter junit:reports/wirelab.xml');
    });

    it('writes JUnit XML that validates against the JUnit XSD', function () {
      if (spawnSync('xmllint', ['--version']).status !== 0) skipBecause(this, 'xmllint is missing: apt-get install libxml2-utils (script/setup.sh does)');
      const dir = mkdtempSync(join(tmpdir(), 'wirelab-junit-'));
      try {
        const file = join(dir, 'report.xml');
        writeFileSync(file, formatJunit([summary, { ...summary, name: 'tcp-handshake', runs: 1, passed: 1, results: [record(1, 3, true)] }], 5100));
        const r = spawnSync('xmllint', ['--noout', '--schema', xsd, file], { encoding: 'utf8' });
        expect(r.status, r.stderr).to.equal(0);
        const text = formatJunit([summary], 5100);
        expect(text).to.match(/<testsuites name="wirelab run" tests="3" failures="1" errors="0" time="5\.100">/);
        expect(text).to.include('<failure message="expected exactly 1 tcp.analysis.fast_retransmission, found 0 (none)" type="ExpectationFailed">');
        expect(text).to.include('so it is Out-Of-Order');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('prints GitHub annotations on the scenario file, escaped, and turns them on under GITHUB_ACTIONS', () => {
      const text = formatGithubAnnotations([summary]);
      expect(text.trim().split('\n')).to.have.length(1);
      expect(text).to.match(/^::error file=test\/fixtures\/user-scenarios\/suite\/lost-segment\.scenario\.ts,line=\d+,title=wirelab user-lost-segment%3A count tcp\.analysis\.fast_retransmission exactly 1::expected exactly 1/);
      expect(text).to.include('%0Aframe 95 resends seq 41985');
      expect(parseReporters([], undefined, { GITHUB_ACTIONS: 'true' })).to.deep.equal({ junit: undefined, github: true });
      expect(parseReporters(['junit=out.xml', 'github'], undefined, {})).to.deep.equal({ junit: 'out.xml', github: true });
    });

    it('prints per-expectation pass rates with the seeds and explanation of each way it failed', () => {
      const text = formatPassRates(summary);
      expect(text).to.include('user-lost-segment: 2/3 passed (67%)');
      expect(text).to.match(/ 3\/3 count tcp\.analysis\.duplicate_ack at least 2\n/);
      expect(text).to.match(/ 2\/3 count tcp\.analysis\.fast_retransmission exactly 1\n\s+1× found 0 \(none\) \(seed 8\)\n\s+e\.g\. frame 95 resends/);
      expect(text).to.include('1 run lost frames outside the impairments (the machine was too busy; 1 of them failed): seed 8');
    });
  });
});
