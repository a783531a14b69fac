/**
 * A user's own project, as after `npm install wirelab`: `npm pack`'s tarball installed into a temporary
 * project, which then runs its own scenario through the CLI (`wirelab run wirelab/`) and through mocha
 * (`scenarioTest`), and gets a failure that explains itself, GitHub annotations and valid JUnit XML.
 *
 * Bounded and offline: the project's lockfile pins every dependency to the tarball and integrity of
 * wirelab's own lockfile (test/support/offline-lock.ts), so `npm ci --offline` takes them from npm's
 * cache (filled by the checkout's own `npm ci`) and never asks a registry; each step has a time limit.
 * Packing builds dist/ (prepack), about a minute on this machine.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { offlineLock } from '../../support/offline-lock.js';
import { skipBecause } from '../../support/skip.js';

const root = new URL('../../../', import.meta.url).pathname;
const isRoot = process.getuid?.() === 0;

function sh(command: string, args: readonly string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

describe('a user project with the packed package', function () {
  this.timeout(600_000);
  let work: string;
  let project: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'wirelab-user-'));
    project = join(work, 'my-net-tests');
    const pack = sh('npm', ['pack', '--silent', '--pack-destination', work], root, 240_000);
    if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr || pack.error?.message}`);
    const tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
    const { lock, packageJson } = offlineLock('my-net-tests', join(root, 'package-lock.json'), join(root, 'package.json'), tarball, ['mocha']);
    sh('mkdir', ['-p', project], work, 5_000);
    // npm 11 asks which packages may run install scripts: cap builds against libpcap, esbuild fetches nothing (its binary is a dependency).
    writeFileSync(join(project, 'package.json'), JSON.stringify({ ...(packageJson as object), allowScripts: { cap: true, esbuild: true } }, null, 2));
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(lock, null, 2));
    // node-gyp builds cap against the installed node's headers instead of downloading them.
    const install = sh('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], project, 300_000, existsSync('/usr/include/node/node.h') ? { npm_config_nodedir: '/usr' } : {});
    if (install.status !== 0) throw new Error(`npm ci --offline failed (is npm's cache filled by the checkout's npm ci?): ${install.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const wirelab = (args: readonly string[], env: NodeJS.ProcessEnv = {}) => sh(process.execPath, [join(project, 'node_modules/.bin/wirelab'), ...args], project, 180_000, env);

  it('installs only the built package (no sources), and its exports resolve from the project', () => {
    const installed = join(project, 'node_modules/wirelab');
    expect(existsSync(join(installed, 'dist/harness/scenario/index.js'))).to.equal(true);
    expect(existsSync(join(installed, 'harness'))).to.equal(false);
    const probe = sh(process.execPath, ['--input-type=module', '-e', "const s = await import('wirelab/scenario'); const h = await import('wirelab/harness'); console.log(typeof s.defineScenario, typeof s.count, typeof h.scenarioTest, typeof h.runScenario)"], project, 60_000);
    expect(probe.stdout.trim(), probe.stderr).to.equal('function function function function');
  });

  it('wirelab init writes a starter scenario, a mocha test and a CI workflow, and will not overwrite them', () => {
    const r = wirelab(['init']);
    expect(r.status, r.stderr).to.equal(0);
    for (const f of ['wirelab/lost-segment.scenario.mts', 'test/wirelab.test.mts', '.github/workflows/wirelab.yml']) expect(existsSync(join(project, f)), f).to.equal(true);
    expect(readFileSync(join(project, 'wirelab/lost-segment.scenario.mts'), 'utf8')).to.include("from 'wirelab/scenario'");
    const again = wirelab(['init']);
    expect(again.status).to.equal(2);
    expect(again.stderr).to.match(/^error \[ERR_CONFIG\]: init: wirelab\/lost-segment\.scenario\.mts, .* already exist; rerun with --force to overwrite/);
  });

  it('@netns runs its own TypeScript scenario through the CLI', function () {
    if (!isRoot) skipBecause(this, 'needs root for namespaces, veths and libpcap');
    const r = wirelab(['run', 'wirelab/', '--out', join(work, 'runs')]);
    expect(r.status, `${r.stdout}\n${r.stderr}`).to.equal(0);
    expect(r.stdout).to.match(/^PASS lost-segment \(seed \d+, capture server\)/m);
    // The chains as run are on stdout, not only in timeline.txt.
    expect(r.stdout).to.match(/^ {2}impairments: uplink \S.*; downlink .*\S$/m);
    expect(r.stdout).to.match(/ok {3}count tcp\.analysis\.fast_retransmission exactly 1: found 1/);
  });

  it('@netns runs the same scenario as a mocha test (scenarioTest), also under mocha --parallel', function () {
    if (!isRoot) skipBecause(this, 'needs root for namespaces, veths and libpcap');
    const mocha = join(project, 'node_modules/.bin/mocha');
    const serial = sh(process.execPath, [mocha, '--import=tsx', 'test/wirelab.test.mts'], project, 180_000);
    expect(serial.status, `${serial.stdout}\n${serial.stderr}`).to.equal(0);
    // mocha colours its output when it believes it runs in CI (CI=true): compare the plain text.
    // eslint-disable-next-line no-control-regex
    expect(serial.stdout.replace(/\u001b\[[0-9;]*m/g, '')).to.match(/✔ lost-segment: one lost download segment/);
    const parallel = sh(process.execPath, [mocha, '--import=tsx', '--parallel', '--jobs', '2', '--reporter', 'dot', 'test/wirelab.test.mts'], project, 180_000);
    expect(parallel.status, `${parallel.stdout}\n${parallel.stderr}`).to.equal(0);
    expect(parallel.stdout).to.match(/1 passing/);
  });

  it('@netns a failed expectation exits 1, explains itself, annotates the file and writes valid JUnit', function () {
    if (!isRoot) skipBecause(this, 'needs root for namespaces, veths and libpcap');
    // Server-side capture: the resend is a Fast Retransmission, so expecting Out-Of-Order must fail.
    const text = readFileSync(join(project, 'wirelab/lost-segment.scenario.mts'), 'utf8')
      .replace("name: 'lost-segment'", "name: 'expects-out-of-order'")
      .replace("count('zero_window', exactly(0))", "count('out_of_order', exactly(1))");
    writeFileSync(join(project, 'wirelab/expects-out-of-order.scenario.mts'), text);
    const junit = join(work, 'junit.xml');
    const r = wirelab(['run', 'wirelab/expects-out-of-order.scenario.mts', '--out', join(work, 'runs'), '--junit', junit], { GITHUB_ACTIONS: 'true' });
    expect(r.status, `${r.stdout}\n${r.stderr}`).to.equal(1);
    expect(r.stdout).to.match(/FAIL count tcp\.analysis\.out_of_order exactly 1: found 0 \(none\)\n {7}frame \d+ resends seq \d+ but \d+ dup ACKs of seq \d+ preceded it within 20 ms, so it is a Fast Retransmission/);
    expect(r.stdout).to.match(/^::error file=wirelab\/expects-out-of-order\.scenario\.mts,line=\d+,title=wirelab expects-out-of-order%3A count tcp\.analysis\.out_of_order exactly 1::expected exactly 1/m);
    if (spawnSync('xmllint', ['--version']).status === 0) {
      const lint = sh('xmllint', ['--noout', '--schema', join(root, 'test/fixtures/junit/junit.xsd'), junit], work, 30_000);
      expect(lint.status, lint.stderr).to.equal(0);
    }
    expect(readFileSync(junit, 'utf8')).to.include('<failure message="expected exactly 1 tcp.analysis.out_of_order, found 0 (none)"');
  });
});
