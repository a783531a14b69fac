/**
 * `wirelab capture` on loopback against the lab server: pcapng with the key log inside (tshark decrypts
 * it), -c, -a duration, the ring buffer, --analyze printing frames as they arrive, kernel drops counted
 * when the ring overflows, and bad flags.
 */
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCapture } from '../../../analyzer/capture/open-capture.js';
import { loadCertificate } from '../../../harness/certs.js';
import { openLabConnection } from '../../../harness/clients/lab-connection.js';
import { startLabServer, type LabServer } from '../../../harness/https-server.js';
import { liveEnvironmentProblem } from '../../../harness/env-check.js';
import { startLiveCapture } from '../../../harness/live-capture.js';
import { skipBecause } from '../../support/skip.js';

const root = new URL('../../../', import.meta.url).pathname;
const bin = join(root, 'bin/wirelab.js');

/** Starts `wirelab capture ARGS` and resolves once it says it is capturing. */
async function startCapture(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; out: () => string; err: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [bin, 'capture', ...args]);
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 30_000;
  while (!err.includes('capturing on') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return { child, out: () => out, err: () => err, exited };
}

describe('wirelab capture', function () {
  this.timeout(90_000);
  let dir: string;
  let server: LabServer | undefined;
  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'wirelab-capture-'));
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('@netns writes pcapng with the key log inside, stops after -c packets, and tshark decrypts it', async function () {
    const problem = liveEnvironmentProblem();
    if (problem !== undefined) skipBecause(this, problem);
    const cert = await loadCertificate();
    const keylog = join(dir, 'keys.txt');
    server = await startLabServer({ key: cert.key, cert: cert.cert, host: '127.0.0.1', port: 0, onKeyLog: (l) => appendFileSync(keylog, `${l}\n`) });
    const file = join(dir, 'lab.pcapng');
    const cap = await startCapture(['-i', 'lo', '-f', `tcp port ${server.port}`, '-w', file, '--keylog', keylog, '-c', '20', '-a', 'duration:30']);
    const conn = await openLabConnection({ host: '127.0.0.1', port: server.port, ca: cert.cert });
    await conn.get('/media/video.mp4');
    await conn.close('fin');
    expect(await cap.exited, cap.err()).to.equal(0);
    expect(cap.err()).to.match(/captured 20 packets .* wrote .*lab\.pcapng with the key log of .*keys\.txt inside/);
    const source = readCapture(file);
    let frames = 0;
    for await (const batch of source.batches()) frames += batch.length;
    expect(frames).to.equal(20);
    expect(source.info.decryptionSecrets.length).to.equal(1);
    const tshark = spawnSync('tshark', ['-r', file, '-Y', 'http.request', '-T', 'fields', '-e', 'http.request.uri'], { encoding: 'utf8' });
    if (tshark.error === undefined) expect(tshark.stdout.trim()).to.equal('/media/video.mp4');
    expect(existsSync(`${file}.partial`)).to.equal(false);
  });

  it('@netns prints frames as they arrive with --analyze, then the conversations; -a ends it', async function () {
    const problem = liveEnvironmentProblem();
    if (problem !== undefined) skipBecause(this, problem);
    const cert = await loadCertificate();
    server ??= await startLabServer({ key: cert.key, cert: cert.cert, host: '127.0.0.1', port: 0 });
    const cap = await startCapture(['-i', 'lo', '-f', `tcp port ${server.port}`, '--analyze', '-a', 'duration:8']);
    const conn = await openLabConnection({ host: '127.0.0.1', port: server.port, ca: cert.cert });
    await conn.get('/bytes/64k');
    // Printed while the capture still runs.
    const deadline = Date.now() + 5_000;
    while (!/\[SYN\]/.test(cap.out()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(cap.out()).to.match(/^\s+1\s+0\.000000 127\.0\.0\.1 → 127\.0\.0\.1 +TCP .*\[SYN\]/m);
    expect(cap.child.exitCode).to.equal(null);
    await conn.close('fin');
    expect(await cap.exited, cap.err()).to.equal(0);
    expect(cap.out()).to.contain('Conversations (1)').and.contain('completeness 31 (SYN, SYN-ACK, ACK, DATA, FIN)');
  });

  it('@netns rotates ring buffer files and keeps the newest N', async function () {
    const problem = liveEnvironmentProblem();
    if (problem !== undefined) skipBecause(this, problem);
    const cert = await loadCertificate();
    server ??= await startLabServer({ key: cert.key, cert: cert.cert, host: '127.0.0.1', port: 0 });
    const ringDir = join(dir, 'ring');
    spawnSync('mkdir', ['-p', ringDir]);
    const cap = await startCapture(['-i', 'lo', '-f', `tcp port ${server.port}`, '-w', join(ringDir, 'r.pcapng'), '-b', 'filesize:1,files:2', '-a', 'duration:20']);
    const conn = await openLabConnection({ host: '127.0.0.1', port: server.port, ca: cert.cert });
    for (let i = 0; i < 4; i++) await conn.get('/bytes/1m');
    await conn.close('fin');
    cap.child.kill('SIGINT');
    expect(await cap.exited).to.equal(0);
    const names = readdirSync(ringDir).sort();
    expect(names.length, `${names.join(", ")}; ${cap.err()}`).to.equal(2);
    for (const n of names) expect(n).to.match(/^r_\d{5}\.pcapng$/);
    expect(Number(names[1]!.slice(2, 7))).to.be.greaterThan(2);
  });

  it('@netns counts the kernel drops of an overflowing ring (packets it never saw), and the CLI reports them', async function () {
    const problem = liveEnvironmentProblem();
    if (problem !== undefined) skipBecause(this, problem);
    const port = 20_000 + (process.pid % 20_000);
    let seen = 0;
    // A 256 KiB ring and a blocked event loop: 20,000 loopback datagrams of 1,000 bytes cannot all fit.
    const capture = startLiveCapture({ device: 'lo', filter: `udp dst port ${port}`, bufferBytes: 256 * 1024, onFrame: () => seen++ });
    try {
      expect(capture.kernelDropsUnavailable).to.equal(undefined);
      expect(await capture.kernelDrops()).to.equal(0);
      const sender = spawn(process.execPath, ['-e', `
        const s = require('node:dgram').createSocket('udp4'); const b = Buffer.alloc(1000); let n = 0;
        const more = () => { for (let i = 0; i < 1000 && n < 20000; i++, n++) s.send(b, ${port}, '127.0.0.1'); if (n < 20000) setImmediate(more); else s.close(); };
        more();`]);
      const sent = new Promise((r) => sender.once('exit', r));
      const until = Date.now() + 3000;
      while (Date.now() < until && sender.exitCode === null) {
        // busy: libpcap's ring fills while nothing reads it
      }
      await sent;
      await new Promise((r) => setTimeout(r, 300));
      const drops = await capture.kernelDrops();
      expect(drops, `seen ${seen}`).to.be.above(0);
      // On lo the kernel hands the socket each datagram twice (outgoing and incoming; libpcap drops the outgoing
      // copy after the ring), so drops count up to two per datagram, as pcap_stats' ps_drop would.
      expect(seen + drops!).to.be.at.most(40_000);
    } finally {
      capture.stop();
    }
    const cap = await startCapture(['-i', 'lo', '-f', `udp dst port ${port}`, '-a', 'duration:1', '-w', join(dir, 'drops.pcapng')]);
    expect(await cap.exited, cap.err()).to.equal(0);
    expect(cap.err()).to.match(/captured 0 packets .*; kernel drops 0; wrote /);
  });

  it('rejects bad flags with one-line errors and exit code 2', () => {
    for (const [args, message] of [
      [['-a', 'packets:3'], 'error [ERR_CONFIG]: -a takes duration:SECONDS (got "packets:3")'],
      [['-b', 'filesize:1'], 'error [ERR_CONFIG]: -b takes filesize:MB,files:N (got "filesize:1")'],
      [['-c', '0'], 'error [ERR_CONFIG]: -c takes a whole number above 0 (got "0")'],
      [['-b', 'filesize:1,files:2'], 'error [ERR_CONFIG]: -b needs -w FILE (the ring files are named after it)'],
    ] as const) {
      const r = spawnSync(process.execPath, [bin, 'capture', ...args], { encoding: 'utf8', timeout: 30_000 });
      expect([r.status, r.stderr.trim()]).to.deep.equal([2, message]);
    }
  });
});
