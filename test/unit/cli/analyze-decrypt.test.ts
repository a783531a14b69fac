// `wirelab analyze` with TLS keys: --keylog, SSLKEYLOGFILE, bad key logs (notes, exit 0), --follow.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname;
const bin = join(root, 'bin/wirelab.js');
const dir = join(root, 'test/fixtures/captures/tls-decrypt');
const cap = join(dir, 'tls13-chacha20.pcapng');
const keys = join(dir, 'tls13-chacha20.keys');

function wirelab(args: readonly string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, SSLKEYLOGFILE: '', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('wirelab analyze with TLS keys', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => (tmp = mkdtempSync(join(tmpdir(), 'wirelab-keys-'))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('--keylog decrypts: HTTP in the packet list and the requests per connection', function () {
    const r = wirelab(['analyze', cap, '--keylog', keys]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/HTTP\s+\d+ GET \/media\/image\.jpg HTTP\/1\.1/);
    expect(r.stdout).to.contain('GET /media/image.jpg → 200, 24000 B');
    expect(r.stdout).to.contain('Encrypted Extensions');
  });

  it('SSLKEYLOGFILE is used when no --keylog is given', function () {
    const r = wirelab(['analyze', cap, '--format', 'jsonl'], { SSLKEYLOGFILE: keys });
    expect(r.status, r.stderr).to.equal(0);
    const frames = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { http?: { request_uri: string[] } });
    expect(frames.flatMap((f) => f.http?.request_uri ?? [])).to.deep.equal(['/', '/media/image.jpg']);
  });

  it('without keys the output has no http fields', function () {
    const r = wirelab(['analyze', cap, '--format', 'jsonl']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).not.to.contain('"http"');
  });

  it('a malformed, truncated or foreign key log: one-line warnings or notes, exit 0, the same frames', function () {
    const plain = wirelab(['analyze', cap, '--format', 'jsonl']).stdout;
    const bad = join(tmp, 'bad.keys');
    writeFileSync(bad, 'CLIENT_RANDOM zz\nnot a key log line\n');
    const r1 = wirelab(['analyze', cap, '--format', 'jsonl', '--keylog', bad]);
    expect(r1.status).to.equal(0);
    expect(r1.stderr).to.contain(`warning: ${bad}:1:`);
    expect(r1.stderr).to.contain(`warning: ${bad}:2:`);
    expect(r1.stderr).not.to.match(/\n\s+at /);
    expect(r1.stdout).to.equal(plain);
    const truncated = join(tmp, 'truncated.keys');
    writeFileSync(truncated, readFileSync(keys, 'utf8').slice(0, 150));
    const r2 = wirelab(['analyze', cap, '--keylog', truncated, '--no-packets']);
    expect(r2.status).to.equal(0);
    expect(r2.stderr).to.match(/warning: .*truncated\.keys:\d+:/);
    const foreign = wirelab(['analyze', cap, '--keylog', join(dir, 'tls13-hrr.keys'), '--no-packets']);
    expect(foreign.status).to.equal(0);
    expect(foreign.stdout).to.match(/decryption: no key for client random [0-9a-f]{16}…/);
  });

  it('a --keylog file that does not exist is a one-line error', function () {
    const r = wirelab(['analyze', cap, '--keylog', join(tmp, 'missing.keys')]);
    expect(r.status).to.not.equal(0);
    expect(r.stderr.trim()).to.match(/^error \[ERR_CONFIG\]: --keylog .*missing\.keys: no such file$/);
  });

  it('--follow N prints both directions as tshark follow,tls,ascii; --raw the bytes', function () {
    const r = wirelab(['analyze', cap, '--keylog', keys, '--follow', '0']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^\n={67}\nFollow: tls,ascii\nFilter: tcp\.stream eq 0\nNode 0: /);
    expect(r.stdout).to.match(/\n\t?\d+\nGET \/ HTTP\/1\.1\r\n/);
    expect(r.stdout).to.match(/\n\t?\d+\nHTTP\/1\.1 200 OK\r\n/);
    const raw = wirelab(['analyze', cap, '--keylog', keys, '--follow', '0', '--raw']);
    expect(raw.stdout.startsWith('GET / HTTP/1.1\r\n')).to.equal(true);
    const none = wirelab(['analyze', cap, '--follow', '7']);
    expect(none.status).to.not.equal(0);
    expect(none.stderr.trim()).to.match(/^error \[ERR_CONFIG\]: --follow 7: no such tcp\.stream/);
  });
});
