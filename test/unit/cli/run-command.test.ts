/**
 * `wirelab run`, `list` and `cleanup` as a user meets them: bad input and a missing environment give
 * one-line errors with exit code 2; as root, a run writes its artefacts and leaves nothing behind,
 * also when interrupted with Ctrl-C.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerPidOf } from '../../../harness/cleanup.js';
import { skipBecause } from '../../support/skip.js';

const root = new URL('../../../', import.meta.url).pathname;
const bin = join(root, 'bin/wirelab.js');
const isRoot = process.getuid?.() === 0;

function wirelab(args: readonly string[], nodeArgs: readonly string[] = [], uid?: number) {
  const command = uid === undefined ? process.execPath : 'setpriv';
  const prefix = uid === undefined ? [] : [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', process.execPath];
  const r = spawnSync(command, [...prefix, ...nodeArgs, bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, pid: r.pid };
}

function ourNamespaces(): string[] {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return (r.stdout ?? '').split('\n').filter((l) => l.startsWith('wl-'));
}

describe('wirelab run, list and cleanup', function () {
  this.timeout(120_000);
  let out: string;
  before(() => {
    out = mkdtempSync(join(tmpdir(), 'wirelab-run-'));
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('lists every scenario with its capture point', () => {
    const r = wirelab(['list']);
    expect(r.status, r.stderr).to.equal(0);
    for (const name of ['tcp-handshake', 'fast-retransmission', 'capture-loss', 'dual-connections', 'lab-report']) {
      expect(r.stdout).to.match(new RegExp(`^${name}\\s+capture (client|server)`, 'm'));
    }
  });

  it('rejects an unknown scenario with the list of known ones and exit code 2', () => {
    const r = wirelab(['run', 'no-such-scenario']);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/^error \[ERR_CONFIG\]: unknown scenario "no-such-scenario"; known: tcp-handshake, /);
  });

  it('rejects a bad impairment expression with exit code 2', () => {
    const r = wirelab(['run', 'tcp-handshake', '--downlink', 'loss 150%']);
    expect(r.status).to.equal(2);
    expect(r.stderr.trim()).to.equal('error [ERR_CONFIG]: impairment "loss": rate must be between 0 and 1 (got 1.5)');
  });

  it('says that namespaces need root, with exit code 2, when run unprivileged', function () {
    // As root, drop to nobody; otherwise this process is already unprivileged.
    const r = isRoot ? wirelab(['run', 'tcp-handshake', '--out', out], [], 65534) : wirelab(['run', 'tcp-handshake', '--out', out]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/^error \[ERR_ENVIRONMENT\]: network namespaces need root: /m);
  });

  it('refuses to replay a recording over other chains than it was made with, before any namespace exists', () => {
    const log = join(out, 'other-impairments.jsonl');
    writeFileSync(log, `${JSON.stringify({ recording: 2, seed: 11, uplink: 'delay 87.5ms', downlink: 'delay 87.5ms' })}\n`);
    const r = wirelab(['run', 'fast-retransmission', '--replay-impairments', log, '--out', out]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/^error \[ERR_CONFIG\]: replay: the recording's uplink chain was "delay 87.5ms" but this run's is "delay 20ms"; replay it with the same scenario and impairment options$/m);
  });

  it('says how to install libpcap when the cap binding cannot load', function () {
    if (!isRoot) skipBecause(this, 'the root check comes first; needs root');
    const r = wirelab(['run', 'tcp-handshake', '--out', out], ['--require', join(root, 'test/support/hide-cap.cjs')]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(
      /^error \[ERR_ENVIRONMENT\]: cap \(libpcap binding\) failed to load \(libpcap\.so\.0\.8: cannot open shared object file: No such file or directory\): install libpcap-dev and run npm ci$/m,
    );
    // Only this run's namespaces count (run ids carry their owner's pid): other runs may be going on.
    expect(ourNamespaces().filter((n) => ownerPidOf(n.slice(3, -2)) === r.pid)).to.deep.equal([]);
  });

  it('@netns writes the capture, key log, decisions, analysis and timeline of a run', function () {
    if (!isRoot) skipBecause(this, 'needs root for network namespaces');
    const r = wirelab(['run', 'tcp-handshake', '--out', out, '--seed', '7']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^PASS tcp-handshake \(seed 7, capture client\)/);
    for (const file of ['capture.pcapng', 'sslkeylog.txt', 'impairments.jsonl', 'analysis.json', 'timeline.txt']) {
      expect(existsSync(join(out, 'tcp-handshake', file)), file).to.equal(true);
    }
  });

  it('@netns removes its namespaces when interrupted with Ctrl-C (SIGINT)', async function () {
    if (!isRoot) skipBecause(this, 'needs root for network namespaces');
    const before = new Set(ourNamespaces());
    const child = spawn(process.execPath, [bin, 'run', 'lab-report', '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no traffic phase within 60 s: ${stderr}`)), 60_000);
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('traffic…')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal === 'SIGINT' ? 130 : null))));
    expect(code).to.not.equal(0);
    // Only this child's namespaces count: run ids carry their owner's pid, so concurrent runs are ignored.
    const left = ourNamespaces().filter((n) => !before.has(n) && ownerPidOf(n.slice(3, -2)) === child.pid);
    expect(left).to.deep.equal([]);
  });
});
