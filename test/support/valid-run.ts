/**
 * valid-run.ts: a scenario run that the machine itself spoiled (path audit: frames lost outside the
 * impairment chain) says nothing about wirelab, so tests rerun it, at most twice, and say so on
 * stderr. A run that lost nothing is never rerun: its failure is the test's failure.
 */
import { formatPathAudit } from '../../harness/path-audit.js';
import { runScenario, type RunScenarioOptions, type ScenarioRunResult } from '../../harness/scenario/run-scenario.js';
import type { Scenario } from '../../harness/scenario/define-scenario.js';

const MAX_ATTEMPTS = 3;

/** runScenario, rerun while the path audit shows frames the machine lost (each attempt in its own directory). */
export async function runValidScenario(scenario: Scenario, options: RunScenarioOptions & { runDir?: string }): Promise<ScenarioRunResult> {
  for (let attempt = 1; ; attempt++) {
    const runOptions = attempt === 1 || options.runDir === undefined ? options : { ...options, runDir: `${options.runDir}-attempt-${attempt}` };
    const result = await runScenario(scenario, runOptions);
    if (result.pathAudit.lost === 0 || attempt === MAX_ATTEMPTS) return result;
    process.stderr.write(`      (${scenario.name}: rerun ${attempt}, the machine lost frames outside the impairments: ${formatPathAudit(result.pathAudit)})\n`);
  }
}
