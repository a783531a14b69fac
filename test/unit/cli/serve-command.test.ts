/**
 * `wirelab serve` as a person meets it: it prints the URL, fingerprint, key log and next commands, serves
 * the lab page with real media over h2 and HTTP/1.1, writes the key log, and stops cleanly on Ctrl-C.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as connectHttp2 } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLabConnection } from '../../../harness/clients/lab-connection.js';

const root = new URL('../../../', import.meta.url).pathname;
const bin = join(root, 'bin/wirelab.js');

describe('wirelab serve', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wirelab-serve-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the lab page until Ctrl-C and prints what to do next', async () => {
    const keylog = join(dir, 'keys.txt');
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--name', 'Li Lei', '--keylog', keylog], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!stdout.includes('Ctrl-C stops the server') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      expect(stdout, stderr).to.contain('Ctrl-C stops the server');
      const port = Number(/https:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout)?.[1]);
      expect(stdout).to.match(/SHA-256 fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
      expect(stdout).to.contain(`TLS key log (NSS format) appended to ${keylog}`);
      expect(stdout).to.contain(`wirelab capture -i lo -f "tcp port ${port}" -w lab.pcapng --keylog ${keylog}`);
      expect(stdout).to.contain(`wirelab analyze lab.pcapng --keylog ${keylog}`);

      const conn = await openLabConnection({ host: '127.0.0.1', port });
      const page = await conn.get('/', { keepBody: true });
      const video = await conn.get('/media/video.mp4', { range: { start: 0, end: 99 } });
      await conn.close('fin');
      expect([page.status, video.status, video.bodyBytes]).to.deep.equal([200, 206, 100]);
      expect(page.body?.toString()).to.contain('<dd>Li Lei</dd>');

      const session = connectHttp2(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
      const alpn = await new Promise<string>((r) => session.once('connect', () => r(session.alpnProtocol ?? '')));
      session.close();
      expect(alpn).to.equal('h2');
      expect(readFileSync(keylog, 'utf8')).to.match(/^CLIENT_(RANDOM|HANDSHAKE_TRAFFIC_SECRET) /m);

      child.kill('SIGINT');
      expect(await exited).to.equal(0);
      expect(stdout).to.match(/wirelab serve: stopped after 2 request\(s\)/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('rejects a bad --tls, --cipher or --port with a one-line error and exit code 2', () => {
    for (const [args, message] of [
      [['--tls', '1.4'], 'error [ERR_CONFIG]: --tls takes 1.2 or 1.3 (got "1.4")'],
      [['--cipher', 'NOPE'], 'error [ERR_CONFIG]: --cipher "NOPE": OpenSSL knows no such cipher'],
      [['--port', '70000'], 'error [ERR_CONFIG]: --port takes 0 to 65535 (got "70000")'],
      [['--page', '/nonexistent/dir'], 'error [ERR_CONFIG]: --page /nonexistent/dir: not a directory'],
    ] as const) {
      const r = spawnSync(process.execPath, [bin, 'serve', '--port', '0', ...args], { encoding: 'utf8', timeout: 30_000 });
      expect([r.status, r.stderr.trim()]).to.deep.equal([2, message]);
    }
  });
});
