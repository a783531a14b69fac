import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL('../../../', import.meta.url).pathname;
const bin = join(root, 'bin/wirelab.js');
const fixture = (rel: string): string => join(root, 'test/fixtures/captures', rel);

function wirelab(args: readonly string[], input?: Buffer): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'buffer', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

describe('wirelab analyze', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wirelab-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a packet list with Wireshark tags, the conversations and the expert summary', () => {
    const r = wirelab(['analyze', fixture('kernel/02_lost_fast_retrans.pcap')]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^\s+44 .*\[TCP Previous segment not captured\]/m);
    expect(r.stdout).to.match(/^\s+45 .*\[TCP Dup ACK 43#1\]/m);
    expect(r.stdout).to.match(/^\s+78 .*\[TCP Fast Retransmission\]/m);
    expect(r.stdout).to.contain('Conversations (1)');
    expect(r.stdout).to.match(/1\s+sequence\s+TCP\s+This frame is a \(suspected\) fast retransmission/);
  });

  it('writes one JSON object per frame whose stream and flags equal the tshark oracle', () => {
    const file = fixture('kernel/04_dup_spurious.pcap');
    const r = wirelab(['analyze', file, '--format', 'jsonl']);
    expect(r.status, r.stderr).to.equal(0);
    const ours = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { frame: number; stream: number; flags: string[] });
    const oracle = readFileSync(`${file}.oracle.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { frame: number; stream: number; flags: string[] });
    expect(ours.map((o) => [o.frame, o.stream, o.flags])).to.deep.equal(oracle.map((o) => [o.frame, o.stream, o.flags]));
  });

  it('reads a gzip-compressed capture from standard input', () => {
    const bytes = gzipSync(readFileSync(fixture('tls/23_tls12_full_handshake.pcap')));
    const r = wirelab(['analyze', '-', '--format', 'jsonl'], bytes);
    expect(r.status, r.stderr).to.equal(0);
    const frames = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { tls: { handshake_types: number[] } | null });
    expect(frames).to.have.length(39);
    expect(frames[3]!.tls!.handshake_types).to.deep.equal([1]);
  });

  it('filters the packet list by stream and by flag', () => {
    const r = wirelab(['analyze', fixture('kernel/02_lost_fast_retrans.pcap'), '--flag', 'fast_retransmission']);
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.split("\n").filter((l) => /^\s+\d+\s+\d+\.\d{6} /.test(l));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^\s+78 /);
    const s = wirelab(['analyze', fixture('kernel/11_reused_ports.pcap'), '--stream', '1', '--format', 'jsonl']);
    const streams = new Set(s.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { stream: number }).stream));
    expect([...streams]).to.deep.equal([1]);
  });

  it('prints the frames before the damage, then a one-line error with exit code 2, for a truncated capture', () => {
    const whole = readFileSync(fixture('kernel/01_handshake_fin_close.pcap'));
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 10));
    const r = wirelab(['analyze', cut, '--format', 'jsonl']);
    expect(r.status).to.equal(2);
    expect(r.stdout.trim().split('\n')).to.have.length(34);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/^error \[ERR_CAPTURE_FORMAT\]: .*cut\.pcap: .*offset \d+/);
  });

  it('rejects an empty file, a missing file and an unknown flag with exit code 2', () => {
    const empty = join(dir, 'empty.pcap');
    writeFileSync(empty, Buffer.alloc(0));
    const e = wirelab(['analyze', empty]);
    expect(e.status).to.equal(2);
    expect(e.stderr).to.match(/^error \[ERR_CAPTURE_FORMAT\]: .*empty/);
    for (const format of ['text', 'json', 'jsonl']) {
      const missing = join(dir, 'nope.pcap');
      const m = wirelab(['analyze', missing, '--format', format]);
      expect(m.status, format).to.equal(2);
      expect(m.stdout, `${format}: nothing printed before the error`).to.equal('');
      expect(m.stderr.trim().split('\n').pop(), format).to.equal(`error [ERR_FILE_NOT_FOUND]: ${missing}: no such file`);
    }
    const f = wirelab(['analyze', empty, '--flag', 'bogus']);
    expect(f.status).to.equal(2);
    expect(f.stderr).to.match(/^error \[ERR_CONFIG\]: unknown flag id "bogus"; known: /);
  });

  describe('parallel connections', () => {
    const sequential = fixture('user/five-sequential-curls.pcap');
    const concurrent = fixture('user/two-parallel-curls.pcap');
    type Json = { parallelWindowMs: number; parallelConnections: { streams: number[] }[]; conversations: unknown[] };
    const json = (args: string[]): Json => {
      const r = wirelab(['analyze', ...args, '--format', 'json']);
      expect(r.status, r.stderr).to.equal(0);
      return JSON.parse(r.stdout) as Json;
    };

    it('does not group five sequential connections (each closed before the next opened)', () => {
      const report = json([sequential]);
      expect(report.conversations).to.have.length(5);
      expect(report.parallelConnections).to.deep.equal([]);
      expect(report.parallelWindowMs).to.equal(1000);
      const text = wirelab(['analyze', sequential, '--no-packets']);
      expect(text.stdout).to.contain('Parallel connections (opened within 1000 ms of each other, open at the same time): none');
    });

    it('groups two connections open at the same time, with the window printed and settable', () => {
      expect(json([concurrent]).parallelConnections.map((p) => p.streams)).to.deep.equal([[0, 1]]);
      const narrow = json([concurrent, '--parallel-window', '0.01']);
      expect(narrow.parallelWindowMs).to.equal(0.01);
      expect(narrow.parallelConnections).to.deep.equal([]);
      const text = wirelab(['analyze', concurrent, '--no-packets', '--parallel-window', '250']);
      expect(text.stdout).to.match(/^Parallel connections \(opened within 250 ms of each other, open at the same time\)\n {2}127\.0\.0\.1 → 127\.0\.0\.1:\d+: streams 0, 1$/m);
      const bad = wirelab(['analyze', concurrent, '--parallel-window', 'soon']);
      expect(bad.status).to.equal(2);
      expect(bad.stderr).to.match(/^error \[ERR_CONFIG\]: --parallel-window takes a number of ms ≥ 0 \(got "soon"\)/);
    });
  });

  describe('--stream', () => {
    const sequential = fixture('user/five-sequential-curls.pcap');

    it('narrows the expert summary and the JSON counts to the chosen streams', () => {
      const r = wirelab(['analyze', sequential, '--stream', '2', '--format', 'json']);
      expect(r.status, r.stderr).to.equal(0);
      const report = JSON.parse(r.stdout) as { expertCounts: Record<string, number>; conversations: { stream: number }[]; findings: { stream: number }[] };
      expect(report.conversations.map((c) => c.stream)).to.deep.equal([2]);
      expect(report.expertCounts['tcp.connection.syn']).to.equal(1);
      expect(report.expertCounts['tcp.connection.fin']).to.equal(2);
      expect(new Set(report.findings.map((f) => f.stream))).to.deep.equal(new Set([2]));
      const all = JSON.parse(wirelab(['analyze', sequential, '--format', 'json']).stdout) as { expertCounts: Record<string, number> };
      expect(all.expertCounts['tcp.connection.syn']).to.equal(5);
      const text = wirelab(['analyze', sequential, '--stream', '1', '--stream', '3', '--no-packets']);
      expect(text.stdout).to.match(/^\s+2\s+sequence\s+TCP\s+Connection establish request \(SYN\)/m);
      expect(text.stdout).to.match(/^Chats \(8\)$/m);
    });

    it('rejects a stream the capture does not have, naming those it has, before printing anything', () => {
      for (const format of ['text', 'json', 'jsonl']) {
        const r = wirelab(['analyze', sequential, '--stream', '1', '--stream', '9', '--format', format]);
        expect(r.status, format).to.equal(2);
        expect(r.stdout, format).to.equal('');
        expect(r.stderr.trim().split('\n').pop(), format).to.equal(`error [ERR_CONFIG]: ${sequential}: no tcp.stream 9: the capture has tcp.stream 0–4`);
      }
    });
  });

  it('has --help on every command', () => {
    for (const args of [['--help'], ['analyze', '--help'], ['run', '--help'], ['list', '--help'], ['cleanup', '--help'], ['replay', '--help'], ['capture', '--help'], ['serve', '--help']]) {
      const r = wirelab(args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).to.equal(0);
      expect(r.stdout).to.match(/^Usage: wirelab/);
    }
  });

  it('says nothing on stderr when a reader closes the pipe early (wirelab replay --help | true)', () => {
    // `true` exits before wirelab writes, so the help text meets a closed pipe: EPIPE is not an error.
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" replay --help | true`], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).to.equal('');
    expect(r.status).to.equal(0);
  });
});
