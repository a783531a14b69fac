/**
 * Every scenario once (root: namespaces, veths, libpcap), and, when tshark is installed, tshark's
 * TCP analysis of the capture it wrote must agree with ours on every TCP frame.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scenarioEnvironmentProblem } from '../../harness/scenario/run-scenario.js';
import { scenarios } from '../../scenarios/index.js';
import { skipBecause } from '../support/skip.js';
import { runValidScenario } from '../support/valid-run.js';

const root = new URL('../../', import.meta.url).pathname;
const tshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

interface OracleFrame {
  frame: number;
  stream: number | null;
  flags: string[];
  dup_ack_num: number | null;
}

/** Frames where tshark's stream, flags or dup-ACK number differ from the analysis. */
function disagreements(capture: string, ours: ReadonlyMap<number, { stream: number | null; flags: readonly string[]; dup_ack_num: number | null }>): string[] {
  const r = spawnSync('bash', [join(root, 'script/oracle.sh'), '-', capture], { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 120_000 });
  if (r.status !== 0) return [`oracle.sh failed: ${r.stderr.trim()}`];
  const out: string[] = [];
  for (const line of r.stdout.trim().split('\n')) {
    const o = JSON.parse(line) as OracleFrame;
    if (o.stream === null) continue;
    const mine = ours.get(o.frame);
    const a = JSON.stringify([o.stream, o.flags, o.dup_ack_num]);
    const b = JSON.stringify([mine?.stream ?? null, mine?.flags ?? [], mine?.dup_ack_num ?? null]);
    if (a !== b) out.push(`frame ${o.frame}: tshark ${a}, wirelab ${b}`);
  }
  return out;
}

describe('scenarios', function () {
  // The lab-report scenario alone takes several seconds; agents need a second or two to load under tsx.
  this.timeout(120_000);
  let out: string;
  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'wirelab-scenarios-'));
  });
  after(() => rm(out, { recursive: true, force: true }));

  for (const scenario of scenarios) {
    it(`@netns ${scenario.name} passes its expectations and tshark agrees (capture: ${scenario.capture})`, async function () {
      if (process.getuid?.() !== 0) skipBecause(this, 'needs root for namespaces, veths and libpcap; run npm run test:netns as root');
      const problem = scenarioEnvironmentProblem(scenario);
      if (problem !== undefined) skipBecause(this, problem);
      const result = await runValidScenario(scenario, { outDir: out });
      if (!result.ok) throw result.error;
      expect(result.outcomes.every((o) => o.ok)).to.equal(true);
      if (tshark) {
        const ours = new Map(result.analysis.frames.map((f) => [f.frame, f]));
        expect(disagreements(join(result.dir, 'capture.pcapng'), ours)).to.deep.equal([]);
      }
    });
  }
});
