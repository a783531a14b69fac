/**
 * replay-check.ts: the reproducibility check of impairment replay (issue 10's bar). For each scenario,
 * one run, then N replays of its impairments.jsonl; prints how many gave the same per-conversation
 * flag counts. Root. Usage: node --import tsx script/replay-check.ts [--replays 20] [--seed 11] [NAME…]
 */
import { parseArgs } from 'node:util';
import { installSignalHandlers } from '../harness/cleanup.js';
import { checkReplay } from '../harness/scenario/replay-check.js';
import { formatReplayStats } from '../harness/scenario/run-scenario.js';
import { findScenario } from '../scenarios/index.js';

const DEFAULT_SCENARIOS = ['lab-report', 'fast-retransmission', 'out-of-order', 'duplicate-ack', 'capture-loss', 'zero-window'];

const { values, positionals } = parseArgs({ options: { replays: { type: 'string', default: '20' }, seed: { type: 'string', default: '11' }, out: { type: 'string', default: 'runs/replay-check' } }, allowPositionals: true });
const replays = Number(values.replays);
const seed = Number(values.seed);
installSignalHandlers();
let failed = false;
for (const name of positionals.length > 0 ? positionals : DEFAULT_SCENARIOS) {
  const scenario = findScenario(name);
  if (scenario === undefined) throw new Error(`unknown scenario ${name}`);
  const check = await checkReplay(scenario, {
    seed,
    replays,
    outDir: values.out,
    onTrial: (t, k) => process.stderr.write(`${name} replay ${k + 1}/${replays}: ${t.same ? 'same' : `DIFFERENT: ${t.flags}`}${t.stats ? ` (${formatReplayStats(t.stats)})` : ''}\n`),
  });
  process.stdout.write(`${name} (seed ${seed}): ${check.reproduced}/${replays} replays reproduce the original's per-conversation flag counts (${check.original})\n`);
  if (check.reproduced < Math.ceil(0.95 * replays)) failed = true;
}
process.exitCode = failed ? 1 : 0;
