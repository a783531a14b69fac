/**
 * stress-harness.ts: `npm run stress:harness [-- SIGINTS]` (root): `wirelab run lab-report` interrupted with
 * SIGINT at SIGINTS (default 20) random moments, one after the other, then 3 runs at once; reports each run's
 * leftovers (namespaces, veth ends, state files, processes, temp files; test/support/harness-stress.ts) and
 * exits 1 if any run left anything or collided.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rng } from '../test/support/fuzz.js';
import { runChild, type ChildRun } from '../test/support/harness-stress.js';

const count = Number(process.argv[2] ?? 20);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
const r = rng(seed);
const out = mkdtempSync(join(tmpdir(), 'wirelab-stress-'));
const started = Date.now();
let bad = 0;

function line(label: string, run: ChildRun): void {
  const when = run.interruptedAtMs === undefined ? 'ran to the end' : `SIGINT at ${run.interruptedAtMs} ms`;
  const left = run.leftovers.length === 0 ? 'nothing left' : `LEFT ${run.leftovers.join(', ')}`;
  const error = run.code !== 0 && run.code !== null ? ` (${run.stderr.trim().split('\n').pop()})` : '';
  process.stdout.write(`${label}: pid ${run.pid}, ${when}, exit ${run.code ?? run.signal}${error}, ${left}\n`);
}

try {
  for (let i = 0; i < count; i++) {
    const run = await runChild('lab-report', join(out, `sigint-${i}`), 200 + Math.floor(r() * 15_000));
    line(`sigint ${i + 1}/${count}`, run);
    if (run.leftovers.length > 0 || /ERR_INTERNAL/.test(run.stderr)) bad++;
  }
  const runs = await Promise.all([0, 1, 2].map((i) => runChild('lab-report', join(out, `concurrent-${i}`), undefined)));
  runs.forEach((run, i) => {
    line(`concurrent ${i + 1}/3`, run);
    if (run.leftovers.length > 0 || run.code !== 0) bad++;
  });
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.stdout.write(`${count} interrupted + 3 concurrent runs (seed ${seed}) in ${Math.round((Date.now() - started) / 1000)} s: ${bad} bad\n`);
process.exitCode = bad === 0 ? 0 : 1;
