/**
 * scenario-test.ts: `scenarioTest(def)` declares a scenario as one mocha test, so a user's mocha file runs
 * scenarios with mocha's own reporters and `--parallel` (each file in its own worker process, so runs
 * never share an event loop). Uses mocha's global `it`; must not import the CLI.
 *
 * @example
 * import { scenarioTest } from 'wirelab/harness';
 * import lostSegment from '../wirelab/lost-segment.scenario.js';
 * describe('network behaviour', () => {
 *   scenarioTest(lostSegment);                       // one test: runs it, fails with expected/found and the timeline
 *   scenarioTest(lostSegment, { seed: 7, capture: 'both' });
 * });
 */
import { ConfigError } from '../analyzer/errors.js';
import { defineScenario, isScenario, type Scenario, type ScenarioDefinition } from './scenario/define-scenario.js';
import { runScenario, scenarioEnvironmentProblem, type RunScenarioOptions } from './scenario/run-scenario.js';

/** Options of {@link scenarioTest}: the run's options, plus the test's title and time limit. */
export interface ScenarioTestOptions extends RunScenarioOptions {
  /** Test title (default: '<name>: <description>'). */
  readonly title?: string;
  /** mocha timeout for the run, ms (default: the scenario's timeout + 60 s for setup and analysis). */
  readonly timeoutMs?: number;
}

interface MochaContext {
  timeout(ms: number): void;
  skip(): never;
  test?: { title: string };
}
type MochaIt = (title: string, fn: (this: MochaContext) => Promise<void>) => unknown;

/**
 * Declares one mocha test that runs the scenario (a Scenario or a definition) and fails with its
 * expectations' expected/found, explanations and packet timeline. Without root, or without what the
 * scenario's clients need (Chromium), the test is skipped with the reason in its title.
 * @throws ConfigError when called outside a mocha file (no global `it`).
 */
export function scenarioTest(def: Scenario | ScenarioDefinition, options: ScenarioTestOptions = {}): void {
  const scenario = isScenario(def) ? def : defineScenario(def);
  const it = (globalThis as { it?: MochaIt }).it;
  if (typeof it !== 'function') throw new ConfigError(`scenarioTest(${scenario.name}): call it inside a mocha test file (mocha defines the global it)`);
  const { title, timeoutMs, ...runOptions } = options;
  it(title ?? `${scenario.name}: ${scenario.description}`, async function () {
    this.timeout(timeoutMs ?? scenario.timeoutMs + 60_000);
    const problem = process.getuid?.() === 0 ? scenarioEnvironmentProblem(scenario) : 'needs root for network namespaces';
    if (problem !== undefined) {
      if (this.test) this.test.title += ` (skipped: ${problem})`;
      this.skip();
    }
    const result = await runScenario(scenario, { outDir: 'runs', ...runOptions });
    if (result.ok) return;
    const failed = result.outcomes.filter((o) => !o.ok);
    const lines = [
      `${scenario.name} (seed ${result.seed}, capture ${result.capturePoint}; artefacts in ${result.dir}):`,
      ...failed.flatMap((o) => [`  expected ${o.expected}, found ${o.found}`, ...o.explanation.map((l) => `    ${l}`)]),
      result.error?.timeline ?? '',
    ];
    const error = new Error(lines.join('\n'));
    error.stack = error.message; // the timeline says where; a stack into the harness does not
    throw error;
  });
}
