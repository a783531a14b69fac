/**
 * Progress bars: on a terminal (a pty from script(1)) a long read shows cli-progress's bar on stderr with
 * bytes, packets/s and ETA; not on a pipe, and not with --quiet.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCaptureFile } from '../../../analyzer/capture/open-capture.js';
import { encodePcap } from '../../../analyzer/capture/pcap-writer.js';
import { skipBecause } from '../../support/skip.js';

const root = new URL('../../../', import.meta.url).pathname;
const bin = join(root, 'bin/wirelab.js');

describe('progress bars', function () {
  this.timeout(120_000);
  let dir: string;
  let big: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wirelab-progress-'));
    // 30 copies of a 410-frame transfer, one after another in time: a file big enough to take a while.
    const frames = await readCaptureFile(join(root, 'test/fixtures/captures/kernel/02_lost_fast_retrans.pcap'));
    const copies = [];
    for (let k = 0; k < 30; k++) for (const f of frames) copies.push({ timestampNs: f.timestampNs + BigInt(k) * 10_000_000_000n, data: f.data, originalLength: f.originalLength });
    big = join(dir, 'big.pcap');
    writeFileSync(big, encodePcap(copies, { linkType: frames[0]!.linkType }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const onTerminal = (args: string[]): { status: number | null; output: string } => {
    const command = [process.execPath, bin, ...args].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', `${command} > /dev/null`, '/dev/null'], { encoding: 'utf8', timeout: 100_000, env: { ...process.env, WIRELAB_PROGRESS_AFTER_MS: '0' } });
    return { status: r.status, output: r.stdout };
  };

  it('shows bytes read, packets/s and ETA on a terminal', function () {
    if (spawnSync('script', ['--version']).error !== undefined) skipBecause(this, 'script(1) from util-linux is not installed');
    const r = onTerminal(['analyze', big, '--no-packets']);
    expect(r.status).to.equal(0);
    expect(r.output).to.match(/analyze \[[█░]+\] \d+% \| [\d.]+\/[\d.]+ MB \| [\d,]+ packets\/s \| ETA/);
  });

  it('stays off with --quiet and when stderr is not a terminal', function () {
    if (spawnSync('script', ['--version']).error !== undefined) skipBecause(this, 'script(1) from util-linux is not installed');
    expect(onTerminal(['analyze', big, '--no-packets', '--quiet']).output).to.not.contain('packets/s');
    const piped = spawnSync(process.execPath, [bin, 'explain', big], { encoding: 'utf8', timeout: 100_000, env: { ...process.env, WIRELAB_PROGRESS_AFTER_MS: '0' } });
    expect([piped.status, piped.stderr]).to.deep.equal([0, '']);
  });
});
