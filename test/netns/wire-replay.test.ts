/**
 * wire-replay.test.ts: @netns tests of `wirelab replay`: a capture sent onto a veth of a wirelab
 * topology is captured and analysed live on the far side, and that analysis equals `wirelab analyze`
 * of the file frame for frame, at --speed 1 and at --topspeed, also on loopback (--interface lo); every
 * address on the wire is the run's own; other interfaces are refused; nothing is left behind. Needs root, libpcap and a build (it runs the CLI).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCaptureFile } from '../../analyzer/capture/open-capture.js';
import { liveEnvironmentProblem } from '../../harness/env-check.js';
import { listNetns } from '../../harness/netns.js';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/wirelab.js');
const captures = join(root, 'test/fixtures/captures');

function wirelab(args: readonly string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, cwd: root, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, pid: r.pid };
}

/** The namespaces a wirelab process made (its run ids end in its pid): other runs on the machine may come and go meanwhile. */
function ownNetns(pid: number): string[] {
  const own = new RegExp(`^wl-[0-9a-z]{3}${pid.toString(36)}-[cs]$`);
  return listNetns().filter((n) => own.test(n));
}

/** The per-frame facts of an analyze JSONL record that the wire must not change. */
function facts(line: string): string {
  const r = JSON.parse(line) as Record<string, unknown>;
  return JSON.stringify([r['frame'], r['stream'], r['sport'], r['dport'], r['tcp_flags'], r['seq'], r['ack'], r['tcp_len'], r['win'], r['flags'], r['dup_ack_num'], r['tls']]);
}

/** Every IPv4/IPv6 source and destination of an Ethernet capture, as text. */
function addressesOf(frames: readonly { data: Buffer }[]): Set<string> {
  const out = new Set<string>();
  for (const { data } of frames) {
    const type = data.readUInt16BE(12);
    if (type === 0x0800) for (const at of [26, 30]) out.add([...data.subarray(at, at + 4)].join('.'));
    if (type === 0x86dd) for (const at of [22, 38]) out.add(data.subarray(at, at + 16).toString('hex'));
  }
  return out;
}

describe('wirelab replay @netns', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'wirelab-wire-replay-'));
  before(function () {
    const problem = liveEnvironmentProblem();
    if (problem !== undefined) {
      console.warn(`skipping @netns replay tests: ${problem}`);
      this.skip();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases = [
    ['kernel/02_lost_fast_retrans.pcap', '--speed', '1'],
    ['kernel/05_reorder_ooo_large_irtt.pcap', '--speed', '1'],
    ['kernel/02_lost_fast_retrans.pcap', '--topspeed'],
    ['tls/21_tls12_alert.pcap', '--topspeed'],
    ['encap/icmpv6-quoted.pcap', '--topspeed'],
    ['kernel/02_lost_fast_retrans.pcap', '--speed', '1', '--interface', 'lo'],
    ['kernel/02_lost_fast_retrans.pcap', '--topspeed', '--interface', 'lo'],
    ['encap/icmpv6-quoted.pcap', '--topspeed', '--interface', 'lo'],
  ] as const;
  for (const [file, ...timing] of cases) {
    it(`${file} ${timing.join(' ')}: the live analysis equals wirelab analyze frame for frame`, () => {
      const out = join(dir, `${file.replace(/\W/g, '_')}${timing.join('')}`);
      const before = new Set(listNetns());
      const r = wirelab(['replay', join(captures, file), ...timing, '-o', out, '--quiet']);
      expect(r.stderr).to.equal('');
      expect(r.status, r.stdout).to.equal(0);
      const original = wirelab(['analyze', join(captures, file), '--format', 'jsonl', '--quiet']).stdout.trim().split('\n');
      const live = readFileSync(join(out, 'live.jsonl'), 'utf8').trim().split('\n');
      // Checked here on its own, not only by the command's verdict.
      expect(live.map(facts)).to.deep.equal(original.map(facts));
      expect(r.stdout).to.include(`all ${original.length} frames agree`);
      expect(r.stdout).to.match(new RegExp(`${original.length} frames sent in [\\d.]+ s \\([\\d,]+ packets/s\\), ${original.length} received`));
      if (timing[0] === '--speed') expect(r.stdout).to.match(/timing error \(send time − schedule\): median \d+ µs, p99 \d+ µs/);
      expect(ownNetns(r.pid!).filter((n) => !before.has(n)), 'namespaces left behind').to.deep.equal([]);
    });
  }

  it('puts only addresses of its own ranges on the wire', async () => {
    const out = join(dir, 'ranges');
    const r = wirelab(['replay', join(captures, 'encap/icmpv6-quoted.pcap'), '--topspeed', '-o', out, '--quiet', '--no-compare']);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    for (const a of addressesOf(await readCaptureFile(join(out, 'received.pcapng')))) {
      expect(a.startsWith('198.19.') || a.startsWith('fd00776cffff00000000'), a).to.equal(true);
    }
  });

  it('on loopback puts only its own 127.x.0.0/16 and fd00:776c:fffe:x::/64 addresses on the wire, and says where the frames went', async () => {
    const out = join(dir, 'ranges-lo');
    const r = wirelab(['replay', join(captures, 'encap/icmpv6-quoted.pcap'), '--topspeed', '--interface', 'lo', '-o', out, '--quiet', '--no-compare']);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const ranges = /sent onto loopback interface lo; addresses: 0 IPv4 mapped into 127\.(\d+)\.0\.0\/16, 3 IPv6 into fd00:776c:fffe:([0-9a-f]+)::\/64/.exec(r.stdout);
    expect(ranges, r.stdout).to.not.equal(null);
    const v6 = `fd00776cfffe${ranges![2]!.padStart(4, '0')}`;
    const seen = addressesOf(await readCaptureFile(join(out, 'received.pcapng')));
    expect(seen.size).to.be.greaterThan(0);
    for (const a of seen) expect(a.startsWith(`127.${ranges![1]}.`) || a.startsWith(v6), a).to.equal(true);
  });

  it('refuses an interface that is not loopback, and one that does not exist, before sending anything', () => {
    const other = readdirSync('/sys/class/net').find((n) => (Number(readFileSync(`/sys/class/net/${n}/flags`, 'utf8')) & 0x8) === 0);
    if (other !== undefined) {
      const r = wirelab(['replay', join(captures, 'kernel/02_lost_fast_retrans.pcap'), '--interface', other, '-o', join(dir, 'bad-if')]);
      expect(r.status).to.equal(2);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.equal(
        `error [ERR_CONFIG]: --interface ${other}: not a loopback interface. wirelab replay sends only to loopback or into network namespaces it made itself, never onto a network it did not make; use --interface lo, or leave --interface out to replay onto a veth of a fresh wirelab topology\n`,
      );
    }
    const missing = wirelab(['replay', join(captures, 'kernel/02_lost_fast_retrans.pcap'), '--interface', 'wlnope0', '-o', join(dir, 'bad-if')]);
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.match(/^error \[ERR_CONFIG\]: --interface wlnope0: no such interface here \(there are: .*lo.*\)\n$/);
  });

  it('refuses a link type it cannot send, in one line, before making any namespace', () => {
    const r = wirelab(['replay', join(captures, 'encap/chdlc.pcap'), '-o', join(dir, 'bad')]);
    expect(r.status).to.equal(2);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/^error \[ERR_CONFIG\]: frame 1: link type 104 cannot be replayed onto Ethernet/);
    expect(ownNetns(r.pid!)).to.deep.equal([]);
  });

  it('rejects conflicting timing flags and a missing file with exit code 2', () => {
    expect(wirelab(['replay', join(captures, 'kernel/02_lost_fast_retrans.pcap'), '--speed', '2', '--topspeed']).stderr).to.equal('error [ERR_CONFIG]: give one of --speed, --pps and --topspeed\n');
    const missing = wirelab(['replay', join(dir, 'nope.pcap')]);
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.match(/^error \[ERR_FILE_NOT_FOUND\]: .*nope\.pcap: no such file\n$/);
  });
});
