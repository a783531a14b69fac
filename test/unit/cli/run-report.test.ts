/**
 * `wirelab run --report`: the run's directory gains report.html, the report of its own capture.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveEnvironmentProblem } from '../../../harness/env-check.js';
import { skipBecause } from '../../support/skip.js';

const root = new URL('../../../', import.meta.url).pathname;

describe('wirelab run --report', function () {
  this.timeout(120_000);
  it('@netns writes report.html beside the run artefacts', function () {
    const problem = liveEnvironmentProblem();
    if (problem !== undefined) skipBecause(this, problem);
    const out = mkdtempSync(join(tmpdir(), 'wirelab-run-report-'));
    try {
      const r = spawnSync(process.execPath, [join(root, 'bin/wirelab.js'), 'run', 'tcp-handshake', '--report', '--out', out], { encoding: 'utf8', timeout: 110_000 });
      expect(r.status, r.stderr).to.equal(0);
      const report = join(out, 'tcp-handshake', 'report.html');
      expect(r.stdout).to.contain(`  report: ${report}\n`);
      const html = readFileSync(report, 'utf8');
      expect(html).to.contain(`wirelab report: ${join(out, 'tcp-handshake', 'capture.pcapng')}`).and.contain('<svg class="flow"');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
