/**
 * replay-check.ts: the reproducibility check of impairment replay (issue 10's bar). For each scenario,
 * one run, then N replays of its impairments.jsonl; prints how many gave the same per-conversation
 * flag counts (and how many the same flags present). `--baseline` reruns the seed instead of replaying,
 * to see how reproducible a scenario is on this machine by itself.
 * Root. Usage: node --import tsx script/replay-check.ts [--replays 20] [--seed 11] [--baseline] [NAME…]
 */
import { parseArgs } from 'node:util';
import { installSignalHandlers } from '../harness/cleanup.js';
import { checkReplay } from '../harness/scenario/replay-check.js';
import { formatReplayStats } from '../harness/scenario/run-scenario.js';
import { findScenario } from '../scenarios/index.js';

const DEFAULT_SCENARIOS = ['lab-report', 'fast-retransmission', 'out-of-order', 'duplicate-ack', 'capture-loss', 'zero-window'];

const { values, positionals } = parseArgs({ options: { replays: { type: 'string', default: '20' }, seed: { type: 'string', default: '11' }, out: { type: 'string', default: 'runs/replay-check' }, baseline: { type: 'boolean', default: false } }, allowPositionals: true });
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
    baseline: values.baseline,
    onTrial: (t, k) => process.stderr.write(`${name} ${values.baseline ? 'rerun' : 'replay'} ${k + 1}/${replays}: ${t.same ? 'same' : `DIFFERENT: ${t.flags}`}${t.stats ? ` (${formatReplayStats(t.stats)})` : ''}\n`),
  });
  const what = values.baseline ? 'reruns of the seed' : 'replays';
  process.stdout.write(
    `${name} (seed ${seed}): ${check.reproduced}/${replays} ${what} give the original's per-conversation flag counts, ${check.reproducedPhenomena}/${replays} the same flags present (${check.original})\n`,
  );
  if (check.reproduced < Math.ceil(0.95 * replays)) failed = true;
}
process.exitCode = failed ? 1 : 0;
