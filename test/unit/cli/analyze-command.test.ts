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
    const m = wirelab(['analyze', join(dir, 'nope.pcap')]);
    expect(m.status).to.equal(2);
    expect(m.stderr).to.match(/^error \[ERR_CAPTURE_FORMAT\]: .*nope\.pcap: no such file/);
    const f = wirelab(['analyze', empty, '--flag', 'bogus']);
    expect(f.status).to.equal(2);
    expect(f.stderr).to.match(/^error \[ERR_CONFIG\]: unknown flag "bogus"; known: /);
  });

  it('has --help on every command', () => {
    for (const args of [['--help'], ['analyze', '--help'], ['run', '--help'], ['list', '--help'], ['cleanup', '--help']]) {
      const r = wirelab(args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).to.equal(0);
      expect(r.stdout).to.match(/^Usage: wirelab/);
    }
  });
});
