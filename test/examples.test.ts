/**
 * The README's examples are real files under examples/; this runs each one so the docs cannot rot.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipBecause } from './support/skip.js';

const root = new URL('../', import.meta.url).pathname;

describe('README examples', function () {
  this.timeout(60_000);

  it('examples/analyze-capture.ts prints the conversation and the fast retransmission', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=wirelab-source', join(root, 'examples/analyze-capture.ts')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('410 frames, 1 TCP conversation(s)');
    expect(r.stdout).to.contain('fast retransmissions in frames: 78');
  });

  it('@netns examples/custom-scenario.ts runs a user-written scenario and its chai assertions', function () {
    if (process.getuid?.() !== 0) skipBecause(this, 'needs root for network namespaces');
    const out = mkdtempSync(join(tmpdir(), 'wirelab-example-'));
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=wirelab-source', join(root, 'examples/custom-scenario.ts'), out], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^ok: \d+ duplicate ACKs, capture in /);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
