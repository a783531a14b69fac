/**
 * harness-stress.test.ts: `wirelab run lab-report` interrupted with SIGINT at random moments, and three runs
 * at once, leave no namespace, veth, run state file, process or temp file of their own (test/support/
 * harness-stress.ts). A short version; `npm run stress:harness` runs the full 20 interruptions.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rng } from '../support/fuzz.js';
import { runChild, type ChildRun } from '../support/harness-stress.js';
import { skipBecause } from '../support/skip.js';

const isRoot = process.getuid?.() === 0;

function problems(run: ChildRun): string[] {
  const out = run.leftovers.map((l) => `pid ${run.pid}: left ${l}`);
  if (/ERR_INTERNAL|\n\s+at /.test(run.stderr)) out.push(`pid ${run.pid}: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return out;
}

describe('harness under stress', function () {
  this.timeout(600_000);
  let out: string;
  before(() => {
    out = mkdtempSync(join(tmpdir(), 'wirelab-stress-'));
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('@netns leaves nothing behind after SIGINTs at 3 random moments of lab-report', async function () {
    if (!isRoot) skipBecause(this, 'needs root for network namespaces');
    const r = rng(20261203);
    const found: string[] = [];
    for (let i = 0; i < 3; i++) {
      // From just after start (before any namespace) to well into the traffic and teardown.
      const run = await runChild('lab-report', join(out, `sigint-${i}`), 200 + Math.floor(r() * 12_000));
      found.push(...problems(run));
      if (run.interruptedAtMs !== undefined) expect(run.code, `interrupted at ${run.interruptedAtMs} ms`).to.not.equal(0);
    }
    expect(found).to.deep.equal([]);
  });

  it('@netns runs lab-report 3 times at once without collisions and leaves nothing behind', async function () {
    if (!isRoot) skipBecause(this, 'needs root for network namespaces');
    const runs = await Promise.all([0, 1, 2].map((i) => runChild('lab-report', join(out, `concurrent-${i}`), undefined)));
    const found = runs.flatMap(problems);
    for (const run of runs) expect(run.code, `pid ${run.pid}: ${run.stderr.trim().split('\n').slice(-2).join(' | ')}`).to.equal(0);
    expect(found).to.deep.equal([]);
  });
});
